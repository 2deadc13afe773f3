package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strconv"
	"time"

	"go.bug.st/serial"
)

// dialTimeout bounds connecting to a network printer when the caller's
// context has no earlier deadline: a printer that is switched off must not
// hold a kiosk for the kernel's two-minute connect timeout.
const dialTimeout = 5 * time.Second

// Option adjusts a Printer made by Open.
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock sets the clock the virtual printer uses to name its spool files
// (time.Now by default), so a simulated day names its jobs by simulated time.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// Open returns the Printer named name (as in the configuration: it names the
// printer in errors and the virtual printer's spool directory) for a device
// URI, see ParseURI.
//
// Open does not touch a usb, tcp or serial device: optional hardware must
// not block start-up, so the device is opened for each job by Print, and a
// missing printer shows as ErrOffline there and from Status. The virtual
// printer creates its spool directory at once.
func Open(name, uri string, opts ...Option) (Printer, error) {
	if name == "" {
		return nil, errors.New("printer: open: empty name")
	}
	t, err := ParseURI(uri)
	if err != nil {
		return nil, fmt.Errorf("printer %s: %w", name, err)
	}
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	switch t.Scheme {
	case SchemeVirtual:
		p, err := openVirtual(name, t.Path, o.now)
		if err != nil {
			return nil, err // not a typed nil in a non-nil Printer
		}
		return p, nil
	case SchemeTCP:
		addr := net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
		return newStream(name, t, func(ctx context.Context) (io.ReadWriteCloser, error) {
			d := net.Dialer{Timeout: dialTimeout}
			return d.DialContext(ctx, "tcp", addr)
		}), nil
	case SchemeUSB:
		return newStream(name, t, func(context.Context) (io.ReadWriteCloser, error) {
			// The usblp driver takes bytes through write(2); no O_CREATE,
			// so a missing device is an error and not a new regular file.
			return os.OpenFile(t.Path, os.O_WRONLY, 0)
		}), nil
	case SchemeSerial:
		return newStream(name, t, func(context.Context) (io.ReadWriteCloser, error) {
			return serial.Open(t.Path, &serial.Mode{BaudRate: t.Baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
		}), nil
	}
	// ParseURI returns only the schemes above.
	return nil, fmt.Errorf("printer %s: scheme %q has no driver", name, t.Scheme)
}

// deviceErr classifies an error opening or writing a device: permission
// problems stay fs.ErrPermission (a configuration mistake the console shows
// as such), anything else means the printer is offline.
func deviceErr(err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return err
	}
	var pe *serial.PortError
	if errors.As(err, &pe) && pe.Code() == serial.PermissionDenied {
		return fmt.Errorf("%w: %w", fs.ErrPermission, err)
	}
	return fmt.Errorf("%w: %w", ErrOffline, err)
}
