package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Driver limits and defaults.
const (
	// QueueLen is how many jobs may wait for one printer; Print blocks
	// (until ctx ends) while the queue is full.
	QueueLen = 32
	// Reconnection backoff after a failed dial or a lost connection,
	// doubling from backoffMin up to backoffMax.
	backoffMin = 500 * time.Millisecond
	backoffMax = 30 * time.Second
	// inboxMax bounds the unread bytes kept from a printer's back channel;
	// older bytes are dropped (they are stale by then).
	inboxMax = 4096
)

// Timeouts bound how long the driver waits for a printer. A zero field
// takes its default.
type Timeouts struct {
	// Query bounds the wait for the reply to one DLE EOT query. Default
	// 500 ms: the printer answers on receipt, even off-line.
	Query time.Duration
	// Completion bounds the wait for the completion marker after a job
	// was sent. Default 8 s (a ticket prints in 1–3 s), plus the time the
	// job's bytes take on a serial line. The ctx given to Print should
	// allow for it: a ctx that ends first makes the job unconfirmed too.
	Completion time.Duration
	// Drain is the quiet time that ends the draining of stale input before
	// each job and status query (at most 10 times as long is spent
	// draining). Default 50 ms.
	Drain time.Duration
}

var defaultTimeouts = Timeouts{Query: 500 * time.Millisecond, Completion: 8 * time.Second, Drain: 50 * time.Millisecond}

func (t Timeouts) withDefaults() Timeouts {
	if t.Query <= 0 {
		t.Query = defaultTimeouts.Query
	}
	if t.Completion <= 0 {
		t.Completion = defaultTimeouts.Completion
	}
	if t.Drain <= 0 {
		t.Drain = defaultTimeouts.Drain
	}
	return t
}

// request is one Print or Status call waiting for the printer's goroutine.
type request struct {
	ctx    context.Context
	job    Job
	status bool          // a Status call, not a Print
	state  atomic.Int32  // reqQueued, then reqTaken by the driver or reqWithdrawn by the caller
	done   chan response // buffered 1; answered exactly once when taken
}

const (
	reqQueued int32 = iota
	reqTaken
	reqWithdrawn
)

type response struct {
	st  Status
	err error
}

// driver is the usb, tcp and serial printer: one goroutine (run) owns the
// transport and serves the queue, so jobs never interleave on the wire and
// a status query never lands in the middle of a job.
type driver struct {
	name   string
	target Target
	prof   Profile
	to     Timeouts
	log    *slog.Logger
	// dial opens the transport: a usblp device file, a serial port, a TCP
	// connection to port 9100, or net.Pipe in tests.
	dial func(ctx context.Context) (io.ReadWriteCloser, error)

	reqs    chan *request
	closed  atomic.Bool
	quit    chan struct{} // closed by Close
	stopped chan struct{} // closed when run has returned
	once    sync.Once
	runCtx  context.Context // canceled by Close: aborts the job on the wire
	cancel  context.CancelFunc

	// Owned by run.
	conn     io.ReadWriteCloser
	in       *inbox
	sc       replyScanner
	seq      uint32 // process ID counter for GS ( H
	backoff  time.Duration
	retryAt  time.Time // next background dial; zero: none scheduled
	lastErr  error     // why the printer is not connected
	noReadLP bool      // usb: the back channel failed; use LPGETSTATUS
}

func newDriver(name string, t Target, o options, dial func(ctx context.Context) (io.ReadWriteCloser, error)) *driver {
	ctx, cancel := context.WithCancel(context.Background())
	d := &driver{
		name: name, target: t, prof: o.profile, to: o.timeouts.withDefaults(),
		log:  slog.Default().With("component", "printer", "printer", name),
		dial: dial, reqs: make(chan *request, QueueLen),
		quit: make(chan struct{}), stopped: make(chan struct{}),
		runCtx: ctx, cancel: cancel,
	}
	go d.run()
	return d
}

// Print queues job and waits for its outcome.
func (d *driver) Print(ctx context.Context, job Job) error {
	res, err := d.call(ctx, &request{ctx: ctx, job: job}, "print job "+job.ID)
	if err != nil {
		return err
	}
	return res.err
}

// Status queues a status query and waits for the answer.
func (d *driver) Status(ctx context.Context) (Status, error) {
	res, err := d.call(ctx, &request{ctx: ctx, status: true}, "status")
	if err != nil {
		return Status{}, err
	}
	return res.st, res.err
}

