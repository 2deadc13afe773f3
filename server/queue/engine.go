// Package queue is the queue engine: it issues ticket numbers, routes
// tickets to counters by the center's priority strategy, moves them through
// their life, and appends every change to a hash-chained event log in the
// same transaction.
//
// All writes go through one goroutine that owns the database's writer
// connection. It takes whatever requests are waiting (up to maxBatch), runs
// each inside its own savepoint of one transaction and commits once: a
// group commit, so one fsync covers many tickets. A request is answered only
// after its commit returned, so a number a client was told is durable, and a
// request that failed or was rolled back gave its number back.
package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/store"
)

const maxBatch = 128

// Engine is the queue engine. Its methods are safe for concurrent use.
type Engine struct {
	db    *store.DB
	cfg   *config.Config
	clock clock.Clock
	log   *slog.Logger

	services map[string]config.Service
	// counters are the configured counters; which services each serves
	// now is rt's (a supervisor may change it), never counters[id].Services.
	counters map[string]config.Counter
	rt       atomic.Pointer[routing]
	weights  map[string]float64

	ops  chan *op
	quit chan struct{}
	done chan struct{}

	// writer-goroutine state
	lastHash  string
	lastID    int64
	sweptDay  string
	closeOnce sync.Once

	subMu sync.Mutex
	subs  map[*subscriber]struct{}

	statsMu sync.Mutex
	stats   Stats

	// waiting counts the tickets of waitDay waiting in each service's
	// common queue (not transferred to one counter), as committed; the
	// writer keeps it, so the kiosk menu and a new ticket's place in line
	// cost no scan of the queue.
	waitMu  sync.Mutex
	waiting map[string]int
	waitDay string
	// openCounters and meanSvc (the mean of the last service times of
	// meanDay, 0 until three) feed the wait estimates; under waitMu.
	openCounters map[string]bool
	meanSvc      map[string]float64
	meanDay      string
	// busy is, for each counter with a current ticket, that ticket's
	// service and when it was called: the counter's remaining service
	// time is part of the wait. Under waitMu.
	busy map[string]busyState

	// stmts are the writer's prepared statements by query text; only the
	// writer goroutine touches them. Re-parsing each statement was most of
	// a ticket's cost in the writer.
	stmts map[string]*sql.Stmt
}

// Stats counts what the writer did, for /metrics.
type Stats struct {
	Batches, Ops, Commits, FailedCommits, DroppedEvents uint64
	MaxBatch                                            int
}

type op struct {
	ctx context.Context
	fn  func(t *txn) (any, error)
	res chan result
}

type result struct {
	v   any
	err error
}

// New starts an engine over db for the center cfg (already validated).
func New(ctx context.Context, db *store.DB, cfg *config.Config, clk clock.Clock, log *slog.Logger) (*Engine, error) {
	if log == nil {
		log = slog.Default()
	}
	e := &Engine{
		db: db, cfg: cfg, clock: clk, log: log.With("component", "queue"),
		services: map[string]config.Service{},
		counters: map[string]config.Counter{},
		weights:  map[string]float64{},
		ops:      make(chan *op, 4096),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
		subs:     map[*subscriber]struct{}{},
		stmts:    map[string]*sql.Stmt{},
		waiting:  map[string]int{},
	}
	for _, s := range cfg.Services {
		e.services[s.ID] = s
	}
	for _, c := range cfg.Counters {
		e.counters[c.ID] = c
	}
	for _, p := range cfg.Priorities {
		e.weights[p.ID] = p.Weight
	}
	row := db.W.QueryRowContext(ctx, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
	switch err := row.Scan(&e.lastID, &e.lastHash); {
	case errors.Is(err, sql.ErrNoRows):
		e.lastID, e.lastHash = 0, genesisHash
	case err != nil:
		return nil, fmt.Errorf("queue: read event log head: %w", err)
	}
	now := clk.Now().UnixMilli()
	for _, c := range cfg.Counters {
		if _, err := db.W.ExecContext(ctx,
			"INSERT INTO counters (id, state, updated_at) VALUES (?, 'closed', ?) ON CONFLICT (id) DO NOTHING", c.ID, now); err != nil {
			return nil, fmt.Errorf("queue: init counter %s: %w", c.ID, err)
		}
	}
	if err := e.loadRouting(ctx); err != nil {
		return nil, err
	}
	if err := e.loadWaiting(ctx); err != nil {
		return nil, err
	}
	all := map[string]bool{}
	for _, s := range cfg.Services {
		all[s.ID] = true
	}
	e.refreshStats(ctx, true, all)
	go e.writer()
	return e, nil
}

// Close stops the writer after the requests already queued; later calls
// fail with ErrClosed.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() { close(e.quit) })
	<-e.done
	for q, st := range e.stmts {
		if st != nil {
			st.Close()
		}
		delete(e.stmts, q)
	}
	return nil
}

