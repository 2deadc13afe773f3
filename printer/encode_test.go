package printer

import (
	"bytes"
	"path/filepath"
	"testing"
)

// encodeGoldenCase is one golden encode job: testdata/<name>.golden.
type encodeGoldenCase struct {
	name string // encode-<layout>-<profile>
	p    Profile
	doc  Document
}

// encodeGoldenCases are every layout on every profile of ProfileNames, in
// raster (or raster with native QR) and, for a profile with a code page, in
// text mode too ("+text").
func encodeGoldenCases(t *testing.T) []encodeGoldenCase {
	t.Helper()
	var names []string
	for _, n := range ProfileNames() {
		names = append(names, n)
		if Profiles[n].CodePage != "" {
			names = append(names, n+textSuffix)
		}
	}
	var cases []encodeGoldenCase
	for _, doc := range []Document{goldenTicket(), goldenReceipt()} {
		for _, n := range names {
			p, err := LookupProfile(n)
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, encodeGoldenCase{"encode-" + doc.Layout() + "-" + n, p, doc})
		}
	}
	return cases
}

// TestEncodeGolden pins the bytes of every layout on every profile: raster
// (generic, clones with FS . and a tear-bar feed), raster with native QR
// (Epson, Xprinter XP-80, Rongta), and text mode in each code page. After a
// deliberate change, rewrite them with go test ./printer -update and review
// the diff of the .txt files. A golden file no case writes is an error.
func TestEncodeGolden(t *testing.T) {
	want := map[string]bool{}
	for _, tc := range encodeGoldenCases(t) {
		want[tc.name+".golden"], want[tc.name+".golden.txt"] = true, true
		t.Run(tc.name, func(t *testing.T) {
			got, err := Encode(tc.doc, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(got, preamble(tc.p)) {
				t.Errorf("starts % X, want % X", got[:min(len(got), 4)], preamble(tc.p))
			}
			if !bytes.HasSuffix(got, jobCut(tc.p)) {
				t.Errorf("ends % X, want % X", got[max(len(got)-4, 0):], jobCut(tc.p))
			}
			checkGolden(t, tc.name, got, "profile "+tc.p.Name+", "+tc.p.Model+"\n\n"+annotate(got, tc.p.CodePage))
		})
	}
	files, err := filepath.Glob(filepath.Join("testdata", "encode-*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !want[filepath.Base(f)] {
			t.Errorf("%s: no profile and layout write it any more: delete it", f)
		}
	}
	if len(files) != len(want) {
		t.Errorf("%d encode golden files, want %d", len(files), len(want))
	}
}

func TestEncodeRasterFraming(t *testing.T) {
	p := Profiles["80mm"]
	got, err := Encode(goldenTicket(), p)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := Render(goldenTicket(), p)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(append([]byte(nil), cmdInit...), EncodeRaster(bmp)...), cmdFeedCut...)
	if !bytes.Equal(got, want) {
		t.Error("Encode(raster) is not ESC @ + EncodeRaster(Render) + GS V 66 0")
	}
	t.Logf("80 mm raster ticket: %d bytes (goal of the rendering: at most 24 KB)", len(got))
}

func TestEncodeErrors(t *testing.T) {
	if _, err := Encode(nil, Profiles["80mm"]); err == nil {
		t.Error("nil document: no error")
	}
	if _, err := Encode(goldenTicket(), Profile{WidthDots: 100}); err == nil {
		t.Error("paper too narrow to render: no error")
	}
}

