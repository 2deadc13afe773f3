package ratingpad

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// simClock is a settable clock for the Sim, safe for Run's ticker.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// simDeadlineReader turns a net.Conn's deadline into a serial port's read
// timeout, (0, nil), which the Decoder reports as ErrNoData and survives.
type simDeadlineReader struct{ c net.Conn }

func (r simDeadlineReader) Read(p []byte) (int, error) {
	n, err := r.c.Read(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return n, nil
	}
	return n, err
}

// simHost is the host end of a line with a Sim on the other end.
type simHost struct {
	t     *testing.T
	sim   *Sim
	clock *simClock
	conn  net.Conn
	dec   *Decoder
	seq   uint8
	done  chan error
}

func newSimHost(t *testing.T, pads ...SimPad) *simHost {
	t.Helper()
	host, keypads := net.Pipe()
	clock := &simClock{t: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)}
	h := &simHost{t: t, clock: clock, conn: host, dec: NewDecoder(simDeadlineReader{host}), done: make(chan error, 1)}
	h.sim = NewSim(keypads, pads, SimOptions{Now: clock.Now})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { h.done <- h.sim.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		host.Close() // unblocks a reply the test did not read
		if err := <-h.done; err != nil {
			t.Errorf("Run: got %v, want nil after cancel", err)
		}
		keypads.Close()
	})
	return h
}

func (h *simHost) write(b []byte) {
	h.t.Helper()
	h.conn.SetWriteDeadline(time.Now().Add(2 * time.Second))
	if _, err := h.conn.Write(b); err != nil {
		h.t.Fatalf("write: %v", err)
	}
}

func (h *simHost) send(f Frame) {
	h.t.Helper()
	b, err := f.MarshalBinary()
	if err != nil {
		h.t.Fatal(err)
	}
	h.write(b)
}

// reply returns the next frame within wait, or false.
func (h *simHost) reply(wait time.Duration) (Frame, bool) {
	h.t.Helper()
	end := time.Now().Add(wait)
	for time.Now().Before(end) {
		h.conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		f, err := h.dec.Next()
		if errors.Is(err, ErrNoData) {
			continue
		}
		if err != nil {
			h.t.Fatalf("read: %v", err)
		}
		return f, true
	}
	return Frame{}, false
}

// silence checks that nothing decodes as a frame for a while.
func (h *simHost) silence() {
	h.t.Helper()
	if f, ok := h.reply(150 * time.Millisecond); ok {
		h.t.Fatalf("got reply %v, want silence", f)
	}
}

// req sends a request with a new SEQ and returns the reply.
func (h *simHost) req(dst Addr, cmd Cmd, payload []byte) Frame {
	h.t.Helper()
	h.seq++
	return h.again(dst, cmd, payload)
}

// again sends a request with the last SEQ and returns the reply.
func (h *simHost) again(dst Addr, cmd Cmd, payload []byte) Frame {
	h.t.Helper()
	h.send(Frame{Dst: dst, Src: AddrHost, Seq: h.seq, Cmd: cmd, Payload: payload})
	f, ok := h.reply(time.Second)
	if !ok {
		h.t.Fatalf("%v to %#02x: no reply", cmd, uint8(dst))
	}
	if f.Dst != AddrHost || f.Seq != h.seq {
		h.t.Fatalf("%v to %#02x: got reply %v, want dst ff seq %d", cmd, uint8(dst), f, h.seq)
	}
	return f
}

func (h *simHost) poll(dst Addr, ack uint16) PollReply {
	h.t.Helper()
	f := h.req(dst, CmdPoll, simMarshal(h.t, Poll{Ack: ack}))
	return h.pollReply(f)
}

func (h *simHost) pollReply(f Frame) PollReply {
	h.t.Helper()
	if f.Cmd != CmdPoll.Reply() {
		h.t.Fatalf("POLL: got %v, want POLL+REPLY", f)
	}
	var r PollReply
	if err := r.UnmarshalBinary(f.Payload); err != nil {
		h.t.Fatalf("POLL reply: %v", err)
	}
	return r
}

