package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/config"
)

// errType is the apperr type of err, "" for none.
func errType(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Type
	}
	return ""
}

// reopen closes the fixture's engine and starts a new one on the same
// database, as a restart of the daemon does.
func (f *fixture) reopen(t testing.TB, mod func(c *config.Config)) {
	t.Helper()
	f.e.Close()
	e, err := New(context.Background(), f.db, testConfig(mod), f.clock, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	f.e = e
}

// checkWaiting fails when the engine's in-memory waiting counts differ
// from a count of the database.
func (f *fixture) checkWaiting(t testing.TB) {
	t.Helper()
	ss, err := f.e.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		var n int
		f.db.R.QueryRow(`SELECT COUNT(*) FROM tickets WHERE day = ? AND state = 'waiting' AND target_counter = '' AND service = ?`,
			dayOf(f), s.ID).Scan(&n)
		if s.Waiting != n {
			t.Fatalf("service %s: engine says %d waiting, database %d", s.ID, s.Waiting, n)
		}
	}
}

func eventsOf(t testing.TB, f *fixture, typ string) []Event {
	t.Helper()
	evs, err := f.e.Events(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Event
	for _, ev := range evs {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

func TestRebalancing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	f.issue(t, "a", "") // 1001
	f.clock.Advance(time.Second)
	f.issue(t, "b", "") // B001
	f.clock.Advance(time.Second)
	f.issue(t, "b", "") // B002
	gs := Actor{Name: "giám sát"}

	// q1 (configured: a) helps with b, b first
	cs, err := f.e.SetCounterServices(ctx, "q1", []string{"b", "a"}, gs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cs.Services, []string{"b", "a"}) {
		t.Errorf("counter status services: got %v, want [b a]", cs.Services)
	}
	if ss, _ := f.e.CounterServices("q1"); !slices.Equal(ss, []string{"b", "a"}) {
		t.Errorf("CounterServices: got %v, want [b a]", ss)
	}
	evs := eventsOf(t, f, EvServices)
	if len(evs) != 1 || evs[0].Counter != "q1" || evs[0].Actor != "giám sát" || string(evs[0].Data) != `{"from":["a"],"to":["b","a"]}` {
		t.Fatalf("services events: got %+v", evs)
	}
	// fifo order over its services: 1001 is oldest
	if n := f.callAndFinish(t, "q1"); n != "1001" {
		t.Errorf("q1 first call: got %s, want 1001", n)
	}
	if n := f.callAndFinish(t, "q1"); n != "B001" {
		t.Errorf("q1 second call: got %s, want B001 (rebalanced to b)", n)
	}
	waits, _ := f.e.ServiceWaits(ctx)
	if waits[1].Service != "b" || waits[1].OpenCounters != 1 {
		t.Errorf("open counters of b after rebalancing: got %+v, want q1 open", waits[1])
	}

	// q1 gives a up; the routing survives a restart
	if _, err := f.e.SetCounterServices(ctx, "q1", []string{"b"}, gs); err != nil {
		t.Fatal(err)
	}
	f.issue(t, "a", "") // 1002
	f.reopen(t, nil)
	if ss, _ := f.e.CounterServices("q1"); !slices.Equal(ss, []string{"b"}) {
		t.Fatalf("after restart: q1 serves %v, want [b]", ss)
	}
	if n := f.callAndFinish(t, "q1"); n != "B002" {
		t.Errorf("after restart q1 called %s, want B002", n)
	}
	if _, err := f.e.CallNext(ctx, "q1", official); !errors.Is(err, ErrQueueEmpty) {
		t.Errorf("q1 with only service a waiting: got %v, want ErrQueueEmpty", err)
	}

	// setting the configured list back removes the stored change
	if _, err := f.e.SetCounterServices(ctx, "q1", []string{"a"}, gs); err != nil {
		t.Fatal(err)
	}
	var rows int
	f.db.R.QueryRow("SELECT COUNT(*) FROM counter_services").Scan(&rows)
	if rows != 0 {
		t.Errorf("counter_services rows after restoring the config: got %d, want 0", rows)
	}
	if n := f.callAndFinish(t, "q1"); n != "1002" {
		t.Errorf("q1 back on a called %s, want 1002", n)
	}
	// the same list again changes nothing and logs nothing
	if _, err := f.e.SetCounterServices(ctx, "q1", []string{"a"}, gs); err != nil {
		t.Fatal(err)
	}
	if n := len(eventsOf(t, f, EvServices)); n != 3 {
		t.Errorf("services events: got %d, want 3", n)
	}

	// a stored list naming services an older config had: unknown ones are
	// dropped, an empty remainder falls back to the config
	f.db.W.Exec(`INSERT INTO counter_services (counter, services, updated_at) VALUES ('q2', '["gone","c"]', 0), ('q4', '["gone"]', 0), ('q9', '["a"]', 0)`)
	f.reopen(t, nil)
	if ss, _ := f.e.CounterServices("q2"); !slices.Equal(ss, []string{"c"}) {
		t.Errorf("q2 with a stale stored list: got %v, want [c]", ss)
	}
	if ss, _ := f.e.CounterServices("q4"); !slices.Equal(ss, []string{"c"}) {
		t.Errorf("q4 with nothing known stored: got %v, want its configured [c]", ss)
	}
	if _, ok := f.e.CounterServices("q9"); ok {
		t.Error("a counter not in the config has services")
	}
	if n, err := Verify(ctx, f.db.R); err != nil {
		t.Errorf("verify after %d events: %v", n, err)
	}
}

func TestRebalancingRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	tests := []struct {
		name     string
		counter  string
		services []string
		code     apperr.Code
		typ      string
	}{
		{"empty", "q1", nil, apperr.Invalid, "counter-services"},
		{"unknown service", "q1", []string{"a", "zz"}, apperr.Invalid, "counter-services"},
		{"duplicate", "q1", []string{"a", "b", "a"}, apperr.Invalid, "counter-services"},
		{"unknown counter", "q9", []string{"a"}, apperr.NotFound, "counter-not-found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.e.SetCounterServices(ctx, tt.counter, tt.services, official)
			if apperr.CodeOf(err) != tt.code || errType(err) != tt.typ {
				t.Errorf("got %v, want %s %s", err, tt.code, tt.typ)
			}
		})
	}
	if ss, _ := f.e.CounterServices("q1"); !slices.Equal(ss, []string{"a"}) {
		t.Errorf("q1 after refused changes: got %v, want [a]", ss)
	}
	if evs, _ := f.e.Events(ctx, 0, 0); len(evs) != 0 {
		t.Errorf("refused changes wrote %d events", len(evs))
	}
}

