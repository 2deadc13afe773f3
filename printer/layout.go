package printer

import (
	"errors"
	"fmt"
	"image"
	"strconv"
	"strings"
	"time"
	"unicode"

	qrcode "github.com/skip2/go-qrcode"
)

// Render lays out d (a Ticket or a Receipt, or a pointer to one) for p's
// paper and rasterises it: a bitmap p.WidthDots wide (rounded down to a
// multiple of 8), as tall as its content, to send with EncodeRaster.
//
// Text is drawn with the embedded font, word-wrapped between margins;
// nothing is drawn as a large black area (no banners, no reversed text), so
// the print head never has to heat a whole row for long. The TrackURL
// becomes a QR code (error correction M) of whole square modules of at
// least 4 dots, with a 4-module quiet zone, about half the paper wide.
//
// Render is pure and deterministic: no clock, no I/O; times are printed as
// given, already in the center's local time. It fails for a Document of
// another kind, paper narrower than 256 dots, and a TrackURL too long for
// a readable QR code on the paper.
func Render(d Document, p Profile) (*Bitmap, error) {
	c, err := render(d, p, false)
	if err != nil {
		return nil, err
	}
	return c.b, nil
}

// nativeQR is a QR code left for the printer to draw with GS ( k: its
// data, and the module size in dots the raster layout gave it, so the
// printer's symbol is as wide as the one Render draws.
type nativeQR struct {
	data   string
	module int
}

// renderParts lays out d like Render, but leaves the QR code out: top is
// the bitmap above the symbol (its quiet zone included, as blank rows at its
// bottom), qr the symbol for GS ( k, and bottom the bitmap below it (its
// quiet zone first). A printer that draws the symbol itself, exactly
// module × modules dots tall, prints top, the symbol and bottom with the
// spacing of Render's bitmap, which is top, the symbol's rows and bottom
// one under the other. Without a QR code (no TrackURL), qr.data is empty
// and bottom nil: top is all of Render's bitmap.
func renderParts(d Document, p Profile) (top *Bitmap, qr nativeQR, bottom *Bitmap, err error) {
	c, err := render(d, p, true)
	if err != nil {
		return nil, nativeQR{}, nil, err
	}
	if c.qrData == "" {
		return c.b, nativeQR{}, nil, nil
	}
	return c.b.rows(0, c.qrTop), nativeQR{data: c.qrData, module: c.qrModule}, c.b.rows(c.qrBottom, c.b.H), nil
}

// render lays out d on a new canvas; with splitQR the QR code's modules
// are not drawn, and where the symbol would be is recorded on the canvas.
func render(d Document, p Profile, splitQR bool) (*canvas, error) {
	w := p.WidthDots &^ 7
	if w < minRenderWidth {
		return nil, fmt.Errorf("printer: render: paper width %d dots, want at least %d", p.WidthDots, minRenderWidth)
	}
	c := newCanvas(w)
	c.splitQR = splitQR
	if err := dispatch(d, "render", c.ticket, c.receipt); err != nil {
		var de *docError
		if errors.As(err, &de) {
			return nil, err
		}
		return nil, fmt.Errorf("printer: render %s: %w", d.Layout(), err)
	}
	c.b.H = min(c.b.H, c.y)
	c.b.Pix = c.b.Pix[:c.b.H*c.b.Stride()]
	return c, nil
}

// minRenderWidth is the narrowest paper Render lays out, in dots: below it
// a 4-dot-module QR code of a ticket URL no longer fits.
const minRenderWidth = 256

// Layout constants, in dots (8 dots = 1 mm at 203 dpi).
const (
	qrMinModule    = 4  // smallest QR module: phone cameras need ≥ 0.5 mm modules on thermal paper
	qrQuietModules = 4  // the quiet zone the QR specification asks for, in modules
	qrWidthPercent = 55 // QR code symbol at most this share of the paper width
	// qrModuleDots is the module size aimed at: 6 dots (0.75 mm) makes a
	// ticket URL's 33-module code 25 mm wide, read at arm's length by any
	// phone camera and Zalo, at a fifth of the bytes of a 9-dot code.
	qrModuleDots       = 6
	ruleDash           = 12  // dashed rule: dash length
	ruleGap            = 6   // dashed rule: gap between dashes
	ruleThickness      = 2   // dashed rule: thickness
	digitHeightPerK    = 729 // DejaVu Sans digit height, per thousand of the em
	numberWidthPercent = 72  // the queue number takes at most this share of the width between the margins
)

