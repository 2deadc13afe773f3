package queue

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/store"
)

// t0 is 08:00 local time on a Monday.
var t0 = time.Date(2026, 3, 9, 8, 0, 0, 0, clock.Local)

func testConfig(mod func(c *config.Config)) *config.Config {
	c := &config.Config{
		Center:      config.Center{Name: "Trung tâm thử"},
		Departments: []config.Department{{ID: "d1", Name: "Sở Một"}, {ID: "d2", Name: "Sở Hai"}},
		Services: []config.Service{
			{ID: "a", Name: "Dịch vụ A", Department: "d1", NumberFrom: 1001, NumberTo: 1999},
			{ID: "b", Name: "Dịch vụ B", Department: "d2", Prefix: "B", Width: 3},
			{ID: "c", Name: "Dịch vụ C", Department: "d2", Prefix: "C", Width: 3},
		},
		Counters: []config.Counter{
			{ID: "q1", Number: 1, Name: "Quầy 1", Services: []string{"a"}},
			{ID: "q2", Number: 2, Name: "Quầy 2", Services: []string{"a"}},
			{ID: "q3", Number: 3, Name: "Quầy Tổng hợp", Services: []string{"b", "c"}, General: true},
			{ID: "q4", Number: 4, Name: "Quầy 4", Services: []string{"c"}},
		},
		Priorities: []config.Priority{{ID: "cao-tuoi", Name: "Người cao tuổi", Weight: 1.5}},
	}
	if mod != nil {
		mod(c)
	}
	if err := c.Validate(); err != nil {
		panic(err)
	}
	return c
}

type fixture struct {
	e     *Engine
	db    *store.DB
	clock *clock.Fake
}

func newFixture(t testing.TB, mod func(c *config.Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(t0)
	e, err := New(ctx, db, testConfig(mod), clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.Close()
		db.Close()
	})
	return &fixture{e: e, db: db, clock: clk}
}

func (f *fixture) issue(t testing.TB, service, priority string) Ticket {
	t.Helper()
	is, err := f.e.Issue(context.Background(), IssueRequest{Service: service, Priority: priority})
	if err != nil {
		t.Fatalf("issue %s: %v", service, err)
	}
	return is.Ticket
}

var official = Actor{Name: "cán bộ"}

// callAndFinish calls the next ticket at counter, finishes it and returns its number.
func (f *fixture) callAndFinish(t testing.TB, counter string) string {
	t.Helper()
	ctx := context.Background()
	tk, err := f.e.CallNext(ctx, counter, official)
	if err != nil {
		t.Fatalf("call next at %s: %v", counter, err)
	}
	if _, err := f.e.Finish(ctx, counter, official); err != nil {
		t.Fatalf("finish at %s: %v", counter, err)
	}
	return tk.Number
}

