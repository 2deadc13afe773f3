package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/clock"
)

// Rating is a citizen's rating of one served ticket.
type Rating struct {
	Ticket   int64     `json:"ticket"`
	Number   string    `json:"number"`
	Counter  string    `json:"counter"`
	Official string    `json:"official"`
	Level    int       `json:"level"`  // 1 is the best
	Levels   int       `json:"levels"` // the scale it was given on: 3 or 4
	Label    string    `json:"label"`
	Source   string    `json:"source"` // "web", "keypad"…
	At       time.Time `json:"at"`
}

// RatingLevel is one choice of the rating scale.
type RatingLevel struct {
	Level int    `json:"level"`
	Label string `json:"label"`
}

// RatingLevels is the scale of levels choices, best first: 4 adds "Bình
// thường"; anything else is the 3-level scale (the default).
func RatingLevels(levels int) []RatingLevel {
	if levels == 4 {
		return []RatingLevel{{1, "Rất hài lòng"}, {2, "Hài lòng"}, {3, "Bình thường"}, {4, "Không hài lòng"}}
	}
	return []RatingLevel{{1, "Rất hài lòng"}, {2, "Hài lòng"}, {3, "Không hài lòng"}}
}

func ratingLabel(levels, level int) string {
	for _, l := range RatingLevels(levels) {
		if l.Level == level {
			return l.Label
		}
	}
	return ""
}

// ratingScale is the configured scale, 3 unless 4.
func (e *Engine) ratingScale() int {
	if e.cfg.Queue.RatingLevels == 4 {
		return 4
	}
	return 3
}

func (e *Engine) ratingWindow() time.Duration {
	s := e.cfg.Queue.RatingWindowS
	if s <= 0 {
		s = 60 // a config not passed through Validate
	}
	return time.Duration(s) * time.Second
}

var (
	errNotArmed     = apperr.New(apperr.Conflict, "rating-not-armed", "Chưa có lượt phục vụ nào chờ đánh giá ở quầy này", "no finished ticket awaits a rating at this counter")
	errAlreadyRated = apperr.New(apperr.Conflict, "already-rated", "Lượt phục vụ này đã được đánh giá", "the ticket was already rated")
)

