package printer

import (
	"bytes"
	"context"
	"errors"
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

	data := append(Encode(goldenTicket(), Profiles["58mm"]), 0x00, 0xFF, 0x1B) // any byte goes through
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
		"20260309T010500.123456789-ticket_1023.bin", // UTC
		"20260309T010500.123456790-ticket_1023.bin",
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
