package ratingpad

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Driver defaults and limits.
const (
	// DefaultPoll is the time between two polls of one keypad. With many
	// keypads on a slow line a round takes longer (see PollLoad).
	DefaultPoll = 250 * time.Millisecond
	// DefaultRetries is how often a request without a reply is sent again,
	// with the same SEQ, before the keypad counts as offline.
	DefaultRetries = 2
	// OfflinePoll is how often an offline keypad is polled, so that it is
	// found again.
	OfflinePoll = time.Second
	// RatingsBuffer is how many ratings one keypad's Ratings channel holds.
	// While it is full the driver leaves the next event unacknowledged:
	// the keypad keeps it and reports it again.
	RatingsBuffer = 16

	// Reopening the port after a failure backs off from backoffMin,
	// doubling, to backoffMax.
	backoffMin = 500 * time.Millisecond
	backoffMax = 10 * time.Second
	// adapterSlack is added to every reply timeout: USB serial adapters
	// hold received bytes for up to 16 ms before passing them on (the FTDI
	// latency timer), which the line itself does not account for.
	adapterSlack = 20 * time.Millisecond
	// busyPause is the wait before a request a keypad refused as busy is
	// sent again (it is writing its memory).
	busyPause = ReplyWithin
)

// Errors of the Keypad methods of a Bus.
var (
	// ErrBusClosed means the Bus was closed.
	ErrBusClosed = errors.New("ratingpad: bus closed")
	// ErrOffline means the keypad did not answer, or the port is not open.
	ErrOffline = errors.New("ratingpad: keypad offline")
	// ErrNotOnBus means the address is not among the Bus's Pads.
	ErrNotOnBus = errors.New("ratingpad: keypad not on this bus")
	// ErrBadReply means a keypad answered with a payload that does not
	// decode: its firmware does not speak this protocol.
	ErrBadReply = errors.New("ratingpad: bad reply")
)

// NakError is a keypad's refusal of a request (a NAK reply).
type NakError struct {
	Cmd  Cmd   // the refused request
	Code uint8 // Nak* code
}

func (e *NakError) Error() string {
	what := fmt.Sprintf("code %#02x", e.Code)
	switch e.Code {
	case NakUnknownCommand:
		what = "unknown command"
	case NakBadPayload:
		what = "bad payload"
	case NakBusy:
		what = "busy"
	case NakNotAllowed:
		what = "not allowed"
	}
	return fmt.Sprintf("ratingpad: %v refused: %s", e.Cmd, what)
}

// BusConfig configures a Bus. Zero fields take their defaults.
type BusConfig struct {
	Name string // names the bus in logs
	// Dial opens the port. It is called again after a failure, with
	// backoff from 0.5 s to 10 s; see OpenSerial.
	Dial func(ctx context.Context) (Port, error)
	// Pads are the keypads' addresses. Duplicates and addresses that are
	// not a keypad's are left out, with a warning.
	Pads    []Addr
	Poll    time.Duration // time between two polls of one keypad; default DefaultPoll
	Reply   time.Duration // how soon a keypad starts its reply; default ReplyWithin
	Retries int           // default DefaultRetries; -1 means none
	// Baud is the line speed, for reply timeouts and the line's load in
	// Stats; default DefaultBaud. Use SerialTarget.Baud.
	Baud int
	// Window is not used: StartRating gets its timeout.
	Window func() time.Duration
	Log    *slog.Logger // default slog.Default()
}

// PadState is what the Bus knows of one keypad, for the console.
type PadState struct {
	Addr     Addr
	Online   bool // it answered its last request
	Serial   string
	Model    string
	Keys     uint8
	Firmware string // "1.0.0"
	LastSeen time.Time
	Err      string // why it is offline or what went wrong last, in Vietnamese for the console; "" when fine
	Unarmed  uint16 // presses while not armed since its power-up, wrapping
	Armed    bool
}

// BusStats counts a Bus's traffic since OpenBus.
type BusStats struct {
	TxBytes    uint64 // bytes written
	RxBytes    uint64 // bytes read, noise included
	Polls      uint64 // POLL requests sent, retries included
	Timeouts   uint64 // requests that got no reply in time
	BadFrames  uint64 // frame candidates the decoder threw away (bad CRC or LEN, cut short), and replies with a payload that does not decode
	Stray      uint64 // good frames that answer nothing the bus was waiting for: late replies, another master
	Reconnects uint64 // times the port was opened again after it failed or was lost
	Dropped    uint64 // events acknowledged but not delivered: a copy, an older session, a press after StopRating
	// LineBusy is how long the line was busy with the bus's traffic, as
	// computed from the bytes (LineTime) plus TurnaroundGap per exchange:
	// divided by the time elapsed it is the line's load.
	LineBusy time.Duration
}

