package printer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/printer/printertest"
)

// The fault tests drive the real tcp driver, through Open, against a fake
// network printer. In each: every Print gets an answer (no ticket lost), a
// job is never sent twice (none printed twice), and Status shows the state
// the kiosk must see.

var (
	statusProfile = printer.Profile{Name: "test-status", RealtimeStatus: true, Completion: printer.CompletionProcessID}
	fast          = printer.Timeouts{Query: 400 * time.Millisecond, Completion: 600 * time.Millisecond, Drain: 10 * time.Millisecond}
)

func start(t *testing.T, prof printer.Profile) (*printertest.NetPrinter, printer.Printer) {
	t.Helper()
	np, err := printertest.NewNetPrinter()
	if err != nil {
		t.Fatal(err)
	}
	p, err := printer.Open("fake", np.URI(), printer.WithProfile(prof), printer.WithTimeouts(fast))
	if err != nil {
		np.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		np.Close()
	})
	return np, p
}

// job is a job of about size bytes that starts with a marker naming id;
// its filler contains no command the fake printer answers.
func job(id string, size int) printer.Job {
	head := marker(id)
	return printer.Job{ID: id, Data: append(head, bytes.Repeat([]byte("x"), max(0, size-len(head)))...)}
}

func marker(id string) []byte { return []byte("<JOB " + id + ">") }

func count(b []byte, id string) int { return bytes.Count(b, marker(id)) }

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// queryBytes is what the driver sends before each job: DLE EOT 1, 2, 4.
const queryBytes = 9

func TestPrintConfirmedByProcessID(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	j := job("A-1001", 300)
	if err := p.Print(ctx, j); err != nil {
		t.Fatalf("Print: %v", err)
	}
	if got := np.ProcessIDs(); got != 1 {
		t.Errorf("printer answered %d process IDs, want 1", got)
	}
	got := np.Received()
	want := append([]byte{0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04}, j.Data...)
	if !bytes.HasPrefix(got, want) {
		t.Errorf("received % x…, want the status queries then the job", got[:min(len(got), 20)])
	}
	tail := got[len(want):]
	if len(tail) != 11 || !bytes.HasPrefix(tail, []byte{0x1D, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30}) {
		t.Errorf("after the job: % x, want GS ( H fn 48 with a process ID", tail)
	}
	if n := count(np.Printed(), j.ID); n != 1 {
		t.Errorf("job printed %d times, want 1", n)
	}
}

func TestPaperOutBeforeJob(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	np.SetPaperOut(true)
	err := p.Print(ctx, job("A-1", 200))
	if !errors.Is(err, printer.ErrPaperOut) || errors.Is(err, printer.ErrUnconfirmed) {
		t.Fatalf("Print: got %v, want ErrPaperOut and not ErrUnconfirmed", err)
	}
	if o := printer.JobOutcome(err); o != printer.NotPrinted {
		t.Errorf("JobOutcome = %v, want %v", o, printer.NotPrinted)
	}
	if n := count(np.Received(), "A-1"); n != 0 {
		t.Errorf("%d copies of the refused job reached the printer, want 0", n)
	}
	st, err := p.Status(ctx)
	if err != nil || !st.PaperOut || st.Online || st.Unknown {
		t.Errorf("Status = %+v, %v; want paper out, off-line, known", st, err)
	}

	// Paper loaded: the same ticket reprinted prints once.
	np.SetPaperOut(false)
	if err := p.Print(ctx, job("A-1", 200)); err != nil {
		t.Fatalf("reprint: %v", err)
	}
	if n := count(np.Printed(), "A-1"); n != 1 {
		t.Errorf("job printed %d times, want 1", n)
	}
}

