package workday

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/motcua/motcua/server/clock"
)

// Date is a civil date in the center's calendar, with no time and no zone.
// The zero Date is not a valid date. Methods accept an out-of-range Date
// (2026-02-30) and treat it as the date it normalises to (2026-03-02).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the date of t in the center's zone (clock.Local).
func DateOf(t time.Time) Date {
	y, m, d := t.In(clock.Local).Date()
	return Date{y, m, d}
}

// ParseDate reads "2026-03-09".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("workday: date %q: want YYYY-MM-DD", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// DMY formats d as "09/03/2026", as tables and forms write it.
func (d Date) DMY() string {
	d = d.norm()
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

// String formats d as "2026-03-09".
func (d Date) String() string {
	d = d.norm()
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// AddDays is the date n calendar days after d (before it when n < 0).
func (d Date) AddDays(n int) Date {
	y, m, dd := time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC).Date()
	return Date{y, m, dd}
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
}

// Compare returns -1, 0 or +1 as d is before, the same as or after e.
func (d Date) Compare(e Date) int {
	return cmp.Compare(d.jdn(), e.jdn())
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// norm is d with its fields brought into range.
func (d Date) norm() Date { return d.AddDays(0) }

func (d Date) jdn() int { return julianDay(d.Year, d.Month, d.Day) }

// midnight is the start of d in the center's zone.
func (d Date) midnight() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, clock.Local)
}

// Override changes the status of one date: an extra day off the Government
// or the province declares (Working false: a swapped day, the exact Tết days,
// a local holiday) or a Saturday or Sunday declared a working day (Working
// true: the day worked in exchange). Overrides win over every rule, so an
// override with Working true also cancels a default holiday the Government
// moved elsewhere.
type Override struct {
	Date    Date
	Working bool
	Reason  string // shown to staff and applicants, e.g. "Nghỉ Tết Nguyên Đán (hoán đổi ngày làm việc)"
}

// Hours are the office hours the appointments are computed on, in minutes
// after local midnight.
type Hours struct {
	Morning   [2]int // start and end of the morning session, e.g. 450, 690 (07:30–11:30)
	Afternoon [2]int // start and end of the afternoon session, e.g. 810, 1020 (13:30–17:00)
	// Cutoff is the time of day after which a dossier counts as received on
	// the next working day, e.g. 900 (15:00); at most Afternoon[1]. Only
	// periods in days use it.
	Cutoff int
}

// DefaultHours are 07:30–11:30 and 13:30–17:00 with the cut-off at 15:00.
func DefaultHours() Hours {
	return Hours{Morning: [2]int{450, 690}, Afternoon: [2]int{810, 1020}, Cutoff: 900}
}

// Validate reports whether h can be used: both sessions non-empty, the
// morning before the afternoon, everything within the day, and the cut-off
// no later than the end of the afternoon (a dossier received after closing
// always counts from the next working day).
func (h Hours) Validate() error {
	m, a := h.Morning, h.Afternoon
	switch {
	case m[0] < 0 || m[0] >= m[1]:
		return fmt.Errorf("workday: morning session %d–%d minutes: start must be before end", m[0], m[1])
	case m[1] > a[0]:
		return fmt.Errorf("workday: afternoon session starts at minute %d, before the morning ends at %d", a[0], m[1])
	case a[0] >= a[1] || a[1] > 24*60:
		return fmt.Errorf("workday: afternoon session %d–%d minutes: start must be before end, end at most 1440", a[0], a[1])
	case h.Cutoff < 0 || h.Cutoff > a[1]:
		return fmt.Errorf("workday: cut-off at minute %d: must be at most the afternoon's end, %d", h.Cutoff, a[1])
	}
	return nil
}

func (h Hours) sessions() [2][2]time.Duration {
	return [2][2]time.Duration{
		{time.Duration(h.Morning[0]) * time.Minute, time.Duration(h.Morning[1]) * time.Minute},
		{time.Duration(h.Afternoon[0]) * time.Minute, time.Duration(h.Afternoon[1]) * time.Minute},
	}
}

// Day is one date of the calendar with its status.
type Day struct {
	Date    Date
	Working bool
	Reason  string
}

// The reasons the calendar gives, as written on Vietnamese calendars and
// notices.
const (
	ReasonSaturday     = "Thứ Bảy"
	ReasonSunday       = "Chủ nhật"
	ReasonNewYear      = "Tết Dương lịch"
	ReasonTet          = "Tết Nguyên Đán"
	ReasonHungKings    = "Giỗ Tổ Hùng Vương"
	ReasonVictory      = "Ngày Chiến thắng"
	ReasonLabour       = "Ngày Quốc tế Lao động"
	ReasonNational     = "Quốc khánh"
	ReasonCompensatory = "Nghỉ bù" // followed by the holiday: "Nghỉ bù Quốc khánh"

	reasonOverrideOff  = "Ngày nghỉ"
	reasonOverrideWork = "Ngày làm việc"
)

// Calendar tells working days from days off: Monday to Friday work, the
// public holidays of the Labour Code and their compensatory days off are
// computed, and overrides win over both. A Calendar is safe for concurrent
// use.
type Calendar struct {
	overrides map[Date]Override
	hours     Hours

	mu    sync.Mutex
	years map[int]map[Date]string // computed holidays and compensatory days, by year
}

