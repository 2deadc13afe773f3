package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/creack/pty"
)

// listen starts a raw printing server on a free port that hands over the
// bytes it receives, as they come, on any connection.
func listen(t *testing.T) (addr string, data <-chan []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan []byte, 100)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				b := make([]byte, 4096)
				for {
					n, err := conn.Read(b)
					if n > 0 {
						ch <- bytes.Clone(b[:n])
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), ch
}

// collect reads from data until it holds n bytes or ctx ends.
func collect(ctx context.Context, data <-chan []byte, n int) []byte {
	var got []byte
	for len(got) < n {
		select {
		case b := <-data:
			got = append(got, b...)
		case <-ctx.Done():
			return got
		}
	}
	return got
}

var sampleJob = []byte{0x1B, 0x40, 'V', 'i', 0xE1, 0xBB, 0x87, 't', 0x00, 0xFF, 0x1D, 0x56, 0x42, 0x00}

func TestTCPPrint(t *testing.T) {
	addr, data := listen(t)
	p, err := Open("net-1", "tcp:"+addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	for i, job := range [][]byte{sampleJob, {0x00, 0xFF, 0x1D, 0x56, 0x42, 0x00}} {
		if err := p.Print(ctx, Job{ID: fmt.Sprint(i), Data: job}); err != nil {
			t.Fatalf("Print job %d: %v", i, err)
		}
		if got := collect(ctx, data, len(job)); !bytes.Equal(got, job) {
			t.Errorf("job %d: server received % x, want % x", i, got, job)
		}
	}
	st, err := p.Status(ctx)
	if err != nil || st != (Status{Online: true}) {
		t.Errorf("Status = %+v, %v; want online", st, err)
	}
	select {
	case b := <-data:
		t.Errorf("Status sent % x to a printer without real-time status, want nothing", b)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestTCPOffline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	p, err := Open("net-1", "tcp:"+addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	err = p.Print(ctx, Job{ID: "1", Data: []byte("x")})
	if !errors.Is(err, ErrOffline) || JobOutcome(err) != NotPrinted {
		t.Errorf("Print: got %v, want ErrOffline, not printed", err)
	}
	if st, err := p.Status(ctx); !errors.Is(err, ErrOffline) || st != (Status{}) {
		t.Errorf("Status = %+v, %v; want a zero Status and ErrOffline", st, err)
	}
}

// TestTCPPrinterKeepsConnection checks that the connection stays open
// between jobs and that ctx ending after a job was handed over does not
// make it fail.
func TestTCPPrinterKeepsConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- conn
		}
	}()
	p, err := Open("net-1", "tcp:"+ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i := range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		if err := p.Print(ctx, Job{ID: fmt.Sprint(i), Data: []byte("ticket")}); err != nil {
			t.Errorf("Print %d: %v", i, err)
		}
		cancel()
	}
	conn := <-accepted
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	got := make([]byte, 18)
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != "ticketticketticket" {
		t.Errorf("server received %q, %v; want three tickets on one connection", got, err)
	}
	select {
	case c := <-accepted:
		c.Close()
		t.Error("a second connection: the first was not kept open")
	default:
	}
}

func TestUSBPrint(t *testing.T) {
	dev := filepath.Join(t.TempDir(), "lp0")
	if err := os.WriteFile(dev, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Open("usb-1", "usb:"+dev)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	data := sampleJob
	if err := p.Print(ctx, Job{ID: "1", Data: data}); err != nil {
		t.Fatalf("Print: %v", err)
	}
	got, err := os.ReadFile(dev)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("device file holds % x, want % x", got, data)
	}
	if st, err := p.Status(ctx); err != nil || !st.Online {
		t.Errorf("Status = %+v, %v; want online", st, err)
	}
}

