package printer

import (
	"errors"
	"fmt"
	"image"
	"sync"
	"unicode/utf8"

	"github.com/skip2/go-qrcode"
)

// This file is a small ESC/POS interpreter: it executes the commands motcua
// sends (and skips, by their known length, the common ones it does not) and
// draws what a 203 dpi thermal printer would print. The virtual printer uses
// it for the PNG beside each job; tests use it to check what a stream
// prints, not only its bytes. Command semantics follow the Epson ESC/POS
// Command Reference (https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/),
// section named after each command; where printers differ, the comment says
// which behaviour is modelled.

// ESC/POS prefixes.
const (
	ipDLE = 0x10
	ipESC = 0x1B
	ipFS  = 0x1C
	ipGS  = 0x1D
)

// Interpreter limits and defaults.
const (
	// DefaultMaxRows is the longest page Interpret draws, in dots: about
	// 2.5 m of paper at 203 dpi, a hundred tickets. A stream that feeds
	// further is an error, so a runaway stream costs bounded memory (at
	// 576 dots, 11.5 MB).
	DefaultMaxRows = 20000
	// MaxInterpretWidth is the widest paper Interpret accepts, in dots:
	// wider than any roll printer (112 mm paper at 203 dpi is 832 dots).
	MaxInterpretWidth = 1024

	// ipLineSpacing is ESC 2's "default line spacing", in dots: 30 dots
	// (3.75 mm) on the Epson TM-T20/T82 and their clones at 203 dpi.
	ipLineSpacing = 30
	// ipMaxEvents caps each of Page's lists, so that a stream of a million
	// queries cannot grow them without end; the rest are counted.
	ipMaxEvents = 1000
	// ipMaxQRData is the most data GS ( k function 180 stores for a QR
	// code (Epson: 7089 numeric characters).
	ipMaxQRData = 7089
)

// Interpreter executes ESC/POS byte streams into pictures of the paper.
// Its zero value interprets for 80 mm paper (576 dots).
type Interpreter struct {
	// WidthDots is the printable width in dots; 0 means 576 (80 mm paper).
	WidthDots int
	// CodePage is the printer's Vietnamese code page, used to decode text
	// bytes from 0x80 up (DecodeText). CodePageNone infers it from the
	// table ESC t selects: 30 and 31 are TCVN-3, 52 is WPC1258.
	CodePage CodePage
	// Kanji starts in Kanji (double-byte) mode, as Chinese-market clones
	// do until they receive FS . (1C 2E): a byte from 0x81 up then takes
	// the next byte with it and both print as one wide unknown character.
	Kanji bool
	// MaxRows caps the page height in dots; 0 means DefaultMaxRows.
	MaxRows int
}

// Page is what a printer would make of a stream: the printed paper and the
// commands that printed nothing.
type Page struct {
	// Image is the paper, black dots 0 and white 255, WidthDots wide and
	// as tall as the paper advanced (at least one row).
	Image *image.Gray
	// Text is the text printed, one line per printed line of the line
	// buffer, each ending in "\n"; a character the interpreter cannot show
	// (a Kanji, a byte the code page lacks) is U+FFFD. Images are not in it.
	Text string
	// Used is the width the stream needs, in dots: the widest text line,
	// image or QR code plus the left margin, whatever the alignment. A
	// stream made for narrower paper has a smaller Used.
	Used int
	// Cuts are the cuts in stream order.
	Cuts []Cut
	// Queries are the status and completion requests a printer would
	// answer: DLE EOT n, GS r n, GS ( H, GS I n, GS ( k function 182.
	Queries []Command
	// Notes are commands that drew nothing (skipped by their length) or
	// that a real printer may treat differently, e.g. text left in the
	// print buffer at the end of the stream.
	Notes []Command
	// Omitted counts the cuts, queries and notes beyond the first 1000 of
	// each list.
	Omitted int
}

// Cut is a paper cut.
type Cut struct {
	Offset  int  // offset of the cut command in the stream
	Row     int  // image row the cut falls on, after the command's feed
	Partial bool // partial cut (one point left uncut)
}

// Command is one command of a stream.
type Command struct {
	Offset int    // offset of its first byte in the stream
	Name   string // e.g. "DLE EOT 1", "GS ( H", "ESC p"
	Note   string // what the interpreter did with it, for Notes; may be empty
}

// InterpretError reports where and why Interpret stopped: an unknown
// command (whose length is unknown, so nothing after it can be trusted), a
// command cut short by the end of the stream, or a page longer than the cap.
type InterpretError struct {
	Offset int    // offset of the offending command; len(data) for text left at the end
	Bytes  []byte // its first bytes, at most 8
	Err    error  // errUnknownCommand, errTruncated or errPageTooLong, wrapped with details
}

func (e *InterpretError) Error() string {
	return fmt.Sprintf("escpos: offset %d (% X): %v", e.Offset, e.Bytes, e.Err)
}

func (e *InterpretError) Unwrap() error { return e.Err }

var (
	errUnknownCommand = errors.New("unknown command")
	errTruncated      = errors.New("command cut short by the end of the stream")
	errPageTooLong    = errors.New("page too long")
)