// call hands r to run and waits for its answer. Every request is answered
// exactly once: by run once it took r, or here when r is withdrawn before.
func (d *driver) call(ctx context.Context, r *request, what string) (response, error) {
	if d.closed.Load() {
		return response{}, fmt.Errorf("printer %s: %s: %w", d.name, what, ErrClosed)
	}
	r.done = make(chan response, 1)
	select {
	case d.reqs <- r:
	case <-ctx.Done():
		return response{}, fmt.Errorf("printer %s: %s: not sent: %w", d.name, what, context.Cause(ctx))
	case <-d.quit:
		return response{}, fmt.Errorf("printer %s: %s: %w", d.name, what, ErrClosed)
	}
	select {
	case res := <-r.done:
		return res, nil
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqQueued, reqWithdrawn) {
			return response{}, fmt.Errorf("printer %s: %s: not sent: %w", d.name, what, context.Cause(ctx))
		}
		// run took it and watches ctx itself: its answer comes soon and
		// says whether bytes went out.
		return <-r.done, nil
	case <-d.stopped:
		if r.state.CompareAndSwap(reqQueued, reqWithdrawn) {
			return response{}, fmt.Errorf("printer %s: %s: %w", d.name, what, ErrClosed)
		}
		return <-r.done, nil
	}
}

// Close stops the printer's goroutine, failing queued jobs with ErrClosed
// (they were not sent) and aborting a job on the wire, and closes the
// transport.
func (d *driver) Close() error {
	d.once.Do(func() {
		d.closed.Store(true)
		close(d.quit)
		d.cancel()
	})
	<-d.stopped
	return nil
}

func (d *driver) run() {
	defer close(d.stopped)
	defer d.disconnect()
	for {
		var retry <-chan time.Time
		var timer *time.Timer
		if d.conn == nil && !d.retryAt.IsZero() {
			timer = time.NewTimer(time.Until(d.retryAt))
			retry = timer.C
		}
		var backCh <-chan struct{}
		if d.in != nil {
			backCh = d.in.notify
		}
		select {
		case <-d.quit:
			for {
				select {
				case r := <-d.reqs:
					if r.state.CompareAndSwap(reqQueued, reqTaken) {
						what := "status"
						if !r.status {
							what = "print job " + r.job.ID + ": not sent"
						}
						r.done <- response{err: fmt.Errorf("printer %s: %s: %w", d.name, what, ErrClosed)}
					}
				default:
					return
				}
			}
		case r := <-d.reqs:
			if !r.state.CompareAndSwap(reqQueued, reqTaken) {
				continue // withdrawn: its caller has answered itself
			}
			if r.status {
				st, err := d.serveStatus(r.ctx)
				r.done <- response{st: st, err: err}
			} else {
				r.done <- response{err: d.servePrint(r.ctx, r.job)}
			}
		case <-retry:
			ctx, cancel := context.WithTimeout(d.runCtx, dialTimeout)
			_ = d.connect(ctx)
			cancel()
		case <-backCh:
			// Idle: consume what the printer sends (an ASB, a late reply)
			// and notice a connection the printer closed.
			if b, err := d.in.take(); err != nil {
				d.lost(err)
			} else {
				for _, c := range b {
					d.sc.feed(c)
				}
			}
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// connect dials the transport if there is none.
func (d *driver) connect(ctx context.Context) error {
	if d.conn != nil {
		return nil
	}
	if ctx.Err() == nil {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, dialTimeout)
			defer cancel()
		}
	}
	conn, err := d.dial(ctx)
	if err != nil {
		err = fmt.Errorf("open %s: %w", d.target, deviceErr(err))
		d.schedule(err)
		return err
	}
	d.conn, d.sc, d.backoff, d.retryAt, d.lastErr, d.noReadLP = conn, replyScanner{}, 0, time.Time{}, nil, false
	if d.needsReader() {
		d.in = newInbox()
		go d.in.readFrom(conn, d.classifyReadErr)
	}
	d.log.Debug("connected", "target", d.target.String())
	return nil
}

// needsReader tells whether the back channel is read: always on TCP (to
// see the printer hang up, and so the socket never holds unread bytes,
// which would make closing it send a reset that loses the job's tail), and
// on usb and serial when the profile expects answers.
func (d *driver) needsReader() bool {
	return d.target.Scheme == SchemeTCP || d.prof.RealtimeStatus || d.prof.Completion != ""
}

// schedule records why the printer is not connected and when to try again.
func (d *driver) schedule(err error) {
	d.lastErr = err
	if d.backoff == 0 {
		d.backoff = backoffMin
	} else {
		d.backoff = min(2*d.backoff, backoffMax)
	}
	d.retryAt = time.Now().Add(d.backoff)
}

// lost drops a broken connection and schedules a reconnection.
func (d *driver) lost(err error) {
	d.log.Info("connection lost", "err", err)
	d.disconnect()
	d.schedule(fmt.Errorf("%w: %w", ErrOffline, err))
}

// disconnect closes the transport, which ends its reader.
func (d *driver) disconnect() {
	if d.conn != nil {
		d.conn.Close()
		d.conn, d.in = nil, nil
	}
}

// servePrint prints job: status check, the job, the completion marker.
func (d *driver) servePrint(ctx context.Context, job Job) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(d.runCtx, cancel)()
	fail := func(err error) error { return fmt.Errorf("printer %s: print job %s: %w", d.name, job.ID, err) }

	if err := ctx.Err(); err != nil {
		return fail(fmt.Errorf("not sent: %w", d.cause(ctx)))
	}
	if err := d.connect(ctx); err != nil {
		return fail(err)
	}
	if st, known, err := d.query(ctx); err != nil {
		return fail(fmt.Errorf("not sent: %w", err))
	} else if known {
		if err := st.Err(); err != nil {
			return fail(fmt.Errorf("not sent: %w", err))
		}
	}

	// Closing the transport is what unblocks a write to a printer that
	// stopped taking bytes when ctx ends. (A usblp write returns only when
	// the kernel driver gives up.)
	conn := d.conn
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	n, err := conn.Write(job.Data)
	if err == nil {
		if dr, ok := conn.(interface{ Drain() error }); ok {
			err = dr.Drain() // a serial port: the bytes left the UART
		}
	}
	canceled := !stop()
	switch {
	case err != nil || canceled:
		cause := deviceErr(err)
		if canceled {
			cause = d.cause(ctx) // the transport was closed to unblock the write
			err = cause
		}
		d.lost(err)
		if n == 0 {
			return fail(fmt.Errorf("not sent: write %s: %w", d.target, cause))
		}
		if n == len(job.Data) {
			return fail(fmt.Errorf("%w: sent, then: %w", ErrUnconfirmed, cause))
		}
		return fail(fmt.Errorf("%w: cut after %d of %d bytes: write %s: %w", ErrUnconfirmed, n, len(job.Data), d.target, cause))
	}
	return d.confirm(ctx, job)
}

