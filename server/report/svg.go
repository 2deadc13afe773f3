package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// The charts are inline SVG for the report page and its print view: no
// script, no external font or stylesheet, role="img" with a Vietnamese
// <title> and a <desc> that reads the figures out for a screen reader. They
// are drawn in black and greys, so that they print the same on a black and
// white printer.

const (
	svgW, svgH = 640, 240
	svgInk     = "#000"
	svgBar     = "#555"
	svgGrid    = "#bbb"
)

// ChartLoadByHour is a bar chart of the tickets issued in each hour of the
// day, 7h to 17h, widened to any earlier or later hour that had tickets.
func ChartLoadByHour(s *Summary) template.HTML {
	lo, hi := 7, 17
	for h, g := range s.Queue.ByHour {
		if g.Issued > 0 {
			lo, hi = min(lo, h), max(hi, h)
		}
	}
	var labels, desc []string
	var values []int
	for h := lo; h <= hi; h++ {
		n := s.Queue.ByHour[h].Issued
		labels = append(labels, fmt.Sprintf("%dh", h))
		values = append(values, n)
		desc = append(desc, fmt.Sprintf("%dh: %s số", h, Number(n)))
	}
	return barChart("Số thứ tự đã cấp theo giờ", strings.Join(desc, "; "), "Giờ lấy số", labels, values)
}

// ChartWaits is a bar chart of the wait distribution, one bar for each
// bucket of the histogram, labelled with the bucket's label ("0–5 phút").
func ChartWaits(s *Summary) template.HTML {
	var labels, desc []string
	var values []int
	for _, b := range s.Queue.WaitHistogram {
		labels = append(labels, b.Label)
		values = append(values, b.Count)
		desc = append(desc, fmt.Sprintf("%s: %s lượt", b.Label, Number(b.Count)))
	}
	return barChart("Phân bố thời gian chờ", strings.Join(desc, "; "), "Thời gian chờ", labels, values)
}

// ChartSatisfaction is one horizontal bar for each satisfaction level, its
// length the level's share, labelled with the count and the share
// ("700 lượt – 86,2%").
func ChartSatisfaction(s *Summary) template.HTML {
	sat := &s.Satisfaction
	const title = "Tỷ lệ mức độ hài lòng"
	var desc []string
	for _, l := range sat.Levels {
		desc = append(desc, fmt.Sprintf("%s: %s lượt, %s", l.Label, Number(l.Count), Percent(l.Share)))
	}
	caption := title
	if sat.Rated > 0 {
		caption = fmt.Sprintf("%s (%s lượt đánh giá)", title, Number(sat.Rated))
	}
	var b strings.Builder
	if sat.Rated <= 0 || len(sat.Levels) == 0 {
		svgOpen(&b, title, "Không có lượt đánh giá nào.", caption)
		svgEmpty(&b, "Không có lượt đánh giá nào")
		b.WriteString("</svg>")
		return template.HTML(b.String())
	}
	svgOpen(&b, title, strings.Join(desc, "; ")+".", caption)
	const (
		top, bottom = 36, 12
		labelX      = 140 // right edge of the level names
		barX, barW  = 150, 320
	)
	rowH := min(40, (svgH-top-bottom)/len(sat.Levels))
	barH := max(rowH*3/5, 4)
	y0 := top + (svgH-top-bottom-rowH*len(sat.Levels))/2 // the rows centred under the caption
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, barX, y0, barX, y0+rowH*len(sat.Levels), svgInk)
	for i, l := range sat.Levels {
		y := y0 + i*rowH + (rowH-barH)/2
		mid := y + barH/2 + 4
		w := float64(barW) * float64(min(max(l.Share.Tenths, 0), 1000)) / 1000
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelX, mid, esc(l.Label))
		if w > 0 {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s" stroke="%s"/>`, barX, y, w, barH, svgBar, svgInk)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s lượt – %s</text>`, float64(barX)+w+6, mid, Number(l.Count), Percent(l.Share))
	}
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

// barChart draws values as vertical bars over labels, with a scale on the
// left and each bar's value above it.
func barChart(title, desc, axis string, labels []string, values []int) template.HTML {
	var b strings.Builder
	total := 0
	for _, v := range values {
		total += max(v, 0)
	}
	if total == 0 {
		svgOpen(&b, title, "Không có dữ liệu.", title)
		svgEmpty(&b, "Không có dữ liệu")
		b.WriteString("</svg>")
		return template.HTML(b.String())
	}
	svgOpen(&b, title, desc+".", title)
	const (
		left, right = 48, 12
		top, bottom = 36, 40
	)
	plotW, plotH := svgW-left-right, svgH-top-bottom
	top0 := 0
	for _, v := range values {
		top0 = max(top0, v)
	}
	step := niceStep(top0)
	scale := step * ((top0 + step - 1) / step)
	y := func(v int) float64 { return float64(top) + float64(plotH)*(1-float64(v)/float64(scale)) }
	for v := 0; v <= scale; v += step {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-dasharray="3 3"/>`, left, y(v), left+plotW, y(v), svgGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, left-6, y(v)+4, Number(v))
	}
	slot := float64(plotW) / float64(len(values))
	barW := slot * 0.7
	for i, v := range values {
		x := float64(left) + slot*float64(i) + (slot-barW)/2
		cx := x + barW/2
		if v > 0 {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="%s"/>`, x, y(v), barW, y(0)-y(v), svgBar, svgInk)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, cx, y(v)-4, Number(v))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, cx, top+plotH+16, esc(labels[i]))
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, left, top+plotH, left+plotW, top+plotH, svgInk)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-style="italic">%s</text>`, left+plotW, svgH-4, esc(axis))
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

// niceStep is a gridline step of 1, 2 or 5 times a power of ten that
// divides 0..top into at most four bands.
func niceStep(top int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if top <= 4*m*p {
				return m * p
			}
		}
	}
}

// svgOpen starts a chart: the accessible title and description, then the
// visible caption.
func svgOpen(b *strings.Builder, title, desc, caption string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12" fill="%s" style="max-width:100%%;height:auto">`,
		svgW, svgH, svgW, svgH, svgInk)
	fmt.Fprintf(b, `<title>%s</title><desc>%s</desc>`, esc(title), esc(desc))
	fmt.Fprintf(b, `<text x="8" y="18" font-size="14" font-weight="bold">%s</text>`, esc(caption))
}

func svgEmpty(b *strings.Builder, msg string) {
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle" font-style="italic">%s</text>`, svgW/2, svgH/2, esc(msg))
}

// esc escapes text for an SVG text node or attribute.
func esc(s string) string { return html.EscapeString(s) }