func TestUSBUnplugged(t *testing.T) {
	dev := filepath.Join(t.TempDir(), "lp0") // does not exist
	p, err := Open("usb-1", "usb:"+dev)
	if err != nil {
		t.Fatalf("Open must not touch the device: %v", err)
	}
	defer p.Close()
	err = p.Print(context.Background(), Job{ID: "1", Data: []byte("x")})
	if !errors.Is(err, ErrOffline) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Print: got %v, want ErrOffline wrapping fs.ErrNotExist", err)
	}
	if _, err := os.Stat(dev); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Print created %s; it must open the device, never create a file", dev)
	}
	if _, err := p.Status(context.Background()); !errors.Is(err, ErrOffline) {
		t.Errorf("Status: got %v, want ErrOffline", err)
	}
}

// TestSerialPrint plays a serial printer on the master side of a pty.
func TestSerialPrint(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	defer slave.Close() // kept open so the master sees no hang-up between jobs

	p, err := Open("serial-1", "serial:"+slave.Name()+"?baud=19200")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	data := []byte{0x1B, 0x40, 0x00, 0x03, 0x0D, 0x11, 0x13, 0xFF, 'o', 'k', 0x1D, 0x56, 0x42, 0x00}
	if err := p.Print(context.Background(), Job{ID: "1", Data: data}); err != nil {
		t.Fatalf("Print: %v", err)
	}
	got := make([]byte, len(data))
	master.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(master, got); err != nil {
		t.Fatalf("reading the master: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("device received % x, want % x", got, data)
	}
}

// TestPrintCanceledUnblocks checks that a printer that stops taking bytes
// does not hold Print beyond ctx.
func TestPrintCanceledUnblocks(t *testing.T) {
	client, server := net.Pipe() // nobody reads server: a write blocks
	defer server.Close()
	p := newDriver("pipe", Target{Scheme: SchemeSerial, Path: "/dev/pipe"}, options{}, func(context.Context) (io.ReadWriteCloser, error) {
		return client, nil
	})
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := p.Print(ctx, Job{ID: "1", Data: []byte("stuck")})
	if !errors.Is(err, context.DeadlineExceeded) || JobOutcome(err) != NotPrinted {
		t.Errorf("Print: got %v, want context.DeadlineExceeded, not printed", err)
	}
}

func TestStreamClosed(t *testing.T) {
	var dialed atomic.Bool
	p := newDriver("pipe", Target{Scheme: SchemeTCP, Host: "pipe", Port: 1}, options{}, func(context.Context) (io.ReadWriteCloser, error) {
		dialed.Store(true)
		return nil, errors.New("unreachable")
	})
	p.Close()
	if err := p.Print(context.Background(), Job{ID: "1"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Print after Close: got %v, want ErrClosed", err)
	}
	if _, err := p.Status(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Status after Close: got %v, want ErrClosed", err)
	}
	if dialed.Load() {
		t.Error("a closed printer dialed its device")
	}
}

func TestDeviceErr(t *testing.T) {
	perm := &fs.PathError{Op: "open", Path: "/dev/usb/lp0", Err: fs.ErrPermission}
	if err := deviceErr(perm); !errors.Is(err, fs.ErrPermission) || errors.Is(err, ErrOffline) {
		t.Errorf("deviceErr(permission denied) = %v, want fs.ErrPermission and not ErrOffline", err)
	}
	if err := deviceErr(io.ErrUnexpectedEOF); !errors.Is(err, ErrOffline) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("deviceErr(other) = %v, want ErrOffline wrapping the cause", err)
	}
}

func TestStatusErr(t *testing.T) {
	for _, tc := range []struct {
		s    Status
		want error
	}{
		{Status{Online: true}, nil},
		{Status{Online: true, PaperNearEnd: true}, nil},
		{Status{}, ErrOffline},
		{Status{PaperOut: true}, ErrPaperOut},
		{Status{PaperOut: true, CoverOpen: true}, ErrCoverOpen},
		{Status{Online: true, PaperOut: true}, ErrPaperOut},
	} {
		if got := tc.s.Err(); got != tc.want {
			t.Errorf("%+v.Err() = %v, want %v", tc.s, got, tc.want)
		}
	}
}
