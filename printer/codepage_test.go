package printer

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// vietnameseLetters returns the 134 Vietnamese letters with a diacritic:
// 12 vowels (a ă â e ê i o ô ơ u ư y) × 6 tones, less the 6 plain ASCII
// vowels, plus đ, in lower and upper case.
func cpLetters134() []rune {
	var out []rune
	for _, v := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"} {
		for _, tone := range []string{"", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"} {
			s := norm.NFC.String(v + tone)
			if s == "a" || s == "e" || s == "i" || s == "o" || s == "u" || s == "y" {
				continue
			}
			r := []rune(s)[0]
			out = append(out, r, unicode.ToUpper(r))
		}
	}
	return append(out, 'đ', 'Đ')
}

func TestVietnameseLetters(t *testing.T) {
	letters := cpLetters134()
	if len(letters) != 134 {
		t.Fatalf("got %d letters, want 134", len(letters))
	}
	seen := map[rune]bool{}
	for _, r := range letters {
		if seen[r] || len(string(r)) < 2 {
			t.Errorf("letter %q repeated or ASCII", r)
		}
		seen[r] = true
	}
}

// decodeRuns prints runs back as the printer would, composing nothing.
func decodeRuns(cp CodePage, runs []TableRun) string {
	var sb strings.Builder
	for _, r := range runs {
		sb.WriteString(DecodeText(cp, r.Table, r.Bytes))
	}
	return sb.String()
}

func TestTCVN3RoundTrip(t *testing.T) {
	for _, r := range cpLetters134() {
		runs, err := EncodeText(CodePageTCVN3, string(r))
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 1 || len(runs[0].Bytes) != 1 {
			t.Errorf("%q: got runs %v, want one byte in one table", r, runs)
			continue
		}
		run := runs[0]
		if run.Bytes[0] < 0xA1 {
			t.Errorf("%q: byte %#02x, want one in the upper half", r, run.Bytes[0])
		}
		wantTable := TableTCVN3Lower
		if unicode.IsUpper(r) {
			wantTable = TableTCVN3Upper
		}
		if run.Table != wantTable {
			t.Errorf("%q: table %d, want %d", r, run.Table, wantTable)
		}
		if got := DecodeText(CodePageTCVN3, run.Table, run.Bytes); got != string(r) {
			t.Errorf("DecodeText(tcvn3, %d, % x) = %q, want %q", run.Table, run.Bytes, got, string(r))
		}
	}
	// every letter in one string, upper and lower mixed, decodes back
	all := string(cpLetters134())
	runs, err := EncodeText(CodePageTCVN3, all)
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeRuns(CodePageTCVN3, runs); got != all {
		t.Errorf("round trip of all letters:\ngot  %q\nwant %q", got, all)
	}
}

func TestWPC1258RoundTrip(t *testing.T) {
	for _, r := range cpLetters134() {
		runs, err := EncodeText(CodePageWPC1258, string(r))
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 1 || runs[0].Table != TableWPC1258 || len(runs[0].Bytes) > 2 {
			t.Errorf("%q: got runs %v, want one or two bytes in table 52", r, runs)
			continue
		}
		got := DecodeText(CodePageWPC1258, TableWPC1258, runs[0].Bytes)
		if n := len([]rune(got)); n != len(runs[0].Bytes) {
			t.Errorf("%q: decoded %d runes from %d bytes, want one a byte", r, n, len(runs[0].Bytes))
		}
		if norm.NFC.String(got) != string(r) {
			t.Errorf("%q: decoded %q (% x), want it once composed", r, got, runs[0].Bytes)
		}
	}
}

