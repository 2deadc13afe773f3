// Package dossier keeps the dossiers (hồ sơ) received at the counters: the
// code and the appointment given at receipt, every hand-over until the
// result is returned, supplements, pauses, the apology when late, and the
// slips of dossiers not received. Its writes go through the queue engine's
// writer (queue.Engine.Write), so a dossier's rows and its events enter
// the one hash-chained event log together; reads use the read pool.
package dossier

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/queue"
	"github.com/motcua/motcua/server/store"
	"github.com/motcua/motcua/server/workday"
)

// Event types in the log.
const (
	EvReceived = "dossier.received"
	EvStep     = "dossier.step"
	EvSlip     = "dossier.slip"
	EvRated    = "dossier.rated"
)

// States of a dossier.
const (
	Received    = "received"     // at the center, not yet handed over
	InProgress  = "in_progress"  // with the department (or consulted agencies)
	Supplement  = "supplement"   // waiting for the citizen's supplement: the clock is stopped
	Paused      = "paused"       // paused with a legal basis: the clock is stopped
	ResultReady = "result_ready" // the result is ready to be returned
	Returned    = "returned"     // handed to the citizen or to the post
)

// Step types (POST /api/v1/dossiers/{code}/events).
const (
	StepHandover            = "handover"             // from, to, how, waybill
	StepConsult             = "consult"              // to (a consulted agency), deadline; the clock runs on
	StepConsultReply        = "consult_reply"        // from
	StepSupplementRequested = "supplement_requested" // note: what is missing; the clock stops
	StepSupplementReceived  = "supplement_received"  // the complete dossier: the clock restarts from zero
	StepPause               = "pause"                // note: the legal basis; the clock stops
	StepResume              = "resume"               // the period is lengthened by the working days paused
	StepResult              = "result_ready"         // the result is ready: timeliness is decided
	StepReturned            = "returned"             // how: counter or post (waybill)
	StepApology             = "apology"              // note: the reason; new_due: the new date
)

// Applicant is who hands the dossier in.
type Applicant struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Address  string `json:"address"`
	Email    string `json:"email,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
}

// Document is one paper of the dossier.
type Document struct {
	Name  string `json:"name"`
	Form  string `json:"form"` // original, certified (bản sao có chứng thực), copy
	Count int    `json:"count"`
}

// Step is one entry of a dossier's timeline.
type Step struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Type     string    `json:"type"`
	From     string    `json:"from,omitempty"`
	To       string    `json:"to,omitempty"`
	How      string    `json:"how,omitempty"`
	Waybill  string    `json:"waybill,omitempty"`
	Actor    string    `json:"actor,omitempty"`
	Note     string    `json:"note,omitempty"`
	Deadline string    `json:"deadline,omitempty"`
}

// Apology is the Phiếu xin lỗi và hẹn lại ngày trả kết quả.
type Apology struct {
	Reason string    `json:"reason"`
	NewDue string    `json:"new_due_date"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	OldDue string    `json:"old_due_date"`
}

// Dossier is one received dossier with its timeline.
type Dossier struct {
	ID            int64      `json:"id"`
	Code          string     `json:"code"`
	Token         string     `json:"-"`
	Ticket        int64      `json:"ticket,omitempty"`
	Procedure     string     `json:"procedure"`
	Department    string     `json:"department"`
	Counter       string     `json:"counter,omitempty"`
	Official      string     `json:"official,omitempty"`
	Applicant     Applicant  `json:"applicant"`
	Documents     []Document `json:"documents"`
	Sets          int        `json:"sets"`
	ReturnChannel string     `json:"return_channel"`
	State         string     `json:"state"`
	ReceivedAt    time.Time  `json:"received_at"`
	ClockFrom     time.Time  `json:"clock_from"`
	DueDate       string     `json:"due_date"`
	DueAt         time.Time  `json:"due_at"`
	Holder        string     `json:"holder"`
	HolderSince   time.Time  `json:"holder_since"`
	ResultAt      *time.Time `json:"result_at,omitempty"`
	ReturnedAt    *time.Time `json:"returned_at,omitempty"`
	Apology       *Apology   `json:"apology,omitempty"`
	BookYear      int        `json:"book_year"`
	BookNo        int        `json:"book_no"`
	// Timeliness is early, on_time or late once the result is ready
	// (decided at day level against the legal due date), "" before.
	Timeliness string `json:"timeliness,omitempty"`
	// PossiblyLost: its last hand-over is older than the step allows.
	PossiblyLost bool `json:"possibly_lost"`
	// CitizenRating is the applicant's rating online after the return.
	CitizenRating int    `json:"citizen_rating,omitempty"`
	Steps         []Step `json:"steps,omitempty"`
	// Replayed: an idempotency key gave back an earlier answer.
	Replayed bool `json:"-"`
}

