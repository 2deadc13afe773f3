package server

import (
	"sync"
	"time"

	"github.com/motcua/motcua/server/clock"
)

// limiter counts failed sign-ins per key (an address, a username): after
// maxFails within window the key is blocked until the window passes.
type limiter struct {
	mu    sync.Mutex
	clock clock.Clock
	fails map[string][]time.Time
}

const (
	maxFails    = 8
	limitWindow = 15 * time.Minute
)

func newLimiter(c clock.Clock) *limiter { return &limiter{clock: c, fails: map[string][]time.Time{}} }

func (l *limiter) recent(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > limitWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = ts
	}
	return ts
}

// blocked returns how long the most blocked key must wait, 0 if none is.
func (l *limiter) blocked(keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	var wait time.Duration
	for _, k := range keys {
		if ts := l.recent(k, now); len(ts) >= maxFails {
			if w := limitWindow - now.Sub(ts[len(ts)-maxFails]); w > wait {
				wait = w
			}
		}
	}
	return wait
}

func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	for _, k := range keys {
		l.fails[k] = append(l.recent(k, now), now)
	}
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.fails, key)
	l.mu.Unlock()
}
