package printer

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

var renderZone = time.FixedZone("ICT", 7*60*60) // Asia/Ho_Chi_Minh, no daylight saving

const renderTrackURL = "http://192.168.1.10:8080/t/abcdefghijklmnopqrstuvwxyz234567"

func renderTicket() Ticket {
	return Ticket{
		Center:        "Trung tâm Phục vụ Hành chính công tỉnh Đồng Nai",
		Number:        "1023",
		Service:       "Đăng ký thành lập doanh nghiệp",
		Department:    "Sở Kế hoạch và Đầu tư",
		IssuedAt:      time.Date(2026, 11, 27, 15, 4, 0, 0, renderZone),
		WaitingAhead:  12,
		EstimatedWait: 25 * time.Minute,
		Priority:      "Người cao tuổi",
		TrackURL:      renderTrackURL,
	}
}

func renderReceipt() Receipt {
	return Receipt{
		Center:     "Trung tâm Phục vụ Hành chính công tỉnh Đồng Nai",
		Code:       "000.00.12.H41-260205-0012",
		Procedure:  "Đăng ký thành lập doanh nghiệp tư nhân (thủ tục một cửa liên thông)",
		Applicant:  "Nguyễn Thị Hường",
		ReceivedAt: time.Date(2026, 2, 5, 9, 5, 0, 0, renderZone),
		DueAt:      time.Date(2026, 3, 9, 16, 0, 0, 0, renderZone),
		Channel:    "Tại quầy",
		Official:   "Trần Văn Đức",
		Counter:    5,
		Hotline:    "0251 3822 888",
		TrackURL:   "http://192.168.1.10:8080/d/abcdefghijklmnopqrstuvwxyz234567",
	}
}

var renderCases = []struct {
	layout string
	doc    Document
	paper  string // key in Profiles
	url    string
}{
	{"ticket", renderTicket(), "58mm", renderTrackURL},
	{"ticket", renderTicket(), "80mm", renderTrackURL},
	{"receipt", renderReceipt(), "58mm", renderReceipt().TrackURL},
	{"receipt", renderReceipt(), "80mm", renderReceipt().TrackURL},
}

// TestRenderGolden pins the raster bytes of each layout on each paper.
// Beside each .golden file, a .golden.txt lists the commands and draws
// the bitmap at 1:4 scale: review its diff after a deliberate change and
// rewrite both with go test ./printer -update.
func TestRenderGolden(t *testing.T) {
	for _, tc := range renderCases {
		t.Run(tc.layout+"-"+tc.paper, func(t *testing.T) {
			b, err := Render(tc.doc, Profiles[tc.paper])
			if err != nil {
				t.Fatal(err)
			}
			got := EncodeRaster(b)
			dump, err := dumpRaster(got)
			if err != nil {
				t.Fatal(err)
			}
			dump = fmt.Sprintf("# %s on %s paper: %d × %d dots, %d bytes\n", tc.layout, tc.paper, b.W, b.H, len(got)) + dump
			golden := filepath.Join("testdata", "render-"+tc.layout+"-"+tc.paper+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden+".txt", []byte(dump), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./printer -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("raster bytes differ from %s (%d bytes, want %d): run go test ./printer -update and review the diff of %s.txt", golden, len(got), len(want), golden)
			}
			wantDump, err := os.ReadFile(golden + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			if string(wantDump) != dump {
				t.Errorf("%s.txt is out of date: run go test ./printer -update", golden)
			}
		})
	}
}

func TestRender(t *testing.T) {
	for _, tc := range renderCases {
		t.Run(tc.layout+"-"+tc.paper, func(t *testing.T) {
			p := Profiles[tc.paper]
			b, err := Render(tc.doc, p)
			if err != nil {
				t.Fatal(err)
			}
			if b.W != p.WidthDots || b.W%8 != 0 {
				t.Errorf("width %d dots, want %d, a multiple of 8", b.W, p.WidthDots)
			}
			if len(b.Pix) != b.H*b.W/8 {
				t.Errorf("%d bytes of pixels for %d × %d dots, want %d", len(b.Pix), b.W, b.H, b.H*b.W/8)
			}

			t.Run("qr", func(t *testing.T) {
				if got := decodeQR(t, b); got != tc.url {
					t.Errorf("QR code reads %q, want %q", got, tc.url)
				}
			})

			t.Run("no solid areas", func(t *testing.T) {
				// The head slows down (or browns out) heating most of a row
				// for long: no run of more than 24 rows over 60 % black.
				run := 0
				for y := range b.H {
					black := 0
					for x := range b.W {
						if b.At(x, y) {
							black++
						}
					}
					if black*100 > 60*b.W {
						run++
					} else {
						run = 0
					}
					if run > 24 {
						t.Fatalf("rows %d–%d are each over 60%% black", y-run+1, y)
					}
				}
			})

			t.Run("raster", func(t *testing.T) {
				data := EncodeRaster(b)
				cmds, err := parseRaster(data) // checks every band's header and ≤ 255 rows
				if err != nil {
					t.Fatal(err)
				}
				var prev *rasterCmd
				for i, c := range cmds {
					if c.width == 0 {
						if c.feed > 0 {
							prev = nil
						}
						continue // GS L or ESC J
					}
					if c.width > b.W/8 {
						t.Errorf("band %d: %d bytes a row, more than %d", i, c.width, b.W/8)
					}
					if prev != nil && prev.height < maxBandRows {
						t.Errorf("band %d follows a band of %d rows: bands are split only at %d rows", i, prev.height, maxBandRows)
					}
					prev = &cmds[i]
				}
				got := decodeRaster(t, data, b.W)
				want := withoutTrailingBlank(b)
				if got.H != want.H || !bytes.Equal(got.Pix, want.Pix) {
					t.Errorf("round trip: %d rows, want %d, or the dots differ", got.H, want.H)
				}
			})

			t.Run("deterministic", func(t *testing.T) {
				b2, err := Render(tc.doc, p)
				if err != nil {
					t.Fatal(err)
				}
				if b2.H != b.H || !bytes.Equal(b2.Pix, b.Pix) {
					t.Error("a second Render of the same document differs")
				}
			})
		})
	}
}

// decodeQR reads the QR code in b with the pure-Go ZXing port.
func decodeQR(t *testing.T, b *Bitmap) string {
	t.Helper()
	src := b.Image()
	// A white frame, as the paper around the ticket would be.
	img := image.NewGray(src.Bounds().Inset(-32))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(img, src.Bounds(), src, src.Bounds().Min, draw.Src)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("decode QR code: %v", err)
	}
	return res.GetText()
}