// LineTime is how long n bytes take on a line at baud bits per second,
// 8N1: 10 bits a byte.
func LineTime(n, baud int) time.Duration {
	return time.Duration(n) * 10 * time.Second / time.Duration(baud)
}

// Line sizes of a POLL exchange without an event, in bytes.
const (
	PollRequestLen = MinFrameLen + 2 // Ack
	PollReplyLen   = MinFrameLen + 4 // Status, Unarmed, Queued
)

// PollTime is the least time one POLL exchange without an event keeps the
// line busy at baud: both frames' bytes and the host's TurnaroundGap. The
// keypad's own reaction time (up to ReplyWithin) comes on top.
func PollTime(baud int) time.Duration {
	return LineTime(PollRequestLen+PollReplyLen, baud) + TurnaroundGap
}

// PollLoad is the share of the line that polling pads keypads every poll
// takes at baud, from PollTime. Above 1 the line cannot keep up: each
// keypad is then polled every pads×PollTime instead.
func PollLoad(pads int, poll time.Duration, baud int) float64 {
	return float64(pads) * float64(PollTime(baud)) / float64(poll)
}

// Bus drives the keypads on one line. One goroutine owns the port: it
// opens it, sends one request at a time and waits for its reply, and
// reopens the port when it fails. Keypad methods hand it commands.
type Bus struct {
	cfg  BusConfig
	log  *slog.Logger
	pads []*busPad // in cfg.Pads order
	byID map[Addr]*busPad

	calls  chan *busCall
	ctx    context.Context // canceled by Close
	cancel context.CancelFunc
	done   chan struct{} // closed when run returned
	once   sync.Once

	mu       sync.Mutex // guards each busPad.st and portDown
	portDown error      // why the port is not open; nil while it is or before the first try

	tx, rx, polls, timeouts, bad, stray, reconnects, dropped, busy atomic.Uint64

	// Owned by run.
	seq    uint8
	lastRx time.Time
	next   int // round-robin start
	// seen holds recently delivered event ids by keypad serial number, to
	// deliver each rating once, across reconnects and address changes.
	seen map[string]*recentIDs
}

// linkState is what the bus knows of a keypad's link.
type linkState int

const (
	linkUnknown linkState = iota // not asked since the port opened
	linkOnline
	linkOffline
)

// busPad is one keypad. Everything but st is owned by run.
type busPad struct {
	addr    Addr
	ratings chan Rating
	queue   []*busCall

	link     linkState
	logged   linkState // the state last logged, to log each change once
	needInfo bool      // send GET_INFO before using its events
	due      time.Time // next poll
	ack      uint16    // last event id handled, sent in the next POLL
	serial   string
	keys     uint8

	session  uint16    // the last session id handed out
	armed    uint16    // the session the driver armed last; 0 after StopRating
	ticket   string    // of armed
	timeout  uint16    // of armed, seconds
	armUntil time.Time // when armed times out; zero once it was rated
	full     bool      // Ratings was full: logged once

	st PadState // guarded by Bus.mu
}

// busCall is a command for one keypad, from a Keypad method (done is
// buffered) or from the bus itself (done nil).
type busCall struct {
	ctx     context.Context
	p       *busPad
	cmd     Cmd
	ticket  string
	timeout uint16 // START_RATING, seconds
	session uint16 // a re-arm: this session, not a new one
	done    chan error
}