func TestMoveWaiting(t *testing.T) {
	ctx := context.Background()
	gs := Actor{Name: "giám sát"}
	setup := func(t *testing.T) (*fixture, []Ticket) {
		f := newFixture(t, nil)
		var tks []Ticket
		for _, s := range []string{"a", "a", "a", "b"} {
			tks = append(tks, f.issue(t, s, ""))
			f.clock.Advance(time.Minute)
		}
		return f, tks // 1001 1002 1003 B001
	}
	t.Run("to a service keeps the place by time", func(t *testing.T) {
		f, tks := setup(t)
		f.clock.Advance(time.Minute)
		f.issue(t, "c", "") // C001, issued after every a ticket
		moved, err := f.e.MoveWaiting(ctx, []int64{tks[2].ID, tks[1].ID, tks[2].ID}, TransferTo{Service: "c"}, gs)
		if err != nil {
			t.Fatal(err)
		}
		if len(moved) != 2 || moved[0].Number != "1003" || moved[0].Service != "c" || moved[0].Transfers != 0 {
			t.Fatalf("moved: got %+v", moved)
		}
		f.checkWaiting(t)
		ss, _ := f.e.Services(ctx)
		if ss[0].Waiting != 1 || ss[2].Waiting != 3 {
			t.Errorf("waiting a, c: got %d, %d; want 1, 3", ss[0].Waiting, ss[2].Waiting)
		}
		var got []string
		for range 3 {
			got = append(got, f.callAndFinish(t, "q4"))
		}
		if want := []string{"1002", "1003", "C001"}; !slices.Equal(got, want) {
			t.Errorf("q4 order after the move: got %v, want %v", got, want)
		}
		evs := eventsOf(t, f, EvMoved)
		if len(evs) != 2 || string(evs[0].Data) != `{"from_service":"a","number":"1003","to_counter":"","to_service":"c"}` || evs[0].Actor != "giám sát" {
			t.Errorf("moved events: got %+v", evs)
		}
	})
	t.Run("to a counter and back", func(t *testing.T) {
		f, tks := setup(t)
		if _, err := f.e.MoveWaiting(ctx, []int64{tks[0].ID}, TransferTo{Counter: "q3"}, gs); err != nil {
			t.Fatal(err)
		}
		f.checkWaiting(t)
		q, _ := f.e.CounterQueue(ctx, "q3")
		if len(q) != 2 || q[0].Number != "1001" || q[1].Number != "B001" {
			t.Errorf("q3 queue: got %v, want [1001 B001]", numbers(q))
		}
		if n := mustCall(t, f, "q1"); n != "1002" {
			t.Errorf("q1 called %s, want 1002 (1001 is q3's now)", n)
		}
		if _, err := f.e.MoveWaiting(ctx, []int64{tks[0].ID}, TransferTo{Service: "a"}, gs); err != nil {
			t.Fatal(err)
		}
		f.checkWaiting(t)
		if tk, _ := f.e.Ticket(ctx, tks[0].ID); tk.TargetCounter != "" || tk.Service != "a" {
			t.Errorf("moved back: got service %s target %q", tk.Service, tk.TargetCounter)
		}
	})
	t.Run("all or nothing", func(t *testing.T) {
		f, tks := setup(t)
		mustCall(t, f, "q1") // 1001 is called
		before, _ := f.e.Events(ctx, 0, 0)
		_, err := f.e.MoveWaiting(ctx, []int64{tks[1].ID, tks[0].ID, tks[2].ID}, TransferTo{Service: "c"}, gs)
		if apperr.CodeOf(err) != apperr.Conflict || errType(err) != "not-waiting" {
			t.Fatalf("move with a called ticket: got %v, want conflict not-waiting", err)
		}
		if e, _ := apperr.As(err); e.Title != "Vé 1001 không còn chờ (đã gọi); không vé nào được chuyển" {
			t.Errorf("title: got %q", e.Title)
		}
		if tk, _ := f.e.Ticket(ctx, tks[1].ID); tk.Service != "a" {
			t.Errorf("1002 moved although the move was refused: service %s", tk.Service)
		}
		after, _ := f.e.Events(ctx, 0, 0)
		if len(after) != len(before) {
			t.Errorf("refused move wrote %d events", len(after)-len(before))
		}
		f.checkWaiting(t)
	})
	t.Run("refused", func(t *testing.T) {
		f, tks := setup(t)
		tests := []struct {
			name string
			ids  []int64
			to   TransferTo
			typ  string
		}{
			{"no target", []int64{tks[0].ID}, TransferTo{}, "transfer-target"},
			{"both targets", []int64{tks[0].ID}, TransferTo{Service: "c", Counter: "q4"}, "transfer-target"},
			{"unknown service", []int64{tks[0].ID}, TransferTo{Service: "zz"}, "service-not-found"},
			{"unknown counter", []int64{tks[0].ID}, TransferTo{Counter: "q9"}, "counter-not-found"},
			{"no tickets", nil, TransferTo{Service: "c"}, "move-tickets"},
			{"unknown ticket", []int64{tks[0].ID, 999}, TransferTo{Service: "c"}, "ticket-not-found"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := f.e.MoveWaiting(ctx, tt.ids, tt.to, gs); errType(err) != tt.typ {
					t.Errorf("got %v, want %s", err, tt.typ)
				}
			})
		}
		f.checkWaiting(t)
		if evs := eventsOf(t, f, EvMoved); len(evs) != 0 {
			t.Errorf("refused moves wrote %d events", len(evs))
		}
	})
	t.Run("idempotent", func(t *testing.T) {
		f, tks := setup(t)
		key := Actor{Name: "giám sát", Key: "gs|m1"}
		for range 2 {
			if _, err := f.e.MoveWaiting(ctx, []int64{tks[0].ID, tks[1].ID}, TransferTo{Service: "b"}, key); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(eventsOf(t, f, EvMoved)); n != 2 {
			t.Errorf("moved events after a retried move: got %d, want 2", n)
		}
		f.checkWaiting(t)
	})
}

