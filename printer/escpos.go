package printer

import (
	"fmt"
	"strings"
)

// ESC/POS commands, as specified in the Epson ESC/POS Command Reference
// (https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/). The
// section named in each comment is the command's page there. Every printer
// we target (Epson TM, Xprinter, Zjiang, Rongta, Custom) implements the
// commands below except where a comment says otherwise; the profile says
// which optional ones (GS ( k, GS ( H) a printer has.
//
// Where github.com/hennedo/escpos v0.0.1 gets a command right we send it
// through that library (escposlib.go); the builders here are the ones it
// lacks or gets wrong, each pinned by a golden test beside the library's
// bytes (escposlib_test.go).
const (
	asciiESC = 0x1B
	asciiGS  = 0x1D
	asciiFS  = 0x1C
	lf       = 0x0A // LF "Print and line feed": prints the buffer and advances one line
)

var (
	// cmdInit is ESC @ "Initialize printer" (1B 40): clears the print
	// buffer and returns every mode (alignment, size, code page) to its
	// power-on default, so a job never inherits the last job's settings.
	cmdInit = []byte{asciiESC, '@'}

	// cmdCancelKanji is FS . "Cancel Kanji character mode" (1C 2E):
	// Chinese-market clones power on in a double-byte (GB18030/Big5) mode in
	// which a byte ≥ 0x80 starts a two-byte character, so a code-page letter
	// would swallow the byte after it. Harmless on printers without Kanji
	// mode, which ignore it (Epson: "FS ." is in the command set of every
	// TM model, it only acts on models with a Kanji font).
	cmdCancelKanji = []byte{asciiFS, '.'}

	// cmdAlignLeft and cmdAlignCenter are ESC a n "Select justification"
	// (1B 61 n), n = 0 left, 1 centered. It takes effect at the beginning
	// of a line and applies to every following line.
	cmdAlignLeft   = []byte{asciiESC, 'a', 0x00}
	cmdAlignCenter = []byte{asciiESC, 'a', 0x01}

	// cmdBoldOn and cmdBoldOff are ESC E n "Turn emphasized mode on/off"
	// (1B 45 n): the LSB of n turns it on.
	cmdBoldOn  = []byte{asciiESC, 'E', 0x01}
	cmdBoldOff = []byte{asciiESC, 'E', 0x00}

	// cmdSizeNormal is GS ! n "Select character size" back to 1 × 1, see
	// charSize.
	cmdSizeNormal = charSize(1, 1)

	// cmdFeedCut is the default end of a job, GS V 66 0: feed to the cutter
	// and cut partially. See feedCut.
	cmdFeedCut = feedCut(cutPartialFeed, 0)
)

// charSize is GS ! n "Select character size" (1D 21 n): bits 4–6 are the
// width multiplier minus one, bits 0–2 the height multiplier minus one, so
// charSize(2, 2) is 1D 21 11 and charSize(1, 1) is 1D 21 00. Multipliers
// are clamped to 1–8, the range of every Epson TM: 0 means 1, never the
// 0 − 1 = 0xFF underflow of hennedo/escpos (see TestLibSizeUnderflow).
func charSize(width, height int) []byte {
	w := byte(min(max(width, 1), 8) - 1)
	h := byte(min(max(height, 1), 8) - 1)
	return []byte{asciiGS, '!', w<<4 | h}
}

// selectTable is ESC t n "Select character code table" (1B 74 n); n is a
// page number of the "Character code table" list (TableTCVN3Lower and the
// other Table constants). ESC @ returns to page 0.
func selectTable(n int) []byte { return []byte{asciiESC, 't', byte(n)} }

// Cut modes, the m of GS V "Select cut mode and cut paper" (1D 56 m [n]).
// Function A (m = 0, 1, 48, 49) cuts where the paper is, which is above
// the last lines printed (they are still between the head and the cutter,
// about 3–4 mm on 80 mm TM printers), so it is sent after enough line
// feeds. Function B (m = 65, 66) first feeds the paper to the cutting
// position plus n × the vertical motion unit, then cuts: the printed lines
// are never cut through, which is why it is our default. "Partial" leaves
// one point uncut so the ticket hangs at the slot instead of falling; a
// printer with only a full cutter does a full cut for either.
const (
	cutFull         = 0  // GS V 0: full cut (function A)
	cutPartial      = 1  // GS V 1: partial cut (function A)
	cutFullASCII    = 48 // GS V '0': same as 0
	cutPartialASCII = 49 // GS V '1': same as 1
	cutFullFeed     = 65 // GS V A n: feed to the cutter + n, full cut (function B)
	cutPartialFeed  = 66 // GS V B n: feed to the cutter + n, partial cut (function B)
)

// cut is GS V m for function A (m = 0, 1, 48, 49): three bytes, no n.
func cut(m byte) []byte { return []byte{asciiGS, 'V', m} }

