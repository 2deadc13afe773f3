package printer

import (
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The raster layouts draw text with DejaVu Sans Condensed, which has every
// Vietnamese letter precomposed (the Go fonts lack most of them) and is
// narrow enough for 48 columns on 80 mm paper. Licence: Bitstream Vera,
// in fonts/LICENSE.
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	fontRegularTTF []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	fontBoldTTF []byte
)

// fontStyle selects one of the embedded faces.
type fontStyle int

const (
	styleRegular fontStyle = iota
	styleBold
)

var parsedFonts struct {
	once  sync.Once
	fonts [2]*opentype.Font // by fontStyle
	err   error
}

// embeddedFont returns the parsed embedded font of style s. Parsing happens
// once per process.
func embeddedFont(s fontStyle) (*opentype.Font, error) {
	pf := &parsedFonts
	pf.once.Do(func() {
		for i, ttf := range [][]byte{fontRegularTTF, fontBoldTTF} {
			f, err := opentype.Parse(ttf)
			if err != nil {
				pf.err = fmt.Errorf("printer: parse embedded font %d: %w", i, err)
				return
			}
			pf.fonts[i] = f
		}
	})
	if pf.err != nil {
		return nil, pf.err
	}
	return pf.fonts[s], nil
}

// glyph is one rasterised glyph, already thresholded to black and white,
// positioned relative to its origin on the baseline.
type glyph struct {
	x0, y0  int    // top-left corner of the ink box relative to the origin (y0 < 0 above the baseline)
	w, h    int    // size of the ink box in dots
	ink     []bool // w × h, row-major; true = black
	advance int    // pen advance in whole dots
}

// face is one embedded font at one size, with its glyphs cached: the
// rasteriser is the expensive part of rendering, and a ticket reuses a few
// dozen glyphs.
type face struct {
	ascent, descent int // in dots, rounded up so stacked Vietnamese marks fit

	mu     sync.Mutex // guards f (opentype faces are not safe for concurrent use) and glyphs
	f      font.Face
	glyphs map[rune]*glyph
}

type faceKey struct {
	style fontStyle
	size  int // em size in dots
}

var faces struct {
	mu sync.Mutex
	m  map[faceKey]*face
}

// getFace returns the cached face of style s at size dots per em.
func getFace(s fontStyle, size int) (*face, error) {
	k := faceKey{s, size}
	faces.mu.Lock()
	defer faces.mu.Unlock()
	if f, ok := faces.m[k]; ok {
		return f, nil
	}
	ot, err := embeddedFont(s)
	if err != nil {
		return nil, err
	}
	// At 72 DPI one point is one dot, so Size is the em size in dots.
	ff, err := opentype.NewFace(ot, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("printer: font face %d/%d: %w", s, size, err)
	}
	m := ff.Metrics()
	f := &face{ascent: m.Ascent.Ceil(), descent: m.Descent.Ceil(), f: ff, glyphs: make(map[rune]*glyph)}
	if faces.m == nil {
		faces.m = make(map[faceKey]*face)
	}
	faces.m[k] = f
	return f, nil
}

// glyph returns r rasterised, from the cache when it can. A rune the font
// lacks draws the font's .notdef box.
func (f *face) glyph(r rune) *glyph {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g, ok := f.glyphs[r]; ok {
		return g
	}
	g := &glyph{}
	dr, mask, mp, adv, ok := f.f.Glyph(fixed.Point26_6{}, r)
	if ok {
		g.advance = adv.Round()
		g.x0, g.y0, g.w, g.h = dr.Min.X, dr.Min.Y, dr.Dx(), dr.Dy()
		g.ink = make([]bool, g.w*g.h)
		// The mask is the face's own buffer, reused by the next call:
		// threshold it into the cache now. Half coverage is black.
		for y := range g.h {
			for x := range g.w {
				g.ink[y*g.w+x] = alphaAt(mask, mp.X+x, mp.Y+y) >= 0x80
			}
		}
	}
	f.glyphs[r] = g
	return g
}

// alphaAt is the coverage of mask at (x, y), 0–255.
func alphaAt(mask image.Image, x, y int) uint8 {
	if a, ok := mask.(*image.Alpha); ok {
		return a.AlphaAt(x, y).A
	}
	return color.AlphaModel.Convert(mask.At(x, y)).(color.Alpha).A
}

// width is the advance of s in dots.
func (f *face) width(s string) int {
	w := 0
	for _, r := range s {
		w += f.glyph(r).advance
	}
	return w
}

// inkExtent is the vertical extent of the ink of s relative to the
// baseline: top is the row of its highest black dot (negative above the
// baseline), bottom one past its lowest.
func (f *face) inkExtent(s string) (top, bottom int) {
	top, bottom = 0, 0
	first := true
	for _, r := range s {
		g := f.glyph(r)
		if g.h == 0 {
			continue
		}
		if first || g.y0 < top {
			top = g.y0
		}
		if first || g.y0+g.h > bottom {
			bottom = g.y0 + g.h
		}
		first = false
	}
	return top, bottom
}

// draw draws s on b with its first glyph's origin at (x, baseline). Pen
// positions are whole dots, so the same text always gives the same dots.
func (f *face) draw(b *Bitmap, s string, x, baseline int) {
	for _, r := range s {
		g := f.glyph(r)
		for gy := range g.h {
			row := g.ink[gy*g.w : (gy+1)*g.w]
			for gx, on := range row {
				if on {
					b.Set(x+g.x0+gx, baseline+g.y0+gy, true)
				}
			}
		}
		x += g.advance
	}
}
