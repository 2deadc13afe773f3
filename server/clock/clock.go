// Package clock gives the daemon its notion of time, so tests and the
// simulator can run a day in seconds.
package clock

import (
	"sync"
	"time"
	_ "time/tzdata" // the center's zone must load on a machine without tzdata
)

// Local is Asia/Ho_Chi_Minh, the zone every date motcua shows is in.
var Local = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic("clock: load " + name + ": " + err.Error())
	}
	return l
}

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the real clock.
type System struct{}

// Now returns the current time in UTC.
func (System) Now() time.Time { return time.Now().UTC() }

// Fake is a clock that moves only when told; safe for concurrent use.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

// NewFake returns a fake clock standing at t.
func NewFake(t time.Time) *Fake { return &Fake{t: t.UTC()} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Advance moves the clock forward by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// Set moves the clock to t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.t = t.UTC()
	f.mu.Unlock()
}

// Day is the local calendar day of t in the center's zone, as YYYY-MM-DD.
func Day(t time.Time) string { return t.In(Local).Format("2006-01-02") }
