package queue

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/server/config"
)

// TestEstimateStates checks the estimate on crafted states of the default
// test center: q1, q2 serve a; q3, the Quầy Tổng hợp, serves b and c; q4
// serves c. Configured service time 300 s everywhere.
func TestEstimateStates(t *testing.T) {
	f := newFixture(t, nil)
	now := f.clock.Now()
	day := dayOf(f)
	type busy struct {
		counter, service string
		ago              time.Duration
	}
	tests := []struct {
		name    string
		service string
		ahead   int
		open    []string
		waiting map[string]int     // other services' queues
		means   map[string]float64 // today's means (0: fewer than 3 served)
		meanDay string             // "" for today
		busy    []busy
		want    int
	}{
		{name: "nobody open: one counter assumed", service: "a", ahead: 3, want: 900},
		{name: "quiet morning: configured time", service: "a", ahead: 4, open: []string{"q1", "q2"},
			means: map[string]float64{"a": 0}, want: 600},
		{name: "yesterday's mean is not used", service: "a", ahead: 4, open: []string{"q1", "q2"},
			means: map[string]float64{"a": 420}, meanDay: "2026-03-08", want: 600},
		{name: "one open counter", service: "a", ahead: 3, open: []string{"q1"},
			means: map[string]float64{"a": 420}, want: 1260},
		{name: "two open counters", service: "a", ahead: 3, open: []string{"q1", "q2"},
			means: map[string]float64{"a": 420}, want: 630},
		{name: "paused counter does not count", service: "a", ahead: 3, open: []string{"q2"},
			means: map[string]float64{"a": 420}, want: 1260},
		{name: "nobody ahead, counter idle", service: "a", open: []string{"q1"}, want: 0},
		{name: "nobody ahead, counter busy 100 s", service: "a", open: []string{"q1"},
			means: map[string]float64{"a": 420}, busy: []busy{{"q1", "a", 100 * time.Second}}, want: 320},
		{name: "current service past its mean", service: "a", open: []string{"q1"},
			means: map[string]float64{"a": 420}, busy: []busy{{"q1", "a", 600 * time.Second}}, want: 126},
		{name: "one busy one idle", service: "a", ahead: 1, open: []string{"q1", "q2"},
			busy: []busy{{"q1", "a", 0}}, want: 300},
		// free at 100 s and 300 s, 300 s of work: the fluid level is 350 s
		// (the discrete answer is 300 s, the mean of the orders 300 and 400)
		{name: "both busy", service: "a", ahead: 1, open: []string{"q1", "q2"},
			busy: []busy{{"q1", "a", 200 * time.Second}, {"q2", "a", 0}}, want: 350},
		{name: "Quầy Tổng hợp alone serves the other queue first", service: "c", ahead: 1, open: []string{"q3"},
			waiting: map[string]int{"b": 2}, want: 900},
		{name: "Quầy Tổng hợp, nothing else waiting", service: "b", ahead: 2, open: []string{"q3", "q4"},
			waiting: map[string]int{"c": 0}, want: 600},
		{name: "Quầy Tổng hợp busy with b, q4 does c alone", service: "c", ahead: 2, open: []string{"q3", "q4"},
			waiting: map[string]int{"b": 4}, want: 600},
		{name: "Quầy Tổng hợp joins when q4's queue is long", service: "c", ahead: 4, open: []string{"q3", "q4"},
			waiting: map[string]int{"b": 1}, want: 750},
		{name: "b's queue ahead of c's shared by q3 and q4", service: "b", ahead: 1, open: []string{"q3", "q4"},
			waiting: map[string]int{"c": 2}, want: 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := f.e
			e.waitMu.Lock()
			e.waitDay, e.waiting = day, map[string]int{}
			for s, n := range tt.waiting {
				e.waiting[s] = n
			}
			e.waiting[tt.service] = tt.ahead
			e.openCounters = map[string]bool{}
			for _, c := range tt.open {
				e.openCounters[c] = true
			}
			e.meanDay, e.meanSvc = day, map[string]float64{}
			if tt.meanDay != "" {
				e.meanDay = tt.meanDay
			}
			for s, m := range tt.means {
				e.meanSvc[s] = m
			}
			e.busy = map[string]busyState{}
			for _, b := range tt.busy {
				e.busy[b.counter] = busyState{service: b.service, since: now.Add(-b.ago)}
			}
			e.waitMu.Unlock()
			if got := e.estimateAt(tt.service, tt.ahead, now); got != tt.want {
				t.Errorf("estimate: got %d s, want %d s", got, tt.want)
			}
		})
	}
}

