package printer

import (
	"bytes"
	"strings"
	"testing"
)

// textProfile returns the named profile, failing the test if it is unknown.
func textProfile(t *testing.T, name string) Profile {
	t.Helper()
	p, err := LookupProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEncodeTextModeGolden(t *testing.T) {
	wpc := Profiles["80mm"]
	wpc.Name, wpc.CodePage, wpc.TextMode = "80mm-wpc1258", CodePageWPC1258, true
	for _, tc := range []struct {
		golden string
		doc    Document
		p      Profile
	}{
		{"text-ticket-tcvn3-80", goldenTicket(), textProfile(t, "epson-tm-t20-80+text")},
		{"text-ticket-tcvn3-58", goldenTicket(), textProfile(t, "epson-tm-t20-58+text")},
		{"text-receipt-tcvn3-80", goldenReceipt(), textProfile(t, "epson-tm-t20-80+text")},
		{"text-receipt-tcvn3-58", goldenReceipt(), textProfile(t, "epson-tm-t20-58+text")},
		{"text-ticket-folded-58", goldenTicket(), textProfile(t, "zjiang-pos58+text")},
		{"text-ticket-folded-80", goldenTicket(), textProfile(t, "xprinter-xp80+text")},
		{"text-receipt-folded-58", goldenReceipt(), textProfile(t, "zjiang-pos58+text")},
		{"text-receipt-folded-80", goldenReceipt(), textProfile(t, "xprinter-xp80+text")},
		{"text-ticket-wpc1258-80", goldenTicket(), wpc},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			got, err := EncodeTextMode(tc.doc, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, got, "profile "+tc.p.Name+"\n\n"+annotate(got, tc.p.CodePage))
		})
	}
}

// printedLines returns what a text-mode job prints, line by line, decoded
// as the printer would: commands dropped, tables followed.
func printedLines(b []byte, cp CodePage) []string {
	var lines []string
	var line strings.Builder
	table := NoTable
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == lf:
			lines = append(lines, line.String())
			line.Reset()
			i++
		case c >= 0x20 && c != 0x7F:
			j := i
			for j < len(b) && b[j] >= 0x20 && b[j] != 0x7F {
				j++
			}
			line.WriteString(DecodeText(cp, table, b[i:j]))
			i = j
		case c == asciiESC && i+2 < len(b) && b[i+1] == 't':
			table = int(b[i+2])
			i += 3
		case c == asciiESC && i+1 < len(b) && b[i+1] == '@':
			i += 2
		case c == asciiESC:
			i += 3 // ESC a n, ESC E n, ESC d n
		case c == asciiFS:
			i += 2
		case c == asciiGS:
			n, _ := annotateGS(b[i:])
			if n == 0 {
				return append(lines, "<bad GS>")
			}
			i += n
		default:
			i++
		}
	}
	return lines
}

func TestEncodeTextModeContent(t *testing.T) {
	for _, tc := range []struct {
		profile string
		doc     Document
		want    []string
		qr      bool
	}{
		{"epson-tm-t20-80+text", goldenTicket(), []string{
			"Trung tâm Phục vụ Hành chính công tỉnh Đồng Nai", "SỐ THỨ TỰ", "1023",
			"Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp", "Sở Xây dựng",
			"Số người chờ trước: 12", "khoảng 25 phút", "08:05", "09/03/2026",
			"Quét mã để theo dõi lượt của bạn", "Vui lòng chờ gọi số",
		}, true},
		{"zjiang-pos58+text", goldenTicket(), []string{
			"Trung tam Phuc vu Hanh chinh cong tinh Dong Nai", "SO THU TU", "1023",
			"So nguoi cho truoc: 12", "http://10.0.0.2:8080/t/3FQ7-K2PX",
		}, false},
		{"epson-tm-t88-80+text", goldenReceipt(), []string{
			"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mã hồ sơ: 000.00.12.H41-260309-0012",
			"Người nộp: Nguyễn Thị Hương", "Hẹn trả: 16 giờ 30 phút, ngày 12/03/2026",
			"Cán bộ tiếp nhận: Trần Văn Đức - Quầy 4", "Mang theo giấy này",
		}, true},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			p := textProfile(t, tc.profile)
			b, err := EncodeTextMode(tc.doc, p)
			if err != nil {
				t.Fatal(err)
			}
			wantStart := preamble(p)
			if !bytes.HasPrefix(b, wantStart) {
				t.Errorf("starts % X, want % X", b[:min(len(b), 4)], wantStart)
			}
			if !bytes.HasSuffix(b, jobCut(p)) {
				t.Errorf("ends % X, want the profile's cut % X", b[max(len(b)-4, 0):], jobCut(p))
			}
			if hasQR := bytes.Contains(b, []byte{0x1D, 0x28, 0x6B}); hasQR != tc.qr {
				t.Errorf("GS ( k in job = %v, want %v", hasQR, tc.qr)
			}
			lines := printedLines(b, p.CodePage)
			text := strings.Join(lines, " ")
			text = strings.Join(strings.Fields(text), " ")
			for _, want := range tc.want {
				if !strings.Contains(text, want) {
					t.Errorf("printed text lacks %q; got:\n%s", want, strings.Join(lines, "\n"))
				}
			}
			for _, l := range lines {
				if n := len([]rune(l)); n > p.Columns {
					t.Errorf("line %q is %d cells, want at most %d", l, n, p.Columns)
				}
			}
		})
	}
}