// metrics are the sizes of one paper width, in dots.
type metrics struct {
	margin      int // left and right margin
	title       int // em size of titles and the center's name (bold)
	body        int // em size of body text
	small       int // em size of captions
	numberDigit int // digit height of the queue number
	lineGap     int // extra space between lines of one paragraph
	paraGap     int // space between paragraphs
}

func metricsFor(w int) metrics {
	if w >= 512 { // 80 mm paper, 576 dots
		return metrics{margin: 12, title: 26, body: 24, small: 22, numberDigit: 136, lineGap: 2, paraGap: 10}
	}
	// 58 mm paper, 384 dots: the same text would give too few columns.
	return metrics{margin: 8, title: 24, body: 22, small: 20, numberDigit: 108, lineGap: 2, paraGap: 8}
}

// canvas is a bitmap that grows downwards as the layout adds lines.
type canvas struct {
	b *Bitmap
	m metrics
	y int // top of the next line

	// splitQR leaves the QR code's modules undrawn for the printer to
	// draw natively: qr records its data and module size, and the rows
	// [qrTop, qrBottom) the symbol takes (without its quiet zone).
	splitQR         bool
	qrData          string
	qrModule        int
	qrTop, qrBottom int
}

func newCanvas(w int) *canvas {
	b := NewBitmap(w, 0)
	b.Pix = make([]byte, 0, w/8*1200) // a ticket is about 1000 rows
	return &canvas{b: b, m: metricsFor(w)}
}

type align int

const (
	alignLeft align = iota
	alignCenter
)

// gap adds h blank rows.
func (c *canvas) gap(h int) { c.y += h }

// ensure grows the bitmap to hold rows up to c.y+h.
func (c *canvas) ensure(h int) {
	if need := c.y + h - c.b.H; need > 0 {
		c.b.grow(need)
	}
}

// text draws s word-wrapped to the width between the margins, one line
// under the other. Empty text draws nothing.
func (c *canvas) text(s string, style fontStyle, size int, a align) error {
	f, err := getFace(style, size)
	if err != nil {
		return err
	}
	avail := c.b.W - 2*c.m.margin
	s = clean(s)
	lines := wrapDots(f, s, avail)
	if a == alignCenter && len(lines) > 1 {
		lines = balance(f, s, avail, len(lines))
	}
	for _, line := range lines {
		h := f.ascent + f.descent
		c.ensure(h)
		x := c.m.margin
		if a == alignCenter {
			x = (c.b.W - f.width(line)) / 2
		}
		f.draw(c.b, line, x, c.y+f.ascent)
		c.y += h + c.m.lineGap
	}
	return nil
}

// number draws s, the queue number, centered and as large as the paper
// allows: digits c.m.numberDigit dots tall, smaller when s would take more
// than numberWidthPercent of the width (wider, the bold strokes of four
// digits would heat most of the head for dozens of rows). Only the ink
// takes room, not the font's line height.
func (c *canvas) number(s string) error {
	s = strings.Join(strings.Fields(clean(s)), " ")
	if s == "" {
		return nil
	}
	avail := (c.b.W - 2*c.m.margin) * numberWidthPercent / 100
	size := c.m.numberDigit * 1000 / digitHeightPerK
	f, err := getFace(styleBold, size)
	if err != nil {
		return err
	}
	// Shrink in whole dots to fit the width, then step down until it does:
	// the advance does not scale exactly with the size after rounding. A
	// "number" too long even at the title's size is wrapped like a title.
	if w := f.width(s); w > avail {
		size = max(size*avail/w, c.m.title)
		for {
			if f, err = getFace(styleBold, size); err != nil {
				return err
			}
			if f.width(s) <= avail {
				break
			}
			if size <= c.m.title {
				return c.text(s, styleBold, c.m.title, alignCenter)
			}
			size--
		}
	}
	top, bottom := f.inkExtent(s)
	c.ensure(bottom - top)
	f.draw(c.b, s, (c.b.W-f.width(s))/2, c.y-top)
	c.y += bottom - top
	return nil
}