// confirm waits for the job's completion marker, if the profile has one.
func (d *driver) confirm(ctx context.Context, job Job) error {
	fail := func(err error) error { return fmt.Errorf("printer %s: print job %s: %w", d.name, job.ID, err) }
	var (
		cmd   []byte
		match func(reply) (ok bool, err error)
	)
	switch d.prof.Completion {
	case CompletionProcessID:
		d.seq++
		var id [4]byte
		copy(id[:], fmt.Sprintf("%04d", d.seq%10000))
		cmd = processIDCommand(id)
		match = func(r reply) (bool, error) {
			got, ok := r.processID()
			return ok && got == id, nil
		}
	case CompletionStatus:
		cmd = paperStatusCommand
		match = func(r reply) (bool, error) {
			if r.kind != replyOther {
				return false, nil
			}
			_, end, err := parsePaperStatus(r.b)
			if err != nil {
				return false, nil
			}
			if end {
				return true, ErrPaperOut
			}
			return true, nil
		}
	default:
		return nil // the printer took the bytes: that is all it can say
	}
	if _, err := d.conn.Write(cmd); err != nil {
		d.lost(err)
		return fail(fmt.Errorf("%w: completion marker: %w", ErrUnconfirmed, deviceErr(err)))
	}
	timeout := d.to.Completion
	if d.target.Scheme == SchemeSerial && d.target.Baud > 0 {
		timeout += time.Duration(len(job.Data)) * 10 * time.Second / time.Duration(d.target.Baud)
	}
	var result error
	_, err := d.await(ctx, timeout, func(r reply) bool {
		ok, e := match(r)
		result = e
		return ok
	})
	switch {
	case err == nil && result != nil:
		return fail(fmt.Errorf("%w: paper sensor after the job: %w", ErrUnconfirmed, result))
	case err == nil:
		return nil
	case errors.Is(err, errLost):
		return fail(fmt.Errorf("%w: connection cut before the printer confirmed: %w", ErrUnconfirmed, err))
	case ctx.Err() != nil:
		return fail(fmt.Errorf("%w: waiting for the completion marker: %w", ErrUnconfirmed, d.cause(ctx)))
	}
	// No marker in time: ask why, for the console (the paper may have
	// run out mid-job). The job stays unconfirmed whatever the answer.
	qctx, cancel := context.WithTimeout(d.runCtx, 4*d.to.Query)
	defer cancel()
	st, known, qerr := d.query(qctx)
	switch {
	case qerr != nil:
		return fail(fmt.Errorf("%w: no completion marker within %v: %w", ErrUnconfirmed, timeout, qerr))
	case known && st.Err() != nil:
		return fail(fmt.Errorf("%w: no completion marker within %v: %w", ErrUnconfirmed, timeout, st.Err()))
	}
	// The printer answers but did not confirm: the next job's status
	// check decides whether it can print; this one stays unknown.
	return fail(fmt.Errorf("%w: no completion marker within %v", ErrUnconfirmed, timeout))
}

