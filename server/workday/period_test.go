package workday

import (
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/server/clock"
)

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, clock.Local)
}

func TestAppointment(t *testing.T) {
	eightHourDay := Hours{Morning: [2]int{450, 690}, Afternoon: [2]int{780, 1020}, Cutoff: 900} // 07:30–11:30, 13:00–17:00
	sat0703 := []Override{{Date: date(2026, 3, 7), Working: true, Reason: "Làm bù"}}
	weekend := func(ds ...Date) []Day {
		var out []Day
		for _, d := range ds {
			w, r := New(nil, Hours{}).Working(d)
			out = append(out, Day{Date: d, Working: w, Reason: r})
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		overrides []Override
		hours     Hours
		received  time.Time
		n         int
		unit      Unit
		want      time.Time
		skipped   []Day // nil: not checked
	}{
		{name: "5 days from Monday 10:00", received: at(2026, 3, 2, 10, 0), n: 5, want: at(2026, 3, 9, 10, 0),
			skipped: weekend(date(2026, 3, 7), date(2026, 3, 8))},
		{name: "same moment given in UTC", received: time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC), n: 5, want: at(2026, 3, 9, 10, 0)},
		{name: "Saturday declared a working day", overrides: sat0703, received: at(2026, 3, 6, 10, 0), n: 1, want: at(2026, 3, 7, 10, 0),
			skipped: []Day{}},
		{name: "Saturday not declared", received: at(2026, 3, 6, 10, 0), n: 1, want: at(2026, 3, 9, 10, 0)},
		{name: "supplement restarts a 10-day clock", received: at(2026, 3, 10, 9, 15), n: 10, want: at(2026, 3, 24, 9, 15)},
		{name: "Tết 2026 skipped", received: at(2026, 2, 13, 10, 0), n: 3, want: at(2026, 2, 25, 10, 0),
			skipped: []Day{
				{date(2026, 2, 14), false, "Thứ Bảy"},
				{date(2026, 2, 15), false, "Chủ nhật"},
				{date(2026, 2, 16), false, "Tết Nguyên Đán"},
				{date(2026, 2, 17), false, "Tết Nguyên Đán"},
				{date(2026, 2, 18), false, "Tết Nguyên Đán"},
				{date(2026, 2, 19), false, "Tết Nguyên Đán"},
				{date(2026, 2, 20), false, "Tết Nguyên Đán"},
				{date(2026, 2, 21), false, "Thứ Bảy"},
				{date(2026, 2, 22), false, "Chủ nhật"},
			}},
		{name: "received 15:30 counts from the next working day", received: at(2026, 3, 2, 15, 30), n: 5, want: at(2026, 3, 10, 15, 30)},
		{name: "received 15:00 sharp is on time", received: at(2026, 3, 2, 15, 0), n: 5, want: at(2026, 3, 9, 15, 0)},
		{name: "received 15:00:01 is late", received: at(2026, 3, 2, 15, 0).Add(time.Second), n: 5, want: at(2026, 3, 10, 15, 0).Add(time.Second)},
		{name: "Friday 15:30 counts from Monday", received: at(2026, 3, 6, 15, 30), n: 1, want: at(2026, 3, 10, 15, 30)},
		{name: "received on Saturday counts from Monday", received: at(2026, 3, 7, 9, 0), n: 1, want: at(2026, 3, 10, 9, 0),
			skipped: weekend(date(2026, 3, 8))},
		{name: "0 days after the cut-off", received: at(2026, 3, 6, 16, 0), n: 0, want: at(2026, 3, 9, 16, 0)},
		{name: "0 days in hours", received: at(2026, 3, 4, 10, 0), n: 0, want: at(2026, 3, 4, 10, 0)},
		{name: "negative n counts as 0", received: at(2026, 3, 4, 10, 0), n: -3, want: at(2026, 3, 4, 10, 0)},
		{name: "lunch-break receipt due at the morning's end", received: at(2026, 3, 2, 12, 0), n: 1, want: at(2026, 3, 3, 11, 30)},
		{name: "0 days in the lunch break: the afternoon's start", received: at(2026, 3, 2, 12, 0), n: 0, want: at(2026, 3, 2, 13, 30)},
		{name: "early receipt due at the afternoon's end", received: at(2026, 3, 2, 6, 0), n: 1, want: at(2026, 3, 3, 17, 0)},
		{name: "evening receipt counts from the next day, due at 17:00", received: at(2026, 3, 2, 20, 0), n: 1, want: at(2026, 3, 4, 17, 0)},
		{name: "holiday on Sunday gives a compensatory Monday", received: at(2026, 4, 24, 9, 0), n: 1, want: at(2026, 4, 28, 9, 0),
			skipped: []Day{
				{date(2026, 4, 25), false, "Thứ Bảy"},
				{date(2026, 4, 26), false, "Giỗ Tổ Hùng Vương"},
				{date(2026, 4, 27), false, "Nghỉ bù Giỗ Tổ Hùng Vương"},
			}},
		{name: "across Giỗ Tổ, 30/4 and 1/5", received: at(2026, 4, 24, 9, 0), n: 3, want: at(2026, 5, 4, 9, 0)},

		{name: "8 hours from Friday 14:00 (7½-hour days)", received: at(2026, 3, 6, 14, 0), n: 8, unit: WorkingHours, want: at(2026, 3, 9, 14, 30),
			skipped: weekend(date(2026, 3, 7), date(2026, 3, 8))},
		{name: "8 hours from Friday 14:00 (8-hour days)", hours: eightHourDay, received: at(2026, 3, 6, 14, 0), n: 8, unit: WorkingHours, want: at(2026, 3, 9, 14, 0)},
		{name: "hours ignore the cut-off", received: at(2026, 3, 2, 16, 30), n: 1, unit: WorkingHours, want: at(2026, 3, 3, 8, 0)},
		{name: "hours ending at the day's end stay there", received: at(2026, 3, 2, 16, 0), n: 1, unit: WorkingHours, want: at(2026, 3, 2, 17, 0)},
		{name: "hours from the lunch break", received: at(2026, 3, 2, 12, 0), n: 2, unit: WorkingHours, want: at(2026, 3, 2, 15, 30)},
		{name: "hours ending at the morning's end stay there", received: at(2026, 3, 6, 20, 0), n: 4, unit: WorkingHours, want: at(2026, 3, 9, 11, 30)},
		{name: "hours from a Saturday", received: at(2026, 3, 7, 10, 0), n: 1, unit: WorkingHours, want: at(2026, 3, 9, 8, 30)},
		{name: "a whole 7½-hour day", received: at(2026, 3, 2, 7, 30), n: 8, unit: WorkingHours, want: at(2026, 3, 3, 8, 0)},
		{name: "0 hours in the lunch break", received: at(2026, 3, 2, 12, 0), n: 0, unit: WorkingHours, want: at(2026, 3, 2, 13, 30)},
		{name: "hours across Tết", received: at(2026, 2, 13, 16, 0), n: 4, unit: WorkingHours, want: at(2026, 2, 23, 10, 30)},
		{name: "hours with seconds", received: at(2026, 3, 2, 11, 0).Add(17 * time.Second), n: 1, unit: WorkingHours, want: at(2026, 3, 2, 14, 0).Add(17 * time.Second)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.overrides, tc.hours)
			got := c.Appointment(tc.received, tc.n, tc.unit)
			if !got.At.Equal(tc.want) || got.Date != DateOf(tc.want) {
				t.Errorf("Appointment(%v, %d %v) = %v (%v), want %v (%v)",
					tc.received, tc.n, tc.unit, got.At, got.Date, tc.want, DateOf(tc.want))
			}
			if got.At.Location() != clock.Local {
				t.Errorf("At is in %v, want %v", got.At.Location(), clock.Local)
			}
			if tc.skipped != nil && !slices.Equal(got.Skipped, tc.skipped) {
				t.Errorf("Skipped:\n got %v\nwant %v", got.Skipped, tc.skipped)
			}
		})
	}
}

func TestUnitString(t *testing.T) {
	if got, want := WorkingDays.String(), "ngày làm việc"; got != want {
		t.Errorf("WorkingDays.String() = %q, want %q", got, want)
	}
	if got, want := WorkingHours.String(), "giờ làm việc"; got != want {
		t.Errorf("WorkingHours.String() = %q, want %q", got, want)
	}
}
