package printer

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestVirtualPrintWritesExactBytes(t *testing.T) {
	spool := filepath.Join(t.TempDir(), "spool") // Open creates it
	at := time.Date(2026, 3, 9, 8, 5, 0, 123456789, ict)
	p, err := Open("kiosk-1", "virtual:"+spool, WithClock(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	enc, err := Encode(vpTicket(), Profiles["58mm"])
	if err != nil {
		t.Fatal(err)
	}
	data := append(enc, 0x00, 0xFF, 0x1B) // any byte goes through, even a job the preview cannot read
	ctx := context.Background()
	if err := p.Print(ctx, Job{ID: "ticket/1023", Data: data}); err != nil {
		t.Fatalf("Print: %v", err)
	}
	// The same clock reading again: the second file still gets its own,
	// later name.
	if err := p.Print(ctx, Job{ID: "ticket/1023", Data: []byte("second")}); err != nil {
		t.Fatalf("Print: %v", err)
	}

	dir := filepath.Join(spool, "kiosk-1")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{
		"20260309T010500.123456789-ticket_1023.bin", // UTC; no PNG: the stream ends in half a command
		"20260309T010500.123456790-ticket_1023.bin",
		"20260309T010500.123456790-ticket_1023.png",
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("spool holds %q, want %q (and no temporary files)", names, want)
	}
	got, err := os.ReadFile(filepath.Join(dir, want[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("spool file holds % x, want % x", got, data)
	}
}

func TestVirtualStates(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   []string
		want    Status
		wantErr error // from Print; Status fails only for ErrOffline
	}{
		{"ready", nil, Status{Online: true}, nil},
		{"paper near end", []string{VirtualPaperNearEnd}, Status{Online: true, PaperNearEnd: true}, nil},
		{"paper out", []string{VirtualPaperOut}, Status{PaperOut: true}, ErrPaperOut},
		{"cover open", []string{VirtualCoverOpen}, Status{CoverOpen: true}, ErrCoverOpen},
		{"cover open and paper out", []string{VirtualCoverOpen, VirtualPaperOut}, Status{CoverOpen: true, PaperOut: true}, ErrCoverOpen},
		{"offline", []string{VirtualOffline, VirtualPaperOut}, Status{}, ErrOffline},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spool := t.TempDir()
			p, err := Open("kiosk", "virtual:"+spool)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			dir := filepath.Join(spool, "kiosk")
			for _, f := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ctx := context.Background()

			st, err := p.Status(ctx)
			if tc.wantErr == ErrOffline {
				if !errors.Is(err, ErrOffline) {
					t.Errorf("Status error = %v, want ErrOffline", err)
				}
			} else if err != nil {
				t.Errorf("Status: %v", err)
			}
			if st != tc.want {
				t.Errorf("Status = %+v, want %+v", st, tc.want)
			}

			err = p.Print(ctx, Job{ID: "1", Data: []byte("x")})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Errorf("Print error = %v, want %v", err, tc.wantErr)
			}
			bins, _ := filepath.Glob(filepath.Join(dir, "*.bin"))
			if printed := len(bins) == 1; printed != (tc.wantErr == nil) {
				t.Errorf("spool holds %d jobs; want a job only when Print succeeds", len(bins))
			}
			pngs, _ := filepath.Glob(filepath.Join(dir, "*.png"))
			if len(pngs) != len(bins) {
				t.Errorf("spool holds %d previews for %d jobs", len(pngs), len(bins))
			}

			// Removing the files brings the printer back.
			for _, f := range tc.files {
				os.Remove(filepath.Join(dir, f))
			}
			if err := p.Print(ctx, Job{ID: "2", Data: []byte("y")}); err != nil {
				t.Errorf("Print after clearing the state: %v", err)
			}
		})
	}
}