func TestStrategies(t *testing.T) {
	// Arrivals one minute apart: R regular, P priority. Service b numbers
	// B001… in order of arrival, so B003 is the first priority ticket.
	arrivals := []string{"R", "R", "P", "R", "P", "P", "R"}
	tests := []struct {
		strategy string
		n        int
		want     []string
	}{
		{"strict", 0, []string{"B003", "B005", "B006", "B001", "B002", "B004", "B007"}},
		{"interleave", 2, []string{"B003", "B005", "B001", "B006", "B002", "B004", "B007"}},
		{"interleave", 1, []string{"B003", "B001", "B005", "B002", "B006", "B004", "B007"}},
		// aging, weight 1.5, calls from minute 10, one a minute:
		// 10: B001 600, B003 480×1.5=720 → B003
		// 11: B001 660, B005 420×1.5=630 → B001
		// 12: B002 660, B005 480×1.5=720 → B005
		// 13: B002 720, B006 480×1.5=720, tie → older B002
		// 14: B004 660, B006 540×1.5=810 → B006; then B004, B007.
		{"aging", 0, []string{"B003", "B001", "B005", "B002", "B006", "B004", "B007"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s-%d", tt.strategy, tt.n), func(t *testing.T) {
			f := newFixture(t, func(c *config.Config) {
				c.Queue.Strategy = tt.strategy
				c.Queue.InterleaveN = tt.n
			})
			for _, a := range arrivals {
				p := ""
				if a == "P" {
					p = "cao-tuoi"
				}
				f.issue(t, "b", p)
				f.clock.Advance(time.Minute)
			}
			f.clock.Set(t0.Add(10 * time.Minute))
			var got []string
			for range arrivals {
				got = append(got, f.callAndFinish(t, "q3"))
				f.clock.Advance(time.Minute)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("calling order: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGeneralCounterRouting(t *testing.T) {
	tests := []struct {
		order string
		want  []string
	}{
		{"fifo", []string{"C001", "B001", "C002", "B002"}},
		{"list", []string{"B001", "B002", "C001", "C002"}},
	}
	for _, tt := range tests {
		t.Run(tt.order, func(t *testing.T) {
			f := newFixture(t, func(c *config.Config) { c.Counters[2].Order = tt.order })
			for _, s := range []string{"c", "b", "c", "b"} {
				f.issue(t, s, "")
				f.clock.Advance(time.Second)
			}
			f.issue(t, "a", "")
			var got []string
			for range 4 {
				got = append(got, f.callAndFinish(t, "q3"))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Quầy Tổng hợp order: got %v, want %v", got, tt.want)
			}
			// the service-a ticket is never routed to the general counter
			if _, err := f.e.CallNext(context.Background(), "q3", official); !errors.Is(err, ErrQueueEmpty) {
				t.Errorf("call at q3 with only service a waiting: got %v, want ErrQueueEmpty", err)
			}
			if n := f.callAndFinish(t, "q1"); n != "1001" {
				t.Errorf("q1 called %s, want 1001", n)
			}
		})
	}
}

func TestTransfer(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		to      string // config Queue.TransferTo
		target  TransferTo
		counter string // who calls after the transfer
		want    string // first number that counter gets
	}{
		{"to service, front", "front", TransferTo{Service: "c"}, "q4", "B001"},
		{"to service, back", "back", TransferTo{Service: "c"}, "q4", "C001"},
		{"to service, issue time", "issue_time", TransferTo{Service: "c"}, "q4", "B001"},
		{"to counter", "front", TransferTo{Counter: "q4"}, "q4", "B001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(c *config.Config) { c.Queue.TransferTo = tt.to })
			b1 := f.issue(t, "b", "") // B001 at 08:00:00
			f.clock.Advance(time.Minute)
			f.issue(t, "c", "") // C001 at 08:01
			f.clock.Advance(time.Minute)
			f.issue(t, "c", "") // C002 at 08:02
			// q3 serves b and c, fifo: B001 first
			if n := mustCall(t, f, "q3"); n != "B001" {
				t.Fatalf("q3 called %s, want B001", n)
			}
			f.clock.Advance(time.Minute)
			tk, err := f.e.Transfer(ctx, "q3", tt.target, official)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Number != "B001" || !tk.IssuedAt.Equal(b1.IssuedAt) || tk.State != Waiting || tk.Transfers != 1 {
				t.Errorf("transferred ticket: got %s issued %v state %s transfers %d, want B001 issued %v waiting 1",
					tk.Number, tk.IssuedAt, tk.State, tk.Transfers, b1.IssuedAt)
			}
			if n := mustCall(t, f, tt.counter); n != tt.want {
				t.Errorf("%s called %s first, want %s", tt.counter, n, tt.want)
			}
		})
	}
	t.Run("to counter is only for that counter", func(t *testing.T) {
		f := newFixture(t, nil)
		f.issue(t, "a", "")
		mustCall(t, f, "q1")
		if _, err := f.e.Transfer(ctx, "q1", TransferTo{Counter: "q3"}, official); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.CallNext(ctx, "q2", official); !errors.Is(err, ErrQueueEmpty) {
			t.Errorf("q2 (same service) after transfer to q3: got %v, want ErrQueueEmpty", err)
		}
		if n := mustCall(t, f, "q3"); n != "1001" {
			t.Errorf("q3 called %s, want 1001", n)
		}
	})
}

func mustCall(t *testing.T, f *fixture, counter string) string {
	t.Helper()
	tk, err := f.e.CallNext(context.Background(), counter, official)
	if err != nil {
		t.Fatalf("call next at %s: %v", counter, err)
	}
	return tk.Number
}

func TestNoShowAfterRecalls(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, func(c *config.Config) { c.Queue.MaxRecalls = 2 })
	f.issue(t, "a", "")
	mustCall(t, f, "q1")
	for i := 1; i <= 2; i++ {
		tk, err := f.e.Recall(ctx, "q1", official)
		if err != nil {
			t.Fatal(err)
		}
		if tk.State != Called || tk.Recalls != i {
			t.Fatalf("recall %d: got %s with %d recalls, want called with %d", i, tk.State, tk.Recalls, i)
		}
	}
	tk, err := f.e.Recall(ctx, "q1", official)
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != NoShow {
		t.Errorf("third recall with max_recalls 2: got %s, want no_show", tk.State)
	}
	cs, _ := f.e.Counter(ctx, "q1")
	if cs.CurrentTicket != nil {
		t.Errorf("counter still holds %s after no-show", cs.CurrentTicket.Number)
	}
}

func TestDayRollover(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	f.clock.Set(time.Date(2026, 3, 9, 23, 58, 0, 0, clock.Local))
	y1 := f.issue(t, "a", "")
	y2 := f.issue(t, "a", "")
	if y1.Number != "1001" || y2.Number != "1002" || y1.Day != "2026-03-09" {
		t.Fatalf("evening tickets: %s %s %s", y1.Number, y2.Number, y1.Day)
	}
	// 00:00 local is 17:00 UTC the day before: the day is the local one.
	f.clock.Set(time.Date(2026, 3, 10, 0, 0, 1, 0, clock.Local))
	n1 := f.issue(t, "a", "")
	if n1.Number != "1001" || n1.Day != "2026-03-10" {
		t.Errorf("first ticket after midnight: got %s on %s, want 1001 on 2026-03-10", n1.Number, n1.Day)
	}
	if n := mustCall(t, f, "q1"); n != "1001" {
		t.Errorf("called %s", n)
	}
	cs, _ := f.e.Counter(ctx, "q1")
	if cs.CurrentTicket == nil || cs.CurrentTicket.ID != n1.ID {
		t.Errorf("counter called yesterday's ticket, want today's 1001 (id %d)", n1.ID)
	}
	for _, y := range []Ticket{y1, y2} {
		got, _ := f.e.Ticket(ctx, y.ID)
		if got.State != Expired {
			t.Errorf("yesterday's %s: got %s, want expired", y.Number, got.State)
		}
	}
}

func TestEmptyQueueChangesNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	before, _ := f.e.Events(ctx, 0, 0)
	_, err := f.e.CallNext(ctx, "q1", official)
	if !errors.Is(err, ErrQueueEmpty) {
		t.Fatalf("got %v, want ErrQueueEmpty", err)
	}
	if e, ok := apperr.As(err); !ok || e.Title != "Không còn công dân chờ" {
		t.Errorf("title: got %v", err)
	}
	after, _ := f.e.Events(ctx, 0, 0)
	cs, _ := f.e.Counter(ctx, "q1")
	if len(after) != len(before) || cs.State != "closed" {
		t.Errorf("empty call changed state: events %d→%d, counter %s", len(before), len(after), cs.State)
	}
}

func TestConcurrentCallsNeverShareATicket(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, func(c *config.Config) {
		for i := range c.Counters {
			c.Counters[i].Services = []string{"a", "b", "c"}
		}
	})
	const n = 300
	for i := range n {
		f.issue(t, []string{"a", "b", "c"}[i%3], "")
	}
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for _, c := range []string{"q1", "q2", "q3", "q4"} {
		wg.Go(func() {
			for {
				tk, err := f.e.CallNext(ctx, c, official)
				if errors.Is(err, ErrQueueEmpty) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if other, dup := seen[tk.ID]; dup {
					t.Errorf("ticket %s called at %s and %s", tk.Number, other, c)
				}
				seen[tk.ID] = c
				mu.Unlock()
				if _, err := f.e.Finish(ctx, c, official); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("called %d tickets, want %d", len(seen), n)
	}
}

func TestHoldAndOutOfOrder(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	a1 := f.issue(t, "a", "")
	a2 := f.issue(t, "a", "")
	a3 := f.issue(t, "a", "")
	mustCall(t, f, "q1")
	if _, err := f.e.Hold(ctx, "q1", official); err != nil {
		t.Fatal(err)
	}
	if n := mustCall(t, f, "q1"); n != a2.Number {
		t.Fatalf("after hold called %s, want %s", n, a2.Number)
	}
	if _, err := f.e.Call(ctx, "q1", a1.ID, official); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("call back while busy: got %v, want conflict", err)
	}
	f.e.Finish(ctx, "q1", official)
	if _, err := f.e.Call(ctx, "q2", a1.ID, official); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("other counter calls a held ticket: got %v, want conflict", err)
	}
	tk, err := f.e.Call(ctx, "q1", a1.ID, official)
	if err != nil || tk.State != Called {
		t.Fatalf("call back from hold: %v %s", err, tk.State)
	}
	f.e.Finish(ctx, "q1", official)
	if _, err := f.e.Call(ctx, "q2", a3.ID, official); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("out of order without permission: got %v, want forbidden", err)
	}
	if _, err := f.e.Call(ctx, "q3", a3.ID, Actor{Name: "gs", OutOfOrder: true}); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("out of order at a counter without the service: got %v, want conflict", err)
	}
	if tk, err := f.e.Call(ctx, "q2", a3.ID, Actor{Name: "gs", OutOfOrder: true}); err != nil || tk.Number != a3.Number {
		t.Errorf("supervisor calls out of order: %v", err)
	}
	if _, err := f.e.Call(ctx, "q1", a3.ID, Actor{Name: "gs", OutOfOrder: true}); err == nil {
		t.Error("a ticket called at q2 was called again at q1")
	} else if e, _ := apperr.As(err); e.Title != "Vé 1003 đã được gọi ở quầy 2" {
		t.Errorf("title: got %q", e.Title)
	}
}

