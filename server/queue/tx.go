package queue

import (
	"context"
	"database/sql"
	"time"
)

// Tx is a write in the engine's writer for the other parts of the daemon
// whose changes belong in the same hash-chained event log, such as the
// dossiers: their rows and their events commit together, in one order with
// the queue's, and a failure rolls back only that request.
type Tx struct{ t *txn }

// Exec runs a statement in the transaction.
func (x *Tx) Exec(q string, args ...any) (sql.Result, error) { return x.t.exec(q, args...) }

// QueryRow runs a query returning one row in the transaction.
func (x *Tx) QueryRow(q string, args ...any) *sql.Row { return x.t.queryRow(q, args...) }

// Query runs a query in the transaction.
func (x *Tx) Query(q string, args ...any) (*sql.Rows, error) { return x.t.query(q, args...) }

// Now is the time of the write, the same for every row and event of it.
func (x *Tx) Now() time.Time { return x.t.now }

// Emit appends an event to the log in the transaction; ticket may be 0.
func (x *Tx) Emit(typ string, ticket int64, counter, actor string, data map[string]any) error {
	var tk *Ticket
	if ticket != 0 {
		tk = &Ticket{ID: ticket}
	}
	return x.t.emit(typ, tk, counter, actor, data)
}

// Replay finds what an idempotency key was first used for (the id it
// made), as the queue's own operations do; a key used for another action
// is a conflict.
func (x *Tx) Replay(key, action string) (int64, bool, error) {
	if key == "" {
		return 0, false, nil
	}
	return x.t.replay(key, action)
}

// Remember records that key made id, in the transaction.
func (x *Tx) Remember(key, action string, id int64) error {
	if key == "" {
		return nil
	}
	return x.t.remember(key, action, id)
}

// Write runs fn in the writer and returns its result once committed; an
// error from fn rolls back what it did.
func (e *Engine) Write(ctx context.Context, fn func(x *Tx) (any, error)) (any, error) {
	return e.do(ctx, func(t *txn) (any, error) { return fn(&Tx{t: t}) })
}
