package ratingpad

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"
)

// Port is the keypad line as the Bus uses it: a serial port, a pty in
// tests. A Read may return (0, nil) when the port's read timeout passes;
// the Bus keeps reading. Closing it must make a blocked Read return.
// A go.bug.st/serial Port satisfies it.
type Port interface {
	io.ReadWriteCloser
}

// Serial line settings.
const (
	// DefaultBaud is the keypads' factory line speed.
	DefaultBaud = 19200
	// serialReadTimeout bounds one Read of the port, so that the reader
	// notices Close and a vanished device without a byte coming in. It
	// adds no latency: a Read returns as soon as a byte arrives.
	serialReadTimeout = 20 * time.Millisecond
	// vanishCheck is how often a silent port checks that its device file
	// is still there: some USB adapters, unplugged, leave a port that
	// just times out instead of failing.
	vanishCheck = time.Second
)

// SerialBaudRates are the line speeds OpenSerial accepts, in bits per
// second.
var SerialBaudRates = []int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200}

// ErrPortBusy means another program (or another bus) holds the serial port.
var ErrPortBusy = errors.New("ratingpad: serial port busy")

// SerialTarget is a parsed keypad line URI.
type SerialTarget struct {
	Path string // device file, such as /dev/ttyUSB0; may be empty when VID and PID are given
	Baud int    // bits per second, one of SerialBaudRates
	// VID, PID and Serial name the USB adapter (4 lowercase hex digits
	// each, and its serial number), to find it under another name after a
	// replug. Empty when not given.
	VID, PID, Serial string
}

// String returns the target as a URI that ParseSerialURI reads back.
func (t SerialTarget) String() string {
	s := "serial:" + t.Path + "?baud=" + strconv.Itoa(t.Baud)
	if t.VID != "" {
		s += "&vid=" + t.VID + "&pid=" + t.PID
	}
	if t.Serial != "" {
		s += "&serial=" + t.Serial
	}
	return s
}

// ParseSerialURI reads a keypad line URI:
//
//	serial:/dev/ttyUSB0                     19200 8N1
//	serial:/dev/ttyUSB0?baud=9600
//	serial:/dev/ttyUSB0?vid=0403&pid=6001   the FTDI adapter wherever it is when /dev/ttyUSB0 is missing
//	serial:?vid=0403&pid=6001&serial=A1B2   only the adapter, by its USB ids and serial number
//
// Options are baud, vid, pid and serial, each at most once; vid and pid go
// together, and serial needs them.
func ParseSerialURI(uri string) (SerialTarget, error) {
	t, err := parseSerialURI(strings.TrimSpace(uri))
	if err != nil {
		return SerialTarget{}, fmt.Errorf("ratingpad: line uri %q: %w", uri, err)
	}
	return t, nil
}

func parseSerialURI(s string) (SerialTarget, error) {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || !strings.EqualFold(scheme, "serial") {
		return SerialTarget{}, errors.New("want serial:/dev/ttyUSB0?baud=19200")
	}
	path, query, _ := strings.Cut(rest, "?")
	path = strings.TrimPrefix(path, "//") // serial:///dev/ttyUSB0
	t := SerialTarget{Path: path, Baud: DefaultBaud}
	if strings.ContainsFunc(path, func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }) {
		return SerialTarget{}, fmt.Errorf("path %q: spaces or control characters", path)
	}
	seen := map[string]bool{}
	for opt := range strings.SplitSeq(query, "&") {
		if opt == "" {
			continue
		}
		key, val, _ := strings.Cut(opt, "=")
		if seen[key] {
			return SerialTarget{}, fmt.Errorf("%s given twice", key)
		}
		seen[key] = true
		switch key {
		case "baud":
			b, err := strconv.Atoi(val)
			if err != nil || !slices.Contains(SerialBaudRates, b) {
				return SerialTarget{}, fmt.Errorf("baud %q: want one of %v", val, SerialBaudRates)
			}
			t.Baud = b
		case "vid", "pid":
			if len(val) != 4 || strings.Trim(strings.ToLower(val), "0123456789abcdef") != "" {
				return SerialTarget{}, fmt.Errorf("%s %q: want 4 hex digits, as in vid=0403&pid=6001", key, val)
			}
			if key == "vid" {
				t.VID = strings.ToLower(val)
			} else {
				t.PID = strings.ToLower(val)
			}
		case "serial":
			if val == "" || strings.ContainsFunc(val, func(r rune) bool { return r <= 0x20 || r >= 0x7f }) {
				return SerialTarget{}, fmt.Errorf("serial %q: want the adapter's USB serial number", val)
			}
			t.Serial = val
		default:
			return SerialTarget{}, fmt.Errorf("unknown option %q: want baud, vid, pid or serial", key)
		}
	}
	switch {
	case (t.VID == "") != (t.PID == ""):
		return SerialTarget{}, errors.New("vid and pid go together")
	case t.Serial != "" && t.VID == "":
		return SerialTarget{}, errors.New("serial needs vid and pid")
	case t.Path == "" && t.VID == "":
		return SerialTarget{}, errors.New("missing device path, as in serial:/dev/ttyUSB0, or vid and pid")
	}
	return t, nil
}