// Interpret executes data on a printer widthDots wide with the defaults of
// Interpreter. See Interpreter.Run.
func Interpret(data []byte, widthDots int) (*Page, error) {
	return Interpreter{WidthDots: widthDots}.Run(data)
}

// Run executes data and returns the page it prints.
//
// It executes ESC @, ESC a, ESC ! and GS ! (font, emphasis, size), ESC E,
// ESC G, ESC -, ESC M, ESC SP, ESC 2/ESC 3 (line spacing), LF, HT, ESC J,
// ESC d, ESC t (text decoded with DecodeText), FS . and FS &, GS L and GS W
// (print area: margin and width, in which ESC a places lines), GS v 0 raster
// images (all four densities), GS ( k QR codes (model 2: module size, error
// correction, store, print; drawn with go-qrcode, so decodable but not
// dot-for-dot the printer's) and GS V, ESC i, ESC m cuts. Queries (DLE EOT,
// GS r, GS ( H, GS I) are listed in Queries. Other common commands (drawer
// kick, barcodes, NV images, page mode, motion units...) are skipped by their
// length and listed in Notes; undefined control bytes are ignored, as
// printers do.
//
// Text prints in 12 × 24 dot cells (font A; 9 × 17 for font B), one cell
// per byte, drawn with the embedded font; a character the font lacks is a
// box. Text waits in the line buffer until LF, ESC J, ESC d, a cut, an
// image or a full line prints it; lines of mixed sizes align at the bottom.
//
// Run fails with an *InterpretError on an unknown command, a truncated one
// or a page longer than MaxRows; the Page returned with the error holds
// what was printed before it. Run never panics and takes time linear in
// len(data) and the page area.
func (in Interpreter) Run(data []byte) (*Page, error) {
	w := in.WidthDots
	if w == 0 {
		w = 576
	}
	if w < 1 || w > MaxInterpretWidth {
		return nil, fmt.Errorf("escpos: paper width %d dots: want 1 to %d", w, MaxInterpretWidth)
	}
	maxRows := in.MaxRows
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	st := &interpState{data: data, w: w, maxRows: maxRows, cp: in.CodePage, kanji: in.Kanji, page: &Page{}}
	st.reset()
	err := st.loop()
	if err == nil && len(st.line) > 0 {
		st.note(len(data), "text", "left in the print buffer at the end of the stream: a printer prints it only with a later line feed; drawn here")
		if err = st.printLine(0); err != nil {
			err = &InterpretError{Offset: len(data), Err: fmt.Errorf("text at the end of the stream: %w", err)}
		}
	}
	st.finish()
	return st.page, err
}

// ipCell is one character cell waiting in the line buffer.
type ipCell struct {
	r           rune // the character; ipBox for an unknown one, ' ' for tab space
	w, h        int  // cell size in dots, magnification and right spacing included
	baseW       int  // unmagnified cell width without right spacing
	baseH       int  // unmagnified cell height
	magW, magH  int
	fontB, bold bool
	underline   int // 0, 1 or 2 dots
}

// ipBox is the rune for "a character the printer has but the interpreter
// cannot show" (e.g. a Kanji), drawn as a box.
const ipBox = -1

type interpState struct {
	data    []byte
	pos     int
	w       int
	maxRows int
	cp      CodePage
	page    *Page

	pix  []byte // the paper so far: rows of w gray dots, 0xFF white
	rows int    // rows in pix
	y    int    // top of the next line, in dots from the top of the paper

	// print modes, reset by ESC @
	align      int // 0 left, 1 center, 2 right
	fontB      bool
	bold       bool // ESC E or ESC ! bit 3
	strike     bool // ESC G
	underline  int
	magW, magH int
	spacing    int
	rightSpace int
	margin     int // GS L, in dots from the left edge of the paper
	areaW      int // GS W, in dots from the margin
	ax0, ax1   int // the print area on the paper, from margin and areaW
	table      int
	kanji      bool // not reset by ESC @: clones keep their power-on mode

	line    []ipCell
	lineW   int
	printed []byte // Page.Text so far

	qrData   []byte
	qrModule int
	qrLevel  qrcode.RecoveryLevel
	qrCache  [][]bool // symbol of qrData at qrCacheL, nil until printed
	qrCacheL qrcode.RecoveryLevel
}

// reset is ESC @ "Initialize printer": modes to their power-on defaults and
// the print buffer cleared, the paper where it is.
func (s *interpState) reset() {
	s.align, s.fontB, s.bold, s.strike, s.underline = 0, false, false, false, 0
	s.magW, s.magH = 1, 1
	s.spacing, s.rightSpace, s.table = ipLineSpacing, 0, TablePC437
	s.setArea(0, s.w)
	s.line, s.lineW = s.line[:0], 0
	s.qrData, s.qrModule, s.qrLevel, s.qrCache = nil, 3, qrcode.Low, nil
}