// OpenBus starts the driver of the keypads on one line. It never fails: a
// missing port is opened again and again in the background, and the
// keypads show as offline meanwhile.
func OpenBus(cfg BusConfig) *Bus {
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Reply <= 0 {
		cfg.Reply = ReplyWithin
	}
	switch {
	case cfg.Retries == 0:
		cfg.Retries = DefaultRetries
	case cfg.Retries < 0:
		cfg.Retries = 0
	}
	if cfg.Baud <= 0 {
		cfg.Baud = DefaultBaud
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	log = log.With("component", "ratingpad", "bus", cfg.Name)
	ctx, cancel := context.WithCancel(context.Background())
	b := &Bus{
		cfg: cfg, log: log, byID: map[Addr]*busPad{},
		calls: make(chan *busCall, 64), ctx: ctx, cancel: cancel, done: make(chan struct{}),
		seen: map[string]*recentIDs{},
	}
	for _, a := range cfg.Pads {
		if !a.IsKeypad() || b.byID[a] != nil {
			log.Warn("keypad address left out: not a keypad's, or given twice", "addr", uint8(a))
			continue
		}
		p := &busPad{
			addr: a, ratings: make(chan Rating, RatingsBuffer), needInfo: true,
			// A random start keeps a press left in a keypad from before a
			// restart from matching the first session after it.
			session: uint16(rand.Uint32()),
			st:      PadState{Addr: a, Err: "chưa kết nối"},
		}
		b.pads = append(b.pads, p)
		b.byID[a] = p
	}
	if cfg.Dial == nil {
		b.setPortDown(errors.New("ratingpad: no Dial"))
	}
	go b.run()
	return b
}

// Keypad returns the keypad at a. For an address not in Pads, its commands
// fail with ErrNotOnBus and its Ratings channel is closed.
func (b *Bus) Keypad(a Addr) Keypad {
	return &busKeypad{b: b, addr: a, p: b.byID[a]}
}

// States returns what the bus knows of each keypad, in Pads order.
func (b *Bus) States() []PadState {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := make([]PadState, len(b.pads))
	for i, p := range b.pads {
		s[i] = p.st
	}
	return s
}

// Stats returns the bus's counters.
func (b *Bus) Stats() BusStats {
	return BusStats{
		TxBytes: b.tx.Load(), RxBytes: b.rx.Load(), Polls: b.polls.Load(), Timeouts: b.timeouts.Load(),
		BadFrames: b.bad.Load(), Stray: b.stray.Load(), Reconnects: b.reconnects.Load(), Dropped: b.dropped.Load(),
		LineBusy: time.Duration(b.busy.Load()),
	}
}

// Close stops the driver, closes the port, fails commands in progress with
// ErrBusClosed and closes every keypad's Ratings channel.
func (b *Bus) Close() error {
	b.once.Do(func() {
		b.cancel()
		<-b.done
		for _, p := range b.pads {
			close(p.ratings)
		}
	})
	<-b.done
	return nil
}

// busKeypad is the Keypad of one address of a Bus.
type busKeypad struct {
	b    *Bus
	addr Addr
	p    *busPad // nil: not on the bus
}

var closedRatings = func() chan Rating { c := make(chan Rating); close(c); return c }()

// StartRating arms the keypad with a new session. timeout is rounded up to
// whole seconds, at most MaxTimeoutS; ticket is printable ASCII of at most
// MaxTicketLen. It returns when the keypad acknowledged; an error from
// ctx, ErrOffline, a NakError or ErrBusClosed otherwise.
func (k *busKeypad) StartRating(ctx context.Context, ticket string, timeout time.Duration) error {
	if timeout <= 0 {
		return fmt.Errorf("ratingpad: keypad %02x: start rating: timeout %v: %w", uint8(k.addr), timeout, ErrBadPayload)
	}
	secs := min((timeout+time.Second-1)/time.Second, MaxTimeoutS)
	if _, err := (StartRating{Session: 1, TimeoutS: uint16(secs), Ticket: ticket}).MarshalBinary(); err != nil {
		return fmt.Errorf("ratingpad: keypad %02x: start rating: %w", uint8(k.addr), err)
	}
	return k.call(ctx, &busCall{cmd: CmdStartRating, ticket: ticket, timeout: uint16(secs)}, "start rating")
}

// StopRating disarms the keypad: a press from now on is not delivered,
// even if the keypad did not acknowledge.
func (k *busKeypad) StopRating(ctx context.Context) error {
	return k.call(ctx, &busCall{cmd: CmdStopRating}, "stop rating")
}

// Ratings delivers the keypad's ratings, each once, for the session
// started last. Bus.Close closes it.
func (k *busKeypad) Ratings() <-chan Rating {
	if k.p == nil {
		return closedRatings
	}
	return k.p.ratings
}

// Close does nothing: the keypads of a bus share its goroutine and port,
// which Bus.Close stops.
func (k *busKeypad) Close() error { return nil }

func (k *busKeypad) call(ctx context.Context, c *busCall, what string) error {
	fail := func(err error) error { return fmt.Errorf("ratingpad: keypad %02x: %s: %w", uint8(k.addr), what, err) }
	if k.p == nil {
		return fail(ErrNotOnBus)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	c.ctx, c.p, c.done = ctx, k.p, make(chan error, 1)
	select {
	case k.b.calls <- c:
	case <-ctx.Done():
		return fail(context.Cause(ctx))
	case <-k.b.done:
		return fail(ErrBusClosed)
	}
	select {
	case err := <-c.done:
		if err != nil {
			return fail(err)
		}
		return nil
	case <-ctx.Done():
		return fail(context.Cause(ctx))
	case <-k.b.done:
		select {
		case err := <-c.done:
			if err != nil {
				return fail(err)
			}
			return nil
		default:
			return fail(ErrBusClosed)
		}
	}
}

// Errors inside the driver.
var (
	errNoReply  = errors.New("no reply")
	errNoisy    = errors.New("no reply, noise on the line")
	errPortLost = errors.New("port lost")
	errTimeout  = errors.New("reply timeout")
)

// run owns the port: it opens it, serves the keypads until the port fails,
// and opens it again, with backoff, until Close.
func (b *Bus) run() {
	defer close(b.done)
	defer b.failAll(ErrBusClosed)
	var backoff time.Duration
	opened := false
	for b.ctx.Err() == nil {
		port, err := b.dial()
		if err != nil {
			if b.ctx.Err() != nil {
				return
			}
			if b.setPortDown(fmt.Errorf("open: %w", err)) {
				b.log.Warn("cannot open the keypad line; retrying in the background", "err", err)
			} else {
				b.log.Debug("cannot open the keypad line", "err", err)
			}
			backoff = min(max(2*backoff, backoffMin), backoffMax)
			b.pause(backoff)
			continue
		}
		if opened {
			b.reconnects.Add(1)
		}
		opened, backoff = true, 0
		b.setPortUp()
		b.log.Info("keypad line open")
		err = b.serve(port)
		if b.ctx.Err() != nil {
			return
		}
		b.log.Warn("keypad line lost; reopening", "err", err)
		b.setPortDown(err)
		b.failAll(fmt.Errorf("%w: %w", ErrOffline, err))
		// A replugged USB adapter needs a moment before it is back.
		backoff = backoffMin
		b.pause(backoff)
	}
}

func (b *Bus) dial() (Port, error) {
	if b.cfg.Dial == nil {
		return nil, errors.New("no dial function configured")
	}
	p, err := b.cfg.Dial(b.ctx)
	if err == nil && p == nil {
		err = errors.New("dial returned no port")
	}
	return p, err
}

// pause waits d while the port is closed, failing commands at once.
func (b *Bus) pause(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return
		case <-b.ctx.Done():
			return
		case c := <-b.calls:
			b.mu.Lock()
			err := b.portDown
			b.mu.Unlock()
			c.done <- fmt.Errorf("%w: %w", ErrOffline, err)
		}
	}
}

