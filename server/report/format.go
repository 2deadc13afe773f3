package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/server/workday"
)

// Number formats n the Vietnamese way, with "." between thousands:
// 1234 → "1.234", -1234567 → "-1.234.567".
func Number(n int) string {
	s := strconv.FormatInt(int64(n), 10)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.Grow(len(sign) + len(s) + len(s)/3)
	b.WriteString(sign)
	head := len(s) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(s[:head])
	for i := head; i < len(s); i += 3 {
		b.WriteByte('.')
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// Percent formats a share with one decimal and a decimal comma:
// 927 → "92,7%", 1000 → "100,0%", 0 → "0,0%".
func Percent(s Share) string {
	t := s.Tenths
	sign := ""
	if t < 0 {
		sign, t = "-", -t
	}
	return fmt.Sprintf("%s%s,%d%%", sign, Number(t/10), t%10)
}

// Duration formats a number of seconds as people say it on the report:
// "45 giây" under a minute, "12 phút 05 giây" under an hour, "1 giờ 02 phút"
// from an hour on (seconds no longer matter there, so the minutes are
// rounded). Negative and NaN durations read as "0 giây".
func Duration(seconds float64) string {
	if math.IsNaN(seconds) || seconds <= 0 {
		return "0 giây"
	}
	if math.IsInf(seconds, 1) || seconds > math.MaxInt32 {
		seconds = math.MaxInt32
	}
	s := int(math.Round(seconds))
	switch {
	case s < 60:
		return fmt.Sprintf("%d giây", s)
	case s < 3600:
		return fmt.Sprintf("%d phút %02d giây", s/60, s%60)
	}
	m := int(math.Round(seconds / 60))
	return fmt.Sprintf("%s giờ %02d phút", Number(m/60), m%60)
}

// dateVN formats d as in the center's tables: "01/10/2026".
func dateVN(d workday.Date) string {
	d = d.AddDays(0)
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

// periodVN describes the filter's days for a heading: "01/10/2026 – 31/10/2026",
// one date when From and To are the same day, "" when the period is unset.
func periodVN(f Filter) string {
	switch {
	case f.From == (workday.Date{}) && f.To == (workday.Date{}):
		return ""
	case f.To == (workday.Date{}) || f.From.Compare(f.To) == 0:
		return dateVN(f.From)
	case f.From == (workday.Date{}):
		return dateVN(f.To)
	}
	return dateVN(f.From) + " – " + dateVN(f.To)
}

// lowerFirst lowercases the first letter of a label ("Rất hài lòng") for use
// inside a sentence ("700 lượt rất hài lòng").
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// rowReceived is a row's dossiers received in the period, online or not.
func rowReceived(r DossierRow) int { return r.ReceivedOnline + r.ReceivedDirect }

// rowResolved is a row's dossiers resolved in the period.
func rowResolved(r DossierRow) int { return r.ResolvedEarly + r.ResolvedOnTime + r.ResolvedLate }

// rowPending is a row's dossiers still in progress at the end of the period.
func rowPending(r DossierRow) int { return r.PendingWithin + r.PendingPast }

// hourLabel names hour h of the day for a table: "07:00–08:00".
func hourLabel(h int) string { return fmt.Sprintf("%02d:00–%02d:00", h, (h+1)%24) }

// groupLabel is a group's name, or its key when it has none.
func groupLabel(key, name string) string {
	if name != "" {
		return name
	}
	return key
}

// The CSV and the workbook lay out the same tables; they are described once
// here, with typed cells, and each writer renders them its own way (text in
// the CSV, numbers with a number format in the workbook).

// cellKind is what a table cell holds.
type cellKind uint8

const (
	cellEmpty   cellKind = iota
	cellText             // s
	cellInt              // n
	cellSeconds          // f, a duration in seconds
	cellShare            // n, in tenths of a percent
)

type cell struct {
	kind cellKind
	s    string
	n    int
	f    float64
}

func textCell(s string) cell     { return cell{kind: cellText, s: s} }
func intCell(n int) cell         { return cell{kind: cellInt, n: n} }
func secondsCell(f float64) cell { return cell{kind: cellSeconds, f: f} }
func shareCell(s Share) cell     { return cell{kind: cellShare, n: s.Tenths} }

// statCell is one of st's figures, blank when st has no sample: a service
// nobody waited for has no mean wait, not a mean of 0:00:00.
func statCell(st Stats, f float64) cell {
	if st.N <= 0 {
		return cell{}
	}
	return secondsCell(f)
}

func shareOrEmpty(s Share, of int) cell {
	if of <= 0 {
		return cell{} // a share of nothing is left blank, not 0,0%
	}
	return shareCell(s)
}

// column is a table's column: name under an optional group heading
// ("Đã giải quyết" over "Trước hạn", "Đúng hạn", "Quá hạn").
type column struct{ group, name string }

// heading is the column's one-line heading, as the CSV needs it:
// "Đã giải quyết: Trước hạn".
func (c column) heading() string {
	if c.group == "" {
		return c.name
	}
	return c.group + ": " + c.name
}

type table struct {
	title string
	cols  []column
	rows  [][]cell
	note  string // printed under the table
}

// grouped reports whether t needs a second heading row.
func (t *table) grouped() bool {
	for _, c := range t.cols {
		if c.group != "" {
			return true
		}
	}
	return false
}

// sheet is a workbook sheet, or a run of sections in the CSV.
type sheet struct {
	name   string
	tables []table
}

// Sheet names of the workbook.
const (
	sheetSummary      = "Tổng hợp"
	sheetQueue        = "Hàng chờ"
	sheetDossiers     = "Hồ sơ (Biểu II.06a)"
	sheetSatisfaction = "Hài lòng"
)

// reportTitle and reportMeta head both the CSV and the first sheet.
const reportTitle = "BÁO CÁO TÌNH HÌNH TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ VÀ MỨC ĐỘ HÀI LÒNG"

func reportMeta(s *Summary) [][2]string {
	center := strings.TrimSpace(s.Center)
	if center == "" {
		center = "Trung tâm"
	}
	meta := [][2]string{{"Đơn vị", center}}
	if p := periodVN(s.Filter); p != "" {
		meta = append(meta, [2]string{"Kỳ báo cáo", p})
	}
	if s.Filter.Department != "" {
		meta = append(meta, [2]string{"Đơn vị chuyên môn", s.Filter.Department})
	}
	if s.Filter.Counter != "" {
		meta = append(meta, [2]string{"Quầy", s.Filter.Counter})
	}
	if s.Filter.Official != "" {
		meta = append(meta, [2]string{"Cán bộ", s.Filter.Official})
	}
	return meta
}

// sheets lays the summary out as the report's tables.
func sheets(s *Summary) []sheet {
	return []sheet{
		{sheetSummary, []table{summaryTable(s)}},
		{sheetQueue, queueTables(&s.Queue)},
		{sheetDossiers, dossierTables(&s.Dossiers)},
		{sheetSatisfaction, satisfactionTables(&s.Satisfaction)},
	}
}

func summaryTable(s *Summary) table {
	q, d, sat := &s.Queue, &s.Dossiers, &s.Satisfaction
	t := d.Total
	row := func(name string, v cell) []cell { return []cell{textCell(name), v} }
	return table{
		title: "Số liệu tổng hợp",
		cols:  []column{{name: "Chỉ tiêu"}, {name: "Giá trị"}},
		rows: [][]cell{
			row("Số thứ tự đã cấp", intCell(q.Issued)),
			row("Lượt đã phục vụ", intCell(q.Served)),
			row("Lượt vắng mặt khi được gọi", intCell(q.NoShow)),
			row("Lượt chuyển quầy", intCell(q.Transferred)),
			row("Thời gian chờ trung bình", statCell(q.Wait, q.Wait.MeanS)),
			row("Thời gian chờ trung vị", statCell(q.Wait, q.Wait.MedianS)),
			row("90% lượt chờ không quá", statCell(q.Wait, q.Wait.P90S)),
			row("Thời gian phục vụ trung bình", statCell(q.Service, q.Service.MeanS)),
			row("Thời gian phục vụ trung vị", statCell(q.Service, q.Service.MedianS)),
			row("90% lượt phục vụ không quá", statCell(q.Service, q.Service.P90S)),
			row("Thời gian quầy trống khi có người chờ", secondsCell(q.IdleWhileWaitingS)),
			row("Hồ sơ tiếp nhận trực tuyến", intCell(t.ReceivedOnline)),
			row("Hồ sơ tiếp nhận trực tiếp, bưu chính", intCell(t.ReceivedDirect)),
			row("Hồ sơ từ kỳ trước chuyển sang", intCell(t.CarriedOver)),
			row("Hồ sơ giải quyết trước hạn", intCell(t.ResolvedEarly)),
			row("Hồ sơ giải quyết đúng hạn", intCell(t.ResolvedOnTime)),
			row("Hồ sơ giải quyết quá hạn", intCell(t.ResolvedLate)),
			row("Tỷ lệ giải quyết đúng hạn", shareOrEmpty(d.OnTimeShare, rowResolved(t))),
			row("Hồ sơ đang giải quyết trong hạn", intCell(t.PendingWithin)),
			row("Hồ sơ đang giải quyết quá hạn", intCell(t.PendingPast)),
			row("Lượt đánh giá mức độ hài lòng", intCell(sat.Rated)),
			row("Tỷ lệ lượt phục vụ được đánh giá", shareOrEmpty(sat.RatedShare, sat.ServedTickets)),
		},
	}
}

var queueCols = []column{
	{"Số lượt", "Đã cấp"}, {"Số lượt", "Đã phục vụ"}, {"Số lượt", "Vắng mặt"}, {"Số lượt", "Chuyển quầy"},
	{"Thời gian chờ", "Trung bình"}, {"Thời gian chờ", "Trung vị"}, {"Thời gian chờ", "90% không quá"},
	{"Thời gian phục vụ", "Trung bình"}, {"Thời gian phục vụ", "Trung vị"}, {"Thời gian phục vụ", "90% không quá"},
	{"", "Quầy trống khi có người chờ"},
}

func queueCells(g Group) []cell {
	return []cell{
		intCell(g.Issued), intCell(g.Served), intCell(g.NoShow), intCell(g.Transferred),
		statCell(g.Wait, g.Wait.MeanS), statCell(g.Wait, g.Wait.MedianS), statCell(g.Wait, g.Wait.P90S),
		statCell(g.Service, g.Service.MeanS), statCell(g.Service, g.Service.MedianS), statCell(g.Service, g.Service.P90S),
		secondsCell(g.IdleS),
	}
}

func queueTables(q *Queue) []table {
	byGroup := func(title, what string, gs []Group) table {
		t := table{title: title, cols: append([]column{{name: "Mã"}, {name: what}}, queueCols...)}
		for _, g := range gs {
			t.rows = append(t.rows, append([]cell{textCell(g.Key), textCell(groupLabel(g.Key, g.Name))}, queueCells(g)...))
		}
		return t
	}
	hours := table{title: "Hàng chờ theo giờ lấy số", cols: append([]column{{name: "Khung giờ"}}, queueCols...)}
	for h, g := range q.ByHour {
		if g.Issued == 0 && g.Served == 0 && g.NoShow == 0 {
			continue
		}
		hours.rows = append(hours.rows, append([]cell{textCell(hourLabel(h))}, queueCells(g)...))
	}
	waits := table{title: "Phân bố thời gian chờ", cols: []column{{name: "Thời gian chờ"}, {name: "Số lượt"}}}
	for _, b := range q.WaitHistogram {
		waits.rows = append(waits.rows, []cell{textCell(b.Label), intCell(b.Count)})
	}
	return []table{
		byGroup("Hàng chờ theo dịch vụ", "Dịch vụ", q.ByService),
		byGroup("Hàng chờ theo quầy", "Quầy", q.ByCounter),
		byGroup("Hàng chờ theo cán bộ", "Cán bộ", q.ByOfficial),
		hours,
		waits,
	}
}

// dossierCols are Biểu II.06a's columns after STT, Mã and the name.
var dossierCols = []column{
	{"Tiếp nhận", "Tổng số"}, {"Tiếp nhận", "Trực tuyến"}, {"Tiếp nhận", "Trực tiếp, bưu chính"}, {"Tiếp nhận", "Từ kỳ trước chuyển sang"},
	{"Đã giải quyết", "Tổng số"}, {"Đã giải quyết", "Trước hạn"}, {"Đã giải quyết", "Đúng hạn"}, {"Đã giải quyết", "Quá hạn"},
	{"Đang giải quyết", "Tổng số"}, {"Đang giải quyết", "Trong hạn"}, {"Đang giải quyết", "Quá hạn"},
}

func dossierCells(r DossierRow) []cell {
	return []cell{
		intCell(rowReceived(r) + r.CarriedOver), intCell(r.ReceivedOnline), intCell(r.ReceivedDirect), intCell(r.CarriedOver),
		intCell(rowResolved(r)), intCell(r.ResolvedEarly), intCell(r.ResolvedOnTime), intCell(r.ResolvedLate),
		intCell(rowPending(r)), intCell(r.PendingWithin), intCell(r.PendingPast),
	}
}

// onlineNote explains the online column while motcua receives no dossier
// online: the column stays, as the form has it, with zeros.
const onlineNote = "Ghi chú: hồ sơ trực tuyến không được tiếp nhận qua hệ thống này; cột Trực tuyến ghi 0."

func dossierTables(d *Dossiers) []table {
	by := func(title, what string, rows []DossierRow) table {
		t := table{title: title, cols: append([]column{{name: "STT"}, {name: "Mã"}, {name: what}}, dossierCols...)}
		for i, r := range rows {
			t.rows = append(t.rows, append([]cell{intCell(i + 1), textCell(r.Key), textCell(groupLabel(r.Key, r.Name))}, dossierCells(r)...))
		}
		t.rows = append(t.rows, append([]cell{{}, {}, textCell("Tổng cộng")}, dossierCells(d.Total)...))
		if d.Total.ReceivedOnline == 0 {
			t.note = onlineNote
		}
		return t
	}
	return []table{
		by("Biểu II.06a theo đơn vị", "Đơn vị", d.ByDepartment),
		by("Biểu II.06a theo lĩnh vực", "Lĩnh vực", d.ByField),
	}
}

func satisfactionTables(sat *Satisfaction) []table {
	levels := table{
		title: "Mức độ hài lòng",
		cols:  []column{{name: "Mức"}, {name: "Mức độ"}, {name: "Số lượt"}, {name: "Tỷ lệ"}},
	}
	for _, l := range sat.Levels {
		levels.rows = append(levels.rows, []cell{intCell(l.Level), textCell(l.Label), intCell(l.Count), shareOrEmpty(l.Share, sat.Rated)})
	}
	levels.rows = append(levels.rows, []cell{{}, textCell("Tổng cộng"), intCell(sat.Rated), shareOrEmpty(Share{Tenths: 1000}, sat.Rated)})

	by := func(title, what string, gs []SatGroup) table {
		t := table{title: title, cols: []column{{name: "Mã"}, {name: what}, {name: "Số lượt đánh giá"}}}
		for _, l := range sat.Levels {
			t.cols = append(t.cols, column{l.Label, "Số lượt"}, column{l.Label, "Tỷ lệ"})
		}
		for _, g := range gs {
			row := []cell{textCell(g.Key), textCell(groupLabel(g.Key, g.Name)), intCell(g.Rated)}
			for _, l := range sat.Levels {
				var gl Level
				for _, x := range g.Levels {
					if x.Level == l.Level {
						gl = x
						break
					}
				}
				row = append(row, intCell(gl.Count), shareOrEmpty(gl.Share, g.Rated))
			}
			t.rows = append(t.rows, row)
		}
		return t
	}
	return []table{
		levels,
		by("Mức độ hài lòng theo quầy", "Quầy", sat.ByCounter),
		by("Mức độ hài lòng theo cán bộ", "Cán bộ", sat.ByOfficial),
		by("Mức độ hài lòng theo đơn vị", "Đơn vị", sat.ByDepartment),
	}
}
