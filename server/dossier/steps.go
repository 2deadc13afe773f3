package dossier

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/queue"
	"github.com/motcua/motcua/server/workday"
)

const dossierCols = `id, code, token, COALESCE(ticket, 0), procedure, department, counter, official, applicant, documents, sets,
	return_channel, state, received_at, clock_from, due_date, due_at, paused_at, holder, holder_since, result_at, returned_at, COALESCE(apology, ''), book_year, book_no, COALESCE(citizen_rating, 0)`

type rowScanner interface{ Scan(...any) error }

func scanDossier(r rowScanner) (Dossier, *time.Time, error) {
	var d Dossier
	var app, docs, apology string
	var received, clockFrom, dueAt, holderSince int64
	var paused, result, returned sql.NullInt64
	if err := r.Scan(&d.ID, &d.Code, &d.Token, &d.Ticket, &d.Procedure, &d.Department, &d.Counter, &d.Official, &app, &docs, &d.Sets,
		&d.ReturnChannel, &d.State, &received, &clockFrom, &d.DueDate, &dueAt, &paused, &d.Holder, &holderSince, &result, &returned, &apology, &d.BookYear, &d.BookNo, &d.CitizenRating); err != nil {
		return d, nil, err
	}
	ms := func(v int64) time.Time { return time.UnixMilli(v).UTC() }
	opt := func(n sql.NullInt64) *time.Time {
		if !n.Valid {
			return nil
		}
		t := ms(n.Int64)
		return &t
	}
	d.ReceivedAt, d.ClockFrom, d.DueAt, d.HolderSince = ms(received), ms(clockFrom), ms(dueAt), ms(holderSince)
	d.ResultAt, d.ReturnedAt = opt(result), opt(returned)
	json.Unmarshal([]byte(app), &d.Applicant)
	json.Unmarshal([]byte(docs), &d.Documents)
	if apology != "" {
		var a Apology
		if json.Unmarshal([]byte(apology), &a) == nil {
			d.Apology = &a
		}
	}
	return d, opt(paused), nil
}

// finish fills what is derived: timeliness and the lost flag.
func (s *Store) finish(d *Dossier, now time.Time) {
	if d.ResultAt != nil {
		d.Timeliness = Timeliness(workday.DateOf(*d.ResultAt).String(), d.DueDate)
	} else if d.State == Returned && d.ReturnedAt != nil {
		d.Timeliness = Timeliness(workday.DateOf(*d.ReturnedAt).String(), d.DueDate)
	}
	d.PossiblyLost = s.possiblyLost(*d, now)
}

// Timeliness is early, on_time or late: the day the result was ready
// against the legal due date (YYYY-MM-DD strings compare as dates).
func Timeliness(resultDate, dueDate string) string {
	switch {
	case resultDate < dueDate:
		return "early"
	case resultDate == dueDate:
		return "on_time"
	}
	return "late"
}

// possiblyLost: a dossier still on its way whose holder has had it longer
// than LostAfterDays working days (or the post, longer than twice that).
func (s *Store) possiblyLost(d Dossier, now time.Time) bool {
	if d.State == Returned || d.State == ResultReady && d.Holder == "center" {
		return false
	}
	limit := s.cfg.Dossier.LostAfterDays
	if limit <= 0 {
		return false
	}
	if d.Holder == "post" {
		limit *= 2
	}
	return s.workingDaysBetween(workday.DateOf(d.HolderSince), workday.DateOf(now)) > limit
}

// workingDaysBetween counts the working days after from up to and including to.
func (s *Store) workingDaysBetween(from, to workday.Date) int {
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if ok, _ := s.Calendar().Working(d); ok {
			n++
		}
		if n > 1000 {
			break
		}
	}
	return n
}