// setPortDown records why the port is closed and shows every keypad as
// offline. It reports whether the port was open (or not tried) before.
func (b *Bus) setPortDown(err error) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	was := b.portDown == nil
	b.portDown = err
	words := "mất kết nối với đường dây bàn phím"
	if errors.Is(err, ErrPortBusy) {
		words = "cổng nối tiếp đang bị chương trình khác dùng"
	} else if !errors.Is(err, errPortLost) {
		words = "không mở được cổng nối tiếp của bàn phím"
	}
	for _, p := range b.pads {
		p.st.Online, p.st.Armed, p.st.Err = false, false, words
	}
	return was
}

// setPortUp marks the port open: every keypad is asked again, GET_INFO
// first.
func (b *Bus) setPortUp() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.portDown = nil
	for _, p := range b.pads {
		p.link, p.needInfo, p.due = linkUnknown, true, time.Time{}
		p.st.Err = ""
	}
}

// failAll answers every command not yet served.
func (b *Bus) failAll(err error) {
	for _, p := range b.pads {
		for _, c := range p.queue {
			if c.done != nil {
				c.done <- err
			}
		}
		p.queue = nil
	}
	for {
		select {
		case c := <-b.calls:
			c.done <- err
		default:
			return
		}
	}
}

// busConn is an open port and its reader.
type busConn struct {
	port   Port
	frames chan Frame
	failed chan struct{} // closed when the reader met a read error
	err    error         // that error, set before failed is closed
	stop   chan struct{}
}