func TestRenderErrors(t *testing.T) {
	long := renderTicket()
	long.TrackURL = "http://192.168.1.10:8080/t/" + strings.Repeat("x", 400)
	var nilTicket *Ticket
	tests := []struct {
		name string
		doc  Document
		p    Profile
	}{
		{"unknown document", otherDocument{}, Profiles["80mm"]},
		{"nil ticket", nilTicket, Profiles["80mm"]},
		{"narrow paper", renderTicket(), Profile{WidthDots: 200}},
		{"URL too long for whole modules", long, Profiles["58mm"]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if b, err := Render(tc.doc, tc.p); err == nil {
				t.Errorf("Render = %d × %d bitmap, want an error", b.W, b.H)
			}
		})
	}
}

type otherDocument struct{}

func (otherDocument) Layout() string { return "ticket" } // claims a known layout: Render must go by type

// TestRenderPointer renders a *Ticket like a Ticket.
func TestRenderPointer(t *testing.T) {
	tk := renderTicket()
	a, err := Render(tk, Profiles["58mm"])
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(&tk, Profiles["58mm"])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Error("Render(&ticket) differs from Render(ticket)")
	}
}

func TestLayoutText(t *testing.T) {
	if got, want := issuedAt(time.Date(2026, 11, 27, 15, 4, 0, 0, renderZone)), "15:04 — Thứ Sáu, ngày 27/11/2026"; got != want {
		t.Errorf("issuedAt = %q, want %q", got, want)
	}
	if got, want := vnDateTime(time.Date(2026, 2, 5, 9, 5, 0, 0, renderZone)), "09 giờ 05 phút, ngày 05/02/2026"; got != want {
		t.Errorf("vnDateTime = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{{10 * time.Second, 1}, {90 * time.Second, 2}, {25 * time.Minute, 25}, {61*time.Minute + 29*time.Second, 61}} {
		if got := waitMinutes(tc.d); got != tc.want {
			t.Errorf("waitMinutes(%v) = %d, want %d", tc.d, got, tc.want)
		}
	}
	f, err := getFace(styleRegular, 24)
	if err != nil {
		t.Fatal(err)
	}
	lines := wrapDots(f, "Đăng ký thành lập doanh nghiệp   Sở Kế hoạch và Đầu tư "+strings.Repeat("W", 40), 200)
	for _, l := range lines {
		if w := f.width(l); w > 200 {
			t.Errorf("line %q is %d dots wide, want ≤ 200", l, w)
		}
		if l != strings.TrimSpace(l) || strings.Contains(l, "  ") {
			t.Errorf("line %q has extra spaces", l)
		}
	}
	// The 40 W are wider than a line: cut between letters.
	if got, want := strings.ReplaceAll(strings.Join(lines, ""), " ", ""), strings.ReplaceAll("Đăng ký thành lập doanh nghiệp Sở Kế hoạch và Đầu tư "+strings.Repeat("W", 40), " ", ""); got != want {
		t.Errorf("wrapped lines joined = %q, want the letters in order: %q", got, want)
	}
}

// TestRenderPreview writes PNGs of the layouts to $MOTCUA_PREVIEW_DIR
// when it is set, to look at them.
func TestRenderPreview(t *testing.T) {
	dir := os.Getenv("MOTCUA_PREVIEW_DIR")
	if dir == "" {
		t.Skip("MOTCUA_PREVIEW_DIR not set")
	}
	for _, tc := range renderCases {
		b, err := Render(tc.doc, Profiles[tc.paper])
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, b.Image()); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, tc.layout+"-"+tc.paper+".png"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func BenchmarkRenderTicket80(b *testing.B) {
	tk, p := renderTicket(), Profiles["80mm"]
	var n, h int
	for b.Loop() {
		bm, err := Render(tk, p)
		if err != nil {
			b.Fatal(err)
		}
		n, h = len(EncodeRaster(bm)), bm.H
	}
	b.ReportMetric(float64(n), "bytes/ticket")
	b.ReportMetric(float64(h), "dots/ticket")
}

// FuzzRenderTicket renders tickets with arbitrary text: Render must not
// panic, and what it returns must encode to a valid stream.
func FuzzRenderTicket(f *testing.F) {
	f.Add("Trung tâm", "1023", "Đăng ký thành lập doanh nghiệp", "Sở Kế hoạch và Đầu tư", "Người cao tuổi", renderTrackURL, 12)
	f.Add("", "", "", "", "", "", -1)
	f.Add("\x1b@\n\t", "A-0001-ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "\u202e\u0300\u0301", "\x00", "\uFFFD", "x", 1<<40)
	f.Fuzz(func(t *testing.T, center, number, service, dept, prio, url string, ahead int) {
		if len(center)+len(number)+len(service)+len(dept)+len(prio) > 2000 {
			t.Skip("longer than any configured name")
		}
		tk := Ticket{Center: center, Number: number, Service: service, Department: dept, Priority: prio,
			TrackURL: url, WaitingAhead: ahead, IssuedAt: time.Date(2026, 11, 27, 15, 4, 0, 0, renderZone), EstimatedWait: time.Minute}
		for _, paper := range []string{"58mm", "80mm"} {
			b, err := Render(tk, Profiles[paper])
			if err != nil {
				continue // a URL too long for the QR code
			}
			if b.W != Profiles[paper].WidthDots || len(b.Pix) != b.H*b.W/8 {
				t.Fatalf("%s: bitmap %d × %d with %d bytes", paper, b.W, b.H, len(b.Pix))
			}
			if _, err := parseRaster(EncodeRaster(b)); err != nil {
				t.Fatalf("%s: %v", paper, err)
			}
		}
	})
}

// TestRenderOCR reads the rendered ticket back with tesseract's Vietnamese
// model: the number and a line full of diacritics must come out, give or
// take the one or two letters OCR gets wrong. It needs tesseract-ocr and
// tesseract-ocr-vie, and skips without them except in CI.
func TestRenderOCR(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR is slow")
	}
	if _, err := exec.LookPath("tesseract"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)")
		}
		t.Skip("SKIPPED: tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)")
	}
	for _, paper := range []string{"58mm", "80mm"} {
		t.Run(paper, func(t *testing.T) {
			b, err := Render(renderTicket(), Profiles[paper])
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "ticket.png")
			var buf bytes.Buffer
			if err := png.Encode(&buf, b.Image()); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("tesseract", file, "-", "-l", "vie")
			cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
			out, err := cmd.Output()
			if err != nil {
				t.Skipf("SKIPPED: tesseract -l vie failed (is tesseract-ocr-vie installed?): %v", err)
			}
			text := string(out)
			if !strings.Contains(text, "1023") {
				t.Errorf("OCR text has no 1023:\n%s", text)
			}
			for _, want := range []string{"Đăng ký thành lập doanh nghiệp", "Sở Kế hoạch và Đầu tư"} {
				if !hasLineNear(text, want, 2) {
					t.Errorf("OCR text has no line within 2 edits of %q:\n%s", want, text)
				}
			}
		})
	}
}