func numbers(tks []Ticket) []string {
	out := make([]string, len(tks))
	for i, tk := range tks {
		out[i] = tk.Number
	}
	return out
}

func TestIdleSince(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	f.issue(t, "a", "")
	f.issue(t, "a", "")
	idle := func() *time.Time {
		t.Helper()
		cs, err := f.e.Counter(ctx, "q1")
		if err != nil {
			t.Fatal(err)
		}
		days, err := f.e.CounterDays(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if (cs.IdleSince == nil) != (days["q1"].IdleSince == nil) || cs.IdleSince != nil && !cs.IdleSince.Equal(*days["q1"].IdleSince) {
			t.Fatalf("Counter says idle since %v, CounterDays %v", cs.IdleSince, days["q1"].IdleSince)
		}
		return cs.IdleSince
	}
	at := func(d time.Duration) *time.Time { v := t0.Add(d).UTC(); return &v }
	steps := []struct {
		name string
		do   func() error
		want *time.Time
	}{
		{"closed at start", func() error { return nil }, nil},
		{"opened", func() error { _, err := f.e.SetCounterState(ctx, "q1", "open", "", official); return err }, at(time.Minute)},
		{"opened again keeps the time", func() error { _, err := f.e.SetCounterState(ctx, "q1", "open", "", official); return err }, at(time.Minute)},
		{"called", func() error { _, err := f.e.CallNext(ctx, "q1", official); return err }, nil},
		{"started", func() error { _, err := f.e.Start(ctx, "q1", official); return err }, nil},
		{"finished", func() error { _, err := f.e.Finish(ctx, "q1", official); return err }, at(5 * time.Minute)},
		{"paused", func() error { _, err := f.e.SetCounterState(ctx, "q1", "paused", "Nghỉ trưa", official); return err }, nil},
		{"reopened", func() error { _, err := f.e.SetCounterState(ctx, "q1", "open", "", official); return err }, at(7 * time.Minute)},
		{"called again", func() error { _, err := f.e.CallNext(ctx, "q1", official); return err }, nil},
		{"held", func() error { _, err := f.e.Hold(ctx, "q1", official); return err }, at(9 * time.Minute)},
		{"closed", func() error { _, err := f.e.SetCounterState(ctx, "q1", "closed", "", official); return err }, nil},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := idle()
		if (got == nil) != (st.want == nil) || got != nil && !got.Equal(*st.want) {
			t.Errorf("%s: idle since %v, want %v", st.name, got, st.want)
		}
		f.clock.Advance(time.Minute)
	}
}

func TestRating(t *testing.T) {
	ctx := context.Background()
	keypad := Actor{Name: "bàn phím quầy 1"}
	// served: 1001 called by "cán bộ" at q1 and finished at t0
	served := func(t *testing.T, mod func(c *config.Config)) *fixture {
		f := newFixture(t, mod)
		f.issue(t, "a", "")
		f.issue(t, "a", "")
		f.callAndFinish(t, "q1")
		return f
	}
	tests := []struct {
		name   string
		mod    func(c *config.Config)
		before func(t *testing.T, f *fixture)
		level  int
		typ    string // error type, "" for success
		label  string
	}{
		{"inside the window", nil, func(t *testing.T, f *fixture) { f.clock.Advance(59 * time.Second) }, 1, "", "Rất hài lòng"},
		{"at the end of the window", nil, func(t *testing.T, f *fixture) { f.clock.Advance(60 * time.Second) }, 1, "rating-not-armed", ""},
		{"window from the config", func(c *config.Config) { c.Queue.RatingWindowS = 120 }, func(t *testing.T, f *fixture) { f.clock.Advance(90 * time.Second) }, 2, "", "Hài lòng"},
		{"after a new call", nil, func(t *testing.T, f *fixture) { mustCall(t, f, "q1") }, 1, "rating-not-armed", ""},
		{"after a new call transferred away", nil, func(t *testing.T, f *fixture) {
			mustCall(t, f, "q1")
			if _, err := f.e.Transfer(ctx, "q1", TransferTo{Service: "b"}, official); err != nil {
				t.Fatal(err)
			}
		}, 1, "rating-not-armed", ""},
		{"another counter's call does not disarm", nil, func(t *testing.T, f *fixture) { mustCall(t, f, "q2") }, 3, "", "Không hài lòng"},
		{"twice", nil, func(t *testing.T, f *fixture) {
			if _, err := f.e.Rate(ctx, "q1", 1, "keypad", keypad); err != nil {
				t.Fatal(err)
			}
		}, 2, "already-rated", ""},
		{"level 0", nil, nil, 0, "bad-level", ""},
		{"level 4 on 3 levels", nil, nil, 4, "bad-level", ""},
		{"level 4 on 4 levels", func(c *config.Config) { c.Queue.RatingLevels = 4 }, nil, 4, "", "Không hài lòng"},
		{"level 3 on 4 levels", func(c *config.Config) { c.Queue.RatingLevels = 4 }, nil, 3, "", "Bình thường"},
		{"level 5 on 4 levels", func(c *config.Config) { c.Queue.RatingLevels = 4 }, nil, 5, "bad-level", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := served(t, tt.mod)
			if tt.before != nil {
				tt.before(t, f)
			}
			r, err := f.e.Rate(ctx, "q1", tt.level, "keypad", keypad)
			if errType(err) != tt.typ {
				t.Fatalf("got %v, want %q", err, tt.typ)
			}
			if tt.typ != "" {
				if tt.typ == "bad-level" && apperr.CodeOf(err) != apperr.Invalid || tt.typ != "bad-level" && apperr.CodeOf(err) != apperr.Conflict {
					t.Errorf("code: got %s", apperr.CodeOf(err))
				}
				return
			}
			levels := 3
			if tt.mod != nil && f.e.cfg.Queue.RatingLevels == 4 {
				levels = 4
			}
			want := Rating{Ticket: 1, Number: "1001", Counter: "q1", Official: "cán bộ", Level: tt.level, Levels: levels,
				Label: tt.label, Source: "keypad", At: f.clock.Now()}
			if r != want {
				t.Errorf("rating: got %+v, want %+v", r, want)
			}
			last, err := f.e.LastRating(ctx, "q1")
			if err != nil || last == nil || *last != want {
				t.Errorf("last rating: got %+v (%v), want %+v", last, err, want)
			}
			if tk, _, err := f.e.Armed(ctx, "q1"); tk != nil || err != nil {
				t.Errorf("armed after the rating: got %v (%v), want none", tk, err)
			}
			evs := eventsOf(t, f, EvRated)
			wantData := fmt.Sprintf(`{"level":%d,"levels":%d,"number":"1001","source":"keypad"}`, tt.level, levels)
			if len(evs) != 1 || string(evs[0].Data) != wantData || evs[0].Actor != keypad.Name || evs[0].Ticket != 1 {
				t.Errorf("rated events: got %+v, want one with %s", evs, wantData)
			}
		})
	}
	t.Run("armed", func(t *testing.T) {
		f := newFixture(t, nil)
		f.issue(t, "a", "")
		if tk, _, _ := f.e.Armed(ctx, "q1"); tk != nil {
			t.Errorf("armed before any service: %s", tk.Number)
		}
		if _, err := f.e.Rate(ctx, "q1", 1, "web", keypad); errType(err) != "rating-not-armed" {
			t.Errorf("rate before any service: got %v", err)
		}
		f.callAndFinish(t, "q1")
		f.clock.Advance(10 * time.Second)
		tk, until, err := f.e.Armed(ctx, "q1")
		if err != nil || tk == nil || tk.Number != "1001" || !until.Equal(t0.Add(time.Minute)) {
			t.Errorf("armed: got %v until %v (%v), want 1001 until %v", tk, until, err, t0.Add(time.Minute))
		}
		if last, _ := f.e.LastRating(ctx, "q1"); last != nil {
			t.Errorf("last rating before any: %+v", last)
		}
		if _, _, err := f.e.Armed(ctx, "q9"); errType(err) != "counter-not-found" {
			t.Errorf("armed at an unknown counter: got %v", err)
		}
	})
	t.Run("idempotent", func(t *testing.T) {
		f := served(t, nil)
		a := Actor{Name: "web", Key: "q1|r1"}
		r1, err := f.e.Rate(ctx, "q1", 2, "web", a)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Second)
		r2, err := f.e.Rate(ctx, "q1", 2, "web", a)
		if err != nil || r2 != r1 {
			t.Errorf("retried rating: got %+v (%v), want %+v", r2, err, r1)
		}
		if n := len(eventsOf(t, f, EvRated)); n != 1 {
			t.Errorf("rated events: got %d, want 1", n)
		}
	})
	t.Run("last rating is today's", func(t *testing.T) {
		f := served(t, nil)
		if _, err := f.e.Rate(ctx, "q1", 1, "web", keypad); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(24 * time.Hour)
		if last, err := f.e.LastRating(ctx, "q1"); last != nil || err != nil {
			t.Errorf("yesterday's rating: got %+v (%v), want none", last, err)
		}
	})
}