// serveStatus answers Status.
func (d *driver) serveStatus(ctx context.Context) (Status, error) {
	fail := func(err error) (Status, error) {
		return Status{}, fmt.Errorf("printer %s: status: %w", d.name, err)
	}
	if err := ctx.Err(); err != nil {
		return fail(d.cause(ctx))
	}
	if d.conn == nil && !d.retryAt.IsZero() && time.Now().Before(d.retryAt) {
		// Reconnecting in the background: do not hammer the device for
		// a console that polls.
		return fail(d.lastErr)
	}
	if err := d.connect(ctx); err != nil {
		return fail(err)
	}
	st, known, err := d.query(ctx)
	if err != nil {
		s, e := fail(err)
		if errors.Is(err, errNoAnswer) {
			s.Unknown = true
		}
		return s, e
	}
	if !known {
		return Status{Online: true}, nil // reachable; the printer cannot say more
	}
	return st, nil
}

var (
	errNoAnswer = fmt.Errorf("%w: no answer to the status query", ErrOffline)
	errLost     = fmt.Errorf("%w: connection lost", ErrOffline)
)

// query asks for the printer's state before a job: DLE EOT 1, 2, 4 (and 3
// when 2 reports an error), after draining stale input; LPGETSTATUS for a
// usb printer that cannot answer DLE EOT. known is false when the printer
// cannot report its state. A printer that does not answer in time makes
// err wrap errNoAnswer (and ErrOffline); the connection is then dropped so
// that a late reply cannot be taken for the answer to a later query.
func (d *driver) query(ctx context.Context) (st Status, known bool, err error) {
	if !d.prof.RealtimeStatus || d.noReadLP {
		if d.target.Scheme == SchemeUSB {
			if s, ok := d.lpStatus(); ok {
				return s, true, nil
			}
		}
		if d.in != nil {
			if _, err := d.in.take(); err != nil { // the printer hung up
				d.lost(err)
				return Status{}, false, fmt.Errorf("%w: %w", errLost, err)
			}
		}
		return Status{}, false, nil
	}
	if err := d.drain(ctx); err != nil {
		return Status{}, false, err
	}
	var replies []StatusReply
	for _, n := range []int{StatusPrinter, StatusOffline, StatusPaper, StatusError} {
		if n == StatusError && (len(replies) < 2 || !replies[1].Error) {
			continue
		}
		if _, err := d.conn.Write(realtimeQuery(n)); err != nil {
			d.lost(err)
			return Status{}, false, fmt.Errorf("DLE EOT %d: %w", n, deviceErr(err))
		}
		r, err := d.await(ctx, d.to.Query, func(r reply) bool { return r.kind == replyRealtime })
		if err != nil {
			if errors.Is(err, errNoAnswer) && d.in.noBackChannel() {
				// A usblp printer without a back channel: ask the
				// kernel driver instead, from now on.
				d.noReadLP = true
				return d.query(ctx)
			}
			if !errors.Is(err, errLost) {
				d.disconnect()
			}
			return Status{}, false, fmt.Errorf("DLE EOT %d: %w", n, err)
		}
		sr, err := ParseStatusReply(n, r.b)
		if err != nil { // cannot happen: await matched the fixed bits
			return Status{}, false, err
		}
		replies = append(replies, sr)
	}
	return StatusFromReplies(replies...), true, nil
}

