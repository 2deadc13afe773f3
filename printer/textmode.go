package printer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// EncodeTextMode returns the ESC/POS job that prints d (a Ticket or a
// Receipt, or a pointer to one) as text in the printer's own font: ESC @
// (and FS . when p.CancelKanji), the layout's lines centered or left and
// word-wrapped to p.Columns, then p's cut. It is a tenth of the bytes of a
// raster ticket, for printers on slow serial lines.
//
// Text is encoded in p.CodePage with ESC t switches where the table changes
// (EncodeText); with no code page the diacritics are folded away ("Số" is
// printed "So"). The ticket's number is printed four times wide and high
// (twice when it would not fit). The QR code is printed by the printer with
// GS ( k when p.NativeQR (module size chosen so the symbol is about half the
// paper wide, error correction M); otherwise the URL is printed as text.
//
// EncodeTextMode is pure: no clock, no I/O. It fails for a Document of
// another kind, an unknown code page, or a URL too long for a QR code on the
// paper.
func EncodeTextMode(d Document, p Profile) ([]byte, error) {
	if !ValidCodePage(p.CodePage) {
		return nil, fmt.Errorf("printer: text mode: unknown code page %q", p.CodePage)
	}
	j := newTextJob(p)
	if err := dispatch(d, "text mode", j.ticket, j.receipt); err != nil {
		var de *docError
		if errors.As(err, &de) {
			return nil, err
		}
		return nil, fmt.Errorf("printer: text mode %s: %w", d.Layout(), err)
	}
	j.w.Raw(jobCut(p)...)
	return j.w.Bytes(), nil
}

// textJob writes one text-mode job and remembers the character code table
// selected, so ESC t is sent only when a line needs another table.
type textJob struct {
	w     *libWriter
	p     Profile
	cols  int
	table int  // the table selected by ESC t, or NoTable for the power-on one
	align byte // the justification selected by ESC a: 0 left (ESC @ default), 1 center
}

func newTextJob(p Profile) *textJob {
	cols := p.Columns
	if cols <= 0 {
		cols = p.WidthDots / 12
	}
	if cols <= 0 {
		cols = 32
	}
	j := &textJob{w: newLibWriter(), p: p, cols: cols, table: NoTable}
	j.w.Init() // ESC @, through hennedo/escpos
	if p.CancelKanji {
		j.w.Raw(cmdCancelKanji...)
	}
	return j
}

// setAlign sends ESC a when the justification changes.
func (j *textJob) setAlign(center bool) {
	switch {
	case center && j.align != 1:
		j.w.Raw(cmdAlignCenter...)
		j.align = 1
	case !center && j.align != 0:
		j.w.Raw(cmdAlignLeft...)
		j.align = 0
	}
}

func (j *textJob) bold(on bool) {
	if on {
		j.w.Raw(cmdBoldOn...)
	} else {
		j.w.Raw(cmdBoldOff...)
	}
}

// text prints s word-wrapped to the columns left at character size mul
// (1 normal, 2 double, 4 quad), one LF per line. Blank s prints nothing.
func (j *textJob) text(s string, mul int) {
	for _, line := range wrapCells(j.p.CodePage, clean(s), j.cols/max(mul, 1)) {
		runs, _ := EncodeText(j.p.CodePage, line) // the code page was checked by EncodeTextMode
		for _, r := range runs {
			if r.Table != NoTable && r.Table != j.table {
				n := r.Table
				if j.p.CodePageTable != 0 {
					n = j.p.CodePageTable // the maker's number for the same table
				}
				j.w.Raw(selectTable(n)...)
				j.table = r.Table
			}
			j.w.Raw(r.Bytes...)
		}
		j.w.LF()
	}
}

// boldText prints s in emphasized mode.
func (j *textJob) boldText(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	j.bold(true)
	j.text(s, 1)
	j.bold(false)
}

func (j *textJob) rule() {
	j.w.Raw([]byte(strings.Repeat("-", j.cols))...)
	j.w.LF()
}

// number prints the queue number as large as fits: 4 × 4, else 2 × 2.
func (j *textJob) number(s string) {
	s = strings.TrimSpace(clean(s))
	if s == "" {
		return
	}
	mul := 4
	if cellWidth(j.p.CodePage, s)*4 > j.cols {
		mul = 2
	}
	j.w.Raw(charSize(mul, mul)...)
	j.text(s, mul)
	j.w.Raw(cmdSizeNormal...)
}

// Native QR sizing: the symbol is about half the paper wide, in modules of
// 4 to 8 dots (4 is the least a phone reads reliably on thermal paper).
const (
	textQRMinModule = 4
	textQRMaxModule = 8
)

