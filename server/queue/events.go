package queue

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// genesisHash is the prev_hash of the first event.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// chainHash is SHA-256 over the previous hash and the row's fields, each
// field followed by a unit separator so no two rows hash alike by shifting
// text between fields.
func chainHash(prev string, id int64, at int64, typ string, ticket int64, counter, actor, data string) string {
	h := sha256.New()
	for _, f := range []string{prev, strconv.FormatInt(id, 10), strconv.FormatInt(at, 10), typ,
		strconv.FormatInt(ticket, 10), counter, actor, data} {
		h.Write([]byte(f))
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// emit appends one event to the log inside the current transaction.
func (t *txn) emit(typ string, tk *Ticket, counter, actor string, data map[string]any) error {
	var raw = []byte("{}")
	if len(data) > 0 {
		var err error
		if raw, err = json.Marshal(data); err != nil {
			return fmt.Errorf("queue: event %s: %w", typ, err)
		}
	}
	id := t.id + 1
	at := t.now.UnixMilli()
	var ticketID int64
	var snap *Ticket
	if tk != nil {
		ticketID = tk.ID
		c := *tk
		snap = &c
	}
	h := chainHash(t.hash, id, at, typ, ticketID, counter, actor, string(raw))
	var tcol any
	if ticketID != 0 {
		tcol = ticketID
	}
	if _, err := t.exec(
		`INSERT INTO events (id, at, type, ticket, counter, actor, data, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)`,
		id, at, typ, tcol, counter, actor, string(raw), t.hash, h); err != nil {
		return fmt.Errorf("queue: append event %s: %w", typ, err)
	}
	t.id, t.hash = id, h
	t.events = append(t.events, Event{ID: id, At: time.UnixMilli(at).UTC(), Type: typ, Ticket: ticketID,
		Counter: counter, Actor: actor, Data: raw, Hash: h, T: snap})
	return nil
}

// ChainError says where the event log's hash chain breaks.
type ChainError struct {
	ID     int64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("event log broken at event %d: %s", e.ID, e.Reason)
}

// Verify walks the event log and checks every row's hash and link. It
// returns how many events it checked, and a *ChainError at the first broken
// row: an edited row fails its hash, a deleted row breaks the next row's
// link or leaves a gap in the ids.
func Verify(ctx context.Context, db *sql.DB) (int, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, at, type, COALESCE(ticket,0), counter, actor, data, prev_hash, hash FROM events ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	prev, want, n := genesisHash, int64(1), 0
	for rows.Next() {
		var id, at, ticket int64
		var typ, counter, actor, data, ph, h string
		if err := rows.Scan(&id, &at, &typ, &ticket, &counter, &actor, &data, &ph, &h); err != nil {
			return n, fmt.Errorf("audit: %w", err)
		}
		switch {
		case id != want:
			return n, &ChainError{ID: id, Reason: fmt.Sprintf("expected event %d next: events are missing", want)}
		case ph != prev:
			return n, &ChainError{ID: id, Reason: "prev_hash does not match the previous event"}
		case chainHash(ph, id, at, typ, ticket, counter, actor, data) != h:
			return n, &ChainError{ID: id, Reason: "hash does not match the row: it was edited"}
		}
		prev, want = h, id+1
		n++
	}
	return n, rows.Err()
}

// Events reads the log after the event id after, at most limit rows.
func (e *Engine) Events(ctx context.Context, after int64, limit int) ([]Event, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := e.db.R.QueryContext(ctx, `SELECT id, at, type, COALESCE(ticket,0), counter, actor, data, hash FROM events WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("queue: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var ev Event
		var at int64
		var data string
		if err := rows.Scan(&ev.ID, &at, &ev.Type, &ev.Ticket, &ev.Counter, &ev.Actor, &data, &ev.Hash); err != nil {
			return nil, fmt.Errorf("queue: events: %w", err)
		}
		ev.At = time.UnixMilli(at).UTC()
		ev.Data = json.RawMessage(data)
		out = append(out, ev)
	}
	return out, rows.Err()
}

type subscriber struct {
	ch   chan Event
	name string
}

// Subscribe returns a channel of events as they are committed, and a
// function to stop. A subscriber that falls buf events behind loses events
// (counted in Stats.DroppedEvents); it never slows the engine.
func (e *Engine) Subscribe(name string, buf int) (<-chan Event, func()) {
	s := &subscriber{ch: make(chan Event, buf), name: name}
	e.subMu.Lock()
	e.subs[s] = struct{}{}
	e.subMu.Unlock()
	return s.ch, func() {
		e.subMu.Lock()
		if _, ok := e.subs[s]; ok {
			delete(e.subs, s)
			close(s.ch)
		}
		e.subMu.Unlock()
	}
}

func (e *Engine) publish(evs []Event) {
	if len(evs) == 0 {
		return
	}
	e.subMu.Lock()
	defer e.subMu.Unlock()
	for s := range e.subs {
		for _, ev := range evs {
			select {
			case s.ch <- ev:
			default:
				e.statsMu.Lock()
				e.stats.DroppedEvents++
				e.statsMu.Unlock()
				e.log.Warn("subscriber behind, event dropped", "subscriber", s.name, "event", ev.ID)
			}
		}
	}
}

func unixMilli(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
