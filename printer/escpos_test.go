package printer

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var ict = time.FixedZone("ICT", 7*60*60) // Asia/Ho_Chi_Minh, which has no daylight saving

func goldenTicket() Ticket {
	return Ticket{
		Center:        "Trung tâm Phục vụ Hành chính công tỉnh Đồng Nai",
		Number:        "1023",
		Service:       "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
		Department:    "Sở Xây dựng",
		IssuedAt:      time.Date(2026, 3, 9, 8, 5, 0, 0, ict),
		WaitingAhead:  12,
		EstimatedWait: 25 * time.Minute,
		TrackURL:      "http://10.0.0.2:8080/t/3FQ7-K2PX",
	}
}

func goldenReceipt() Receipt {
	return Receipt{
		Center:     "Trung tâm Phục vụ Hành chính công tỉnh Đồng Nai",
		Code:       "000.00.12.H41-260309-0012",
		Procedure:  "Đăng ký thành lập hộ kinh doanh",
		Applicant:  "Nguyễn Thị Hương",
		ReceivedAt: time.Date(2026, 3, 9, 8, 20, 0, 0, ict),
		DueAt:      time.Date(2026, 3, 12, 16, 30, 0, 0, ict),
		Channel:    "Tại quầy",
		Official:   "Trần Văn Đức",
		Counter:    4,
		Hotline:    "0251 3822 555",
		TrackURL:   "http://10.0.0.2:8080/h/000.00.12.H41-260309-0012",
	}
}

// checkGolden compares got with testdata/name.golden and dump with the
// readable testdata/name.golden.txt beside it; -update rewrites both.
func checkGolden(t *testing.T, name string, got []byte, dump string) {
	t.Helper()
	golden := filepath.Join("testdata", name+".golden")
	txt := golden + ".txt"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(txt, []byte(dump), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./printer -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("bytes differ from %s (run go test ./printer -update and review the diff of %s):\ngot:\n%s", golden, txt, dump)
	}
	wantDump, err := os.ReadFile(txt)
	if err != nil {
		t.Fatal(err)
	}
	if string(wantDump) != dump {
		t.Errorf("%s is stale: run go test ./printer -update", txt)
	}
}

// annotate renders an ESC/POS byte stream one command a line: its bytes in
// hex and its name from the Epson reference, text decoded with the code
// page cp and the table last selected. Raster and QR data are summarised.
func annotate(b []byte, cp CodePage) string {
	var sb strings.Builder
	table := NoTable
	line := func(cmd []byte, format string, args ...any) {
		h := fmt.Sprintf("% X", cmd)
		if len(h) > 35 {
			h = h[:32] + "..."
		}
		fmt.Fprintf(&sb, "%-36s %s\n", h, fmt.Sprintf(format, args...))
	}
	arg := func(i, n int) ([]byte, bool) { // the n bytes of a command starting at i, if present
		if i+n > len(b) {
			return b[i:], false
		}
		return b[i : i+n], true
	}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == lf:
			line(b[i:i+1], "LF")
			i++
		case c >= 0x20 && c != 0x7F:
			j := i
			for j < len(b) && b[j] >= 0x20 && b[j] != 0x7F {
				j++
			}
			text := DecodeText(cp, table, b[i:j])
			if cp == CodePageWPC1258 { // show each tone mark in the cell of its own it prints in
				text = strings.NewReplacer("\u0300", "◌\u0300", "\u0301", "◌\u0301", "\u0303", "◌\u0303",
					"\u0309", "◌\u0309", "\u0323", "◌\u0323").Replace(text)
			}
			line(nil, "text %q", text)
			i = j
		case c == asciiESC && i+1 < len(b):
			op := b[i+1]
			names := map[byte]string{'a': "ESC a %d  justification (0 left, 1 center)", 'E': "ESC E %d  emphasized", 't': "ESC t %d  character code table",
				'd': "ESC d %d  print and feed n lines", 'J': "ESC J %d  print and feed n dots", '-': "ESC - %d  underline", 'V': "ESC V %d  90° rotation",
				'{': "ESC { %d  upside-down", '3': "ESC 3 %d  line spacing"}
			switch {
			case op == '@':
				line(b[i:i+2], "ESC @  initialize")
				i += 2
			case op == '2':
				line(b[i:i+2], "ESC 2  default line spacing")
				i += 2
			case names[op] != "":
				cmd, ok := arg(i, 3)
				if !ok {
					line(cmd, "truncated ESC %c", op)
					return sb.String()
				}
				if op == 't' {
					table = int(cmd[2])
				}
				line(cmd, names[op], cmd[2])
				i += 3
			default:
				line(b[i:i+2], "ESC %q  (unknown to this dump)", op)
				i += 2
			}
		case c == asciiFS && i+1 < len(b) && b[i+1] == '.':
			line(b[i:i+2], "FS .  cancel Kanji character mode")
			i += 2
		case c == 0x10 && i+2 < len(b) && b[i+1] == 0x04:
			line(b[i:i+3], "DLE EOT %d  real-time status", b[i+2])
			i += 3
		case c == asciiGS && i+1 < len(b):
			n, desc := annotateGS(b[i:])
			if n == 0 {
				line(b[i:], "truncated or unknown GS command")
				return sb.String()
			}
			line(b[i:i+min(n, 16)], "%s", desc)
			i += n
		default:
			line(b[i:i+1], "control byte (unknown to this dump)")
			i++
		}
	}
	return sb.String()
}

