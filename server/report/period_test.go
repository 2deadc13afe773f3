package report

import (
	"testing"
	"time"

	"github.com/motcua/motcua/server/workday"
)

func TestPresets(t *testing.T) {
	d := func(y int, m time.Month, day int) workday.Date { return workday.Date{Year: y, Month: m, Day: day} }
	tests := []struct {
		today    workday.Date
		key      string
		from, to workday.Date
	}{
		{d(2026, 11, 27), "today", d(2026, 11, 27), d(2026, 11, 27)},
		{d(2026, 11, 27), "week", d(2026, 11, 23), d(2026, 11, 29)}, // Friday: Monday to Sunday
		{d(2026, 11, 23), "week", d(2026, 11, 23), d(2026, 11, 29)}, // a Monday
		{d(2026, 11, 29), "week", d(2026, 11, 23), d(2026, 11, 29)}, // a Sunday
		{d(2026, 2, 10), "month", d(2026, 2, 1), d(2026, 2, 28)},
		{d(2026, 11, 27), "quarter", d(2026, 10, 1), d(2026, 12, 31)},
		{d(2026, 11, 27), "period-quarter", d(2026, 9, 15), d(2026, 12, 14)},
		{d(2026, 12, 14), "period-quarter", d(2026, 9, 15), d(2026, 12, 14)},
		{d(2026, 12, 15), "period-quarter", d(2026, 12, 15), d(2027, 3, 14)}, // the next year's quarter I begins
		{d(2026, 1, 5), "period-quarter", d(2025, 12, 15), d(2026, 3, 14)},
		{d(2026, 3, 15), "period-quarter", d(2026, 3, 15), d(2026, 6, 14)},
		{d(2026, 5, 1), "period-half", d(2025, 12, 15), d(2026, 6, 14)},
		{d(2026, 11, 27), "period-year", d(2025, 12, 15), d(2026, 12, 14)},
		{d(2026, 12, 20), "period-year", d(2026, 12, 15), d(2027, 12, 14)},
	}
	for _, tt := range tests {
		t.Run(tt.today.String()+" "+tt.key, func(t *testing.T) {
			p, ok := PresetByKey(tt.today, 15, tt.key)
			if !ok || p.From != tt.from || p.To != tt.to {
				t.Errorf("got %v %s..%s, want %s..%s", ok, p.From, p.To, tt.from, tt.to)
			}
		})
	}
}