func (s *interpState) loop() error {
	for s.pos < len(s.data) {
		start := s.pos
		var err error
		switch b := s.data[start]; {
		case b == ipESC:
			err = s.esc()
		case b == ipGS:
			err = s.gs()
		case b == ipFS:
			err = s.fs()
		case b == ipDLE:
			err = s.dle()
		case b == 0x0A: // LF "Print and line feed"
			s.pos++
			err = s.printLine(s.spacing)
		case b == 0x09: // HT "Horizontal tab": default stops every 8 font-A characters
			s.pos++
			s.tab()
		case b == 0x0D: // CR: ignored while auto line feed is off (the default)
			s.pos++
		case b < 0x20:
			s.pos++
			s.note(start, fmt.Sprintf("0x%02X", b), "undefined control byte: ignored")
		default:
			err = s.text()
		}
		if err != nil {
			var ie *InterpretError
			if !errors.As(err, &ie) {
				n := min(start+8, len(s.data))
				err = &InterpretError{Offset: start, Bytes: append([]byte(nil), s.data[start:n]...), Err: err}
			}
			return err
		}
		if s.pos <= start { // every command consumes at least one byte
			s.pos = start + 1
		}
	}
	return nil
}

// need returns the n bytes of the command at s.pos, or errTruncated.
func (s *interpState) need(n int, name string) ([]byte, error) {
	if n < 0 || len(s.data)-s.pos < n {
		return nil, fmt.Errorf("%s: %w", name, errTruncated)
	}
	return s.data[s.pos : s.pos+n], nil
}

// skip consumes a command of n bytes that prints nothing, with a note.
func (s *interpState) skip(n int, name, why string) error {
	if _, err := s.need(n, name); err != nil {
		return err
	}
	s.note(s.pos, name, why)
	s.pos += n
	return nil
}

func (s *interpState) note(off int, name, why string) {
	if len(s.page.Notes) >= ipMaxEvents {
		s.page.Omitted++
		return
	}
	s.page.Notes = append(s.page.Notes, Command{Offset: off, Name: name, Note: why})
}

func (s *interpState) query(off int, name string) {
	if len(s.page.Queries) >= ipMaxEvents {
		s.page.Omitted++
		return
	}
	s.page.Queries = append(s.page.Queries, Command{Offset: off, Name: name, Note: "query: answered by the printer, prints nothing"})
}

func (s *interpState) esc() error {
	c, err := s.need(2, "ESC")
	if err != nil {
		return err
	}
	name := "ESC " + ipPrintable(c[1])
	switch c[1] {
	case '@': // ESC @ "Initialize printer"
		s.pos += 2
		s.reset()
		return nil
	case '2': // ESC 2 "Select default line spacing"
		s.pos += 2
		s.spacing = ipLineSpacing
		return nil
	case 'a', '!', 'E', 'G', '-', 'M', ' ', '3', 'J', 'd', 't':
		p, err := s.need(3, name)
		if err != nil {
			return err
		}
		n := int(p[2])
		s.pos += 3
		switch c[1] {
		case 'a': // ESC a n "Select justification": 0/48 left, 1/49 center, 2/50 right
			if a := n % 48; a <= 2 {
				s.align = a
			}
		case '!': // ESC ! n "Select print modes"
			s.fontB = n&0x01 != 0
			s.bold = n&0x08 != 0
			s.magH, s.magW = 1+n>>4&1, 1+n>>5&1
			s.underline = n >> 7 & 1
		case 'E': // ESC E n "Turn emphasized mode on/off"
			s.bold = n&1 != 0
		case 'G': // ESC G n "Turn double-strike mode on/off": prints like emphasis
			s.strike = n&1 != 0
		case '-': // ESC - n "Turn underline mode on/off": 1 or 2 dots thick
			if u := n % 48; u <= 2 {
				s.underline = u
			}
		case 'M': // ESC M n "Select character font": 0/48 font A, 1/49 font B
			s.fontB = n%48 == 1
		case ' ': // ESC SP n "Set right-side character spacing"
			s.rightSpace = n
		case '3': // ESC 3 n "Set line spacing"
			s.spacing = n
		case 'J': // ESC J n "Print and feed paper", n dots
			return s.printLine(n)
		case 'd': // ESC d n "Print and feed n lines"
			return s.printLine(n * s.spacing)
		case 't': // ESC t n "Select character code table"
			s.table = n
		}
		return nil
	case 'i', 'm': // ESC i, ESC m: "Partial cut", one or three points left (obsolete)
		if err := s.printLine(0); err != nil {
			return err
		}
		s.cut(s.pos, true)
		s.pos += 2
		return nil
	case '<', 'L', 'S', 0x0C:
		return s.skip(2, name, "skipped: page mode or mechanism command")
	case '=', '?', 'R', 'T', 'U', 'V', 'r', '{', '%', 'e', 'K':
		return s.skip(3, name, "skipped: not drawn")
	case '$', '\\':
		return s.skip(4, name, "skipped: print position not modelled")
	case 'c':
		return s.skip(4, name, "skipped: paper sensor or panel setting")
	case 'p': // ESC p m t1 t2 "Generate pulse": cash drawer
		return s.skip(5, name, "skipped: cash drawer pulse")
	case 'W':
		return s.skip(10, name, "skipped: page mode area")
	case 'D': // ESC D n1 … nk NUL "Set horizontal tab positions", k ≤ 32
		for i := s.pos + 2; i < len(s.data) && i <= s.pos+2+32; i++ {
			if s.data[i] == 0 {
				return s.skip(i+1-s.pos, name, "skipped: tab positions not modelled (default every 8 characters)")
			}
		}
		return fmt.Errorf("%s: no NUL within 32 tab positions: %w", name, errTruncated)
	case '*': // ESC * m nL nH d1…dk "Select bit-image mode": column format
		p, err := s.need(5, name)
		if err != nil {
			return err
		}
		cols := int(p[3]) | int(p[4])<<8
		per := 1
		if p[2] >= 32 {
			per = 3
		}
		return s.skip(5+cols*per, name, "skipped: column bit image not drawn")
	case '&': // ESC & y c1 c2 [x d1…d(y×x)]… "Define user-defined characters"
		p, err := s.need(5, name)
		if err != nil {
			return err
		}
		y, c1, c2 := int(p[2]), int(p[3]), int(p[4])
		n := 5
		for c := c1; c <= c2 && c1 <= c2; c++ {
			x, err := s.need(n+1, name)
			if err != nil {
				return err
			}
			n += 1 + y*int(x[n])
		}
		return s.skip(n, name, "skipped: user-defined characters not drawn")
	}
	return fmt.Errorf("%s: %w", name, errUnknownCommand)
}