// feedCut is GS V m n for function B (m = 65, 66): four bytes.
func feedCut(m, n byte) []byte { return []byte{asciiGS, 'V', m, n} }

// barcodeWidth is GS w n "Set bar code width" (1D 77 n): the module width
// of a bar code, n = 2–6 dots on Epson TM printers (1–6 on older ones).
// hennedo/escpos v0.0.1 sends GS h n (bar code height) for this, see
// TestLibBarcodeWidth.
func barcodeWidth(n int) []byte {
	return []byte{asciiGS, 'w', byte(min(max(n, 2), 6))}
}

// QR code, GS ( k "QR Code" (1D 28 6B pL pH cn fn …) with cn = 49 (0x31)
// for QR Code; pL + pH × 256 counts the bytes after pH. The functions:
const (
	qrFnModel = 65 // function 165, GS ( k 04 00 31 41 n1 n2: select model, n1 = 50 for model 2, n2 = 0
	qrFnSize  = 67 // function 167, GS ( k 03 00 31 43 n: module size n dots, 1–16
	qrFnEC    = 69 // function 169, GS ( k 03 00 31 45 n: error correction, n = 48 L, 49 M, 50 Q, 51 H
	qrFnStore = 80 // function 180, GS ( k pL pH 31 50 30 d1…dk: store k bytes, pL pH = k + 3
	qrFnPrint = 81 // function 181, GS ( k 03 00 31 51 30: print the stored symbol

	qrModel2 = 50 // n1 of function 165: model 2, what every phone reads
	qrECL    = 48
	qrECM    = 49 // n of function 169: level M, about 15 % recoverable, the usual for receipts
	qrECQ    = 50
	qrECH    = 51

	// qrMaxData is the most bytes function 180 stores: pL + pH × 256 ≤ 7092.
	qrMaxData = 7089
)

// appendQR appends the five GS ( k commands that print data as a model 2 QR
// code of module × module dots a module with error correction ec (qrECM…),
// at the current justification. It fails on empty data, data longer than
// qrMaxData bytes, a module size outside 1–16 or an unknown ec: a printer
// given a bad length would read the rest of the job as QR data.
func appendQR(b []byte, data string, module int, ec byte) ([]byte, error) {
	if len(data) == 0 || len(data) > qrMaxData {
		return b, fmt.Errorf("qr: %d bytes of data, want 1 to %d", len(data), qrMaxData)
	}
	if module < 1 || module > 16 {
		return b, fmt.Errorf("qr: module size %d dots, want 1 to 16", module)
	}
	if ec < qrECL || ec > qrECH {
		return b, fmt.Errorf("qr: error correction %d, want 48 to 51", ec)
	}
	b = append(b, asciiGS, '(', 'k', 4, 0, 49, qrFnModel, qrModel2, 0)
	b = append(b, asciiGS, '(', 'k', 3, 0, 49, qrFnSize, byte(module))
	b = append(b, asciiGS, '(', 'k', 3, 0, 49, qrFnEC, ec)
	n := len(data) + 3
	b = append(b, asciiGS, '(', 'k', byte(n), byte(n>>8), 49, qrFnStore, 48)
	b = append(b, data...)
	b = append(b, asciiGS, '(', 'k', 3, 0, 49, qrFnPrint, 48)
	return b, nil
}

// appendRasterImage appends one GS v 0 "Print raster bit image" (1D 76 30
// m xL xH yL yH d1…dk) of a w × h dot image given by black(x, y): xL xH is
// the width in BYTES, rounded UP so no dot is lost (the last byte's spare
// bits are white), yL yH is exactly h, and exactly that many rows follow,
// (w+7)/8 bytes each. hennedo/escpos v0.0.1 rounds the data down to whole
// bytes and whole 8-row groups but announces the unrounded height, see
// TestLibImageHeader. Tickets are sent in bands by EncodeRaster; this is
// for small images such as logos, h ≤ 2303 (yH ≤ 8 on Epson TM).
func appendRasterImage(b []byte, w, h int, black func(x, y int) bool) []byte {
	if w <= 0 || h <= 0 {
		return b
	}
	stride := (w + 7) / 8
	b = append(b, asciiGS, 'v', '0', 0, byte(stride), byte(stride>>8), byte(h), byte(h>>8))
	for y := range h {
		for xb := range stride {
			var v byte
			for bit := range 8 {
				if x := xb*8 + bit; x < w && black(x, y) {
					v |= 0x80 >> bit
				}
			}
			b = append(b, v)
		}
	}
	return b
}

// asciiSafe replaces every rune that is not printable ASCII with '?' and
// every whitespace rune (tab, newline) with a space: the ESC/POS stream must
// carry only the commands we write.
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
