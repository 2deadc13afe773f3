package report

import (
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// XLSX writes the report as an Excel workbook with four sheets: "Tổng hợp"
// (the summary figures), "Hàng chờ" (the queue by service, counter, official
// and hour, and the wait distribution), "Hồ sơ (Biểu II.06a)" (by department
// and by field, with the form's two heading rows) and "Hài lòng" (the
// satisfaction levels, overall and by counter, official and department).
// The tables are those of the CSV. Counts are numbers, shares are numbers
// formatted "0.0%" (Excel shows 92,7% in a Vietnamese locale), durations are
// day fractions formatted "[h]:mm:ss".
func XLSX(w io.Writer, s *Summary) error {
	f := excelize.NewFile()
	defer f.Close()
	x, err := newXLSXWriter(f)
	if err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	for i, sh := range sheets(s) {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), sh.name)
		} else {
			_, err = f.NewSheet(sh.name)
		}
		if err != nil {
			return fmt.Errorf("report xlsx: sheet %s: %w", sh.name, err)
		}
		var meta [][2]string
		if i == 0 {
			meta = reportMeta(s)
		}
		if err := x.sheet(sh, meta); err != nil {
			return fmt.Errorf("report xlsx: sheet %s: %w", sh.name, err)
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	return nil
}

type xlsxWriter struct {
	f                         *excelize.File
	title, caption, head, key int
	note                      int
	cells                     [2][cellShare + 1]int // [bold][kind]
}

func newXLSXWriter(f *excelize.File) (*xlsxWriter, error) {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	pct, dur := "0.0%", "[h]:mm:ss"
	x := &xlsxWriter{f: f}
	var err error
	style := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	x.title = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	x.caption = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}})
	x.key = style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	x.note = style(&excelize.Style{Font: &excelize.Font{Italic: true}})
	x.head = style(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	for b := range 2 {
		font := &excelize.Font{Bold: b == 1}
		x.cells[b][cellEmpty] = style(&excelize.Style{Font: font, Border: border})
		x.cells[b][cellText] = style(&excelize.Style{Font: font, Border: border, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
		x.cells[b][cellInt] = style(&excelize.Style{Font: font, Border: border, NumFmt: 3}) // #,##0
		x.cells[b][cellSeconds] = style(&excelize.Style{Font: font, Border: border, CustomNumFmt: &dur})
		x.cells[b][cellShare] = style(&excelize.Style{Font: font, Border: border, CustomNumFmt: &pct})
	}
	return x, err
}

// sheet writes sh's tables one under the other, each with its caption, its
// heading rows and a blank row after it, meta lines first.
func (x *xlsxWriter) sheet(sh sheet, meta [][2]string) error {
	f, name := x.f, sh.name
	var widths []int
	widen := func(col, w int) {
		for len(widths) <= col {
			widths = append(widths, 0)
		}
		widths[col] = max(widths[col], w)
	}
	r := 1
	set := func(col, row int, v any, style int) error {
		ref, err := excelize.CoordinatesToCellName(col+1, row)
		if err != nil {
			return err
		}
		if v != nil {
			if err := f.SetCellValue(name, ref, v); err != nil {
				return err
			}
		}
		return f.SetCellStyle(name, ref, ref, style)
	}
	if meta != nil {
		if err := set(0, r, reportTitle, x.title); err != nil {
			return err
		}
		r++
		for _, m := range meta {
			if err := set(0, r, m[0], x.key); err != nil {
				return err
			}
			if err := set(1, r, m[1], 0); err != nil {
				return err
			}
			r++
		}
		r++
	}
	for _, t := range sh.tables {
		if err := set(0, r, t.title, x.caption); err != nil {
			return err
		}
		r++
		if err := x.heading(name, r, &t, set, widen); err != nil {
			return err
		}
		if t.grouped() {
			r += 2
		} else {
			r++
		}
		for _, row := range t.rows {
			bold := 0
			for _, c := range row {
				if c.kind == cellText && c.s == "Tổng cộng" {
					bold = 1
				}
			}
			for i, c := range row {
				if err := set(i, r, xlsxValue(c), x.cells[bold][c.kind]); err != nil {
					return err
				}
				widen(i, utf8.RuneCountInString(csvCell(c)))
			}
			r++
		}
		if t.note != "" {
			if err := set(0, r, t.note, x.note); err != nil {
				return err
			}
			r++
		}
		r++
	}
	for i, w := range widths {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(name, col, col, float64(min(max(w+2, 8), 40))); err != nil {
			return err
		}
	}
	return nil
}

// heading writes t's heading at row r: one row, or for a grouped table two,
// the group's name merged over its columns and an ungrouped column's name
// merged over both rows, as Biểu II.06a prints them.
func (x *xlsxWriter) heading(sheet string, r int, t *table, set func(col, row int, v any, style int) error, widen func(col, w int)) error {
	f := x.f
	merge := func(c0, r0, c1, r1 int) error {
		a, err := excelize.CoordinatesToCellName(c0+1, r0)
		if err != nil {
			return err
		}
		b, err := excelize.CoordinatesToCellName(c1+1, r1)
		if err != nil {
			return err
		}
		return f.MergeCell(sheet, a, b)
	}
	if !t.grouped() {
		for i, c := range t.cols {
			if err := set(i, r, c.name, x.head); err != nil {
				return err
			}
			widen(i, min(utf8.RuneCountInString(c.name), 24))
		}
		return nil
	}
	for i := 0; i < len(t.cols); {
		c := t.cols[i]
		if c.group == "" {
			if err := set(i, r, c.name, x.head); err != nil {
				return err
			}
			if err := set(i, r+1, nil, x.head); err != nil {
				return err
			}
			if err := merge(i, r, i, r+1); err != nil {
				return err
			}
			widen(i, min(utf8.RuneCountInString(c.name), 24))
			i++
			continue
		}
		j := i
		for j < len(t.cols) && t.cols[j].group == c.group {
			if err := set(j, r, nil, x.head); err != nil {
				return err
			}
			if err := set(j, r+1, t.cols[j].name, x.head); err != nil {
				return err
			}
			widen(j, min(utf8.RuneCountInString(t.cols[j].name), 24))
			j++
		}
		if err := set(i, r, c.group, x.head); err != nil {
			return err
		}
		if j-i > 1 {
			if err := merge(i, r, j-1, r); err != nil {
				return err
			}
		}
		i = j
	}
	return nil
}

// xlsxValue is c's value as the workbook stores it: nil leaves the cell
// empty.
func xlsxValue(c cell) any {
	switch c.kind {
	case cellText:
		return c.s
	case cellInt:
		return c.n
	case cellSeconds:
		s := c.f
		if math.IsNaN(s) || s < 0 {
			s = 0
		}
		return math.Round(s) / 86400 // a day fraction, shown [h]:mm:ss
	case cellShare:
		return float64(c.n) / 1000
	}
	return nil
}