func (s *interpState) gs() error {
	c, err := s.need(2, "GS")
	if err != nil {
		return err
	}
	name := "GS " + ipPrintable(c[1])
	switch c[1] {
	case '!': // GS ! n "Select character size": bits 4–6 width − 1, bits 0–2 height − 1
		p, err := s.need(3, name)
		if err != nil {
			return err
		}
		s.magW, s.magH = 1+int(p[2]>>4&7), 1+int(p[2]&7)
		s.pos += 3
		return nil
	case 'v':
		return s.raster()
	case '(':
		return s.gsParen()
	case 'V':
		return s.gsCut()
	case 'r', 'I': // GS r n "Transmit status", GS I n "Transmit printer ID"
		p, err := s.need(3, name)
		if err != nil {
			return err
		}
		s.query(s.pos, fmt.Sprintf("%s %d", name, p[2]))
		s.pos += 3
		return nil
	case 'B', 'b', 'H', 'h', 'w', 'f', 'a', '/', 'T', 'E':
		return s.skip(3, name, "skipped: not drawn")
	case ':':
		return s.skip(2, name, "skipped: macro definition")
	case 'L', 'W': // GS L nL nH "Set left margin", GS W nL nH "Set print area width", in dots
		p, err := s.need(4, name)
		if err != nil {
			return err
		}
		n := int(p[2]) | int(p[3])<<8
		if len(s.line) > 0 { // both take effect only at the beginning of a line
			return s.skip(4, name, "text in the print buffer: ignored, as printers do")
		}
		s.pos += 4
		if c[1] == 'L' {
			s.setArea(n, s.areaW)
		} else {
			s.setArea(s.margin, n)
		}
		return nil
	case 'P', '$', '\\':
		return s.skip(4, name, "skipped: motion units and page mode positions not modelled")
	case '^':
		return s.skip(5, name, "skipped: macro execution")
	case '*': // GS * x y d1…d(x×y×8) "Define downloaded bit image"
		p, err := s.need(4, name)
		if err != nil {
			return err
		}
		return s.skip(4+int(p[2])*int(p[3])*8, name, "skipped: downloaded bit image")
	case 'k': // GS k m … "Print barcode"
		p, err := s.need(3, name)
		if err != nil {
			return err
		}
		if m := p[2]; m <= 6 { // NUL-terminated data
			for i := s.pos + 3; i < len(s.data) && i <= s.pos+3+255; i++ {
				if s.data[i] == 0 {
					return s.skip(i+1-s.pos, name, "skipped: barcode not drawn")
				}
			}
			return fmt.Errorf("%s: no NUL after the barcode data: %w", name, errTruncated)
		} else if m >= 65 && m <= 79 {
			p, err := s.need(4, name)
			if err != nil {
				return err
			}
			return s.skip(4+int(p[3]), name, "skipped: barcode not drawn")
		}
	case '8': // GS 8 L p1 p2 p3 p4 …: GS ( L with a 4-byte length
		p, err := s.need(7, name)
		if err != nil {
			return err
		}
		if p[2] == 'L' {
			n := int(p[3]) | int(p[4])<<8 | int(p[5])<<16 | int(p[6])<<24
			if n < 0 || n > len(s.data) {
				return fmt.Errorf("GS 8 L of %d bytes: %w", n, errTruncated)
			}
			return s.skip(7+n, "GS 8 L", "skipped: graphics data (NV or download image) not drawn")
		}
	}
	return fmt.Errorf("%s: %w", name, errUnknownCommand)
}