func TestEncodeText(t *testing.T) {
	for _, tc := range []struct {
		name string
		cp   CodePage
		s    string
		want []TableRun
	}{
		{"ascii tcvn3", CodePageTCVN3, "Quay 3", []TableRun{{NoTable, []byte("Quay 3")}}},
		{"tcvn3 lower", CodePageTCVN3, "Số thứ tự", []TableRun{{TableTCVN3Lower, []byte("S\xe8 th\xf8 t\xf9")}}},
		{"tcvn3 Đ then lower", CodePageTCVN3, "Đồng Nai", []TableRun{
			{TableTCVN3Upper, []byte("\xa7")},
			{TableTCVN3Lower, []byte("\xe5ng Nai")},
		}},
		{"tcvn3 eth as Đ", CodePageTCVN3, "\u00d0", []TableRun{{TableTCVN3Upper, []byte("\xa7")}}},
		{"tcvn3 đ", CodePageTCVN3, "đường", []TableRun{{TableTCVN3Lower, []byte("\xae\xad\xeang")}}},
		{"tcvn3 upper switch", CodePageTCVN3, "Sở XÂY DỰNG", []TableRun{
			{TableTCVN3Lower, []byte("S\xeb X")},
			{TableTCVN3Upper, []byte("\xa2Y D\xf9NG")},
		}},
		{"tcvn3 ÊÔƠƯ", CodePageTCVN3, "ÊÔƠƯ", []TableRun{{TableTCVN3Upper, []byte("\xaa\xab\xac\xad")}}},
		{"tcvn3 upper stays", CodePageTCVN3, "VIỆT NAM", []TableRun{{TableTCVN3Upper, []byte("VI\xd6T NAM")}}},
		{"tcvn3 Ă in upper run", CodePageTCVN3, "ỞĂ", []TableRun{{TableTCVN3Upper, []byte("\xeb\xa1")}}},
		{"tcvn3 decomposed input", CodePageTCVN3, "o\u0302\u0301", []TableRun{{TableTCVN3Lower, []byte{0xe8}}}},
		{"tcvn3 foreign", CodePageTCVN3, "Sở 東 ü", []TableRun{{TableTCVN3Lower, []byte("S\xeb ? u")}}},
		{"tcvn3 controls", CodePageTCVN3, "a\x1b@\tb\x1dV", []TableRun{{NoTable, []byte("a?@ b?V")}}},
		{"wpc1258 precomposed", CodePageWPC1258, "Tại quầy", []TableRun{{TableWPC1258, []byte("Ta\xf2i qu\xe2\xccy")}}},
		{"wpc1258 toned in table", CodePageWPC1258, "Hà Nội", []TableRun{{TableWPC1258, []byte("H\xe0 N\xf4\xf2i")}}},
		{"wpc1258 ố", CodePageWPC1258, "Số", []TableRun{{TableWPC1258, []byte("S\xf4\xec")}}},
		{"wpc1258 đ ư ơ", CodePageWPC1258, "Đường", []TableRun{{TableWPC1258, []byte("\xd0\xfd\xf5\xccng")}}},
		{"none folds", CodePageNone, "Số người chờ", []TableRun{{NoTable, []byte("So nguoi cho")}}},
		{"none controls", CodePageNone, "A\x1b@", []TableRun{{NoTable, []byte("A?@")}}},
		{"empty", CodePageTCVN3, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EncodeText(tc.cp, tc.s)
			if err != nil {
				t.Fatal(err)
			}
			if !runsEqual(got, tc.want) {
				t.Errorf("EncodeText(%q, %q) = %v, want %v", tc.cp, tc.s, fmtRuns(got), fmtRuns(tc.want))
			}
			for _, r := range got {
				for _, c := range r.Bytes {
					if c < 0x20 || c == 0x7F {
						t.Errorf("control byte %#02x in %v", c, fmtRuns(got))
					}
				}
			}
		})
	}
}

func TestEncodeTextUnknown(t *testing.T) {
	if _, err := EncodeText("cp1252", "x"); err == nil {
		t.Error("EncodeText(cp1252) succeeded, want an error")
	}
}

func TestDecodeText(t *testing.T) {
	for _, tc := range []struct {
		cp    CodePage
		table int
		b     []byte
		want  string
	}{
		{CodePageTCVN3, TableTCVN3Lower, []byte("S\xe8 \xae"), "Số đ"},
		{CodePageTCVN3, TableTCVN3Upper, []byte("S\xe8 \xa7\xad"), "SỐ ĐƯ"},
		{CodePageTCVN3, TableTCVN3Lower, []byte{0xA7}, "\ufffd"}, // Đ is only in table 31
		{CodePageTCVN3, TableTCVN3Upper, []byte{0xAE}, "\ufffd"}, // nothing at đ's byte in table 31
		{CodePageTCVN3, TableTCVN3Lower, []byte{0xB0, 0xFF, 0x1B}, "\ufffd\ufffd\ufffd"},
		{CodePageTCVN3, TablePC437, []byte{'a', 0xE8}, "a\ufffd"},
		{CodePageWPC1258, TableWPC1258, []byte("S\xf4\xec"), "Sô\u0301"},
		{CodePageNone, NoTable, []byte("ab\x80"), "ab\ufffd"},
	} {
		if got := DecodeText(tc.cp, tc.table, tc.b); got != tc.want {
			t.Errorf("DecodeText(%q, %d, % x) = %q, want %q", tc.cp, tc.table, tc.b, got, tc.want)
		}
	}
}

func runsEqual(a, b []TableRun) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Table != b[i].Table || !bytes.Equal(a[i].Bytes, b[i].Bytes) {
			return false
		}
	}
	return true
}

func fmtRuns(rs []TableRun) string {
	var sb strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&sb, "{%d: % x %q} ", r.Table, r.Bytes, r.Bytes)
	}
	return sb.String()
}

func TestDecodeTextMakerTable(t *testing.T) {
	if got := DecodeText(CodePageWPC1258, 35, []byte("S\xf4")); got != "Sô" {
		t.Errorf("DecodeText(wpc1258, 35) = %q, want %q: WPC1258 under Rongta's page number", got, "Sô")
	}
	if got := DecodeText(CodePageWPC1258, TablePC437, []byte{0xF4}); got != "\ufffd" {
		t.Errorf("DecodeText(wpc1258, 0) = %q, want U+FFFD: PC437 is not WPC1258", got)
	}
}