func TestVirtualClosedAndCanceled(t *testing.T) {
	p, err := Open("k", "virtual:"+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Print(ctx, Job{ID: "1"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Print with a canceled context: got %v, want context.Canceled", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := p.Print(context.Background(), Job{ID: "1"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Print after Close: got %v, want ErrClosed", err)
	}
	if _, err := p.Status(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Status after Close: got %v, want ErrClosed", err)
	}
}

func TestVirtualConcurrentJobs(t *testing.T) {
	spool := t.TempDir()
	p, err := Open("k", "virtual:"+spool)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := p.Print(context.Background(), Job{ID: "job", Data: bytes.Repeat([]byte{byte(i)}, 1000)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	bins, _ := filepath.Glob(filepath.Join(spool, "k", "*.bin"))
	if len(bins) != n {
		t.Errorf("spool holds %d jobs, want %d", len(bins), n)
	}
}

func TestVirtualRecreatesSpool(t *testing.T) {
	spool := filepath.Join(t.TempDir(), "spool")
	p, err := Open("k", "virtual:"+spool)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := os.RemoveAll(spool); err != nil {
		t.Fatal(err)
	}
	if err := p.Print(context.Background(), Job{ID: "1", Data: []byte("x")}); err != nil {
		t.Errorf("Print after the spool was removed: %v", err)
	}
}

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "_"},
		{"A-1023_x.v2", "A-1023_x.v2"},
		{"../../etc/passwd", "_._.._etc_passwd"},
		{".", "_"},
		{"..", "_."},
		{".hidden", "_hidden"},
		{"Máy in Quầy 1", "May_in_Quay_1"},
		{"東", "___"},
		{strings.Repeat("a", 100), strings.Repeat("a", 64)},
	} {
		if got := sanitize(tc.in); got != tc.want {
			t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	for _, tc := range []struct{ name, printer, uri string }{
		{"empty name", "", "virtual:x"},
		{"bad uri", "k", "lpt:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p, err := Open(tc.printer, tc.uri); err == nil {
				p.Close()
				t.Errorf("Open(%q, %q) succeeded, want an error", tc.printer, tc.uri)
			}
		})
	}
}

func TestOpenVirtualFailsCleanly(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Open("k", "virtual:"+file) // a file where the spool directory should be
	if err == nil {
		t.Fatal("Open succeeded with a file as spool directory")
	}
	if p != nil {
		t.Errorf("Open returned %#v with its error, want a nil Printer", p)
	}
}

// vpTicket is the ticket of the virtual printer's preview tests.
func vpTicket() Ticket {
	return Ticket{
		Center:        "Trung tâm Phục vụ Hành chính công tỉnh Đồng Nai",
		Number:        "1023",
		Service:       "Đăng ký thành lập doanh nghiệp",
		Department:    "Sở Kế hoạch và Đầu tư",
		IssuedAt:      time.Date(2026, 3, 9, 8, 5, 0, 0, ict),
		WaitingAhead:  12,
		EstimatedWait: 25 * time.Minute,
		TrackURL:      "https://dichvucong.dongnai.gov.vn/t/Kx7Qm2pZ",
	}
}

// vpPreview prints job on a new virtual printer and returns its preview.
func vpPreview(t *testing.T, job Job) image.Image {
	t.Helper()
	img, _ := vpPreviewFile(t, job)
	return img
}

// vpPreviewFile prints job on a new virtual printer and returns its
// preview and the preview's file.
func vpPreviewFile(t *testing.T, job Job) (image.Image, string) {
	t.Helper()
	spool := t.TempDir()
	p, err := Open("kiosk-1", "virtual:"+spool)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Print(context.Background(), job); err != nil {
		t.Fatalf("Print: %v", err)
	}
	jobs, err := LatestJobs(spool, "kiosk-1", 1)
	if err != nil || len(jobs) != 1 || jobs[0].PNG == "" {
		t.Fatalf("LatestJobs: %+v, %v; want one job with a preview", jobs, err)
	}
	f, err := os.Open(jobs[0].PNG)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	return img, jobs[0].PNG
}

// TestVirtualPreviewQR: the PNG the virtual printer writes for a ticket is
// the paper's width and its QR code reads as the ticket's URL.
func TestVirtualPreviewQR(t *testing.T) {
	tk := vpTicket()
	for _, name := range []string{"58mm", "80mm", "epson-tm-t88-80", "epson-tm-t20-80+text", "zjiang-pos58+text"} {
		t.Run(name, func(t *testing.T) {
			pr, err := LookupProfile(name)
			if err != nil {
				t.Fatal(err)
			}
			data, err := Encode(tk, pr)
			if err != nil {
				t.Fatal(err)
			}
			img := vpPreview(t, Job{ID: "ticket/1023", Data: data})
			if got := img.Bounds().Dx(); got != pr.WidthDots {
				t.Errorf("preview %d dots wide, want %d", got, pr.WidthDots)
			}
			if pr.TextMode && !pr.NativeQR {
				return // the URL is printed as text
			}
			if got, err := ipDecodeQR(img); err != nil || got != tk.TrackURL {
				t.Errorf("preview's QR code reads %q, %v; want %q", got, err, tk.TrackURL)
			}
		})
	}
}

