package ratingpad

import (
	"bytes"
	"context"
	"encoding"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Errors of Sim.Press.
var (
	// ErrUnknownPad means no simulated keypad has the address.
	ErrUnknownPad = errors.New("ratingpad: no simulated keypad at that address")
	// ErrBadKey means the key is not one of the keypad's keys.
	ErrBadKey = errors.New("ratingpad: no such key")
)

// SimModel is the model a simulated keypad reports when SimPad.Model is
// empty, and SimFirmware its firmware version.
const SimModel = "motcua-sim"

// SimFirmware is the firmware version simulated keypads report in GET_INFO.
var SimFirmware = [3]uint8{1, 0, 0}

// simTick is how often Run checks the keypads' clocks (timeouts, offline)
// even when the line is silent and a Read blocks.
const simTick = 100 * time.Millisecond

// SimPad describes one simulated keypad.
type SimPad struct {
	Addr   Addr   // a keypad's address, or AddrUnaddressed for a keypad fresh from the factory
	Serial string // 1–MaxSerialLen of A–Z, 0–9 and '-'
	Keys   uint8  // 3 or 4; 0 means 3
	Model  string // "" means SimModel
}

// SimOptions are a Sim's optional settings.
type SimOptions struct {
	Now func() time.Time // the keypads' clock; nil means time.Now
	Log *slog.Logger     // nil means slog.Default()
}

// SimState is what a simulated keypad shows and holds, for tests and the
// keypad-sim command.
type SimState struct {
	Addr     Addr
	Serial   string
	Keys     uint8
	Armed    bool   // waiting for a press
	Ticket   string // of the last START_RATING
	Session  uint16 // of the last START_RATING
	Queued   int    // events not yet acknowledged by the host
	Unarmed  uint16 // presses while not armed or offline, wrapping
	Offline  bool   // showing the offline pattern: no POLL for OfflineAfter
	LEDMask  uint8  // bit n lights key n+1
	LEDBlink bool
	Beeps    int       // beeps sounded since power-up
	LastPoll time.Time // when it last heard a POLL; power-up before the first
}

// Sim is the keypad side of the protocol: one or more keypads on a line,
// answering a host as real keypads do (see the package's Semantics in
// firmware-docs). It is a real device for the driver, selectable as
// "virtual:", and the other end of the driver's tests.
//
// One goroutine, Run, reads the line and answers; Press, State and the test
// hooks may be called from any goroutine. Replies are written at once, well
// within ReplyWithin.
type Sim struct {
	rw  io.ReadWriter
	now func() time.Time
	log *slog.Logger

	mu   sync.Mutex
	pads []*simPad
	drop int // replies still to drop
}

type simPad struct {
	addr    Addr
	serial  string
	keys    uint8
	model   string
	garbage bool

	armed    bool
	ticket   string
	session  uint16
	deadline time.Time // of the armed session

	queue   []simEvent
	lastID  uint16 // last event id given; 0 before any
	unarmed uint16

	offline     bool // showing the offline pattern
	offlineSeen bool // went offline since the last POLL reply: StatusOffline
	booted      bool // a POLL reply was sent since power-up
	lastPoll    time.Time

	ledMask  uint8
	ledBlink bool
	beeps    int

	// The last request answered and its reply, re-sent when the host
	// retries (same SEQ and CMD) so that a retry never acts twice.
	answered bool
	lastSeq  uint8
	lastCmd  Cmd
	lastWire []byte
}

type simEvent struct {
	Event
	at time.Time // of the press, for Age
}

// NewSim returns a Sim for pads on the line rw. It panics on a pad that
// could not exist: Keys other than 0, 3 or 4, an invalid serial, a model
// that is too long, or an address that is neither a keypad's nor
// AddrUnaddressed.
func NewSim(rw io.ReadWriter, pads []SimPad, o SimOptions) *Sim {
	s := &Sim{rw: rw, now: o.Now, log: o.Log}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("component", "ratingpad-sim")
	boot := s.now()
	for _, p := range pads {
		if p.Keys == 0 {
			p.Keys = MinKeys
		}
		if p.Model == "" {
			p.Model = SimModel
		}
		if p.Keys < MinKeys || p.Keys > MaxKeys || !validSerial(p.Serial) || !printable(p.Model, MaxModelLen) ||
			!(p.Addr.IsKeypad() || p.Addr == AddrUnaddressed) {
			panic(fmt.Sprintf("ratingpad: NewSim: impossible keypad %+v", p))
		}
		s.pads = append(s.pads, &simPad{addr: p.Addr, serial: p.Serial, keys: p.Keys, model: p.Model, lastPoll: boot})
	}
	return s
}

// Run answers frames until ctx ends (it returns nil) or reading or writing
// rw fails (it returns that error). A Read that returns (0, nil), as a
// serial port does when its read timeout passes, is not a failure.
//
// Run cannot interrupt a Read that blocks: when ctx ends it sets a past
// read deadline if rw has SetReadDeadline (a net.Conn), and otherwise
// returns after the pending Read does (the serial port's timeout, or the
// caller closing rw). Meanwhile it checks the keypads' clocks every 100 ms.
// Only one Run may be running.
func (s *Sim) Run(ctx context.Context) error {
	done := make(chan struct{})
	defer close(done)
	go func() {
		t := time.NewTicker(simTick)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				if d, ok := s.rw.(interface{ SetReadDeadline(time.Time) error }); ok {
					_ = d.SetReadDeadline(time.Unix(1, 0))
				}
				return
			case <-t.C:
				s.mu.Lock()
				s.tickAll()
				s.mu.Unlock()
			}
		}
	}()

	newDec := func() *Decoder {
		d := NewDecoder(s.rw)
		d.OnDiscard = func(err error) { s.log.Debug("discarded", "err", err) }
		return d
	}
	dec := newDec()
	for {
		if ctx.Err() != nil {
			return nil
		}
		f, err := dec.Next()
		s.mu.Lock()
		s.tickAll()
		s.mu.Unlock()
		if errors.Is(err, ErrNoData) {
			// A silent read timeout inside a frame ends it, as the gap of
			// Modbus RTU does: a keypad that kept half a frame of noise
			// ending in SOF would take the next request's bytes for the
			// rest of it and miss that request.
			dec = newDec()
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("ratingpad sim: read: %w", err)
		}
		s.log.Debug("rx", "frame", f)
		for _, w := range s.handle(f) {
			if _, err := s.rw.Write(w); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("ratingpad sim: write: %w", err)
			}
		}
	}
}

