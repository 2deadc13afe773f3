package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/motcua/motcua/ratingpad"
)

func TestKeypadSimUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no port", []string{"keypad-sim", "--addr", "1"}},
		{"bad keys", []string{"keypad-sim", "--port", "/dev/null", "--keys", "5"}},
		{"bad address", []string{"keypad-sim", "--port", "/dev/null", "--addr", "1,x"}},
		{"broadcast address", []string{"keypad-sim", "--port", "/dev/null", "--addr", "0"}},
		{"reserved address", []string{"keypad-sim", "--port", "/dev/null", "--addr", "248"}},
		{"address twice", []string{"keypad-sim", "--port", "/dev/null", "--addr", "1,2,1"}},
		{"bad baud", []string{"keypad-sim", "--port", "/dev/null", "--baud", "0"}},
		{"bad prefix", []string{"keypad-sim", "--port", "/dev/null", "--serial-prefix", "sim"}},
		{"long prefix", []string{"keypad-sim", "--port", "/dev/null", "--serial-prefix", "ABCDEFGHIJKL"}},
		{"unknown flag", []string{"keypad-sim", "--port", "/dev/null", "--parity", "even"}},
		{"argument", []string{"keypad-sim", "--port", "/dev/null", "extra"}},
		{"bad log level", []string{"keypad-sim", "--port", "/dev/null", "--log-level", "loud"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(t, "", tt.args...)
			if !isUsage(err) {
				t.Errorf("got %v (%T), want a usageError", err, err)
			}
		})
	}
	t.Run("missing port", func(t *testing.T) {
		_, _, err := runCmd(t, "", "keypad-sim", "--port", filepath.Join(t.TempDir(), "ttyNONE"))
		if err == nil || isUsage(err) {
			t.Errorf("got %v, want an error opening the port, not a usage error", err)
		}
	})
}

// simLine is the host's end of a pty pair: it reads frames in a goroutine.
type simLine struct {
	t      *testing.T
	master *os.File
	frames chan ratingpad.Frame
	seq    uint8
}

func newSimLine(t *testing.T) (*simLine, string) {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	l := &simLine{t: t, master: master, frames: make(chan ratingpad.Frame, 16)}
	go func() {
		dec := ratingpad.NewDecoder(master)
		for {
			f, err := dec.Next()
			if errors.Is(err, ratingpad.ErrNoData) {
				continue
			}
			if err != nil {
				close(l.frames)
				return
			}
			l.frames <- f
		}
	}()
	t.Cleanup(func() {
		master.Close()
		tty.Close()
	})
	return l, tty.Name()
}

// req sends a request with a new SEQ and returns the reply.
func (l *simLine) req(dst ratingpad.Addr, cmd ratingpad.Cmd, payload []byte) ratingpad.Frame {
	l.t.Helper()
	l.seq++
	b, err := ratingpad.Frame{Dst: dst, Src: ratingpad.AddrHost, Seq: l.seq, Cmd: cmd, Payload: payload}.MarshalBinary()
	if err != nil {
		l.t.Fatal(err)
	}
	if _, err := l.master.Write(b); err != nil {
		l.t.Fatalf("write: %v", err)
	}
	select {
	case f, ok := <-l.frames:
		if !ok {
			l.t.Fatal("line closed")
		}
		if f.Seq != l.seq || f.Cmd != cmd.Reply() || f.Src != dst {
			l.t.Fatalf("%v to %d: got %v, want its reply", cmd, dst, f)
		}
		return f
	case <-time.After(2 * time.Second):
		l.t.Fatalf("%v to %d: no reply in 2 s", cmd, dst)
	}
	return ratingpad.Frame{}
}

func (l *simLine) poll(dst ratingpad.Addr, ack uint16) ratingpad.PollReply {
	l.t.Helper()
	p, _ := ratingpad.Poll{Ack: ack}.MarshalBinary()
	var r ratingpad.PollReply
	if err := r.UnmarshalBinary(l.req(dst, ratingpad.CmdPoll, p).Payload); err != nil {
		l.t.Fatal(err)
	}
	return r
}

