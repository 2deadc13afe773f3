package printer

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// rasterCmd is one command of an EncodeRaster stream.
type rasterCmd struct {
	feed   int    // ESC J n: dots fed; 0 for a band
	margin int    // GS L: left margin in dots (-1 when not a GS L)
	width  int    // GS v 0: bytes per row from the header
	height int    // GS v 0: rows from the header
	data   []byte // GS v 0: the rows sent
}

// parseRaster splits an EncodeRaster stream into its commands, failing on
// anything else, on a band whose header does not match the bytes that
// follow, and on limits EncodeRaster promises.
func parseRaster(data []byte) ([]rasterCmd, error) {
	var cmds []rasterCmd
	for i := 0; i < len(data); {
		switch {
		case bytes.HasPrefix(data[i:], []byte(escFeedPrefix)):
			if i+3 > len(data) {
				return nil, fmt.Errorf("offset %d: truncated ESC J", i)
			}
			n := int(data[i+2])
			if n == 0 {
				return nil, fmt.Errorf("offset %d: ESC J 0 feeds nothing", i)
			}
			cmds = append(cmds, rasterCmd{feed: n, margin: -1})
			i += 3
		case bytes.HasPrefix(data[i:], []byte(gsLeftMarginPrefix)):
			if i+4 > len(data) {
				return nil, fmt.Errorf("offset %d: truncated GS L", i)
			}
			m := int(data[i+2]) | int(data[i+3])<<8
			if m%8 != 0 {
				return nil, fmt.Errorf("offset %d: GS L %d is not on a byte column", i, m)
			}
			cmds = append(cmds, rasterCmd{margin: m})
			i += 4
		case bytes.HasPrefix(data[i:], []byte(gsRasterPrefix)):
			if i+8 > len(data) {
				return nil, fmt.Errorf("offset %d: truncated GS v 0 header", i)
			}
			if m := data[i+3]; m != rasterModeNorm {
				return nil, fmt.Errorf("offset %d: GS v 0 mode %d, want 0", i, m)
			}
			x := int(data[i+4]) | int(data[i+5])<<8
			y := int(data[i+6]) | int(data[i+7])<<8
			if x == 0 || y == 0 || y > maxBandRows {
				return nil, fmt.Errorf("offset %d: GS v 0 of %d bytes × %d rows, want 1–%d rows", i, x, y, maxBandRows)
			}
			end := i + 8 + x*y
			if end > len(data) {
				return nil, fmt.Errorf("offset %d: GS v 0 header says %d bytes of data, %d follow", i, x*y, len(data)-i-8)
			}
			cmds = append(cmds, rasterCmd{width: x, height: y, data: data[i+8 : end], margin: -1})
			i = end
		default:
			return nil, fmt.Errorf("offset %d: unexpected byte %#02x", i, data[i])
		}
	}
	return cmds, nil
}

// decodeRaster rebuilds the bitmap a printer would print from an
// EncodeRaster stream, w dots wide.
func decodeRaster(t *testing.T, data []byte, w int) *Bitmap {
	t.Helper()
	cmds, err := parseRaster(data)
	if err != nil {
		t.Fatal(err)
	}
	b := NewBitmap(w, 0)
	margin := 0
	for _, c := range cmds {
		switch {
		case c.feed > 0:
			b.grow(c.feed)
			continue
		case c.width == 0:
			margin = c.margin / 8
			continue
		}
		if margin+c.width > w/8 {
			t.Fatalf("band of %d bytes at column %d overflows %d dots", c.width, margin, w)
		}
		for r := 0; r < c.height; r++ {
			row := make([]byte, w/8)
			copy(row[margin:], c.data[r*c.width:(r+1)*c.width])
			b.Pix = append(b.Pix, row...)
		}
		b.H += c.height
	}
	if margin != 0 {
		t.Fatalf("left margin left at %d bytes at the end", margin)
	}
	return b
}

// withoutTrailingBlank returns b's rows down to its last black dot.
func withoutTrailingBlank(b *Bitmap) *Bitmap {
	h := b.H
	for h > 0 && blankRow(b.Row(h-1)) {
		h--
	}
	return &Bitmap{W: b.W, H: h, Pix: b.Pix[:h*b.Stride()]}
}

