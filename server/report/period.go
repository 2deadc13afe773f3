package report

import (
	"fmt"
	"time"

	"github.com/motcua/motcua/server/workday"
)

// Preset is a named period the report page offers.
type Preset struct {
	Key, Label string
	From, To   workday.Date
}

func date(y int, m time.Month, d int) workday.Date {
	return workday.Date{Year: y, Month: m, Day: d}.AddDays(0)
}

// Presets are the periods a director asks for, as of today: today, this
// week (Monday to Sunday), this month, this quarter, this year, and the
// statutory reporting periods, whose figures close on closeDay of the last
// month of each quarter (Circular 01/2020/TT-VPCP counts from the 15th of
// the month before: period "quý I" runs from 15/12 of the year before to
// 14/03). closeDay 0 means 15.
func Presets(today workday.Date, closeDay int) []Preset {
	if closeDay <= 0 || closeDay > 28 {
		closeDay = 15
	}
	y, m := today.Year, today.Month
	monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	q := (int(m) - 1) / 3 // 0..3
	qStart := date(y, time.Month(q*3+1), 1)
	out := []Preset{
		{"today", "Hôm nay", today, today},
		{"week", "Tuần này", monday, monday.AddDays(6)},
		{"month", "Tháng này", date(y, m, 1), date(y, m+1, 1).AddDays(-1)},
		{"quarter", fmt.Sprintf("Quý %d/%d", q+1, y), qStart, date(y, time.Month(q*3+4), 1).AddDays(-1)},
		{"year", fmt.Sprintf("Năm %d", y), date(y, 1, 1), date(y, 12, 31)},
	}
	// the statutory quarter that contains today: from closeDay of the last
	// month of the quarter before, to the day before closeDay of this one
	sq := q
	if today.Day >= closeDay && int(m)%3 == 0 {
		sq++ // past the closing day of the quarter's last month: the next period
	}
	sy := y
	if sq == 4 {
		sq, sy = 0, y+1
	}
	from := date(sy, time.Month(sq*3), closeDay) // month 0 is December of the year before
	to := date(sy, time.Month(sq*3+3), closeDay-1)
	out = append(out,
		Preset{"period-quarter", fmt.Sprintf("Kỳ báo cáo quý %d/%d (%s–%s)", sq+1, sy, from.DMY(), to.DMY()), from, to},
		Preset{"period-half", fmt.Sprintf("Kỳ báo cáo 6 tháng %d", sy), date(sy, 0, closeDay), date(sy, 6, closeDay-1)},
		Preset{"period-year", fmt.Sprintf("Kỳ báo cáo năm %d", sy), date(sy, 0, closeDay), date(sy, 12, closeDay-1)},
	)
	return out
}

// PresetByKey finds a preset by its key.
func PresetByKey(today workday.Date, closeDay int, key string) (Preset, bool) {
	for _, p := range Presets(today, closeDay) {
		if p.Key == key {
			return p, true
		}
	}
	return Preset{}, false
}