func TestRatingLevels(t *testing.T) {
	got3, _ := json.Marshal(RatingLevels(3))
	if want := `[{"level":1,"label":"Rất hài lòng"},{"level":2,"label":"Hài lòng"},{"level":3,"label":"Không hài lòng"}]`; string(got3) != want {
		t.Errorf("3 levels: got %s, want %s", got3, want)
	}
	got4, _ := json.Marshal(RatingLevels(4))
	if want := `[{"level":1,"label":"Rất hài lòng"},{"level":2,"label":"Hài lòng"},{"level":3,"label":"Bình thường"},{"level":4,"label":"Không hài lòng"}]`; string(got4) != want {
		t.Errorf("4 levels: got %s, want %s", got4, want)
	}
}

// TestCounterQueueIsTheCallOrder builds random queues (priorities,
// several services, tickets transferred to the front, to the back and to
// the counter, a priority streak left by earlier calls) and checks that
// CounterQueue lists exactly what successive CallNext calls then take.
func TestCounterQueueIsTheCallOrder(t *testing.T) {
	ctx := context.Background()
	type variant struct {
		strategy   string
		n          int
		order      string
		transferTo string
	}
	variants := []variant{
		{"strict", 0, "fifo", "front"},
		{"interleave", 1, "fifo", "back"},
		{"interleave", 2, "list", "front"},
		{"interleave", 3, "fifo", "issue_time"},
		{"aging", 0, "fifo", "front"},
		{"aging", 0, "list", "issue_time"},
	}
	queues := 40 // per variant
	if testing.Short() {
		queues = 8
	}
	for vi, v := range variants {
		t.Run(fmt.Sprintf("%s-%d-%s-%s", v.strategy, v.n, v.order, v.transferTo), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(vi), 7))
			for q := range queues {
				f := newFixture(t, func(c *config.Config) {
					c.Queue.Strategy, c.Queue.InterleaveN, c.Queue.TransferTo = v.strategy, v.n, v.transferTo
					c.Counters[2].Order = v.order
					c.Priorities = append(c.Priorities, config.Priority{ID: "khuyet-tat", Name: "Người khuyết tật", Weight: 3})
				})
				n := 3 + rng.IntN(25)
				for range n {
					prio := []string{"", "", "", "cao-tuoi", "khuyet-tat"}[rng.IntN(5)]
					f.issue(t, []string{"a", "b", "c", "c"}[rng.IntN(4)], prio)
					f.clock.Advance(time.Duration(1+rng.IntN(90)) * time.Second)
				}
				// a few transfers from other counters: to q3, to b, to c
				for range rng.IntN(4) {
					from := []string{"q1", "q4"}[rng.IntN(2)]
					if _, err := f.e.CallNext(ctx, from, official); err != nil {
						continue
					}
					to := []TransferTo{{Counter: "q3"}, {Service: "b"}, {Service: "c"}}[rng.IntN(3)]
					if _, err := f.e.Transfer(ctx, from, to, official); err != nil {
						t.Fatal(err)
					}
					f.clock.Advance(time.Duration(rng.IntN(30)) * time.Second)
				}
				// earlier calls at q3 leave a priority streak
				for range rng.IntN(3) {
					if _, err := f.e.CallNext(ctx, "q3", official); err == nil {
						f.e.Finish(ctx, "q3", official)
					}
				}
				f.clock.Advance(time.Duration(rng.IntN(600)) * time.Second)
				listed, err := f.e.CounterQueue(ctx, "q3")
				if err != nil {
					t.Fatal(err)
				}
				var called []string
				for {
					tk, err := f.e.CallNext(ctx, "q3", official)
					if errors.Is(err, ErrQueueEmpty) {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					called = append(called, tk.Number)
					if _, err := f.e.Finish(ctx, "q3", official); err != nil {
						t.Fatal(err)
					}
				}
				if got := numbers(listed); !slices.Equal(got, called) {
					t.Fatalf("queue %d: CounterQueue %v, CallNext order %v", q, got, called)
				}
			}
		})
	}
}