func TestEncodeRaster(t *testing.T) {
	stripes := func(w, h int, black func(y int) bool) *Bitmap {
		b := NewBitmap(w, h)
		for y := range h {
			if black(y) {
				b.Set(y%w, y, true)
			}
		}
		return b
	}
	tests := []struct {
		name  string
		b     *Bitmap
		bands []int // rows of each band, in order
		feeds []int // dots of each feed, in order
	}{
		{"all white", NewBitmap(576, 700), nil, nil},
		{"one row", stripes(384, 1, func(int) bool { return true }), []int{1}, nil},
		{"tall ink is split in bands", stripes(576, 600, func(int) bool { return true }), []int{255, 255, 90}, nil},
		{"blank top is fed", stripes(576, 601, func(y int) bool { return y == 600 }), []int{1}, []int{255, 255, 90}},
		{"trailing blank dropped", stripes(576, 400, func(y int) bool { return y < 10 }), []int{10}, nil},
		{"gaps fed", stripes(384, 30, func(y int) bool { return y%10 < 5 }), []int{5, 5, 5}, []int{5, 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := EncodeRaster(tc.b)
			cmds, err := parseRaster(data)
			if err != nil {
				t.Fatal(err)
			}
			var bands, feeds []int
			for _, c := range cmds {
				switch {
				case c.feed > 0:
					feeds = append(feeds, c.feed)
				case c.width > 0:
					bands = append(bands, c.height)
				}
			}
			if fmt.Sprint(bands) != fmt.Sprint(tc.bands) {
				t.Errorf("bands %v, want %v", bands, tc.bands)
			}
			if fmt.Sprint(feeds) != fmt.Sprint(tc.feeds) {
				t.Errorf("feeds %v, want %v", feeds, tc.feeds)
			}
			got := decodeRaster(t, data, tc.b.W)
			want := withoutTrailingBlank(tc.b)
			if got.H != want.H || !bytes.Equal(got.Pix, want.Pix) {
				t.Errorf("round trip: got %d rows, want %d (the original without trailing blank rows)", got.H, want.H)
			}
		})
	}
	if got := EncodeRaster(nil); got != nil {
		t.Errorf("EncodeRaster(nil) = % x, want nothing", got)
	}
}

// TestEncodeRasterHeaderWidth pins the workaround for hennedo/escpos
// v0.0.1, whose image header gives the unrounded width in dots / 8 while
// sending rounded-up rows: the header here is exactly the bytes sent.
func TestEncodeRasterHeaderWidth(t *testing.T) {
	b := NewBitmap(573, 2) // not a multiple of 8: rounded up to 576
	b.Set(572, 0, true)
	b.Set(0, 1, true)
	got := EncodeRaster(b)
	want := append([]byte{0x1D, 0x76, 0x30, 0x00, 72, 0x00, 2, 0x00}, b.Pix...)
	if !bytes.Equal(got, want) {
		t.Errorf("EncodeRaster = % x…, want % x…", got[:8], want[:8])
	}
}

// dumpRaster renders an EncodeRaster stream for review: one line per
// command, and each band drawn at 1:4 scale, one character for 4 × 4
// dots: '#' mostly black, '+' some black, '.' white.
func dumpRaster(data []byte) (string, error) {
	cmds, err := parseRaster(data)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for _, c := range cmds {
		if c.feed > 0 {
			fmt.Fprintf(&sb, "ESC J %d    (1B 4A %02X: feed %d dots)\n", c.feed, c.feed, c.feed)
			continue
		}
		if c.width == 0 {
			fmt.Fprintf(&sb, "GS L %d    (1D 4C %02X %02X: left margin %d dots)\n", c.margin, c.margin&0xFF, c.margin>>8, c.margin)
			continue
		}
		fmt.Fprintf(&sb, "GS v 0 0 %d×%d    (1D 76 30 00 %02X %02X %02X %02X: %d bytes × %d rows)\n",
			c.width, c.height, c.width&0xFF, c.width>>8, c.height&0xFF, c.height>>8, c.width, c.height)
		band := &Bitmap{W: c.width * 8, H: c.height, Pix: c.data}
		for y0 := 0; y0 < band.H; y0 += 4 {
			sb.WriteString("  ")
			for x0 := 0; x0 < band.W; x0 += 4 {
				n := 0
				for y := y0; y < min(y0+4, band.H); y++ {
					for x := x0; x < x0+4; x++ {
						if band.At(x, y) {
							n++
						}
					}
				}
				switch {
				case n >= 6:
					sb.WriteByte('#')
				case n > 0:
					sb.WriteByte('+')
				default:
					sb.WriteByte('.')
				}
			}
			sb.WriteByte('\n')
		}
	}
	return sb.String(), nil
}

// TestEncodeRasterCrops: a band is sent from its first to its last inked
// byte, placed with GS L, and the margin is 0 again at the end.
func TestEncodeRasterCrops(t *testing.T) {
	b := NewBitmap(576, 3)
	b.Set(100, 0, true) // byte 12
	b.Set(200, 1, true)
	b.Set(300, 2, true) // byte 37
	got := EncodeRaster(b)
	want := []byte{0x1D, 0x4C, 96, 0, 0x1D, 0x76, 0x30, 0x00, 26, 0, 3, 0}
	want = append(want, b.Row(0)[12:38]...)
	want = append(want, b.Row(1)[12:38]...)
	want = append(want, b.Row(2)[12:38]...)
	want = append(want, 0x1D, 0x4C, 0, 0)
	if !bytes.Equal(got, want) {
		t.Errorf("EncodeRaster =\n% x\nwant\n% x", got, want)
	}
}