// Slip is a dossier not received: the supplement request or the refusal.
type Slip struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Year      int       `json:"year"`
	Number    int       `json:"number"`
	Ticket    int64     `json:"ticket,omitempty"`
	Procedure string    `json:"procedure"`
	Counter   string    `json:"counter,omitempty"`
	Official  string    `json:"official,omitempty"`
	Applicant Applicant `json:"applicant"`
	Reason    string    `json:"reason"`
	Missing   []string  `json:"missing,omitempty"`
	At        time.Time `json:"at"`
}

// Store is the dossiers of one center.
type Store struct {
	e   *queue.Engine
	db  *store.DB
	cfg *config.Config
	cal *workday.Calendar // with the center's default cut-off
	clk clock.Clock

	overrides []workday.Override
	hours     workday.Hours
	mu        sync.Mutex
	byCutoff  map[int]*workday.Calendar // procedures with their own cut-off
}

// New returns the dossier store of the center cfg, counting on its
// calendar: the days off and make-up days of overrides, office hours h.
func New(e *queue.Engine, db *store.DB, cfg *config.Config, overrides []workday.Override, h workday.Hours, clk clock.Clock) *Store {
	return &Store{e: e, db: db, cfg: cfg, cal: workday.New(overrides, h), clk: clk, overrides: overrides, hours: h, byCutoff: map[int]*workday.Calendar{}}
}

// Calendar is the working-day calendar the store counts on now.
func (s *Store) Calendar() *workday.Calendar {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cal
}

// SetOverrides replaces the calendar's overrides (the days off and make-up
// days announced during the year). Appointments already given stay as
// they were: a receipt in a citizen's hand is not rewritten.
func (s *Store) SetOverrides(overrides []workday.Override) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overrides = overrides
	s.cal = workday.New(overrides, s.hours)
	s.byCutoff = map[int]*workday.Calendar{}
}

// calFor is the calendar of a procedure's cut-off ("none": the end of the
// afternoon, so the whole day counts as its own).
func (s *Store) calFor(p config.Procedure) *workday.Calendar {
	cut, ok := p.CutoffMinutes()
	if !ok {
		cut = s.hours.Afternoon[1]
	}
	if cut > s.hours.Afternoon[1] {
		cut = s.hours.Afternoon[1]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cut == s.hours.Cutoff {
		return s.cal
	}
	c := s.byCutoff[cut]
	if c == nil {
		h := s.hours
		h.Cutoff = cut
		c = workday.New(s.overrides, h)
		s.byCutoff[cut] = c
	}
	return c
}

var (
	errNotFound    = apperr.New(apperr.NotFound, "dossier-not-found", "Không tìm thấy hồ sơ", "no such dossier")
	errNoProcedure = apperr.New(apperr.NotFound, "procedure-not-found", "Không có thủ tục hành chính này", "no such procedure")
)

func invalid(typ, title, detail string, args ...any) error {
	return apperr.New(apperr.Invalid, typ, title, detail, args...)
}

func conflict(typ, title, detail string, args ...any) error {
	return apperr.New(apperr.Conflict, typ, title, detail, args...)
}

func newToken() string {
	b := make([]byte, 15) // 120 bits
	if _, err := rand.Read(b); err != nil {
		panic("dossier: crypto/rand: " + err.Error())
	}
	return strings.ToLower(base32.StdEncoding.EncodeToString(b))
}

// nextSeq takes the next number of scope in period, in the transaction.
func nextSeq(x *queue.Tx, scope, period string) (int, error) {
	var n int
	err := x.QueryRow(`INSERT INTO dossier_sequences (scope, period, last) VALUES (?, ?, 1)
		ON CONFLICT (scope, period) DO UPDATE SET last = last + 1 RETURNING last`, scope, period).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("dossier: sequence %s %s: %w", scope, period, err)
	}
	return n, nil
}