// waitFor waits until out contains want.
func waitFor(t *testing.T, out *lockedBuffer, want string) {
	t.Helper()
	end := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(end) {
			t.Fatalf("stdout: no %q after 5 s; got:\n%s", want, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestKeypadSimOnPty runs `motcua keypad-sim` on a pty, as run would from
// the shell, with keys typed on a pipe, and plays the host on the other end.
func TestKeypadSimOnPty(t *testing.T) {
	line, path := newSimLine(t)
	keys, typing := io.Pipe()
	var out, errOut lockedBuffer
	var runErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		runErr = run([]string{"keypad-sim", "--port", path, "--addr", "1,7", "--keys", "4", "--serial-prefix", "QA"}, keys, &out, &errOut)
	}()
	type_ := func(s string) {
		t.Helper()
		if _, err := io.WriteString(typing, s+"\n"); err != nil {
			t.Fatalf("typing %q: %v", s, err)
		}
	}
	t.Cleanup(func() {
		typing.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("keypad-sim still running 5 s after its stdin closed")
		}
	})
	waitFor(t, &out, "QA-0002")

	if r := line.poll(1, 0); r.Status != ratingpad.StatusBooted {
		t.Fatalf("first POLL: got %+v, want StatusBooted", r)
	}
	info := line.req(7, ratingpad.CmdGetInfo, nil)
	var in ratingpad.Info
	if err := in.UnmarshalBinary(info.Payload); err != nil || in.Serial != "QA-0002" || in.Keys != 4 {
		t.Fatalf("GET_INFO from 7: got %+v %v, want QA-0002 with 4 keys", in, err)
	}
	start, _ := ratingpad.StartRating{Session: 42, TimeoutS: 60, Ticket: "1023"}.MarshalBinary()
	line.req(1, ratingpad.CmdStartRating, start)
	waitFor(t, &out, "Bàn phím 1: chờ đánh giá cho vé 1023")

	type_("2")
	waitFor(t, &out, "Bàn phím 1: đã bấm phím 2 (hài lòng) cho vé 1023")
	r := line.poll(1, 0)
	want := ratingpad.Event{ID: 1, Key: 2, Session: 42}
	if r.Queued != 1 || r.Event == nil || r.Event.ID != want.ID || r.Event.Key != want.Key || r.Event.Session != want.Session {
		t.Fatalf("POLL after the press: got %+v %+v, want one event %+v", r, r.Event, want)
	}
	line.poll(1, 1)
	waitFor(t, &out, "host acknowledged 1, 0 queued")

	type_("7 3")
	waitFor(t, &out, "Bàn phím 7: bấm phím 3 khi chưa có lượt đánh giá")
	type_("7 5")
	waitFor(t, &out, "keypad 7 has keys 1–4")
	type_("9 1")
	waitFor(t, &out, "no keypad 9")
	type_("bấm")
	waitFor(t, &out, "not understood")
	type_("s")
	waitFor(t, &out, "Bàn phím 7 (QA-0002, 4 phím)")
	if r := line.poll(7, 0); r.Unarmed != 1 {
		t.Fatalf("POLL 7: got %+v, want one unarmed press", r)
	}

	typing.Close()
	select {
	case <-done:
		if runErr != nil {
			t.Fatalf("after EOF on stdin: got %v, want nil (exit 0)\nstderr:\n%s", runErr, &errOut)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("keypad-sim still running 5 s after EOF on stdin")
	}
}

// TestKeypadSimQuitAndSignal checks the two other ways out: "q", and
// SIGINT to a keypad-sim process whose stdin stays open.
func TestKeypadSimQuitAndSignal(t *testing.T) {
	t.Run("q", func(t *testing.T) {
		_, path := newSimLine(t)
		out, errOut, err := runCmd(t, "q\n2\n", "keypad-sim", "--port", path)
		if err != nil {
			t.Fatalf("got %v, want nil\nstderr:\n%s", err, errOut)
		}
		if strings.Contains(out, "key 2 pressed") {
			t.Errorf("stdout: got %q, want nothing done after q", out)
		}
	})
	t.Run("SIGINT", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts a process")
		}
		_, path := newSimLine(t)
		cmd := child(t, "keypad-sim", "--port", path, "--addr", "3")
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		var out lockedBuffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		waitFor(t, &out, "SIM-0001")
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("after SIGINT: got %v, want exit 0\noutput:\n%s", err, &out)
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Fatalf("still running 10 s after SIGINT\noutput:\n%s", &out)
		}
	})
	t.Run("usage exit code", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts a process")
		}
		cmd := child(t, "keypad-sim", "--keys", "7")
		out, err := cmd.CombinedOutput()
		var ee interface{ ExitCode() int }
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("got %v, want exit code 2\noutput:\n%s", err, out)
		}
	})
}