// annotateGS names the GS command at the start of b and returns its length.
func annotateGS(b []byte) (int, string) {
	if len(b) < 3 {
		return 0, ""
	}
	op, n := b[1], b[2]
	switch op {
	case '!':
		desc := fmt.Sprintf("GS ! 0x%02X  character size %d×%d (width×height)", n, (n>>4)&7+1, n&7+1)
		if n&0x88 != 0 {
			desc += ", reserved bits 3 and 7 set"
		}
		return 3, desc
	case 'w':
		return 3, fmt.Sprintf("GS w %d  bar code module width", n)
	case 'h':
		return 3, fmt.Sprintf("GS h %d  bar code HEIGHT", n)
	case 'r':
		return 3, fmt.Sprintf("GS r %d  transmit status", n)
	case 'B':
		return 3, fmt.Sprintf("GS B %d  reverse", n)
	case 'L', 'W':
		if len(b) < 4 {
			return 0, ""
		}
		name := map[byte]string{'L': "left margin", 'W': "print area width"}[op]
		return 4, fmt.Sprintf("GS %c %d %d  %s %d dots", op, n, b[3], name, int(n)|int(b[3])<<8)
	case 'V':
		names := map[byte]string{0: "full cut", 1: "partial cut", 48: "full cut", 49: "partial cut"}
		if n == 65 || n == 66 {
			if len(b) < 4 {
				return 0, ""
			}
			kind := map[byte]string{65: "full", 66: "partial"}[n]
			return 4, fmt.Sprintf("GS V %d %d  feed to cutter + %d, %s cut", n, b[3], b[3], kind)
		}
		return 3, fmt.Sprintf("GS V %d  %s", n, names[n])
	case 'v':
		if len(b) < 8 || n != '0' {
			return 0, ""
		}
		x, y := int(b[4])|int(b[5])<<8, int(b[6])|int(b[7])<<8
		size := 8 + x*y
		if size > len(b) {
			desc := fmt.Sprintf("GS v 0 %d  raster %d bytes × %d rows: header wants %d data bytes, only %d follow:", b[3], x, y, x*y, len(b)-8)
			for r := 8; r < len(b); r += max(x, 1) {
				var row strings.Builder
				for _, v := range b[r:min(r+max(x, 1), len(b))] {
					for bit := range 8 {
						row.WriteByte(".#"[v>>(7-bit)&1])
					}
				}
				desc += fmt.Sprintf("\n%37s|%s|", "", row.String())
			}
			return len(b), desc
		}
		desc := fmt.Sprintf("GS v 0 %d  raster %d bytes (%d dots) × %d rows + %d data bytes", b[3], x, x*8, y, x*y)
		if x*y <= 64 { // small enough to draw: one line a row, # for a black dot
			for r := range y {
				var row strings.Builder
				for _, v := range b[8+r*x : 8+(r+1)*x] {
					for bit := range 8 {
						row.WriteByte(".#"[v>>(7-bit)&1])
					}
				}
				desc += fmt.Sprintf("\n%37s|%s|", "", row.String())
			}
		}
		return size, desc
	case '(':
		if len(b) < 5 {
			return 0, ""
		}
		p := int(b[3]) | int(b[4])<<8
		if 5+p > len(b) || p < 2 {
			return 0, ""
		}
		body := b[5 : 5+p]
		if n == 'k' && body[0] == 49 {
			switch body[1] {
			case qrFnModel:
				return 5 + p, fmt.Sprintf("GS ( k fn 165  QR model %d", body[2]-48)
			case qrFnSize:
				return 5 + p, fmt.Sprintf("GS ( k fn 167  QR module size %d dots", body[2])
			case qrFnEC:
				ec := map[byte]string{48: "L", 49: "M", 50: "Q", 51: "H"}[body[2]]
				if ec == "" {
					ec = "INVALID (want 48–51)"
				}
				return 5 + p, fmt.Sprintf("GS ( k fn 169  QR error correction %d = %s", body[2], ec)
			case qrFnStore:
				return 5 + p, fmt.Sprintf("GS ( k fn 180  QR store %d bytes %q", p-3, body[3:])
			case qrFnPrint:
				return 5 + p, "GS ( k fn 181  QR print"
			}
		}
		if n == 'H' {
			return 5 + p, fmt.Sprintf("GS ( H fn %d  process ID response", body[0])
		}
		return 5 + p, fmt.Sprintf("GS ( %c  %d bytes", n, p)
	}
	return 0, ""
}

