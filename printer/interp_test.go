package printer

import (
	"bytes"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Streams for the interpreter tests, built by hand so that they do not
// depend on the encoder they check.

func ipCat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// ipRasterCmd is GS v 0 0 for an image x bytes wide and len(data)/x rows.
func ipRasterCmd(x int, data []byte) []byte {
	y := len(data) / x
	return ipCat([]byte{0x1D, 0x76, 0x30, 0, byte(x), byte(x >> 8), byte(y), byte(y >> 8)}, data)
}

// ipQRCmds stores data as a QR code, sets module size and error correction
// level (48–51) and prints it.
func ipQRCmds(data string, module, ecc byte) []byte {
	n := len(data) + 3
	return ipCat(
		[]byte{0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0}, // model 2
		[]byte{0x1D, 0x28, 0x6B, 3, 0, 49, 67, module},
		[]byte{0x1D, 0x28, 0x6B, 3, 0, 49, 69, ecc},
		[]byte{0x1D, 0x28, 0x6B, byte(n), byte(n >> 8), 49, 80, 48}, []byte(data),
		[]byte{0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48},
	)
}

var (
	ipInit    = []byte{0x1B, 0x40}
	ipCenter  = []byte{0x1B, 0x61, 1}
	ipFeedCut = []byte{0x1D, 0x56, 0x42, 0x00}
	ipDLEEOT1 = []byte{0x10, 0x04, 0x01}
	ipJ       = func(n byte) []byte { return []byte{0x1B, 0x4A, n} }
	ipSize2   = []byte{0x1D, 0x21, 0x11}
)

func ipRun(t *testing.T, data []byte, w int) *Page {
	t.Helper()
	p, err := Interpret(data, w)
	if err != nil {
		t.Fatalf("Interpret: %v", err)
	}
	return p
}

func ipBlack(img *image.Gray, x, y int) bool { return img.GrayAt(x, y).Y < 0x80 }

// ipInkBox is the smallest rectangle holding every black dot of img.
func ipInkBox(img *image.Gray) image.Rectangle {
	var r image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if ipBlack(img, x, y) {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

func TestInterpretRaster(t *testing.T) {
	// A 16 × 3 dot image: a full row, the left dot and the right dot,
	// then a bar in the middle.
	img := []byte{
		0xFF, 0xFF,
		0x80, 0x01,
		0x01, 0x80,
	}
	for _, tc := range []struct {
		name   string
		prefix []byte
		x0     int // where the image starts
	}{
		{"left", nil, 0},
		{"centered", ipCenter, (64 - 16) / 2},
		{"right", []byte{0x1B, 0x61, 50}, 64 - 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ipRun(t, ipCat(ipInit, tc.prefix, ipJ(10), ipRasterCmd(2, img), ipJ(5)), 64)
			if got, want := p.Image.Bounds(), image.Rect(0, 0, 64, 10+3+5); got != want {
				t.Fatalf("image bounds %v, want %v", got, want)
			}
			for y := range 18 {
				for x := range 64 {
					want := false
					switch dx := x - tc.x0; y {
					case 10:
						want = dx >= 0 && dx < 16
					case 11:
						want = dx == 0 || dx == 15
					case 12:
						want = dx == 7 || dx == 8
					}
					if got := ipBlack(p.Image, x, y); got != want {
						t.Errorf("dot (%d, %d) black = %v, want %v", x, y, got, want)
					}
				}
			}
		})
	}
}

func TestInterpretRasterDensityAndClip(t *testing.T) {
	// m = 3: every dot doubled both ways; the image is wider than the
	// paper, so its right part is lost.
	cmd := ipRasterCmd(2, []byte{0x80, 0x01})
	cmd[3] = 3
	p := ipRun(t, cmd, 24)
	if got, want := p.Image.Bounds().Dy(), 2; got != want {
		t.Errorf("height %d, want %d", got, want)
	}
	if got, want := ipInkBox(p.Image), image.Rect(0, 0, 2, 2); got != want {
		t.Errorf("ink at %v, want %v (the right dot falls off the paper)", got, want)
	}
}

func TestInterpretFeeds(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		rows int
	}{
		{"ESC J", ipCat(ipJ(40), ipJ(2)), 42},
		{"LF at default spacing", []byte{0x0A, 0x0A}, 2 * 30},
		{"ESC 3 then LF", []byte{0x1B, 0x33, 50, 0x0A, 0x1B, 0x32, 0x0A}, 50 + 30},
		{"ESC d", []byte{0x1B, 0x64, 3}, 3 * 30},
		{"text line taller than the spacing", ipCat([]byte{0x1B, 0x33, 10}, []byte("A\n")), 24},
		{"double height text", ipCat(ipSize2, []byte("A\n")), 48},
		{"ESC J shorter than the line", ipCat([]byte("A"), ipJ(4)), 24},
		{"ESC @ keeps the paper", ipCat(ipJ(7), ipInit, ipJ(3)), 10},
		{"GS V B feeds", []byte{0x1D, 0x56, 66, 100}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ipRun(t, tc.data, 96)
			if got := p.Image.Bounds().Dy(); got != tc.rows {
				t.Errorf("paper advanced %d rows, want %d", got, tc.rows)
			}
		})
	}
}