func TestCounterQueueAndHeld(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, func(c *config.Config) { c.Queue.Strategy = "strict" })
	f.issue(t, "b", "")         // B001
	f.issue(t, "c", "cao-tuoi") // C001, priority
	f.issue(t, "a", "")         // 1001, not q3's
	f.issue(t, "a", "")         // 1002, transferred to q3 below
	f.clock.Advance(time.Minute)
	mustCall(t, f, "q1") // 1001
	mustCall(t, f, "q2") // 1002
	if _, err := f.e.Transfer(ctx, "q2", TransferTo{Counter: "q3"}, official); err != nil {
		t.Fatal(err)
	}
	q, err := f.e.CounterQueue(ctx, "q3")
	if err != nil {
		t.Fatal(err)
	}
	// a transfer to the front first, then the priority ticket, then the regular one
	if got, want := numbers(q), []string{"1002", "C001", "B001"}; !slices.Equal(got, want) {
		t.Errorf("q3 queue: got %v, want %v", got, want)
	}
	if _, err := f.e.CounterQueue(ctx, "q9"); errType(err) != "counter-not-found" {
		t.Errorf("unknown counter: got %v", err)
	}
	// two holds at q3, then one at q1
	mustCall(t, f, "q3")
	f.e.Hold(ctx, "q3", official)
	f.clock.Advance(time.Minute)
	mustCall(t, f, "q3")
	f.e.Hold(ctx, "q3", official)
	f.e.Hold(ctx, "q1", official)
	held, err := f.e.Held(ctx, "q3")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := numbers(held), []string{"1002", "C001"}; !slices.Equal(got, want) {
		t.Errorf("held at q3: got %v, want %v", got, want)
	}
	if held, _ := f.e.Held(ctx, "q1"); !slices.Equal(numbers(held), []string{"1001"}) {
		t.Errorf("held at q1: got %v, want [1001]", numbers(held))
	}
}