func TestNumbering(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.Services[0].NumberTo = 1003 })
	var got []string
	for range 3 {
		got = append(got, f.issue(t, "a", "").Number)
	}
	for range 2 {
		got = append(got, f.issue(t, "b", "").Number)
	}
	if want := []string{"1001", "1002", "1003", "B001", "B002"}; !slices.Equal(got, want) {
		t.Errorf("numbers: got %v, want %v", got, want)
	}
	_, err := f.e.Issue(context.Background(), IssueRequest{Service: "a"})
	if apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("block exhausted: got %v, want conflict", err)
	}
	// the failed issue took no number: the sequence is still at 3
	var last int
	f.db.R.QueryRow("SELECT last FROM sequences WHERE service = 'a'").Scan(&last)
	if last != 3 {
		t.Errorf("sequence after refused issue: got %d, want 3", last)
	}
}

func TestBadIssue(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.Services[1].Closed = true })
	tests := []struct {
		name string
		req  IssueRequest
		code apperr.Code
	}{
		{"unknown service", IssueRequest{Service: "zz"}, apperr.NotFound},
		{"closed service", IssueRequest{Service: "b"}, apperr.Conflict},
		{"unknown priority", IssueRequest{Service: "a", Priority: "vip"}, apperr.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.e.Issue(context.Background(), tt.req); apperr.CodeOf(err) != tt.code {
				t.Errorf("got %v, want %s", err, tt.code)
			}
		})
	}
	evs, _ := f.e.Events(context.Background(), 0, 0)
	if len(evs) != 0 {
		t.Errorf("refused issues wrote %d events", len(evs))
	}
}