func TestInterpretCuts(t *testing.T) {
	data := ipCat(ipInit, ipJ(20), ipFeedCut, ipJ(30), []byte{0x1D, 0x56, 0}, []byte{0x1D, 0x56, 65, 8}, []byte{0x1B, 0x6D})
	p := ipRun(t, data, 64)
	want := []Cut{
		{Offset: 5, Row: 20, Partial: true},
		{Offset: 12, Row: 50, Partial: false},
		{Offset: 15, Row: 58, Partial: false},
		{Offset: 19, Row: 58, Partial: true},
	}
	if len(p.Cuts) != len(want) {
		t.Fatalf("cuts %+v, want %+v", p.Cuts, want)
	}
	for i := range want {
		if p.Cuts[i] != want[i] {
			t.Errorf("cut %d = %+v, want %+v", i, p.Cuts[i], want[i])
		}
	}
}

func TestInterpretText(t *testing.T) {
	p := ipRun(t, ipCat(ipInit, []byte("HI\n")), 96)
	if p.Text != "HI\n" {
		t.Errorf("text %q, want %q", p.Text, "HI\n")
	}
	box := ipInkBox(p.Image)
	if box.Empty() || !box.In(image.Rect(0, 0, 24, 24)) {
		t.Errorf("ink of \"HI\" at %v, want inside the two font-A cells (0,0)-(24,24)", box)
	}

	// Centered, double size: 2 cells of 24 × 48, centered on 96 dots.
	p = ipRun(t, ipCat(ipInit, ipCenter, ipSize2, []byte("HI\n")), 96)
	box = ipInkBox(p.Image)
	if !box.In(image.Rect(24, 0, 72, 48)) || box.Dy() < 24 || box.Dx() < 30 {
		t.Errorf("ink of double-size centered \"HI\" at %v, want it filling much of (24,0)-(72,48)", box)
	}

	// Bold draws more ink than regular; underline draws a full rule.
	regular := ipInkCount(ipRun(t, []byte("Hello\n"), 96).Image)
	bold := ipInkCount(ipRun(t, []byte("\x1bE\x01Hello\n"), 96).Image)
	if bold <= regular {
		t.Errorf("bold text has %d black dots, regular %d: want more", bold, regular)
	}
	ul := ipRun(t, []byte("\x1b-\x01a b\n"), 96).Image
	for x := range 36 {
		if !ipBlack(ul, x, 23) {
			t.Errorf("underline: dot (%d, 23) is white", x)
			break
		}
	}
}

func ipInkCount(img *image.Gray) int {
	n := 0
	for _, v := range img.Pix {
		if v < 0x80 {
			n++
		}
	}
	return n
}

