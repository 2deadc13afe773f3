package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"strings"
	"time"

	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/server/clock"
)

// sampleDoc is what print-test and print-preview print: a ticket or a
// receipt with the longest Vietnamese the demo center has.
func sampleDoc(layout string, now time.Time) (printer.Document, error) {
	now = now.In(clock.Local)
	switch layout {
	case "ticket":
		return printer.Ticket{
			Center: "Trung tâm Phục vụ hành chính công tỉnh Hà Nam", Number: "1023",
			Service: "Đăng ký thành lập doanh nghiệp", Department: "Sở Kế hoạch và Đầu tư",
			IssuedAt: now, WaitingAhead: 12, EstimatedWait: 25 * time.Minute,
			TrackURL: "http://192.168.1.10:8080/t/abcdefghijklmnopqrstuvwxyz234567",
		}, nil
	case "receipt":
		return printer.Receipt{
			Center: "Trung tâm Phục vụ hành chính công tỉnh Hà Nam", Code: "000.00.12.H41-261127-0012",
			Procedure: "Đăng ký thành lập doanh nghiệp tư nhân", Applicant: "Nguyễn Thị Hường",
			ReceivedAt: now, DueAt: now.AddDate(0, 0, 3), Channel: "Tại quầy", Official: "Lê Minh Tuấn", Counter: 1,
			Hotline: "0226 3 852 868", TrackURL: "http://192.168.1.10:8080/hs/000.00.12.H41-261127-0012?k=abcdef",
		}, nil
	}
	return nil, fmt.Errorf("--layout %q: ticket or receipt", layout)
}

func printFlags(name string, stderr io.Writer) (*flag.FlagSet, *string, *string, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	layout := fs.String("layout", "ticket", "ticket or receipt")
	paper := fs.String("paper", "80", "58 or 80 (mm), the generic profile of that width")
	profile := fs.String("profile", "", "a printer profile (overrides --paper): "+strings.Join(printer.ProfileNames(), ", ")+"; +text for text mode")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	return fs, layout, paper, profile
}

func pickProfile(paper, profile string) (printer.Profile, error) {
	if profile == "" {
		if paper != "58" && paper != "80" {
			return printer.Profile{}, usageError{fmt.Errorf("--paper %q: 58 or 80", paper)}
		}
		profile = paper + "mm"
	}
	p, err := printer.LookupProfile(profile)
	if err != nil {
		return p, usageError{err}
	}
	return p, nil
}

// printJob is what print-test and print-preview both make from their
// flags: the profile, the sample document's layout and its bytes.
type printJob struct {
	layout string
	prof   printer.Profile
	data   []byte
}

func preparePrint(fs *flag.FlagSet, args []string, layout, paper, profile *string, need func() error) (printJob, error) {
	if err := parse(fs, args); err != nil {
		return printJob{}, err
	}
	if err := need(); err != nil {
		return printJob{}, err
	}
	prof, err := pickProfile(*paper, *profile)
	if err != nil {
		return printJob{}, err
	}
	doc, err := sampleDoc(*layout, time.Now())
	if err != nil {
		return printJob{}, usageError{err}
	}
	data, err := printer.Encode(doc, prof)
	if err != nil {
		return printJob{}, err
	}
	return printJob{layout: *layout, prof: prof, data: data}, nil
}

// printPreview writes the PNG a printer would print, made by motcua's own
// ESC/POS interpreter from the exact bytes: for anyone without a printer.
func printPreview(args []string, stdout, stderr io.Writer) error {
	fs, layout, paper, profile := printFlags("print-preview", stderr)
	out := fs.String("out", "", "the PNG file to write")
	job, err := preparePrint(fs, args, layout, paper, profile, func() error {
		if *out == "" {
			return usageError{errors.New("print-preview needs --out FILE.png")}
		}
		return nil
	})
	if err != nil {
		return err
	}
	prof, data := job.prof, job.data
	page, err := printer.Interpret(data, prof.WidthDots)
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := png.Encode(f, page.Image); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	b := page.Image.Bounds()
	fmt.Fprintf(stdout, "%s (%s) on %s: %d bytes, %d × %d dots (%.0f mm of paper), written to %s\n",
		*layout, prof.Name, prof.Model, len(data), b.Dx(), b.Dy(), float64(b.Dy())/8, *out)
	return nil
}

// printTest prints a sample on a real printer and says what its status
// queries answered before and after.
func printTest(args []string, stdout, stderr io.Writer) error {
	fs, layout, paper, profile := printFlags("print-test", stderr)
	uri := fs.String("printer", "", "the printer: usb:/dev/usb/lp0, tcp:HOST:9100, serial:/dev/ttyUSB0?baud=19200, virtual:DIR")
	job, err := preparePrint(fs, args, layout, paper, profile, func() error {
		if *uri == "" {
			return usageError{errors.New("print-test needs --printer URI")}
		}
		return nil
	})
	if err != nil {
		return err
	}
	prof, data := job.prof, job.data
	p, err := printer.Open("print-test", *uri, printer.WithProfile(prof))
	if err != nil {
		return err
	}
	defer p.Close()
	say := func(when string) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		st, err := p.Status(ctx)
		fmt.Fprintf(stdout, "Trạng thái %s: %s\n", when, describeStatus(st, err))
	}
	say("trước khi in (before)")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	err = p.Print(ctx, printer.Job{ID: "print-test", Data: data})
	fmt.Fprintf(stdout, "Gửi %d byte (%s, %s) trong %s: %s\n", len(data), *layout, prof.Name, time.Since(start).Round(time.Millisecond), printer.JobOutcome(err))
	say("sau khi in (after)")
	if err != nil {
		return fmt.Errorf("print: %w", err)
	}
	return nil
}

func describeStatus(st printer.Status, err error) string {
	var parts []string
	if err != nil {
		parts = append(parts, "lỗi: "+err.Error())
	}
	for _, f := range []struct {
		on   bool
		text string
	}{
		{st.Online, "sẵn sàng (online)"}, {st.PaperNearEnd, "sắp hết giấy (paper near end)"},
		{st.PaperOut, "hết giấy (paper end)"}, {st.CoverOpen, "mở nắp (cover open)"},
		{st.CutterError, "lỗi dao cắt (cutter error)"}, {st.Unrecoverable, "lỗi không tự phục hồi (unrecoverable)"},
		{st.Unknown, "không trả lời (unknown)"},
	} {
		if f.on {
			parts = append(parts, f.text)
		}
	}
	if len(parts) == 0 {
		return "không có thông tin (no status)"
	}
	return strings.Join(parts, ", ")
}