func TestClosedCenter(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.Center.Hours = "07:30-17:00" })
	f.clock.Set(time.Date(2026, 3, 9, 17, 30, 0, 0, clock.Local))
	if _, err := f.e.Issue(context.Background(), IssueRequest{Service: "a"}); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("after hours: got %v, want conflict", err)
	}
	f.clock.Set(time.Date(2026, 3, 9, 7, 30, 0, 0, clock.Local))
	f.issue(t, "a", "")
}

func TestEventChain(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	f.issue(t, "a", "")
	f.issue(t, "b", "")
	f.callAndFinish(t, "q1")
	n, err := Verify(ctx, f.db.R)
	if err != nil || n != 5 { // issued ×2, opened, called, finished
		t.Fatalf("verify: %d events, %v; want 5, nil", n, err)
	}
	evs, _ := f.e.Events(ctx, 0, 0)
	types := []string{}
	for _, e := range evs {
		types = append(types, e.Type)
	}
	if want := []string{EvIssued, EvIssued, EvOpened, EvCalled, EvFinished}; !slices.Equal(types, want) {
		t.Errorf("events: got %v, want %v", types, want)
	}
	tamper := []struct {
		name, sql string
		at        int64
	}{
		{"edited", "UPDATE events SET actor = 'someone else' WHERE id = 4", 4},
		{"deleted", "DELETE FROM events WHERE id = 2", 3},
	}
	for _, tt := range tamper {
		t.Run(tt.name, func(t *testing.T) {
			g := newFixture(t, nil)
			g.issue(t, "a", "")
			g.issue(t, "b", "")
			g.callAndFinish(t, "q1")
			if _, err := g.db.W.Exec(tt.sql); err != nil {
				t.Fatal(err)
			}
			_, err := Verify(ctx, g.db.R)
			var ce *ChainError
			if !errors.As(err, &ce) || ce.ID != tt.at {
				t.Errorf("got %v, want a chain error at event %d", err, tt.at)
			}
		})
	}
}

