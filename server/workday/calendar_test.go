package workday

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/server/clock"
)

func TestDate(t *testing.T) {
	d := date(2026, 3, 9)
	if got, want := d.String(), "2026-03-09"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := d.Weekday(), time.Monday; got != want {
		t.Errorf("Weekday() = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		name string
		got  Date
		want Date
	}{
		{"AddDays within month", d.AddDays(5), date(2026, 3, 14)},
		{"AddDays across year", date(2025, 12, 30).AddDays(3), date(2026, 1, 2)},
		{"AddDays backwards", date(2024, 3, 1).AddDays(-1), date(2024, 2, 29)},
		{"AddDays normalises", date(2026, 2, 30).AddDays(0), date(2026, 3, 2)},
		{"DateOf converts to Asia/Ho_Chi_Minh", DateOf(time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)), date(2026, 3, 2)},
		{"DateOf from another zone", DateOf(time.Date(2026, 3, 2, 0, 30, 0, 0, time.FixedZone("UTC+9", 9*3600))), date(2026, 3, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	if !date(2026, 3, 8).Before(d) || d.Before(d) || !d.After(date(2025, 12, 31)) || d.Compare(date(2026, 2, 37)) != 0 {
		t.Errorf("Before/After/Compare disagree around %v", d)
	}
	if got, want := date(2026, 2, 30).String(), "2026-03-02"; got != want {
		t.Errorf("String() of 2026-02-30 = %q, want %q", got, want)
	}
}

func TestWorking(t *testing.T) {
	c := New(nil, DefaultHours())
	for _, tc := range []struct {
		d       Date
		working bool
		reason  string
	}{
		{date(2026, 3, 9), true, ""},
		{date(2026, 3, 7), false, "Thứ Bảy"},
		{date(2026, 3, 8), false, "Chủ nhật"},
		{date(2026, 1, 1), false, "Tết Dương lịch"},
		{date(2026, 2, 13), true, ""},
		{date(2026, 2, 16), false, "Tết Nguyên Đán"}, // 29 Tết: month 12 has 29 days
		{date(2026, 2, 17), false, "Tết Nguyên Đán"}, // Mùng 1
		{date(2026, 2, 20), false, "Tết Nguyên Đán"}, // Mùng 4
		{date(2026, 2, 23), true, ""},
		{date(2026, 4, 26), false, "Giỗ Tổ Hùng Vương"}, // a Sunday
		{date(2026, 4, 27), false, "Nghỉ bù Giỗ Tổ Hùng Vương"},
		{date(2026, 4, 30), false, "Ngày Chiến thắng"},
		{date(2026, 5, 1), false, "Ngày Quốc tế Lao động"},
		{date(2026, 9, 2), false, "Quốc khánh"},
		{date(2026, 9, 3), false, "Quốc khánh"},
		{date(2026, 9, 1), true, ""},
		// 2022: Giỗ Tổ on Sunday 10/4, compensated on Monday 11/4.
		{date(2022, 4, 10), false, "Giỗ Tổ Hùng Vương"},
		{date(2022, 4, 11), false, "Nghỉ bù Giỗ Tổ Hùng Vương"},
		// 2023: 1/1 on a Sunday; Giỗ Tổ on Saturday 29/4, 30/4 on Sunday,
		// 1/5 on Monday: two compensatory days after 1/5.
		{date(2023, 1, 2), false, "Nghỉ bù Tết Dương lịch"},
		{date(2023, 4, 29), false, "Giỗ Tổ Hùng Vương"},
		{date(2023, 5, 1), false, "Ngày Quốc tế Lao động"},
		{date(2023, 5, 2), false, "Nghỉ bù Giỗ Tổ Hùng Vương"},
		{date(2023, 5, 3), false, "Nghỉ bù Ngày Chiến thắng"},
		{date(2023, 5, 4), true, ""},
		// 2024: Mùng 1 on Saturday 10/2; Tết 9–13/2 holds a Saturday and a
		// Sunday: compensated on 14 and 15/2.
		{date(2024, 2, 9), false, "Tết Nguyên Đán"},
		{date(2024, 2, 13), false, "Tết Nguyên Đán"},
		{date(2024, 2, 14), false, "Nghỉ bù Tết Nguyên Đán"},
		{date(2024, 2, 15), false, "Nghỉ bù Tết Nguyên Đán"},
		{date(2024, 2, 16), true, ""},
		// 2028: 2/9 Saturday, 3/9 Sunday; 2029: 2/9 Sunday, 3/9 Monday.
		{date(2028, 9, 4), false, "Nghỉ bù Quốc khánh"},
		{date(2028, 9, 5), false, "Nghỉ bù Quốc khánh"},
		{date(2028, 9, 6), true, ""},
		{date(2029, 9, 3), false, "Quốc khánh"},
		{date(2029, 9, 4), false, "Nghỉ bù Quốc khánh"},
		{date(2029, 9, 5), true, ""},
		// 1947: Giỗ Tổ on 30/4, a Wednesday: one day off for both.
		{date(1947, 4, 30), false, "Giỗ Tổ Hùng Vương, Ngày Chiến thắng"},
	} {
		t.Run(fmt.Sprintf("%v %v", tc.d, tc.d.Weekday()), func(t *testing.T) {
			w, r := c.Working(tc.d)
			if w != tc.working || r != tc.reason {
				t.Errorf("Working(%v) = %v, %q; want %v, %q", tc.d, w, r, tc.working, tc.reason)
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	c := New([]Override{
		{Date: date(2026, 3, 7), Working: true, Reason: "Làm bù cho ngày 20/3"},
		{Date: date(2026, 3, 20), Reason: "Nghỉ hoán đổi"},
		{Date: date(2026, 2, 20), Working: true, Reason: "Tết theo quyết định: làm việc"},
		{Date: date(2026, 2, 13), Reason: "first"},
		{Date: date(2026, 2, 13), Reason: "Nghỉ Tết theo quyết định"}, // the later wins
		{Date: date(2026, 4, 27), Working: true},                      // no reason given
		{Date: date(2026, 3, 10)},                                     // no reason given
	}, Hours{})
	for _, tc := range []struct {
		d       Date
		working bool
		reason  string
	}{
		{date(2026, 3, 7), true, "Làm bù cho ngày 20/3"},
		{date(2026, 3, 20), false, "Nghỉ hoán đổi"},
		{date(2026, 2, 20), true, "Tết theo quyết định: làm việc"},
		{date(2026, 2, 13), false, "Nghỉ Tết theo quyết định"},
		{date(2026, 4, 27), true, "Ngày làm việc"},
		{date(2026, 3, 10), false, "Ngày nghỉ"},
		{date(2026, 3, 14), false, "Thứ Bảy"},
	} {
		t.Run(tc.d.String(), func(t *testing.T) {
			w, r := c.Working(tc.d)
			if w != tc.working || r != tc.reason {
				t.Errorf("Working(%v) = %v, %q; want %v, %q", tc.d, w, r, tc.working, tc.reason)
			}
		})
	}
	if got, want := c.Hours(), DefaultHours(); got != want {
		t.Errorf("Hours() with zero Hours = %+v, want %+v", got, want)
	}
}

func TestYear(t *testing.T) {
	for _, tc := range []struct {
		name      string
		overrides []Override
		year      int
		want      []Day
	}{
		{"2026 defaults", nil, 2026, []Day{
			{date(2026, 1, 1), false, "Tết Dương lịch"},
			{date(2026, 2, 16), false, "Tết Nguyên Đán"},
			{date(2026, 2, 17), false, "Tết Nguyên Đán"},
			{date(2026, 2, 18), false, "Tết Nguyên Đán"},
			{date(2026, 2, 19), false, "Tết Nguyên Đán"},
			{date(2026, 2, 20), false, "Tết Nguyên Đán"},
			{date(2026, 4, 26), false, "Giỗ Tổ Hùng Vương"},
			{date(2026, 4, 27), false, "Nghỉ bù Giỗ Tổ Hùng Vương"},
			{date(2026, 4, 30), false, "Ngày Chiến thắng"},
			{date(2026, 5, 1), false, "Ngày Quốc tế Lao động"},
			{date(2026, 9, 2), false, "Quốc khánh"},
			{date(2026, 9, 3), false, "Quốc khánh"},
		}},
		{"2025 with the Government's swaps", []Override{
			{Date: date(2025, 1, 27), Reason: "Nghỉ Tết Nguyên Đán"},
			{Date: date(2025, 1, 25), Reason: "Nghỉ Tết Nguyên Đán"}, // a Saturday: listed
			{Date: date(2025, 2, 3), Working: true, Reason: "Làm việc"},
			{Date: date(2025, 2, 8), Working: true, Reason: "Làm bù cho ngày 27/1"},
			{Date: date(2026, 1, 2), Reason: "another year"},
		}, 2025, []Day{
			{date(2025, 1, 1), false, "Tết Dương lịch"},
			{date(2025, 1, 25), false, "Nghỉ Tết Nguyên Đán"},
			{date(2025, 1, 27), false, "Nghỉ Tết Nguyên Đán"},
			{date(2025, 1, 28), false, "Tết Nguyên Đán"},
			{date(2025, 1, 29), false, "Tết Nguyên Đán"},
			{date(2025, 1, 30), false, "Tết Nguyên Đán"},
			{date(2025, 1, 31), false, "Tết Nguyên Đán"},
			{date(2025, 2, 1), false, "Tết Nguyên Đán"}, // Saturday, Mùng 4
			{date(2025, 2, 3), true, "Làm việc"},        // its default compensation, cancelled
			{date(2025, 2, 8), true, "Làm bù cho ngày 27/1"},
			{date(2025, 4, 7), false, "Giỗ Tổ Hùng Vương"},
			{date(2025, 4, 30), false, "Ngày Chiến thắng"},
			{date(2025, 5, 1), false, "Ngày Quốc tế Lao động"},
			{date(2025, 9, 2), false, "Quốc khánh"},
			{date(2025, 9, 3), false, "Quốc khánh"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := New(tc.overrides, DefaultHours()).Year(tc.year)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Year(%d):\n got %v\nwant %v", tc.year, got, tc.want)
			}
		})
	}
}

// TestYearMatchesWorking checks that every day Year lists is reported the same
// by Working, and every day it leaves out is a plain weekday or weekend.
func TestYearMatchesWorking(t *testing.T) {
	c := New([]Override{{Date: date(2024, 2, 17), Working: true, Reason: "Làm bù"}}, DefaultHours())
	for y := 2000; y <= 2040; y++ {
		listed := make(map[Date]Day)
		for _, d := range c.Year(y) {
			listed[d.Date] = d
		}
		for d := date(y, 1, 1); d.Year == y; d = d.AddDays(1) {
			w, r := c.Working(d)
			if l, ok := listed[d]; ok {
				if l.Working != w || l.Reason != r {
					t.Fatalf("Year(%d) lists %v as %v %q; Working says %v %q", y, d, l.Working, l.Reason, w, r)
				}
				continue
			}
			weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
			if w == weekend || (r != "" && r != ReasonSaturday && r != ReasonSunday) {
				t.Fatalf("Year(%d) leaves out %v (%v), which Working reports %v %q", y, d, d.Weekday(), w, r)
			}
		}
		// The law's 11 holiday days (10 dates when Giỗ Tổ meets 30/4 or 1/5).
		hol := 0
		for _, l := range listed {
			if l.Reason != "" && !l.Working && !strings.HasPrefix(l.Reason, ReasonCompensatory) {
				hol++
			}
		}
		if hol != 11 && !(hol == 10 && coincide(y)) {
			t.Errorf("Year(%d) has %d holiday dates, want 11", y, hol)
		}
	}
}

// coincide reports whether Giỗ Tổ falls on 30/4 or 1/5 in year y.
func coincide(y int) bool {
	yy, m, d, _ := LunarToSolar(10, 3, y, false)
	g := date(yy, m, d)
	return g == date(y, 4, 30) || g == date(y, 5, 1)
}

func TestHoursValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    Hours
		ok   bool
	}{
		{"default", DefaultHours(), true},
		{"no lunch break", Hours{[2]int{480, 720}, [2]int{720, 960}, 900}, true},
		{"empty morning", Hours{[2]int{450, 450}, [2]int{810, 1020}, 900}, false},
		{"afternoon before morning ends", Hours{[2]int{450, 700}, [2]int{690, 1020}, 900}, false},
		{"afternoon past midnight", Hours{[2]int{450, 690}, [2]int{810, 1500}, 900}, false},
		{"cut-off after closing", Hours{[2]int{450, 690}, [2]int{810, 1020}, 1021}, false},
		{"cut-off at closing", Hours{[2]int{450, 690}, [2]int{810, 1020}, 1020}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.h.Validate()
			if (err == nil) != tc.ok {
				t.Errorf("Validate() = %v, want ok %v", err, tc.ok)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("New with invalid hours did not panic")
		}
	}()
	New(nil, Hours{Morning: [2]int{600, 500}})
}

func TestCalendarConcurrent(t *testing.T) {
	c := New(nil, DefaultHours())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for y := 2020; y < 2030; y++ {
				c.Working(date(y, 1, 1+i))
				c.Year(y)
				c.Appointment(time.Date(y, 2, 1, 10, 0, 0, 0, clock.Local), 10, WorkingDays)
			}
		})
	}
	wg.Wait()
}
