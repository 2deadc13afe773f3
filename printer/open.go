package printer

import (
	"errors"
	"fmt"
	"io/fs"
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
	now      func() time.Time
	profile  Profile
	timeouts Timeouts
}

// WithClock sets the clock the virtual printer uses to name its spool files
// (time.Now by default), so a simulated day names its jobs by simulated time.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithProfile tells a usb, tcp or serial printer what its model can do:
// whether it answers real-time status queries (RealtimeStatus) and how it
// confirms a finished job (Completion). Without it the printer is taken to
// answer nothing: no status checks, and a job counts as printed once its
// bytes were taken.
func WithProfile(p Profile) Option {
	return func(o *options) { o.profile = p }
}

// WithTimeouts overrides the driver's waits for the printer (see Timeouts).
func WithTimeouts(t Timeouts) Option {
	return func(o *options) { o.timeouts = t }
}

// Open returns the Printer named name (as in the configuration: it names the
// printer in errors and the virtual printer's spool directory) for a device
// URI, see ParseURI.
//
// Open does not touch a usb, tcp or serial device: optional hardware must
// not block start-up. Each such printer gets a goroutine that owns its
// queue and its transport; the transport is opened by the first Print or
// Status, kept open between jobs and reopened with backoff after a failure;
// a missing printer shows as ErrOffline from Print and Status. Close stops
// the goroutine. The virtual printer creates its spool directory at once.
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
		var prof []Profile
		if o.profile.WidthDots > 0 {
			prof = append(prof, o.profile) // previews at the model's width and code page
		}
		p, err := openVirtual(name, t.Path, o.now, prof...)
		if err != nil {
			return nil, err // not a typed nil in a non-nil Printer
		}
		return p, nil
	case SchemeTCP, SchemeUSB, SchemeSerial:
		readBack := o.profile.RealtimeStatus || o.profile.Completion != ""
		return newDriver(name, t, o, dialer(t, readBack)), nil
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
