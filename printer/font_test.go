package printer

import (
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// renderLetters returns the 134 Vietnamese letters with a diacritic,
// lower and upper case, precomposed: đ, ă â ê ô ơ ư, and each of the
// twelve vowels with each of the five tone marks.
func renderLetters() []rune {
	var lower []rune
	lower = append(lower, 'đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư')
	tones := []rune{0x0300, 0x0301, 0x0309, 0x0303, 0x0323} // huyền, sắc, hỏi, ngã, nặng
	for _, v := range "aăâeêioôơuưy" {
		for _, tone := range tones {
			rs := []rune(norm.NFC.String(string([]rune{v, tone})))
			if len(rs) == 1 {
				lower = append(lower, rs[0])
			}
		}
	}
	all := append([]rune(nil), lower...)
	for _, r := range lower {
		all = append(all, unicode.ToUpper(r))
	}
	return all
}

func TestEmbeddedFontsHaveVietnamese(t *testing.T) {
	letters := renderLetters()
	if len(letters) != 134 {
		t.Fatalf("got %d letters, want 134", len(letters))
	}
	seen := make(map[rune]bool)
	for _, r := range letters {
		if seen[r] {
			t.Fatalf("letter %q listed twice", r)
		}
		seen[r] = true
	}
	for _, tc := range []struct {
		name  string
		style fontStyle
	}{{"regular", styleRegular}, {"bold", styleBold}} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := embeddedFont(tc.style)
			if err != nil {
				t.Fatal(err)
			}
			var buf sfnt.Buffer
			fc, err := getFace(tc.style, 24)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range letters {
				gi, err := f.GlyphIndex(&buf, r)
				if err != nil || gi == 0 {
					t.Errorf("%q (U+%04X): glyph index %d, %v; want a glyph", r, r, gi, err)
					continue
				}
				b := NewBitmap(48, 48)
				fc.draw(b, string(r), 8, 36)
				if ink := countInk(b); ink < 20 {
					t.Errorf("%q (U+%04X): %d black dots at 24 dots per em, want a drawn letter", r, r, ink)
				}
			}
		})
	}
}

// TestMarksDrawn checks that a tone mark really adds ink above or below
// the base vowel: ệ is not e.
func TestMarksDrawn(t *testing.T) {
	fc, err := getFace(styleRegular, 24)
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]rune{{'e', 'ệ'}, {'o', 'ở'}, {'u', 'ữ'}, {'D', 'Đ'}, {'A', 'Ẫ'}} {
		a, b := NewBitmap(48, 48), NewBitmap(48, 48)
		fc.draw(a, string(pair[0]), 8, 36)
		fc.draw(b, string(pair[1]), 8, 36)
		if countInk(b) <= countInk(a) {
			t.Errorf("%q has %d black dots, %q %d: want more ink with the marks", pair[1], countInk(b), pair[0], countInk(a))
		}
	}
}

func countInk(b *Bitmap) int {
	n := 0
	for y := range b.H {
		for x := range b.W {
			if b.At(x, y) {
				n++
			}
		}
	}
	return n
}