func TestInterpretTextWraps(t *testing.T) {
	// 8 font-A cells fit 96 dots: the ninth character starts a new line.
	p := ipRun(t, []byte("ABCDEFGHIJ\n"), 96)
	if want := "ABCDEFGH\nIJ\n"; p.Text != want {
		t.Errorf("text %q, want %q", p.Text, want)
	}
	if got, want := p.Image.Bounds().Dy(), 60; got != want {
		t.Errorf("height %d, want %d", got, want)
	}
}

func TestInterpretCodePages(t *testing.T) {
	const s = "Số người chờ trước: SỞ"
	for _, cp := range []CodePage{CodePageTCVN3, CodePageWPC1258} {
		t.Run(string(cp), func(t *testing.T) {
			runs, err := EncodeText(cp, s)
			if err != nil {
				t.Fatal(err)
			}
			data := ipCat(ipInit)
			var want strings.Builder
			for _, r := range runs {
				if r.Table != NoTable {
					data = append(data, 0x1B, 0x74, byte(r.Table))
				}
				data = append(data, r.Bytes...)
				want.WriteString(DecodeText(cp, r.Table, r.Bytes))
			}
			data = append(data, '\n')
			for _, in := range []Interpreter{{WidthDots: 576}, {WidthDots: 576, CodePage: cp}} {
				p, err := in.Run(data)
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.TrimSuffix(p.Text, "\n"); got != want.String() {
					t.Errorf("CodePage %q: text %q, want %q", in.CodePage, got, want.String())
				}
				if strings.ContainsRune(p.Text, '\uFFFD') {
					t.Errorf("CodePage %q: text %q has unknown characters", in.CodePage, p.Text)
				}
			}
		})
	}
	// Without ESC t the same bytes are PC437, which we do not know.
	p := ipRun(t, []byte{'S', 0xA8, '\n'}, 96)
	if p.Text != "S\uFFFD\n" {
		t.Errorf("byte 0xA8 in table 0: text %q, want %q", p.Text, "S\uFFFD\n")
	}
}

func TestInterpretKanji(t *testing.T) {
	// A clone in Kanji mode eats the byte after a high byte: the two print
	// as one wide character. FS . ends it.
	data := []byte{0x1B, 0x74, 30, 'A', 0xA8, 'B', '\n', 0x1C, 0x2E, 'A', 0xA8, 'B', '\n'}
	p, err := Interpreter{WidthDots: 576, Kanji: true}.Run(data)
	if err != nil {
		t.Fatal(err)
	}
	second := DecodeText(CodePageTCVN3, TableTCVN3Lower, []byte{0xA8})
	if want := "A\uFFFD\nA" + second + "B\n"; p.Text != want {
		t.Errorf("text %q, want %q", p.Text, want)
	}
	p = ipRun(t, []byte{0x1C, 0x26, 'A', 0xA8, 'B', '\n'}, 576)
	if want := "A\uFFFD\n"; p.Text != want {
		t.Errorf("after FS &: text %q, want %q", p.Text, want)
	}
}

func TestInterpretQR(t *testing.T) {
	const url = "https://motcua.example.vn/t/Kx7Qm2pZ"
	for _, tc := range []struct {
		module byte
		ecc    byte
	}{{4, 49}, {6, 48}, {3, 51}} {
		p := ipRun(t, ipCat(ipInit, ipCenter, ipJ(40), ipQRCmds(url, tc.module, tc.ecc), ipJ(40), ipFeedCut), 384)
		box := ipInkBox(p.Image)
		if box.Dx() != box.Dy() || box.Dx()%int(tc.module) != 0 {
			t.Errorf("module %d: QR ink %v, want a square of whole modules", tc.module, box)
		}
		if mid := (box.Min.X + box.Max.X) / 2; mid < 190 || mid > 194 {
			t.Errorf("module %d: QR centred at x = %d, want 192", tc.module, mid)
		}
		if got, err := ipDecodeQR(p.Image); err != nil || got != url {
			t.Errorf("module %d, ECC %d: QR decodes to %q, %v; want %q", tc.module, tc.ecc, got, err, url)
		}
	}
}

