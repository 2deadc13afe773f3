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

// residualFloor is the least remaining service time of a counter's current
// ticket, as a fraction of the mean: a service that already took longer
// than the mean is not about to end (service times are skewed: a long one
// tends to run longer still).
const residualFloor = 0.3

// busyState is a counter's current ticket, for the estimate.
type busyState struct {
	service string
	since   time.Time
}

// estimate is estimateAt now.
func (e *Engine) estimate(service string, ahead int) int {
	return e.estimateAt(service, ahead, e.clock.Now())
}

// EstimateWait is the expected wait in seconds, now, of a ticket of
// service with ahead people before it (Ahead): what the ticket's own page
// shows as the line moves. An unknown service gives 0. It costs no query.
func (e *Engine) EstimateWait(service string, ahead int) int {
	if _, ok := e.services[service]; !ok || ahead < 0 {
		return 0
	}
	return e.estimate(service, ahead)
}

// estimateAt is the expected wait in seconds, at now, for a new ticket of
// service with ahead people waiting before it. It reads only what the
// writer keeps in memory (waiting counts, open counters, current tickets,
// mean service times), under waitMu: no query, and a cost that grows with
// the number of counters and services, not with the queue.
//
// The model, per service s:
//
//   - m(x), the service time of service x: the mean of today's last 20
//     service times, or the configured AvgServiceS until three were
//     served today (a quiet morning).
//   - Each open counter c serving s is free for s's queue at a time T(c):
//     the rest of its current ticket, max(m − elapsed, 0.3·m) (0 when
//     idle), plus the work of the other services it serves that are
//     waiting now (they were all issued before the new ticket, and the
//     counters call oldest first): for each other service x of c,
//     waiting(x)·m(x) ÷ the open counters serving x. So a Quầy Tổng hợp
//     shares its time between its services by their queues, and a shared
//     counter with a long queue of another service adds little.
//   - The ahead·m(s) seconds of work of s's queue are then poured onto
//     those counters from their T(c) on (water filling): the wait W
//     solves Σ max(0, W − T(c)) = ahead·m(s). With idle dedicated
//     counters this is ahead·m(s) ÷ n; with nobody ahead it is the
//     earliest T(c).
//   - With no counter of s open (before opening, all paused), one counter
//     is assumed: ahead·m(s).
//
// Which counters serve which services is the live routing, so a
// supervisor's rebalancing shows in the estimates at once.
func (e *Engine) estimateAt(service string, ahead int, now time.Time) int {
	return e.estimateWith(e.route(), service, ahead, now)
}

// estimateWith is estimateAt with the routing rt (the writer passes the
// routing of its transaction).
func (e *Engine) estimateWith(rt *routing, service string, ahead int, now time.Time) int {
	day := clock.Day(now)
	e.waitMu.Lock()
	defer e.waitMu.Unlock()
	mean := func(s string) float64 {
		if m := e.meanSvc[s]; m > 0 && e.meanDay == day {
			return m
		}
		return float64(e.services[s].AvgServiceS)
	}
	waiting := func(s string) int {
		if e.waitDay != day {
			return 0
		}
		return e.waiting[s]
	}
	open := func(s string) int {
		n := 0
		for _, c := range rt.servedBy[s] {
			if e.openCounters[c] {
				n++
			}
		}
		return max(n, 1)
	}
	var buf [16]float64
	free := buf[:0]
	for _, c := range rt.servedBy[service] {
		if !e.openCounters[c] {
			continue
		}
		var t float64
		if b, ok := e.busy[c]; ok {
			m := mean(b.service)
			t = max(m-now.Sub(b.since).Seconds(), residualFloor*m)
		}
		for _, x := range rt.services[c] {
			if x == service {
				continue
			}
			if w := waiting(x); w > 0 {
				t += float64(w) * mean(x) / float64(open(x))
			}
		}
		free = append(free, t)
	}
	work := float64(ahead) * mean(service)
	if len(free) == 0 {
		return int(math.Ceil(work))
	}
	return int(math.Ceil(fill(free, work)))
}

// fill is the level W at which work poured onto servers that start at the
// times free is done: Σ max(0, W − free[i]) = work. It sorts free.
func fill(free []float64, work float64) float64 {
	slices.Sort(free)
	sum := 0.0
	for k := range free {
		sum += free[k]
		w := (work + sum) / float64(k+1)
		if k == len(free)-1 || w <= free[k+1] {
			return w
		}
	}
	return 0 // unreachable: free is not empty
}