// rule draws a thin dashed line across the width between the margins.
func (c *canvas) rule() {
	c.ensure(ruleThickness)
	for x := c.m.margin; x < c.b.W-c.m.margin; x += ruleDash + ruleGap {
		c.b.fillRect(image.Rect(x, c.y, min(x+ruleDash, c.b.W-c.m.margin), c.y+ruleThickness))
	}
	c.y += ruleThickness
}

// qr draws content as a centered QR code of whole square modules, with
// its quiet zone above and below (the margins beside it are wider).
func (c *canvas) qr(content string) error {
	if content == "" {
		return nil
	}
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	q.DisableBorder = true // the quiet zone is drawn here, in whole modules
	mods := q.Bitmap()
	n := len(mods)
	module := qrModule(n, c.b.W)
	if module < qrMinModule {
		return fmt.Errorf("qr code of %d modules does not fit %d dots with %d-dot modules: shorten the URL", n, c.b.W, qrMinModule)
	}
	quiet := qrQuietModules * module
	c.gap(quiet)
	c.ensure(n * module)
	if c.splitQR {
		if c.qrData != "" {
			return errors.New("a second qr code: only one can be printed natively")
		}
		c.qrData, c.qrModule = content, module
		c.qrTop, c.qrBottom = c.y, c.y+n*module
		c.y += n*module + quiet
		return nil
	}
	x0 := (c.b.W - n*module) / 2
	for my, row := range mods {
		for mx, on := range row {
			if on {
				x, y := x0+mx*module, c.y+my*module
				c.b.fillRect(image.Rect(x, y, x+module, y+module))
			}
		}
	}
	c.y += n*module + quiet
	return nil
}

// qrModule is the module size in dots of an n-module QR code on paper w
// dots wide: qrModuleDots, or less where the symbol would pass
// qrWidthPercent of the width or the symbol with its quiet zone the paper.
// Less than qrMinModule means it does not fit.
func qrModule(n, w int) int {
	m := min(qrModuleDots, w*qrWidthPercent/100/n)
	return min(m, w/(n+2*qrQuietModules))
}

// wrapDots splits s into lines at most avail dots wide, breaking at spaces
// and cutting words wider than a line between letters.
func wrapDots(f *face, s string, avail int) []string {
	var lines []string
	line, lineW := "", 0
	space := f.width(" ")
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }) {
		ww := f.width(w)
		for ww > avail {
			if line != "" {
				lines = append(lines, line)
				line, lineW = "", 0
			}
			head, rest := cutToWidth(f, w, avail)
			lines = append(lines, head)
			w, ww = rest, f.width(rest)
		}
		switch {
		case w == "":
		case line == "":
			line, lineW = w, ww
		case lineW+space+ww <= avail:
			line += " " + w
			lineW += space + ww
		default:
			lines = append(lines, line)
			line, lineW = w, ww
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// balance wraps s into n lines as even as it can: centered text reads
// better as two half lines than as a full line and a lone word. It finds
// the narrowest width that still gives n lines.
func balance(f *face, s string, avail, n int) []string {
	lo, hi := 1, avail // wrapping at hi gives n lines
	for lo < hi {
		mid := (lo + hi) / 2
		if len(wrapDots(f, s, mid)) <= n {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return wrapDots(f, s, hi)
}

// cutToWidth splits w after as many runes as fit in avail dots (at least one).
func cutToWidth(f *face, w string, avail int) (head, rest string) {
	x := 0
	for i, r := range w {
		adv := f.glyph(r).advance
		if x+adv > avail && i > 0 {
			return w[:i], w[i:]
		}
		x += adv
	}
	return w, ""
}

// clean replaces control characters (newlines, tabs, escapes) and every
// space but the no-break space with a plain space: a layout decides its
// own lines, and lines break only at plain spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r != nbsp && (unicode.IsControl(r) || unicode.IsSpace(r) || r == unicode.ReplacementChar) {
			return ' '
		}
		return r
	}, s)
}

// nbsp is the no-break space: the layouts glue words with it that read
// badly apart ("25 phút").
const nbsp = '\u00A0'