func TestSubscribeSeesCommittedEvents(t *testing.T) {
	f := newFixture(t, nil)
	ch, stop := f.e.Subscribe("test", 16)
	defer stop()
	tk := f.issue(t, "a", "")
	select {
	case ev := <-ch:
		if ev.Type != EvIssued || ev.T == nil || ev.T.Number != tk.Number {
			t.Errorf("got %s %+v", ev.Type, ev.T)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
}

func TestPauseAndClose(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	f.issue(t, "a", "")
	if _, err := f.e.SetCounterState(ctx, "q1", "paused", "", official); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("pause without reason: got %v", err)
	}
	if _, err := f.e.SetCounterState(ctx, "q1", "paused", "Họp giao ban", official); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.CallNext(ctx, "q1", official); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("call while paused: got %v, want conflict", err)
	}
	f.e.SetCounterState(ctx, "q1", "open", "", official)
	mustCall(t, f, "q1")
	if _, err := f.e.SetCounterState(ctx, "q1", "closed", "", official); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("close with a ticket at the counter: got %v, want conflict", err)
	}
}

func TestPanicInOperationRollsBackOnlyThatOperation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	_, err := f.e.do(ctx, func(t *txn) (any, error) {
		if _, err := t.exec("INSERT INTO sequences (service, day, last) VALUES ('a', '2026-03-09', 41)"); err != nil {
			return nil, err
		}
		var tk *Ticket
		return tk.Number, nil // a bug: nil dereference
	})
	if apperr.CodeOf(err) != apperr.Internal {
		t.Fatalf("got %v, want an internal error", err)
	}
	// the half-done write was rolled back and the engine still works
	if n := f.issue(t, "a", ""); n.Number != "1001" {
		t.Errorf("after the panic: got %s, want 1001", n.Number)
	}
}