// handle acts on one frame and returns the bytes to send, if any.
func (s *Sim) handle(f Frame) [][]byte {
	if f.Cmd.IsReply() || f.Src != AddrHost {
		return nil // another keypad talking, or a second master: not for us
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var out [][]byte
	for _, p := range s.pads {
		if !p.hears(f) {
			continue
		}
		wire, ok := s.answer(p, f, now)
		if !ok || f.Dst == AddrBroadcast {
			continue
		}
		if s.drop > 0 {
			s.drop--
			s.log.Debug("reply dropped", "addr", p.addr, "seq", f.Seq)
			continue
		}
		if p.garbage {
			wire = garbage()
		}
		out = append(out, wire)
	}
	return out
}

// hears reports whether the keypad listens to f: frames to its address, to
// broadcast, to AddrUnaddressed while it has no address, and SET_ADDRESS
// to AddrUnaddressed whatever its address, since the serial in the payload
// picks the keypad (and a retry of it must reach the keypad that already
// took its new address).
func (p *simPad) hears(f Frame) bool {
	switch f.Dst {
	case p.addr, AddrBroadcast:
		return true
	case AddrUnaddressed:
		return f.Cmd == CmdSetAddress
	}
	return false
}

// answer acts on f for keypad p and returns the reply's wire bytes, or
// false when the keypad stays silent.
func (s *Sim) answer(p *simPad, f Frame, now time.Time) ([]byte, bool) {
	p.tick(now)
	broadcast := f.Dst == AddrBroadcast
	if broadcast && (f.Cmd == CmdPoll || f.Cmd == CmdGetInfo) {
		return nil, false // questions asked of nobody in particular
	}
	if f.Cmd == CmdPoll {
		p.heardPoll(now) // a retried POLL is a heartbeat too
	}
	if !broadcast && p.answered && f.Seq == p.lastSeq && f.Cmd == p.lastCmd {
		if f.Cmd != CmdSetAddress || p.matches(f) {
			s.log.Debug("retry answered again", "addr", p.addr, "seq", f.Seq, "cmd", f.Cmd)
			return p.lastWire, true
		}
	}
	cmd, payload, ok := p.act(f, now, s.log)
	if !ok {
		return nil, false
	}
	wire, err := Frame{Dst: AddrHost, Src: p.addr, Seq: f.Seq, Cmd: cmd.Reply(), Payload: payload}.MarshalBinary()
	if err != nil { // payloads are built here and fit
		panic(err)
	}
	if !broadcast {
		p.answered, p.lastSeq, p.lastCmd, p.lastWire = true, f.Seq, f.Cmd, wire
	}
	return wire, true
}

func (p *simPad) matches(f Frame) bool {
	var sa SetAddress
	return sa.UnmarshalBinary(f.Payload) == nil && sa.Serial == p.serial
}

// act carries out f and returns the reply's command (without ReplyFlag) and
// payload, or false for silence.
func (p *simPad) act(f Frame, now time.Time, log *slog.Logger) (Cmd, []byte, bool) {
	nak := func(code byte) (Cmd, []byte, bool) {
		log.Debug("nak", "addr", p.addr, "cmd", f.Cmd, "code", code)
		return CmdNAK, []byte{code}, true
	}
	decode := func(v encoding.BinaryUnmarshaler) bool { return v.UnmarshalBinary(f.Payload) == nil }
	switch f.Cmd {
	case CmdPoll:
		var req Poll
		if !decode(&req) {
			return nak(NakBadPayload)
		}
		kept := p.queue[:0]
		for _, e := range p.queue {
			if !Acked(e.ID, req.Ack) {
				kept = append(kept, e)
			}
		}
		clear(p.queue[len(kept):])
		p.queue = kept
		r := PollReply{Unarmed: p.unarmed, Queued: uint8(len(p.queue))}
		if p.armed {
			r.Status |= StatusArmed
		}
		if p.offlineSeen {
			r.Status |= StatusOffline
		}
		if !p.booted {
			r.Status |= StatusBooted
		}
		if len(p.queue) > 0 {
			e := p.queue[0].Event
			e.Age = uint16(min(now.Sub(p.queue[0].at)/(100*time.Millisecond), 65535))
			r.Event = &e
		}
		b, err := r.MarshalBinary()
		if err != nil {
			panic(err)
		}
		p.booted, p.offlineSeen = true, false
		return CmdPoll, b, true
	case CmdGetInfo:
		if len(f.Payload) != 0 {
			return nak(NakBadPayload)
		}
		b, err := Info{Protocol: ProtocolVersion, Keys: p.keys, Firmware: SimFirmware, Serial: p.serial, Model: p.model}.MarshalBinary()
		if err != nil {
			panic(err)
		}
		return CmdGetInfo, b, true
	case CmdStartRating:
		var req StartRating
		if !decode(&req) {
			return nak(NakBadPayload)
		}
		if p.offline {
			// Only a POLL brings a keypad back: the host polls first and
			// learns from StatusOffline that the keypad lost it.
			return nak(NakNotAllowed)
		}
		p.armed, p.ticket, p.session = true, req.Ticket, req.Session
		p.deadline = now.Add(time.Duration(req.TimeoutS) * time.Second)
		p.ledMask, p.ledBlink = allKeys(p.keys), false
		log.Info("armed", "addr", p.addr, "ticket", req.Ticket, "session", req.Session, "timeout_s", req.TimeoutS)
		return CmdStartRating, nil, true
	case CmdStopRating:
		if len(f.Payload) != 0 {
			return nak(NakBadPayload)
		}
		// Lights off too after a press or SET_LEDS, but the offline
		// pattern stays until a POLL.
		p.armed = false
		if !p.offline {
			p.ledMask, p.ledBlink = 0, false
		}
		return CmdStopRating, nil, true
	case CmdSetLEDs:
		var req SetLEDs
		if !decode(&req) || req.Mask&^allKeys(p.keys) != 0 {
			return nak(NakBadPayload)
		}
		p.ledMask, p.ledBlink = req.Mask, req.Blink
		return CmdSetLEDs, nil, true
	case CmdBeep:
		var req Beep
		if !decode(&req) {
			return nak(NakBadPayload)
		}
		p.beeps += int(req.Count)
		return CmdBeep, nil, true
	case CmdSetAddress:
		var req SetAddress
		if !decode(&req) {
			// Which keypad is meant is unknown: only the addressed one may
			// say so, and only if it alone was addressed.
			if f.Dst == p.addr && p.addr != AddrUnaddressed {
				return nak(NakBadPayload)
			}
			return 0, nil, false
		}
		if req.Serial != p.serial {
			return 0, nil, false
		}
		log.Info("address set", "serial", p.serial, "from", p.addr, "to", req.Addr)
		p.addr = req.Addr
		return CmdSetAddress, nil, true
	}
	return nak(NakUnknownCommand)
}

func allKeys(keys uint8) uint8 { return 1<<keys - 1 }

// tick applies what time does: a rating's timeout, and going offline.
func (p *simPad) tick(now time.Time) {
	if p.armed && !now.Before(p.deadline) {
		p.disarm() // quietly: no beep
	}
	if !p.offline && now.Sub(p.lastPoll) >= OfflineAfter {
		p.offline, p.offlineSeen = true, true
		p.armed = false
		p.ledMask, p.ledBlink = allKeys(p.keys), true
	}
}

func (p *simPad) heardPoll(now time.Time) {
	p.lastPoll = now
	if p.offline {
		p.offline = false
		p.ledMask, p.ledBlink = 0, false
	}
}

func (p *simPad) disarm() {
	p.armed = false
	p.ledMask, p.ledBlink = 0, false
}

func (s *Sim) tickAll() {
	now := s.now()
	for _, p := range s.pads {
		p.tick(now)
	}
}

func (s *Sim) pad(a Addr) *simPad {
	for _, p := range s.pads {
		if p.addr == a {
			return p
		}
	}
	return nil
}

// Press is a citizen pressing key (1 = leftmost) on the keypad at addr. On
// an armed keypad it queues an event, disarms, blinks the key and beeps; on
// one that is not armed, or offline, it counts an unarmed press; with
// MaxQueued events unacknowledged it is refused (the keys flash) and
// nothing is counted. Press fails only for a keypad or key that does not
// exist; what the press did shows in State.
func (s *Sim) Press(addr Addr, key uint8) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pad(addr)
	if p == nil {
		return fmt.Errorf("%w: %#02x", ErrUnknownPad, uint8(addr))
	}
	if key < 1 || key > p.keys {
		return fmt.Errorf("%w: key %d on a keypad with %d keys", ErrBadKey, key, p.keys)
	}
	now := s.now()
	p.tick(now)
	switch {
	case !p.armed || p.offline:
		p.unarmed++
		s.log.Debug("press while not armed", "addr", addr, "key", key, "unarmed", p.unarmed)
	case len(p.queue) >= MaxQueued:
		// Never overwrite an event the host has not stored.
		s.log.Warn("press refused: queue full", "addr", addr, "key", key)
	default:
		p.lastID = NextEventID(p.lastID)
		p.queue = append(p.queue, simEvent{Event: Event{ID: p.lastID, Key: key, Session: p.session}, at: now})
		p.disarm()
		p.ledMask, p.ledBlink = 1<<(key-1), true
		p.beeps++
		s.log.Info("pressed", "addr", addr, "key", key, "event", p.lastID, "session", p.session, "ticket", p.ticket)
	}
	return nil
}

