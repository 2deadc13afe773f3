package printer

import (
	"bytes"

	"github.com/hennedo/escpos"
)

// libWriter builds an ESC/POS job with github.com/hennedo/escpos v0.0.1
// where that library is right, and with our own builders (escpos.go) where
// it is wrong or silent. Its known defects, each pinned by a golden test in
// escposlib_test.go that shows the library's bytes beside ours:
//
//   - QRCode sends the module size where the error-correction level belongs
//     (function 169 gets the size byte): ours is appendQR.
//   - PrintImage announces the image's unrounded height in the GS v 0 header
//     but sends only whole groups of 8 rows, and drops the last w mod 8
//     columns: ours is appendRasterImage (and EncodeRaster for tickets).
//   - BarcodeWidth sends GS h (bar code height) instead of GS w: ours is
//     barcodeWidth.
//   - Write sends GS ! ((Width−1)<<4 | (Height−1)) from its Style, which is
//     0xFF (eight times wide and high) for the zero Style or Size(0, 0):
//     ours is charSize.
//
// Write also re-sends seven style commands (ESC E, ESC -, GS B, ESC V,
// ESC {, ESC a, GS !) before every string, the size among them, so the
// library's text styling and justification are only reachable through the
// defective size byte and cost 21 bytes a line: we send text with its
// WriteRaw and the one style command that changes (ESC a, ESC E, GS !)
// ourselves. What we do take from it, byte-checked in escposlib_test.go:
// Initialize (ESC @), WriteRaw (text bytes as given) and LineFeedD (ESC d n,
// "Print and feed n lines"). Its Cut (GS V 65 48: feed 48 units, FULL cut)
// is valid but not what a kiosk wants, and it has no code page, FS ., status
// or partial cut: those are ours too.
//
// The library also imports github.com/qiniu/iconv (cgo, for its GBK and
// CP850 writers, which we do not call): the package needs cgo, as the
// SQLite driver already does.
type libWriter struct {
	buf bytes.Buffer
	e   *escpos.Escpos
}

func newLibWriter() *libWriter {
	w := &libWriter{}
	w.e = escpos.New(&w.buf)
	return w
}

// Bytes returns the job so far. The library buffers in a bufio.Writer
// whose Flush (Print) cannot fail on a bytes.Buffer.
func (w *libWriter) Bytes() []byte {
	_ = w.e.Print()
	return w.buf.Bytes()
}

// Init sends ESC @ "Initialize printer" (1B 40) through the library.
func (w *libWriter) Init() { _, _ = w.e.Initialize() }

// Raw sends b unchanged through the library's WriteRaw: text already in the
// printer's code page, or a command built in escpos.go.
func (w *libWriter) Raw(b ...byte) { _, _ = w.e.WriteRaw(b) }

// LF sends LF "Print and line feed" (0A). The library's LineFeed goes
// through Write and would re-send its whole style first.
func (w *libWriter) LF() { w.Raw(lf) }

// Feed sends ESC d n "Print and feed paper n lines" (1B 64 n) through the
// library's LineFeedD.
func (w *libWriter) Feed(lines int) { _, _ = w.e.LineFeedD(uint8(min(max(lines, 0), 255))) }
