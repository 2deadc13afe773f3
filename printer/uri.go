package printer

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// URI schemes, one per driver.
const (
	SchemeUSB     = "usb"     // usb:/dev/usb/lp0 — a USB printer through the kernel's usblp device file
	SchemeTCP     = "tcp"     // tcp:HOST[:PORT] — raw socket printing, port 9100 unless given
	SchemeSerial  = "serial"  // serial:/dev/ttyUSB0[?baud=N] — RS-232 at N baud, 8N1, 9600 unless given
	SchemeVirtual = "virtual" // virtual:DIR — writes each job to DIR/<printer>/ instead of printing it
)

// Defaults applied by ParseURI.
const (
	DefaultTCPPort = 9100 // the raw printing port ("JetDirect", "AppSocket") of network printers
	DefaultBaud    = 9600 // the factory setting of most serial receipt printers
)

// BaudRates are the serial speeds ParseURI accepts, in bits per second.
var BaudRates = []int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400}

// Target is a parsed printer URI. Which fields are set depends on Scheme:
// Path for usb, serial and virtual; Host and Port for tcp; Baud for serial.
// Targets are comparable.
type Target struct {
	Scheme string // SchemeUSB, SchemeTCP, SchemeSerial or SchemeVirtual
	Path   string // device file (usb, serial) or spool directory (virtual), cleaned
	Host   string // host name (lower case) or IP address (tcp)
	Port   int    // TCP port, 1–65535 (tcp)
	Baud   int    // bits per second, one of BaudRates (serial)
}

// String returns the canonical URI of t, which ParseURI parses back to t.
func (t Target) String() string {
	switch t.Scheme {
	case SchemeTCP:
		return t.Scheme + ":" + net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	case SchemeSerial:
		return t.Scheme + ":" + t.Path + "?baud=" + strconv.Itoa(t.Baud)
	default:
		return t.Scheme + ":" + t.Path
	}
}

// ParseURI parses a printer URI of the configuration:
//
//	usb:/dev/usb/lp0                 USB printer device file (absolute path)
//	tcp:10.0.0.50:9100               network printer; the port defaults to 9100,
//	tcp:printer-1.local              IPv6 addresses go in brackets: tcp:[fd00::5]:9100
//	serial:/dev/ttyUSB0?baud=19200   serial printer, 8N1; baud defaults to 9600
//	virtual:var/spool                the virtual printer's spool directory (may be relative)
//
// Surrounding spaces are ignored, the scheme is case-insensitive, and
// tcp://HOST:PORT is accepted for tcp:HOST:PORT.
func ParseURI(uri string) (Target, error) {
	s := strings.TrimSpace(uri)
	if err := checkChars(s); err != nil {
		return Target{}, fmt.Errorf("printer uri %q: %w", uri, err)
	}
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Target{}, fmt.Errorf("printer uri %q: missing scheme: want usb:PATH, tcp:HOST:PORT, serial:PATH?baud=N or virtual:DIR", uri)
	}
	scheme = strings.ToLower(scheme)
	rest = strings.TrimSpace(rest)
	var (
		t   Target
		err error
	)
	switch scheme {
	case SchemeUSB:
		t, err = parseUSB(rest)
	case SchemeTCP:
		t, err = parseTCP(rest)
	case SchemeSerial:
		t, err = parseSerial(rest)
	case SchemeVirtual:
		t, err = parseVirtual(rest)
	default:
		err = fmt.Errorf("unknown scheme %q: want usb, tcp, serial or virtual", scheme)
	}
	if err != nil {
		return Target{}, fmt.Errorf("printer uri %q: %w", uri, err)
	}
	return t, nil
}

// checkChars rejects what cannot be a sensible URI in a configuration file.
func checkChars(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("control character %U", r)
		}
	}
	return nil
}

// cleanPath cleans p and refuses a path that would begin or end with a
// space: surely a typing mistake, and one ParseURI's trimming would undo.
func cleanPath(p string) (string, error) {
	c := filepath.Clean(p)
	if strings.TrimSpace(c) != c {
		return "", fmt.Errorf("path %q begins or ends with a space", p)
	}
	return c, nil
}

