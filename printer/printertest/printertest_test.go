package printertest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/printer"
)

// make golden runs go test ./printer/... -update, which passes the flag to
// every package below printer/; this one has no golden files.
var _ = flag.Bool("update", false, "accepted for go test ./printer/... -update; no golden files here")

func TestRecordsJobs(t *testing.T) {
	p := New()
	ctx := context.Background()
	data := []byte{0x1B, 0x40}
	if err := p.Print(ctx, printer.Job{ID: "1", Data: data}); err != nil {
		t.Fatal(err)
	}
	data[0] = 0 // the caller's buffer changes; the record must not
	jobs := p.Jobs()
	if len(jobs) != 1 || jobs[0].ID != "1" || string(jobs[0].Data) != "\x1b@" {
		t.Fatalf("Jobs() = %+v, want job 1 with 1b 40", jobs)
	}
	jobs[0].Data[1] = 0
	if got := p.Jobs()[0].Data[1]; got != 0x40 {
		t.Errorf("Jobs returned the fake's own buffer: byte is now %#x", got)
	}
}

func TestStatusAndErrors(t *testing.T) {
	p := New()
	ctx := context.Background()
	if st, err := p.Status(ctx); err != nil || st != (printer.Status{Online: true}) {
		t.Errorf("new fake: Status = %+v, %v; want online", st, err)
	}

	p.SetStatus(printer.Status{PaperOut: true})
	if err := p.Print(ctx, printer.Job{ID: "1"}); !errors.Is(err, printer.ErrPaperOut) {
		t.Errorf("paper out: Print = %v, want ErrPaperOut", err)
	}
	if st, _ := p.Status(ctx); !st.PaperOut {
		t.Errorf("Status = %+v, want PaperOut", st)
	}

	p.SetStatus(printer.Status{Online: true})
	boom := errors.New("boom")
	p.SetErr(boom)
	if err := p.Print(ctx, printer.Job{ID: "2"}); !errors.Is(err, boom) {
		t.Errorf("SetErr: Print = %v, want %v", err, boom)
	}
	if _, err := p.Status(ctx); !errors.Is(err, boom) {
		t.Errorf("SetErr: Status = %v, want %v", err, boom)
	}
	p.SetErr(nil)
	if err := p.Print(ctx, printer.Job{ID: "3"}); err != nil {
		t.Errorf("after SetErr(nil): Print = %v", err)
	}
	if n := len(p.Jobs()); n != 1 {
		t.Errorf("recorded %d jobs, want only the one that succeeded", n)
	}

	p.Close()
	if !p.Closed() {
		t.Error("Closed() = false after Close")
	}
	if err := p.Print(ctx, printer.Job{ID: "4"}); !errors.Is(err, printer.ErrClosed) {
		t.Errorf("after Close: Print = %v, want ErrClosed", err)
	}
}

func TestWaitConcurrent(t *testing.T) {
	p := New()
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := p.Print(context.Background(), printer.Job{ID: fmt.Sprint(i)}); err != nil {
				t.Error(err)
			}
			p.Status(context.Background())
			p.Jobs()
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	jobs, err := p.Wait(ctx, n)
	if err != nil || len(jobs) != n {
		t.Errorf("Wait = %d jobs, %v; want %d", len(jobs), err, n)
	}
	wg.Wait()

	short, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	if _, err := p.Wait(short, n+1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait for a job that never comes = %v, want DeadlineExceeded", err)
	}
}
