package queue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/clock"
)

const ticketCols = `id, token, number, service, issued_service, day, seq, priority, kiosk, state, counter,
	target_counter, issued_at, called_at, started_at, finished_at, recalls, transfers, official, print_status`

type scanner interface{ Scan(...any) error }

func scanTicket(r scanner) (*Ticket, error) {
	var t Ticket
	var issued int64
	var called, started, finished sql.NullInt64
	var state string
	if err := r.Scan(&t.ID, &t.Token, &t.Number, &t.Service, &t.IssuedService, &t.Day, &t.Seq, &t.Priority,
		&t.Kiosk, &state, &t.Counter, &t.TargetCounter, &issued, &called, &started, &finished,
		&t.Recalls, &t.Transfers, &t.Official, &t.PrintStatus); err != nil {
		return nil, err
	}
	t.State = State(state)
	t.IssuedAt = time.UnixMilli(issued).UTC()
	opt := func(n sql.NullInt64) *time.Time {
		if !n.Valid {
			return nil
		}
		v := time.UnixMilli(n.Int64).UTC()
		return &v
	}
	t.CalledAt, t.StartedAt, t.FinishedAt = opt(called), opt(started), opt(finished)
	return &t, nil
}

func (t *txn) ticket(id int64) (*Ticket, error) {
	tk, err := scanTicket(t.queryRow("SELECT "+ticketCols+" FROM tickets WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errTicketNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("queue: read ticket %d: %w", id, err)
	}
	return tk, nil
}

var (
	errTicketNotFound  = apperr.New(apperr.NotFound, "ticket-not-found", "Không tìm thấy vé này", "no such ticket")
	errCounterNotFound = apperr.New(apperr.NotFound, "counter-not-found", "Không có quầy này", "no such counter")
	errServiceNotFound = apperr.New(apperr.NotFound, "service-not-found", "Không có dịch vụ này", "no such service")
	// ErrQueueEmpty is returned by CallNext when nobody waits.
	ErrQueueEmpty = apperr.New(apperr.Conflict, "queue-empty", "Không còn công dân chờ", "nobody is waiting for this counter's services")
	errNoCurrent  = apperr.New(apperr.Conflict, "no-current-ticket", "Quầy chưa gọi vé nào", "the counter has no current ticket")
)

func newToken() string {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic("queue: crypto/rand: " + err.Error())
	}
	return strings.ToLower(base32.StdEncoding.EncodeToString(b))
}

// IssueRequest asks for a ticket.
type IssueRequest struct {
	Service  string
	Kiosk    string
	Priority string
	Actor    string
	// Key is an idempotency key: a kiosk that retries after a lost reply
	// gets the same ticket back, not a second one.
	Key string
}

