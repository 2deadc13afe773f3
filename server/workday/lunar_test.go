package workday

import (
	"fmt"
	"testing"
	"time"
)

func date(y int, m time.Month, d int) Date { return Date{y, m, d} }

// Mùng 1 Tết as published by Vietnamese calendars (Hồ Ngọc Đức's tables).
var tet = map[int]Date{
	1968: date(1968, 1, 29), // China: 30 January
	1985: date(1985, 1, 21), // China: 20 February
	2000: date(2000, 2, 5),
	2001: date(2001, 1, 24),
	2002: date(2002, 2, 12),
	2003: date(2003, 2, 1),
	2004: date(2004, 1, 22),
	2005: date(2005, 2, 9),
	2006: date(2006, 1, 29),
	2007: date(2007, 2, 17), // China: 18 February
	2008: date(2008, 2, 7),
	2009: date(2009, 1, 26),
	2010: date(2010, 2, 14),
	2011: date(2011, 2, 3),
	2012: date(2012, 1, 23),
	2013: date(2013, 2, 10),
	2014: date(2014, 1, 31),
	2015: date(2015, 2, 19),
	2016: date(2016, 2, 8),
	2017: date(2017, 1, 28),
	2018: date(2018, 2, 16),
	2019: date(2019, 2, 5),
	2020: date(2020, 1, 25),
	2021: date(2021, 2, 12),
	2022: date(2022, 2, 1),
	2023: date(2023, 1, 22),
	2024: date(2024, 2, 10),
	2025: date(2025, 1, 29),
	2026: date(2026, 2, 17),
	2027: date(2027, 2, 6),
	2028: date(2028, 1, 26),
	2029: date(2029, 2, 13),
	// The new moon is at 23:07 UTC+7 on 2 February, 00:07 UTC+8 on 3
	// February: China celebrates on the 3rd.
	2030: date(2030, 2, 2),
	2031: date(2031, 1, 23),
	2032: date(2032, 2, 11),
	2033: date(2033, 1, 31),
	2034: date(2034, 2, 19),
	2035: date(2035, 2, 8),
}

func TestTet(t *testing.T) {
	for y := 2000; y <= 2035; y++ {
		if _, ok := tet[y]; !ok {
			t.Fatalf("no published Tết for %d in the table", y)
		}
	}
	for y, want := range tet {
		t.Run(fmt.Sprint(y), func(t *testing.T) {
			gy, gm, gd, ok := LunarToSolar(1, 1, y, false)
			if got := date(gy, gm, gd); !ok || got != want {
				t.Errorf("LunarToSolar(1, 1, %d) = %v, %v; want %v, true", y, got, ok, want)
			}
			ld, lm, ly, leap := SolarToLunar(want.Year, want.Month, want.Day)
			if ld != 1 || lm != 1 || ly != y || leap {
				t.Errorf("SolarToLunar(%v) = %d/%d/%d leap %v; want 1/1/%d", want, ld, lm, ly, leap, y)
			}
			// The day before is the last of month 12 of the year before.
			pd, pm, py, _ := SolarToLunar(want.Year, want.Month, want.Day-1)
			if (pd != 29 && pd != 30) || pm != 12 || py != y-1 {
				t.Errorf("SolarToLunar(day before Tết %d) = %d/%d/%d; want 29 or 30/12/%d", y, pd, pm, py, y-1)
			}
		})
	}
}

func TestGioTo(t *testing.T) {
	for _, tc := range []struct {
		year int
		want Date
	}{
		{2020, date(2020, 4, 2)},
		{2021, date(2021, 4, 21)},
		{2022, date(2022, 4, 10)},
		{2023, date(2023, 4, 29)},
		{2024, date(2024, 4, 18)},
		{2025, date(2025, 4, 7)},
		{2026, date(2026, 4, 26)},
	} {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			y, m, d, ok := LunarToSolar(10, 3, tc.year, false)
			if got := date(y, m, d); !ok || got != tc.want {
				t.Errorf("LunarToSolar(10, 3, %d) = %v, %v; want %v, true", tc.year, got, ok, tc.want)
			}
		})
	}
}