// countingReader counts the bytes read.
type countingReader struct {
	r Port
	n *atomic.Uint64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n.Add(uint64(n))
	}
	return n, err
}

// startReader reads frames from the port until it fails or is closed.
func (b *Bus) startReader(port Port) *busConn {
	c := &busConn{port: port, frames: make(chan Frame, 16), failed: make(chan struct{}), stop: make(chan struct{})}
	go func() {
		d := NewDecoder(countingReader{port, &b.rx})
		d.OnDiscard = func(err error) {
			b.bad.Add(1)
			b.log.Debug("frame discarded", "err", err)
		}
		for {
			f, err := d.Next()
			switch {
			case err == nil:
				select {
				case c.frames <- f:
				case <-c.stop:
					return
				}
			case errors.Is(err, ErrNoData): // the read timeout: keep reading
				select {
				case <-c.stop:
					return
				default:
				}
			default:
				c.err = err
				close(c.failed)
				return
			}
		}
	}()
	return c
}

func (c *busConn) close() {
	close(c.stop)
	c.port.Close() // makes a blocked Read return
}

// serve talks to the keypads until the port fails (its error) or Close
// (nil).
func (b *Bus) serve(port Port) error {
	c := b.startReader(port)
	defer c.close()
	for b.ctx.Err() == nil {
		b.takeCalls()
		now := time.Now()
		p, wake := b.pick(now)
		if p != nil {
			if err := b.work(c, p); errors.Is(err, errPortLost) {
				return err
			}
			continue
		}
		var (
			t  *time.Timer
			tc <-chan time.Time
		)
		if !wake.IsZero() {
			t = time.NewTimer(wake.Sub(now))
			tc = t.C
		}
		select {
		case <-tc:
		case call := <-b.calls:
			call.p.queue = append(call.p.queue, call)
		case f := <-c.frames:
			b.strayFrame(f)
		case <-c.failed:
			return fmt.Errorf("%w: read: %w", errPortLost, c.err)
		case <-b.ctx.Done():
		}
		if t != nil {
			t.Stop()
		}
	}
	return nil
}

func (b *Bus) takeCalls() {
	for {
		select {
		case c := <-b.calls:
			c.p.queue = append(c.p.queue, c)
		default:
			return
		}
	}
}

// pick returns the next keypad to talk to, in turn: first one with a
// command waiting (a citizen is waiting for the keys to light up), then
// one whose poll is due. With none, wake is when the next poll is due
// (zero: no keypads).
func (b *Bus) pick(now time.Time) (p *busPad, wake time.Time) {
	n := len(b.pads)
	for i := range n {
		if q := b.pads[(b.next+i)%n]; len(q.queue) > 0 {
			b.next = (b.next + i + 1) % n
			return q, time.Time{}
		}
	}
	for i := range n {
		q := b.pads[(b.next+i)%n]
		if !q.due.After(now) {
			b.next = (b.next + i + 1) % n
			return q, time.Time{}
		}
		if wake.IsZero() || q.due.Before(wake) {
			wake = q.due
		}
	}
	return nil, wake
}

// work does one thing with p: a command, GET_INFO or a POLL. It returns
// an error wrapping errPortLost when the port failed.
func (b *Bus) work(c *busConn, p *busPad) error {
	if len(p.queue) > 0 {
		call := p.queue[0]
		p.queue = p.queue[1:]
		return b.serveCall(c, p, call)
	}
	start := time.Now()
	if p.needInfo && p.link != linkOffline {
		return b.getInfo(c, p, start)
	}
	return b.poll(c, p, start)
}