func (h *simHost) start(dst Addr, session, timeoutS uint16, ticket string) {
	h.t.Helper()
	f := h.req(dst, CmdStartRating, simMarshal(h.t, StartRating{Session: session, TimeoutS: timeoutS, Ticket: ticket}))
	if f.Cmd != CmdStartRating.Reply() || len(f.Payload) != 0 {
		h.t.Fatalf("START_RATING: got %v, want an empty START_RATING+REPLY", f)
	}
}

func (h *simHost) state(a Addr) SimState {
	h.t.Helper()
	st, ok := h.sim.State(a)
	if !ok {
		h.t.Fatalf("State(%#02x): no keypad", uint8(a))
	}
	return st
}

func (h *simHost) press(a Addr, key uint8) {
	h.t.Helper()
	if err := h.sim.Press(a, key); err != nil {
		h.t.Fatalf("Press(%d, %d): %v", a, key, err)
	}
}

func simMarshal(t *testing.T, v interface{ MarshalBinary() ([]byte, error) }) []byte {
	t.Helper()
	b, err := v.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func simWantNak(t *testing.T, f Frame, code byte) {
	t.Helper()
	if f.Cmd != CmdNAK.Reply() || !bytes.Equal(f.Payload, []byte{code}) {
		t.Fatalf("got %v, want NAK %#02x", f, code)
	}
}

func TestSimRatingFlow(t *testing.T) {
	h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
	r := h.poll(1, 0)
	if r.Status != StatusBooted || r.Queued != 0 || r.Event != nil {
		t.Fatalf("first POLL: got %+v, want only StatusBooted", r)
	}
	if r := h.poll(1, 0); r.Status != 0 {
		t.Fatalf("second POLL: got status %#02x, want 0", r.Status)
	}
	h.start(1, 7, 60, "1023")
	if st := h.state(1); !st.Armed || st.Ticket != "1023" || st.Session != 7 || st.LEDMask != 0b111 || st.LEDBlink {
		t.Fatalf("armed: got %+v", st)
	}
	if r := h.poll(1, 0); r.Status != StatusArmed {
		t.Fatalf("POLL while armed: got status %#02x, want StatusArmed", r.Status)
	}
	h.press(1, 2)
	h.clock.Advance(1500 * time.Millisecond)
	r = h.poll(1, 0)
	want := Event{ID: 1, Key: 2, Session: 7, Age: 15}
	if r.Status != 0 || r.Queued != 1 || r.Event == nil || *r.Event != want {
		t.Fatalf("POLL after press: got %+v %+v, want queued %+v", r, r.Event, want)
	}
	if st := h.state(1); st.Armed || st.LEDMask != 0b010 || !st.LEDBlink || st.Beeps != 1 {
		t.Fatalf("after press: got %+v, want disarmed, key 2 blinking, one beep", st)
	}
	if r := h.poll(1, 1); r.Queued != 0 || r.Event != nil {
		t.Fatalf("POLL ack 1: got %+v, want nothing queued", r)
	}
}

func TestSimCommands(t *testing.T) {
	tests := []struct {
		name    string
		cmd     Cmd
		payload []byte
		want    Frame // Src and Seq are checked apart
		check   func(t *testing.T, st SimState)
	}{
		{
			name: "get info", cmd: CmdGetInfo,
			want: Frame{Cmd: CmdGetInfo.Reply(), Payload: append([]byte{1, 4, 1, 0, 0, 8}, "SIM-0001\x0aSIM-KEYPAD"...)},
		},
		{name: "get info with payload", cmd: CmdGetInfo, payload: []byte{1}, want: Frame{Cmd: CmdNAK.Reply(), Payload: []byte{NakBadPayload}}},
		{
			name: "set leds", cmd: CmdSetLEDs, payload: []byte{0b1001, 1}, want: Frame{Cmd: CmdSetLEDs.Reply()},
			check: func(t *testing.T, st SimState) {
				if st.LEDMask != 0b1001 || !st.LEDBlink {
					t.Errorf("got mask %#b blink %v, want 0b1001 true", st.LEDMask, st.LEDBlink)
				}
			},
		},
		{name: "set leds bad mode", cmd: CmdSetLEDs, payload: []byte{1, 2}, want: Frame{Cmd: CmdNAK.Reply(), Payload: []byte{NakBadPayload}}},
		{
			name: "beep", cmd: CmdBeep, payload: []byte{10, 3}, want: Frame{Cmd: CmdBeep.Reply()},
			check: func(t *testing.T, st SimState) {
				if st.Beeps != 3 {
					t.Errorf("got %d beeps, want 3", st.Beeps)
				}
			},
		},
		{name: "beep zero count", cmd: CmdBeep, payload: []byte{10, 0}, want: Frame{Cmd: CmdNAK.Reply(), Payload: []byte{NakBadPayload}}},
		{name: "stop while idle", cmd: CmdStopRating, want: Frame{Cmd: CmdStopRating.Reply()}},
		{name: "stop with payload", cmd: CmdStopRating, payload: []byte{0}, want: Frame{Cmd: CmdNAK.Reply(), Payload: []byte{NakBadPayload}}},
		{name: "poll short", cmd: CmdPoll, payload: []byte{1}, want: Frame{Cmd: CmdNAK.Reply(), Payload: []byte{NakBadPayload}}},
		{name: "start zero session", cmd: CmdStartRating, payload: []byte{0, 0, 5, 0, 0}, want: Frame{Cmd: CmdNAK.Reply(), Payload: []byte{NakBadPayload}}},
		{
			name: "start", cmd: CmdStartRating, payload: []byte{9, 0, 30, 0, 4, '1', '0', '2', '3'}, want: Frame{Cmd: CmdStartRating.Reply()},
			check: func(t *testing.T, st SimState) {
				if !st.Armed || st.Session != 9 || st.Ticket != "1023" || st.LEDMask != 0b1111 {
					t.Errorf("got %+v, want armed for session 9 ticket 1023 with four keys lit", st)
				}
			},
		},
		{name: "set address bad payload", cmd: CmdSetAddress, payload: []byte{0xF9, 1, 'X'}, want: Frame{Cmd: CmdNAK.Reply(), Payload: []byte{NakBadPayload}}},
		{name: "unknown command", cmd: 0x20, want: Frame{Cmd: CmdNAK.Reply(), Payload: []byte{NakUnknownCommand}}},
		{name: "NAK as a request", cmd: CmdNAK, want: Frame{Cmd: CmdNAK.Reply(), Payload: []byte{NakUnknownCommand}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newSimHost(t, SimPad{Addr: 3, Serial: "SIM-0001", Keys: 4, Model: "SIM-KEYPAD"})
			f := h.req(3, tt.cmd, tt.payload)
			if f.Src != 3 || f.Cmd != tt.want.Cmd || !bytes.Equal(f.Payload, tt.want.Payload) {
				t.Fatalf("got %v, want %v from 03", f, Frame{Dst: AddrHost, Src: 3, Seq: h.seq, Cmd: tt.want.Cmd, Payload: tt.want.Payload})
			}
			if tt.check != nil {
				tt.check(t, h.state(3))
			}
		})
	}
}

func TestSimSetLEDsBeyondKeys(t *testing.T) {
	h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
	simWantNak(t, h.req(1, CmdSetLEDs, []byte{0b1000, 0}), NakBadPayload)
}

func TestSimRetries(t *testing.T) {
	t.Run("poll retry resends the same reply", func(t *testing.T) {
		h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
		first := h.poll(1, 0)
		h.start(1, 5, 60, "A1")
		// The retry check is against the last request answered: POLL
		// with a fresh SEQ, press, then retry that POLL.
		r1 := h.poll(1, 0)
		h.press(1, 1)
		r2 := h.pollReply(h.again(1, CmdPoll, simMarshal(t, Poll{})))
		if r1.Status != r2.Status || r2.Queued != 0 {
			t.Errorf("retried POLL: got %+v, want the first answer %+v again", r2, r1)
		}
		if first.Status&StatusBooted == 0 {
			t.Errorf("first POLL: got status %#02x, want StatusBooted", first.Status)
		}
		if r := h.poll(1, 0); r.Queued != 1 {
			t.Errorf("next POLL: got %+v, want the event", r)
		}
	})
	t.Run("start retry does not re-arm", func(t *testing.T) {
		h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
		payload := simMarshal(t, StartRating{Session: 5, TimeoutS: 60, Ticket: "A1"})
		f1 := h.req(1, CmdStartRating, payload)
		h.press(1, 3)
		f2 := h.again(1, CmdStartRating, payload)
		if f1.Cmd != f2.Cmd || !bytes.Equal(f1.Payload, f2.Payload) {
			t.Errorf("retry: got %v, want %v", f2, f1)
		}
		if st := h.state(1); st.Armed || st.Queued != 1 {
			t.Errorf("after retry: got %+v, want disarmed with one event", st)
		}
		// The same command with a new SEQ acts again.
		h.req(1, CmdStartRating, payload)
		if st := h.state(1); !st.Armed {
			t.Errorf("new START_RATING: got %+v, want armed", st)
		}
	})
	t.Run("beep retry beeps once", func(t *testing.T) {
		h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
		h.req(1, CmdBeep, []byte{5, 2})
		h.again(1, CmdBeep, []byte{5, 2})
		if st := h.state(1); st.Beeps != 2 {
			t.Errorf("got %d beeps, want 2", st.Beeps)
		}
	})
	t.Run("dropped reply then retry", func(t *testing.T) {
		h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
		h.start(1, 5, 60, "A1")
		h.press(1, 2)
		h.sim.DropReplies(1)
		h.seq++
		h.send(Frame{Dst: 1, Src: AddrHost, Seq: h.seq, Cmd: CmdPoll, Payload: []byte{0, 0}})
		h.silence()
		r := h.pollReply(h.again(1, CmdPoll, []byte{0, 0}))
		if r.Status&StatusBooted == 0 || r.Queued != 1 || r.Event.ID != 1 {
			t.Errorf("retried POLL after a lost reply: got %+v, want the lost answer (booted, event 1)", r)
		}
		if r := h.poll(1, 1); r.Status&StatusBooted != 0 || r.Queued != 0 {
			t.Errorf("next POLL: got %+v, want not booted, nothing queued", r)
		}
	})
}

func TestSimOffline(t *testing.T) {
	h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"}, SimPad{Addr: 2, Serial: "SIM-0002"})
	h.poll(1, 0)
	h.poll(2, 0)
	h.start(1, 5, 600, "A1")
	h.clock.Advance(2 * time.Second)
	h.poll(2, 0) // keeps keypad 2 alive, not keypad 1
	h.clock.Advance(999 * time.Millisecond)
	if st := h.state(1); st.Offline || !st.Armed {
		t.Fatalf("after 2.999 s: got %+v, want online and armed", st)
	}
	h.clock.Advance(time.Millisecond)
	st := h.state(1)
	if !st.Offline || st.Armed || st.LEDMask != 0b111 || !st.LEDBlink {
		t.Fatalf("after 3 s without POLL: got %+v, want offline, disarmed, all keys blinking", st)
	}
	if st := h.state(2); st.Offline {
		t.Fatalf("keypad 2, polled 1 s ago: got offline")
	}
	h.press(1, 1)
	if st := h.state(1); st.Unarmed != 1 || st.Queued != 0 {
		t.Fatalf("press while offline: got %+v, want unarmed 1, nothing queued", st)
	}
	simWantNak(t, h.req(1, CmdStartRating, simMarshal(t, StartRating{Session: 6, TimeoutS: 60})), NakNotAllowed)
	r := h.poll(1, 0)
	if r.Status != StatusOffline || r.Unarmed != 1 {
		t.Fatalf("POLL after offline: got %+v, want StatusOffline only and unarmed 1", r)
	}
	if st := h.state(1); st.Offline || st.LEDMask != 0 {
		t.Fatalf("after POLL: got %+v, want online, keys dark", st)
	}
	if r := h.poll(1, 0); r.Status != 0 {
		t.Fatalf("next POLL: got status %#02x, want 0", r.Status)
	}
	h.start(1, 6, 60, "A2")
	if st := h.state(1); !st.Armed {
		t.Fatalf("START_RATING back online: got %+v, want armed", st)
	}
}

// TestSimOfflineOnRead checks that a frame arriving after a silence first
// makes the keypad offline, without anyone calling State.
func TestSimOfflineOnRead(t *testing.T) {
	h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
	h.poll(1, 0)
	h.clock.Advance(OfflineAfter)
	if r := h.poll(1, 0); r.Status != StatusOffline {
		t.Fatalf("got status %#02x, want StatusOffline", r.Status)
	}
}

func TestSimTimeout(t *testing.T) {
	h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
	h.poll(1, 0)
	h.start(1, 5, 2, "A1")
	h.clock.Advance(1500 * time.Millisecond)
	h.poll(1, 0)
	h.clock.Advance(500 * time.Millisecond)
	st := h.state(1)
	if st.Armed || st.Offline || st.Beeps != 0 || st.LEDMask != 0 {
		t.Fatalf("after the timeout: got %+v, want disarmed quietly", st)
	}
	h.press(1, 1)
	if st := h.state(1); st.Unarmed != 1 || st.Queued != 0 {
		t.Fatalf("late press: got %+v, want unarmed 1", st)
	}
}

func TestSimStopAndReplace(t *testing.T) {
	h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
	h.start(1, 5, 60, "A1")
	h.start(1, 6, 60, "A2")
	h.press(1, 3)
	h.start(1, 7, 60, "A3")
	if f := h.req(1, CmdStopRating, nil); f.Cmd != CmdStopRating.Reply() {
		t.Fatalf("STOP_RATING: got %v", f)
	}
	if st := h.state(1); st.LEDMask != 0 || st.LEDBlink {
		t.Fatalf("after stop: got LEDs %#b blink %v, want dark", st.LEDMask, st.LEDBlink)
	}
	h.press(1, 1)
	st := h.state(1)
	if st.Armed || st.Queued != 1 || st.Unarmed != 1 {
		t.Fatalf("after stop: got %+v, want disarmed, the event kept, one unarmed press", st)
	}
	r := h.poll(1, 0)
	if r.Event == nil || r.Event.Session != 6 || r.Event.Key != 3 {
		t.Fatalf("event: got %+v, want key 3 for session 6 (the replacing one)", r.Event)
	}
}

func TestSimQueue(t *testing.T) {
	t.Run("full", func(t *testing.T) {
		h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
		for i := range MaxQueued {
			h.start(1, uint16(i+1), 60, "")
			h.press(1, 1)
		}
		h.start(1, 100, 60, "X")
		h.press(1, 2)
		st := h.state(1)
		if st.Queued != MaxQueued || st.Unarmed != 0 || !st.Armed {
			t.Fatalf("press on a full queue: got %+v, want 16 queued, unarmed 0, still armed", st)
		}
		r := h.poll(1, 0)
		if r.Queued != MaxQueued || r.Event.ID != 1 || r.Event.Session != 1 {
			t.Fatalf("POLL: got %+v %+v, want 16 queued, oldest event 1", r, r.Event)
		}
		r = h.poll(1, 10)
		if r.Queued != 6 || r.Event.ID != 11 {
			t.Fatalf("POLL ack 10: got %+v %+v, want 6 queued, oldest 11", r, r.Event)
		}
		h.press(1, 2) // still armed for session 100: now it fits
		r = h.poll(1, 16)
		if r.Queued != 1 || *r.Event != (Event{ID: 17, Key: 2, Session: 100}) {
			t.Fatalf("POLL ack 16: got %+v %+v, want event 17 key 2 session 100", r, r.Event)
		}
	})
	t.Run("ack forgets across the wrap", func(t *testing.T) {
		h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
		h.sim.mu.Lock()
		h.sim.pads[0].lastID = 65534
		h.sim.mu.Unlock()
		for i := range 3 {
			h.start(1, uint16(i+1), 60, "")
			h.press(1, 1)
		}
		tests := []struct {
			ack    uint16
			queued uint8
			oldest uint16
		}{
			{0, 3, 65535},
			{65534, 3, 65535}, // before every queued id
			{65535, 2, 1},
			{1, 1, 2},
			{2, 0, 0},
		}
		for _, tt := range tests {
			r := h.poll(1, tt.ack)
			got := uint16(0)
			if r.Event != nil {
				got = r.Event.ID
			}
			if r.Queued != tt.queued || got != tt.oldest {
				t.Errorf("ack %d: got queued %d oldest %d, want %d and %d", tt.ack, r.Queued, got, tt.queued, tt.oldest)
			}
		}
	})
}

func TestSimSetAddress(t *testing.T) {
	h := newSimHost(t, SimPad{Addr: AddrUnaddressed, Serial: "SIM-A"}, SimPad{Addr: AddrUnaddressed, Serial: "SIM-B"}, SimPad{Addr: 9, Serial: "SIM-C"})
	set := func(a Addr, serial string) []byte { return simMarshal(t, SetAddress{Addr: a, Serial: serial}) }

	f := h.req(AddrUnaddressed, CmdSetAddress, set(5, "SIM-B"))
	if f.Src != 5 || f.Cmd != CmdSetAddress.Reply() || len(f.Payload) != 0 {
		t.Fatalf("SET_ADDRESS to fe: got %v, want an empty reply from the new address 05", f)
	}
	h.silence() // SIM-A stays silent
	// The reply was lost: the host retries to fe; the keypad, now at 5,
	// answers again from 5.
	if f := h.again(AddrUnaddressed, CmdSetAddress, set(5, "SIM-B")); f.Src != 5 {
		t.Fatalf("retry: got %v, want a reply from 05", f)
	}
	if st := h.state(5); st.Serial != "SIM-B" {
		t.Fatalf("State(5): got %+v, want SIM-B", st)
	}
	if st := h.state(AddrUnaddressed); st.Serial != "SIM-A" {
		t.Fatalf("State(fe): got %+v, want SIM-A still unaddressed", st)
	}

	// Broadcast: SIM-A takes 6, nobody answers.
	h.seq++
	h.send(Frame{Dst: AddrBroadcast, Src: AddrHost, Seq: h.seq, Cmd: CmdSetAddress, Payload: set(6, "SIM-A")})
	h.silence()
	if st := h.state(6); st.Serial != "SIM-A" {
		t.Fatalf("State(6): got %+v, want SIM-A", st)
	}

	// To a keypad's own address with another's serial: silence.
	h.seq++
	h.send(Frame{Dst: 9, Src: AddrHost, Seq: h.seq, Cmd: CmdSetAddress, Payload: set(7, "SIM-A")})
	h.silence()
	if _, ok := h.sim.State(7); ok {
		t.Fatal("State(7): a keypad took an address meant for another serial")
	}
	// To its own address with its serial: it moves and answers from 8.
	if f := h.req(9, CmdSetAddress, set(8, "SIM-C")); f.Src != 8 {
		t.Fatalf("SET_ADDRESS to 09: got %v, want a reply from 08", f)
	}
	if f := h.req(8, CmdGetInfo, nil); f.Src != 8 || f.Cmd != CmdGetInfo.Reply() {
		t.Fatalf("GET_INFO at the new address: got %v", f)
	}
	h.seq++
	h.send(Frame{Dst: 9, Src: AddrHost, Seq: h.seq, Cmd: CmdGetInfo})
	h.silence()
	// Malformed SET_ADDRESS to fe: nobody knows it is for them.
	h.seq++
	h.send(Frame{Dst: AddrUnaddressed, Src: AddrHost, Seq: h.seq, Cmd: CmdSetAddress, Payload: []byte{1}})
	h.silence()
}

func TestSimSilence(t *testing.T) {
	tests := []struct {
		name string
		wire func(t *testing.T, seq uint8) []byte
	}{
		{"bad CRC", func(t *testing.T, seq uint8) []byte {
			b := simMarshal(t, Frame{Dst: 1, Src: AddrHost, Seq: seq, Cmd: CmdGetInfo})
			b[len(b)-1] ^= 0xFF
			return b
		}},
		{"broadcast beep", func(t *testing.T, seq uint8) []byte {
			return simMarshal(t, Frame{Dst: AddrBroadcast, Src: AddrHost, Seq: seq, Cmd: CmdBeep, Payload: []byte{1, 1}})
		}},
		{"broadcast poll", func(t *testing.T, seq uint8) []byte {
			return simMarshal(t, Frame{Dst: AddrBroadcast, Src: AddrHost, Seq: seq, Cmd: CmdPoll, Payload: []byte{0, 0}})
		}},
		{"another keypad's address", func(t *testing.T, seq uint8) []byte {
			return simMarshal(t, Frame{Dst: 2, Src: AddrHost, Seq: seq, Cmd: CmdGetInfo})
		}},
		{"a reply on the line", func(t *testing.T, seq uint8) []byte {
			return simMarshal(t, Frame{Dst: 1, Src: AddrHost, Seq: seq, Cmd: CmdGetInfo.Reply()})
		}},
		{"not from the host", func(t *testing.T, seq uint8) []byte {
			return simMarshal(t, Frame{Dst: 1, Src: 2, Seq: seq, Cmd: CmdGetInfo})
		}},
		{"noise", func(t *testing.T, seq uint8) []byte { return []byte{0x02, 0x01, 0xff, 0x00, 0x55, 0xfe, 0x00, 0x17} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"}, SimPad{Addr: 3, Serial: "SIM-0003"})
			h.seq++
			h.write(tt.wire(t, h.seq))
			h.silence()
			// The line still works after it.
			if f := h.req(1, CmdGetInfo, nil); f.Src != 1 {
				t.Fatalf("GET_INFO after: got %v", f)
			}
		})
	}
	t.Run("broadcast acts", func(t *testing.T) {
		h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"}, SimPad{Addr: 3, Serial: "SIM-0003"})
		h.seq++
		h.send(Frame{Dst: AddrBroadcast, Src: AddrHost, Seq: h.seq, Cmd: CmdBeep, Payload: []byte{1, 2}})
		h.silence()
		for _, a := range []Addr{1, 3} {
			if st := h.state(a); st.Beeps != 2 {
				t.Errorf("keypad %d: got %d beeps, want 2", a, st.Beeps)
			}
		}
		// A broadcast is never remembered as answered: the same SEQ and
		// CMD to one keypad acts.
		h.again(1, CmdBeep, []byte{1, 2})
		if st := h.state(1); st.Beeps != 4 {
			t.Errorf("keypad 1 after a direct BEEP: got %d beeps, want 4", st.Beeps)
		}
	})
}

func TestSimGarbage(t *testing.T) {
	h := newSimHost(t, SimPad{Addr: 1, Serial: "SIM-0001"})
	h.sim.Garbage(1, true)
	h.seq++
	h.send(Frame{Dst: 1, Src: AddrHost, Seq: h.seq, Cmd: CmdPoll, Payload: []byte{0, 0}})
	h.silence()
	if h.dec.Stats().Skipped == 0 {
		t.Fatal("decoder stats: got no skipped bytes, want the garbage")
	}
	h.sim.Garbage(1, false)
	// The keypad acted on the POLL it answered with garbage: a retry gets
	// the remembered reply, a new POLL a fresh one.
	if r := h.pollReply(h.again(1, CmdPoll, []byte{0, 0})); r.Status != StatusBooted {
		t.Fatalf("retry: got status %#02x, want StatusBooted", r.Status)
	}
	if r := h.poll(1, 0); r.Status != 0 {
		t.Fatalf("new POLL: got status %#02x, want 0", r.Status)
	}
}

func TestSimGarbageNeverDecodes(t *testing.T) {
	for range 2000 {
		b := garbage()
		d := NewDecoder(bytes.NewReader(b))
		if _, err := d.Next(); err == nil {
			t.Fatalf("garbage % x decodes as a frame", b)
		}
		if n := d.Stats().Truncated; n != 0 {
			t.Fatalf("garbage % x ends inside a candidate frame", b)
		}
	}
}

func TestSimPressErrors(t *testing.T) {
	s := NewSim(&bytes.Buffer{}, []SimPad{{Addr: 1, Serial: "SIM-0001"}, {Addr: 2, Serial: "SIM-0002", Keys: 4}}, SimOptions{})
	tests := []struct {
		addr Addr
		key  uint8
		want error
	}{
		{1, 1, nil},
		{1, 3, nil},
		{1, 4, ErrBadKey},
		{1, 0, ErrBadKey},
		{2, 4, nil},
		{2, 5, ErrBadKey},
		{7, 1, ErrUnknownPad},
	}
	for _, tt := range tests {
		if err := s.Press(tt.addr, tt.key); !errors.Is(err, tt.want) {
			t.Errorf("Press(%d, %d): got %v, want %v", tt.addr, tt.key, err, tt.want)
		}
	}
	if st, _ := s.State(1); st.Unarmed != 2 {
		t.Errorf("unarmed presses: got %d, want 2", st.Unarmed)
	}
}

func TestNewSimPanicsOnImpossiblePads(t *testing.T) {
	for _, p := range []SimPad{
		{Addr: 1, Serial: "SIM-1", Keys: 5},
		{Addr: 1, Serial: "sim-1"},
		{Addr: 0, Serial: "SIM-1"},
		{Addr: 0xFA, Serial: "SIM-1"},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewSim with %+v: got no panic", p)
				}
			}()
			NewSim(&bytes.Buffer{}, []SimPad{p}, SimOptions{})
		}()
	}
}

