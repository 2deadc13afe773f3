package printer

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"

	"go.bug.st/serial"
)

// The transports behind the driver: a usblp device file, a TCP connection
// to port 9100, a serial port. Each is opened once and kept open between
// jobs; the driver reconnects when one fails.

// readAction is what the back-channel reader does after a read error.
type readAction int

const (
	readStop   readAction = iota // the connection is broken
	readNoBack                   // the transport has no back channel; the connection is fine
	readAgain                    // nothing to read now: try again after readAgainPause
)

// readAgainPause is how long the reader of a usblp device waits after an
// empty read: usblp returns 0 bytes when the printer had nothing to send.
const readAgainPause = 20 * time.Millisecond

// classifyReadErr sorts read errors by transport. On a usblp device,
// EINVAL or ENOTTY means a unidirectional printer (no back channel), and
// an empty read is not the end: only ENODEV (unplugged) and the like break
// the connection.
func (d *driver) classifyReadErr(err error) readAction {
	if d.target.Scheme != SchemeUSB {
		return readStop
	}
	switch {
	case errors.Is(err, io.EOF):
		return readAgain
	case errors.Is(err, syscall.EINVAL), errors.Is(err, syscall.ENOTTY), errors.Is(err, syscall.EBADF):
		return readNoBack
	}
	return readStop
}

// dialer returns the dial seam of target t.
func dialer(t Target, readBack bool) func(ctx context.Context) (io.ReadWriteCloser, error) {
	switch t.Scheme {
	case SchemeTCP:
		addr := net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
		return func(ctx context.Context) (io.ReadWriteCloser, error) {
			d := net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}
			return d.DialContext(ctx, "tcp", addr)
		}
	case SchemeUSB:
		flag := os.O_WRONLY
		if readBack {
			flag = os.O_RDWR // DLE EOT replies come back through read(2)
		}
		return func(context.Context) (io.ReadWriteCloser, error) {
			// No O_CREATE: a missing device is an error, not a new
			// regular file.
			return os.OpenFile(t.Path, flag, 0)
		}
	case SchemeSerial:
		return func(context.Context) (io.ReadWriteCloser, error) {
			return serial.Open(t.Path, &serial.Mode{BaudRate: t.Baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
		}
	}
	return nil
}

// lpStatus asks the usblp kernel driver for the printer's port status
// (LPGETSTATUS). ok is false when the transport is not a usblp device or
// the ioctl failed (a regular file, another OS).
func (d *driver) lpStatus() (Status, bool) {
	f, ok := d.conn.(*os.File)
	if !ok {
		return Status{}, false
	}
	w, err := lpGetStatus(f)
	if err != nil {
		return Status{}, false
	}
	return decodeLPStatus(w), true
}

// Port status bits of LPGETSTATUS, linux/lp.h and drivers/usb/class/
// usblp.c: the IEEE 1284 status lines a USB printer reports through the
// class request GET_PORT_STATUS (USB Printer Class 1.1, 4.2.2).
const (
	lpGetStatusReq = 0x060b // LPGETSTATUS, "return LP_S(minor)"; an old-style number, not _IOR
	lpPErrorP      = 0x08   // nFault: 1 = no error (active low)
	lpPSelecd      = 0x10   // Select: 1 = on-line
	lpPOutPA       = 0x20   // PError: 1 = paper empty
	lpPAck         = 0x40   // nAck (not reported by usblp)
	lpPBusy        = 0x80   // Busy, inverted (not reported by usblp)
)

// decodeLPStatus turns an LPGETSTATUS word into a Status. The port lines
// cannot tell an open cover from another fault: both are "error".
func decodeLPStatus(w int) Status {
	s := Status{PaperOut: w&lpPOutPA != 0}
	s.Online = w&lpPSelecd != 0 && w&lpPErrorP != 0 && !s.PaperOut
	return s
}