// Get reads a dossier by code, with its steps.
func (s *Store) Get(ctx context.Context, code string) (Dossier, error) {
	d, _, err := scanDossier(s.db.R.QueryRowContext(ctx, "SELECT "+dossierCols+" FROM dossiers WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return d, errNotFound
	}
	if err != nil {
		return d, fmt.Errorf("dossier: read %s: %w", code, err)
	}
	if d.Steps, err = s.steps(ctx, d.ID); err != nil {
		return d, err
	}
	s.finish(&d, s.clk.Now())
	return d, nil
}

// Public reads a dossier for its public page: the token of the receipt's
// QR must match.
func (s *Store) Public(ctx context.Context, code, token string) (Dossier, error) {
	d, err := s.Get(ctx, code)
	if err != nil {
		return d, err
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(d.Token), []byte(token)) != 1 {
		return Dossier{}, errNotFound
	}
	return d, nil
}

func (s *Store) steps(ctx context.Context, id int64) ([]Step, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, at, type, from_party, to_party, how, waybill, actor, note, deadline FROM dossier_steps WHERE dossier = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("dossier: steps: %w", err)
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var st Step
		var at int64
		if err := rows.Scan(&st.ID, &at, &st.Type, &st.From, &st.To, &st.How, &st.Waybill, &st.Actor, &st.Note, &st.Deadline); err != nil {
			return nil, fmt.Errorf("dossier: steps: %w", err)
		}
		st.At = time.UnixMilli(at).UTC()
		out = append(out, st)
	}
	return out, rows.Err()
}

// Filter selects dossiers for List.
type Filter struct {
	State      string // one state, or "open" for every state before returned
	DueBefore  string // YYYY-MM-DD: due on or before
	Department string
	Counter    string    // received at this counter
	Since      time.Time // received at or after
	Limit      int
	Newest     bool // newest first instead of by due date
}