// State returns the keypad at addr as it is now, or false if there is none.
func (s *Sim) State(addr Addr) (SimState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pad(addr)
	if p == nil {
		return SimState{}, false
	}
	p.tick(s.now())
	return SimState{
		Addr: p.addr, Serial: p.serial, Keys: p.keys, Armed: p.armed, Ticket: p.ticket, Session: p.session,
		Queued: len(p.queue), Unarmed: p.unarmed, Offline: p.offline, LEDMask: p.ledMask, LEDBlink: p.ledBlink,
		Beeps: p.beeps, LastPoll: p.lastPoll,
	}, true
}

// DropReplies makes the next n replies, from any keypad, get lost in
// transit: the keypads act and remember them as sent, but nothing is
// written.
func (s *Sim) DropReplies(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drop = n
}

// Garbage makes the keypad at addr answer with random bytes, which never
// decode as a frame, instead of its replies (a broken transceiver); it still
// acts on requests.
func (s *Sim) Garbage(addr Addr, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pad(addr); p != nil {
		p.garbage = on
	}
}

// garbage returns 8–24 random bytes in which a Decoder finds no frame and
// which leave no frame begun: an SOF in them is followed by a bad LEN or a
// bad CRC within them. So the noise tests a driver's handling of a broken
// keypad without swallowing the next keypad's reply, which would make
// tests of the other keypads flaky.
func garbage() []byte {
	for {
		b := make([]byte, 8+rand.IntN(17))
		for i := range b {
			b[i] = byte(rand.Uint32())
		}
		d := NewDecoder(bytes.NewReader(b))
		if _, err := d.Next(); err != nil && d.Stats().Truncated == 0 {
			return b
		}
	}
}