func TestServiceWaitsAndCounterDays(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	for _, s := range []string{"a", "a", "a", "a", "b", "c"} {
		f.issue(t, s, "")
		f.clock.Advance(time.Minute)
	} // a: 08:00–08:03, b 08:04, c 08:05; now 08:06
	// q1 serves 1001 in 2 min and 1002 in 4 min; 1003 does not come
	for _, d := range []time.Duration{2 * time.Minute, 4 * time.Minute} {
		mustCall(t, f, "q1")
		f.e.Start(ctx, "q1", official)
		f.clock.Advance(d)
		if _, err := f.e.Finish(ctx, "q1", official); err != nil {
			t.Fatal(err)
		}
	}
	mustCall(t, f, "q1")
	if _, err := f.e.NoShow(ctx, "q1", official); err != nil {
		t.Fatal(err)
	}
	// q4 finishes C001 without Start: a service of 0 s
	mustCall(t, f, "q4")
	f.e.Finish(ctx, "q4", official)
	f.e.SetCounterState(ctx, "q2", "paused", "Họp", official)
	// q3 helps a; it is closed, so it counts for no service
	f.e.SetCounterServices(ctx, "q3", []string{"b", "a"}, official)
	// 1004 goes to q4 only: not in a's line any more
	f.e.MoveWaiting(ctx, []int64{4}, TransferTo{Counter: "q4"}, official)

	days, err := f.e.CounterDays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idle := t0.Add(12 * time.Minute).UTC()
	idle4 := t0.Add(12 * time.Minute).UTC()
	want := map[string]CounterDay{
		"q1": {Served: 2, NoShows: 1, MeanServiceS: 180, IdleSince: &idle},
		"q2": {},
		"q3": {},
		"q4": {Served: 1, MeanServiceS: 0, IdleSince: &idle4},
	}
	if len(days) != len(want) {
		t.Errorf("counter days: got %d counters, want %d", len(days), len(want))
	}
	for id, w := range want {
		g := days[id]
		if g.Served != w.Served || g.NoShows != w.NoShows || g.MeanServiceS != w.MeanServiceS ||
			(g.IdleSince == nil) != (w.IdleSince == nil) || g.IdleSince != nil && !g.IdleSince.Equal(*w.IdleSince) {
			t.Errorf("%s: got %+v (idle %v), want %+v (idle %v)", id, g, g.IdleSince, w, w.IdleSince)
		}
	}

	waits, err := f.e.ServiceWaits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := func(m int) *time.Time { v := t0.Add(time.Duration(m) * time.Minute).UTC(); return &v }
	wantW := []ServiceWait{
		{Service: "a", Waiting: 0, OpenCounters: 1},                        // q1 open, q2 paused, q3 closed
		{Service: "b", Waiting: 1, OldestIssuedAt: at(4), OpenCounters: 0}, // only q3, closed
		{Service: "c", Waiting: 0, OpenCounters: 1},                        // q4
	}
	if len(waits) != len(wantW) {
		t.Fatalf("service waits: got %d, want %d", len(waits), len(wantW))
	}
	for i, w := range wantW {
		g := waits[i]
		if g.Service != w.Service || g.Waiting != w.Waiting || g.OpenCounters != w.OpenCounters ||
			(g.OldestIssuedAt == nil) != (w.OldestIssuedAt == nil) || g.OldestIssuedAt != nil && !g.OldestIssuedAt.Equal(*w.OldestIssuedAt) {
			t.Errorf("%s: got %+v (oldest %v), want %+v (oldest %v)", w.Service, g, g.OldestIssuedAt, w, w.OldestIssuedAt)
		}
	}
	// q3 opens: it serves a and b now
	f.e.SetCounterState(ctx, "q3", "open", "", official)
	waits, _ = f.e.ServiceWaits(ctx)
	if waits[0].OpenCounters != 2 || waits[1].OpenCounters != 1 {
		t.Errorf("after q3 opens: a %d, b %d open counters; want 2, 1", waits[0].OpenCounters, waits[1].OpenCounters)
	}
}