// raster is GS v 0 m xL xH yL yH d1…dk "Print raster bit image": x bytes a
// row (8 dots each, the most significant bit the leftmost), y rows, m the
// density (bit 0 doubles the width, bit 1 the height). The image prints at
// the current line, placed by ESC a like text, and the paper advances by its
// height. Dots beyond the paper's width are not printed.
func (s *interpState) raster() error {
	const name = "GS v 0"
	p, err := s.need(8, name)
	if err != nil {
		return err
	}
	if p[2] != '0' {
		return fmt.Errorf("GS v %s: %w", ipPrintable(p[2]), errUnknownCommand)
	}
	m := p[3]
	x, y := int(p[4])|int(p[5])<<8, int(p[6])|int(p[7])<<8
	if len(s.data)-s.pos-8 < x*y {
		return fmt.Errorf("%s: header says %d × %d bytes, %d left: %w", name, x, y, len(s.data)-s.pos-8, errTruncated)
	}
	img := s.data[s.pos+8 : s.pos+8+x*y]
	start := s.pos
	s.pos += 8 + x*y
	if m > 3 && (m < 48 || m > 51) {
		s.note(start, name, fmt.Sprintf("mode %d out of range: skipped", m))
		return nil
	}
	if x == 0 || y == 0 {
		return nil
	}
	if err := s.flushForImage(start, name); err != nil {
		return err
	}
	mw, mh := 1+int(m&1), 1+int(m>>1&1)
	h := y * mh
	if err := s.ensure(h); err != nil {
		return err
	}
	s.use(x * 8 * mw)
	x0 := s.alignOffset(x * 8 * mw)
	for r := range y {
		row := img[r*x : (r+1)*x]
		for bx, v := range row {
			if v == 0 {
				continue
			}
			for bit := range 8 {
				if v&(0x80>>bit) != 0 {
					s.fill(x0+(bx*8+bit)*mw, s.y+r*mh, mw, mh)
				}
			}
		}
	}
	s.y += h
	return nil
}

// flushForImage prints text waiting in the line buffer before an image.
// Epson printers ignore GS v 0 and QR printing when the buffer holds data;
// most clones print the line first. The interpreter prints it, with a note.
func (s *interpState) flushForImage(off int, name string) error {
	if len(s.line) == 0 {
		return nil
	}
	s.note(off, name, "text in the print buffer: printed first here, but Epson printers ignore the image then")
	return s.printLine(0)
}

// gsParen is GS ( x pL pH …: functions with a two-byte parameter length.
func (s *interpState) gsParen() error {
	p, err := s.need(5, "GS (")
	if err != nil {
		return err
	}
	fn := p[2]
	name := "GS ( " + ipPrintable(fn)
	if !(fn >= 'A' && fn <= 'Z' || fn >= 'a' && fn <= 'z') {
		return fmt.Errorf("%s: %w", name, errUnknownCommand)
	}
	n := int(p[3]) | int(p[4])<<8
	body, err := s.need(5+n, name)
	if err != nil {
		return err
	}
	body = body[5:]
	start := s.pos
	switch fn {
	case 'H': // GS ( H pL pH fn m d1…d4 "Request transmission of response": the job-completion marker
		s.query(start, name)
	case 'k':
		s.pos += 5 + n
		return s.qrFunction(start, body)
	default:
		s.note(start, name, "skipped: not drawn")
	}
	s.pos += 5 + n
	return nil
}

// qrFunction runs GS ( k pL pH cn fn … (body = cn fn …) for cn = 49, QR Code.
func (s *interpState) qrFunction(off int, body []byte) error {
	if len(body) < 2 || body[0] != 49 {
		s.note(off, "GS ( k", "skipped: not a QR code function (only cn 49 is drawn)")
		return nil
	}
	fn, args := body[1], body[2:]
	name := fmt.Sprintf("GS ( k QR fn %d", int(fn)+100)
	arg := func() (int, bool) {
		if len(args) < 1 {
			s.note(off, name, "parameter missing: ignored")
			return 0, false
		}
		return int(args[0]), true
	}
	switch fn {
	case 65: // function 165 "Select the model": n1 49 model 1, 50 model 2, 51 micro
		if n, ok := arg(); ok && n != 50 {
			s.note(off, name, "only model 2 is drawn")
		}
	case 67: // function 167 "Set the size of module", 1–16 dots
		if n, ok := arg(); ok {
			if n >= 1 && n <= 16 {
				s.qrModule = n
			} else {
				s.note(off, name, fmt.Sprintf("module size %d out of range: ignored", n))
			}
		}
	case 69: // function 169 "Select the error correction level": 48 L, 49 M, 50 Q, 51 H
		if n, ok := arg(); ok {
			if n >= 48 && n <= 51 {
				s.qrLevel = qrcode.RecoveryLevel(n - 48) // Low, Medium, High (Q), Highest (H)
			} else {
				s.note(off, name, fmt.Sprintf("error correction %d out of range: ignored", n))
			}
		}
	case 80: // function 180 "Store the data in the symbol storage area": m = 48, then the data
		if len(args) < 1 {
			s.note(off, name, "parameter missing: ignored")
			break
		}
		if len(args)-1 > ipMaxQRData {
			s.note(off, name, "more data than a QR code holds: ignored")
			break
		}
		s.qrData = append(s.qrData[:0:0], args[1:]...)
		s.qrCache = nil
	case 81: // function 181 "Print the symbol data in the symbol storage area"
		return s.printQR(off, name)
	case 82: // function 182 "Transmit the size information"
		s.query(off, name)
	default:
		s.note(off, name, "skipped: not drawn")
	}
	return nil
}

