package config

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseKeypad(t *testing.T) {
	tests := []struct {
		in, port string
		addr     int
		err      string
	}{
		{"serial:/dev/ttyUSB0?baud=19200", "serial:/dev/ttyUSB0?baud=19200", 1, ""},
		{"serial:/dev/ttyUSB0?addr=7&baud=19200", "serial:/dev/ttyUSB0?baud=19200", 7, ""},
		{"serial:/dev/ttyUSB0?pid=6001&vid=0403&addr=2", "serial:/dev/ttyUSB0?pid=6001&vid=0403", 2, ""},
		{"serial:?vid=0403&pid=6001&serial=A10K", "serial:?pid=6001&serial=A10K&vid=0403", 1, ""},
		{"virtual:demo?addr=3", "virtual:demo", 3, ""},
		{"usb:/dev/usb/lp0", "", 0, "want serial"},
		{"serial:/dev/ttyUSB0?addr=0", "", 0, "addr must be 1 to 247"},
		{"serial:/dev/ttyUSB0?addr=248", "", 0, "addr must be 1 to 247"},
		{"serial:/dev/ttyUSB0?baud=fast", "", 0, "baud"},
		{"serial:/dev/ttyUSB0?parity=even", "", 0, "unknown parameter"},
		{"serial:", "", 0, "device path, or vid and pid"},
		{"virtual:?addr=1", "", 0, "needs a name"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ref, err := ParseKeypad(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %+v, %v; want an error with %q", ref, err, tt.err)
				}
				return
			}
			if err != nil || ref.Port != tt.port || ref.Addr != tt.addr {
				t.Errorf("got %q addr %d (%v), want %q addr %d", ref.Port, ref.Addr, err, tt.port, tt.addr)
			}
		})
	}
}

func TestCheckKeypads(t *testing.T) {
	tests := []struct {
		name, a, b, err string
	}{
		{"one bus, two addresses", "serial:/dev/ttyUSB0?addr=1", "serial:/dev/ttyUSB0?addr=2", ""},
		{"same address twice", "serial:/dev/ttyUSB0?addr=1", "serial:/dev/ttyUSB0", "already counter"},
		{"one device, two speeds", "serial:/dev/ttyUSB0?baud=9600", "serial:/dev/ttyUSB0?baud=19200&addr=2", "set two ways"},
		{"bad setting", "serial:/dev/ttyUSB0", "tcp:1.2.3.4:9100", "want serial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Demo()
			c.Counters[0].Keypad, c.Counters[1].Keypad = tt.a, tt.b
			err := c.Validate()
			if tt.err == "" && err != nil {
				t.Fatalf("got %v, want no error", err)
			}
			if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("got %v, want an error with %q", err, tt.err)
			}
		})
	}
}

// FuzzParseKeypad: any setting either fails with an error or gives a port
// that parses again to the same port and address.
func FuzzParseKeypad(f *testing.F) {
	for _, s := range []string{"serial:/dev/ttyUSB0?baud=19200&addr=3", "virtual:demo?addr=1", "serial:?vid=0403&pid=6001", "serial:/x?addr=%zz", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseKeypad(s)
		if err != nil {
			return
		}
		if ref.Addr < 1 || ref.Addr > 247 {
			t.Fatalf("%q: addr %d", s, ref.Addr)
		}
		again, err := ParseKeypad(ref.Port + map[bool]string{true: "&", false: "?"}[strings.Contains(ref.Port, "?")] + "addr=" + strconv.Itoa(ref.Addr))
		if err != nil || again.Port != ref.Port || again.Addr != ref.Addr {
			t.Fatalf("%q: port %q does not parse again: %+v %v", s, ref.Port, again, err)
		}
	})
}