func TestPaperEndMidJob(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	np.PaperEndAfter(queryBytes + 1000)
	begin := time.Now()
	err := p.Print(ctx, job("B-7", 4000))
	if !errors.Is(err, printer.ErrUnconfirmed) || !errors.Is(err, printer.ErrPaperOut) {
		t.Fatalf("Print: got %v, want ErrUnconfirmed and ErrPaperOut", err)
	}
	if o := printer.JobOutcome(err); o != printer.MaybePrinted {
		t.Errorf("JobOutcome = %v, want %v", o, printer.MaybePrinted)
	}
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("Print took %v", d)
	}
	if n := count(np.Received(), "B-7"); n != 1 {
		t.Errorf("job sent %d times, want once (never retried)", n)
	}
	st, err := p.Status(ctx)
	if err != nil || !st.PaperOut {
		t.Errorf("Status = %+v, %v; want paper out", st, err)
	}
	// The next ticket is refused, not sent.
	if err := p.Print(ctx, job("B-8", 100)); !errors.Is(err, printer.ErrPaperOut) || printer.JobOutcome(err) != printer.NotPrinted {
		t.Errorf("next Print: got %v, want ErrPaperOut, not printed", err)
	}
	if n := count(np.Received(), "B-8"); n != 0 {
		t.Errorf("next job reached the printer %d times, want 0", n)
	}
}

func TestCoverOpen(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	np.SetCoverOpen(true)
	err := p.Print(ctx, job("C-1", 100))
	if !errors.Is(err, printer.ErrCoverOpen) || printer.JobOutcome(err) != printer.NotPrinted {
		t.Fatalf("Print: got %v, want ErrCoverOpen, not printed", err)
	}
	if n := count(np.Received(), "C-1"); n != 0 {
		t.Errorf("job reached the printer %d times, want 0", n)
	}
	st, err := p.Status(ctx)
	if err != nil || !st.CoverOpen || st.Online {
		t.Errorf("Status = %+v, %v; want cover open, off-line", st, err)
	}
	if !errors.Is(st.Err(), printer.ErrCoverOpen) {
		t.Errorf("Status.Err() = %v, want ErrCoverOpen", st.Err())
	}
}

func TestPrinterNeverAnswers(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	np.SetSilent(true)
	begin := time.Now()
	err := p.Print(ctx, job("D-1", 100))
	if !errors.Is(err, printer.ErrOffline) || printer.JobOutcome(err) != printer.NotPrinted {
		t.Fatalf("Print: got %v, want ErrOffline, not printed", err)
	}
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("Print took %v, want about the query timeout", d)
	}
	if n := count(np.Received(), "D-1"); n != 0 {
		t.Errorf("job reached the printer %d times, want 0", n)
	}
	st, err := p.Status(ctx)
	if !errors.Is(err, printer.ErrOffline) || !st.Unknown || st.Online {
		t.Errorf("Status = %+v, %v; want Unknown, not online, ErrOffline", st, err)
	}
}

// TestStrayStatusByte: a reply with wrong fixed bits is not a status.
func TestStrayStatusByte(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	np.SetRealtimeReply(1, 0x92) // bit 7 set: a data byte, not a status
	err := p.Print(ctx, job("E-1", 100))
	if !errors.Is(err, printer.ErrOffline) || printer.JobOutcome(err) != printer.NotPrinted {
		t.Fatalf("Print: got %v, want ErrOffline, not printed", err)
	}
	if n := count(np.Received(), "E-1"); n != 0 {
		t.Errorf("job reached the printer %d times, want 0", n)
	}
}