// ipDecodeQR reads the QR code in img with gozxing.
func ipDecodeQR(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

func TestInterpretQueriesAndSkips(t *testing.T) {
	data := ipCat(
		ipInit, ipDLEEOT1, []byte{0x10, 0x04, 4}, []byte{0x1D, 0x72, 1},
		[]byte{0x1D, 0x28, 0x48, 6, 0, 48, 48, '1', '2', '3', '4'}, // GS ( H: process ID 1234
		[]byte{0x1C, 0x2E},                   // FS .
		[]byte{0x1B, 0x70, 0, 25, 250},       // drawer kick
		[]byte{0x1D, 0x6B, 4, '1', '2', 0},   // barcode, NUL-terminated
		[]byte{0x1D, 0x6B, 73, 2, '1', '2'},  // barcode with a length
		[]byte{0x1D, 0x28, 0x4C, 2, 0, 1, 2}, // GS ( L
		[]byte{0x00, 0x0D},                   // NUL ignored, CR ignored
		[]byte("ok\n"),
	)
	p := ipRun(t, data, 96)
	var names []string
	for _, q := range p.Queries {
		names = append(names, q.Name)
	}
	if got, want := strings.Join(names, ", "), "DLE EOT 1, DLE EOT 4, GS r 1, GS ( H"; got != want {
		t.Errorf("queries %q, want %q", got, want)
	}
	if p.Queries[0].Offset != 2 {
		t.Errorf("first query at offset %d, want 2", p.Queries[0].Offset)
	}
	if p.Text != "ok\n" {
		t.Errorf("text %q, want %q: a skipped command's bytes must not print", p.Text, "ok\n")
	}
	if len(p.Notes) != 5 {
		t.Errorf("notes %+v, want 5 (drawer, 2 barcodes, GS ( L, NUL)", p.Notes)
	}
}

func TestInterpretErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte
		offset int
		want   error
	}{
		{"unknown ESC", ipCat(ipInit, []byte("ab"), []byte{0x1B, 0xFF, 1}), 4, errUnknownCommand},
		{"unknown GS", []byte{0x1D, 0x01}, 0, errUnknownCommand},
		{"unknown GS V mode", []byte{0x1D, 0x56, 7}, 0, errUnknownCommand},
		{"truncated raster", ipCat(ipJ(1), []byte{0x1D, 0x76, 0x30, 0, 2, 0, 2, 0, 1, 2, 3}), 3, errTruncated},
		{"truncated header", []byte{0x1D, 0x76, 0x30, 0}, 0, errTruncated},
		{"lone ESC", []byte("x\x1b"), 1, errTruncated},
		{"GS ( k too short", []byte{0x1D, 0x28, 0x6B, 200, 0, 49}, 0, errTruncated},
		{"feed past the cap", bytes.Repeat(ipJ(255), 100), 78 * 3, errPageTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Interpret(tc.data, 64)
			var ie *InterpretError
			if !errors.As(err, &ie) || !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want an *InterpretError wrapping %v", err, tc.want)
			}
			if ie.Offset != tc.offset {
				t.Errorf("error at offset %d, want %d (%v)", ie.Offset, tc.offset, err)
			}
			if p == nil || p.Image == nil {
				t.Fatal("no page with the error: want what was printed before it")
			}
			if p.Image.Bounds().Dy() > DefaultMaxRows {
				t.Errorf("page of %d rows, more than the cap", p.Image.Bounds().Dy())
			}
		})
	}
	if _, err := Interpret(nil, MaxInterpretWidth+1); err == nil {
		t.Error("Interpret accepted a width beyond MaxInterpretWidth")
	}
}

