package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// notifySocket stands in for systemd: a unixgram socket whose datagrams
// arrive on a channel.
type notifySocket struct {
	msgs chan string
}

// listenNotify listens on name (a path, or "@name" for an abstract socket)
// and points NOTIFY_SOCKET at it for the rest of the test.
func listenNotify(t *testing.T, name string) *notifySocket {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatalf("listen %s: %v", name, err)
	}
	t.Setenv("NOTIFY_SOCKET", name)
	s := &notifySocket{msgs: make(chan string, 1024)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			select {
			case s.msgs <- string(buf[:n]):
			default: // a test that stopped reading; drop
			}
		}
	}()
	t.Cleanup(func() {
		c.Close()
		<-done
	})
	return s
}

// next waits for a datagram whose first line is state (READY=1, …),
// skipping others, and returns it whole.
func (s *notifySocket) next(t *testing.T, state string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	var seen []string
	for {
		select {
		case m := <-s.msgs:
			if first, _, _ := strings.Cut(m, "\n"); first == state {
				return m
			}
			seen = append(seen, m)
		case <-deadline:
			t.Fatalf("no %s within %v; got %q", state, timeout, seen)
			return ""
		}
	}
}

// quiet reports a datagram with state arriving within d, if any.
func (s *notifySocket) quiet(state string, d time.Duration) (string, bool) {
	deadline := time.After(d)
	for {
		select {
		case m := <-s.msgs:
			if first, _, _ := strings.Cut(m, "\n"); first == state {
				return m, false
			}
		case <-deadline:
			return "", true
		}
	}
}

// drain forgets the datagrams received so far.
func (s *notifySocket) drain() {
	for {
		select {
		case <-s.msgs:
		default:
			return
		}
	}
}

func notifyPath(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "notify.sock")
	if len(p) >= 108 { // sun_path
		t.Fatalf("socket path %q is too long for a unix socket; set a shorter TMPDIR", p)
	}
	return p
}

// runApp opens the daemon on data and runs it until the returned stop is
// called; stop returns Run's and Close's errors. The test drives App
// itself, rather than through boot, to see what happens at the stop.
// Subtests share a data dir: the demo accounts' bcrypt hashes are made
// once, not at every start.
func runApp(t *testing.T, data string) (a *App, stop func() error) {
	t.Helper()
	app, err := Open(context.Background(), Options{DataDir: data, Listen: "127.0.0.1:0", Out: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx) }()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		var err error
		select {
		case err = <-done:
		case <-time.After(15 * time.Second):
			err = fmt.Errorf("Run did not return 15 s after its context ended")
		}
		if cerr := app.Close(); cerr != nil && err == nil {
			err = cerr
		}
		return err
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return app, stop
}

func TestSdNotify(t *testing.T) {
	tests := []struct {
		name   string
		socket func(t *testing.T) (env string, s *notifySocket)
		want   bool
	}{
		{"unset", func(t *testing.T) (string, *notifySocket) { return "", nil }, false},
		{"no listener", func(t *testing.T) (string, *notifySocket) { return notifyPath(t), nil }, false},
		{"path", func(t *testing.T) (string, *notifySocket) {
			p := notifyPath(t)
			return p, listenNotify(t, p)
		}, true},
		{"abstract", func(t *testing.T) (string, *notifySocket) {
			if runtime.GOOS != "linux" {
				t.Skip("abstract unix sockets are Linux only")
			}
			name := fmt.Sprintf("@motcua-test-%d-%d", os.Getpid(), time.Now().UnixNano())
			return name, listenNotify(t, name)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, s := tt.socket(t)
			t.Setenv("NOTIFY_SOCKET", env)
			if got := sdNotify("STATUS=test " + tt.name); got != tt.want {
				t.Fatalf("sdNotify: got %v, want %v", got, tt.want)
			}
			if s != nil {
				if got := s.next(t, "STATUS=test "+tt.name, 5*time.Second); got != "STATUS=test "+tt.name {
					t.Errorf("datagram: got %q, want %q", got, "STATUS=test "+tt.name)
				}
			}
		})
	}
}

// TestSystemdReadyAndStopping runs the daemon as a Type=notify service: it
// says READY=1 (with its address) once it serves, and STOPPING=1 when it is
// told to stop.
func TestSystemdReadyAndStopping(t *testing.T) {
	s := listenNotify(t, notifyPath(t))
	t.Setenv("WATCHDOG_USEC", "")
	app, stop := runApp(t, t.TempDir())

	ready := s.next(t, "READY=1", 5*time.Second)
	if want := "STATUS=serving " + app.Addr(); !strings.Contains(ready, want) {
		t.Errorf("ready message: got %q, want it to contain %q", ready, want)
	}
	if _, ok := s.quiet("STOPPING=1", 100*time.Millisecond); !ok {
		t.Errorf("STOPPING=1 while still serving")
	}
	// READY means serving: a request gets an answer
	res, err := httpGet(app.URL() + "healthz")
	if err != nil || res != 200 {
		t.Errorf("GET /healthz after READY=1: got %d, %v; want 200", res, err)
	}

	if err := stop(); err != nil {
		t.Fatal(err)
	}
	s.next(t, "STOPPING=1", 5*time.Second)
}

func httpGet(url string) (int, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// TestSystemdWatchdog: with WatchdogSec=200ms (WATCHDOG_USEC=200000) the
// daemon pings every 100 ms while it runs, and not once it stopped; with
// no watchdog, or one meant for another process, it never pings.
func TestSystemdWatchdog(t *testing.T) {
	tests := []struct {
		name string
		usec string
		pid  string
		want bool
	}{
		{"watchdog", "200000", "", true},
		{"watchdog for this process", "200000", strconv.Itoa(os.Getpid()), true},
		{"watchdog for another process", "200000", "1", false},
		{"no watchdog", "", "", false},
		{"bad interval", "soon", "", false},
		{"zero interval", "0", "", false},
	}
	data := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := listenNotify(t, notifyPath(t))
			t.Setenv("WATCHDOG_USEC", tt.usec)
			t.Setenv("WATCHDOG_PID", tt.pid)
			_, stop := runApp(t, data)
			s.next(t, "READY=1", 5*time.Second)

			if !tt.want {
				if m, ok := s.quiet("WATCHDOG=1", 500*time.Millisecond); !ok {
					t.Errorf("got %q, want no watchdog ping", m)
				}
				return
			}
			start := time.Now()
			s.next(t, "WATCHDOG=1", 5*time.Second)
			s.next(t, "WATCHDOG=1", 5*time.Second)
			// two pings at 100 ms, well within a 200 ms watchdog; a loose
			// upper bound, as -race and a busy machine slow things down
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("two pings took %v, want about 200 ms", d)
			}

			if err := stop(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond) // a ping in flight at the stop
			s.drain()
			if m, ok := s.quiet("WATCHDOG=1", 400*time.Millisecond); !ok {
				t.Errorf("after stop: got %q, want no more pings", m)
			}
		})
	}
}