// ErrClosed is returned by an engine that was closed.
var ErrClosed = apperr.New(apperr.Unavailable, "shutting-down", "Hệ thống đang tắt, vui lòng thử lại sau giây lát", "the daemon is shutting down")

// Stats returns a copy of the writer's counters.
func (e *Engine) Stats() Stats {
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	return e.stats
}

// do runs fn in the writer and waits for its committed result.
func (e *Engine) do(ctx context.Context, fn func(t *txn) (any, error)) (any, error) {
	o := &op{ctx: ctx, fn: fn, res: make(chan result, 1)}
	select {
	case <-e.quit:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	case e.ops <- o:
	}
	// Once queued the op will run (or fail) and answer; waiting on ctx here
	// too would let a caller give up on a ticket that is then committed, so
	// we always wait for the answer.
	r := <-o.res
	return r.v, r.err
}

func (e *Engine) writer() {
	defer close(e.done)
	batch := make([]*op, 0, maxBatch)
	for {
		batch = batch[:0]
		select {
		case o := <-e.ops:
			batch = append(batch, o)
		case <-e.quit:
			// Answer whatever is still queued, then stop.
			for {
				select {
				case o := <-e.ops:
					batch = append(batch, o)
					if len(batch) == maxBatch {
						e.runBatch(batch)
						batch = batch[:0]
					}
				default:
					if len(batch) > 0 {
						e.runBatch(batch)
					}
					return
				}
			}
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case o := <-e.ops:
				batch = append(batch, o)
			default:
				break fill
			}
		}
		e.runBatch(batch)
	}
}

type txn struct {
	e      *Engine
	tx     *sql.Tx
	ctx    context.Context
	now    time.Time
	events []Event
	hash   string
	id     int64
	deltas []waitDelta
	// what this batch changed that refreshStats must reload
	countersChanged bool
	finished        []string
	// rt is the routing changed in this batch, stored on commit; nil when
	// unchanged.
	rt *routing
}

type waitDelta struct {
	day, service string
	n            int
}

// wait records a change of a service's waiting count, applied on commit.
func (t *txn) wait(service string, n int) {
	t.deltas = append(t.deltas, waitDelta{day: clockDay(t.now), service: service, n: n})
}

// waitingNow is the service's waiting count as this transaction sees it.
func (t *txn) waitingNow(service string) int {
	day := clockDay(t.now)
	n := t.e.waitingCount(service, day)
	for _, d := range t.deltas {
		if d.service == service && d.day == day {
			n += d.n
		}
	}
	return n
}

func (e *Engine) waitingCount(service, day string) int {
	e.waitMu.Lock()
	defer e.waitMu.Unlock()
	if e.waitDay != day {
		return 0 // numbering restarts each day; nobody waits yet
	}
	return e.waiting[service]
}

func (e *Engine) applyWaiting(ds []waitDelta) {
	e.waitMu.Lock()
	defer e.waitMu.Unlock()
	for _, d := range ds {
		if d.day != e.waitDay {
			if d.day < e.waitDay {
				continue
			}
			e.waitDay, e.waiting = d.day, map[string]int{}
		}
		e.waiting[d.service] += d.n
	}
}

// loadWaiting counts today's waiting tickets from the database.
func (e *Engine) loadWaiting(ctx context.Context) error {
	day := clockDay(e.clock.Now())
	rows, err := e.db.W.QueryContext(ctx, `SELECT service, COUNT(*) FROM tickets WHERE day = ? AND state = 'waiting' AND target_counter = '' GROUP BY service`, day)
	if err != nil {
		return fmt.Errorf("queue: count waiting: %w", err)
	}
	defer rows.Close()
	w := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return fmt.Errorf("queue: count waiting: %w", err)
		}
		w[s] = n
	}
	e.waitMu.Lock()
	e.waitDay, e.waiting = day, w
	e.waitMu.Unlock()
	return rows.Err()
}

// stmt returns the prepared statement of q, or nil the first time q is
// seen: the writer's only connection is inside the transaction then, so q
// runs unprepared and is prepared after the commit (preparePending).
func (e *Engine) stmt(q string) *sql.Stmt {
	s, ok := e.stmts[q]
	if !ok {
		e.stmts[q] = nil
	}
	return s
}

// preparePending prepares the statements first seen in the last batch.
func (e *Engine) preparePending() {
	for q, s := range e.stmts {
		if s != nil {
			continue
		}
		st, err := e.db.W.Prepare(q)
		if err != nil {
			e.log.Warn("prepare", "err", err)
			delete(e.stmts, q)
			continue
		}
		e.stmts[q] = st
	}
}