func TestSimRunEnds(t *testing.T) {
	t.Run("line closed", func(t *testing.T) {
		host, keypads := net.Pipe()
		s := NewSim(keypads, []SimPad{{Addr: 1, Serial: "SIM-0001"}}, SimOptions{})
		done := make(chan error, 1)
		go func() { done <- s.Run(context.Background()) }()
		host.Close()
		select {
		case err := <-done:
			if err == nil {
				t.Fatal("Run: got nil, want the read error")
			}
		case <-time.After(2 * time.Second):
			t.Fatal("Run did not return after the line closed")
		}
	})
	t.Run("read timeouts then cancel", func(t *testing.T) {
		s := NewSim(simSilentPort{}, []SimPad{{Addr: 1, Serial: "SIM-0001"}}, SimOptions{})
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		if err := s.Run(ctx); err != nil {
			t.Fatalf("Run: got %v, want nil", err)
		}
	})
}

// simSilentPort is a serial port on a silent line: every read times out.
type simSilentPort struct{}

func (simSilentPort) Read(p []byte) (int, error) {
	time.Sleep(5 * time.Millisecond)
	return 0, nil
}

func (simSilentPort) Write(p []byte) (int, error) { return len(p), nil }

// TestSimOfflineWithoutTraffic checks Run's own clock check: the keypad
// goes offline on a silent line, and the host finds it so in the next POLL.
func TestSimOfflineWithoutTraffic(t *testing.T) {
	clock := &simClock{t: time.Now()}
	s := NewSim(simSilentPort{}, []SimPad{{Addr: 1, Serial: "SIM-0001"}}, SimOptions{Now: clock.Now})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	clock.Advance(OfflineAfter)
	deadline := time.Now().Add(time.Second)
	for {
		s.mu.Lock()
		off := s.pads[0].offline
		s.mu.Unlock()
		if off {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("keypad not offline 1 s after OfflineAfter")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// simScriptPort is a serial port that reads the chunks it is given, timing
// out (0, nil) between them, and records what is written.
type simScriptPort struct {
	mu     sync.Mutex
	chunks [][]byte
	out    bytes.Buffer
}

func (p *simScriptPort) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.chunks) == 0 || p.chunks[0] == nil {
		if len(p.chunks) > 0 {
			p.chunks = p.chunks[1:]
		}
		p.mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		p.mu.Lock()
		return 0, nil
	}
	n := copy(b, p.chunks[0])
	p.chunks = p.chunks[1:]
	return n, nil
}

func (p *simScriptPort) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

// TestSimGapEndsFrame checks that noise ending in SOF, then a silence, does
// not swallow the next request.
func TestSimGapEndsFrame(t *testing.T) {
	req := simMarshal(t, Frame{Dst: 1, Src: AddrHost, Seq: 4, Cmd: CmdGetInfo})
	port := &simScriptPort{chunks: [][]byte{{0x55, 0x02}, nil, req}}
	s := NewSim(port, []SimPad{{Addr: 1, Serial: "SIM-0001"}}, SimOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	port.mu.Lock()
	defer port.mu.Unlock()
	f, err := NewDecoder(&port.out).Next()
	if err != nil || f.Cmd != CmdGetInfo.Reply() || f.Seq != 4 {
		t.Fatalf("got %v, %v, want GET_INFO+REPLY #4", f, err)
	}
}