// hasLineNear reports whether a line of text is within limit edits of want.
func hasLineNear(text, want string, limit int) bool {
	for _, line := range strings.Split(text, "\n") {
		if editDistance([]rune(strings.TrimSpace(line)), []rune(want)) <= limit {
			return true
		}
	}
	return false
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range a {
		cur := make([]int, len(b)+1)
		cur[0] = i + 1
		for j := range b {
			cost := 1
			if a[i] == b[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j+1]+1, cur[j]+1, prev[j]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// TestRenderConcurrent renders from many goroutines at once: the font and
// glyph caches are shared (run with -race).
func TestRenderConcurrent(t *testing.T) {
	want := make([][]byte, len(renderCases))
	for i, tc := range renderCases {
		b, err := Render(tc.doc, Profiles[tc.paper])
		if err != nil {
			t.Fatal(err)
		}
		want[i] = EncodeRaster(b)
	}
	// Empty the face cache so that the goroutines race to fill it.
	faces.mu.Lock()
	faces.m = nil
	faces.mu.Unlock()
	errs := make(chan error, 8*len(renderCases))
	for range 8 {
		for i, tc := range renderCases {
			go func() {
				b, err := Render(tc.doc, Profiles[tc.paper])
				if err == nil && !bytes.Equal(EncodeRaster(b), want[i]) {
					err = fmt.Errorf("%s-%s: concurrent render differs", tc.layout, tc.paper)
				}
				errs <- err
			}()
		}
	}
	for range 8 * len(renderCases) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