// OpenSerial returns a Dial for BusConfig from a line URI (see
// ParseSerialURI). It checks only the URI: the device is opened by each
// call of the returned function, 8N1 at the URI's baud with a short read
// timeout. When the path cannot be opened and the URI names the USB
// adapter, the function looks the adapter up among the serial ports
// (go.bug.st/serial/enumerator) and opens it under its current name, so a
// replug that turned /dev/ttyUSB0 into /dev/ttyUSB1 does not stop the bus.
func OpenSerial(uri string) (func(ctx context.Context) (Port, error), error) {
	t, err := ParseSerialURI(uri)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (Port, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return t.open()
	}, nil
}

// open opens the target's device.
func (t SerialTarget) open() (Port, error) {
	var pathErr error
	if t.Path != "" {
		p, err := openSerialPath(t.Path, t.Baud)
		if err == nil || t.VID == "" || errors.Is(err, ErrPortBusy) || errors.Is(err, fs.ErrPermission) {
			return p, err
		}
		pathErr = err
	}
	name, err := findAdapter(t.VID, t.PID, t.Serial)
	if err != nil {
		if pathErr != nil {
			return nil, fmt.Errorf("%w; %w", pathErr, err)
		}
		return nil, err
	}
	return openSerialPath(name, t.Baud)
}

// openSerialPath opens a serial device 8N1.
func openSerialPath(path string, baud int) (Port, error) {
	p, err := serial.Open(path, &serial.Mode{BaudRate: baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return nil, fmt.Errorf("ratingpad: open %s: %w", path, portErr(err))
	}
	if err := p.SetReadTimeout(serialReadTimeout); err != nil {
		p.Close()
		return nil, fmt.Errorf("ratingpad: open %s: read timeout: %w", path, err)
	}
	// Bytes a keypad sent before we listened answer nothing we asked.
	_ = p.ResetInputBuffer()
	return &serialPort{Port: p, path: path, checked: time.Now()}, nil
}

// portErr makes the port errors a console branches on typed: busy and
// permission denied.
func portErr(err error) error {
	var pe *serial.PortError
	if errors.As(err, &pe) {
		switch pe.Code() {
		case serial.PortBusy:
			return fmt.Errorf("%w: %w", ErrPortBusy, err)
		case serial.PermissionDenied:
			return fmt.Errorf("%w: %w", fs.ErrPermission, err)
		}
	}
	return err
}

// findAdapter returns the device name of the USB serial adapter with the
// ids (and serial number, if not empty).
func findAdapter(vid, pid, sn string) (string, error) {
	ports, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return "", fmt.Errorf("ratingpad: list serial ports: %w", err)
	}
	var names []string
	for _, p := range ports {
		if p.IsUSB && strings.EqualFold(p.VID, vid) && strings.EqualFold(p.PID, pid) && (sn == "" || p.SerialNumber == sn) {
			names = append(names, p.Name)
		}
	}
	what := "vid=" + vid + "&pid=" + pid
	if sn != "" {
		what += "&serial=" + sn
	}
	switch len(names) {
	case 0:
		return "", fmt.Errorf("ratingpad: no USB serial adapter %s: %w", what, fs.ErrNotExist)
	case 1:
		return names[0], nil
	}
	return "", fmt.Errorf("ratingpad: %d USB serial adapters %s (%s): add serial= to pick one", len(names), what, strings.Join(names, ", "))
}

// serialPort is an open device. It turns a device file that disappeared
// into a read error, so the Bus reconnects.
type serialPort struct {
	serial.Port
	path    string
	checked time.Time // owned by the one reader
}

// errVanished means the port's device file is gone: the adapter was
// unplugged.
var errVanished = errors.New("device file vanished")

func (p *serialPort) Read(b []byte) (int, error) {
	n, err := p.Port.Read(b)
	if n == 0 && err == nil && time.Since(p.checked) >= vanishCheck {
		p.checked = time.Now()
		if _, serr := os.Stat(p.path); errors.Is(serr, fs.ErrNotExist) {
			return 0, fmt.Errorf("ratingpad: %s: %w", p.path, errVanished)
		}
	}
	return n, err
}
