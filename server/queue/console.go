package queue

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/clock"
)

// maxMove bounds one MoveWaiting: a supervisor picks tickets on a screen,
// and one transaction should not hold the writer for long.
const maxMove = 500

// MoveWaiting moves today's waiting tickets to another service's queue or
// to one counter: a supervisor rebalancing a long line. Every ticket must
// still wait, or nothing moves. A moved ticket keeps its number and its
// place by time (queued_at) in its new queue, and loses a transfer's place
// at the front; it is not counted as a transfer (nobody served it). Each
// ticket gets a "ticket.moved" event.
func (e *Engine) MoveWaiting(ctx context.Context, ids []int64, to TransferTo, a Actor) ([]Ticket, error) {
	if (to.Service == "") == (to.Counter == "") {
		return nil, apperr.New(apperr.Invalid, "transfer-target", "Hãy chọn một dịch vụ hoặc một quầy để chuyển", "give exactly one of service or counter")
	}
	if to.Service != "" {
		if _, ok := e.services[to.Service]; !ok {
			return nil, errServiceNotFound
		}
	}
	if to.Counter != "" {
		if _, ok := e.counters[to.Counter]; !ok {
			return nil, errCounterNotFound
		}
	}
	if len(ids) == 0 {
		return nil, apperr.New(apperr.Invalid, "move-tickets", "Hãy chọn ít nhất một vé để chuyển", "no tickets")
	}
	if len(ids) > maxMove {
		return nil, apperr.New(apperr.Invalid, "move-tickets", fmt.Sprintf("Mỗi lần chỉ chuyển được tối đa %d vé", maxMove), "%d tickets, at most %d", len(ids), maxMove)
	}
	// a ticket named twice moves once
	uniq := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(uniq, id) {
			uniq = append(uniq, id)
		}
	}
	v, err := e.do(ctx, func(t *txn) (any, error) {
		if a.Key != "" {
			_, ok, err := t.replay(a.Key, "move")
			if err != nil {
				return nil, err
			}
			if ok { // the same request again: the tickets as they stand
				out := make([]Ticket, 0, len(uniq))
				for _, id := range uniq {
					tk, err := t.ticket(id)
					if err != nil {
						return nil, err
					}
					out = append(out, *tk)
				}
				return out, nil
			}
		}
		day := clock.Day(t.now)
		out := make([]Ticket, 0, len(uniq))
		for _, id := range uniq {
			tk, err := t.ticket(id)
			if err != nil {
				return nil, err
			}
			if tk.Day != day {
				return nil, apperr.New(apperr.Conflict, "ticket-expired", fmt.Sprintf("Vé %s không còn hiệu lực (vé của ngày khác)", tk.Number), "ticket %s is from %s", tk.Number, tk.Day)
			}
			if tk.State != Waiting {
				return nil, apperr.New(apperr.Conflict, "not-waiting",
					fmt.Sprintf("Vé %s không còn chờ (%s); không vé nào được chuyển", tk.Number, stateVI(tk.State)), "ticket %s is %s", tk.Number, tk.State)
			}
			service := tk.Service
			if to.Service != "" {
				service = to.Service
			}
			if _, err := t.exec("UPDATE tickets SET service = ?, target_counter = ?, front = 0 WHERE id = ?", service, to.Counter, id); err != nil {
				return nil, fmt.Errorf("queue: move ticket %s: %w", tk.Number, err)
			}
			// the waiting counts are of the common queues only
			if tk.TargetCounter == "" {
				t.wait(tk.Service, -1)
			}
			if to.Counter == "" {
				t.wait(service, +1)
			}
			moved, err := t.ticket(id)
			if err != nil {
				return nil, err
			}
			if err := t.emit(EvMoved, moved, "", a.Name, map[string]any{"number": tk.Number, "from_service": tk.Service,
				"to_service": service, "to_counter": to.Counter}); err != nil {
				return nil, err
			}
			out = append(out, *moved)
		}
		if a.Key != "" {
			if err := t.remember(a.Key, "move", uniq[0]); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]Ticket), nil
}

