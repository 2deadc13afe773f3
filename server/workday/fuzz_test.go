package workday

import (
	"testing"
	"time"

	"github.com/motcua/motcua/server/clock"
)

var (
	fuzzFrom = time.Date(2000, 1, 1, 0, 0, 0, 0, clock.Local)
	fuzzTo   = time.Date(2101, 1, 1, 0, 0, 0, 0, clock.Local)
)

// fuzzCalendar has overrides of every kind so the properties meet them.
func fuzzCalendar() *Calendar {
	return New([]Override{
		{Date: date(2026, 3, 7), Working: true, Reason: "Làm bù"},
		{Date: date(2026, 3, 20), Reason: "Nghỉ hoán đổi"},
		{Date: date(2026, 2, 20), Working: true, Reason: "Làm việc"},
		{Date: date(2026, 2, 13), Reason: "Nghỉ Tết"},
		{Date: date(2030, 12, 31), Reason: "Nghỉ"},
	}, DefaultHours())
}

// checkAppointment checks the properties every appointment has, and that
// one more unit never makes it earlier.
func checkAppointment(t *testing.T, c *Calendar, received time.Time, n int, u Unit) {
	t.Helper()
	got := c.Appointment(received, n, u)
	if w, r := c.Working(got.Date); !w {
		t.Fatalf("Appointment(%v, %d %v).Date = %v: a day off (%s)", received, n, u, got.Date, r)
	}
	if DateOf(got.At) != got.Date {
		t.Fatalf("Appointment(%v, %d %v): At %v is not on Date %v", received, n, u, got.At, got.Date)
	}
	h := c.Hours()
	m := got.At.Sub(got.Date.midnight())
	in := func(s [2]int) bool {
		return m >= time.Duration(s[0])*time.Minute && m <= time.Duration(s[1])*time.Minute
	}
	if !in(h.Morning) && !in(h.Afternoon) {
		t.Fatalf("Appointment(%v, %d %v).At = %v: outside office hours", received, n, u, got.At)
	}
	if got.At.Before(received) {
		t.Fatalf("Appointment(%v, %d %v).At = %v: before the receipt", received, n, u, got.At)
	}
	day := DateOf(received)
	prev := day
	for _, s := range got.Skipped {
		if w, r := c.Working(s.Date); w || s.Working || r != s.Reason || !s.Date.After(prev) || !s.Date.Before(got.Date) {
			t.Fatalf("Appointment(%v, %d %v): bad skipped day %+v (Working says %v %q)", received, n, u, s, w, r)
		}
		prev = s.Date
	}
	if u == WorkingDays && n > 0 {
		// Exactly n working days after the effective day of receipt.
		count := 0
		for d := got.Date; d.After(day); d = d.AddDays(-1) {
			if c.isWorking(d) {
				count++
			}
		}
		late := received.Sub(day.midnight()) > time.Duration(h.Cutoff)*time.Minute
		if want := n + map[bool]int{true: 1}[late || !c.isWorking(day)]; count != want {
			t.Fatalf("Appointment(%v, %d %v).Date = %v: %d working days after the receipt, want %d", received, n, u, got.Date, count, want)
		}
	}
	next := c.Appointment(received, n+1, u)
	if next.At.Before(got.At) || next.Date.Before(got.Date) {
		t.Fatalf("Appointment(%v, %d %v) = %v but with %d: %v, earlier", received, n, u, got.At, n+1, next.At)
	}
	if u == WorkingHours && next.At.Sub(got.At) < time.Hour {
		t.Fatalf("Appointment(%v, %d %v) = %v, with %d: %v, less than an hour later", received, n, u, got.At, n+1, next.At)
	}
}

func FuzzAppointment(f *testing.F) {
	for _, s := range []struct {
		t     time.Time
		n     uint8
		hours bool
	}{
		{at(2026, 3, 2, 10, 0), 5, false},
		{at(2026, 3, 6, 14, 0), 8, true},
		{at(2026, 2, 13, 15, 30), 3, false},
		{at(2026, 3, 7, 6, 0), 0, false},
		{at(2026, 3, 6, 20, 0), 4, true},
		{at(2023, 4, 28, 11, 45), 60, false},
		{at(2100, 12, 31, 23, 59), 60, true},
		{fuzzFrom, 1, false},
	} {
		f.Add(s.t.Unix(), s.n, s.hours)
	}
	c := fuzzCalendar()
	span := fuzzTo.Unix() - fuzzFrom.Unix()
	f.Fuzz(func(t *testing.T, sec int64, n uint8, hours bool) {
		received := time.Unix(fuzzFrom.Unix()+((sec-fuzzFrom.Unix())%span+span)%span, 0)
		u := WorkingDays
		if hours {
			u = WorkingHours
		}
		checkAppointment(t, c, received, int(n%61), u)
	})
}

// TestAppointmentProperties checks the fuzz properties on a deterministic
// sweep: every 53 minutes of 2023–2024 (Tết and 30/4 on weekends) for a
// few lengths.
func TestAppointmentProperties(t *testing.T) {
	c := fuzzCalendar()
	for r := at(2023, 1, 1, 0, 0); r.Before(at(2025, 1, 1, 0, 0)); r = r.Add(53 * time.Minute) {
		for _, n := range []int{0, 1, 3, 8, 15} {
			checkAppointment(t, c, r, n, WorkingDays)
			checkAppointment(t, c, r, n, WorkingHours)
		}
	}
}