// ReceiveRequest is a dossier handed in at a counter.
type ReceiveRequest struct {
	Ticket        int64      `json:"ticket,omitempty"`
	Counter       string     `json:"counter,omitempty"`
	Procedure     string     `json:"procedure"`
	Applicant     Applicant  `json:"applicant"`
	Documents     []Document `json:"documents"`
	Sets          int        `json:"sets,omitempty"`
	ReturnChannel string     `json:"return_channel"`
	// Key is the request's idempotency key (scoped by credential): a
	// console retrying after a lost answer gets the same dossier, not a
	// second code.
	Key string `json:"-"`
}

func (s *Store) procedure(code string) (config.Procedure, bool) {
	for _, p := range s.cfg.Procedures {
		if p.Code == code {
			return p, true
		}
	}
	return config.Procedure{}, false
}

func clean(v string, max int) string {
	v = strings.TrimSpace(v)
	if len(v) > max {
		v = v[:max]
	}
	return v
}

func checkApplicant(a *Applicant) error {
	a.Name, a.Phone, a.Address = clean(a.Name, 120), clean(a.Phone, 20), clean(a.Address, 300)
	a.Email, a.IDNumber = clean(a.Email, 120), clean(a.IDNumber, 20)
	if a.Name == "" {
		return invalid("applicant-name", "Hãy nhập họ tên người nộp hồ sơ", "applicant.name is required")
	}
	for _, c := range a.Phone {
		if !(c >= '0' && c <= '9' || c == '+' || c == ' ' || c == '.') {
			return invalid("applicant-phone", "Số điện thoại không hợp lệ", "applicant.phone has %q", c)
		}
	}
	if a.IDNumber != "" && (len(a.IDNumber) != 12 && len(a.IDNumber) != 9 || strings.Trim(a.IDNumber, "0123456789") != "") {
		return invalid("applicant-id", "Số căn cước công dân gồm 12 chữ số", "applicant.id_number must be 9 or 12 digits")
	}
	return nil
}

var documentForms = map[string]bool{"original": true, "certified": true, "copy": true}