func (s *interpState) printQR(off int, name string) error {
	if len(s.qrData) == 0 {
		s.note(off, name, "no data stored: nothing printed")
		return nil
	}
	if s.qrCache == nil || s.qrCacheL != s.qrLevel {
		q, err := qrcode.New(string(s.qrData), s.qrLevel)
		if err != nil {
			s.note(off, name, "data does not fit a QR code: nothing printed")
			return nil
		}
		q.DisableBorder = true // printers print the symbol alone; the paper around is the quiet zone
		s.qrCache, s.qrCacheL = q.Bitmap(), s.qrLevel
	}
	if err := s.flushForImage(off, name); err != nil {
		return err
	}
	mods, ms := s.qrCache, s.qrModule
	h := len(mods) * ms
	if err := s.ensure(h); err != nil {
		return err
	}
	s.use(len(mods) * ms)
	x0 := s.alignOffset(len(mods) * ms)
	for my, row := range mods {
		for mx, on := range row {
			if on {
				s.fill(x0+mx*ms, s.y+my*ms, ms, ms)
			}
		}
	}
	s.y += h
	return nil
}

// gsCut is GS V "Select cut mode and cut paper": function A (m 0/48 full,
// 1/49 partial) cuts at once; functions B (65 full/66 partial), C (97/98)
// and D (103/104) feed n dots first. The print buffer is printed first.
func (s *interpState) gsCut() error {
	p, err := s.need(3, "GS V")
	if err != nil {
		return err
	}
	off, m := s.pos, p[2]
	var feed int
	switch m {
	case 0, 1, 48, 49:
		s.pos += 3
	case 65, 66, 97, 98, 103, 104:
		p, err := s.need(4, "GS V")
		if err != nil {
			return err
		}
		feed = int(p[3])
		s.pos += 4
	default:
		return fmt.Errorf("GS V %d: %w", m, errUnknownCommand)
	}
	if len(s.line) > 0 {
		if err := s.printLine(0); err != nil {
			return err
		}
	}
	if err := s.feed(feed); err != nil {
		return err
	}
	s.cut(off, m < 65 && m%2 == 1 || m >= 65 && m%2 == 0)
	return nil
}

func (s *interpState) cut(off int, partial bool) {
	if len(s.page.Cuts) >= ipMaxEvents {
		s.page.Omitted++
		return
	}
	s.page.Cuts = append(s.page.Cuts, Cut{Offset: off, Row: s.y, Partial: partial})
}

func (s *interpState) fs() error {
	c, err := s.need(2, "FS")
	if err != nil {
		return err
	}
	name := "FS " + ipPrintable(c[1])
	switch c[1] {
	case '.': // FS . "Cancel Kanji character mode"
		s.kanji = false
		s.pos += 2
		return nil
	case '&': // FS & "Select Kanji character mode"
		s.kanji = true
		s.pos += 2
		return nil
	case '!', '-', 'C', 'W':
		return s.skip(3, name, "skipped: Kanji print modes not modelled")
	case 'S', 'p':
		return s.skip(4, name, "skipped: not drawn")
	case '2': // FS 2 c1 c2 d1…d72 "Define user-defined Kanji characters"
		return s.skip(4+72, name, "skipped: user-defined Kanji")
	case '(':
		p, err := s.need(5, name)
		if err != nil {
			return err
		}
		return s.skip(5+(int(p[3])|int(p[4])<<8), "FS ( "+ipPrintable(p[2]), "skipped: not drawn")
	}
	return fmt.Errorf("%s: %w", name, errUnknownCommand)
}

func (s *interpState) dle() error {
	c, err := s.need(3, "DLE")
	if err != nil {
		return err
	}
	switch c[1] {
	case 0x04: // DLE EOT n "Transmit real-time status"; n 7 and 8 take one more byte
		n := 3
		if c[2] == 7 || c[2] == 8 {
			n = 4
		}
		if _, err := s.need(n, "DLE EOT"); err != nil {
			return err
		}
		s.query(s.pos, fmt.Sprintf("DLE EOT %d", c[2]))
		s.pos += n
		return nil
	case 0x05: // DLE ENQ n "Send real-time request to printer"
		return s.skip(3, fmt.Sprintf("DLE ENQ %d", c[2]), "skipped: real-time request")
	case 0x14: // DLE DC4 fn …
		switch c[2] {
		case 1, 2:
			return s.skip(5, fmt.Sprintf("DLE DC4 %d", c[2]), "skipped: real-time pulse or power-off")
		case 7:
			return s.skip(4, "DLE DC4 7", "skipped: real-time buzzer")
		case 8:
			return s.skip(10, "DLE DC4 8", "skipped: clear buffers")
		}
		return fmt.Errorf("DLE DC4 %d: %w", c[2], errUnknownCommand)
	}
	return fmt.Errorf("DLE %s: %w", ipPrintable(c[1]), errUnknownCommand)
}

