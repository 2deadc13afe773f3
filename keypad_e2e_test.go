package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// needTool finds a program the test drives, or skips loudly; in CI
// (CI=true) a missing tool fails the test.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("this test needs %s (apt-get install %s)", name, pkg)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI=true, so it may not be skipped")
	}
	t.Skip("SKIPPED: " + msg)
	return ""
}

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitUntil(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKeypadEndToEnd runs the built binary as the daemon, with its keypad on
// one end of a socat pty pair and `motcua keypad-sim` on the other: a ticket
// finished at the counter is rated by a key press, and the rating shows
// through the API.
func TestKeypadEndToEnd(t *testing.T) {
	socat := needTool(t, "socat", "socat")
	dir := t.TempDir()
	exe := filepath.Join(dir, "motcua")
	if out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	hostEnd, padEnd := filepath.Join(dir, "keypad-host"), filepath.Join(dir, "keypad-pad")
	line := exec.Command(socat, "-d", "-d", "pty,raw,echo=0,link="+hostEnd, "pty,raw,echo=0,link="+padEnd)
	var socatOut syncBuffer
	line.Stderr = &socatOut
	if err := line.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { line.Process.Kill(); line.Wait() })
	waitUntil(t, "socat's pty links", 5*time.Second, func() bool {
		_, e1 := os.Stat(hostEnd)
		_, e2 := os.Stat(padEnd)
		return e1 == nil && e2 == nil
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := filepath.Join(dir, "center.toml")
	os.WriteFile(cfg, []byte(`[center]
name = "Trung tâm thử nghiệm bàn phím"
[[department]]
id = "tp"
name = "Sở Tư pháp"
[[service]]
id = "ly-lich"
name = "Lý lịch tư pháp"
department = "tp"
number_from = 1001
number_to = 1999
[[counter]]
id = "quay-1"
number = 1
name = "Quầy 1"
services = ["ly-lich"]
keypad = "serial:`+hostEnd+`?baud=19200&addr=1"
`), 0o600)
	data := filepath.Join(dir, "data")
	var daemonOut syncBuffer
	daemon := exec.Command(exe, "serve", "--config", cfg, "--data", data, "--listen", addr)
	daemon.Stdout, daemon.Stderr = &daemonOut, &daemonOut
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		daemon.Process.Signal(os.Interrupt)
		daemon.Wait()
		if t.Failed() {
			t.Logf("daemon output:\n%s", daemonOut.String())
		}
	})
	base := "http://" + addr
	waitUntil(t, "the daemon", 20*time.Second, func() bool {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})
	out, err := exec.Command(exe, "token", "create", "--role", "supervisor", "--name", "e2e", "--data", data).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	token := lines[len(lines)-1]

	sim := exec.Command(exe, "keypad-sim", "--port", padEnd, "--addr", "1")
	keys, err := sim.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var simOut syncBuffer
	sim.Stdout, sim.Stderr = &simOut, &simOut
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		keys.Close()
		done := make(chan struct{})
		go func() { sim.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			sim.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("keypad-sim output:\n%s", simOut.String())
		}
	})

	call := func(method, path string, body any, v any) int {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		if v != nil {
			json.NewDecoder(res.Body).Decode(v)
		}
		return res.StatusCode
	}
	type console struct {
		Devices map[string]struct{ State, Message string }
	}
	keypad := func() (string, string) {
		var c console
		call("GET", "/api/v1/console/quay-1", nil, &c)
		return c.Devices["keypad"].State, c.Devices["keypad"].Message
	}
	waitUntil(t, "the keypad online", 15*time.Second, func() bool { s, _ := keypad(); return s == "ok" })

	var issued struct{ ID int64 }
	if st := call("POST", "/api/v1/tickets", map[string]string{"service": "ly-lich"}, &issued); st != 201 {
		t.Fatalf("issue: %d", st)
	}
	if st := call("POST", "/api/v1/counters/quay-1/call-next", nil, nil); st != 200 {
		t.Fatalf("call-next: %d", st)
	}
	if st := call("POST", "/api/v1/counters/quay-1/finish", nil, nil); st != 200 {
		t.Fatalf("finish: %d", st)
	}
	waitUntil(t, "the keypad armed", 5*time.Second, func() bool { _, m := keypad(); return strings.Contains(m, "đang chờ") })

	type history struct {
		History []struct {
			Type  string
			Actor string
			Data  map[string]any
		}
	}
	pressed := time.Now()
	fmt.Fprintln(keys, "1")
	var rated map[string]any
	waitUntil(t, "the rating through the API", 5*time.Second, func() bool {
		var h history
		call("GET", fmt.Sprintf("/api/v1/tickets/%d", issued.ID), nil, &h)
		for _, ev := range h.History {
			if ev.Type == "ticket.rated" {
				rated = ev.Data
				return true
			}
		}
		return false
	})
	t.Logf("key press to rating visible through the API: %v (keypad-sim stdin → socat pty → driver poll → engine commit → HTTP)", time.Since(pressed).Round(time.Millisecond))
	if rated["level"] != float64(1) || rated["source"] != "keypad" {
		t.Errorf("rated event data: %v, want level 1 from the keypad", rated)
	}
	var rs struct {
		Last *struct {
			Level  int
			Number string
			Source string
		}
	}
	call("GET", "/api/v1/counters/quay-1/rating", nil, &rs)
	if rs.Last == nil || rs.Last.Level != 1 || rs.Last.Number != "1001" || rs.Last.Source != "keypad" {
		t.Errorf("last rating at the counter: %+v, want 1001 rated 1 by the keypad", rs.Last)
	}
	// a second press rates nothing more
	fmt.Fprintln(keys, "3")
	time.Sleep(time.Second)
	var h history
	call("GET", fmt.Sprintf("/api/v1/tickets/%d", issued.ID), nil, &h)
	n := 0
	for _, ev := range h.History {
		if ev.Type == "ticket.rated" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d ratings after a second press, want 1", n)
	}
}