// refreshStats reloads, after a commit that changed them, the counters'
// states and current tickets, and the mean service time of the services
// whose tickets finished.
func (e *Engine) refreshStats(ctx context.Context, counters bool, finished map[string]bool) {
	open := map[string]bool{}
	busy := map[string]busyState{}
	if counters {
		rows, err := e.db.W.QueryContext(ctx, `SELECT c.id, c.state, t.service, t.called_at FROM counters c
			LEFT JOIN tickets t ON t.id = c.current AND t.state IN ('called','serving')`)
		if err != nil {
			e.log.Warn("counter states", "err", err)
			return
		}
		for rows.Next() {
			var id, state string
			var svc sql.NullString
			var called sql.NullInt64
			if rows.Scan(&id, &state, &svc, &called) != nil {
				continue
			}
			if state == "open" {
				open[id] = true
			}
			if svc.Valid && called.Valid {
				busy[id] = busyState{service: svc.String, since: time.UnixMilli(called.Int64)}
			}
		}
		rows.Close()
	}
	day := clock.Day(e.clock.Now())
	means := map[string]float64{}
	for svc := range finished {
		var n int
		var mean sql.NullFloat64
		if err := e.db.W.QueryRowContext(ctx, `SELECT COUNT(*), AVG(d) / 1000.0 FROM (SELECT finished_at - started_at AS d FROM tickets
			WHERE day = ? AND state = 'done' AND service = ? AND started_at IS NOT NULL ORDER BY finished_at DESC LIMIT 20)`, day, svc).Scan(&n, &mean); err != nil {
			e.log.Warn("mean service time", "err", err)
			continue
		}
		if n >= 3 && mean.Valid {
			means[svc] = mean.Float64
		} else {
			means[svc] = 0
		}
	}
	e.waitMu.Lock()
	defer e.waitMu.Unlock()
	if counters {
		e.openCounters, e.busy = open, busy
	}
	if e.meanDay != day {
		e.meanDay, e.meanSvc = day, map[string]float64{}
	}
	for s, m := range means {
		e.meanSvc[s] = m
	}
}

// EstimateStats measures the wait estimates of one day's tickets against
// their actual waits (first call − issue), over the tickets that were
// called and given an estimate. Errors are estimate − actual, so a
// positive bias means waits were overestimated.
type EstimateStats struct {
	Day   string  `json:"day"`
	Count int     `json:"count"`
	MAES  float64 `json:"mae_s"`  // mean absolute error, seconds
	BiasS float64 `json:"bias_s"` // mean error, seconds
	// NaiveMAES is the mean absolute error the naive estimate, people
	// ahead × the configured average service time, would have made.
	NaiveMAES float64 `json:"naive_mae_s"`
	// MeanWaitS is the mean actual wait, for scale.
	MeanWaitS float64 `json:"mean_wait_s"`
}

// EstimateAccuracy compares the estimates given on day (YYYY-MM-DD, local;
// "" for today) with the actual waits.
func (e *Engine) EstimateAccuracy(ctx context.Context, day string) (EstimateStats, error) {
	if day == "" {
		day = clock.Day(e.clock.Now())
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return EstimateStats{}, apperr.New(apperr.Invalid, "bad-day", "Ngày không hợp lệ (YYYY-MM-DD)", "day %q is not YYYY-MM-DD", day)
	}
	rows, err := e.db.R.QueryContext(ctx, `SELECT issued_service, estimated_wait_s, COALESCE(ahead_at_issue, 0), first_called_at - issued_at
		FROM tickets WHERE day = ? AND estimated_wait_s IS NOT NULL AND first_called_at IS NOT NULL`, day)
	if err != nil {
		return EstimateStats{}, fmt.Errorf("queue: estimate accuracy: %w", err)
	}
	defer rows.Close()
	st := EstimateStats{Day: day}
	var abs, sum, naive, wait float64
	for rows.Next() {
		var svc string
		var est, ahead, waitMs int64
		if err := rows.Scan(&svc, &est, &ahead, &waitMs); err != nil {
			return EstimateStats{}, fmt.Errorf("queue: estimate accuracy: %w", err)
		}
		actual := float64(waitMs) / 1000
		d := float64(est) - actual
		st.Count++
		abs += math.Abs(d)
		sum += d
		naive += math.Abs(float64(ahead)*float64(e.services[svc].AvgServiceS) - actual)
		wait += actual
	}
	if err := rows.Err(); err != nil {
		return EstimateStats{}, fmt.Errorf("queue: estimate accuracy: %w", err)
	}
	if st.Count > 0 {
		n := float64(st.Count)
		st.MAES, st.BiasS, st.NaiveMAES, st.MeanWaitS = abs/n, sum/n, naive/n, wait/n
	}
	return st, nil
}