func TestEncodeTextModeIsEncode(t *testing.T) {
	p := textProfile(t, "epson-tm-t88-80+text")
	a, err := Encode(goldenTicket(), p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeTextMode(goldenTicket(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("Encode with TextMode differs from EncodeTextMode")
	}
}

// TestEncodeNativeQR: on a raster profile with NativeQR, the job is the
// image above the QR code, the symbol by GS ( k (model 2, level M, the
// raster module size, centered) and the image below, and the printer's
// page is the all-raster page dot for dot, for fewer bytes.
func TestEncodeNativeQR(t *testing.T) {
	noURL := goldenTicket()
	noURL.TrackURL = ""
	for _, name := range []string{"epson-tm-t20-80", "epson-tm-t20-58", "epson-tm-t88-80", "rongta-rp80"} {
		for _, doc := range []Document{goldenTicket(), goldenReceipt(), noURL} {
			native := Profiles[name]
			raster := native
			raster.NativeQR = false
			url := ""
			switch d := doc.(type) {
			case Ticket:
				url = d.TrackURL
			case Receipt:
				url = d.TrackURL
			}
			label := name + "/" + doc.Layout()
			if url == "" {
				label += "-without-url"
			}
			t.Run(label, func(t *testing.T) {
				got, err := Encode(doc, native)
				if err != nil {
					t.Fatal(err)
				}
				all, err := Encode(doc, raster)
				if err != nil {
					t.Fatal(err)
				}
				full, err := Render(doc, native)
				if err != nil {
					t.Fatal(err)
				}
				top, qr, bottom, err := renderParts(doc, native)
				if err != nil {
					t.Fatal(err)
				}
				if url == "" {
					if qr != (nativeQR{}) || bottom != nil || !bytes.Equal(got, all) {
						t.Errorf("no URL: parts %+v, bottom %v; want the all-raster job", qr, bottom)
					}
					return
				}

				// The parts are Render's bitmap without the symbol's rows.
				s := full.Stride()
				symbol := full.H - top.H - bottom.H
				if qr.data != url || qr.module < qrMinModule || symbol <= 0 || symbol%qr.module != 0 {
					t.Fatalf("qr %+v, %d rows between the parts of a %d-row bitmap", qr, symbol, full.H)
				}
				if !bytes.Equal(top.Pix, full.Pix[:top.H*s]) || !bytes.Equal(bottom.Pix, full.Pix[(full.H-bottom.H)*s:]) {
					t.Error("the parts differ from Render's rows above and below the symbol")
				}
				if n := symbol / qr.module; qrModule(n, full.W) != qr.module {
					t.Errorf("module %d dots, Render draws %d modules with %d", qr.module, n, qrModule(n, full.W))
				}
				quiet := qrQuietModules * qr.module
				if trailingBlankRows(top) < quiet || !blankRow(bottom.Row(quiet-1)) {
					t.Errorf("quiet zone of %d rows: top ends with %d blank rows", quiet, trailingBlankRows(top))
				}

				want := append(preamble(native), EncodeRaster(top)...)
				want = appendFeed(want, trailingBlankRows(top))
				want = append(want, cmdAlignCenter...)
				want, err = appendQR(want, url, qr.module, qrECM)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, cmdAlignLeft...)
				want = append(want, EncodeRaster(bottom)...)
				want = append(want, jobCut(native)...)
				if !bytes.Equal(got, want) {
					t.Error("job is not ESC @ + top + ESC J quiet + ESC a 1 + GS ( k + ESC a 0 + bottom + cut")
				}
				if len(got) >= len(all) {
					t.Errorf("%d bytes with native QR, %d all raster", len(got), len(all))
				}

				// The printer prints the same page.
				ip := Interpreter{WidthDots: native.WidthDots, Kanji: native.CancelKanji}
				a, err := ip.Run(got)
				if err != nil {
					t.Fatal(err)
				}
				b, err := ip.Run(all)
				if err != nil {
					t.Fatal(err)
				}
				if len(a.Notes) != 0 {
					t.Errorf("notes: %+v", a.Notes)
				}
				if a.Image.Bounds() != b.Image.Bounds() || !bytes.Equal(a.Image.Pix, b.Image.Pix) {
					t.Errorf("native-QR page %v differs from the all-raster page %v", a.Image.Bounds(), b.Image.Bounds())
				}
				if got, err := ipDecodeQR(a.Image); err != nil || got != url {
					t.Errorf("QR code reads %q, %v; want %q", got, err, url)
				}
				t.Logf("%d bytes with native QR (%d-dot modules), %d all raster", len(got), qr.module, len(all))
			})
		}
	}
}