// Issue hands out the next number of a service and stores the ticket; it
// returns after the ticket is durably committed.
func (e *Engine) Issue(ctx context.Context, req IssueRequest) (Issued, error) {
	svc, ok := e.services[req.Service]
	if !ok {
		return Issued{}, errServiceNotFound
	}
	if req.Priority != "" {
		if _, ok := e.weights[req.Priority]; !ok {
			return Issued{}, apperr.New(apperr.Invalid, "unknown-priority", "Không có đối tượng ưu tiên này", "unknown priority category %q", req.Priority)
		}
	}
	v, err := e.do(ctx, func(t *txn) (any, error) {
		if req.Key != "" {
			id, ok, err := t.replay(req.Key, "issue")
			if err != nil {
				return nil, err
			}
			if ok {
				tk, err := t.ticket(id)
				if err != nil {
					return nil, err
				}
				// the estimate the citizen was given the first time
				var est sql.NullInt64
				if err := t.queryRow("SELECT estimated_wait_s FROM tickets WHERE id = ?", id).Scan(&est); err != nil {
					return nil, fmt.Errorf("queue: read estimate: %w", err)
				}
				is := Issued{Ticket: *tk, Replayed: true, EstimatedWaitS: int(est.Int64)}
				if !est.Valid {
					is.EstimatedWaitS = -1 // a ticket from before migration 003
				}
				return is, nil
			}
		}
		if svc.Closed {
			return nil, apperr.New(apperr.Conflict, "service-closed", "Dịch vụ đang tạm đóng", "service %s is closed", svc.ID)
		}
		if !e.cfg.Center.OpenAt(minutesOfDay(t.now)) {
			return nil, apperr.New(apperr.Conflict, "center-closed", "Trung tâm đang ngoài giờ làm việc", "the center is closed at this hour")
		}
		day := clock.Day(t.now)
		var seq int
		if err := t.queryRow(`INSERT INTO sequences (service, day, last) VALUES (?, ?, 1)
			ON CONFLICT (service, day) DO UPDATE SET last = last + 1 RETURNING last`, svc.ID, day).Scan(&seq); err != nil {
			return nil, fmt.Errorf("queue: next number: %w", err)
		}
		num, err := svc.Format(seq)
		if err != nil {
			return nil, apperr.New(apperr.Conflict, "numbers-exhausted", "Dịch vụ đã hết số thứ tự trong ngày", "%v", err)
		}
		now := t.now.UnixMilli()
		// The estimate is made here, in the writer, from what it keeps in
		// memory (no query), and stored with the ticket so that it can be
		// compared with the actual wait (EstimateAccuracy).
		ahead := t.waitingNow(svc.ID)
		est := e.estimateWith(t.route(), svc.ID, ahead, t.now)
		tk := &Ticket{Token: newToken(), Number: num, Service: svc.ID, IssuedService: svc.ID, Day: day, Seq: seq,
			Priority: req.Priority, Kiosk: req.Kiosk, State: Waiting, IssuedAt: time.UnixMilli(now).UTC(), PrintStatus: "none"}
		res, err := t.exec(`INSERT INTO tickets (token, issued_service, service, day, seq, number, priority, kiosk, state, issued_at, queued_at, estimated_wait_s, ahead_at_issue)
			VALUES (?,?,?,?,?,?,?,?,'waiting',?,?,?,?)`, tk.Token, svc.ID, svc.ID, day, seq, num, req.Priority, req.Kiosk, now, now, est, ahead)
		if err != nil {
			return nil, fmt.Errorf("queue: store ticket: %w", err)
		}
		if tk.ID, err = res.LastInsertId(); err != nil {
			return nil, fmt.Errorf("queue: store ticket: %w", err)
		}
		t.wait(svc.ID, +1)
		data := map[string]any{"number": num, "service": svc.ID}
		if req.Priority != "" {
			data["priority"] = req.Priority
		}
		if req.Kiosk != "" {
			data["kiosk"] = req.Kiosk
		}
		if err := t.emit(EvIssued, tk, "", req.Actor, data); err != nil {
			return nil, err
		}
		if req.Key != "" {
			if err := t.remember(req.Key, "issue", tk.ID); err != nil {
				return nil, err
			}
		}
		return Issued{Ticket: *tk, WaitingAhead: ahead, EstimatedWaitS: est}, nil
	})
	if err != nil {
		return Issued{}, err
	}
	is := v.(Issued)
	if is.Replayed {
		if is.WaitingAhead, err = e.Ahead(ctx, is.Ticket); err != nil {
			return is, err
		}
		if is.EstimatedWaitS < 0 {
			is.EstimatedWaitS = e.estimate(is.Ticket.Service, is.WaitingAhead)
		}
	}
	return is, nil
}

