package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// lingerTimeout bounds how long Print waits, after sending a job over TCP,
// for the printer to close its side of the connection.
const lingerTimeout = 2 * time.Second

// streamPrinter is the driver of the usb, tcp and serial transports: for
// each job it opens the device through dial, writes the bytes and closes it.
//
// Keeping the device open between jobs, asking the printer for its status
// (DLE EOT) and reconnecting with backoff come with the printing work; until
// then Status reports only whether the device can be opened.
type streamPrinter struct {
	name   string
	target Target
	// dial opens the transport: a usblp device file, a serial port, a TCP
	// connection to port 9100, or net.Pipe in tests.
	dial   func(ctx context.Context) (io.ReadWriteCloser, error)
	closed atomic.Bool
	mu     sync.Mutex // one job on the wire at a time: interleaved jobs garble both tickets
}

func newStream(name string, t Target, dial func(ctx context.Context) (io.ReadWriteCloser, error)) *streamPrinter {
	return &streamPrinter{name: name, target: t, dial: dial}
}

func (p *streamPrinter) Print(ctx context.Context, job Job) error {
	if p.closed.Load() {
		return fmt.Errorf("printer %s: print job %s: %w", p.name, job.ID, ErrClosed)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("printer %s: print job %s: %w", p.name, job.ID, err)
	}
	conn, err := p.dial(ctx)
	if err != nil {
		return fmt.Errorf("printer %s: print job %s: open %s: %w", p.name, job.ID, p.target, deviceErr(err))
	}
	// Closing the transport is what unblocks a write to a printer that
	// stopped taking bytes (paper out mid-job, cable pulled) when ctx ends.
	// A usblp device file cannot be unblocked that way: its write returns
	// only when the kernel driver gives up.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	_, err = conn.Write(job.Data)
	if err == nil {
		err = finish(ctx, conn)
	}
	canceled := !stop()
	// After a cancellation the transport is closed already and closing it
	// again tells nothing.
	if cerr := conn.Close(); err == nil && !canceled {
		err = cerr
	}
	switch {
	case err != nil && canceled:
		return fmt.Errorf("printer %s: print job %s: %w", p.name, job.ID, context.Cause(ctx))
	case err != nil:
		return fmt.Errorf("printer %s: print job %s: write %s: %w", p.name, job.ID, p.target, deviceErr(err))
	}
	// The job was handed over whole, even if ctx ended while finish waited
	// for the printer to hang up: it is printed, so Print succeeded.
	return nil
}

// finish makes sure the job left the host before the transport is closed.
// A serial port is drained: closing it could drop what is still in the UART
// buffer. A TCP connection is half-closed and read until the printer closes
// its side or lingerTimeout passes: closing a socket that holds unread
// bytes (a printer's automatic status back) makes the kernel send a reset,
// which can throw away the tail of the job still in the send buffer.
func finish(ctx context.Context, conn io.ReadWriteCloser) error {
	if d, ok := conn.(interface{ Drain() error }); ok {
		return d.Drain()
	}
	cw, ok := conn.(interface {
		CloseWrite() error
		SetReadDeadline(time.Time) error
	})
	if !ok {
		return nil
	}
	if err := cw.CloseWrite(); err != nil {
		return err
	}
	deadline := time.Now().Add(lingerTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := cw.SetReadDeadline(deadline); err != nil {
		return nil // the bytes are sent; only the courtesy wait is lost
	}
	// Whatever ends the wait (EOF, a timeout, a reset after our FIN), the
	// job was handed to the network: it is not an error of this job.
	_, _ = io.Copy(io.Discard, conn)
	return nil
}

func (p *streamPrinter) Status(ctx context.Context) (Status, error) {
	if p.closed.Load() {
		return Status{}, fmt.Errorf("printer %s: status: %w", p.name, ErrClosed)
	}
	p.mu.Lock() // a usblp device or a serial port takes one opener at a time
	defer p.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return Status{}, fmt.Errorf("printer %s: status: %w", p.name, err)
	}
	conn, err := p.dial(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("printer %s: status: open %s: %w", p.name, p.target, deviceErr(err))
	}
	if err := conn.Close(); err != nil && !errors.Is(err, io.EOF) {
		return Status{}, fmt.Errorf("printer %s: status: close %s: %w", p.name, p.target, deviceErr(err))
	}
	return Status{Online: true}, nil
}

func (p *streamPrinter) Close() error {
	p.closed.Store(true)
	return nil
}