// serveCall sends a command and answers its caller.
func (b *Bus) serveCall(c *busConn, p *busPad, call *busCall) error {
	answer := func(err error) {
		if call.done != nil {
			call.done <- err
		}
	}
	if call.ctx != nil && call.ctx.Err() != nil {
		answer(context.Cause(call.ctx))
		return nil
	}
	now := time.Now()
	var payload []byte
	switch call.cmd {
	case CmdStartRating:
		s := call.session
		if s != 0 { // a re-arm after the keypad restarted or showed offline
			if s != p.armed || !now.Before(p.armUntil) {
				return nil // replaced, stopped, rated or timed out meanwhile
			}
			call.timeout = uint16(min((p.armUntil.Sub(now)+time.Second-1)/time.Second, MaxTimeoutS))
		} else {
			p.session++
			if p.session == 0 {
				p.session = 1
			}
			s = p.session
			p.armUntil = now.Add(time.Duration(call.timeout) * time.Second)
		}
		var err error
		payload, err = StartRating{Session: s, TimeoutS: call.timeout, Ticket: call.ticket}.MarshalBinary()
		if err != nil { // StartRating checked the values
			answer(err)
			return nil
		}
		// From now on only this session's press is delivered: the keypad
		// may be armed with it even if its reply gets lost.
		p.armed, p.ticket = s, call.ticket
	case CmdStopRating:
		p.armed, p.ticket, p.armUntil = 0, "", time.Time{}
	}
	_, err := b.exchange(c, p, call.cmd, payload)
	switch {
	case errors.Is(err, errPortLost):
		answer(fmt.Errorf("%w: %w", ErrOffline, err))
		return err
	case errors.Is(err, ErrBusClosed):
		answer(err)
		return nil
	}
	b.result(p, err)
	if err == nil || errors.As(err, new(*NakError)) {
		answer(err)
	} else {
		answer(fmt.Errorf("%w: %w", ErrOffline, err))
	}
	return nil
}

// getInfo asks p for its serial number, keys and firmware.
func (b *Bus) getInfo(c *busConn, p *busPad, start time.Time) error {
	f, err := b.exchange(c, p, CmdGetInfo, nil)
	if errors.Is(err, errPortLost) || errors.Is(err, ErrBusClosed) {
		return err
	}
	p.due = start.Add(b.cfg.Poll) // also paces GET_INFO to a keypad that refuses it
	var in Info
	if err == nil {
		if e := in.UnmarshalBinary(f.Payload); e != nil {
			b.bad.Add(1)
			err = fmt.Errorf("%w: %w", ErrBadReply, e)
		}
	}
	b.result(p, err)
	if err != nil {
		return nil
	}
	b.handleInfo(p, in)
	return nil
}

// handleInfo takes a GET_INFO reply.
func (b *Bus) handleInfo(p *busPad, in Info) {
	if p.serial != in.Serial {
		if p.serial != "" {
			b.log.Warn("another keypad at this address", "addr", uint8(p.addr), "serial", in.Serial, "was", p.serial)
		}
		// Its event ids have nothing to do with the last keypad's.
		p.ack = 0
	}
	if p.serial != in.Serial || p.st.Firmware == "" {
		b.log.Info("keypad found", "addr", uint8(p.addr), "serial", in.Serial, "model", in.Model, "keys", in.Keys,
			"firmware", fmt.Sprintf("%d.%d.%d", in.Firmware[0], in.Firmware[1], in.Firmware[2]), "protocol", in.Protocol)
	}
	if in.Protocol != ProtocolVersion {
		b.log.Warn("keypad speaks another protocol version", "addr", uint8(p.addr), "protocol", in.Protocol, "want", ProtocolVersion)
	}
	p.serial, p.keys, p.needInfo = in.Serial, in.Keys, false
	b.mu.Lock()
	p.st.Serial, p.st.Model, p.st.Keys = in.Serial, in.Model, in.Keys
	p.st.Firmware = fmt.Sprintf("%d.%d.%d", in.Firmware[0], in.Firmware[1], in.Firmware[2])
	b.mu.Unlock()
}

// poll sends p a POLL with the last event handled and takes its reply.
func (b *Bus) poll(c *busConn, p *busPad, start time.Time) error {
	payload, _ := Poll{Ack: p.ack}.MarshalBinary()
	f, err := b.exchange(c, p, CmdPoll, payload)
	if errors.Is(err, errPortLost) || errors.Is(err, ErrBusClosed) {
		return err
	}
	var r PollReply
	if err == nil {
		if e := r.UnmarshalBinary(f.Payload); e != nil {
			b.bad.Add(1)
			err = fmt.Errorf("%w: %w", ErrBadReply, e)
		}
	}
	b.result(p, err)
	if p.link == linkOffline {
		p.due = start.Add(OfflinePoll)
	} else {
		p.due = start.Add(b.cfg.Poll)
	}
	if err == nil {
		b.handlePoll(p, r, time.Now())
	}
	return nil
}

