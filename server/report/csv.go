package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
)

// CSV writes the report as one CSV file: UTF-8 with a byte order mark (so
// that Excel reads the diacritics right), comma separated, CRLF line ends.
// The file is a run of sections, each a title line, a heading line and its
// rows, then an empty line: the summary figures; the queue by service,
// counter, official and hour and the wait distribution; Biểu II.06a by
// department and by field; the satisfaction levels, overall and by counter,
// official and department.
//
// Counts are plain integers ("1234"), so that a program reads them back
// without guessing the separator; durations are "h:mm:ss", shares "92,7%".
// A heading under a group reads "Đã giải quyết: Trước hạn".
func CSV(w io.Writer, s *Summary) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return fmt.Errorf("report csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	write := func(rec ...string) { _ = cw.Write(rec) } // errors stick in cw; checked below

	write(reportTitle)
	for _, m := range reportMeta(s) {
		write(m[0], m[1])
	}
	write()
	for _, sh := range sheets(s) {
		for _, t := range sh.tables {
			write(t.title)
			heads := make([]string, len(t.cols))
			for i, c := range t.cols {
				heads[i] = c.heading()
			}
			write(heads...)
			for _, row := range t.rows {
				rec := make([]string, len(row))
				for i, c := range row {
					rec[i] = csvCell(c)
				}
				write(rec...)
			}
			if t.note != "" {
				write(t.note)
			}
			write()
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report csv: %w", err)
	}
	return nil
}

func csvCell(c cell) string {
	switch c.kind {
	case cellText:
		return c.s
	case cellInt:
		return strconv.Itoa(c.n)
	case cellSeconds:
		return hms(c.f)
	case cellShare:
		return Percent(Share{Tenths: c.n})
	}
	return ""
}

// hms formats seconds as "1:02:05", rounded to the second.
func hms(seconds float64) string {
	if math.IsNaN(seconds) || seconds < 0 {
		seconds = 0
	}
	if seconds > math.MaxInt32 {
		seconds = math.MaxInt32
	}
	s := int(math.Round(seconds))
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
