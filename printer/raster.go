package printer

// Raster commands, from the Epson ESC/POS Command Reference
// (https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/), the
// section named in each comment.
const (
	// GS v 0 m xL xH yL yH d1…dk, "Print raster bit image" (1D 76 30 m …,
	// section "GS v 0"): prints x bytes × y rows of bit image, MSB the
	// leftmost dot, 1 = print. m = 0 is normal density (no doubling).
	gsRasterPrefix = "\x1D\x76\x30"
	rasterModeNorm = 0x00
	// maxBandRows is the tallest band sent in one GS v 0, in dots. The
	// command allows yH up to 8 (2303 rows) on Epson printers, but clones
	// with small receive buffers drop or garble tall images; 255 rows keeps
	// yH = 0 and each band well under 20 KB.
	maxBandRows = 255

	// ESC J n, "Print and feed paper" (1B 4A n, section "ESC J"): prints
	// the buffer and feeds n × the vertical motion unit, which is one dot
	// (1/203 inch) by default on the 203 dpi printers we target; a model
	// whose manual gives another default needs GS P (1D 50 x y, "Set
	// horizontal and vertical motion units") in its job preamble. A blank
	// row sent as a feed costs 3 bytes per 255 rows instead of W/8 bytes
	// per row.
	escFeedPrefix = "\x1B\x4A"
	maxFeedDots   = 255

	// GS L nL nH, "Set left margin" (1D 4C nL nH, section "GS L"): the
	// print area starts (nL + nH × 256) dots from the left; valid at the
	// beginning of a line. GS v 0 prints inside the print area (section
	// "GS v 0", details: data outside it is discarded), so a band is sent
	// from its first inked byte with the margin set there: white bytes left
	// and right of the ink are never sent. The margin is set back to 0 at
	// the end, so text printed after the image starts at the left edge.
	gsLeftMarginPrefix = "\x1D\x4C"
)

// EncodeRaster returns the ESC/POS bytes that print b: its rows with ink
// in GS v 0 bands of at most maxBandRows rows, each band cropped to the
// bytes that hold ink (its left edge placed with GS L, the header's width
// and height exactly what follows), and its runs of blank rows as ESC J
// paper feeds of at most 255 dots. Blank rows at the bottom are dropped:
// the cut sequence feeds past them. It neither initialises the printer nor
// cuts; the caller frames the job, and the left margin is 0 again at the
// end.
//
// EncodeRaster is pure. A bitmap whose width is not a multiple of 8 is
// encoded with its rows padded, as stored.
func EncodeRaster(b *Bitmap) []byte {
	if b == nil || b.W <= 0 || b.H <= 0 {
		return nil
	}
	stride := b.Stride()
	h := b.H
	for h > 0 && blankRow(b.Row(h-1)) {
		h-- // trailing blank rows: dropped
	}
	out := make([]byte, 0, len(b.Pix[:h*stride])/3+64)
	margin := 0 // the printer's left margin, in bytes
	for y := 0; y < h; {
		if blankRow(b.Row(y)) {
			n := 1
			for y+n < h && blankRow(b.Row(y+n)) {
				n++
			}
			out = appendFeed(out, n)
			y += n
			continue
		}
		n := 1
		for y+n < h && n < maxBandRows && !blankRow(b.Row(y+n)) {
			n++
		}
		left, right := stride, -1
		for r := y; r < y+n; r++ {
			row := b.Row(r)
			for i := 0; i < left; i++ {
				if row[i] != 0 {
					left = i
					break
				}
			}
			for i := stride - 1; i > right; i-- {
				if row[i] != 0 {
					right = i
					break
				}
			}
		}
		if left != margin {
			out = appendMargin(out, left)
			margin = left
		}
		width := right - left + 1
		out = append(out, gsRasterPrefix...)
		out = append(out, rasterModeNorm, byte(width), byte(width>>8), byte(n), byte(n>>8))
		for r := y; r < y+n; r++ {
			out = append(out, b.Row(r)[left:right+1]...)
		}
		y += n
	}
	if margin != 0 {
		out = appendMargin(out, 0)
	}
	return out
}

// appendMargin appends GS L setting the left margin to the byte column.
func appendMargin(out []byte, column int) []byte {
	dots := column * 8
	out = append(out, gsLeftMarginPrefix...)
	return append(out, byte(dots), byte(dots>>8))
}

// appendFeed appends ESC J commands feeding n dots in all.
func appendFeed(out []byte, n int) []byte {
	for n > 0 {
		k := min(n, maxFeedDots)
		out = append(out, escFeedPrefix...)
		out = append(out, byte(k))
		n -= k
	}
	return out
}

func blankRow(row []byte) bool {
	for _, v := range row {
		if v != 0 {
			return false
		}
	}
	return true
}
