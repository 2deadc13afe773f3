package printer

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold removes the diacritics from Vietnamese text: "Số người chờ trước"
// becomes "So nguoi cho truoc", "Đ" becomes "D". It handles all 134 accented
// Vietnamese letters, precomposed or typed as a base letter plus combining
// marks, and leaves other characters as they are (ASCII stays ASCII).
//
// Fold exists because text mode sends bytes in the printer's code page, and
// cheap printers rarely have a Vietnamese one: folded text is readable on
// every printer. The raster layout of the printing work renders real
// Vietnamese with an embedded font and makes Fold a fallback.
func Fold(s string) string {
	if isASCII(s) {
		return s
	}
	// NFD splits each letter into its base and combining marks (ộ → o +
	// U+0323 + U+0302), the marks are dropped, and NFC puts back together
	// whatever else NFD took apart (Hangul, for one). Đ and đ are letters
	// of their own, not D with a mark, so they are mapped by hand.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(foldStroke), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil { // cannot happen with these transformers; keep the text rather than lose it
		return s
	}
	return out
}

// foldStroke maps the letters with a stroke, which have no decomposition.
func foldStroke(r rune) rune {
	switch r {
	case 'đ':
		return 'd'
	case 'Đ', 'Ð': // U+00D0 (Icelandic eth) is often typed for Đ by mistake
		return 'D'
	}
	return r
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
