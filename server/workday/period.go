package workday

import (
	"time"

	"github.com/motcua/motcua/server/clock"
)

// Unit is what a procedure's processing time is counted in.
type Unit int

const (
	// WorkingDays counts ngày làm việc. (Not named Days/Hours: Hours is the
	// office-hours type.)
	WorkingDays Unit = iota
	// WorkingHours counts giờ làm việc within the office hours.
	WorkingHours
)

// String is the unit as written on the receipt: "ngày làm việc" or "giờ làm
// việc".
func (u Unit) String() string {
	if u == WorkingHours {
		return "giờ làm việc"
	}
	return "ngày làm việc"
}

// Due is when a result is due.
type Due struct {
	Date Date      // the due date, always a working day
	At   time.Time // the due time on Date, within office hours, in clock.Local
	// Skipped are the days off strictly between the day the dossier was
	// received and Date, with their reasons, in date order.
	Skipped []Day
}

// Appointment is when the result of a dossier received at received is due,
// for a processing time of n units (n < 0 counts as 0).
//
// WorkingDays (Civil Code Art. 147–148): the day of receipt is not counted;
// a dossier received after the cut-off (Hours.Cutoff, 15:00 by default) or on
// a day off counts as received on the next working day. Date is the n-th
// working day after that effective day of receipt (for n = 0, the effective
// day itself). Counting working days also gives Art. 148's rule that a
// period ending on a day off ends on the next working day. At is Date at the
// clock time of the receipt, clamped into the office hours: a time in the
// lunch break becomes the end of the morning session, a time after the
// afternoon session its end, and a time before the morning session the end
// of the afternoon session (the end of the office day: a full n days have
// not passed at opening time). The one case that would put At before the
// receipt, n = 0 and a receipt in the lunch break, is due when the afternoon
// session starts.
//
// WorkingHours: n hours counted from the receipt moment itself, within the
// morning and afternoon sessions of working days only; the cut-off does not
// apply (it exists to give a day-counted dossier a whole first day, which
// hour counting does not need). A receipt outside office hours starts
// counting at the next session's start. A count that ends exactly at a
// session's end is due at that end, not at the next session's start. With
// DefaultHours a working day has 7½ hours.
func (c *Calendar) Appointment(received time.Time, n int, u Unit) Due {
	n = max(n, 0)
	t := received.In(clock.Local)
	day := DateOf(t)
	tod := t.Sub(day.midnight())

	var due Due
	if u == WorkingHours {
		due = c.addHours(day, tod, time.Duration(n)*time.Hour)
	} else {
		due = c.addDays(day, tod, n)
	}
	for d := day.AddDays(1); d.Before(due.Date); d = d.AddDays(1) {
		if w, r := c.Working(d); !w {
			due.Skipped = append(due.Skipped, Day{Date: d, Reason: r})
		}
	}
	return due
}

// nextWorking is the first working day after d.
func (c *Calendar) nextWorking(d Date) Date {
	for {
		d = d.AddDays(1)
		if c.isWorking(d) {
			return d
		}
	}
}

func (c *Calendar) addDays(day Date, tod time.Duration, n int) Due {
	d := day
	if !c.isWorking(d) || tod > time.Duration(c.hours.Cutoff)*time.Minute {
		d = c.nextWorking(d)
	}
	for range n {
		d = c.nextWorking(d)
	}
	s := c.hours.sessions()
	at := tod
	switch {
	case at < s[0][0]:
		at = s[1][1]
	case at > s[0][1] && at < s[1][0]:
		at = s[0][1]
	case at > s[1][1]:
		at = s[1][1]
	}
	if d == day && at < tod {
		// Only n = 0 in the lunch break: never due before the receipt.
		at = s[1][0]
	}
	return Due{Date: d, At: d.midnight().Add(at)}
}

func (c *Calendar) addHours(day Date, tod, left time.Duration) Due {
	s := c.hours.sessions()
	for d := day; ; d, tod = d.AddDays(1), 0 {
		if !c.isWorking(d) {
			continue
		}
		for _, ses := range s {
			if tod > ses[1] {
				continue
			}
			from := max(tod, ses[0])
			if left <= ses[1]-from {
				return Due{Date: d, At: d.midnight().Add(from + left)}
			}
			left -= ses[1] - from
			tod = ses[1]
		}
	}
}
