package printer

import "image"

// Bitmap is a black-and-white raster image in the printer's own format:
// one bit per dot, rows of W/8 bytes from top to bottom, the most
// significant bit of each byte the leftmost dot, 1 = black (a heated dot).
// W is always a multiple of 8.
type Bitmap struct {
	W, H int    // width and height in dots
	Pix  []byte // H rows of W/8 bytes
}

// NewBitmap returns a white bitmap w dots wide (rounded up to a multiple
// of 8) and h dots tall.
func NewBitmap(w, h int) *Bitmap {
	w = (max(w, 0) + 7) &^ 7
	h = max(h, 0)
	return &Bitmap{W: w, H: h, Pix: make([]byte, w/8*h)}
}

// Stride is the number of bytes in a row: W/8.
func (b *Bitmap) Stride() int { return b.W / 8 }

// Set makes the dot at (x, y) black when black is true, white otherwise.
// Dots outside the bitmap are ignored.
func (b *Bitmap) Set(x, y int, black bool) {
	if x < 0 || y < 0 || x >= b.W || y >= b.H {
		return
	}
	i, m := y*(b.W/8)+x/8, byte(0x80)>>(x%8)
	if black {
		b.Pix[i] |= m
	} else {
		b.Pix[i] &^= m
	}
}

// At reports whether the dot at (x, y) is black. Dots outside the bitmap
// are white.
func (b *Bitmap) At(x, y int) bool {
	if x < 0 || y < 0 || x >= b.W || y >= b.H {
		return false
	}
	return b.Pix[y*(b.W/8)+x/8]&(0x80>>(x%8)) != 0
}

// Row returns row y's bytes, shared with b.
func (b *Bitmap) Row(y int) []byte {
	s := b.W / 8
	return b.Pix[y*s : (y+1)*s]
}

// rows returns rows [y0, y1) of b as a bitmap sharing b's pixels.
func (b *Bitmap) rows(y0, y1 int) *Bitmap {
	s := b.Stride()
	return &Bitmap{W: b.W, H: y1 - y0, Pix: b.Pix[y0*s : y1*s : y1*s]}
}

// fillRect makes the dots of r black, clipped to b.
func (b *Bitmap) fillRect(r image.Rectangle) {
	r = r.Intersect(image.Rect(0, 0, b.W, b.H))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			b.Set(x, y, true)
		}
	}
}

// grow adds h white rows at the bottom.
func (b *Bitmap) grow(h int) {
	if h <= 0 {
		return
	}
	b.Pix = append(b.Pix, make([]byte, h*(b.W/8))...)
	b.H += h
}

// Image returns b as a grayscale image, black dots 0 and white dots 255,
// for PNG previews and tests.
func (b *Bitmap) Image() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, b.W, b.H))
	for y := range b.H {
		for x := range b.W {
			v := uint8(0xFF)
			if b.At(x, y) {
				v = 0
			}
			img.Pix[y*img.Stride+x] = v
		}
	}
	return img
}
