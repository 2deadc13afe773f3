package printer

import (
	"bytes"
	"testing"
)

// TestEncodeGolden pins the bytes of every layout × paper × kind of
// printer: generic raster, Epson text mode with TCVN-3 and native QR, and a
// Zjiang clone (FS . first, tear-bar feed instead of a cut). After a
// deliberate change, rewrite them with go test ./printer -update and review
// the diff of the .txt files.
func TestEncodeGolden(t *testing.T) {
	for _, layout := range []struct {
		name string
		doc  Document
	}{
		{"ticket", goldenTicket()},
		{"receipt", goldenReceipt()},
	} {
		for _, tc := range []struct{ paper, profile string }{
			{"58", "58mm"},
			{"80", "80mm"},
			{"58", "epson-tm-t20-58+text"},
			{"80", "epson-tm-t20-80+text"},
			{"58", "zjiang-pos58"},
			{"80", "zjiang-pos80"},
		} {
			name := "encode-" + layout.name + "-" + tc.paper + "-" + tc.profile
			t.Run(name, func(t *testing.T) {
				p, err := LookupProfile(tc.profile)
				if err != nil {
					t.Fatal(err)
				}
				got, err := Encode(layout.doc, p)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(got, preamble(p)) {
					t.Errorf("starts % X, want % X", got[:min(len(got), 4)], preamble(p))
				}
				if !bytes.HasSuffix(got, jobCut(p)) {
					t.Errorf("ends % X, want % X", got[max(len(got)-4, 0):], jobCut(p))
				}
				checkGolden(t, name, got, "profile "+p.Name+", "+p.Model+"\n\n"+annotate(got, p.CodePage))
			})
		}
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