// text adds a run of printable bytes to the line buffer, one cell a byte
// (two bytes, one double cell, for a Kanji in Kanji mode).
func (s *interpState) text() error {
	for s.pos < len(s.data) {
		b := s.data[s.pos]
		if b < 0x20 {
			return nil
		}
		if s.kanji && b >= 0x81 && b <= 0xFE {
			if s.pos+1 >= len(s.data) {
				s.note(s.pos, "text", "first byte of a Kanji at the end of the stream: dropped")
				s.pos++
				return nil
			}
			s.pos += 2
			if err := s.addCell(ipBox, 2); err != nil {
				return err
			}
			continue
		}
		s.pos++
		r := rune(b)
		if b == 0x7F {
			r = ipBox
		} else if b >= 0x80 {
			r = ipDecode(s.cp, s.table, b)
		}
		if err := s.addCell(r, 1); err != nil {
			return err
		}
	}
	return nil
}

// ipDecode is the rune the printer prints for byte b ≥ 0x80 in table.
func ipDecode(cp CodePage, table int, b byte) rune {
	if cp == CodePageNone {
		switch table {
		case TableTCVN3Lower, TableTCVN3Upper:
			cp = CodePageTCVN3
		case TableWPC1258:
			cp = CodePageWPC1258
		}
	}
	// DecodeText gives one rune per byte
	rs := []rune(DecodeText(cp, table, []byte{b}))
	if len(rs) == 0 || rs[0] == 0xFFFD {
		return ipBox
	}
	return rs[0]
}

// addCell adds a cell to the line buffer; a full line prints first, as
// if LF had come.
func (s *interpState) addCell(r rune, wide int) error {
	bw, bh := 12, 24
	if s.fontB {
		bw, bh = 9, 17
	}
	bw *= wide
	c := ipCell{
		r: r, baseW: bw, baseH: bh, magW: s.magW, magH: s.magH,
		w: (bw + s.rightSpace) * s.magW, h: bh * s.magH,
		fontB: s.fontB, bold: s.bold || s.strike, underline: s.underline,
	}
	if s.lineW+c.w > (s.ax1-s.ax0) && len(s.line) > 0 {
		if err := s.printLine(s.spacing); err != nil {
			return err
		}
	}
	s.line = append(s.line, c)
	s.lineW += c.w
	return nil
}

// tab moves to the next tab stop, every 8 font-A characters by default.
func (s *interpState) tab() {
	stop := 12 * 8 * s.magW
	next := (s.lineW/stop + 1) * stop
	if next > (s.ax1 - s.ax0) {
		return
	}
	s.line = append(s.line, ipCell{r: ' ', w: next - s.lineW, baseW: next - s.lineW, h: 0, magW: 1, magH: 1})
	s.lineW = next
}

// printLine prints the line buffer and feeds the paper by at least feed
// dots and at least the line's height: a printer cannot stop the paper
// while the head is in the middle of a line.
func (s *interpState) printLine(feed int) error {
	lineH := 0
	for _, c := range s.line {
		lineH = max(lineH, c.h)
	}
	if lineH > 0 {
		if err := s.ensure(lineH); err != nil {
			return err
		}
		s.use(s.lineW)
		x := s.alignOffset(s.lineW)
		for _, c := range s.line {
			if c.r == ipBox {
				s.printed = utf8.AppendRune(s.printed, utf8.RuneError)
			} else {
				s.printed = utf8.AppendRune(s.printed, c.r)
			}
			s.drawCell(c, x, s.y+lineH-c.h)
			x += c.w
		}
		s.printed = append(s.printed, '\n')
	}
	s.line, s.lineW = s.line[:0], 0
	return s.feed(max(feed, lineH))
}

func (s *interpState) feed(n int) error {
	if s.y+n > s.maxRows {
		return fmt.Errorf("feeding to row %d: more than %d rows: %w", s.y+n, s.maxRows, errPageTooLong)
	}
	s.y += n
	return nil
}

// ensure grows the paper to hold h rows from s.y.
func (s *interpState) ensure(h int) error {
	need := s.y + h
	if need > s.maxRows {
		return fmt.Errorf("printing to row %d: more than %d rows: %w", need, s.maxRows, errPageTooLong)
	}
	s.grow(need)
	return nil
}

// grow makes the paper rows tall (rows ≤ maxRows), new rows white.
func (s *interpState) grow(rows int) {
	if rows <= s.rows {
		return
	}
	n := rows * s.w
	if n > cap(s.pix) {
		c := min(max(2*cap(s.pix), n, 1024*s.w), s.maxRows*s.w)
		p := make([]byte, len(s.pix), c)
		copy(p, s.pix)
		s.pix = p
	}
	old := len(s.pix)
	s.pix = s.pix[:n]
	for i := old; i < n; i++ {
		s.pix[i] = 0xFF
	}
	s.rows = rows
}

// setArea sets the print area, GS L and GS W: from the left margin, as
// wide as GS W says and the paper allows. Epson: data outside the print
// area is not printed.
func (s *interpState) setArea(margin, width int) {
	s.margin, s.areaW = margin, width
	s.ax0 = min(margin, s.w)
	s.ax1 = min(s.ax0+width, s.w)
}

// use records that something w dots wide is printed in the print area.
func (s *interpState) use(w int) {
	s.page.Used = max(s.page.Used, s.margin+w)
}