// qr prints url as a native QR code (GS ( k) centered, with caption below,
// or, without native QR, the caption that says to open the URL and the URL.
func (j *textJob) qr(url, caption string) error {
	url = strings.TrimSpace(url)
	if url == "" {
		return nil
	}
	j.setAlign(true)
	if !j.p.NativeQR {
		j.text("Mở địa chỉ sau để tra cứu:", 1)
		j.text(url, 1)
		return nil
	}
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	modules := 17 + 4*q.VersionNumber
	width := j.p.WidthDots
	if width <= 0 {
		width = j.cols * 12
	}
	module := min(max((width/2)/modules, textQRMinModule), textQRMaxModule)
	if modules*module > width {
		return fmt.Errorf("qr code of %d modules does not fit %d dots with %d-dot modules: shorten the URL", modules, width, module)
	}
	b, err := appendQR(nil, url, module, qrECM)
	if err != nil {
		return err
	}
	j.w.Raw(b...)
	j.w.LF() // GS ( k 181 leaves the print position at the start of the line below the symbol
	j.text(caption, 1)
	return nil
}

// ticket writes a queue ticket, the same lines as the raster layout.
func (j *textJob) ticket(t Ticket) error {
	j.setAlign(true)
	j.boldText(t.Center)
	j.rule()
	j.text("SỐ THỨ TỰ", 1)
	j.number(t.Number)
	j.boldText(t.Service)
	j.text(t.Department, 1)
	j.text("Số người chờ trước: "+strconv.Itoa(max(t.WaitingAhead, 0)), 1)
	if t.EstimatedWait > 0 {
		j.text("Thời gian chờ dự kiến: khoảng "+strconv.Itoa(waitMinutes(t.EstimatedWait))+" phút", 1)
	}
	if strings.TrimSpace(t.Priority) != "" {
		j.boldText("Ưu tiên: " + t.Priority)
	}
	if !t.IssuedAt.IsZero() {
		j.text(issuedAt(t.IssuedAt), 1)
	}
	if err := j.qr(t.TrackURL, "Quét mã để theo dõi lượt của bạn (Zalo, camera)"); err != nil {
		return err
	}
	j.boldText("Vui lòng chờ gọi số và theo dõi màn hình")
	return nil
}

// receipt writes a dossier receipt, the same lines as the raster layout.
func (j *textJob) receipt(r Receipt) error {
	j.setAlign(true)
	j.boldText("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
	j.text(r.Center, 1)
	j.rule()
	j.setAlign(false)
	official, received, due := r.lines()
	for _, l := range []struct {
		label, value string
		bold         bool
	}{
		{"Mã hồ sơ: ", r.Code, true},
		{"Thủ tục: ", r.Procedure, false},
		{"Người nộp: ", r.Applicant, false},
		{"Nhận lúc: ", received, false},
		{"Hẹn trả: ", due, true},
		{"Nơi trả kết quả: ", r.Channel, false},
		{"Cán bộ tiếp nhận: ", official, false},
		{"Đường dây nóng: ", r.Hotline, false},
	} {
		switch {
		case strings.TrimSpace(l.value) == "":
		case l.bold:
			j.boldText(l.label + l.value)
		default:
			j.text(l.label+l.value, 1)
		}
	}
	if err := j.qr(r.TrackURL, "Quét mã bằng Zalo hoặc camera để tra cứu hồ sơ"); err != nil {
		return err
	}
	j.setAlign(true)
	j.boldText("Mang theo giấy này khi nhận kết quả")
	return nil
}

// cellWidth is the number of character cells s takes in code page cp: one
// a byte EncodeText makes (a WPC1258 tone mark takes a cell of its own).
func cellWidth(cp CodePage, s string) int {
	runs, _ := EncodeText(cp, s)
	n := 0
	for _, r := range runs {
		n += len(r.Bytes)
	}
	return n
}

// wrapCells splits s into lines of at most cols cells in code page cp,
// breaking at spaces and cutting words longer than a line between runes.
// Runs of spaces collapse.
func wrapCells(cp CodePage, s string, cols int) []string {
	cols = max(cols, 1)
	var lines []string
	var line strings.Builder
	width := 0
	flush := func() {
		if line.Len() > 0 {
			lines = append(lines, line.String())
			line.Reset()
			width = 0
		}
	}
	for _, w := range strings.Fields(s) {
		ww := cellWidth(cp, w)
		if ww > cols { // cut it: start on a fresh line, fill lines rune by rune
			flush()
			for _, r := range w {
				rw := cellWidth(cp, string(r))
				if width+rw > cols {
					flush()
				}
				line.WriteRune(r)
				width += rw
			}
			continue
		}
		switch {
		case width == 0:
		case width+1+ww <= cols:
			line.WriteByte(' ')
			width++
		default:
			flush()
		}
		line.WriteString(w)
		width += ww
	}
	flush()
	return lines
}
