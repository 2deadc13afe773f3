package printer

import (
	"strconv"
	"strings"
)

// ESC/POS commands, as specified in the Epson ESC/POS Command Reference
// (https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/). The
// section named in each comment is the command's page there. Every printer
// we target (Epson TM, Xprinter, Rongta, Sewoo and their clones) implements
// these five.
var (
	// cmdInit is ESC @ "Initialize printer" (1B 40): clears the print
	// buffer and returns every mode (alignment, size, code page) to its
	// power-on default, so a job never inherits the last job's settings.
	cmdInit = []byte{0x1B, 0x40}

	// cmdAlignLeft and cmdAlignCenter are ESC a n "Select justification"
	// (1B 61 n), n = 0 left, 1 centered. It takes effect at the beginning
	// of a line and applies to every following line.
	cmdAlignLeft   = []byte{0x1B, 0x61, 0x00}
	cmdAlignCenter = []byte{0x1B, 0x61, 0x01}

	// cmdSizeNormal and cmdSizeDouble are GS ! n "Select character size"
	// (1D 21 n): bits 4–6 are the width multiplier minus one, bits 0–2 the
	// height multiplier minus one, so 0x11 is double width and double
	// height, 0x00 normal.
	cmdSizeNormal = []byte{0x1D, 0x21, 0x00}
	cmdSizeDouble = []byte{0x1D, 0x21, 0x11}

	// cmdFeedCut is GS V m n "Select cut mode and cut paper", function B
	// (1D 56 42 n): m = 66 feeds the paper to the cutting position plus
	// n × the vertical motion unit and makes a partial cut (one point
	// left uncut, so the ticket does not fall to the floor). n = 0 feeds
	// exactly to the cutter, past the last printed line. Printers without
	// a cutter only feed.
	cmdFeedCut = []byte{0x1D, 0x56, 0x42, 0x00}
)

// lf is LF "Print and line feed" (0A): prints the buffer and advances one line.
const lf = 0x0A

// Encode returns the ESC/POS bytes of a queue ticket in text mode: the
// center's name, the number in double size, the service and department,
// the time of issue ("15:04 02/01/2006", as printed, t.IssuedAt is not
// converted) and the number of people waiting ahead, centered and
// word-wrapped to p.Columns, then a feed and a partial cut.
//
// Text is folded to ASCII (see Fold) and any byte that is not printable
// ASCII is replaced by '?', so a service name can never smuggle a printer
// command into the stream. The TrackURL is not printed: it becomes a QR code
// in the raster layout that replaces this text mode.
//
// Encode is a pure function: no I/O and no clock. A profile with no Columns
// falls back to WidthDots / 12, then to 32.
func Encode(t Ticket, p Profile) []byte {
	cols := p.Columns
	if cols <= 0 {
		cols = p.WidthDots / 12
	}
	if cols <= 0 {
		cols = 32
	}

	var b []byte
	b = append(b, cmdInit...)
	b = append(b, cmdAlignCenter...)
	b = appendText(b, t.Center, cols)
	b = append(b, lf)

	b = append(b, cmdSizeDouble...)
	b = appendText(b, t.Number, cols/2) // double width: half as many columns
	b = append(b, cmdSizeNormal...)
	b = append(b, lf)

	b = appendText(b, t.Service, cols)
	b = appendText(b, t.Department, cols)
	b = appendText(b, t.IssuedAt.Format("15:04 02/01/2006"), cols)
	b = appendText(b, "Số người chờ trước: "+strconv.Itoa(max(t.WaitingAhead, 0)), cols)

	b = append(b, cmdAlignLeft...)
	b = append(b, cmdFeedCut...)
	return b
}

// appendText appends s, folded to printable ASCII and word-wrapped to cols
// characters, one LF-terminated line per wrapped line. An empty s appends
// nothing.
func appendText(b []byte, s string, cols int) []byte {
	for _, line := range wrap(asciiSafe(Fold(s)), cols) {
		b = append(b, line...)
		b = append(b, lf)
	}
	return b
}

// asciiSafe replaces every rune that is not printable ASCII with '?' and
// every whitespace rune (tab, newline) with a space: the ESC/POS stream must
// carry only the commands Encode writes.
func asciiSafe(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
			sb.WriteByte(' ')
		case r >= 0x20 && r < 0x7F:
			sb.WriteByte(byte(r))
		default:
			sb.WriteByte('?')
		}
	}
	return sb.String()
}

// wrap splits ASCII text s into lines of at most cols characters, breaking
// at spaces and cutting words longer than a line. Runs of spaces collapse.
func wrap(s string, cols int) []string {
	cols = max(cols, 1)
	var lines []string
	var line strings.Builder
	for _, w := range strings.Fields(s) {
		for len(w) > cols { // s is ASCII: bytes are characters
			if line.Len() > 0 {
				lines = append(lines, line.String())
				line.Reset()
			}
			lines = append(lines, w[:cols])
			w = w[cols:]
		}
		switch {
		case line.Len() == 0:
			line.WriteString(w)
		case line.Len()+1+len(w) <= cols:
			line.WriteByte(' ')
			line.WriteString(w)
		default:
			lines = append(lines, line.String())
			line.Reset()
			line.WriteString(w)
		}
	}
	if line.Len() > 0 {
		lines = append(lines, line.String())
	}
	return lines
}