// drain discards what the printer sent before: a late reply must not be
// taken for the answer to the next query. It reads until nothing came for
// the Drain timeout, for at most 10 times that.
func (d *driver) drain(ctx context.Context) error {
	end := time.Now().Add(10 * d.to.Drain)
	for {
		quiet := time.NewTimer(min(d.to.Drain, time.Until(end)))
		select {
		case <-d.in.notify:
			quiet.Stop()
			b, err := d.in.take()
			if len(b) > 0 {
				d.log.Debug("drained stale input", "bytes", fmt.Sprintf("% x", b))
				for _, c := range b {
					d.sc.feed(c)
				}
			}
			if err != nil {
				d.lost(err)
				return fmt.Errorf("%w: %w", errLost, err)
			}
			if time.Now().After(end) {
				return nil
			}
		case <-quiet.C:
			return nil
		case <-ctx.Done():
			quiet.Stop()
			return d.cause(ctx)
		}
	}
}

// await reads replies until want accepts one, timeout passes (errNoAnswer),
// the connection is lost (errLost) or ctx ends. Other replies are skipped:
// a real-time reply may overtake the reply to an earlier command.
func (d *driver) await(ctx context.Context, timeout time.Duration, want func(reply) bool) (reply, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case <-d.in.notify:
			b, err := d.in.take()
			for i, c := range b {
				r, ok := d.sc.feed(c)
				if !ok {
					continue
				}
				if want(r) {
					if rest := b[i+1:]; len(rest) > 0 {
						d.in.unread(rest)
					}
					return r, nil
				}
				d.log.Debug("skipped reply", "kind", r.kind, "byte", r.b, "data", r.data)
			}
			if err != nil {
				d.lost(err)
				return reply{}, fmt.Errorf("%w: %w", errLost, err)
			}
		case <-t.C:
			return reply{}, errNoAnswer
		case <-ctx.Done():
			return reply{}, d.cause(ctx)
		}
	}
}

// cause is why ctx ended: the caller's reason, or ErrClosed.
func (d *driver) cause(ctx context.Context) error {
	if d.runCtx.Err() != nil {
		return ErrClosed
	}
	return context.Cause(ctx)
}

// inbox holds the bytes a reader goroutine received from the printer until
// the driver's goroutine takes them.
type inbox struct {
	mu     sync.Mutex
	buf    []byte
	err    error // the read error that ended the reader
	noBack bool  // the transport cannot be read (see readFrom)
	notify chan struct{}
}

func newInbox() *inbox { return &inbox{notify: make(chan struct{}, 1)} }

// readFrom reads r until it fails; closing r ends it. classify (nil: every
// error ends the connection) may say that an error means the transport has
// no back channel (a usblp printer without one), which ends the reader but
// not the connection, or that reading goes on after a pause.
func (in *inbox) readFrom(r io.Reader, classify func(error) readAction) {
	b := make([]byte, 512)
	for {
		n, err := r.Read(b)
		act := readStop
		if err != nil && classify != nil {
			act = classify(err)
		}
		in.mu.Lock()
		in.buf = append(in.buf, b[:n]...)
		if len(in.buf) > inboxMax {
			in.buf = append(in.buf[:0], in.buf[len(in.buf)-inboxMax:]...)
		}
		switch {
		case err != nil && act == readNoBack:
			in.noBack = true
			in.mu.Unlock()
			return
		case err != nil && act == readAgain:
			in.mu.Unlock()
			time.Sleep(readAgainPause)
			continue
		}
		if err != nil {
			in.err = err
		}
		in.mu.Unlock()
		if n > 0 || err != nil {
			select {
			case in.notify <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

// take returns the bytes received so far and, once they are all taken, the
// error that ended the reader.
func (in *inbox) take() ([]byte, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	b := in.buf
	in.buf = nil
	if in.err != nil {
		// Keep notifying: the error stays until the connection is dropped.
		select {
		case in.notify <- struct{}{}:
		default:
		}
	}
	return b, in.err
}

// unread puts b back in front of what is buffered.
func (in *inbox) unread(b []byte) {
	in.mu.Lock()
	in.buf = append(append([]byte(nil), b...), in.buf...)
	in.mu.Unlock()
	select {
	case in.notify <- struct{}{}:
	default:
	}
}

// noBackChannel reports whether the transport turned out to have no back
// channel.
func (in *inbox) noBackChannel() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.noBack
}