func parseUSB(rest string) (Target, error) {
	p, err := devicePath(rest, "usb:/dev/usb/lp0")
	if err != nil {
		return Target{}, err
	}
	if strings.Contains(p, "?") {
		return Target{}, errors.New("usb takes no options")
	}
	return Target{Scheme: SchemeUSB, Path: p}, nil
}

// devicePath checks and cleans the absolute path of a device file.
func devicePath(p, example string) (string, error) {
	if p == "" {
		return "", fmt.Errorf("missing device path, as in %s", example)
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("device path %q is not absolute, as in %s", p, example)
	}
	return cleanPath(p)
}

func parseTCP(rest string) (Target, error) {
	hostport := strings.TrimPrefix(rest, "//")
	hostport = strings.TrimSuffix(hostport, "/")
	if hostport == "" {
		return Target{}, errors.New("missing host, as in tcp:10.0.0.50:9100")
	}
	host, portStr, err := net.SplitHostPort(hostport)
	if err != nil {
		switch {
		case strings.HasPrefix(hostport, "[") && strings.HasSuffix(hostport, "]"):
			host, portStr = hostport[1:len(hostport)-1], ""
		case !strings.ContainsAny(hostport, ":[]"):
			host, portStr = hostport, ""
		case strings.Count(hostport, ":") > 1 && !strings.Contains(hostport, "["):
			return Target{}, fmt.Errorf("%q: put an IPv6 address in brackets, as in tcp:[fd00::5]:9100", hostport)
		default:
			return Target{}, fmt.Errorf("%q: want HOST:PORT", hostport)
		}
	}
	host, err = checkHost(host)
	if err != nil {
		return Target{}, err
	}
	port := DefaultTCPPort
	if portStr != "" || strings.HasSuffix(hostport, ":") {
		port, err = atoiDigits(portStr)
		if err != nil || port < 1 || port > 65535 {
			return Target{}, fmt.Errorf("port %q: want a number from 1 to 65535", portStr)
		}
	}
	return Target{Scheme: SchemeTCP, Host: host, Port: port}, nil
}

// checkHost returns the canonical form of an IP address or host name.
func checkHost(h string) (string, error) {
	if h == "" {
		return "", errors.New("missing host, as in tcp:10.0.0.50:9100")
	}
	if strings.Contains(h, "%") {
		return "", fmt.Errorf("host %q: IPv6 zones are not supported", h)
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return a.String(), nil
	}
	if strings.Trim(h, "0123456789.") == "" {
		return "", fmt.Errorf("host %q: not a valid IPv4 address", h)
	}
	if len(h) > 253 {
		return "", fmt.Errorf("host %q: longer than 253 characters", h)
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", fmt.Errorf("host %q: not a valid host name", h)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("host %q: not a valid host name", h)
			}
		}
	}
	return strings.ToLower(h), nil
}

func parseSerial(rest string) (Target, error) {
	p, query, hasQuery := strings.Cut(rest, "?")
	p, err := devicePath(strings.TrimSpace(p), "serial:/dev/ttyUSB0?baud=9600")
	if err != nil {
		return Target{}, err
	}
	t := Target{Scheme: SchemeSerial, Path: p, Baud: DefaultBaud}
	if !hasQuery || query == "" {
		return t, nil
	}
	seen := false
	for _, opt := range strings.Split(query, "&") {
		key, val, _ := strings.Cut(opt, "=")
		if key != "baud" {
			return Target{}, fmt.Errorf("unknown option %q: serial takes only baud=N", key)
		}
		if seen {
			return Target{}, errors.New("baud given twice")
		}
		seen = true
		b, err := atoiDigits(val)
		if err != nil || !slices.Contains(BaudRates, b) {
			return Target{}, fmt.Errorf("baud %q: want one of %v", val, BaudRates)
		}
		t.Baud = b
	}
	return t, nil
}

func parseVirtual(rest string) (Target, error) {
	if rest == "" {
		return Target{}, errors.New("missing spool directory, as in virtual:var/spool")
	}
	p, err := cleanPath(rest)
	if err != nil {
		return Target{}, err
	}
	return Target{Scheme: SchemeVirtual, Path: p}, nil
}

// atoiDigits parses a decimal number of at most 9 digits, without the sign
// or spaces strconv.Atoi would let through.
func atoiDigits(s string) (int, error) {
	if s == "" || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(s)
}
