package printer

import (
	"bytes"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var ict = time.FixedZone("ICT", 7*60*60) // Asia/Ho_Chi_Minh, which has no daylight saving

func goldenTicket() Ticket {
	return Ticket{
		Center:       "Trung tâm Phục vụ Hành chính công tỉnh Đồng Nai",
		Number:       "1023",
		Service:      "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
		Department:   "Sở Xây dựng",
		IssuedAt:     time.Date(2026, 3, 9, 8, 5, 0, 0, ict),
		WaitingAhead: 12,
		TrackURL:     "http://10.0.0.2:8080/t/3FQ7-K2PX",
	}
}

// TestEncodeGolden pins the exact bytes of an 80 mm ticket. After a
// deliberate change, rewrite the golden files with go test ./printer -update
// and review the diff of the .txt dump.
func TestEncodeGolden(t *testing.T) {
	got := Encode(goldenTicket(), Profiles["80mm"])
	golden := filepath.Join("testdata", "ticket-80mm.golden")
	dump := golden + ".txt"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dump, []byte(hex.Dump(got)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./printer -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Encode bytes differ from %s:\ngot:\n%s\nwant:\n%s", golden, hex.Dump(got), hex.Dump(want))
	}
	wantDump, err := os.ReadFile(dump)
	if err != nil {
		t.Fatal(err)
	}
	if string(wantDump) != hex.Dump(want) {
		t.Errorf("%s does not match %s: run go test ./printer -update", dump, golden)
	}
}

func TestEncode(t *testing.T) {
	for _, name := range []string{"58mm", "80mm"} {
		t.Run(name, func(t *testing.T) {
			p := Profiles[name]
			b := Encode(goldenTicket(), p)
			if !bytes.HasPrefix(b, cmdInit) {
				t.Errorf("starts with % x, want ESC @ (% x)", b[:min(len(b), 4)], cmdInit)
			}
			if !bytes.HasSuffix(b, cmdFeedCut) {
				t.Errorf("ends with % x, want GS V 66 0 (% x)", b[max(len(b)-4, 0):], cmdFeedCut)
			}
			text := printedText(b)
			for _, want := range []string{
				"Trung tam Phuc vu Hanh chinh cong tinh Dong Nai",
				"1023",
				"Cap doi giay phep lai xe do nganh Giao thong van tai cap",
				"So Xay dung",
				"08:05 09/03/2026",
				"So nguoi cho truoc: 12",
			} {
				if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
					t.Errorf("printed text lacks %q; got:\n%s", want, text)
				}
			}
			for _, line := range strings.Split(text, "\n") {
				if len(line) > p.Columns {
					t.Errorf("line %q is %d characters, want at most %d", line, len(line), p.Columns)
				}
			}
		})
	}
}

// printedText returns the text of an encoded ticket without the commands
// Encode writes.
func printedText(b []byte) string {
	for _, c := range [][]byte{cmdInit, cmdAlignLeft, cmdAlignCenter, cmdSizeNormal, cmdSizeDouble, cmdFeedCut} {
		b = bytes.ReplaceAll(b, c, nil)
	}
	return string(b)
}

func TestEncodeKeepsCommandsOut(t *testing.T) {
	tk := Ticket{
		Center:  "A\x1b@B",       // ESC @ would reset the printer mid-ticket
		Number:  "1\x1dV\x00",    // GS V 0 would cut
		Service: "x\ty\r\nz\x10", // DLE and line breaks
		// a rune outside ASCII and Vietnamese
		Department:   "Sở 東",
		WaitingAhead: -3,
	}
	b := Encode(tk, Profiles["58mm"])
	text := printedText(b)
	for i := 0; i < len(text); i++ {
		if c := text[i]; c != '\n' && (c < 0x20 || c >= 0x7F) {
			t.Errorf("printed text has byte %#02x at %d; want printable ASCII only: %q", c, i, text)
		}
	}
	for _, want := range []string{"A?@B", "1?V?", "x y z?", "So ?", "So nguoi cho truoc: 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("printed text lacks %q; got %q", want, text)
		}
	}
}

func TestEncodeZeroProfile(t *testing.T) {
	tk := Ticket{Service: strings.Repeat("a", 60)}
	for _, tc := range []struct {
		name string
		p    Profile
		cols int
	}{
		{"empty", Profile{}, 32},
		{"dots only", Profile{WidthDots: 576}, 48},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := printedText(Encode(tk, tc.p))
			want := strings.Repeat("a", tc.cols) + "\n"
			if !strings.Contains(text, want) {
				t.Errorf("got %q, want a line of %d characters", text, tc.cols)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    string
		cols int
		want []string
	}{
		{"empty", "", 10, nil},
		{"spaces", "   ", 10, nil},
		{"fits", "ab cd", 5, []string{"ab cd"}},
		{"breaks at space", "ab cd ef", 5, []string{"ab cd", "ef"}},
		{"collapses spaces", "ab    cd", 10, []string{"ab cd"}},
		{"cuts long word", "abcdefghij kl", 4, []string{"abcd", "efgh", "ij", "kl"}},
		{"long word after text", "a bcdefg", 3, []string{"a", "bcd", "efg"}},
		{"zero columns", "ab", 0, []string{"a", "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := wrap(tc.s, tc.cols)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Errorf("wrap(%q, %d) = %q, want %q", tc.s, tc.cols, got, tc.want)
			}
		})
	}
}
