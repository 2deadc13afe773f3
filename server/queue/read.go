package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
)

// Services lists the kiosk's choices with their queues, in config order.
func (e *Engine) Services(ctx context.Context) ([]ServiceStatus, error) {
	day := clock.Day(e.clock.Now())
	waiting := map[string]int{}
	for _, s := range e.cfg.Services {
		waiting[s.ID] = e.waitingCount(s.ID, day)
	}
	open := e.cfg.Center.OpenAt(minutesOfDay(e.clock.Now()))
	out := make([]ServiceStatus, 0, len(e.cfg.Services))
	for _, s := range e.cfg.Services {
		est := e.estimate(s.ID, waiting[s.ID])
		d, _ := e.cfg.Department(s.Department)
		out = append(out, ServiceStatus{ID: s.ID, Name: s.Name, Department: s.Department, DepartmentName: d.Name,
			Waiting: waiting[s.ID], EstimatedWaitS: est, Open: open && !s.Closed})
	}
	return out, nil
}

// Counters lists every counter with its state and current ticket.
func (e *Engine) Counters(ctx context.Context) ([]CounterStatus, error) {
	out := make([]CounterStatus, 0, len(e.cfg.Counters))
	for _, c := range e.cfg.Counters {
		cs, err := e.Counter(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, cs)
	}
	return out, nil
}

// Counter is one counter with its state and current ticket.
func (e *Engine) Counter(ctx context.Context, id string) (CounterStatus, error) {
	c, ok := e.counters[id]
	if !ok {
		return CounterStatus{}, errCounterNotFound
	}
	// the live services: a supervisor may have changed them
	ss, _ := e.CounterServices(id)
	cs := CounterStatus{ID: c.ID, Number: c.Number, Name: c.Name, Services: ss, General: c.General}
	var cur, idle sql.NullInt64
	if err := e.db.R.QueryRowContext(ctx, "SELECT state, reason, current, official, idle_since FROM counters WHERE id = ?", id).
		Scan(&cs.State, &cs.Reason, &cur, &cs.Official, &idle); err != nil {
		return cs, fmt.Errorf("queue: counter %s: %w", id, err)
	}
	if idle.Valid {
		v := unixMilli(idle.Int64)
		cs.IdleSince = &v
	}
	if cur.Valid {
		tk, err := e.Ticket(ctx, cur.Int64)
		if err != nil {
			return cs, err
		}
		cs.CurrentTicket = &tk
	}
	return cs, nil
}

// Ticket reads one ticket.
func (e *Engine) Ticket(ctx context.Context, id int64) (Ticket, error) {
	tk, err := scanTicket(e.db.R.QueryRowContext(ctx, "SELECT "+ticketCols+" FROM tickets WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Ticket{}, errTicketNotFound
	}
	if err != nil {
		return Ticket{}, fmt.Errorf("queue: ticket %d: %w", id, err)
	}
	return *tk, nil
}

// TicketByToken reads the ticket a QR code names.
func (e *Engine) TicketByToken(ctx context.Context, token string) (Ticket, error) {
	tk, err := scanTicket(e.db.R.QueryRowContext(ctx, "SELECT "+ticketCols+" FROM tickets WHERE token = ?", token))
	if errors.Is(err, sql.ErrNoRows) {
		return Ticket{}, errTicketNotFound
	}
	if err != nil {
		return Ticket{}, fmt.Errorf("queue: ticket: %w", err)
	}
	return *tk, nil
}

// History is a ticket's events, oldest first.
func (e *Engine) History(ctx context.Context, id int64) ([]Event, error) {
	rows, err := e.db.R.QueryContext(ctx, `SELECT id, at, type, COALESCE(ticket,0), counter, actor, data, hash FROM events WHERE ticket = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("queue: history: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var ev Event
		var at int64
		var data string
		if err := rows.Scan(&ev.ID, &at, &ev.Type, &ev.Ticket, &ev.Counter, &ev.Actor, &data, &ev.Hash); err != nil {
			return nil, fmt.Errorf("queue: history: %w", err)
		}
		ev.At = unixMilli(at)
		ev.Data = []byte(data)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Config is the center the engine runs.
func (e *Engine) Config() *config.Config { return e.cfg }

// Ahead counts the tickets waiting before tk in its queue (transfers to the
// front first, then by queue time); 0 for a ticket no longer waiting.
func (e *Engine) Ahead(ctx context.Context, tk Ticket) (int, error) {
	if tk.State != Waiting {
		return 0, nil
	}
	var n int
	var front int
	var queued int64
	if err := e.db.R.QueryRowContext(ctx, "SELECT front, queued_at FROM tickets WHERE id = ?", tk.ID).Scan(&front, &queued); err != nil {
		return 0, fmt.Errorf("queue: ahead: %w", err)
	}
	err := e.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE day = ? AND service = ? AND state = 'waiting' AND target_counter = ?
		AND (front > ? OR (front = ? AND (queued_at < ? OR (queued_at = ? AND id < ?))))`,
		tk.Day, tk.Service, tk.TargetCounter, front, front, queued, queued, tk.ID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("queue: ahead: %w", err)
	}
	return n, nil
}

// PrintProblems lists today's tickets still in line whose print failed or
// was never confirmed, oldest first: the console and the start page offer
// to reprint them.
func (e *Engine) PrintProblems(ctx context.Context) ([]Ticket, error) {
	rows, err := e.db.R.QueryContext(ctx, "SELECT "+ticketCols+` FROM tickets WHERE day = ? AND print_status IN ('failed','unknown')
		AND state IN ('waiting','called','held') ORDER BY id`, clock.Day(e.clock.Now()))
	if err != nil {
		return nil, fmt.Errorf("queue: print problems: %w", err)
	}
	defer rows.Close()
	var out []Ticket
	for rows.Next() {
		tk, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("queue: print problems: %w", err)
		}
		out = append(out, *tk)
	}
	return out, rows.Err()
}