func TestInterpretEmpty(t *testing.T) {
	p := ipRun(t, nil, 384)
	if got, want := p.Image.Bounds(), image.Rect(0, 0, 384, 1); got != want {
		t.Errorf("empty stream: image %v, want %v", got, want)
	}
	p = ipRun(t, []byte("left over"), 384)
	if p.Text != "left over\n" || len(p.Notes) != 1 {
		t.Errorf("text without LF: text %q, notes %+v; want it drawn with a note", p.Text, p.Notes)
	}
}

// FuzzInterpret checks that no stream makes the interpreter panic, hang or
// draw beyond its caps.
func FuzzInterpret(f *testing.F) {
	f.Add(ipCat(ipInit, ipCenter, []byte("Trung tâm\n"), ipSize2, []byte("1023\n"), ipFeedCut))
	f.Add(ipCat(ipInit, ipRasterCmd(2, []byte{0xFF, 0x00, 0x0F, 0xF0}), ipJ(30), ipFeedCut, ipDLEEOT1))
	f.Add(ipCat(ipInit, ipQRCmds("https://motcua.example.vn/t/abc", 4, 49), []byte{0x1D, 0x56, 1}))
	f.Add([]byte{0x1C, 0x26, 0xB0, 0xA1, 0x1B, 0x74, 30, 0xA8, 0x1C, 0x2E, 0x1B, 0x2A, 33, 1, 0, 1, 2, 3})
	f.Add([]byte{0x1D, 0x38, 0x4C, 0xFF, 0xFF, 0xFF, 0x7F, 0x30})
	// The real streams the encoder wrote: the text-mode ones whole. The
	// raster ones (20–50 KB) would make each mutation slow and each
	// minimisation slower; a short raster stream stands in for them above.
	files, _ := filepath.Glob(filepath.Join("testdata", "encode-*.golden"))
	more, _ := filepath.Glob(filepath.Join("testdata", "interp-*.bin"))
	for _, name := range append(files, more...) {
		if b, err := os.ReadFile(name); err == nil && len(b) <= 4096 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, w := range []int{384, 576} {
			p, err := Interpreter{WidthDots: w, MaxRows: 4000}.Run(data)
			if p == nil || p.Image == nil {
				t.Fatalf("no page (err %v)", err)
			}
			b := p.Image.Bounds()
			if b.Dx() != w || b.Dy() < 1 || b.Dy() > 4000 || len(p.Image.Pix) != b.Dx()*b.Dy() {
				t.Fatalf("image %v with %d bytes, want %d wide, 1 to 4000 rows", b, len(p.Image.Pix), w)
			}
			for _, c := range p.Cuts {
				if c.Row < 0 || c.Row > b.Dy() {
					t.Fatalf("cut %+v outside the page of %d rows", c, b.Dy())
				}
			}
			if len(p.Cuts) > ipMaxEvents || len(p.Queries) > ipMaxEvents || len(p.Notes) > ipMaxEvents {
				t.Fatalf("lists beyond the cap: %d cuts, %d queries, %d notes", len(p.Cuts), len(p.Queries), len(p.Notes))
			}
			var ie *InterpretError
			if err != nil && !errors.As(err, &ie) {
				t.Fatalf("error %v is not an *InterpretError", err)
			}
			if ie != nil && (ie.Offset < 0 || ie.Offset > len(data)) {
				t.Fatalf("error offset %d outside the stream of %d bytes", ie.Offset, len(data))
			}
		}
	})
}