// List returns dossiers by due date, without their steps.
func (s *Store) List(ctx context.Context, f Filter) ([]Dossier, error) {
	q := "SELECT " + dossierCols + " FROM dossiers WHERE 1=1"
	var args []any
	switch f.State {
	case "":
	case "open":
		q += " AND state NOT IN ('returned')"
	default:
		q += " AND state = ?"
		args = append(args, f.State)
	}
	if f.DueBefore != "" {
		q += " AND due_date <= ?"
		args = append(args, f.DueBefore)
	}
	if f.Department != "" {
		q += " AND department = ?"
		args = append(args, f.Department)
	}
	if f.Counter != "" {
		q += " AND counter = ?"
		args = append(args, f.Counter)
	}
	if !f.Since.IsZero() {
		q += " AND received_at >= ?"
		args = append(args, f.Since.UnixMilli())
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	if f.Newest {
		q += " ORDER BY id DESC LIMIT ?"
	} else {
		q += " ORDER BY due_date, id LIMIT ?"
	}
	args = append(args, f.Limit)
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("dossier: list: %w", err)
	}
	defer rows.Close()
	now := s.clk.Now()
	out := []Dossier{}
	for rows.Next() {
		d, _, err := scanDossier(rows)
		if err != nil {
			return nil, fmt.Errorf("dossier: list: %w", err)
		}
		s.finish(&d, now)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DueOf sorts dossiers not yet resolved into overdue ones and those due
// within NearDueDays working days, for the monitor and the daily digest;
// those with their result ready, or due later, are in neither.
func (s *Store) DueOf(ds []Dossier) (near, overdue []Dossier) {
	today := workday.DateOf(s.clk.Now())
	limit := today
	cal := s.Calendar()
	for n := 0; n < max(s.cfg.Dossier.NearDueDays, 0); {
		limit = limit.AddDays(1)
		if ok, _ := cal.Working(limit); ok {
			n++
		}
	}
	near, overdue = []Dossier{}, []Dossier{}
	for _, d := range ds {
		switch {
		case d.State == ResultReady || d.State == Returned || d.DueDate > limit.String():
		case d.DueDate < today.String():
			overdue = append(overdue, d)
		default:
			near = append(near, d)
		}
	}
	return near, overdue
}

// StepRequest is one step of a dossier.
type StepRequest struct {
	Type     string `json:"type"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	How      string `json:"how,omitempty"` // in_person, post
	Waybill  string `json:"waybill,omitempty"`
	Note     string `json:"note,omitempty"`
	Deadline string `json:"deadline,omitempty"` // a consulted agency's, YYYY-MM-DD
	NewDue   string `json:"new_due_date,omitempty"`
}

// validParty: center, department:<id>, consulted:<name>, post, citizen.
func (s *Store) validParty(p string) bool {
	switch {
	case p == "center" || p == "post" || p == "citizen":
		return true
	case strings.HasPrefix(p, "department:"):
		_, ok := s.cfg.Department(strings.TrimPrefix(p, "department:"))
		return ok
	case strings.HasPrefix(p, "consulted:"):
		n := strings.TrimPrefix(p, "consulted:")
		return n != "" && len(n) <= 200
	}
	return false
}

func stateErr(d Dossier, step string) error {
	return conflict("dossier-state", fmt.Sprintf("Hồ sơ %s đang ở trạng thái %s, không thể ghi bước này", d.Code, StateVI(d.State)), "step %s in state %s", step, d.State)
}

// StateVI is a state in words.
func StateVI(st string) string {
	return map[string]string{Received: "đã tiếp nhận", InProgress: "đang giải quyết", Supplement: "chờ bổ sung",
		Paused: "tạm dừng", ResultReady: "đã có kết quả", Returned: "đã trả kết quả"}[st]
}

// AddStep records one step and moves the dossier on.
func (s *Store) AddStep(ctx context.Context, code string, r StepRequest, actor string) (Dossier, error) {
	r.Note, r.Waybill = clean(r.Note, 2000), clean(r.Waybill, 40)
	_, err := s.e.Write(ctx, func(x *queue.Tx) (any, error) {
		d, paused, err := scanDossier(x.QueryRow("SELECT "+dossierCols+" FROM dossiers WHERE code = ?", code))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("dossier: read %s: %w", code, err)
		}
		now := x.Now()
		set := map[string]any{}
		switch r.Type {
		case StepHandover:
			if !s.validParty(r.To) || (r.From != "" && !s.validParty(r.From)) {
				return nil, invalid("party", "Bên giao hoặc bên nhận không hợp lệ", "from/to: center, department:<id>, consulted:<name>, post, citizen")
			}
			if r.From == "" {
				r.From = d.Holder
			}
			if r.How != "in_person" && r.How != "post" {
				return nil, invalid("handover-how", "Hãy chọn hình thức bàn giao: trực tiếp hoặc qua bưu chính", "how must be in_person or post")
			}
			if r.How == "post" && r.Waybill == "" {
				return nil, invalid("waybill", "Hãy ghi số vận đơn bưu chính", "waybill is required for a postal hand-over")
			}
			if d.State == Returned {
				return nil, stateErr(d, r.Type)
			}
			set["holder"], set["holder_since"] = r.To, now.UnixMilli()
			if d.State == Received && strings.HasPrefix(r.To, "department:") {
				set["state"] = InProgress
			}
			if r.To == "citizen" {
				return nil, invalid("handover-citizen", "Trả kết quả cho công dân bằng bước 'Trả kết quả'", "use the returned step")
			}
		case StepConsult, StepConsultReply:
			if r.Type == StepConsult {
				if !strings.HasPrefix(r.To, "consulted:") || !s.validParty(r.To) {
					return nil, invalid("party", "Hãy ghi cơ quan được lấy ý kiến", "to must be consulted:<name>")
				}
				if _, err := workday.ParseDate(r.Deadline); err != nil {
					return nil, invalid("deadline", "Hãy ghi hạn trả lời của cơ quan được lấy ý kiến", "deadline YYYY-MM-DD")
				}
			}
			if d.State != InProgress && d.State != Received {
				return nil, stateErr(d, r.Type)
			}
		case StepSupplementRequested:
			if d.State != InProgress && d.State != Received || r.Note == "" {
				if r.Note == "" {
					return nil, invalid("note", "Hãy ghi nội dung cần bổ sung", "note is required")
				}
				return nil, stateErr(d, r.Type)
			}
			set["state"] = Supplement
		case StepSupplementReceived:
			if d.State != Supplement {
				return nil, stateErr(d, r.Type)
			}
			p, _ := s.procedure(d.Procedure)
			due := s.appointment(p, now) // the clock restarts from zero
			set["state"], set["clock_from"], set["due_date"], set["due_at"] = InProgress, now.UnixMilli(), due.Date.String(), due.At.UnixMilli()
		case StepPause:
			if d.State != InProgress && d.State != Received || r.Note == "" {
				if r.Note == "" {
					return nil, invalid("note", "Hãy ghi căn cứ pháp lý của việc tạm dừng", "note (legal basis) is required")
				}
				return nil, stateErr(d, r.Type)
			}
			set["state"], set["paused_at"] = Paused, now.UnixMilli()
		case StepResume:
			if d.State != Paused || paused == nil {
				return nil, stateErr(d, r.Type)
			}
			// the period grows by the working days the dossier was paused
			lost := s.workingDaysBetween(workday.DateOf(*paused), workday.DateOf(now))
			due, _ := workday.ParseDate(d.DueDate)
			for n := 0; n < lost; {
				due = due.AddDays(1)
				if ok, _ := s.Calendar().Working(due); ok {
					n++
				}
			}
			at := time.Date(due.Year, due.Month, due.Day, d.DueAt.In(clock.Local).Hour(), d.DueAt.In(clock.Local).Minute(), 0, 0, clock.Local)
			set["state"], set["paused_at"], set["due_date"], set["due_at"] = InProgress, nil, due.String(), at.UnixMilli()
		case StepResult:
			if d.State != InProgress && d.State != Received {
				return nil, stateErr(d, r.Type)
			}
			set["state"], set["result_at"] = ResultReady, now.UnixMilli()
		case StepReturned:
			if d.State != ResultReady {
				return nil, stateErr(d, r.Type)
			}
			if r.How != "counter" && r.How != "post" && r.How != "online" {
				return nil, invalid("return-how", "Hãy chọn hình thức trả kết quả", "how must be counter, post or online")
			}
			if r.How == "post" && r.Waybill == "" {
				return nil, invalid("waybill", "Hãy ghi số vận đơn bưu chính", "waybill is required for a postal return")
			}
			to := "citizen"
			if r.How == "post" {
				to = "post"
			}
			r.From, r.To = d.Holder, to
			set["state"], set["returned_at"], set["holder"], set["holder_since"] = Returned, now.UnixMilli(), to, now.UnixMilli()
		case StepApology:
			if err := s.checkApology(d, r, now); err != nil {
				return nil, err
			}
			a, _ := json.Marshal(Apology{Reason: r.Note, NewDue: r.NewDue, At: now, By: actor, OldDue: d.DueDate})
			set["apology"] = string(a)
		default:
			return nil, invalid("step-type", "Bước xử lý không hợp lệ", "unknown step type %q", r.Type)
		}
		for col, v := range set {
			if _, err := x.Exec("UPDATE dossiers SET "+col+" = ? WHERE id = ?", v, d.ID); err != nil {
				return nil, fmt.Errorf("dossier: update %s: %w", col, err)
			}
		}
		if _, err := x.Exec(`INSERT INTO dossier_steps (dossier, at, type, from_party, to_party, how, waybill, actor, note, deadline) VALUES (?,?,?,?,?,?,?,?,?,?)`,
			d.ID, now.UnixMilli(), r.Type, r.From, r.To, r.How, r.Waybill, actor, r.Note, r.Deadline); err != nil {
			return nil, fmt.Errorf("dossier: step: %w", err)
		}
		data := map[string]any{"code": d.Code, "type": r.Type}
		for k, v := range map[string]string{"from": r.From, "to": r.To, "how": r.How, "waybill": r.Waybill, "note": r.Note, "deadline": r.Deadline, "new_due_date": r.NewDue} {
			if v != "" {
				data[k] = v
			}
		}
		return nil, x.Emit(EvStep, d.Ticket, "", actor, data)
	})
	if err != nil {
		return Dossier{}, err
	}
	return s.Get(ctx, code)
}

// checkApology: at most once per dossier, issued at least one working day
// before the due date, with a reason and a later date.
func (s *Store) checkApology(d Dossier, r StepRequest, now time.Time) error {
	if d.Apology != nil {
		return conflict("apology-repeated", "Hồ sơ này đã có phiếu xin lỗi; mỗi hồ sơ chỉ xin lỗi một lần", "an apology was issued on %s", d.Apology.At.Format(time.DateOnly))
	}
	if d.State == ResultReady || d.State == Returned {
		return stateErr(d, r.Type)
	}
	if strings.TrimSpace(r.Note) == "" {
		return invalid("apology-reason", "Hãy ghi lý do chậm trả kết quả", "note (reason) is required")
	}
	due, err := workday.ParseDate(d.DueDate)
	if err != nil {
		return fmt.Errorf("dossier: due date %q: %w", d.DueDate, err)
	}
	// the last day to apologise is the working day before the due date
	last := due.AddDays(-1)
	for ok, _ := s.Calendar().Working(last); !ok; ok, _ = s.Calendar().Working(last) {
		last = last.AddDays(-1)
	}
	if today := workday.DateOf(now); today.After(last) {
		return conflict("apology-late", fmt.Sprintf("Phải xin lỗi chậm nhất một ngày làm việc trước ngày hẹn (%s)", last.String()), "today %s is after %s", today, last)
	}
	nd, err := workday.ParseDate(r.NewDue)
	if err != nil || !nd.After(due) {
		return invalid("apology-date", "Ngày hẹn mới phải sau ngày hẹn cũ", "new_due_date must be a date after %s", d.DueDate)
	}
	if ok, _ := s.Calendar().Working(nd); !ok {
		return invalid("apology-date", "Ngày hẹn mới phải là ngày làm việc", "%s is not a working day", r.NewDue)
	}
	return nil
}

// RateByCitizen stores the applicant's own rating of a returned dossier,
// once; the receipt's token proves it is theirs.
func (s *Store) RateByCitizen(ctx context.Context, code, token string, level, levels int) error {
	if level < 1 || level > levels {
		return invalid("bad-level", "Mức đánh giá không hợp lệ", "level must be 1 to %d", levels)
	}
	d, err := s.Public(ctx, code, token)
	if err != nil {
		return err
	}
	_, err = s.e.Write(ctx, func(x *queue.Tx) (any, error) {
		var state string
		var rated sql.NullInt64
		if err := x.QueryRow("SELECT state, citizen_rating FROM dossiers WHERE id = ?", d.ID).Scan(&state, &rated); err != nil {
			return nil, fmt.Errorf("dossier: rate: %w", err)
		}
		if state != Returned {
			return nil, conflict("not-returned", "Hồ sơ chưa trả kết quả, chưa thể đánh giá", "state %s", state)
		}
		if rated.Valid {
			return nil, conflict("already-rated", "Hồ sơ này đã được đánh giá", "rated %d", rated.Int64)
		}
		if _, err := x.Exec("UPDATE dossiers SET citizen_rating = ?, rated_at = ? WHERE id = ?", level, x.Now().UnixMilli(), d.ID); err != nil {
			return nil, fmt.Errorf("dossier: rate: %w", err)
		}
		return nil, x.Emit(EvRated, d.Ticket, "", "citizen", map[string]any{"code": d.Code, "level": level, "levels": levels, "source": "online"})
	})
	return err
}
