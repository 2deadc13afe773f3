package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrintPreview(t *testing.T) {
	tests := []struct {
		args  []string
		width int
	}{
		{[]string{"--layout", "ticket", "--paper", "80"}, 576},
		{[]string{"--layout", "receipt", "--paper", "58"}, 384},
		{[]string{"--profile", "epson-tm-t20-80+text"}, 576},
		{[]string{"--profile", "epson-tm-t88-80"}, 512},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "p.png")
			var so, se bytes.Buffer
			if err := run(append([]string{"print-preview", "--out", out}, tt.args...), nil, &so, &se); err != nil {
				t.Fatalf("%v: %s", err, se.String())
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if w := img.Bounds().Dx(); w != tt.width || img.Bounds().Dy() < 400 {
				t.Errorf("preview %d × %d dots, want %d wide and a ticket's length", w, img.Bounds().Dy(), tt.width)
			}
			if !strings.Contains(so.String(), "written to") {
				t.Errorf("output: %q", so.String())
			}
		})
	}
	for _, bad := range [][]string{{"print-preview"}, {"print-preview", "--out", "x.png", "--paper", "70"},
		{"print-preview", "--out", "x.png", "--layout", "menu"}, {"print-preview", "--out", "x.png", "--profile", "hp-laserjet"}} {
		var so, se bytes.Buffer
		err := run(bad, nil, &so, &se)
		var ue usageError
		if !asUsage(err, &ue) {
			t.Errorf("%v: got %v, want a usage error", bad, err)
		}
	}
}

func asUsage(err error, ue *usageError) bool {
	if e, ok := err.(usageError); ok {
		*ue = e
		return true
	}
	return false
}

func TestPrintTestOnVirtualPrinter(t *testing.T) {
	dir := t.TempDir()
	var so, se bytes.Buffer
	if err := run([]string{"print-test", "--printer", "virtual:" + dir, "--layout", "receipt"}, nil, &so, &se); err != nil {
		t.Fatalf("%v: %s", err, se.String())
	}
	jobs, _ := filepath.Glob(filepath.Join(dir, "print-test", "*.bin"))
	pngs, _ := filepath.Glob(filepath.Join(dir, "print-test", "*.png"))
	if len(jobs) != 1 || len(pngs) != 1 {
		t.Errorf("spool: %v %v", jobs, pngs)
	}
	for _, want := range []string{"Trạng thái trước khi in (before): sẵn sàng", ": printed", "Trạng thái sau khi in (after)"} {
		if !strings.Contains(so.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, so.String())
		}
	}
	// out of paper: the job is refused and says so
	os.WriteFile(filepath.Join(dir, "print-test", "PAPER-OUT"), nil, 0o600)
	so.Reset()
	if err := run([]string{"print-test", "--printer", "virtual:" + dir}, nil, &so, &se); err == nil {
		t.Error("print-test on a printer out of paper succeeded")
	}
	if !strings.Contains(so.String(), "hết giấy") {
		t.Errorf("output lacks the paper state:\n%s", so.String())
	}
}
