package queue

import (
	"context"
	"github.com/motcua/motcua/server/config"
	"math/rand/v2"
	"testing"
	"time"
)

// TestWaitingCountsMatchDatabase drives a random mix of operations, some
// of them refused, and checks after each that the waiting counts the
// engine keeps in memory equal a count of the database.
func TestWaitingCountsMatchDatabase(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	services := []string{"a", "b", "c"}
	counters := []string{"q1", "q2", "q3", "q4"}
	for step := range 600 {
		c := counters[rng.IntN(len(counters))]
		switch rng.IntN(9) {
		case 0, 1, 2:
			f.e.Issue(ctx, IssueRequest{Service: services[rng.IntN(3)]})
		case 3:
			f.e.CallNext(ctx, c, official)
		case 4:
			f.e.Finish(ctx, c, official)
		case 5:
			if rng.IntN(2) == 0 {
				f.e.Transfer(ctx, c, TransferTo{Service: services[rng.IntN(3)]}, official)
			} else {
				f.e.Transfer(ctx, c, TransferTo{Counter: counters[rng.IntN(4)]}, official)
			}
		case 6:
			f.e.Hold(ctx, c, official)
		case 7:
			f.e.Recall(ctx, c, official)
		case 8:
			f.e.Call(ctx, c, int64(1+rng.IntN(step+1)), Actor{Name: "gs", OutOfOrder: true})
		}
		if step == 400 { // a new day: everything from before expires
			f.clock.Advance(24 * time.Hour)
		}
		f.clock.Advance(7 * time.Second)
		ss, err := f.e.Services(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			var n int
			f.db.R.QueryRow(`SELECT COUNT(*) FROM tickets WHERE day = ? AND state = 'waiting' AND target_counter = '' AND service = ?`,
				dayOf(f), s.ID).Scan(&n)
			if s.Waiting != n {
				t.Fatalf("step %d: service %s: engine says %d waiting, database %d", step, s.ID, s.Waiting, n)
			}
		}
	}
}

func dayOf(f *fixture) string { return clockDay(f.clock.Now()) }

func TestEstimate(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, func(c *config.Config) { c.Services[0].AvgServiceS = 300 })
	for range 5 {
		f.issue(t, "a", "")
	}
	// 5 waiting, nobody open: 5 × 300 s ÷ 1
	is, err := f.e.Issue(ctx, IssueRequest{Service: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if is.WaitingAhead != 5 || is.EstimatedWaitS != 1500 {
		t.Errorf("before service: ahead %d, estimate %d; want 5, 1500", is.WaitingAhead, is.EstimatedWaitS)
	}
	// q1 and q2 serve three tickets of 120 s each: the mean replaces the default
	for i := range 3 {
		c := []string{"q1", "q2", "q1"}[i]
		mustCall(t, f, c)
		f.e.Start(ctx, c, official)
		f.clock.Advance(120 * time.Second)
		if _, err := f.e.Finish(ctx, c, official); err != nil {
			t.Fatal(err)
		}
	}
	ss, _ := f.e.Services(ctx)
	// 3 waiting × 120 s ÷ 2 open counters
	if ss[0].Waiting != 3 || ss[0].EstimatedWaitS != 180 {
		t.Errorf("after service: waiting %d, estimate %d; want 3, 180", ss[0].Waiting, ss[0].EstimatedWaitS)
	}
}