func TestEncodeTextModeKeepsCommandsOut(t *testing.T) {
	tk := Ticket{
		Center:       "A\x1b@B",       // ESC @ would reset the printer mid-ticket
		Number:       "1\x1dV\x00",    // GS V 0 would cut
		Service:      "x\ty\r\nz\x10", // DLE and line breaks
		Department:   "Sở 東",
		WaitingAhead: -3,
	}
	for _, name := range []string{"58mm+text", "epson-tm-t20-80+text"} {
		p := textProfile(t, name)
		b, err := EncodeTextMode(tk, p)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(printedLines(b, p.CodePage), "\n")
		for _, want := range []string{"A @B", "1 V", "x y z", "Sở ?", ": 0"} {
			if p.CodePage == CodePageNone {
				want = Fold(want)
			}
			if !strings.Contains(text, want) {
				t.Errorf("%s: printed text lacks %q; got %q", name, want, text)
			}
		}
		if bytes.Count(b, cmdInit) != 1 {
			t.Errorf("%s: %d ESC @ in the job, want 1", name, bytes.Count(b, cmdInit))
		}
	}
}

func TestEncodeTextModeErrors(t *testing.T) {
	p := Profiles["80mm"]
	p.CodePage = "cp437"
	if _, err := EncodeTextMode(goldenTicket(), p); err == nil {
		t.Error("unknown code page: no error")
	}
	if _, err := EncodeTextMode(nil, Profiles["80mm"]); err == nil {
		t.Error("nil document: no error")
	}
	if _, err := EncodeTextMode((*Ticket)(nil), Profiles["80mm"]); err == nil {
		t.Error("nil *Ticket: no error")
	}
	long := goldenTicket()
	long.TrackURL = "http://x/" + strings.Repeat("a", 2000)
	if _, err := EncodeTextMode(long, textProfile(t, "epson-tm-t20-58+text")); err == nil {
		t.Error("URL too long for a QR code: no error")
	}
}

func TestEncodeTextModeZeroProfile(t *testing.T) {
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
			b, err := EncodeTextMode(tk, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			lines := printedLines(b, "")
			if !containsLine(lines, strings.Repeat("a", tc.cols)) {
				t.Errorf("got %q, want a line of %d characters", lines, tc.cols)
			}
		})
	}
}

func containsLine(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

func TestWrapCells(t *testing.T) {
	for _, tc := range []struct {
		name string
		cp   CodePage
		s    string
		cols int
		want []string
	}{
		{"empty", "", "", 10, nil},
		{"spaces", "", "   ", 10, nil},
		{"fits", "", "ab cd", 5, []string{"ab cd"}},
		{"breaks at space", "", "ab cd ef", 5, []string{"ab cd", "ef"}},
		{"collapses spaces", "", "ab    cd", 10, []string{"ab cd"}},
		{"cuts long word", "", "abcdefghij kl", 4, []string{"abcd", "efgh", "ij", "kl"}},
		{"zero columns", "", "ab", 0, []string{"a", "b"}},
		{"tcvn3 letter is one cell", CodePageTCVN3, "Số Số", 5, []string{"Số Số"}},
		{"wpc1258 toned letter is two cells", CodePageWPC1258, "Số Số", 5, []string{"Số", "Số"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := wrapCells(tc.cp, tc.s, tc.cols)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Errorf("wrapCells(%q, %q, %d) = %q, want %q", tc.cp, tc.s, tc.cols, got, tc.want)
			}
		})
	}
}

func TestEncodeTextModeMakerTable(t *testing.T) {
	p := textProfile(t, "rongta-rp80+text")
	b, err := EncodeTextMode(goldenTicket(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte{0x1B, 0x74, 35}) || bytes.Contains(b, []byte{0x1B, 0x74, 52}) {
		t.Errorf("Rongta WPC1258 job: want ESC t 35 (its page number) and no ESC t 52")
	}
}