func TestLeapMonths(t *testing.T) {
	for _, tc := range []struct {
		year, month int
		start       Date // 1st of the leap month
	}{
		{2017, 6, date(2017, 7, 23)},
		{2020, 4, date(2020, 5, 23)},
		{2023, 2, date(2023, 3, 22)},
		{2025, 6, date(2025, 7, 25)},
	} {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			y, m, d, ok := LunarToSolar(1, tc.month, tc.year, true)
			if got := date(y, m, d); !ok || got != tc.start {
				t.Errorf("LunarToSolar(1, %d leap, %d) = %v, %v; want %v, true", tc.month, tc.year, got, ok, tc.start)
			}
			ld, lm, ly, leap := SolarToLunar(tc.start.Year, tc.start.Month, tc.start.Day)
			if ld != 1 || lm != tc.month || ly != tc.year || !leap {
				t.Errorf("SolarToLunar(%v) = %d/%d/%d leap %v; want 1/%d/%d leap", tc.start, ld, lm, ly, leap, tc.month, tc.year)
			}
			for mo := 1; mo <= 12; mo++ {
				if mo == tc.month {
					continue
				}
				if _, _, _, ok := LunarToSolar(1, mo, tc.year, true); ok {
					t.Errorf("LunarToSolar(1, %d leap, %d): ok, want no such month", mo, tc.year)
				}
			}
		})
	}
}

func TestLunarToSolarInvalid(t *testing.T) {
	// Month 12 of Ất Tỵ (2025) has 29 days: Tết 2026 is on 17 February and
	// month 12 began on 19 January 2026.
	if y, m, d, ok := LunarToSolar(1, 12, 2025, false); !ok || date(y, m, d) != date(2026, 1, 19) {
		t.Fatalf("LunarToSolar(1, 12, 2025) = %v, %v; want 2026-01-19, true", date(y, m, d), ok)
	}
	for _, tc := range []struct {
		name             string
		day, month, year int
		leap             bool
	}{
		{"day 30 of a 29-day month", 30, 12, 2025, false},
		{"leap month in a common year", 1, 3, 2024, true},
		{"month 0", 1, 0, 2024, false},
		{"month 13", 1, 13, 2024, false},
		{"day 0", 0, 1, 2024, false},
		{"day 31", 31, 1, 2024, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if y, m, d, ok := LunarToSolar(tc.day, tc.month, tc.year, tc.leap); ok {
				t.Errorf("LunarToSolar(%d, %d, %d, %v) = %v, true; want ok false", tc.day, tc.month, tc.year, tc.leap, date(y, m, d))
			}
		})
	}
}

// TestLunarRoundTrip converts every day from 1900 to 2100 to the lunar
// calendar and back, and checks the lunar days run on without gaps.
func TestLunarRoundTrip(t *testing.T) {
	start, end := date(1900, 1, 1), date(2100, 12, 31)
	pd, pm, py, pleap := SolarToLunar(1899, 12, 31)
	for d := start; !d.After(end); d = d.AddDays(1) {
		ld, lm, ly, leap := SolarToLunar(d.Year, d.Month, d.Day)
		y, m, dd, ok := LunarToSolar(ld, lm, ly, leap)
		if got := date(y, m, dd); !ok || got != d {
			t.Fatalf("%v → lunar %d/%d/%d leap %v → %v, %v; want back %v", d, ld, lm, ly, leap, got, ok, d)
		}
		switch {
		case ld == pd+1 && lm == pm && ly == py && leap == pleap:
		case ld == 1 && (pd == 29 || pd == 30):
			next := lm == pm && leap && !pleap || // the leap month after its month
				lm == pm%12+1 && !leap && (ly == py || lm == 1 && ly == py+1)
			if !next {
				t.Fatalf("%v: lunar %d/%d/%d leap %v follows %d/%d/%d leap %v", d, ld, lm, ly, leap, pd, pm, py, pleap)
			}
		default:
			t.Fatalf("%v: lunar %d/%d/%d follows %d/%d/%d", d, ld, lm, ly, pd, pm, py)
		}
		pd, pm, py, pleap = ld, lm, ly, leap
	}
}
