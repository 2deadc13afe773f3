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
// EncodeTextMode in the printer's code page. Encode neither queries status
// nor asks for a completion marker: the driver adds those around the job.
//
// Encode is pure: no clock, no I/O, so golden files pin its bytes.
func Encode(d Document, p Profile) ([]byte, error) {
	if d == nil {
		return nil, errors.New("printer: encode: nil document")
	}
	if p.TextMode {
		return EncodeTextMode(d, p)
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