func TestConnectionCutMidJob(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	np.CutAfter(queryBytes + 500)
	err := p.Print(ctx, job("F-1", 4000))
	if !errors.Is(err, printer.ErrUnconfirmed) || !errors.Is(err, printer.ErrOffline) {
		t.Fatalf("Print: got %v, want ErrUnconfirmed and ErrOffline", err)
	}
	if o := printer.JobOutcome(err); o != printer.MaybePrinted {
		t.Errorf("JobOutcome = %v, want %v", o, printer.MaybePrinted)
	}
	// The next job reconnects and prints once; the cut one is not resent.
	if err := p.Print(ctx, job("F-2", 300)); err != nil {
		t.Fatalf("Print after the cut: %v", err)
	}
	got := np.Received()
	if n := count(got, "F-1"); n != 1 {
		t.Errorf("cut job sent %d times, want 1", n)
	}
	if n := count(got, "F-2"); n != 1 {
		t.Errorf("next job sent %d times, want 1", n)
	}
	if n := np.Connections(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

func TestConcurrentPrintsSerialized(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	const n = 20
	jobs := make([]printer.Job, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range jobs {
		jobs[i] = job(fmt.Sprintf("G-%02d", i), 500+i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.Print(ctx, jobs[i])
		}()
	}
	wg.Wait()
	got := np.Received()
	for i, j := range jobs {
		if errs[i] != nil {
			t.Errorf("Print %s: %v", j.ID, errs[i])
		}
		if c := count(got, j.ID); c != 1 {
			t.Errorf("job %s sent %d times, want 1", j.ID, c)
		}
		if !bytes.Contains(got, j.Data) {
			t.Errorf("job %s did not arrive in one piece: jobs interleaved", j.ID)
		}
	}
	if c := np.ProcessIDs(); c != n {
		t.Errorf("printer confirmed %d jobs, want %d", c, n)
	}
	if c := np.Connections(); c != 1 {
		t.Errorf("%d connections, want 1 kept open", c)
	}
}

func TestStatusPaperNearEnd(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	st, err := p.Status(ctx)
	if err != nil || st != (printer.Status{Online: true}) {
		t.Errorf("Status = %+v, %v; want online only", st, err)
	}
	np.SetPaperNearEnd(true)
	st, err = p.Status(ctx)
	if err != nil || !st.PaperNearEnd || !st.Online || st.PaperOut {
		t.Errorf("Status = %+v, %v; want online, paper near end", st, err)
	}
	if err := p.Print(ctx, job("H-1", 100)); err != nil {
		t.Errorf("Print with paper near end: %v", err)
	}
}

// TestRealtimeReplyOvertakes: the printer answers DLE EOT on receipt, before
// it has processed (printed) the data sent earlier, so status replies and
// process ID replies arrive out of order.
func TestRealtimeReplyOvertakes(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	np.SetProcessDelay(100 * time.Millisecond)
	for i := range 3 {
		if err := p.Print(ctx, job(fmt.Sprint("I-", i), 200)); err != nil {
			t.Fatalf("Print %d: %v", i, err)
		}
	}

	// A confirmation later than the timeout: the job is unknown, not
	// reprinted; its late reply must not confirm the next job.
	np.SetProcessDelay(900 * time.Millisecond)
	err := p.Print(ctx, job("I-late", 200))
	if !errors.Is(err, printer.ErrUnconfirmed) || printer.JobOutcome(err) != printer.MaybePrinted {
		t.Fatalf("Print: got %v, want ErrUnconfirmed", err)
	}
	np.SetProcessDelay(300 * time.Millisecond)
	if err := p.Print(ctx, job("I-next", 200)); err != nil {
		t.Fatalf("Print after a late confirmation: %v", err)
	}
	got := np.Received()
	for _, id := range []string{"I-0", "I-1", "I-2", "I-late", "I-next"} {
		if c := count(got, id); c != 1 {
			t.Errorf("job %s sent %d times, want 1", id, c)
		}
	}
}

// TestJobContainingDLEEOT: job data that happens to hold 10 04 01 makes a
// real printer answer a status mid-job; the stray reply must not upset the
// next job's status check.
func TestJobContainingDLEEOT(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	j := job("J-1", 100)
	j.Data = append(j.Data, 0x10, 0x04, 0x01, 0x10, 0x04, 0x04)
	for _, jj := range []printer.Job{j, job("J-2", 100)} {
		if err := p.Print(ctx, jj); err != nil {
			t.Fatalf("Print %s: %v", jj.ID, err)
		}
	}
	if c := np.ProcessIDs(); c != 2 {
		t.Errorf("printer confirmed %d jobs, want 2", c)
	}
}

func TestCompletionByPaperStatus(t *testing.T) {
	prof := printer.Profile{Name: "gsr", RealtimeStatus: true, Completion: printer.CompletionStatus}
	np, p := start(t, prof)
	ctx := testCtx(t)
	if err := p.Print(ctx, job("K-1", 200)); err != nil {
		t.Fatalf("Print: %v", err)
	}
	if got := np.Received(); !bytes.HasSuffix(got, []byte{0x1D, 0x72, 0x01}) {
		t.Errorf("received …% x, want GS r 1 after the job", got[max(0, len(got)-6):])
	}
	// Paper runs out during the next job: GS r 1 is not answered.
	np.PaperEndAfter(queryBytes + 50)
	err := p.Print(ctx, job("K-2", 200))
	if !errors.Is(err, printer.ErrUnconfirmed) || !errors.Is(err, printer.ErrPaperOut) {
		t.Errorf("Print: got %v, want ErrUnconfirmed and ErrPaperOut", err)
	}
}

func TestProfileWithoutStatus(t *testing.T) {
	np, p := start(t, printer.Profile{Name: "dumb"})
	ctx := testCtx(t)
	j := job("L-1", 200)
	if err := p.Print(ctx, j); err != nil {
		t.Fatalf("Print: %v", err)
	}
	st, err := p.Status(ctx)
	if err != nil || !st.Online {
		t.Errorf("Status = %+v, %v; want online (reachable)", st, err)
	}
	deadline := time.Now().Add(time.Second)
	for !bytes.Equal(np.Received(), j.Data) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := np.Received(); !bytes.Equal(got, j.Data) {
		t.Errorf("received %d bytes, want exactly the job (%d bytes), no queries", len(got), len(j.Data))
	}
}

func TestPrinterRestarted(t *testing.T) {
	np, p := start(t, statusProfile)
	ctx := testCtx(t)
	if err := p.Print(ctx, job("M-1", 100)); err != nil {
		t.Fatal(err)
	}
	np.Close() // the printer is switched off
	if err := p.Print(ctx, job("M-2", 100)); !errors.Is(err, printer.ErrOffline) || printer.JobOutcome(err) != printer.NotPrinted {
		t.Fatalf("Print to a printer switched off: got %v, want ErrOffline, not printed", err)
	}
	if _, err := p.Status(ctx); !errors.Is(err, printer.ErrOffline) {
		t.Errorf("Status: got %v, want ErrOffline", err)
	}
}

func TestCanceledWhileQueued(t *testing.T) {
	np, p := start(t, statusProfile)
	np.SetProcessDelay(300 * time.Millisecond) // each job holds the printer a while
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- p.Print(ctx, job("N-1", 100)) }()
	time.Sleep(50 * time.Millisecond) // N-1 is on the wire
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err := p.Print(short, job("N-2", 100))
	if !errors.Is(err, context.DeadlineExceeded) || printer.JobOutcome(err) != printer.NotPrinted {
		t.Errorf("queued Print: got %v, want DeadlineExceeded, not printed", err)
	}
	if err := <-done; err != nil {
		t.Errorf("first Print: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := count(np.Received(), "N-2"); n != 0 {
		t.Errorf("withdrawn job reached the printer %d times, want 0", n)
	}
}

func TestCloseAnswersEveryone(t *testing.T) {
	np, p := start(t, statusProfile)
	np.SetProcessDelay(2 * time.Second) // the first job waits for its marker
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.Print(ctx, job(fmt.Sprint("O-", i), 100))
		}()
	}
	time.Sleep(100 * time.Millisecond)
	p.Close()
	wg.Wait()
	for i, err := range errs {
		switch printer.JobOutcome(err) {
		case printer.Printed:
			t.Errorf("job %d: printed, but the printer never confirmed", i)
		case printer.NotPrinted:
			if c := count(np.Received(), fmt.Sprint("O-", i)); c != 0 {
				t.Errorf("job %d: reported not printed but sent %d times", i, c)
			}
		}
		if err == nil || !strings.Contains(err.Error(), "fake") {
			t.Errorf("job %d: error %v does not name the printer", i, err)
		}
	}
	if err := p.Print(ctx, job("O-after", 10)); !errors.Is(err, printer.ErrClosed) {
		t.Errorf("Print after Close: got %v, want ErrClosed", err)
	}
}