// New returns a calendar with the given overrides (a later override of the
// same date wins) and office hours. The zero Hours means DefaultHours. New
// panics when h is not valid: check configuration with Hours.Validate.
func New(overrides []Override, h Hours) *Calendar {
	if h == (Hours{}) {
		h = DefaultHours()
	}
	if err := h.Validate(); err != nil {
		panic(err)
	}
	c := &Calendar{
		overrides: make(map[Date]Override, len(overrides)),
		hours:     h,
		years:     make(map[int]map[Date]string),
	}
	for _, o := range overrides {
		o.Date = o.Date.norm()
		if o.Reason == "" {
			o.Reason = reasonOverrideOff
			if o.Working {
				o.Reason = reasonOverrideWork
			}
		}
		c.overrides[o.Date] = o
	}
	return c
}

// Hours are the office hours the calendar was built with.
func (c *Calendar) Hours() Hours { return c.hours }

// Working reports whether d is a working day. The reason is the override's
// when an override decides, otherwise "" for a working day and, for a day
// off, the holiday ("Quốc khánh"), the compensatory day ("Nghỉ bù Quốc
// khánh") or the weekend ("Thứ Bảy", "Chủ nhật"). A holiday on a weekend
// gives the holiday's name.
func (c *Calendar) Working(d Date) (bool, string) {
	d = d.norm()
	if o, ok := c.overrides[d]; ok {
		return o.Working, o.Reason
	}
	if r, ok := c.holidays(d.Year)[d]; ok {
		return false, r
	}
	switch d.Weekday() {
	case time.Saturday:
		return false, ReasonSaturday
	case time.Sunday:
		return false, ReasonSunday
	}
	return true, ""
}

func (c *Calendar) isWorking(d Date) bool {
	w, _ := c.Working(d)
	return w
}

// Year lists the days of year y that differ from a plain week: the public
// holidays (also those on a weekend), the compensatory days off and every
// override, in date order. Saturdays and Sundays that are only weekends are
// not listed.
func (c *Calendar) Year(y int) []Day {
	var days []Day
	for d, r := range c.holidays(y) {
		if _, ok := c.overrides[d]; !ok {
			days = append(days, Day{Date: d, Reason: r})
		}
	}
	for d, o := range c.overrides {
		if d.Year == y {
			days = append(days, Day{Date: d, Working: o.Working, Reason: o.Reason})
		}
	}
	slices.SortFunc(days, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return days
}

// holidays are the computed days off of year y (holidays and compensatory
// days, before overrides), computed once per year.
func (c *Calendar) holidays(y int) map[Date]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.years[y]
	if !ok {
		h = defaultHolidays(y)
		c.years[y] = h
	}
	return h
}

// defaultHolidays computes the public holidays of year y under Labour Code
// 2019 Art. 112 and the compensatory days off for those on a weekend.
func defaultHolidays(y int) map[Date]string {
	type holiday struct {
		d Date
		r string
	}
	var hs []holiday
	add := func(d Date, r string) { hs = append(hs, holiday{d.norm(), r}) }

	add(Date{y, time.January, 1}, ReasonNewYear)
	// Tết: the last day of the old lunar year and Mùng 1–4. Mùng 1 falls
	// between 21 January and 20 February, so all five days are in year y.
	if ty, tm, td, ok := LunarToSolar(1, 1, y, false); ok {
		first := Date{ty, tm, td}
		for i := -1; i <= 3; i++ {
			add(first.AddDays(i), ReasonTet)
		}
	}
	// 10/3 of the (ordinary, not leap) third lunar month.
	if gy, gm, gd, ok := LunarToSolar(10, 3, y, false); ok {
		add(Date{gy, gm, gd}, ReasonHungKings)
	}
	add(Date{y, time.April, 30}, ReasonVictory)
	add(Date{y, time.May, 1}, ReasonLabour)
	add(Date{y, time.September, 2}, ReasonNational)
	// The "one adjacent day" of Quốc khánh: by default the day after.
	add(Date{y, time.September, 3}, ReasonNational)

	slices.SortStableFunc(hs, func(a, b holiday) int { return a.d.Compare(b.d) })
	out := make(map[Date]string, len(hs)+4)
	for _, h := range hs {
		if r, ok := out[h.d]; ok {
			// Two holidays on one date (Giỗ Tổ can fall on 30/4 or 1/5):
			// one day off, no compensation, the law only compensates
			// holidays on the weekly rest day.
			out[h.d] = r + ", " + h.r
			continue
		}
		out[h.d] = h.r
	}
	// Art. 112(3): a holiday falling on the weekly rest day gives a day off on
	// the next working day; each weekend holiday day gives its own, in order,
	// on the first weekday that is neither a holiday nor already a
	// compensatory day.
	comp := make(map[Date]string)
	for _, h := range slices.CompactFunc(hs, func(a, b holiday) bool { return a.d == b.d }) {
		if wd := h.d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			continue
		}
		d := h.d.AddDays(1)
		for {
			_, hol := out[d]
			_, taken := comp[d]
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && !hol && !taken {
				break
			}
			d = d.AddDays(1)
		}
		comp[d] = ReasonCompensatory + " " + out[h.d]
	}
	for d, r := range comp {
		out[d] = r
	}
	return out
}