// rowQuerier is a *sql.Tx or *sql.DB: armed runs in the writer's
// transaction and on the read pool.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// armed finds the ticket a rating at counter would be for: the counter's
// last finished ticket, from its finish for the rating window, unless the
// counter called anyone since (the next citizen stands at the counter
// now, even if their ticket was then held or transferred). It returns nil
// when none; rated says the ticket has its rating already. Nothing is
// stored for arming: it follows from counters.last_finished, the ticket's
// finished_at and the event log, so it needs no timer and survives a
// restart.
func (e *Engine) armed(ctx context.Context, q rowQuerier, counter string, now time.Time) (tk *Ticket, until time.Time, rated bool, err error) {
	var last, cur sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT last_finished, current FROM counters WHERE id = ?", counter).Scan(&last, &cur); err != nil {
		return nil, time.Time{}, false, fmt.Errorf("queue: rating at %s: %w", counter, err)
	}
	if !last.Valid || cur.Valid {
		return nil, time.Time{}, false, nil
	}
	tk, err = scanTicket(q.QueryRowContext(ctx, "SELECT "+ticketCols+" FROM tickets WHERE id = ?", last.Int64))
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("queue: rating at %s: %w", counter, err)
	}
	if tk.State != Done || tk.FinishedAt == nil {
		return nil, time.Time{}, false, nil
	}
	until = tk.FinishedAt.Add(e.ratingWindow())
	if !now.Before(until) {
		return nil, time.Time{}, false, nil
	}
	// the events after the finish are those of the last window: few
	var called bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE type = 'ticket.called' AND counter = ?
		AND id > (SELECT COALESCE(MAX(id), 0) FROM events WHERE ticket = ? AND type = 'ticket.finished'))`, counter, tk.ID).Scan(&called); err != nil {
		return nil, time.Time{}, false, fmt.Errorf("queue: rating at %s: %w", counter, err)
	}
	if called {
		return nil, time.Time{}, false, nil
	}
	if err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM ratings WHERE ticket = ?)", tk.ID).Scan(&rated); err != nil {
		return nil, time.Time{}, false, fmt.Errorf("queue: rating at %s: %w", counter, err)
	}
	return tk, until, rated, nil
}

// Armed is the ticket a rating at counter would be for now, and until when
// it is accepted; nil when none waits for one (never finished, window
// over, a new call, or already rated).
func (e *Engine) Armed(ctx context.Context, counter string) (*Ticket, time.Time, error) {
	if _, ok := e.counters[counter]; !ok {
		return nil, time.Time{}, errCounterNotFound
	}
	tx, err := e.readTx(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer tx.Rollback()
	tk, until, rated, err := e.armed(ctx, tx, counter, e.clock.Now())
	if err != nil || tk == nil || rated {
		return nil, time.Time{}, err
	}
	return tk, until, nil
}

const ratingCols = `r.ticket, t.number, r.counter, r.official, r.level, r.levels, r.source, r.at`

func scanRating(r scanner) (*Rating, error) {
	var rt Rating
	var at int64
	if err := r.Scan(&rt.Ticket, &rt.Number, &rt.Counter, &rt.Official, &rt.Level, &rt.Levels, &rt.Source, &at); err != nil {
		return nil, err
	}
	rt.At = unixMilli(at)
	rt.Label = ratingLabel(rt.Levels, rt.Level)
	return &rt, nil
}

// Rate stores a rating of level (1 best) for the ticket armed at counter
// (see Armed), from source ("web", "keypad"). The rating is the
// official's who served the ticket, not of who is signed in at the
// counter now. With a.Key, a retry returns the rating stored the first
// time.
func (e *Engine) Rate(ctx context.Context, counter string, level int, source string, a Actor) (Rating, error) {
	if _, ok := e.counters[counter]; !ok {
		return Rating{}, errCounterNotFound
	}
	levels := e.ratingScale()
	if level < 1 || level > levels {
		return Rating{}, apperr.New(apperr.Invalid, "bad-level", "Mức đánh giá không hợp lệ", "level %d not in 1..%d", level, levels)
	}
	source = strings.TrimSpace(source)
	if len(source) > 40 {
		return Rating{}, apperr.New(apperr.Invalid, "rating-source", "Nguồn đánh giá không hợp lệ", "source longer than 40 bytes")
	}
	action := "rate " + counter
	v, err := e.do(ctx, func(t *txn) (any, error) {
		if a.Key != "" {
			id, ok, err := t.replay(a.Key, action)
			if err != nil {
				return nil, err
			}
			if ok {
				rt, err := scanRating(t.tx.QueryRowContext(t.ctx, "SELECT "+ratingCols+" FROM ratings r JOIN tickets t ON t.id = r.ticket WHERE r.ticket = ?", id))
				if err != nil {
					return nil, fmt.Errorf("queue: replay rating: %w", err)
				}
				return *rt, nil
			}
		}
		tk, _, rated, err := e.armed(t.ctx, t.tx, counter, t.now)
		switch {
		case err != nil:
			return nil, err
		case tk == nil:
			return nil, errNotArmed
		case rated:
			return nil, errAlreadyRated
		}
		rt := Rating{Ticket: tk.ID, Number: tk.Number, Counter: counter, Official: tk.Official, Level: level, Levels: levels,
			Label: ratingLabel(levels, level), Source: source, At: t.now.Truncate(time.Millisecond)}
		if _, err := t.exec("INSERT INTO ratings (ticket, counter, official, level, levels, source, at) VALUES (?,?,?,?,?,?,?)",
			tk.ID, counter, tk.Official, level, levels, source, t.now.UnixMilli()); err != nil {
			return nil, fmt.Errorf("queue: store rating: %w", err)
		}
		if err := t.emit(EvRated, tk, counter, a.Name, map[string]any{"number": tk.Number, "level": level, "levels": levels, "source": source}); err != nil {
			return nil, err
		}
		if a.Key != "" {
			if err := t.remember(a.Key, action, tk.ID); err != nil {
				return nil, err
			}
		}
		return rt, nil
	})
	if err != nil {
		return Rating{}, err
	}
	return v.(Rating), nil
}

// LastRating is today's last rating given at counter, nil if none.
func (e *Engine) LastRating(ctx context.Context, counter string) (*Rating, error) {
	if _, ok := e.counters[counter]; !ok {
		return nil, errCounterNotFound
	}
	l := e.clock.Now().In(clock.Local)
	midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, clock.Local)
	rt, err := scanRating(e.db.R.QueryRowContext(ctx, "SELECT "+ratingCols+` FROM ratings r JOIN tickets t ON t.id = r.ticket
		WHERE r.counter = ? AND r.at >= ? ORDER BY r.at DESC, r.ticket DESC LIMIT 1`, counter, midnight.UnixMilli()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("queue: last rating at %s: %w", counter, err)
	}
	return rt, nil
}