// withExtra scans a ticket row followed by more columns into dest.
type withExtra struct {
	r    scanner
	dest []any
}

func (x withExtra) Scan(d ...any) error { return x.r.Scan(append(d, x.dest...)...) }

// readTx is a read-only transaction on the read pool: the reads of one
// answer see one snapshot, not a call committed between two of them.
func (e *Engine) readTx(ctx context.Context) (*sql.Tx, error) {
	tx, err := e.db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("queue: read: %w", err)
	}
	return tx, nil
}

// CounterQueue is today's waiting tickets counter would serve (its live
// services' common queues and the tickets transferred to it), in the order
// successive CallNext calls made now would take them: pick applied again
// and again, carrying the counter's priority streak as CallNext does. It
// costs O(n²) in the n waiting, fine for the hundreds a center sees.
func (e *Engine) CounterQueue(ctx context.Context, counter string) ([]Ticket, error) {
	if _, ok := e.counters[counter]; !ok {
		return nil, errCounterNotFound
	}
	now := e.clock.Now()
	rt := e.route()
	tx, err := e.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var streak int
	if err := tx.QueryRowContext(ctx, "SELECT priority_streak FROM counters WHERE id = ?", counter).Scan(&streak); err != nil {
		return nil, fmt.Errorf("queue: counter queue %s: %w", counter, err)
	}
	q, args := candidatesQuery(ticketCols+", queued_at, front", clock.Day(now), counter, rt.services[counter])
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("queue: counter queue %s: %w", counter, err)
	}
	defer rows.Close()
	var cands []candidate
	var tks []Ticket
	for rows.Next() {
		var qa int64
		var front int
		tk, err := scanTicket(withExtra{rows, []any{&qa, &front}})
		if err != nil {
			return nil, fmt.Errorf("queue: counter queue %s: %w", counter, err)
		}
		cands = append(cands, candidate{ID: tk.ID, Service: tk.Service, Priority: tk.Priority, QueuedAt: time.UnixMilli(qa), Front: front == 1})
		tks = append(tks, *tk)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("queue: counter queue %s: %w", counter, err)
	}
	p := e.policy(rt, counter)
	out := make([]Ticket, 0, len(tks))
	for len(cands) > 0 {
		var i int
		i, streak = pick(cands, p, streak, now)
		out = append(out, tks[i])
		cands, tks = slices.Delete(cands, i, i+1), slices.Delete(tks, i, i+1)
	}
	return out, nil
}

// Held is today's tickets held at counter, the longest held first (by
// their last call: a ticket is held right after being called).
func (e *Engine) Held(ctx context.Context, counter string) ([]Ticket, error) {
	if _, ok := e.counters[counter]; !ok {
		return nil, errCounterNotFound
	}
	rows, err := e.db.R.QueryContext(ctx, "SELECT "+ticketCols+` FROM tickets WHERE day = ? AND state = 'held' AND counter = ?
		ORDER BY called_at, id`, clock.Day(e.clock.Now()), counter)
	if err != nil {
		return nil, fmt.Errorf("queue: held at %s: %w", counter, err)
	}
	defer rows.Close()
	var out []Ticket
	for rows.Next() {
		tk, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("queue: held at %s: %w", counter, err)
		}
		out = append(out, *tk)
	}
	return out, rows.Err()
}

// CounterDay is what one counter did today.
type CounterDay struct {
	Served       int `json:"served"`         // tickets finished there today
	NoShows      int `json:"no_shows"`       // tickets marked absent there today
	MeanServiceS int `json:"mean_service_s"` // mean of started → finished of the served, 0 when none
	// IdleSince is when it became open with no current ticket (nil while
	// serving, paused or closed).
	IdleSince *time.Time `json:"idle_since,omitempty"`
}

