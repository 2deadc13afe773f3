package printer

import (
	"errors"
	"fmt"
)

// Encode returns the ESC/POS job that prints d (a Ticket or a Receipt, or a
// pointer to one) on a printer of profile p: the preamble ESC @ (and FS .
// when p.CancelKanji), then the document, then p.Cut (GS V 66 0 when nil:
// feed to the cutter and cut partially).
//
// The document is the raster image of Render sent by EncodeRaster (every
// Vietnamese letter right on any printer), or, when p.TextMode, the text of
// EncodeTextMode in the printer's code page. When p.NativeQR (and not
// p.TextMode), the QR code is left to the printer: the image above it, then
// the symbol with GS ( k (model 2, error correction M, the raster layout's
// module size, so it is as wide; centered with ESC a 1, then ESC a 0), then
// the image below it, with the same spacing as the all-raster job at a
// fraction of its bytes. Encode neither queries status nor asks for a
// completion marker: the driver adds those around the job.
//
// Encode is pure: no clock, no I/O, so golden files pin its bytes.
func Encode(d Document, p Profile) ([]byte, error) {
	if d == nil {
		return nil, errors.New("printer: encode: nil document")
	}
	if p.TextMode {
		return EncodeTextMode(d, p)
	}
	if p.NativeQR {
		return encodeNativeQR(d, p)
	}
	bmp, err := Render(d, p)
	if err != nil {
		return nil, fmt.Errorf("printer: encode: %w", err)
	}
	b := preamble(p)
	b = append(b, EncodeRaster(bmp)...)
	b = append(b, jobCut(p)...)
	return b, nil
}

// encodeNativeQR is Encode's raster job with the QR code sent as GS ( k:
// EncodeRaster of the rows above the symbol, their trailing blank rows
// (the quiet zone, which EncodeRaster would drop) as ESC J, the symbol,
// then EncodeRaster of the rows below it, which start with the quiet zone
// as ESC J. GS ( k fn 181 feeds the paper by the symbol's height and leaves
// the print position at the start of the line below it (Epson ESC/POS
// Command Reference, GS ( k <Function 181>), so no LF follows.
func encodeNativeQR(d Document, p Profile) ([]byte, error) {
	top, qr, bottom, err := renderParts(d, p)
	if err != nil {
		return nil, fmt.Errorf("printer: encode: %w", err)
	}
	b := preamble(p)
	b = append(b, EncodeRaster(top)...)
	if qr.data != "" {
		b = appendFeed(b, trailingBlankRows(top))
		b = append(b, cmdAlignCenter...)
		if b, err = appendQR(b, qr.data, qr.module, qrECM); err != nil {
			return nil, fmt.Errorf("printer: encode: %w", err)
		}
		b = append(b, cmdAlignLeft...)
		b = append(b, EncodeRaster(bottom)...)
	}
	b = append(b, jobCut(p)...)
	return b, nil
}

// trailingBlankRows is the number of blank rows at the bottom of b.
func trailingBlankRows(b *Bitmap) int {
	n := 0
	for n < b.H && blankRow(b.Row(b.H-1-n)) {
		n++
	}
	return n
}

// preamble is the start of every job: ESC @, then FS . for a profile whose
// printer starts in Kanji (double-byte) mode.
func preamble(p Profile) []byte {
	b := append([]byte(nil), cmdInit...)
	if p.CancelKanji {
		b = append(b, cmdCancelKanji...)
	}
	return b
}

// jobCut is the end of every job: p.Cut, or GS V 66 0.
func jobCut(p Profile) []byte {
	if p.Cut != nil {
		return p.Cut
	}
	return cmdFeedCut
}
