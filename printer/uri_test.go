package printer

import (
	"strings"
	"testing"
)

func TestParseURI(t *testing.T) {
	for _, tc := range []struct {
		name string
		uri  string
		want Target
		str  string // canonical form; empty means uri itself
	}{
		{"usb", "usb:/dev/usb/lp0", Target{Scheme: SchemeUSB, Path: "/dev/usb/lp0"}, ""},
		{"usb udev name", "usb:/dev/printer-kiosk1", Target{Scheme: SchemeUSB, Path: "/dev/printer-kiosk1"}, ""},
		{"usb cleaned", "usb:/dev/usb//lp1/", Target{Scheme: SchemeUSB, Path: "/dev/usb/lp1"}, "usb:/dev/usb/lp1"},
		{"upper-case scheme and spaces", "  USB:/dev/usb/lp0 ", Target{Scheme: SchemeUSB, Path: "/dev/usb/lp0"}, "usb:/dev/usb/lp0"},
		{"tcp", "tcp:10.0.0.50:9100", Target{Scheme: SchemeTCP, Host: "10.0.0.50", Port: 9100}, ""},
		{"tcp default port", "tcp:10.0.0.50", Target{Scheme: SchemeTCP, Host: "10.0.0.50", Port: 9100}, "tcp:10.0.0.50:9100"},
		{"tcp other port", "tcp:10.0.0.50:9101", Target{Scheme: SchemeTCP, Host: "10.0.0.50", Port: 9101}, ""},
		{"tcp host name", "tcp:Printer-1.Local:9100", Target{Scheme: SchemeTCP, Host: "printer-1.local", Port: 9100}, "tcp:printer-1.local:9100"},
		{"tcp ipv6", "tcp:[fd00::5]:9100", Target{Scheme: SchemeTCP, Host: "fd00::5", Port: 9100}, ""},
		{"tcp ipv6 default port", "tcp:[FD00:0::5]", Target{Scheme: SchemeTCP, Host: "fd00::5", Port: 9100}, "tcp:[fd00::5]:9100"},
		{"tcp url style", "tcp://10.0.0.50:9100/", Target{Scheme: SchemeTCP, Host: "10.0.0.50", Port: 9100}, "tcp:10.0.0.50:9100"},
		{"serial", "serial:/dev/ttyUSB0?baud=19200", Target{Scheme: SchemeSerial, Path: "/dev/ttyUSB0", Baud: 19200}, ""},
		{"serial default baud", "serial:/dev/ttyUSB0", Target{Scheme: SchemeSerial, Path: "/dev/ttyUSB0", Baud: 9600}, "serial:/dev/ttyUSB0?baud=9600"},
		{"serial empty query", "serial:/dev/ttyS0?", Target{Scheme: SchemeSerial, Path: "/dev/ttyS0", Baud: 9600}, "serial:/dev/ttyS0?baud=9600"},
		{"serial by-id", "serial:/dev/serial/by-id/usb-FTDI_FT232R-if00-port0?baud=115200", Target{Scheme: SchemeSerial, Path: "/dev/serial/by-id/usb-FTDI_FT232R-if00-port0", Baud: 115200}, ""},
		{"virtual relative", "virtual:var/spool", Target{Scheme: SchemeVirtual, Path: "var/spool"}, ""},
		{"virtual absolute", "virtual:/tmp/spool/", Target{Scheme: SchemeVirtual, Path: "/tmp/spool"}, "virtual:/tmp/spool"},
		{"virtual dot", "virtual:.", Target{Scheme: SchemeVirtual, Path: "."}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseURI(tc.uri)
			if err != nil {
				t.Fatalf("ParseURI(%q): %v", tc.uri, err)
			}
			if got != tc.want {
				t.Errorf("ParseURI(%q) = %+v, want %+v", tc.uri, got, tc.want)
			}
			want := tc.str
			if want == "" {
				want = tc.uri
			}
			if s := got.String(); s != want {
				t.Errorf("String() = %q, want %q", s, want)
			}
		})
	}
}

func TestParseURIErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		uri  string
		want string // in the error message
	}{
		{"empty", "", "empty"},
		{"blank", "   ", "empty"},
		{"no scheme", "/dev/usb/lp0", "missing scheme"},
		{"unknown scheme", "lpt:1", `unknown scheme "lpt"`},
		{"http", "http://10.0.0.5", `unknown scheme "http"`},
		{"control character", "usb:/dev/usb/\nlp0", "control character"},
		{"c1 control", "virtual:a\u0085b", "control character"},
		{"nul", "virtual:a\x00b", "control character"},
		{"invalid utf-8", "virtual:\xff", "UTF-8"},
		{"usb no path", "usb:", "missing device path"},
		{"usb relative", "usb:lp0", "not absolute"},
		{"usb options", "usb:/dev/usb/lp0?baud=9600", "no options"},
		{"tcp no host", "tcp:", "missing host"},
		{"tcp empty host", "tcp::9100", "missing host"},
		{"tcp empty port", "tcp:10.0.0.5:", "port"},
		{"tcp port zero", "tcp:10.0.0.5:0", "port"},
		{"tcp port too big", "tcp:10.0.0.5:65536", "port"},
		{"tcp port name", "tcp:10.0.0.5:jetdirect", "port"},
		{"tcp port sign", "tcp:10.0.0.5:+9100", "port"},
		{"tcp bad ipv4", "tcp:10.0.0.500:9100", "not a valid IPv4"},
		{"tcp bad host", "tcp:print er:9100", "not a valid host name"},
		{"tcp bad label", "tcp:-printer:9100", "not a valid host name"},
		{"tcp empty label", "tcp:printer..local", "not a valid host name"},
		{"tcp ipv6 without brackets", "tcp:fd00::5:9100", "brackets"},
		{"tcp ipv6 zone", "tcp:[fe80::1%eth0]:9100", "zones"},
		{"tcp path", "tcp:10.0.0.5:9100/x", "port"},
		{"serial no path", "serial:?baud=9600", "missing device path"},
		{"serial relative", "serial:ttyUSB0", "not absolute"},
		{"serial odd baud", "serial:/dev/ttyUSB0?baud=12345", "baud"},
		{"serial baud word", "serial:/dev/ttyUSB0?baud=fast", "baud"},
		{"serial baud empty", "serial:/dev/ttyUSB0?baud=", "baud"},
		{"serial unknown option", "serial:/dev/ttyUSB0?parity=even", "unknown option"},
		{"serial baud twice", "serial:/dev/ttyUSB0?baud=9600&baud=9600", "twice"},
		{"virtual no dir", "virtual:", "missing spool directory"},
		{"virtual trailing space component", "virtual:a/\u00a0/", "space"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseURI(tc.uri)
			if err == nil {
				t.Fatalf("ParseURI(%q) = %+v, want an error", tc.uri, got)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseURI(%q) error %q, want it to mention %q", tc.uri, err, tc.want)
			}
		})
	}
}

func FuzzParseURI(f *testing.F) {
	for _, s := range []string{
		"usb:/dev/usb/lp0", "tcp:10.0.0.50:9100", "tcp:printer.local", "tcp:[fd00::5]:9100",
		"tcp://10.0.0.50:9100/", "serial:/dev/ttyUSB0?baud=9600", "serial:/dev/ttyS0",
		"virtual:var/spool", "virtual:/tmp/x/../y", "tcp:[::ffff:10.0.0.1]", "USB:/dev//lp0",
		"tcp:1.2.3.4:00009100", "serial:/dev/x?baud=9600&baud=19200", "virtual: a ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		tg, err := ParseURI(uri)
		if err != nil {
			return
		}
		s := tg.String()
		again, err := ParseURI(s)
		if err != nil {
			t.Fatalf("ParseURI(%q) = %+v, whose String %q does not parse: %v", uri, tg, s, err)
		}
		if again != tg {
			t.Fatalf("ParseURI(%q) = %+v; its String %q parses to %+v", uri, tg, s, again)
		}
		if s2 := again.String(); s2 != s {
			t.Fatalf("String not canonical: %q then %q", s, s2)
		}
	})
}