// TestInterpretGoldenStreams: every encoder golden stream (each profile ×
// layout, TestEncodeGolden) reads to the end on its profile's paper, code
// page and Kanji default, with no note and no unknown character; it is cut
// once at the bottom when the profile cuts (not at all on a tear bar); and
// its QR code, raster or native, reads as the document's URL (text mode
// without native QR prints the URL as text).
func TestInterpretGoldenStreams(t *testing.T) {
	for _, tc := range encodeGoldenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.name+".golden"))
			if err != nil {
				t.Fatalf("%v (run go test ./printer -update to create it)", err)
			}
			p := tc.p
			pg, err := Interpreter{WidthDots: p.WidthDots, CodePage: p.CodePage, Kanji: p.CancelKanji}.Run(data)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range pg.Notes {
				t.Errorf("note: %+v", n)
			}
			if strings.ContainsRune(pg.Text, '\uFFFD') {
				t.Errorf("text with unknown characters:\n%s", pg.Text)
			}
			h := pg.Image.Bounds().Dy()
			if !bytes.Contains(jobCut(p), []byte{0x1D, 'V'}) { // a tear bar: ESC d only
				if len(pg.Cuts) != 0 {
					t.Errorf("cuts %+v, want none", pg.Cuts)
				}
			} else if len(pg.Cuts) != 1 || pg.Cuts[0].Row != h {
				t.Errorf("cuts %+v on a page of %d rows, want one at the bottom", pg.Cuts, h)
			}
			if p.TextMode && !p.NativeQR {
				return
			}
			var url string
			switch d := tc.doc.(type) {
			case Ticket:
				url = d.TrackURL
			case Receipt:
				url = d.TrackURL
			}
			if got, err := ipDecodeQR(pg.Image); err != nil || got != url {
				t.Errorf("QR code reads %q, %v; want %q", got, err, url)
			}
		})
	}
}

func TestInterpretMargins(t *testing.T) {
	gsL := func(n int) []byte { return []byte{0x1D, 0x4C, byte(n), byte(n >> 8)} }
	gsW := func(n int) []byte { return []byte{0x1D, 0x57, byte(n), byte(n >> 8)} }
	band := ipRasterCmd(1, []byte{0xFF}) // 8 dots

	for _, tc := range []struct {
		name string
		data []byte
		want image.Rectangle // ink
	}{
		{"GS L places an image", ipCat(gsL(40), band), image.Rect(40, 0, 48, 1)},
		{"GS L and ESC a centre in the print area", ipCat(gsL(16), gsW(32), ipCenter, band), image.Rect(28, 0, 36, 1)},
		{"ESC @ resets the margin", ipCat(gsL(40), ipInit, band), image.Rect(0, 0, 8, 1)},
		{"data beyond the print area is lost", ipCat(gsL(60), band), image.Rect(60, 0, 64, 1)},
		{"a margin beyond the paper prints nothing", ipCat(gsL(300), band), image.Rectangle{}},
		{"GS L in the middle of a line is ignored", ipCat([]byte("x"), gsL(40), []byte{'\n'}, band), image.Rect(0, 0, 12, 31)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ipRun(t, tc.data, 64)
			if got := ipInkBox(p.Image); got != tc.want && !(got.Empty() && tc.want.Empty()) {
				if tc.want.Max.Y > 1 { // text: only check it starts at the left edge and the image is there
					if got.Min.X > 2 || !ipBlack(p.Image, 0, 30) {
						t.Errorf("ink %v: want text from x = 0 and the image at (0, 30)", got)
					}
					return
				}
				t.Errorf("ink %v, want %v", got, tc.want)
			}
		})
	}

	// Used: the margin plus the widest thing printed, whatever the alignment.
	if got := ipRun(t, ipCat(gsL(40), band, ipInit, ipCenter, []byte("abc\n")), 64).Used; got != 48 {
		t.Errorf("Used = %d, want 48 (margin 40 + 8 dots of image)", got)
	}
	if got := ipRun(t, ipCat(ipCenter, []byte("abc\n")), 64).Used; got != 36 {
		t.Errorf("Used = %d, want 36 (three cells)", got)
	}

	// Text wraps at the print area's width: 32 dots hold two font-A cells.
	p := ipRun(t, ipCat(gsW(32), []byte("abcde\n")), 64)
	if want := "ab\ncd\ne\n"; p.Text != want {
		t.Errorf("text %q, want %q", p.Text, want)
	}
}

// BenchmarkInterpretTicket: the virtual printer's preview of an 80 mm ticket.
func BenchmarkInterpretTicket(b *testing.B) {
	data, err := Encode(vpTicket(), Profiles["80mm"])
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Interpret(data, 576); err != nil {
			b.Fatal(err)
		}
	}
}