// exec, queryRow and query run a statement in the transaction, through the
// writer's prepared statement of that text once there is one.
func (t *txn) exec(q string, args ...any) (sql.Result, error) {
	if s := t.e.stmt(q); s != nil {
		return t.tx.StmtContext(t.ctx, s).ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, q, args...)
}

func (t *txn) queryRow(q string, args ...any) *sql.Row {
	if s := t.e.stmt(q); s != nil {
		return t.tx.StmtContext(t.ctx, s).QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

func (t *txn) query(q string, args ...any) (*sql.Rows, error) {
	if s := t.e.stmt(q); s != nil {
		return t.tx.StmtContext(t.ctx, s).QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, q, args...)
}

// run calls fn, turning a panic into an error: a bug in one request rolls
// back that request, not the daemon with every other request in the batch.
func (t *txn) run(fn func(t *txn) (any, error)) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			t.e.log.Error("panic in a queue operation", "panic", p, "stack", string(debug.Stack()))
			v, err = nil, apperr.New(apperr.Internal, "internal", "Lỗi hệ thống, vui lòng thử lại hoặc báo quản trị viên", "internal error")
		}
	}()
	return fn(t)
}

func (e *Engine) runBatch(batch []*op) {
	ctx := context.Background()
	results := make([]result, len(batch))
	fail := func(err error) {
		for i, o := range batch {
			if results[i].err == nil {
				results[i] = result{err: err}
			}
			o.res <- results[i]
		}
	}
	tx, err := e.db.W.BeginTx(ctx, nil)
	if err != nil {
		e.log.Error("begin", "err", err)
		fail(apperr.New(apperr.Unavailable, "database", "Lỗi cơ sở dữ liệu, vui lòng thử lại", "begin: %v", err))
		return
	}
	t := &txn{e: e, tx: tx, ctx: ctx, hash: e.lastHash, id: e.lastID}
	ran := 0
	for i, o := range batch {
		if o.ctx.Err() != nil {
			results[i] = result{err: o.ctx.Err()}
			continue
		}
		t.now = e.clock.Now().UTC()
		if err := t.sweep(); err != nil {
			results[i] = result{err: err}
			continue
		}
		mark, hash, id, dmark, fmark, rt := len(t.events), t.hash, t.id, len(t.deltas), len(t.finished), t.rt
		if _, err := t.exec("SAVEPOINT op"); err != nil {
			results[i] = result{err: fmt.Errorf("queue: savepoint: %w", err)}
			continue
		}
		v, err := t.run(o.fn)
		if err != nil {
			_, rerr := t.exec("ROLLBACK TO op")
			if rerr == nil {
				_, rerr = t.exec("RELEASE op")
			}
			if rerr != nil {
				tx.Rollback()
				fail(fmt.Errorf("queue: rollback to savepoint: %w", rerr))
				return
			}
			t.events, t.hash, t.id, t.deltas, t.finished, t.rt = t.events[:mark], hash, id, t.deltas[:dmark], t.finished[:fmark], rt
			results[i] = result{err: err}
			continue
		}
		if _, err := t.exec("RELEASE op"); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("queue: release savepoint: %w", err))
			return
		}
		results[i] = result{v: v}
		ran++
	}
	if err := tx.Commit(); err != nil {
		e.log.Error("commit", "err", err, "ops", len(batch))
		e.statsMu.Lock()
		e.stats.FailedCommits++
		e.statsMu.Unlock()
		e.sweptDay = "" // the sweep may have been rolled back with the rest
		for i := range results {
			results[i] = result{err: apperr.New(apperr.Unavailable, "database", "Lỗi cơ sở dữ liệu, vui lòng thử lại", "commit: %v", err)}
		}
		fail(nil)
		return
	}
	e.lastHash, e.lastID = t.hash, t.id
	e.applyWaiting(t.deltas)
	if t.rt != nil {
		e.rt.Store(t.rt) // before anyone hears the batch is done
	}
	e.statsMu.Lock()
	e.stats.Batches++
	e.stats.Commits++
	e.stats.Ops += uint64(len(batch))
	if len(batch) > e.stats.MaxBatch {
		e.stats.MaxBatch = len(batch)
	}
	e.statsMu.Unlock()
	// estimates are fresh before anyone hears the batch is done
	if t.countersChanged || len(t.finished) > 0 {
		fin := map[string]bool{}
		for _, s := range t.finished {
			fin[s] = true
		}
		e.refreshStats(ctx, t.countersChanged, fin)
	}
	for i, o := range batch {
		o.res <- results[i]
	}
	e.publish(t.events)
	e.preparePending()
}

func clockDay(t time.Time) string { return clock.Day(t) }