// TestListOrderCounterCallsTicketsSentToIt: a "list" counter calls a
// ticket sent to it of a service it does not serve (moved there by a
// supervisor, or transferred with transfer_to issue_time), with its first
// listed service; it used to be left out of every group and never called
// (and made the aging strategy fail).
func TestListOrderCounterCallsTicketsSentToIt(t *testing.T) {
	ctx := context.Background()
	for _, strategy := range []string{"strict", "interleave", "aging"} {
		t.Run(strategy, func(t *testing.T) {
			f := newFixture(t, func(c *config.Config) {
				c.Queue.Strategy = strategy
				c.Counters[2].Order = "list"
			})
			a := f.issue(t, "a", "") // 1001, 08:00
			f.clock.Advance(time.Minute)
			f.issue(t, "c", "") // C001, 08:01
			f.clock.Advance(time.Minute)
			f.issue(t, "b", "") // B001, 08:02
			if _, err := f.e.MoveWaiting(ctx, []int64{a.ID}, TransferTo{Counter: "q3"}, official); err != nil {
				t.Fatal(err)
			}
			q, err := f.e.CounterQueue(ctx, "q3")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for range 3 {
				got = append(got, f.callAndFinish(t, "q3"))
			}
			// 1001 goes with b, q3's first service, and is older than B001
			if want := []string{"1001", "B001", "C001"}; !slices.Equal(got, want) || !slices.Equal(numbers(q), want) {
				t.Errorf("q3 calls %v and lists %v, want %v", got, numbers(q), want)
			}
		})
	}
}