// TestInterpretEveryProfile: every layout on every profile, raster and text
// mode, is a stream the interpreter reads to the end: one cut, at the
// bottom, and the QR code (raster, or native GS ( k) reads as the URL.
func TestInterpretEveryProfile(t *testing.T) {
	rc := Receipt{
		Center: "Trung tâm Phục vụ Hành chính công tỉnh Đồng Nai", Code: "000.00.12.H41-250305-0012",
		Procedure: "Cấp giấy chứng nhận đăng ký doanh nghiệp", Applicant: "Nguyễn Thị Hồng Nhung",
		ReceivedAt: time.Date(2026, 3, 9, 8, 5, 0, 0, ict), DueAt: time.Date(2026, 3, 12, 14, 0, 0, 0, ict),
		Channel: "Tại quầy", Official: "Trần Văn Đức", Counter: 3, Hotline: "0251 3822 222",
		TrackURL: "https://dichvucong.dongnai.gov.vn/tra-cuu/000.00.12.H41-250305-0012",
	}
	for _, name := range ProfileNames() {
		for _, mode := range []string{"", textSuffix} {
			pr, err := LookupProfile(name + mode)
			if err != nil {
				t.Fatal(err)
			}
			for _, doc := range []Document{vpTicket(), rc} {
				t.Run(pr.Name+"/"+doc.Layout(), func(t *testing.T) {
					data, err := Encode(doc, pr)
					if err != nil {
						t.Fatal(err)
					}
					pg, err := Interpreter{WidthDots: pr.WidthDots, CodePage: pr.CodePage, Kanji: pr.CancelKanji}.Run(data)
					if err != nil {
						t.Fatalf("Interpret: %v", err)
					}
					if pr.Cut == nil && (len(pg.Cuts) != 1 || pg.Cuts[0].Row != pg.Image.Bounds().Dy()) {
						t.Errorf("cuts %+v on a page of %d rows, want one cut at the end", pg.Cuts, pg.Image.Bounds().Dy())
					}
					if strings.ContainsRune(pg.Text, '\uFFFD') {
						t.Errorf("text with unknown characters:\n%s", pg.Text)
					}
					for _, n := range pg.Notes {
						t.Logf("note: %+v", n)
					}
					url := ""
					switch d := doc.(type) {
					case Ticket:
						url = d.TrackURL
					case Receipt:
						url = d.TrackURL
					}
					if pr.TextMode && !pr.NativeQR {
						return // text mode without native QR prints no QR code
					}
					if got, err := ipDecodeQR(pg.Image); err != nil || got != url {
						t.Errorf("QR code reads %q, %v; want %q", got, err, url)
					}
				})
			}
		}
	}
}

func TestLatestJobs(t *testing.T) {
	spool := t.TempDir()
	at := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	p, err := Open("Quầy 1", "virtual:"+spool, WithClock(func() time.Time { at = at.Add(time.Minute); return at }))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, id := range []string{"a", "b", "c"} {
		data := []byte("\x1b@" + id + "\n\x1dVB\x00")
		if id == "b" {
			data = []byte{0x1B, 0xFF} // unreadable: no preview
		}
		if err := p.Print(context.Background(), Job{ID: id, Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	// Stray files are not jobs.
	dir := filepath.Join(spool, sanitize("Quầy 1"))
	for _, f := range []string{VirtualPaperNearEnd, ".job-1.tmp", "notes.bin", "x.png"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	jobs, err := LatestJobs(spool, "Quầy 1", 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []JobFile{
		{Job: "c", Time: time.Date(2026, 3, 9, 8, 3, 0, 0, time.UTC), Bin: filepath.Join(dir, "20260309T080300.000000000-c.bin"), PNG: filepath.Join(dir, "20260309T080300.000000000-c.png")},
		{Job: "b", Time: time.Date(2026, 3, 9, 8, 2, 0, 0, time.UTC), Bin: filepath.Join(dir, "20260309T080200.000000000-b.bin")},
	}
	if len(jobs) != len(want) {
		t.Fatalf("LatestJobs = %+v, want %+v", jobs, want)
	}
	for i := range want {
		if jobs[i] != want[i] {
			t.Errorf("job %d = %+v, want %+v", i, jobs[i], want[i])
		}
	}
	if all, _ := LatestJobs(spool, "Quầy 1", 0); len(all) != 3 {
		t.Errorf("LatestJobs(n = 0) lists %d jobs, want all 3", len(all))
	}
	if none, err := LatestJobs(spool, "never printed", 5); err != nil || len(none) != 0 {
		t.Errorf("LatestJobs of a printer with no directory: %v, %v; want none and no error", none, err)
	}
}

// TestVirtualPreviewProfile: with the printer's profile the preview is
// drawn on its paper, not a guessed one.
func TestVirtualPreviewProfile(t *testing.T) {
	spool := t.TempDir()
	p, err := openVirtual("k", spool, time.Now, Profiles["epson-tm-t88-80"])
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Print(context.Background(), Job{ID: "1", Data: []byte("\x1b@ab\n\x1dVB\x00")}); err != nil {
		t.Fatal(err)
	}
	jobs, err := LatestJobs(spool, "k", 1)
	if err != nil || len(jobs) != 1 || jobs[0].PNG == "" {
		t.Fatalf("LatestJobs: %+v, %v", jobs, err)
	}
	f, err := os.Open(jobs[0].PNG)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 512 {
		t.Errorf("preview %d dots wide, want the profile's 512 (a guess would say 384)", cfg.Width)
	}
}