// CounterDays is today's figures of every configured counter.
func (e *Engine) CounterDays(ctx context.Context) (map[string]CounterDay, error) {
	out := make(map[string]CounterDay, len(e.cfg.Counters))
	for _, c := range e.cfg.Counters {
		out[c.ID] = CounterDay{}
	}
	tx, err := e.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// tickets of today only: the day sweep expires the earlier days' ones,
	// so nothing of another day is finished today
	rows, err := tx.QueryContext(ctx, `SELECT counter, SUM(state = 'done'), SUM(state = 'no_show'),
		AVG(CASE WHEN state = 'done' AND started_at IS NOT NULL THEN finished_at - started_at END)
		FROM tickets WHERE day = ? AND state IN ('done','no_show') GROUP BY counter`, clock.Day(e.clock.Now()))
	if err != nil {
		return nil, fmt.Errorf("queue: counter days: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var d CounterDay
		var mean sql.NullFloat64
		if err := rows.Scan(&id, &d.Served, &d.NoShows, &mean); err != nil {
			return nil, fmt.Errorf("queue: counter days: %w", err)
		}
		if _, ok := out[id]; !ok {
			continue // a counter since removed from the config
		}
		if mean.Valid {
			d.MeanServiceS = int(math.Round(mean.Float64 / 1000))
		}
		out[id] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("queue: counter days: %w", err)
	}
	idle, err := tx.QueryContext(ctx, "SELECT id, idle_since FROM counters WHERE idle_since IS NOT NULL")
	if err != nil {
		return nil, fmt.Errorf("queue: counter days: %w", err)
	}
	defer idle.Close()
	for idle.Next() {
		var id string
		var ms int64
		if err := idle.Scan(&id, &ms); err != nil {
			return nil, fmt.Errorf("queue: counter days: %w", err)
		}
		if d, ok := out[id]; ok {
			v := unixMilli(ms)
			d.IdleSince = &v
			out[id] = d
		}
	}
	return out, idle.Err()
}

// ServiceWait is one service's line now.
type ServiceWait struct {
	Service string `json:"service"`
	// Waiting counts the tickets in the service's common queue (as the
	// kiosk shows it); tickets transferred to one counter are that
	// counter's (CounterQueue).
	Waiting        int        `json:"waiting"`
	OldestIssuedAt *time.Time `json:"oldest_issued_at,omitempty"`
	// OpenCounters counts the open (not paused or closed) counters serving
	// it now, by the live services.
	OpenCounters int `json:"open_counters"`
}

// ServiceWaits is every service's line today, in config order.
func (e *Engine) ServiceWaits(ctx context.Context) ([]ServiceWait, error) {
	rt := e.route()
	tx, err := e.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	type line struct {
		n      int
		oldest int64
	}
	lines := map[string]line{}
	rows, err := tx.QueryContext(ctx, `SELECT service, COUNT(*), MIN(issued_at) FROM tickets
		WHERE day = ? AND state = 'waiting' AND target_counter = '' GROUP BY service`, clock.Day(e.clock.Now()))
	if err != nil {
		return nil, fmt.Errorf("queue: service waits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var l line
		if err := rows.Scan(&s, &l.n, &l.oldest); err != nil {
			return nil, fmt.Errorf("queue: service waits: %w", err)
		}
		lines[s] = l
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("queue: service waits: %w", err)
	}
	open := map[string]bool{}
	crow, err := tx.QueryContext(ctx, "SELECT id FROM counters WHERE state = 'open'")
	if err != nil {
		return nil, fmt.Errorf("queue: service waits: %w", err)
	}
	defer crow.Close()
	for crow.Next() {
		var id string
		if err := crow.Scan(&id); err != nil {
			return nil, fmt.Errorf("queue: service waits: %w", err)
		}
		open[id] = true
	}
	if err := crow.Err(); err != nil {
		return nil, fmt.Errorf("queue: service waits: %w", err)
	}
	out := make([]ServiceWait, 0, len(e.cfg.Services))
	for _, s := range e.cfg.Services {
		w := ServiceWait{Service: s.ID}
		if l, ok := lines[s.ID]; ok {
			w.Waiting = l.n
			v := unixMilli(l.oldest)
			w.OldestIssuedAt = &v
		}
		for _, c := range rt.servedBy[s.ID] {
			if open[c] {
				w.OpenCounters++
			}
		}
		out = append(out, w)
	}
	return out, nil
}
