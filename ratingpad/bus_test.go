//go:build unix

package ratingpad

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// line is a keypad line for tests: a pty whose master side is played by a
// Sim, and whose slave is reached through a symlink, as a udev rule names a
// USB adapter, so that a replug can put a new pty at the same path. The
// keypads (the Sim) outlive a replug, as real ones stay powered.
type line struct {
	t      *testing.T
	path   string // the symlink the bus opens
	rw     *swapRW
	slave  *os.File // held open: a pty master reads EIO while no slave is open
	sim    *Sim
	cancel context.CancelFunc
	done   chan error
}

func newLine(t *testing.T, pads []SimPad) *line {
	t.Helper()
	l := &line{t: t, path: filepath.Join(t.TempDir(), "ttyKEYPAD"), rw: &swapRW{}}
	l.sim = NewSim(l.rw, pads, SimOptions{Log: quietLog()})
	l.plug()
	t.Cleanup(l.unplug)
	return l
}

// plug makes a new pty, points the symlink at it and runs the Sim on it.
func (l *line) plug() {
	l.t.Helper()
	ptmx, slave, err := pty.Open()
	if err != nil {
		l.t.Skipf("no pty: %v", err)
	}
	// pty.Open leaves the master blocking, so a Read could not be
	// interrupted; a non-blocking copy goes through the runtime's poller,
	// where read deadlines and Close end a pending Read.
	fd, err := syscall.Dup(int(ptmx.Fd()))
	if err != nil {
		l.t.Fatal(err)
	}
	ptmx.Close()
	if err := syscall.SetNonblock(fd, true); err != nil {
		l.t.Fatal(err)
	}
	master := os.NewFile(uintptr(fd), "ptmx")
	l.rw.set(master)
	l.slave = slave
	tmp := l.path + ".new"
	os.Remove(tmp)
	if err := os.Symlink(slave.Name(), tmp); err != nil {
		l.t.Fatal(err)
	}
	if err := os.Rename(tmp, l.path); err != nil {
		l.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel, l.done = cancel, make(chan error, 1)
	go func() { l.done <- l.sim.Run(ctx) }()
}

// unplug closes the pty, as pulling the USB adapter out: the bus's port
// fails and the device file disappears.
func (l *line) unplug() {
	m := l.rw.get()
	if m == nil {
		return
	}
	l.cancel()
	if err := <-l.done; err != nil {
		l.t.Errorf("Sim.Run: %v", err)
	}
	m.Close()
	l.slave.Close()
	l.rw.set(nil)
	os.Remove(l.path)
}

// noise writes b to the line from the keypads' side.
func (l *line) noise(b []byte) error {
	_, err := l.rw.Write(b)
	return err
}

// swapRW is the Sim's end of the line: the current pty master.
type swapRW struct {
	mu sync.Mutex
	f  *os.File
}

func (s *swapRW) set(f *os.File) { s.mu.Lock(); s.f = f; s.mu.Unlock() }
func (s *swapRW) get() *os.File  { s.mu.Lock(); defer s.mu.Unlock(); return s.f }

func (s *swapRW) Read(b []byte) (int, error) {
	f := s.get()
	if f == nil {
		return 0, os.ErrClosed
	}
	return f.Read(b)
}

func (s *swapRW) Write(b []byte) (int, error) {
	f := s.get()
	if f == nil {
		return 0, os.ErrClosed
	}
	return f.Write(b)
}

// SetReadDeadline lets Sim.Run stop a pending Read when its ctx ends.
func (s *swapRW) SetReadDeadline(t time.Time) error {
	f := s.get()
	if f == nil {
		return os.ErrClosed
	}
	return f.SetReadDeadline(t)
}

// dial returns the bus's Dial for the line, through OpenSerial.
func (l *line) dial() func(context.Context) (Port, error) {
	l.t.Helper()
	d, err := OpenSerial("serial:" + l.path + "?baud=19200")
	if err != nil {
		l.t.Fatal(err)
	}
	return d
}

func quietLog() *slog.Logger {
	if testing.Verbose() && os.Getenv("RATINGPAD_LOG") != "" {
		return slog.Default()
	}
	return slog.New(slog.DiscardHandler)
}

func openTestBus(t *testing.T, l *line, pads ...Addr) *Bus {
	t.Helper()
	b := OpenBus(BusConfig{Name: t.Name(), Dial: l.dial(), Pads: pads, Log: quietLog()})
	t.Cleanup(func() { b.Close() })
	return b
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func state(b *Bus, a Addr) PadState {
	for _, s := range b.States() {
		if s.Addr == a {
			return s
		}
	}
	return PadState{}
}

func waitOnline(t *testing.T, b *Bus, a Addr) {
	t.Helper()
	waitFor(t, fmt.Sprintf("keypad %02x online with its info", uint8(a)), func() bool {
		s := state(b, a)
		return s.Online && s.Serial != ""
	})
}

func start(t *testing.T, k Keypad, ticket string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := k.StartRating(ctx, ticket, time.Minute); err != nil {
		t.Fatalf("StartRating: %v", err)
	}
}

func press(t *testing.T, s *Sim, a Addr, key uint8) {
	t.Helper()
	if err := s.Press(a, key); err != nil {
		t.Fatalf("Press: %v", err)
	}
}

func rating(t *testing.T, k Keypad) Rating {
	t.Helper()
	select {
	case r, ok := <-k.Ratings():
		if !ok {
			t.Fatal("Ratings closed")
		}
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no rating within 5 s")
	}
	return Rating{}
}

// noRating checks that nothing arrives for d.
func noRating(t *testing.T, k Keypad, d time.Duration) {
	t.Helper()
	select {
	case r := <-k.Ratings():
		t.Fatalf("got rating %+v, want none", r)
	case <-time.After(d):
	}
}

func checkRating(t *testing.T, got Rating, level int, ticket, serial string, keys uint8) {
	t.Helper()
	if got.Level != level || got.Ticket != ticket || got.Serial != serial || got.Keys != keys || got.EventID == 0 {
		t.Errorf("rating: got %+v, want level %d ticket %q serial %q keys %d", got, level, ticket, serial, keys)
	}
	if d := time.Since(got.At); d < 0 || d > 5*time.Second {
		t.Errorf("rating At %v is %v ago", got.At, d)
	}
}

func TestBusRating(t *testing.T) {
	l := newLine(t, []SimPad{{Addr: 1, Serial: "KP-0001"}, {Addr: 2, Serial: "KP-0002", Keys: 4, Model: "MC-4"}})
	b := openTestBus(t, l, 1, 2)
	waitOnline(t, b, 1)
	waitOnline(t, b, 2)

	s := state(b, 2)
	want := PadState{Addr: 2, Online: true, Serial: "KP-0002", Model: "MC-4", Keys: 4, Firmware: "1.0.0", LastSeen: s.LastSeen}
	if s != want {
		t.Errorf("state: got %+v, want %+v", s, want)
	}

	for _, tc := range []struct {
		addr   Addr
		key    uint8
		level  int
		serial string
		keys   uint8
	}{
		{1, 1, 1, "KP-0001", 3},
		{1, 3, 3, "KP-0001", 3},
		{2, 3, 3, "KP-0002", 4}, // bình thường
		{2, 4, 4, "KP-0002", 4},
	} {
		t.Run(fmt.Sprintf("%02x key %d", tc.addr, tc.key), func(t *testing.T) {
			k := b.Keypad(tc.addr)
			ticket := fmt.Sprintf("A-%d%d", tc.addr, tc.key)
			start(t, k, ticket)
			if st, _ := l.sim.State(tc.addr); !st.Armed || st.Ticket != ticket {
				t.Fatalf("keypad state after StartRating: %+v, want armed with %q", st, ticket)
			}
			waitFor(t, "PadState.Armed", func() bool { return state(b, tc.addr).Armed })
			press(t, l.sim, tc.addr, tc.key)
			checkRating(t, rating(t, k), tc.level, ticket, tc.serial, tc.keys)
			noRating(t, k, 300*time.Millisecond)
			waitFor(t, "the event acknowledged", func() bool { st, _ := l.sim.State(tc.addr); return st.Queued == 0 })
		})
	}
	if st := b.Stats(); st.Polls == 0 || st.TxBytes == 0 || st.RxBytes == 0 || st.Timeouts != 0 || st.BadFrames != 0 || st.Reconnects != 0 {
		t.Errorf("stats: %+v", st)
	}
}

// TestBusLostReply loses the reply that carries the press: the retry (same
// SEQ) gets the keypad's copy of it; with every try lost the keypad goes
// offline and its next poll brings the press. Each way it arrives once.
func TestBusLostReply(t *testing.T) {
	for _, drop := range []int{1, DefaultRetries + 1} {
		t.Run(fmt.Sprintf("drop %d", drop), func(t *testing.T) {
			l := newLine(t, []SimPad{{Addr: 7, Serial: "KP-7"}})
			b := openTestBus(t, l, 7)
			waitOnline(t, b, 7)
			k := b.Keypad(7)
			start(t, k, "1023")
			l.sim.DropReplies(drop)
			press(t, l.sim, 7, 2)
			checkRating(t, rating(t, k), 2, "1023", "KP-7", 3)
			noRating(t, k, 1500*time.Millisecond)
			if got := b.Stats().Timeouts; got != uint64(drop) {
				t.Errorf("timeouts: got %d, want %d", got, drop)
			}
		})
	}
}

func TestBusReplug(t *testing.T) {
	l := newLine(t, []SimPad{{Addr: 1, Serial: "KP-1"}})
	b := openTestBus(t, l, 1)
	k := b.Keypad(1)
	waitOnline(t, b, 1)
	start(t, k, "7")
	press(t, l.sim, 1, 1)
	checkRating(t, rating(t, k), 1, "7", "KP-1", 3)

	l.unplug()
	waitFor(t, "keypad offline", func() bool { return !state(b, 1).Online })
	if s := state(b, 1); s.Err == "" {
		t.Errorf("unplugged keypad state has no Err: %+v", s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := k.StartRating(ctx, "8", time.Minute); !errors.Is(err, ErrOffline) {
		t.Errorf("StartRating while unplugged: got %v, want ErrOffline", err)
	}

	time.Sleep(time.Second) // a failed dial or two
	l.plug()
	waitOnline(t, b, 1)
	if got := b.Stats().Reconnects; got != 1 {
		t.Errorf("reconnects: got %d, want 1", got)
	}
	start(t, k, "9")
	press(t, l.sim, 1, 2)
	r := rating(t, k)
	checkRating(t, r, 2, "9", "KP-1", 3)
}

func TestBusTwoKeypads(t *testing.T) {
	l := newLine(t, []SimPad{{Addr: 1, Serial: "KP-A"}, {Addr: 2, Serial: "KP-B"}})
	b := openTestBus(t, l, 1, 2)
	k1, k2 := b.Keypad(1), b.Keypad(2)
	waitOnline(t, b, 1)
	waitOnline(t, b, 2)
	start(t, k1, "101")
	start(t, k2, "202")
	press(t, l.sim, 2, 3)
	press(t, l.sim, 1, 1)
	checkRating(t, rating(t, k1), 1, "101", "KP-A", 3)
	checkRating(t, rating(t, k2), 3, "202", "KP-B", 3)
	noRating(t, k1, 300*time.Millisecond)
	noRating(t, k2, 0)
}

// TestBusGarbage has one keypad answer noise: it goes offline, the other
// keeps working, and it comes back when it speaks properly again.
func TestBusGarbage(t *testing.T) {
	l := newLine(t, []SimPad{{Addr: 1, Serial: "KP-OK"}, {Addr: 2, Serial: "KP-BAD"}})
	b := openTestBus(t, l, 1, 2)
	k1, k2 := b.Keypad(1), b.Keypad(2)
	waitOnline(t, b, 1)
	waitOnline(t, b, 2)
	start(t, k2, "2")
	l.sim.Garbage(2, true)
	waitFor(t, "keypad 2 offline", func() bool { return !state(b, 2).Online })
	if s := state(b, 2); !strings.Contains(s.Err, "nhiễu") {
		t.Errorf("keypad 2 Err: got %q, want it to mention noise", s.Err)
	}
	press(t, l.sim, 2, 1) // the keypad still acts, but its replies are noise

	start(t, k1, "1")
	press(t, l.sim, 1, 2)
	checkRating(t, rating(t, k1), 2, "1", "KP-OK", 3)
	if !state(b, 1).Online {
		t.Error("keypad 1 went offline")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := k2.StartRating(ctx, "3", time.Minute); !errors.Is(err, ErrOffline) {
		t.Errorf("StartRating on the garbled keypad: got %v, want ErrOffline", err)
	}
	noRating(t, k2, 500*time.Millisecond)

	// Healed, it reports the press it took while garbled, which answers
	// the session of "2": the bus armed "3" since, so it is not delivered.
	l.sim.Garbage(2, false)
	waitOnline(t, b, 2)
	start(t, k2, "4")
	press(t, l.sim, 2, 3)
	checkRating(t, rating(t, k2), 3, "4", "KP-BAD", 3)
}

func TestBusStopRating(t *testing.T) {
	t.Run("press after stop", func(t *testing.T) {
		l := newLine(t, []SimPad{{Addr: 1, Serial: "KP-1"}})
		b := openTestBus(t, l, 1)
		k := b.Keypad(1)
		waitOnline(t, b, 1)
		start(t, k, "5")
		if err := k.StopRating(context.Background()); err != nil {
			t.Fatal(err)
		}
		press(t, l.sim, 1, 1)
		noRating(t, k, 600*time.Millisecond)
		if s := state(b, 1); s.Armed || s.Unarmed != 1 {
			t.Errorf("state: got armed %v unarmed %d, want false 1", s.Armed, s.Unarmed)
		}
	})
	// A press the keypad took before StopRating reached it, or one for a
	// session that StartRating replaced, is acknowledged but not
	// delivered.
	for _, tc := range []struct {
		name string
		then func(k Keypad) error
	}{
		{"stopped before the poll", func(k Keypad) error { return k.StopRating(context.Background()) }},
		{"replaced before the poll", func(k Keypad) error { return k.StartRating(context.Background(), "6", time.Minute) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLine(t, []SimPad{{Addr: 1, Serial: "KP-1"}})
			b := OpenBus(BusConfig{Dial: l.dial(), Pads: []Addr{1}, Poll: time.Second, Log: quietLog()})
			defer b.Close()
			k := b.Keypad(1)
			waitOnline(t, b, 1)
			start(t, k, "5")
			st, _ := l.sim.State(1)
			waitFor(t, "a poll", func() bool { s, _ := l.sim.State(1); return s.LastPoll.After(st.LastPoll) })
			press(t, l.sim, 1, 1) // a second before the next poll
			if err := tc.then(k); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the event acknowledged", func() bool { s, _ := l.sim.State(1); return s.Queued == 0 })
			noRating(t, k, 100*time.Millisecond)
			if got := b.Stats().Dropped; got != 1 {
				t.Errorf("dropped: got %d, want 1", got)
			}
		})
	}
}

// TestBusNoise pours a million random bytes on the line while the bus
// polls an armed keypad: nothing comes of it, and the bus works after.
func TestBusNoise(t *testing.T) {
	l := newLine(t, []SimPad{{Addr: 1, Serial: "KP-1"}, {Addr: 2, Serial: "KP-2"}})
	b := openTestBus(t, l, 1, 2)
	k1 := b.Keypad(1)
	waitOnline(t, b, 1)
	waitOnline(t, b, 2)
	start(t, k1, "N")

	const total = 1 << 20
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 4096)
	polls := b.Stats().Polls
	for sent := 0; sent < total; sent += len(buf) {
		for i := range buf {
			buf[i] = byte(r.Uint32())
		}
		if err := l.noise(buf); err != nil {
			t.Fatalf("writing noise: %v", err)
		}
		time.Sleep(5 * time.Millisecond) // spread over a second or two of polling
	}
	noRating(t, k1, 300*time.Millisecond)
	st := b.Stats()
	if st.Polls-polls < 10 {
		t.Errorf("only %d polls during the noise", st.Polls-polls)
	}
	if st.RxBytes < total || st.BadFrames == 0 {
		t.Errorf("stats after the noise: %+v, want RxBytes ≥ %d and BadFrames > 0", st, total)
	}
	t.Logf("after %d bytes of noise: %+v", total, st)

	waitOnline(t, b, 1)
	start(t, k1, "M")
	press(t, l.sim, 1, 3)
	checkRating(t, rating(t, k1), 3, "M", "KP-1", 3)
}

// TestBusRearm unplugs the line for longer than OfflineAfter while a keypad
// is armed: the keypad disarms and shows offline, and once the line is back
// the bus arms it again with the same session, so the citizen's press
// still counts.
func TestBusRearm(t *testing.T) {
	l := newLine(t, []SimPad{{Addr: 1, Serial: "KP-1"}})
	b := openTestBus(t, l, 1)
	k := b.Keypad(1)
	waitOnline(t, b, 1)
	start(t, k, "R")
	l.unplug()
	time.Sleep(OfflineAfter + 500*time.Millisecond)
	if s, _ := l.sim.State(1); s.Armed || !s.Offline {
		t.Fatalf("keypad after %v without polls: %+v, want disarmed and offline", OfflineAfter, s)
	}
	l.plug()
	waitOnline(t, b, 1)
	waitFor(t, "armed again", func() bool { s, _ := l.sim.State(1); return s.Armed && s.Ticket == "R" })
	press(t, l.sim, 1, 2)
	checkRating(t, rating(t, k), 2, "R", "KP-1", 3)
}

func TestBusClose(t *testing.T) {
	var dials sync.WaitGroup
	dials.Add(1)
	var once sync.Once
	b := OpenBus(BusConfig{
		Name: "absent",
		Dial: func(ctx context.Context) (Port, error) {
			once.Do(dials.Done)
			return nil, os.ErrNotExist
		},
		Pads: []Addr{1, 1, 0, 2},
		Log:  quietLog(),
	})
	dials.Wait()
	waitFor(t, "the port marked down", func() bool { return state(b, 1).Err != "" && state(b, 1).Err != "chưa kết nối" })
	if got := len(b.States()); got != 2 {
		t.Errorf("States: got %d keypads, want 2 (duplicates and broadcast left out)", got)
	}
	if err := b.Keypad(1).StartRating(context.Background(), "1", time.Minute); !errors.Is(err, ErrOffline) {
		t.Errorf("StartRating without a port: got %v, want ErrOffline", err)
	}
	if err := b.Keypad(9).StopRating(context.Background()); !errors.Is(err, ErrNotOnBus) {
		t.Errorf("StopRating on an address not on the bus: got %v, want ErrNotOnBus", err)
	}
	if err := b.Keypad(1).StartRating(context.Background(), "1", 0); !errors.Is(err, ErrBadPayload) {
		t.Errorf("StartRating with no timeout: got %v, want ErrBadPayload", err)
	}
	if err := b.Keypad(1).StartRating(context.Background(), "TICKET-TOO-LONG", time.Minute); !errors.Is(err, ErrBadPayload) {
		t.Errorf("StartRating with a long ticket: got %v, want ErrBadPayload", err)
	}
	if err := b.Keypad(1).Close(); err != nil {
		t.Errorf("Keypad.Close: %v", err)
	}
	b.Close()
	b.Close()
	if _, ok := <-b.Keypad(1).Ratings(); ok {
		t.Error("Ratings open after Close")
	}
	if _, ok := <-b.Keypad(9).Ratings(); ok {
		t.Error("Ratings of an address not on the bus is open")
	}
	if err := b.Keypad(2).StopRating(context.Background()); !errors.Is(err, ErrBusClosed) {
		t.Errorf("StopRating after Close: got %v, want ErrBusClosed", err)
	}
}

// TestBusNak checks that a NAK other than busy reaches the caller at once.
func TestBusNak(t *testing.T) {
	client, server := pipePort()
	b := OpenBus(BusConfig{Dial: func(context.Context) (Port, error) { return client, nil }, Pads: []Addr{3}, Log: quietLog()})
	defer b.Close()
	defer server.Close()
	k := b.Keypad(3)
	go func() {
		d := NewDecoder(server)
		var last Frame
		for {
			f, err := d.Next()
			if err != nil {
				return
			}
			var reply Frame
			switch f.Cmd {
			case CmdGetInfo:
				p, _ := Info{Protocol: 1, Keys: 3, Serial: "N1"}.MarshalBinary()
				reply = Frame{Cmd: f.Cmd.Reply(), Payload: p}
			case CmdPoll:
				p, _ := PollReply{}.MarshalBinary()
				reply = Frame{Cmd: f.Cmd.Reply(), Payload: p}
			case CmdStartRating:
				code := byte(NakNotAllowed)
				if last.Cmd != CmdStartRating { // busy once, then not allowed
					code = NakBusy
				}
				reply = Frame{Cmd: CmdNAK.Reply(), Payload: []byte{code}}
			default:
				reply = Frame{Cmd: CmdNAK.Reply(), Payload: []byte{NakUnknownCommand}}
			}
			last = f
			reply.Dst, reply.Src, reply.Seq = AddrHost, f.Dst, f.Seq
			w, _ := reply.MarshalBinary()
			if _, err := server.Write(w); err != nil {
				return
			}
		}
	}()
	waitOnline(t, b, 3)
	err := k.StartRating(context.Background(), "1", time.Minute)
	var nak *NakError
	if !errors.As(err, &nak) || nak.Code != NakNotAllowed || nak.Cmd != CmdStartRating {
		t.Errorf("StartRating: got %v, want a NakError not allowed", err)
	}
	if s := state(b, 3); !s.Online || s.Err == "" {
		t.Errorf("state after a NAK: %+v, want online with Err", s)
	}
}

// pipePort is an in-memory Port pair.
func pipePort() (Port, *pipeEnd) {
	ar, bw := io.Pipe()
	br, aw := io.Pipe()
	return &pipeEnd{r: ar, w: aw}, &pipeEnd{r: br, w: bw}
}

type pipeEnd struct {
	r *io.PipeReader
	w *io.PipeWriter
}

func (p *pipeEnd) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p *pipeEnd) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p *pipeEnd) Close() error {
	p.r.Close()
	return p.w.Close()
}

func TestPollLoad(t *testing.T) {
	if got, want := LineTime(MaxFrameLen, 19200), 37500*time.Microsecond; got != want {
		t.Errorf("LineTime(72, 19200) = %v, want %v", got, want)
	}
	// 10 + 12 bytes at 19200: 11.458 ms, and the 2 ms gap.
	if got, want := PollTime(19200), 13458333*time.Nanosecond; got != want {
		t.Errorf("PollTime(19200) = %v, want %v", got, want)
	}
	if got := PollLoad(32, DefaultPoll, 19200); got < 1.72 || got > 1.73 {
		t.Errorf("PollLoad(32, 250 ms, 19200) = %.3f, want 1.72", got)
	}
	if got := PollLoad(8, DefaultPoll, 19200); got > 0.5 {
		t.Errorf("PollLoad(8, 250 ms, 19200) = %.3f, want below 0.5", got)
	}
}

// TestBusLoad32 measures 32 keypads on one pty at the default poll
// interval: polls per second, the line load those polls would put on a
// 19200-baud line, and the latency from a press to its rating. The pty has
// no line speed, so the polls per second are what the driver does when the
// line keeps up; the load says whether a real line would.
//
//	go test ./ratingpad -run TestBusLoad32 -v
func TestBusLoad32(t *testing.T) {
	if testing.Short() {
		t.Skip("measures for seconds")
	}
	var sims []SimPad
	var addrs []Addr
	for i := 1; i <= 32; i++ {
		sims = append(sims, SimPad{Addr: Addr(i), Serial: fmt.Sprintf("KP-%02d", i)})
		addrs = append(addrs, Addr(i))
	}
	l := newLine(t, sims)
	b := openTestBus(t, l, addrs...)
	for _, a := range addrs {
		waitOnline(t, b, a)
	}

	before, t0 := b.Stats(), time.Now()
	time.Sleep(3 * time.Second)
	after, el := b.Stats(), time.Since(t0)
	polls := float64(after.Polls-before.Polls) / el.Seconds()
	busy := time.Duration(after.LineBusy - before.LineBusy)
	t.Logf("32 keypads, poll every %v: %.1f polls/s on the pty (%.1f per keypad); at 19200 baud each poll takes ≥ %v of line, so those polls would load the line %.0f%% (computed from the bytes: %.0f%%); the line carries at most %.0f polls/s, a round of 32 takes %v",
		DefaultPoll, polls, polls/32, PollTime(19200), 100*PollLoad(32, DefaultPoll, 19200), 100*busy.Seconds()/el.Seconds(),
		1/PollTime(19200).Seconds(), 32*PollTime(19200))
	if after.Timeouts != before.Timeouts {
		t.Errorf("timeouts while measuring: %d", after.Timeouts-before.Timeouts)
	}

	var lat []time.Duration
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 64 {
		a := addrs[r.IntN(len(addrs))]
		k := b.Keypad(a)
		start(t, k, fmt.Sprint(i))
		time.Sleep(time.Duration(r.IntN(250)) * time.Millisecond) // not in step with the polls
		t0 := time.Now()
		press(t, l.sim, a, 1)
		rating(t, k)
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	t.Logf("press → rating over %d presses: min %v, median %v, p90 %v, max %v", len(lat),
		lat[0].Round(time.Millisecond), lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*9/10].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	if lat[len(lat)-1] > time.Second {
		t.Errorf("a rating took %v", lat[len(lat)-1])
	}
}

// unitBus is a Bus without a port or goroutine, with one keypad armed for
// session 10 and ticket "T", for the reply handling alone.
func unitBus(keys uint8) (*Bus, *busPad) {
	b := &Bus{log: slog.New(slog.DiscardHandler), seen: map[string]*recentIDs{}, cfg: BusConfig{Poll: DefaultPoll}}
	p := &busPad{addr: 1, ratings: make(chan Rating, RatingsBuffer), serial: "KP-1", keys: keys, link: linkOnline,
		session: 10, armed: 10, ticket: "T", timeout: 60, armUntil: time.Now().Add(time.Minute)}
	b.pads, b.byID = []*busPad{p}, map[Addr]*busPad{1: p}
	return b, p
}

func TestHandlePoll(t *testing.T) {
	ev := func(id uint16, key uint8, session uint16) PollReply {
		return PollReply{Status: 0, Queued: 1, Event: &Event{ID: id, Key: key, Session: session, Age: 5}}
	}
	for _, tc := range []struct {
		name    string
		keys    uint8
		prepare func(b *Bus, p *busPad)
		replies []PollReply
		levels  []int  // delivered
		ack     uint16 // after
		dropped uint64
	}{
		{"delivered", 3, nil, []PollReply{ev(5, 2, 10)}, []int{2}, 5, 0},
		{"a copy is delivered once", 3, nil, []PollReply{ev(5, 2, 10), ev(5, 2, 10)}, []int{2}, 5, 1},
		{"four keys", 4, nil, []PollReply{ev(1, 4, 10)}, []int{4}, 1, 0},
		{"an older session", 3, nil, []PollReply{ev(5, 1, 9)}, nil, 5, 1},
		{"after StopRating", 3, func(b *Bus, p *busPad) { p.armed = 0 }, []PollReply{ev(5, 1, 10)}, nil, 5, 1},
		{"key beyond the keypad's", 3, nil, []PollReply{ev(5, 4, 10)}, nil, 5, 1},
		{"without info the event waits", 3, func(b *Bus, p *busPad) { p.needInfo = true }, []PollReply{ev(5, 1, 10)}, nil, 0, 0},
		{"booted: info first", 3, nil, []PollReply{{Status: StatusBooted, Queued: 1, Event: &Event{ID: 5, Key: 1, Session: 10}}}, nil, 0, 0},
		{"ratings full: the keypad keeps it", 3, func(b *Bus, p *busPad) {
			for range RatingsBuffer {
				p.ratings <- Rating{}
			}
		}, []PollReply{ev(5, 1, 10)}, nil, 0, 0},
		{"delivered elsewhere before (same serial)", 3, func(b *Bus, p *busPad) {
			b.seen["KP-1"] = &recentIDs{}
			b.seen["KP-1"].add(5)
		}, []PollReply{ev(5, 1, 10)}, nil, 5, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, p := unitBus(tc.keys)
			if tc.prepare != nil {
				tc.prepare(b, p)
			}
			for _, r := range tc.replies {
				b.handlePoll(p, r, time.Now())
			}
			var levels []int
			for len(p.ratings) > 0 {
				r := <-p.ratings
				if r.Serial == "" { // filler
					continue
				}
				levels = append(levels, r.Level)
				if r.Ticket != "T" || r.Keys != tc.keys || r.Serial != "KP-1" || time.Since(r.At) < 500*time.Millisecond {
					t.Errorf("rating %+v: want ticket T, keys %d, serial KP-1, At 0.5 s ago", r, tc.keys)
				}
			}
			if !slices.Equal(levels, tc.levels) || p.ack != tc.ack || b.dropped.Load() != tc.dropped {
				t.Errorf("got levels %v ack %d dropped %d, want %v %d %d", levels, p.ack, b.dropped.Load(), tc.levels, tc.ack, tc.dropped)
			}
		})
	}
	t.Run("booted while armed: re-armed", func(t *testing.T) {
		b, p := unitBus(3)
		b.handlePoll(p, PollReply{Status: StatusBooted}, time.Now())
		if !p.needInfo || len(p.queue) != 1 || p.queue[0].cmd != CmdStartRating || p.queue[0].session != 10 {
			t.Errorf("needInfo %v queue %+v: want GET_INFO and START_RATING of session 10", p.needInfo, p.queue)
		}
		b.handlePoll(p, PollReply{Status: StatusOffline}, time.Now())
		if len(p.queue) != 1 {
			t.Errorf("re-armed twice: %d commands", len(p.queue))
		}
	})
	t.Run("another keypad at the address", func(t *testing.T) {
		b, p := unitBus(3)
		p.ack = 700
		b.handleInfo(p, Info{Protocol: 1, Keys: 4, Serial: "KP-2"})
		if p.ack != 0 || p.serial != "KP-2" || p.keys != 4 || b.States()[0].Serial != "KP-2" {
			t.Errorf("after a new serial: ack %d serial %q keys %d; want 0 KP-2 4", p.ack, p.serial, p.keys)
		}
	})
}

// FuzzBusReplies feeds the bus's reply handling whatever the line may
// carry: frames decoded from the input, each taken as the reply to a POLL
// or GET_INFO, between StartRating and StopRating calls. It must not
// panic, and a rating must answer the session armed last, once.
func FuzzBusReplies(f *testing.F) {
	poll := func(r PollReply) []byte {
		p, _ := r.MarshalBinary()
		w, _ := Frame{Dst: AddrHost, Src: 1, Cmd: CmdPoll.Reply(), Payload: p}.MarshalBinary()
		return w
	}
	info, _ := Info{Protocol: 1, Keys: 4, Serial: "KP-9", Model: "m"}.MarshalBinary()
	infoFrame, _ := Frame{Dst: AddrHost, Src: 1, Cmd: CmdGetInfo.Reply(), Payload: info}.MarshalBinary()
	f.Add(poll(PollReply{Queued: 1, Event: &Event{ID: 1, Key: 1, Session: 10}}))
	f.Add(slices.Concat(poll(PollReply{Queued: 2, Event: &Event{ID: 1, Key: 2, Session: 10}}), poll(PollReply{Queued: 1, Event: &Event{ID: 1, Key: 2, Session: 10}})))
	f.Add(slices.Concat(poll(PollReply{Status: StatusBooted}), infoFrame, poll(PollReply{Queued: 1, Event: &Event{ID: 3, Key: 4, Session: 10}})))
	f.Add(slices.Concat([]byte{SOF, SOF, 0xFF}, infoFrame[:9], poll(PollReply{Status: StatusOffline})))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, p := unitBus(3)
		d := NewDecoder(bytes.NewReader(data))
		delivered := map[uint16]bool{}
		for i := 0; ; i++ {
			fr, err := d.Next()
			if err != nil {
				break
			}
			armed, ticket, serial := p.armed, p.ticket, p.serial
			switch fr.Seq % 8 { // the SEQ byte also picks what the host did before
			case 6:
				p.session++
				p.armed, p.ticket = p.session, fmt.Sprint(i)
				continue
			case 7:
				p.armed = 0
				continue
			}
			switch fr.Cmd {
			case CmdPoll.Reply():
				var r PollReply
				if r.UnmarshalBinary(fr.Payload) != nil {
					continue
				}
				b.handlePoll(p, r, time.Now())
				for len(p.ratings) > 0 {
					rt := <-p.ratings
					switch {
					case armed == 0 || r.Event == nil || r.Event.Session != armed:
						t.Fatalf("rating %+v for session %v, armed %d", rt, r.Event, armed)
					case rt.Ticket != ticket || rt.Serial != serial || rt.EventID != r.Event.ID:
						t.Fatalf("rating %+v, want ticket %q serial %q", rt, ticket, serial)
					case rt.Level < 1 || rt.Level > int(rt.Keys):
						t.Fatalf("rating %+v: level out of range", rt)
					case delivered[rt.EventID] && len(delivered) < len(recentIDs{}.ids):
						t.Fatalf("event %d delivered twice", rt.EventID)
					}
					delivered[rt.EventID] = true
				}
			case CmdGetInfo.Reply():
				var in Info
				if in.UnmarshalBinary(fr.Payload) == nil {
					if in.Serial != p.serial {
						clear(delivered)
					}
					b.handleInfo(p, in)
				}
			}
		}
	})
}