func TestCommands(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want []byte
	}{
		// Epson ESC/POS Command Reference, the section of each command.
		{"ESC @", cmdInit, []byte{0x1B, 0x40}},
		{"FS .", cmdCancelKanji, []byte{0x1C, 0x2E}},
		{"ESC a 1", cmdAlignCenter, []byte{0x1B, 0x61, 0x01}},
		{"ESC E 1", cmdBoldOn, []byte{0x1B, 0x45, 0x01}},
		{"ESC t 30", selectTable(TableTCVN3Lower), []byte{0x1B, 0x74, 0x1E}},
		{"ESC t 31", selectTable(TableTCVN3Upper), []byte{0x1B, 0x74, 0x1F}},
		{"ESC t 52", selectTable(TableWPC1258), []byte{0x1B, 0x74, 0x34}},
		{"GS ! 1x1", charSize(1, 1), []byte{0x1D, 0x21, 0x00}},
		{"GS ! 0x0 clamps to 1x1", charSize(0, 0), []byte{0x1D, 0x21, 0x00}},
		{"GS ! 2x2", charSize(2, 2), []byte{0x1D, 0x21, 0x11}},
		{"GS ! 4x4", charSize(4, 4), []byte{0x1D, 0x21, 0x33}},
		{"GS ! 3x1", charSize(3, 1), []byte{0x1D, 0x21, 0x20}},
		{"GS ! 9x9 clamps to 8x8", charSize(9, 9), []byte{0x1D, 0x21, 0x77}},
		{"GS V 0", cut(cutFull), []byte{0x1D, 0x56, 0x00}},
		{"GS V 1", cut(cutPartial), []byte{0x1D, 0x56, 0x01}},
		{"GS V 48", cut(cutFullASCII), []byte{0x1D, 0x56, 0x30}},
		{"GS V 49", cut(cutPartialASCII), []byte{0x1D, 0x56, 0x31}},
		{"GS V 65 3", feedCut(cutFullFeed, 3), []byte{0x1D, 0x56, 0x41, 0x03}},
		{"GS V 66 0", feedCut(cutPartialFeed, 0), []byte{0x1D, 0x56, 0x42, 0x00}},
		{"default cut", cmdFeedCut, []byte{0x1D, 0x56, 0x42, 0x00}},
		{"GS w 3", barcodeWidth(3), []byte{0x1D, 0x77, 0x03}},
		{"ESC d 4", feedLines(4), []byte{0x1B, 0x64, 0x04}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Equal(tc.got, tc.want) {
				t.Errorf("got % X, want % X", tc.got, tc.want)
			}
		})
	}
}

func TestAppendQR(t *testing.T) {
	got, err := appendQR(nil, "http://x/t/1", 6, qrECM)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00, // fn 165: model 2
		0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06, // fn 167: module 6 dots
		0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31, // fn 169: level M
		0x1D, 0x28, 0x6B, 0x0F, 0x00, 0x31, 0x50, 0x30, // fn 180: store 12 bytes, pL = 12 + 3
	}
	want = append(want, "http://x/t/1"...)
	want = append(want, 0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30) // fn 181: print
	if !bytes.Equal(got, want) {
		t.Errorf("got\n% X\nwant\n% X", got, want)
	}

	long := strings.Repeat("a", 300) // pL pH = 303 = 0x012F
	got, err = appendQR(nil, long, 4, qrECM)
	if err != nil {
		t.Fatal(err)
	}
	if store := got[25:33]; !bytes.Equal(store, []byte{0x1D, 0x28, 0x6B, 0x2F, 0x01, 0x31, 0x50, 0x30}) {
		t.Errorf("fn 180 header for 300 bytes = % X, want pL 2F pH 01", store)
	}

	for _, tc := range []struct {
		name   string
		data   string
		module int
		ec     byte
	}{
		{"empty", "", 4, qrECM},
		{"too long", strings.Repeat("a", qrMaxData+1), 4, qrECM},
		{"module 0", "x", 0, qrECM},
		{"module 17", "x", 17, qrECM},
		{"ec 52", "x", 4, 52},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := appendQR(nil, tc.data, tc.module, tc.ec); err == nil {
				t.Error("appendQR succeeded, want an error")
			}
		})
	}
}

func TestAsciiSafe(t *testing.T) {
	if got, want := asciiSafe("A\x1b@\tb\x1dV\u00e9"), "A?@ b?V?"; got != want {
		t.Errorf("asciiSafe = %q, want %q", got, want)
	}
}

func TestAnnotate(t *testing.T) {
	b := append([]byte{0x1B, 0x40, 0x1C, 0x2E, 0x1B, 0x74, 30}, "S\xe8"...)
	b = append(b, 0x0A, 0x1D, 0x56, 0x42, 0x00)
	got := annotate(b, CodePageTCVN3)
	for _, want := range []string{"ESC @", "FS .", "ESC t 30", `text "Số"`, "LF", "GS V 66 0"} {
		if !strings.Contains(got, want) {
			t.Errorf("annotate lacks %q:\n%s", want, got)
		}
	}
	if !utf8.ValidString(got) {
		t.Error("annotate returned invalid UTF-8")
	}
}
