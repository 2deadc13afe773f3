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
	"testing"
	"time"

	"github.com/creack/pty"
)

// listen starts a raw printing server on a free port that hands over the
// bytes of each connection once the client has sent them all.
func listen(t *testing.T) (addr string, jobs <-chan []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan []byte, 10)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			b, _ := io.ReadAll(conn) // until the client half-closes
			conn.Close()
			ch <- b
		}
	}()
	return ln.Addr().String(), ch
}

func TestTCPPrint(t *testing.T) {
	addr, jobs := listen(t)
	p, err := Open("net-1", "tcp:"+addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	for i, data := range [][]byte{Encode(goldenTicket(), Profiles["80mm"]), {0x00, 0xFF, 0x1D, 0x56, 0x42, 0x00}} {
		if err := p.Print(ctx, Job{ID: fmt.Sprint(i), Data: data}); err != nil {
			t.Fatalf("Print job %d: %v", i, err)
		}
		select {
		case got := <-jobs:
			if !bytes.Equal(got, data) {
				t.Errorf("job %d: server received % x, want % x", i, got, data)
			}
		case <-ctx.Done():
			t.Fatal("server received nothing")
		}
	}
	st, err := p.Status(ctx)
	if err != nil || st != (Status{Online: true}) {
		t.Errorf("Status = %+v, %v; want online", st, err)
	}
	if b := <-jobs; len(b) != 0 {
		t.Errorf("Status sent % x, want nothing", b)
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
	if err := p.Print(ctx, Job{ID: "1", Data: []byte("x")}); !errors.Is(err, ErrOffline) {
		t.Errorf("Print: got %v, want ErrOffline", err)
	}
	if st, err := p.Status(ctx); !errors.Is(err, ErrOffline) || st != (Status{}) {
		t.Errorf("Status = %+v, %v; want a zero Status and ErrOffline", st, err)
	}
}

// TestTCPPrinterKeepsConnection checks that a printer which takes the bytes
// but never hangs up does not make a delivered job fail when ctx ends.
func TestTCPPrinterKeepsConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan []byte, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		b, _ := io.ReadAll(conn)
		got <- b
		time.Sleep(5 * time.Second) // keep the connection open
	}()
	p, err := Open("net-1", "tcp:"+ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := p.Print(ctx, Job{ID: "1", Data: []byte("ticket")}); err != nil {
		t.Errorf("Print: %v", err)
	}
	if b := <-got; string(b) != "ticket" {
		t.Errorf("server received %q, want %q", b, "ticket")
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
	data := Encode(goldenTicket(), Profiles["58mm"])
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
	p := newStream("pipe", Target{Scheme: SchemeTCP, Host: "pipe", Port: 1}, func(context.Context) (io.ReadWriteCloser, error) {
		return client, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := p.Print(ctx, Job{ID: "1", Data: []byte("stuck")})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Print: got %v, want context.DeadlineExceeded", err)
	}
}

func TestStreamClosed(t *testing.T) {
	dialed := false
	p := newStream("pipe", Target{Scheme: SchemeTCP, Host: "pipe", Port: 1}, func(context.Context) (io.ReadWriteCloser, error) {
		dialed = true
		return nil, errors.New("unreachable")
	})
	p.Close()
	if err := p.Print(context.Background(), Job{ID: "1"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Print after Close: got %v, want ErrClosed", err)
	}
	if _, err := p.Status(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Status after Close: got %v, want ErrClosed", err)
	}
	if dialed {
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
