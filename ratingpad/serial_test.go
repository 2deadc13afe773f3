package ratingpad

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

func TestParseSerialURI(t *testing.T) {
	for _, tc := range []struct {
		name, uri string
		want      SerialTarget
		err       string // part of the error; "" for none
	}{
		{"path", "serial:/dev/ttyUSB0", SerialTarget{Path: "/dev/ttyUSB0", Baud: 19200}, ""},
		{"baud", "serial:/dev/ttyUSB0?baud=9600", SerialTarget{Path: "/dev/ttyUSB0", Baud: 9600}, ""},
		{"spaces around", "  serial:/dev/ttyUSB0  ", SerialTarget{Path: "/dev/ttyUSB0", Baud: 19200}, ""},
		{"scheme case", "SERIAL:/dev/ttyS1", SerialTarget{Path: "/dev/ttyS1", Baud: 19200}, ""},
		{"slashes", "serial:///dev/ttyUSB0", SerialTarget{Path: "/dev/ttyUSB0", Baud: 19200}, ""},
		{"adapter", "serial:/dev/ttyUSB0?baud=19200&vid=0403&pid=6001&serial=ABC", SerialTarget{Path: "/dev/ttyUSB0", Baud: 19200, VID: "0403", PID: "6001", Serial: "ABC"}, ""},
		{"adapter only", "serial:?vid=10C4&pid=EA60", SerialTarget{Baud: 19200, VID: "10c4", PID: "ea60"}, ""},
		{"windows", "serial:COM3?baud=38400", SerialTarget{Path: "COM3", Baud: 38400}, ""},

		{"empty", "", SerialTarget{}, "want serial:"},
		{"no scheme", "/dev/ttyUSB0", SerialTarget{}, "want serial:"},
		{"other scheme", "usb:/dev/usb/lp0", SerialTarget{}, "want serial:"},
		{"no path", "serial:", SerialTarget{}, "missing device path"},
		{"no path, baud", "serial:?baud=19200", SerialTarget{}, "missing device path"},
		{"bad baud", "serial:/dev/ttyUSB0?baud=19201", SerialTarget{}, `baud "19201"`},
		{"baud word", "serial:/dev/ttyUSB0?baud=fast", SerialTarget{}, `baud "fast"`},
		{"baud twice", "serial:/dev/ttyUSB0?baud=9600&baud=19200", SerialTarget{}, "baud given twice"},
		{"typo", "serial:/dev/ttyUSB0?baudrate=19200", SerialTarget{}, `unknown option "baudrate"`},
		{"vid alone", "serial:/dev/ttyUSB0?vid=0403", SerialTarget{}, "vid and pid go together"},
		{"pid alone", "serial:/dev/ttyUSB0?pid=6001", SerialTarget{}, "vid and pid go together"},
		{"short vid", "serial:/dev/ttyUSB0?vid=403&pid=6001", SerialTarget{}, `vid "403"`},
		{"hex prefix", "serial:/dev/ttyUSB0?vid=0x0403&pid=6001", SerialTarget{}, `vid "0x0403"`},
		{"not hex", "serial:/dev/ttyUSB0?vid=0403&pid=60g1", SerialTarget{}, `pid "60g1"`},
		{"serial alone", "serial:/dev/ttyUSB0?serial=ABC", SerialTarget{}, "serial needs vid and pid"},
		{"empty serial", "serial:/dev/ttyUSB0?vid=0403&pid=6001&serial=", SerialTarget{}, `serial ""`},
		{"space in path", "serial:/dev/tty USB0", SerialTarget{}, "spaces or control characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSerialURI(tc.uri)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("got error %v, want %+v", err, tc.want)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("got %+v, %v; want an error with %q", got, err, tc.err)
			case got != tc.want:
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if err == nil {
				again, err := ParseSerialURI(got.String())
				if err != nil || again != got {
					t.Errorf("String() %q reads back as %+v, %v", got.String(), again, err)
				}
			}
			if _, derr := OpenSerial(tc.uri); (derr != nil) != (err != nil) {
				t.Errorf("OpenSerial: got %v, ParseSerialURI %v", derr, err)
			}
		})
	}
}

func TestOpenSerialMissing(t *testing.T) {
	dial, err := OpenSerial("serial:" + filepath.Join(t.TempDir(), "ttyUSB9"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dial(context.Background()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dial a missing device: got %v, want fs.ErrNotExist", err)
	}
	// The adapter looked up by its ids: this machine has no such adapter
	// (0000:0000 is no vendor's).
	dial, err = OpenSerial("serial:" + filepath.Join(t.TempDir(), "ttyUSB9") + "?vid=0000&pid=0000")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dial(context.Background()); err == nil || !strings.Contains(err.Error(), "no USB serial adapter vid=0000&pid=0000") {
		t.Errorf("dial a missing adapter: got %v, want no USB serial adapter", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := dial(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("dial with a canceled ctx: got %v, want context.Canceled", err)
	}
}

// TestOpenSerialPty opens a pty's slave as the keypad line: bytes go both
// ways, a silent line reads (0, nil) within the read timeout, and closing
// the master (the adapter unplugged) makes Read fail.
func TestOpenSerialPty(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	dial, err := OpenSerial("serial:" + slave.Name() + "?baud=19200")
	if err != nil {
		t.Fatal(err)
	}
	p, err := dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	out := []byte{SOF, 0x01, 0xFF, 0x00, 0x0A, 0x0D, 0x11, 0x13, 0x7F, 0xFF} // no newline or flow control translation
	if _, err := p.Write(out); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(out))
	master.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.ReadFull(master, got); err != nil || !bytes.Equal(got, out) {
		t.Fatalf("master read % x, %v; want % x", got, err, out)
	}

	buf := make([]byte, 16)
	t0 := time.Now()
	if n, err := p.Read(buf); n != 0 || err != nil {
		t.Fatalf("silent line: Read = %d, %v; want 0, nil", n, err)
	}
	if d := time.Since(t0); d > 500*time.Millisecond {
		t.Errorf("silent Read took %v", d)
	}
	if _, err := master.Write(out); err != nil {
		t.Fatal(err)
	}
	var in []byte
	for len(in) < len(out) && time.Since(t0) < 2*time.Second {
		n, err := p.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, buf[:n]...)
	}
	if !bytes.Equal(in, out) {
		t.Errorf("port read % x, want % x", in, out)
	}

	master.Close()
	for t0 := time.Now(); ; {
		if _, err := p.Read(buf); err != nil {
			break
		}
		if time.Since(t0) > 2*time.Second {
			t.Fatal("Read does not fail after the master closed")
		}
	}
}

// FuzzParseSerialURI: a URI either fails or reads back the same from its
// String.
func FuzzParseSerialURI(f *testing.F) {
	for _, s := range []string{"serial:/dev/ttyUSB0?baud=9600", "serial:?vid=0403&pid=6001&serial=A1", "SERIAL:COM3", "serial:/x?baud=1&baud=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := ParseSerialURI(s)
		if err != nil {
			return
		}
		again, err := ParseSerialURI(tg.String())
		if err != nil || again != tg {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, tg, tg.String(), again, err)
		}
	})
}
