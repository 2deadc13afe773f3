package config

import (
	"fmt"
	"strconv"
	"time"
)

// hours are opening hours within one day, as minutes since midnight: open at
// from, closed from to on.
type hours struct {
	from, to int
}

// parseHours reads "HH:MM-HH:MM", e.g. "07:30-17:00". The end may be "24:00".
func parseHours(s string) (hours, error) {
	bad := fmt.Errorf("hours %q must be \"HH:MM-HH:MM\" with the opening before the closing, e.g. \"07:30-17:00\"", s)
	if len(s) != len("07:30-17:00") || s[5] != '-' {
		return hours{}, bad
	}
	from, ok1 := clockMinutes(s[:5])
	to, ok2 := clockMinutes(s[6:])
	if !ok1 || !ok2 || from >= to || from == 24*60 {
		return hours{}, bad
	}
	return hours{from, to}, nil
}

// clockMinutes reads "HH:MM" (00:00 to 24:00) as minutes since midnight.
func clockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' || !digits(s[:2]) || !digits(s[3:]) {
		return 0, false
	}
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[3:])
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// contains reports whether the minute m (since midnight) is within the hours.
func (h hours) contains(m int) bool {
	return h.from <= m && m < h.to
}

// OpenAt reports whether the center is open at the given local minute of a
// day (0 for 00:00, 450 for 07:30): always when Hours is empty. Validate
// rejects a malformed Hours; should one get here anyway it counts as always
// open, since turning citizens away is worse than staying open. Working days
// and holidays are the calendar's business, not this.
func (c Center) OpenAt(minutesSinceMidnight int) bool {
	if c.Hours == "" {
		return true
	}
	h, err := parseHours(c.Hours)
	if err != nil {
		return true
	}
	return h.contains(minutesSinceMidnight)
}

// NextOpening returns when the center next opens after t (in loc): later
// today if it has not opened yet, else the next Monday-to-Friday morning.
// Holidays are the calendar's business; ok is false when Hours is empty
// (always open).
func (c Center) NextOpening(t time.Time, loc *time.Location) (next time.Time, ok bool) {
	h, err := parseHours(c.Hours)
	if c.Hours == "" || err != nil {
		return time.Time{}, false
	}
	l := t.In(loc)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	for i := 0; i < 8; i++ {
		d := day.AddDate(0, 0, i)
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		open := d.Add(time.Duration(h.from) * time.Minute)
		if open.After(l) {
			return open, true
		}
	}
	return time.Time{}, false
}