// alignOffset is where a line or image w dots wide starts under ESC a,
// in the print area.
func (s *interpState) alignOffset(w int) int {
	switch aw := s.ax1 - s.ax0; {
	case w >= aw:
		return s.ax0
	case s.align == 1:
		return s.ax0 + (aw-w)/2
	case s.align == 2:
		return s.ax1 - w
	}
	return s.ax0
}

// fill blackens a w × h rectangle at (x, y), clipped to the print area.
// Rows must be allocated.
func (s *interpState) fill(x, y, w, h int) {
	x0, x1 := max(x, s.ax0), min(x+w, s.ax1)
	y0, y1 := max(y, 0), min(y+h, s.rows)
	for yy := y0; yy < y1; yy++ {
		row := s.pix[yy*s.w : (yy+1)*s.w]
		for xx := x0; xx < x1; xx++ {
			row[xx] = 0
		}
	}
}

func (s *interpState) drawCell(c ipCell, x, y int) {
	if c.r == ' ' && c.underline == 0 {
		return
	}
	if c.r != ' ' {
		ink := ipGlyph(c.r, c.baseW, c.baseH, c.fontB)
		for gy := range c.baseH {
			for gx := range c.baseW {
				if !ink[gy*c.baseW+gx] {
					continue
				}
				px, py := x+gx*c.magW, y+gy*c.magH
				s.fill(px, py, c.magW, c.magH)
				if c.bold { // emphasis: each dot once more, one dot to the right
					s.fill(px+c.magW, py, 1, c.magH)
				}
			}
		}
	}
	if c.underline > 0 {
		s.fill(x, y+c.h-c.underline, c.w, c.underline)
	}
}

// finish makes the page's image: the paper up to the last feed.
func (s *interpState) finish() {
	h := min(max(s.y, s.rows, 1), s.maxRows)
	s.grow(h)
	s.page.Text = string(s.printed)
	s.page.Image = &image.Gray{Pix: s.pix[:h*s.w], Stride: s.w, Rect: image.Rect(0, 0, s.w, h)}
}

// ipPrintable names a command byte: the character when it is printable
// ASCII, else its hex value.
func ipPrintable(b byte) string {
	if b > 0x20 && b < 0x7F {
		return string(rune(b))
	}
	if b == 0x20 {
		return "SP"
	}
	return fmt.Sprintf("0x%02X", b)
}

// Glyphs of the interpreter's character cells: the embedded font at the
// largest size whose ascent and descent fit the cell, each glyph's ink
// centred in the cell and squeezed to its width when wider. Cached for the
// process: a few hundred small masks at most.
var ipGlyphs struct {
	mu sync.Mutex
	m  map[ipGlyphKey][]bool
}

type ipGlyphKey struct {
	r    rune
	w, h int
	b    bool
}

// ipGlyph returns the w × h ink mask of r (true = black).
func ipGlyph(r rune, w, h int, fontB bool) []bool {
	k := ipGlyphKey{r, w, h, fontB}
	ipGlyphs.mu.Lock()
	defer ipGlyphs.mu.Unlock()
	if g, ok := ipGlyphs.m[k]; ok {
		return g
	}
	if ipGlyphs.m == nil {
		ipGlyphs.m = make(map[ipGlyphKey][]bool)
	}
	g := ipMakeGlyph(r, w, h)
	ipGlyphs.m[k] = g
	return g
}

func ipMakeGlyph(r rune, w, h int) []bool {
	ink := make([]bool, w*h)
	box := func() {
		for y := 2; y < h-2; y++ {
			for x := 1; x < w-1; x++ {
				if y == 2 || y == h-3 || x == 1 || x == w-2 {
					ink[y*w+x] = true
				}
			}
		}
	}
	if r == ipBox {
		box()
		return ink
	}
	f := ipFace(h)
	if f == nil {
		box()
		return ink
	}
	g := f.glyph(r)
	if g.w == 0 || g.h == 0 {
		if g.advance == 0 && r != ' ' && !isCombining(r) {
			box()
		}
		return ink
	}
	// The baseline sits at the face's ascent from the top of the cell;
	// the ink is centred horizontally, squeezed when wider than the cell.
	sw := min(g.w, w)
	x0 := (w - sw) / 2
	for gy := range g.h {
		y := f.ascent + g.y0 + gy
		if y < 0 || y >= h {
			continue
		}
		for x := range sw {
			if g.ink[gy*g.w+x*g.w/sw] {
				ink[y*w+x0+x] = true
			}
		}
	}
	return ink
}

// isCombining reports a combining mark, which the font draws with no
// advance; it still gets its own cell.
func isCombining(r rune) bool { return r >= 0x300 && r <= 0x36F }

var ipFaces sync.Map // cell height → *face

// ipFace returns the regular embedded face whose ascent + descent fits a
// cell h dots tall, or nil when the font cannot be loaded.
func ipFace(h int) *face {
	if f, ok := ipFaces.Load(h); ok {
		return f.(*face)
	}
	var best *face
	for size := h; size >= 4; size-- {
		f, err := getFace(styleRegular, size)
		if err != nil {
			return nil
		}
		best = f
		if f.ascent+f.descent <= h {
			break
		}
	}
	ipFaces.Store(h, best)
	return best
}