// TestEstimateStored checks that the estimate a ticket was given is the
// one stored with it, also when a retry replays the issue later.
func TestEstimateStored(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	for range 3 {
		f.issue(t, "a", "")
	}
	is, err := f.e.Issue(ctx, IssueRequest{Service: "a", Key: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	var stored, ahead int
	if err := f.db.R.QueryRow("SELECT estimated_wait_s, ahead_at_issue FROM tickets WHERE id = ?", is.Ticket.ID).Scan(&stored, &ahead); err != nil {
		t.Fatal(err)
	}
	if is.EstimatedWaitS != 900 || stored != is.EstimatedWaitS || ahead != 3 {
		t.Errorf("estimate %d, stored %d, ahead %d; want 900, 900, 3", is.EstimatedWaitS, stored, ahead)
	}
	mustCall(t, f, "q1")
	f.clock.Advance(5 * time.Minute)
	again, err := f.e.Issue(ctx, IssueRequest{Service: "a", Key: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Replayed || again.EstimatedWaitS != stored || again.WaitingAhead != 2 {
		t.Errorf("replay: replayed %v, estimate %d, ahead %d; want true, %d, 2", again.Replayed, again.EstimatedWaitS, again.WaitingAhead, stored)
	}
	// the first call counts, not a later one after a hold
	f.e.Finish(ctx, "q1", official)
	f.clock.Advance(time.Minute)
	mustCall(t, f, "q1") // the second ticket
	f.e.Finish(ctx, "q1", official)
	mustCall(t, f, "q1") // the third
	f.e.Finish(ctx, "q1", official)
	f.clock.Advance(time.Minute)
	if _, err := f.e.CallNext(ctx, "q1", official); err != nil { // ours, 7 min after issue
		t.Fatal(err)
	}
	if _, err := f.e.Hold(ctx, "q1", official); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(10 * time.Minute)
	if _, err := f.e.Call(ctx, "q1", is.Ticket.ID, official); err != nil {
		t.Fatal(err)
	}
	st, err := f.e.EstimateAccuracy(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	// waits 0, 360, 360, 420 s (its first call); estimates 0, 300, 600,
	// 900 s, the naive ones too (nobody open, no service finished)
	if st.Count != 4 || st.MeanWaitS != 285 || st.MAES != 195 || st.BiasS != 165 || st.NaiveMAES != 195 {
		t.Errorf("accuracy: %+v", st)
	}
	if _, err := f.e.EstimateAccuracy(ctx, "09/03/2026"); err == nil {
		t.Error("a bad day was accepted")
	}
}

// TestEstimateAccuracySimulatedDay runs days at a center, 07:30–17:00,
// event by event on the fake clock, and compares the engine's estimates
// with the naive "people ahead × configured average service time", both
// against the actual waits (first call − issue).
//
// Counters: q1, q2 serve a (q2 has lunch 11:30–13:30); q3, the Quầy Tổng
// hợp, serves b and c; q4 serves c. Arrivals are Poisson, busier 8–10 and
// 14–15, none after 16:30. Service times are log-normal (σ 0.5) with true
// means a 7, b 6, c 8 minutes; every service is configured at 5 minutes.
// One day is a few hundred tickets, too few for a stable mean error, so
// the test runs a working week (five seeded days) and reports each day.
func TestEstimateAccuracySimulatedDay(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, func(c *config.Config) {
		c.Center.Hours = "07:30-17:00"
		for i := range c.Services {
			c.Services[i].AvgServiceS = 300
		}
	})
	var all simResult
	for d := range 5 {
		day := t0.AddDate(0, 0, d)
		r := simulateDay(t, f, rand.New(rand.NewPCG(2026, uint64(d))), day)
		st, err := f.e.EstimateAccuracy(ctx, clockDay(day))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d tickets, mean wait %.0f s; MAE engine %.0f s, naive %.0f s; bias %+.0f s",
			st.Day, st.Count, st.MeanWaitS, st.MAES, st.NaiveMAES, st.BiasS)
		m := r.stats()
		if st.Count != m.Count || math.Abs(st.MAES-m.MAES) > 1 || math.Abs(st.NaiveMAES-m.NaiveMAES) > 1 || math.Abs(st.BiasS-m.BiasS) > 1 {
			t.Errorf("EstimateAccuracy %+v disagrees with the simulation %+v", st, m)
		}
		all = append(all, r...)
	}
	m := all.stats()
	t.Logf("week: %d tickets, mean wait %.0f s (%.1f min); MAE engine %.0f s (%.1f min), naive %.0f s (%.1f min); engine bias %+.0f s",
		m.Count, m.MeanWaitS, m.MeanWaitS/60, m.MAES, m.MAES/60, m.NaiveMAES, m.NaiveMAES/60, m.BiasS)
	for _, s := range []string{"a", "b", "c"} {
		var r simResult
		for _, x := range all {
			if x.service == s {
				r = append(r, x)
			}
		}
		m := r.stats()
		t.Logf("  service %s: %d tickets, mean wait %.0f s; MAE engine %.0f s, naive %.0f s; bias %+.0f s", s, m.Count, m.MeanWaitS, m.MAES, m.NaiveMAES, m.BiasS)
	}
	if m.MAES > 0.75*m.NaiveMAES {
		t.Errorf("the engine's estimate (MAE %.0f s) is not clearly better than the naive one (MAE %.0f s)", m.MAES, m.NaiveMAES)
	}
}

type simTicket struct {
	service            string
	est, naive, actual float64
}

type simResult []simTicket

func (r simResult) stats() EstimateStats {
	var st EstimateStats
	for _, x := range r {
		st.Count++
		st.MAES += math.Abs(x.est - x.actual)
		st.NaiveMAES += math.Abs(x.naive - x.actual)
		st.BiasS += x.est - x.actual
		st.MeanWaitS += x.actual
	}
	if n := float64(st.Count); n > 0 {
		st.MAES, st.NaiveMAES, st.BiasS, st.MeanWaitS = st.MAES/n, st.NaiveMAES/n, st.BiasS/n, st.MeanWaitS/n
	}
	return st
}

// simulateDay drives the engine through one day, from 07:30 on day until
// the last citizen was served.
func simulateDay(t *testing.T, f *fixture, rng *rand.Rand, day time.Time) simResult {
	t.Helper()
	ctx := context.Background()
	at := func(h, m int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, day.Location())
	}
	trueMean := map[string]float64{"a": 420, "b": 360, "c": 480}
	serviceTime := func(s string) time.Duration {
		const sigma = 0.5
		mu := math.Log(trueMean[s]) - sigma*sigma/2
		return time.Duration(math.Exp(mu+sigma*rng.NormFloat64()) * float64(time.Second))
	}

	// arrivals per hour by period and service
	type period struct {
		from, to time.Time
		rate     map[string]float64
	}
	high := map[string]float64{"a": 16, "b": 6, "c": 8}
	mid := map[string]float64{"a": 10, "b": 3, "c": 4}
	low := map[string]float64{"a": 5, "b": 2, "c": 2}
	periods := []period{
		{at(7, 30), at(8, 0), mid}, {at(8, 0), at(10, 0), high}, {at(10, 0), at(11, 30), mid},
		{at(11, 30), at(13, 30), low}, {at(13, 30), at(14, 0), mid}, {at(14, 0), at(15, 0), high},
		{at(15, 0), at(16, 30), mid},
	}
	type arrival struct {
		at      time.Time
		service string
	}
	var arrivals []arrival
	for _, p := range periods {
		for _, s := range []string{"a", "b", "c"} {
			for x := p.from; ; {
				x = x.Add(time.Duration(rng.ExpFloat64() / p.rate[s] * float64(time.Hour)))
				if !x.Before(p.to) {
					break
				}
				arrivals = append(arrivals, arrival{x.Truncate(time.Second), s})
			}
		}
	}
	slices.SortStableFunc(arrivals, func(x, y arrival) int { return x.at.Compare(y.at) })

	counters := []string{"q1", "q2", "q3", "q4"}
	serves := map[string][]string{"q1": {"a"}, "q2": {"a"}, "q3": {"b", "c"}, "q4": {"c"}}
	busyUntil := map[string]time.Time{} // absent: idle
	paused := map[string]bool{}
	lunchFrom, lunchTo := at(11, 30), at(13, 30)
	lunchPending, lunchDone := false, false

	type issued struct {
		at         time.Time
		est, naive int
		service    string
	}
	tickets := map[int64]*issued{}
	actual := map[int64]float64{}

	f.clock.Set(at(7, 30))
	for _, c := range counters {
		if _, err := f.e.SetCounterState(ctx, c, "open", "", official); err != nil {
			t.Fatal(err)
		}
	}
	tryCall := func(c string) bool {
		tk, err := f.e.CallNext(ctx, c, official)
		if errors.Is(err, ErrQueueEmpty) {
			return false
		}
		if err != nil {
			t.Fatalf("call next at %s: %v", c, err)
		}
		now := f.clock.Now()
		if _, err := f.e.Start(ctx, c, official); err != nil {
			t.Fatal(err)
		}
		busyUntil[c] = now.Add(serviceTime(tk.Service))
		actual[tk.ID] = now.Sub(tickets[tk.ID].at).Seconds()
		return true
	}
	pauseQ2 := func() {
		if _, err := f.e.SetCounterState(ctx, "q2", "paused", "Nghỉ trưa", official); err != nil {
			t.Fatal(err)
		}
		paused["q2"], lunchPending = true, false
	}

	next := 0
	for {
		// the next event: a finish, the lunch break, an arrival
		var when time.Time
		kind, who := "", ""
		consider := func(t time.Time, k, w string) {
			if kind == "" || t.Before(when) {
				when, kind, who = t, k, w
			}
		}
		for _, c := range counters {
			if u, ok := busyUntil[c]; ok {
				consider(u, "finish", c)
			}
		}
		if !lunchDone && !paused["q2"] && !lunchPending {
			consider(lunchFrom, "lunch", "q2")
		}
		if paused["q2"] {
			consider(lunchTo, "back", "q2")
		}
		if next < len(arrivals) {
			consider(arrivals[next].at, "arrival", arrivals[next].service)
		}
		if kind == "" {
			break
		}
		f.clock.Set(when)
		switch kind {
		case "finish":
			if _, err := f.e.Finish(ctx, who, official); err != nil {
				t.Fatal(err)
			}
			delete(busyUntil, who)
			if who == "q2" && lunchPending {
				pauseQ2()
			} else {
				tryCall(who)
			}
		case "lunch":
			if _, busy := busyUntil["q2"]; busy {
				lunchPending = true
			} else {
				pauseQ2()
			}
		case "back":
			if _, err := f.e.SetCounterState(ctx, "q2", "open", "", official); err != nil {
				t.Fatal(err)
			}
			paused["q2"], lunchDone = false, true
			tryCall("q2")
		case "arrival":
			next++
			is, err := f.e.Issue(ctx, IssueRequest{Service: who})
			if err != nil {
				t.Fatal(err)
			}
			tickets[is.Ticket.ID] = &issued{at: when, est: is.EstimatedWaitS, naive: is.WaitingAhead * 300, service: who}
			for _, c := range counters {
				if _, busy := busyUntil[c]; !busy && !paused[c] && contains(serves[c], who) && tryCall(c) {
					break
				}
			}
		}
	}
	if len(actual) != len(tickets) {
		t.Fatalf("%d tickets issued, %d called", len(tickets), len(actual))
	}
	for _, c := range counters { // the day is over
		if _, err := f.e.SetCounterState(ctx, c, "closed", "", official); err != nil {
			t.Fatal(err)
		}
	}
	var r simResult
	for id, tk := range tickets {
		r = append(r, simTicket{service: tk.service, est: float64(tk.est), naive: float64(tk.naive), actual: actual[id]})
	}
	return r
}