func minutesOfDay(t time.Time) int {
	l := t.In(clock.Local)
	return l.Hour()*60 + l.Minute()
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// sweep expires, once per local day, the tickets of earlier days that were
// still open at midnight: numbering restarts each day and yesterday's
// tickets must not be called today.
func (t *txn) sweep() error {
	day := clock.Day(t.now)
	if t.e.sweptDay == day {
		return nil
	}
	rows, err := t.query("SELECT "+ticketCols+` FROM tickets WHERE day < ? AND state IN ('waiting','called','serving','held')`, day)
	if err != nil {
		return fmt.Errorf("queue: day sweep: %w", err)
	}
	var old []*Ticket
	for rows.Next() {
		tk, err := scanTicket(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("queue: day sweep: %w", err)
		}
		old = append(old, tk)
	}
	rows.Close()
	if len(old) > 0 {
		t.countersChanged = true // counters' current tickets may change
	}
	for _, tk := range old {
		if _, err := t.exec("UPDATE tickets SET state = 'expired' WHERE id = ?", tk.ID); err != nil {
			return fmt.Errorf("queue: day sweep: %w", err)
		}
		// the counter is free now: idle from now if it is open
		if _, err := t.exec(`UPDATE counters SET current = NULL,
			idle_since = CASE WHEN state = 'open' THEN COALESCE(idle_since, ?) ELSE NULL END WHERE current = ?`, t.now.UnixMilli(), tk.ID); err != nil {
			return fmt.Errorf("queue: day sweep: %w", err)
		}
		prev := tk.State
		tk.State = Expired
		if err := t.emit(EvExpired, tk, tk.Counter, "system", map[string]any{"from": string(prev), "day": tk.Day}); err != nil {
			return err
		}
	}
	// idempotency keys protect retries of the last minutes; two days is plenty
	if _, err := t.exec("DELETE FROM idempotency WHERE created_at < ?", t.now.Add(-48*time.Hour).UnixMilli()); err != nil {
		return fmt.Errorf("queue: day sweep: %w", err)
	}
	t.e.sweptDay = day
	return nil
}

// counterRow is the counter's stored state.
type counterRow struct {
	State    string
	Reason   string
	Current  sql.NullInt64
	Streak   int
	Official string
}

func (t *txn) counter(id string) (counterRow, error) {
	var c counterRow
	if _, ok := t.e.counters[id]; !ok {
		return c, errCounterNotFound
	}
	err := t.queryRow("SELECT state, reason, current, priority_streak, official FROM counters WHERE id = ?", id).
		Scan(&c.State, &c.Reason, &c.Current, &c.Streak, &c.Official)
	if err != nil {
		return c, fmt.Errorf("queue: read counter %s: %w", id, err)
	}
	return c, nil
}

// setCounter stores the counter's state. It is the one place a counter's
// state or current ticket changes (but the day sweep), so it keeps
// idle_since too: the moment the counter became open and free, kept while
// it stays so, NULL otherwise.
func (t *txn) setCounter(id, state, reason string, current *int64, streak int, official string) error {
	var cur any
	if current != nil {
		cur = *current
	}
	idle := state == "open" && current == nil
	t.countersChanged = true
	_, err := t.exec(`UPDATE counters SET state = ?, reason = ?, current = ?, priority_streak = ?, official = ?, updated_at = ?,
		idle_since = CASE WHEN ? THEN COALESCE(idle_since, ?) ELSE NULL END WHERE id = ?`,
		state, reason, cur, streak, official, t.now.UnixMilli(), idle, t.now.UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("queue: update counter %s: %w", id, err)
	}
	return nil
}

// Actor is who asks for a change: the name recorded in the log.
type Actor struct {
	Name string
	// OutOfOrder allows calling a waiting ticket out of order.
	OutOfOrder bool
	// Oversight marks a supervisor acting on a counter from outside it
	// (the monitor): opening, pausing or closing it does not make them its
	// official.
	Oversight bool
	// Key is the request's idempotency key, if any: scoped by the caller
	// (credential), so two devices never share one.
	Key string
}

// CallNext calls the next ticket for the counter by the center's strategy.
// It returns ErrQueueEmpty when nobody waits. A closed counter is opened by
// the call (the official is obviously there); a paused one refuses.
func (e *Engine) CallNext(ctx context.Context, counter string, a Actor) (Ticket, error) {
	return e.ticketOp(ctx, a, "call-next "+counter, func(t *txn) (*Ticket, error) {
		c, err := t.counter(counter)
		if err != nil {
			return nil, err
		}
		if err := t.readyToCall(counter, c); err != nil {
			return nil, err
		}
		rt := t.route()
		q, args := candidatesQuery("id, service, priority, queued_at, front", clock.Day(t.now), counter, rt.services[counter])
		rows, err := t.query(q, args...)
		if err != nil {
			return nil, fmt.Errorf("queue: candidates: %w", err)
		}
		var cands []candidate
		for rows.Next() {
			var cd candidate
			var qa int64
			var front int
			if err := rows.Scan(&cd.ID, &cd.Service, &cd.Priority, &qa, &front); err != nil {
				rows.Close()
				return nil, fmt.Errorf("queue: candidates: %w", err)
			}
			cd.QueuedAt, cd.Front = time.UnixMilli(qa), front == 1
			cands = append(cands, cd)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("queue: candidates: %w", err)
		}
		i, streak := pick(cands, e.policy(rt, counter), c.Streak, t.now)
		if i < 0 {
			return nil, ErrQueueEmpty
		}
		return t.call(counter, cands[i].ID, streak, a)
	})
}

// candidatesQuery selects cols of the waiting tickets of day that counter
// may call: those transferred to it, and those in the common queues of
// services, its live services.
func candidatesQuery(cols, day, counter string, services []string) (string, []any) {
	q := `SELECT ` + cols + ` FROM tickets WHERE day = ? AND state = 'waiting' AND (target_counter = ? OR (target_counter = '' AND service IN (` +
		strings.TrimSuffix(strings.Repeat("?,", len(services)), ",") + `)))`
	args := []any{day, counter}
	for _, s := range services {
		args = append(args, s)
	}
	return q, args
}

// policy is how counter chooses, with its services of the routing rt.
func (e *Engine) policy(rt *routing, counter string) policy {
	return policy{
		Strategy: e.cfg.Queue.Strategy, InterleaveN: e.cfg.Queue.InterleaveN, Weights: e.weights,
		Services: rt.services[counter], ListOrder: e.counters[counter].Order == "list",
	}
}

func (t *txn) readyToCall(counter string, c counterRow) error {
	if c.State == "paused" {
		return apperr.New(apperr.Conflict, "counter-paused", "Quầy đang tạm nghỉ; hãy mở lại quầy trước khi gọi số", "counter %s is paused", counter)
	}
	if c.Current.Valid {
		cur, err := t.ticket(c.Current.Int64)
		if err != nil {
			return err
		}
		return apperr.New(apperr.Conflict, "counter-busy",
			fmt.Sprintf("Quầy đang phục vụ số %s; hãy bấm Hoàn thành, Vắng mặt hoặc Chuyển trước", cur.Number),
			"counter %s still has ticket %s", counter, cur.Number)
	}
	if c.State == "closed" {
		if err := t.emit(EvOpened, nil, counter, "", map[string]any{"by": "call"}); err != nil {
			return err
		}
	}
	return nil
}

// call moves ticket id to called at counter.
func (t *txn) call(counter string, id int64, streak int, a Actor) (*Ticket, error) {
	before, err := t.ticket(id)
	if err != nil {
		return nil, err
	}
	if before.State == Waiting && before.TargetCounter == "" {
		t.wait(before.Service, -1)
	}
	now := t.now.UnixMilli()
	if _, err := t.exec(`UPDATE tickets SET state = 'called', counter = ?, target_counter = '', front = 0,
		called_at = ?, first_called_at = COALESCE(first_called_at, ?), started_at = NULL, recalls = 0, official = ? WHERE id = ?`,
		counter, now, now, a.Name, id); err != nil {
		return nil, fmt.Errorf("queue: call: %w", err)
	}
	if err := t.setCounter(counter, "open", "", &id, streak, a.Name); err != nil {
		return nil, err
	}
	tk, err := t.ticket(id)
	if err != nil {
		return nil, err
	}
	return tk, t.emit(EvCalled, tk, counter, a.Name, map[string]any{"number": tk.Number, "service": tk.Service})
}

// Call calls one ticket out of order: a ticket held at this counter (any
// official), or a waiting ticket (only with a.OutOfOrder).
func (e *Engine) Call(ctx context.Context, counter string, ticket int64, a Actor) (Ticket, error) {
	return e.ticketOp(ctx, a, "call "+counter, func(t *txn) (*Ticket, error) {
		c, err := t.counter(counter)
		if err != nil {
			return nil, err
		}
		tk, err := t.ticket(ticket)
		if err != nil {
			return nil, err
		}
		if tk.Day != clock.Day(t.now) {
			return nil, apperr.New(apperr.Conflict, "ticket-expired", "Vé này không còn hiệu lực (vé của ngày khác)", "ticket %s is from %s", tk.Number, tk.Day)
		}
		switch {
		case tk.State == Held && tk.Counter == counter:
		case tk.State == Held:
			return nil, apperr.New(apperr.Conflict, "held-elsewhere", fmt.Sprintf("Vé %s đang được tạm giữ ở quầy khác", tk.Number), "ticket held at counter %s", tk.Counter)
		case tk.State == Waiting:
			if !a.OutOfOrder {
				return nil, apperr.New(apperr.Forbidden, "out-of-order-forbidden", "Bạn không có quyền gọi số không theo thứ tự", "calling out of order needs a supervisor")
			}
			if tk.TargetCounter != "" && tk.TargetCounter != counter || tk.TargetCounter == "" && !contains(t.route().services[counter], tk.Service) {
				return nil, apperr.New(apperr.Conflict, "not-for-counter", fmt.Sprintf("Vé %s không thuộc dịch vụ của quầy này", tk.Number), "ticket not for this counter")
			}
		case tk.State == Called || tk.State == Serving:
			other := e.counters[tk.Counter]
			return nil, apperr.New(apperr.Conflict, "already-called", fmt.Sprintf("Vé %s đã được gọi ở quầy %d", tk.Number, other.Number), "ticket already called at counter %s", tk.Counter)
		default:
			return nil, apperr.New(apperr.Conflict, "ticket-finished", fmt.Sprintf("Vé %s đã kết thúc (%s)", tk.Number, stateVI(tk.State)), "ticket is %s", tk.State)
		}
		if err := t.readyToCall(counter, c); err != nil {
			return nil, err
		}
		return t.call(counter, ticket, c.Streak, a)
	})
}

func stateVI(s State) string {
	switch s {
	case Waiting:
		return "đang chờ"
	case Called:
		return "đã gọi"
	case Serving:
		return "đang phục vụ"
	case Held:
		return "tạm giữ"
	case Done:
		return "đã hoàn thành"
	case NoShow:
		return "vắng mặt"
	case Expired:
		return "hết hiệu lực"
	}
	return string(s)
}

// ticketOp runs fn in the writer. With an idempotency key (a.Key) it runs
// at most once: a repeat of the same key returns the ticket the first run
// returned, as it stands now, and changes nothing.
func (e *Engine) ticketOp(ctx context.Context, a Actor, action string, fn func(t *txn) (*Ticket, error)) (Ticket, error) {
	v, err := e.do(ctx, func(t *txn) (any, error) {
		if a.Key != "" {
			id, ok, err := t.replay(a.Key, action)
			if err != nil || ok {
				if err != nil {
					return nil, err
				}
				return t.ticket(id)
			}
		}
		tk, err := fn(t)
		if err != nil || a.Key == "" {
			return tk, err
		}
		return tk, t.remember(a.Key, action, tk.ID)
	})
	if err != nil {
		return Ticket{}, err
	}
	return *v.(*Ticket), nil
}

// current runs fn on the counter's current ticket, which must be in one of
// the states allowed.
func (e *Engine) current(ctx context.Context, counter string, a Actor, action string, allowed []State, fn func(t *txn, c counterRow, tk *Ticket) error) (Ticket, error) {
	return e.ticketOp(ctx, a, action+" "+counter, func(t *txn) (*Ticket, error) {
		c, err := t.counter(counter)
		if err != nil {
			return nil, err
		}
		if !c.Current.Valid {
			return nil, errNoCurrent
		}
		tk, err := t.ticket(c.Current.Int64)
		if err != nil {
			return nil, err
		}
		ok := false
		for _, s := range allowed {
			ok = ok || tk.State == s
		}
		if !ok {
			return nil, apperr.New(apperr.Conflict, "wrong-state", fmt.Sprintf("Vé %s đang ở trạng thái %s", tk.Number, stateVI(tk.State)), "ticket is %s", tk.State)
		}
		if err := fn(t, c, tk); err != nil {
			return nil, err
		}
		return t.ticket(tk.ID)
	})
}

// Recall calls the current ticket again. The recall after MaxRecalls marks
// the ticket no-show instead.
func (e *Engine) Recall(ctx context.Context, counter string, a Actor) (Ticket, error) {
	return e.current(ctx, counter, a, "recall", []State{Called}, func(t *txn, c counterRow, tk *Ticket) error {
		if tk.Recalls >= e.cfg.Queue.MaxRecalls {
			return t.noShow(counter, c, tk, a, "recalls")
		}
		if _, err := t.exec("UPDATE tickets SET recalls = recalls + 1 WHERE id = ?", tk.ID); err != nil {
			return fmt.Errorf("queue: recall: %w", err)
		}
		tk.Recalls++
		return t.emit(EvRecalled, tk, counter, a.Name, map[string]any{"number": tk.Number, "recalls": tk.Recalls})
	})
}

func (t *txn) noShow(counter string, c counterRow, tk *Ticket, a Actor, why string) error {
	if _, err := t.exec("UPDATE tickets SET state = 'no_show', finished_at = ? WHERE id = ?", t.now.UnixMilli(), tk.ID); err != nil {
		return fmt.Errorf("queue: no-show: %w", err)
	}
	if err := t.setCounter(counter, c.State, c.Reason, nil, c.Streak, c.Official); err != nil {
		return err
	}
	tk.State = NoShow
	return t.emit(EvNoShow, tk, counter, a.Name, map[string]any{"number": tk.Number, "recalls": tk.Recalls, "reason": why})
}

// Start marks the citizen arrived at the counter.
func (e *Engine) Start(ctx context.Context, counter string, a Actor) (Ticket, error) {
	return e.current(ctx, counter, a, "start", []State{Called}, func(t *txn, c counterRow, tk *Ticket) error {
		if _, err := t.exec("UPDATE tickets SET state = 'serving', started_at = ? WHERE id = ?", t.now.UnixMilli(), tk.ID); err != nil {
			return fmt.Errorf("queue: start: %w", err)
		}
		tk.State = Serving
		return t.emit(EvStarted, tk, counter, a.Name, map[string]any{"number": tk.Number})
	})
}

// Finish ends the service of the current ticket (from called too, when the
// official forgot Start) and remembers it as the counter's last finished
// ticket, the one a rating is for.
func (e *Engine) Finish(ctx context.Context, counter string, a Actor) (Ticket, error) {
	return e.current(ctx, counter, a, "finish", []State{Called, Serving}, func(t *txn, c counterRow, tk *Ticket) error {
		now := t.now.UnixMilli()
		if _, err := t.exec("UPDATE tickets SET state = 'done', finished_at = ?, started_at = COALESCE(started_at, ?) WHERE id = ?", now, now, tk.ID); err != nil {
			return fmt.Errorf("queue: finish: %w", err)
		}
		if err := t.setCounter(counter, c.State, c.Reason, nil, c.Streak, c.Official); err != nil {
			return err
		}
		if _, err := t.exec("UPDATE counters SET last_finished = ? WHERE id = ?", tk.ID, counter); err != nil {
			return fmt.Errorf("queue: finish: %w", err)
		}
		tk.State = Done
		t.finished = append(t.finished, tk.Service)
		return t.emit(EvFinished, tk, counter, a.Name, map[string]any{"number": tk.Number, "service": tk.Service})
	})
}

// NoShow marks the called ticket as absent.
func (e *Engine) NoShow(ctx context.Context, counter string, a Actor) (Ticket, error) {
	return e.current(ctx, counter, a, "no-show", []State{Called}, func(t *txn, c counterRow, tk *Ticket) error {
		return t.noShow(counter, c, tk, a, "official")
	})
}

// Hold sets the current ticket aside (the citizen fetches a missing paper);
// the counter can call it back with Call.
func (e *Engine) Hold(ctx context.Context, counter string, a Actor) (Ticket, error) {
	return e.current(ctx, counter, a, "hold", []State{Called, Serving}, func(t *txn, c counterRow, tk *Ticket) error {
		if _, err := t.exec("UPDATE tickets SET state = 'held' WHERE id = ?", tk.ID); err != nil {
			return fmt.Errorf("queue: hold: %w", err)
		}
		if err := t.setCounter(counter, c.State, c.Reason, nil, c.Streak, c.Official); err != nil {
			return err
		}
		tk.State = Held
		return t.emit(EvHeld, tk, counter, a.Name, map[string]any{"number": tk.Number})
	})
}

// TransferTo names where a ticket goes: a service or one counter.
type TransferTo struct {
	Service string
	Counter string
}

// Transfer sends the current ticket to another service's queue or to one
// counter. It keeps its number and issue time; where it lands follows
// Queue.TransferTo (front, issue_time, back).
func (e *Engine) Transfer(ctx context.Context, counter string, to TransferTo, a Actor) (Ticket, error) {
	if (to.Service == "") == (to.Counter == "") {
		return Ticket{}, apperr.New(apperr.Invalid, "transfer-target", "Hãy chọn một dịch vụ hoặc một quầy để chuyển", "give exactly one of service or counter")
	}
	if to.Service != "" {
		if _, ok := e.services[to.Service]; !ok {
			return Ticket{}, errServiceNotFound
		}
	}
	if to.Counter != "" {
		if _, ok := e.counters[to.Counter]; !ok {
			return Ticket{}, errCounterNotFound
		}
		if to.Counter == counter {
			return Ticket{}, apperr.New(apperr.Invalid, "transfer-self", "Không thể chuyển vé về chính quầy này", "cannot transfer to the same counter")
		}
	}
	return e.current(ctx, counter, a, "transfer", []State{Called, Serving}, func(t *txn, c counterRow, tk *Ticket) error {
		service := tk.Service
		if to.Service != "" {
			service = to.Service
		}
		front, queued := 0, t.now.UnixMilli()
		switch e.cfg.Queue.TransferTo {
		case "front", "":
			front = 1
		case "issue_time":
			queued = tk.IssuedAt.UnixMilli()
		}
		if _, err := t.exec(`UPDATE tickets SET state = 'waiting', service = ?, target_counter = ?, front = ?, queued_at = ?,
			transfers = transfers + 1, called_at = NULL, started_at = NULL, recalls = 0 WHERE id = ?`, service, to.Counter, front, queued, tk.ID); err != nil {
			return fmt.Errorf("queue: transfer: %w", err)
		}
		if err := t.setCounter(counter, c.State, c.Reason, nil, c.Streak, c.Official); err != nil {
			return err
		}
		if to.Counter == "" {
			t.wait(service, +1)
		}
		tk2, err := t.ticket(tk.ID)
		if err != nil {
			return err
		}
		return t.emit(EvTransferred, tk2, counter, a.Name, map[string]any{"number": tk.Number, "from_service": tk.Service, "to_service": service, "to_counter": to.Counter})
	})
}

// SetCounterState opens, pauses (reason required) or closes a counter. A
// counter with a ticket still being served cannot close.
func (e *Engine) SetCounterState(ctx context.Context, counter, state, reason string, a Actor) (CounterStatus, error) {
	switch state {
	case "open", "closed":
		reason = ""
	case "paused":
		if strings.TrimSpace(reason) == "" {
			return CounterStatus{}, apperr.New(apperr.Invalid, "pause-reason", "Hãy nhập lý do tạm nghỉ", "a pause needs a reason")
		}
		if len(reason) > 200 {
			return CounterStatus{}, apperr.New(apperr.Invalid, "pause-reason", "Lý do tạm nghỉ quá dài", "reason longer than 200 bytes")
		}
	default:
		return CounterStatus{}, apperr.New(apperr.Invalid, "counter-state", "Trạng thái quầy không hợp lệ", "state %q", state)
	}
	_, err := e.do(ctx, func(t *txn) (any, error) {
		c, err := t.counter(counter)
		if err != nil {
			return nil, err
		}
		if state == "closed" && c.Current.Valid {
			return nil, apperr.New(apperr.Conflict, "counter-busy", "Quầy còn vé đang phục vụ; hãy Hoàn thành hoặc Chuyển trước khi đóng quầy", "counter has a current ticket")
		}
		var cur *int64
		if c.Current.Valid {
			v := c.Current.Int64
			cur = &v
		}
		official := a.Name
		if a.Oversight {
			official = c.Official
		}
		if err := t.setCounter(counter, state, reason, cur, c.Streak, official); err != nil {
			return nil, err
		}
		typ := map[string]string{"open": EvOpened, "paused": EvPaused, "closed": EvClosed}[state]
		data := map[string]any{}
		if reason != "" {
			data["reason"] = reason
		}
		return nil, t.emit(typ, nil, counter, a.Name, data)
	})
	if err != nil {
		return CounterStatus{}, err
	}
	return e.Counter(ctx, counter)
}

// SetPrintStatus records what became of a ticket's print job.
func (e *Engine) SetPrintStatus(ctx context.Context, ticket int64, status, detail string) error {
	_, err := e.do(ctx, func(t *txn) (any, error) {
		tk, err := t.ticket(ticket)
		if err != nil {
			return nil, err
		}
		if _, err := t.exec("UPDATE tickets SET print_status = ? WHERE id = ?", status, ticket); err != nil {
			return nil, fmt.Errorf("queue: print status: %w", err)
		}
		tk.PrintStatus = status
		data := map[string]any{"status": status}
		if detail != "" {
			data["error"] = detail
		}
		return nil, t.emit(EvPrinted, tk, "", "", data)
	})
	return err
}

// replay finds what an idempotency key was first used for.
func (t *txn) replay(key, action string) (int64, bool, error) {
	var act string
	var id int64
	err := t.queryRow("SELECT action, ticket FROM idempotency WHERE key = ?", key).Scan(&act, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("queue: idempotency: %w", err)
	}
	if act != action {
		return 0, false, apperr.New(apperr.Conflict, "idempotency-key-reused", "Mã yêu cầu đã được dùng cho một thao tác khác", "Idempotency-Key was used for %q", act)
	}
	return id, true, nil
}

func (t *txn) remember(key, action string, ticket int64) error {
	if _, err := t.exec("INSERT INTO idempotency (key, action, ticket, created_at) VALUES (?,?,?,?)", key, action, ticket, t.now.UnixMilli()); err != nil {
		return fmt.Errorf("queue: idempotency: %w", err)
	}
	return nil
}