// ticket lays out a queue ticket.
func (c *canvas) ticket(t Ticket) error {
	m := c.m
	steps := []func() error{
		func() error { c.gap(m.paraGap); return c.text(t.Center, styleBold, m.title, alignCenter) },
		func() error { c.gap(m.paraGap); c.rule(); c.gap(m.paraGap * 2); return nil },
		func() error { return c.text("SỐ THỨ TỰ", styleBold, m.body, alignCenter) },
		func() error { c.gap(m.paraGap * 2); return c.number(t.Number) },
		func() error { c.gap(m.paraGap * 2); return c.text(t.Service, styleBold, m.body, alignCenter) },
		func() error { return c.text(t.Department, styleRegular, m.body, alignCenter) },
		func() error {
			c.gap(m.paraGap)
			return c.text("Số người chờ trước: "+strconv.Itoa(max(t.WaitingAhead, 0)), styleRegular, m.body, alignCenter)
		},
		func() error {
			if t.EstimatedWait <= 0 {
				return nil
			}
			return c.text("Thời gian chờ dự\u00A0kiến: khoảng\u00A0"+strconv.Itoa(waitMinutes(t.EstimatedWait))+"\u00A0phút", styleRegular, m.body, alignCenter)
		},
		func() error {
			if strings.TrimSpace(t.Priority) == "" {
				return nil
			}
			return c.text("Ưu tiên: "+t.Priority, styleBold, m.body, alignCenter)
		},
		func() error {
			if t.IssuedAt.IsZero() {
				return nil
			}
			return c.text(issuedAt(t.IssuedAt), styleRegular, m.body, alignCenter)
		},
		func() error {
			if t.TrackURL == "" {
				return nil
			}
			if err := c.qr(t.TrackURL); err != nil {
				return err
			}
			return c.text("Quét mã để theo dõi lượt của bạn (Zalo, camera)", styleRegular, m.small, alignCenter)
		},
		func() error {
			c.gap(m.paraGap)
			return c.text("Vui lòng chờ gọi số và theo dõi màn hình", styleBold, m.small, alignCenter)
		},
	}
	return run(steps)
}

// receipt lays out a dossier receipt.
func (c *canvas) receipt(r Receipt) error {
	m := c.m
	line := func(label, value string, style fontStyle) func() error {
		return func() error {
			if strings.TrimSpace(value) == "" {
				return nil
			}
			return c.text(label+value, style, m.body, alignLeft)
		}
	}
	official, received, due := r.lines()
	steps := []func() error{
		func() error {
			c.gap(m.paraGap)
			return c.text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", styleBold, m.title, alignCenter)
		},
		func() error { return c.text(r.Center, styleRegular, m.body, alignCenter) },
		func() error { c.gap(m.paraGap); c.rule(); c.gap(m.paraGap); return nil },
		line("Mã hồ sơ: ", r.Code, styleBold),
		line("Thủ tục: ", r.Procedure, styleRegular),
		line("Người nộp: ", r.Applicant, styleRegular),
		line("Nhận lúc: ", received, styleRegular),
		line("Hẹn trả: ", due, styleBold),
		line("Nơi trả kết quả: ", r.Channel, styleRegular),
		line("Cán bộ tiếp nhận: ", official, styleRegular),
		line("Đường dây nóng: ", r.Hotline, styleRegular),
		func() error {
			if r.TrackURL == "" {
				return nil
			}
			if err := c.qr(r.TrackURL); err != nil {
				return err
			}
			return c.text("Quét mã bằng Zalo hoặc camera để tra cứu hồ sơ", styleRegular, m.small, alignCenter)
		},
		func() error {
			c.gap(m.paraGap)
			return c.text("Mang theo giấy này khi nhận kết quả", styleBold, m.small, alignCenter)
		},
	}
	return run(steps)
}

func run(steps []func() error) error {
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

// waitMinutes rounds d to whole minutes, at least 1.
func waitMinutes(d time.Duration) int {
	return max(int((d+30*time.Second)/time.Minute), 1)
}

// vnWeekdays are the Vietnamese names of the days, indexed by time.Weekday.
var vnWeekdays = [...]string{"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// issuedAt formats a ticket's time: "15:04 — Thứ Sáu, ngày 27/11/2026".
func issuedAt(t time.Time) string {
	return t.Format("15:04") + " — " + vnWeekdays[t.Weekday()] + ", ngày " + t.Format("02/01/2006")
}

// vnDateTime formats a receipt's time as Vietnamese forms write it:
// "09 giờ 05 phút, ngày 05/02/2026".
func vnDateTime(t time.Time) string {
	return fmt.Sprintf("%02d giờ %02d phút, ngày %s", t.Hour(), t.Minute(), t.Format("02/01/2006"))
}