// Receive records a complete dossier: its code, its book entry and its
// appointment, in one transaction.
func (s *Store) Receive(ctx context.Context, r ReceiveRequest, actor string) (Dossier, error) {
	p, ok := s.procedure(r.Procedure)
	if !ok {
		return Dossier{}, errNoProcedure
	}
	if err := checkApplicant(&r.Applicant); err != nil {
		return Dossier{}, err
	}
	if r.Sets == 0 {
		r.Sets = 1
	}
	if r.Sets < 1 || r.Sets > 20 {
		return Dossier{}, invalid("sets", "Số bộ hồ sơ không hợp lệ", "sets must be 1 to 20")
	}
	if len(r.Documents) == 0 || len(r.Documents) > 50 {
		return Dossier{}, invalid("documents", "Hãy ghi các giấy tờ trong hồ sơ", "documents: 1 to 50 entries")
	}
	for i := range r.Documents {
		d := &r.Documents[i]
		d.Name = clean(d.Name, 300)
		if d.Name == "" || !documentForms[d.Form] || d.Count < 1 || d.Count > 99 {
			return Dossier{}, invalid("document", "Giấy tờ không hợp lệ: cần tên, hình thức (bản chính, bản sao có chứng thực, bản sao) và số lượng", "documents[%d]", i)
		}
	}
	switch r.ReturnChannel {
	case "counter", "post", "online":
	default:
		return Dossier{}, invalid("return-channel", "Hãy chọn hình thức nhận kết quả", "return_channel must be counter, post or online")
	}
	dept := p.Department
	app, _ := json.Marshal(r.Applicant)
	docs, _ := json.Marshal(r.Documents)
	v, err := s.e.Write(ctx, func(x *queue.Tx) (any, error) {
		if id, ok, err := x.Replay(r.Key, "dossier"); err != nil || ok {
			if err != nil {
				return nil, err
			}
			var code string
			if err := x.QueryRow("SELECT code FROM dossiers WHERE id = ?", id).Scan(&code); err != nil {
				return nil, fmt.Errorf("dossier: replay: %w", err)
			}
			return replayed(code), nil
		}
		now := x.Now()
		local := now.In(clock.Local)
		day := local.Format("2006-01-02")
		seq, err := nextSeq(x, "code:"+s.cfg.Dossier.Unit, day)
		if err != nil {
			return nil, err
		}
		short := dept
		if d, ok := s.cfg.Department(dept); ok && d.Short != "" {
			short = d.Short
		}
		code, err := s.cfg.Dossier.FormatCode(s.cfg.Dossier.Unit, local, seq, short)
		if err != nil {
			return nil, conflict("codes-exhausted", "Đã hết số hồ sơ trong ngày theo định dạng mã", "%v", err)
		}
		book, err := nextSeq(x, "book", local.Format("2006"))
		if err != nil {
			return nil, err
		}
		due := s.appointment(p, now)
		d := Dossier{Code: code, Token: newToken(), Ticket: r.Ticket, Procedure: p.Code, Department: dept, Counter: r.Counter,
			Official: actor, Applicant: r.Applicant, Documents: r.Documents, Sets: r.Sets, ReturnChannel: r.ReturnChannel,
			State: Received, ReceivedAt: now, ClockFrom: now, DueDate: due.Date.String(), DueAt: due.At, Holder: "center",
			HolderSince: now, BookYear: local.Year(), BookNo: book}
		var ticket any
		if r.Ticket > 0 {
			ticket = r.Ticket
		}
		res, err := x.Exec(`INSERT INTO dossiers (code, token, ticket, procedure, department, counter, official, applicant, documents, sets,
			return_channel, state, received_at, clock_from, due_date, due_at, holder, holder_since, book_year, book_no)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			d.Code, d.Token, ticket, d.Procedure, d.Department, d.Counter, d.Official, string(app), string(docs), d.Sets,
			d.ReturnChannel, d.State, now.UnixMilli(), now.UnixMilli(), d.DueDate, d.DueAt.UnixMilli(), d.Holder, now.UnixMilli(), d.BookYear, d.BookNo)
		if err != nil {
			if strings.Contains(err.Error(), "FOREIGN KEY") {
				return nil, invalid("ticket", "Không có vé này", "ticket %d does not exist", r.Ticket)
			}
			return nil, fmt.Errorf("dossier: store: %w", err)
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return nil, fmt.Errorf("dossier: store: %w", err)
		}
		if err := x.Emit(EvReceived, r.Ticket, r.Counter, actor, map[string]any{"code": d.Code, "procedure": d.Procedure,
			"department": d.Department, "due_date": d.DueDate, "return_channel": d.ReturnChannel}); err != nil {
			return nil, err
		}
		return d, x.Remember(r.Key, "dossier", d.ID)
	})
	if err != nil {
		return Dossier{}, err
	}
	if code, ok := v.(replayed); ok {
		d, err := s.Get(ctx, string(code))
		d.Replayed = true
		return d, err
	}
	return v.(Dossier), nil
}

// replayed is the code of a dossier an idempotency key already received.
type replayed string

// unit is how a procedure counts its time.
func unit(p config.Procedure) (int, workday.Unit) {
	if p.ProcessingHours > 0 {
		return p.ProcessingHours, workday.WorkingHours
	}
	if p.SameDay {
		return 0, workday.WorkingDays
	}
	return p.ProcessingDays, workday.WorkingDays
}

func (s *Store) appointment(p config.Procedure, from time.Time) workday.Due {
	n, u := unit(p)
	return s.calFor(p).Appointment(from, n, u)
}

// SlipRequest is a dossier not received.
type SlipRequest struct {
	Kind      string    `json:"kind"` // supplement or refusal
	Ticket    int64     `json:"ticket,omitempty"`
	Counter   string    `json:"counter,omitempty"`
	Procedure string    `json:"procedure"`
	Applicant Applicant `json:"applicant"`
	Reason    string    `json:"reason"`
	Missing   []string  `json:"missing,omitempty"`
	Key       string    `json:"-"` // idempotency key, as for Receive
}

// AddSlip records a supplement request or a refusal handed to the citizen.
func (s *Store) AddSlip(ctx context.Context, r SlipRequest, actor string) (Slip, error) {
	if r.Kind != "supplement" && r.Kind != "refusal" {
		return Slip{}, invalid("slip-kind", "Loại phiếu không hợp lệ", "kind must be supplement or refusal")
	}
	if _, ok := s.procedure(r.Procedure); !ok {
		return Slip{}, errNoProcedure
	}
	if err := checkApplicant(&r.Applicant); err != nil {
		return Slip{}, err
	}
	r.Reason = clean(r.Reason, 2000)
	if r.Reason == "" && len(r.Missing) == 0 {
		return Slip{}, invalid("slip-reason", "Hãy ghi lý do hoặc giấy tờ cần bổ sung", "reason or missing is required")
	}
	for i, m := range r.Missing {
		r.Missing[i] = clean(m, 300)
	}
	app, _ := json.Marshal(r.Applicant)
	missing, _ := json.Marshal(r.Missing)
	v, err := s.e.Write(ctx, func(x *queue.Tx) (any, error) {
		if id, ok, err := x.Replay(r.Key, "slip"); err != nil || ok {
			if err != nil {
				return nil, err
			}
			return slipID(id), nil
		}
		now := x.Now()
		year := now.In(clock.Local).Year()
		n, err := nextSeq(x, "slip:"+r.Kind, fmt.Sprint(year))
		if err != nil {
			return nil, err
		}
		var ticket any
		if r.Ticket > 0 {
			ticket = r.Ticket
		}
		res, err := x.Exec(`INSERT INTO dossier_slips (kind, year, number, ticket, procedure, counter, official, applicant, reason, missing, at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`, r.Kind, year, n, ticket, r.Procedure, r.Counter, actor, string(app), r.Reason, string(missing), now.UnixMilli())
		if err != nil {
			return nil, fmt.Errorf("dossier: slip: %w", err)
		}
		id, _ := res.LastInsertId()
		if err := x.Emit(EvSlip, r.Ticket, r.Counter, actor, map[string]any{"slip": id, "kind": r.Kind, "number": fmt.Sprintf("%d/%d", n, year), "procedure": r.Procedure}); err != nil {
			return nil, err
		}
		if err := x.Remember(r.Key, "slip", id); err != nil {
			return nil, err
		}
		return Slip{ID: id, Kind: r.Kind, Year: year, Number: n, Ticket: r.Ticket, Procedure: r.Procedure, Counter: r.Counter,
			Official: actor, Applicant: r.Applicant, Reason: r.Reason, Missing: r.Missing, At: now}, nil
	})
	if err != nil {
		return Slip{}, err
	}
	if id, ok := v.(slipID); ok {
		return s.Slip(ctx, int64(id))
	}
	return v.(Slip), nil
}

// slipID is the slip an idempotency key already made.
type slipID int64

// Slip reads one slip.
func (s *Store) Slip(ctx context.Context, id int64) (Slip, error) {
	var sl Slip
	var app, missing string
	var ticket sql.NullInt64
	var at int64
	err := s.db.R.QueryRowContext(ctx, `SELECT id, kind, year, number, ticket, procedure, counter, official, applicant, reason, missing, at
		FROM dossier_slips WHERE id = ?`, id).Scan(&sl.ID, &sl.Kind, &sl.Year, &sl.Number, &ticket, &sl.Procedure, &sl.Counter, &sl.Official, &app, &sl.Reason, &missing, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return sl, apperr.New(apperr.NotFound, "slip-not-found", "Không tìm thấy phiếu", "no such slip")
	}
	if err != nil {
		return sl, fmt.Errorf("dossier: slip: %w", err)
	}
	sl.Ticket, sl.At = ticket.Int64, time.UnixMilli(at).UTC()
	json.Unmarshal([]byte(app), &sl.Applicant)
	json.Unmarshal([]byte(missing), &sl.Missing)
	return sl, nil
}
