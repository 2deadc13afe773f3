package printer

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// vietnameseLetters lists the 67 lower-case Vietnamese letters with a
// diacritic and the ASCII letter each folds to; with their 67 upper-case
// forms they make the 134.
var vietnameseLetters = []struct{ base, letters string }{
	{"a", "àáảãạ" + "ăằắẳẵặ" + "âầấẩẫậ"},
	{"e", "èéẻẽẹ" + "êềếểễệ"},
	{"i", "ìíỉĩị"},
	{"o", "òóỏõọ" + "ôồốổỗộ" + "ơờớởỡợ"},
	{"u", "ùúủũụ" + "ưừứửữự"},
	{"y", "ỳýỷỹỵ"},
	{"d", "đ"},
}

func TestFoldAllLetters(t *testing.T) {
	n := 0
	for _, l := range vietnameseLetters {
		for _, r := range l.letters {
			lower, upper := string(r), strings.ToUpper(string(r))
			for _, tc := range []struct{ in, want string }{
				{lower, l.base},
				{upper, strings.ToUpper(l.base)},
			} {
				n++
				if got := Fold(tc.in); got != tc.want {
					t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
				}
				// The same letter typed as base + combining marks.
				if d := norm.NFD.String(tc.in); d != tc.in {
					if got := Fold(d); got != tc.want {
						t.Errorf("Fold(%+q) = %q, want %q", d, got, tc.want)
					}
				}
			}
		}
	}
	if n != 134 {
		t.Errorf("tested %d letters, want 134", n)
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"ASCII stays: 0-9 ~!@#", "ASCII stays: 0-9 ~!@#"},
		{"Số người chờ trước", "So nguoi cho truoc"},
		{"TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "TRUNG TAM PHUC VU HANH CHINH CONG"},
		{"Đăng ký hộ kinh doanh", "Dang ky ho kinh doanh"},
		{"ÐỒNG NAI", "DONG NAI"}, // U+00D0 for Đ
		{"Café 東京 한국", "Cafe 東京 한국"},
		{"x\x00y", "x\x00y"}, // Fold only folds; Encode cleans
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := Fold(tc.in); got != tc.want {
				t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFoldInvalidUTF8(t *testing.T) {
	// Invalid bytes come out as U+FFFD, which Encode prints as '?'.
	if got, want := Fold("ố\xff"), "o\uFFFD"; got != want {
		t.Errorf("Fold(%q) = %q, want %q", "ố\xff", got, want)
	}
}