// handlePoll takes a POLL reply: the keypad's state and its oldest event.
func (b *Bus) handlePoll(p *busPad, r PollReply, now time.Time) {
	b.mu.Lock()
	p.st.Armed, p.st.Unarmed = r.Status&StatusArmed != 0, r.Unarmed
	b.mu.Unlock()
	if r.Status&StatusBooted != 0 {
		b.log.Info("keypad restarted", "addr", uint8(p.addr))
		p.needInfo = true // it may be another keypad
	}
	if r.Status&(StatusBooted|StatusOffline) != 0 && r.Status&StatusArmed == 0 {
		b.rearm(p, now)
	}
	if r.Queued > 1 {
		p.due = now // more events: ask again at once
	}
	e := r.Event
	if e == nil || p.needInfo {
		return // without its serial number and keys an event cannot be handled: it stays queued
	}
	drop := func(why string) {
		b.dropped.Add(1)
		b.log.Debug("keypad event not delivered", "addr", uint8(p.addr), "serial", p.serial, "event", e.ID, "session", e.Session, "why", why)
		p.ack = e.ID
	}
	seen := b.seen[p.serial]
	if seen == nil {
		seen = &recentIDs{}
		b.seen[p.serial] = seen
	}
	if seen.has(e.ID) {
		drop("delivered before")
		return
	}
	if p.armed == 0 || e.Session != p.armed {
		drop("not the session armed last")
		return
	}
	level, ok := Level(e.Key, p.keys)
	if !ok {
		drop("key out of range")
		return
	}
	rt := Rating{
		Level: level, EventID: e.ID, Serial: p.serial, Ticket: p.ticket, Keys: p.keys,
		At: now.Add(-time.Duration(e.Age) * 100 * time.Millisecond),
	}
	select {
	case p.ratings <- rt:
	default:
		// Left unacknowledged, the keypad keeps it and reports it again.
		if !p.full {
			b.log.Warn("ratings not taken: the keypad keeps them meanwhile", "addr", uint8(p.addr))
			p.full = true
		}
		return
	}
	p.full = false
	seen.add(e.ID)
	p.armUntil = time.Time{} // rated: nothing to re-arm
	p.ack = e.ID
}

// rearm arms p again with its session when the keypad lost it (it
// restarted, or disarmed when it heard no POLL for a while) before the
// session's time is up.
func (b *Bus) rearm(p *busPad, now time.Time) {
	if p.armed == 0 || !now.Before(p.armUntil) {
		return
	}
	for _, c := range p.queue {
		if c.cmd == CmdStartRating || c.cmd == CmdStopRating {
			return // the caller's command comes first
		}
	}
	b.log.Info("arming the keypad again", "addr", uint8(p.addr), "session", p.armed)
	p.queue = append(p.queue, &busCall{cmd: CmdStartRating, session: p.armed, ticket: p.ticket})
}

// result updates p's link after an exchange: any answer, a NAK too,
// means it is online.
func (b *Bus) result(p *busPad, err error) {
	now := time.Now()
	var nak *NakError
	if err != nil && !errors.As(err, &nak) {
		p.link = linkOffline
		b.mu.Lock()
		p.st.Online, p.st.Err = false, errWords(err)
		b.mu.Unlock()
		if p.logged != linkOffline {
			b.log.Warn("keypad offline", "addr", uint8(p.addr), "err", err)
			p.logged = linkOffline
		}
		return
	}
	if p.link == linkOffline {
		p.needInfo = true // coming back: it may have restarted, or be another keypad
	}
	p.link = linkOnline
	if p.logged == linkOffline {
		b.log.Info("keypad answers again", "addr", uint8(p.addr))
	}
	p.logged = linkOnline
	b.mu.Lock()
	p.st.Online, p.st.LastSeen, p.st.Err = true, now, ""
	if nak != nil {
		p.st.Err = errWords(err)
	}
	b.mu.Unlock()
}

// errWords says what went wrong, in Vietnamese for the console.
func errWords(err error) string {
	var nak *NakError
	switch {
	case errors.As(err, &nak):
		if nak.Code == NakBusy {
			return "bàn phím đang bận, chưa nhận lệnh"
		}
		return "bàn phím từ chối lệnh " + nak.Cmd.String()
	case errors.Is(err, ErrBadReply):
		return "bàn phím trả lời sai giao thức"
	case errors.Is(err, errNoisy):
		return "bàn phím không trả lời đúng: đường dây nhiễu hoặc bàn phím hỏng"
	case errors.Is(err, errNoReply):
		return "bàn phím không trả lời"
	}
	return "lỗi: " + err.Error()
}

