package queue

import "time"

// candidate is a waiting ticket a counter may call.
type candidate struct {
	ID       int64
	Service  string
	Priority string // '' for regular
	QueuedAt time.Time
	Front    bool
}

// policy is what pick needs to know about the center and the counter.
type policy struct {
	Strategy    string             // strict | interleave | aging
	InterleaveN int                // N of interleave N:1
	Weights     map[string]float64 // priority category → aging weight
	Services    []string           // the counter's services, in order
	ListOrder   bool               // serve Services in listed order, not oldest first
}

// before orders tickets by their place in the queue: queued earlier first,
// then the lower id (issued first) — total, so the order is predictable.
func before(a, b candidate) bool {
	if !a.QueuedAt.Equal(b.QueuedAt) {
		return a.QueuedAt.Before(b.QueuedAt)
	}
	return a.ID < b.ID
}

// pick chooses the next ticket for a counter from cands. streak is how many
// priority tickets the counter called in a row (interleave); it returns the
// index chosen (-1 when cands is empty) and the new streak.
//
// Rules, in order:
//  1. a ticket transferred to the front of the queue goes first (earliest
//     transfer first);
//  2. with ListOrder, only the first of the counter's services that has a
//     waiting ticket is considered, with the tickets sent to this counter
//     whose service it does not serve (a transfer or a supervisor's move
//     to the counter; they belong to no listed service and would
//     otherwise never be called);
//  3. the strategy chooses between priority and regular tickets:
//     strict: the oldest priority ticket, else the oldest regular one;
//     interleave N:1: the oldest priority ticket while fewer than N priority
//     tickets were called in a row, then the oldest regular one (if any);
//     aging: the highest score, seconds waited × weight (regular weight 1,
//     a waited second counts at least 1 so fresh tickets still order by
//     weight), ties to the oldest.
func pick(cands []candidate, p policy, streak int, now time.Time) (int, int) {
	if len(cands) == 0 {
		return -1, streak
	}
	best := -1
	for i, c := range cands {
		if c.Front && (best < 0 || before(c, cands[best])) {
			best = i
		}
	}
	if best >= 0 {
		return best, streak // a transfer does not count toward the streak
	}
	pool := cands
	idx := make([]int, 0, len(cands))
	if p.ListOrder {
		for i, c := range cands {
			if !contains(p.Services, c.Service) {
				idx = append(idx, i)
			}
		}
		for _, s := range p.Services {
			n := len(idx)
			for i, c := range cands {
				if c.Service == s {
					idx = append(idx, i)
				}
			}
			if len(idx) > n {
				break
			}
		}
	} else {
		for i := range cands {
			idx = append(idx, i)
		}
	}
	oldest := func(prio bool) int {
		b := -1
		for _, i := range idx {
			c := pool[i]
			if (c.Priority != "") != prio {
				continue
			}
			if b < 0 || before(c, pool[b]) {
				b = i
			}
		}
		return b
	}
	switch p.Strategy {
	case "strict":
		if i := oldest(true); i >= 0 {
			return i, streak + 1
		}
		return oldest(false), 0
	case "aging":
		b, bs := -1, 0.0
		for _, i := range idx {
			c := pool[i]
			w := 1.0
			if c.Priority != "" {
				w = p.Weights[c.Priority]
				if w <= 0 {
					w = 2
				}
			}
			waited := now.Sub(c.QueuedAt).Seconds()
			if waited < 1 {
				waited = 1
			}
			s := waited * w
			if b < 0 || s > bs || (s == bs && before(c, pool[b])) {
				b, bs = i, s
			}
		}
		if b < 0 {
			return -1, streak // unreachable: idx is not empty
		}
		if pool[b].Priority != "" {
			return b, streak + 1
		}
		return b, 0
	default: // interleave
		n := p.InterleaveN
		if n <= 0 {
			n = 1
		}
		pi, ri := oldest(true), oldest(false)
		if pi >= 0 && (streak < n || ri < 0) {
			return pi, streak + 1
		}
		if ri >= 0 {
			return ri, 0
		}
		return pi, streak + 1
	}
}