// exchange sends p one request and returns its reply, sending it again
// with the same SEQ (so the keypad does not act twice) while no reply
// comes, or with a new SEQ after a busy NAK. A NAK is returned as a
// *NakError with the frame. An offline keypad gets one try.
func (b *Bus) exchange(c *busConn, p *busPad, cmd Cmd, payload []byte) (Frame, error) {
	tries := b.cfg.Retries + 1
	if p.link == linkOffline {
		tries = 1
	}
	b.seq++
	req := Frame{Dst: p.addr, Src: AddrHost, Seq: b.seq, Cmd: cmd, Payload: payload}
	noisy := false
	for try := 0; try < tries; try++ {
		wire, err := req.MarshalBinary()
		if err != nil {
			return Frame{}, err
		}
		if d := TurnaroundGap - time.Since(b.lastRx); d > 0 {
			time.Sleep(d)
		}
		for len(c.frames) > 0 { // late replies to something else
			b.strayFrame(<-c.frames)
		}
		if cmd == CmdPoll {
			b.polls.Add(1)
		}
		rx := b.rx.Load()
		n, err := c.port.Write(wire)
		b.tx.Add(uint64(n))
		b.busy.Add(uint64(LineTime(n, b.cfg.Baud)))
		if err != nil {
			return Frame{}, fmt.Errorf("%w: write: %w", errPortLost, err)
		}
		f, err := b.await(c, req, b.replyTimeout(len(wire), cmd))
		switch {
		case errors.Is(err, errTimeout):
			b.timeouts.Add(1)
			// Bytes came, but no reply in them.
			noisy = noisy || b.rx.Load() != rx
			continue
		case err != nil:
			return Frame{}, err
		}
		b.lastRx = time.Now()
		b.busy.Add(uint64(LineTime(MinFrameLen+len(f.Payload), b.cfg.Baud) + TurnaroundGap))
		if f.Cmd != CmdNAK.Reply() {
			return f, nil
		}
		nak := &NakError{Cmd: cmd}
		if len(f.Payload) == 1 {
			nak.Code = f.Payload[0]
		}
		if nak.Code != NakBusy || try+1 == tries {
			return f, nak
		}
		// Busy: it did not act, and would repeat the NAK to the same SEQ.
		time.Sleep(busyPause)
		b.seq++
		req.Seq = b.seq
	}
	if noisy {
		return Frame{}, errNoisy
	}
	return Frame{}, errNoReply
}

// replyTimeout is how long to wait for the reply to a request of n bytes:
// its bytes leaving the UART, the keypad's reaction time, the longest
// reply's bytes, and what a USB adapter adds.
func (b *Bus) replyTimeout(n int, cmd Cmd) time.Duration {
	reply := MinFrameLen + 1 // an empty reply or a NAK
	switch cmd {
	case CmdPoll:
		reply = MinFrameLen + 11
	case CmdGetInfo:
		reply = MinFrameLen + 7 + MaxSerialLen + MaxModelLen
	}
	return LineTime(n, b.cfg.Baud) + b.cfg.Reply + LineTime(reply, b.cfg.Baud) + adapterSlack
}

// await waits for the reply to req: the same keypad, SEQ and command (or
// a NAK). Anything else on the line is counted and skipped.
func (b *Bus) await(c *busConn, req Frame, timeout time.Duration) (Frame, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case f := <-c.frames:
			if f.Dst == AddrHost && f.Src == req.Dst && f.Seq == req.Seq && (f.Cmd == req.Cmd.Reply() || f.Cmd == CmdNAK.Reply()) {
				return f, nil
			}
			b.strayFrame(f)
		case <-c.failed:
			return Frame{}, fmt.Errorf("%w: read: %w", errPortLost, c.err)
		case <-t.C:
			return Frame{}, errTimeout
		case <-b.ctx.Done():
			return Frame{}, ErrBusClosed
		}
	}
}

func (b *Bus) strayFrame(f Frame) {
	b.stray.Add(1)
	b.log.Debug("stray frame", "frame", f.String())
}

// recentIDs remembers the last event ids delivered from one keypad. A copy
// can only come back while the keypad still holds the event, a few
// exchanges later, so a short memory is enough.
type recentIDs struct {
	ids [64]uint16
	n   int
}

func (r *recentIDs) has(id uint16) bool {
	for _, v := range r.ids[:min(r.n, len(r.ids))] {
		if v == id {
			return true
		}
	}
	return false
}

func (r *recentIDs) add(id uint16) {
	r.ids[r.n%len(r.ids)] = id
	r.n++
}
