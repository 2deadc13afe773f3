package printertest

import (
	"bytes"
	"net"
	"sync"
	"time"
)

// NetPrinter is a fake network printer on 127.0.0.1 that speaks raw TCP
// like port 9100 of an ESC/POS printer: it records the bytes it receives,
// answers the real-time status query DLE EOT n (10 04 n) on receipt, as a
// real printer does, and answers GS ( H <Function 48> (process ID) and
// GS r 1 once the data before them is "processed". Knobs script its
// state and its faults; all are safe to call while it runs.
//
// Like a real printer, it scans the whole byte stream for DLE EOT n, so a
// job whose data happens to contain 10 04 01 gets a status reply too.
type NetPrinter struct {
	ln net.Listener
	wg sync.WaitGroup

	mu          sync.Mutex
	received    []byte // every byte received, on every connection, in order
	printed     []byte // the bytes received while the printer could print (queries included)
	conns       []net.Conn
	accepted    int
	paperOut    bool
	nearEnd     bool
	coverOpen   bool
	silent      bool
	paperEndAt  int // > 0: paper ends once received reaches this length
	cutAt       int // > 0: the connection is cut once received reaches this length
	delay       time.Duration
	rtOverride  map[byte]byte
	closed      bool
	processIDs  int // GS ( H answered
	statusPolls int // DLE EOT queries received
}

// NewNetPrinter starts a fake printer on 127.0.0.1 on a free port. Close
// stops it.
func NewNetPrinter() (*NetPrinter, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &NetPrinter{ln: ln}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the printer's address, HOST:PORT.
func (p *NetPrinter) Addr() string { return p.ln.Addr().String() }

// URI is the printer's URI for printer.Open: tcp:HOST:PORT.
func (p *NetPrinter) URI() string { return "tcp:" + p.Addr() }

// Close stops listening, closes every connection and waits for the
// printer's goroutines.
func (p *NetPrinter) Close() error {
	p.mu.Lock()
	p.closed = true
	conns := p.conns
	p.mu.Unlock()
	err := p.ln.Close()
	for _, c := range conns {
		c.Close()
	}
	p.wg.Wait()
	return err
}

// SetPaperOut sets whether the paper has run out: DLE EOT replies say so,
// and received bytes are not printed.
func (p *NetPrinter) SetPaperOut(v bool) { p.set(func() { p.paperOut = v }) }

// SetPaperNearEnd sets the paper near-end sensor.
func (p *NetPrinter) SetPaperNearEnd(v bool) { p.set(func() { p.nearEnd = v }) }

// SetCoverOpen sets whether the cover is open.
func (p *NetPrinter) SetCoverOpen(v bool) { p.set(func() { p.coverOpen = v }) }

// SetSilent makes the printer take bytes but never answer anything.
func (p *NetPrinter) SetSilent(v bool) { p.set(func() { p.silent = v }) }

// PaperEndAfter makes the paper run out after n more received bytes: the
// printer then stops printing (it keeps reading, and drops what it reads),
// answers DLE EOT with "paper end" and no longer answers GS ( H or GS r.
func (p *NetPrinter) PaperEndAfter(n int) {
	p.set(func() { p.paperEndAt = len(p.received) + n })
}

// CutAfter makes the printer close the connection once n more bytes were
// received, once (the next connection is not cut).
func (p *NetPrinter) CutAfter(n int) {
	p.set(func() { p.cutAt = len(p.received) + n })
}

// SetProcessDelay delays the answers to GS ( H and GS r 1 by d, as a
// printer does while it prints the data before them; DLE EOT is still
// answered on receipt, so its replies overtake them.
func (p *NetPrinter) SetProcessDelay(d time.Duration) { p.set(func() { p.delay = d }) }

// SetRealtimeReply makes the printer answer DLE EOT n with b, whatever its
// state (b need not be a valid status byte); SetRealtimeReply(n, 0) goes
// back to answering from the state.
func (p *NetPrinter) SetRealtimeReply(n, b byte) {
	p.set(func() {
		if p.rtOverride == nil {
			p.rtOverride = map[byte]byte{}
		}
		if b == 0 {
			delete(p.rtOverride, n)
		} else {
			p.rtOverride[n] = b
		}
	})
}

// Received returns every byte received so far, on all connections.
func (p *NetPrinter) Received() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.received)
}

// Printed returns the bytes received while the printer could print.
func (p *NetPrinter) Printed() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.printed)
}

// ProcessIDs returns how many GS ( H process IDs the printer answered.
func (p *NetPrinter) ProcessIDs() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.processIDs
}

// Connections returns how many connections the printer accepted.
func (p *NetPrinter) Connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// StatusQueries returns how many DLE EOT queries the printer received.
func (p *NetPrinter) StatusQueries() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.statusPolls
}

func (p *NetPrinter) set(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
}

func (p *NetPrinter) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			return
		}
		p.conns = append(p.conns, c)
		p.accepted++
		p.mu.Unlock()
		p.wg.Add(1)
		go p.serve(c)
	}
}

// conn is one connection's state: the command parser and the writer.
type conn struct {
	p    *NetPrinter
	c    net.Conn
	wmu  sync.Mutex
	buf  []byte         // unparsed bytes of a command that arrived in pieces
	wg   sync.WaitGroup // delayed replies
	done chan struct{}  // closed when the connection ends
}

func (p *NetPrinter) serve(c net.Conn) {
	defer p.wg.Done()
	cn := &conn{p: p, c: c, done: make(chan struct{})}
	defer cn.wg.Wait()
	defer close(cn.done)
	defer c.Close()
	b := make([]byte, 1024)
	for {
		n, err := c.Read(b)
		for i := 0; i < n; i++ {
			if cut := cn.byteIn(b[i]); cut {
				// Drop what was read past the cut: like a cable pulled.
				if tc, ok := c.(*net.TCPConn); ok {
					tc.SetLinger(0) // a reset, not a polite close
				}
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// byteIn handles one received byte; it reports whether to cut the
// connection now.
func (cn *conn) byteIn(c byte) (cut bool) {
	p := cn.p
	p.mu.Lock()
	p.received = append(p.received, c)
	if p.paperEndAt > 0 && len(p.received) >= p.paperEndAt {
		p.paperOut, p.paperEndAt = true, 0
	}
	canPrint := !p.paperOut && !p.coverOpen
	if canPrint {
		p.printed = append(p.printed, c)
	}
	if p.cutAt > 0 && len(p.received) >= p.cutAt {
		p.cutAt = 0
		p.mu.Unlock()
		return true
	}
	p.mu.Unlock()

	cn.buf = append(cn.buf, c)
	for len(cn.buf) > 0 {
		consumed, reply, delayed, need := cn.parse(canPrint)
		if need {
			return false // wait for more bytes of this command
		}
		cn.buf = cn.buf[consumed:]
		if reply != nil {
			cn.send(reply, delayed)
		}
	}
	return false
}

// parse looks at the start of cn.buf for a command the printer answers.
// need: the start may be such a command, more bytes are needed.
func (cn *conn) parse(canPrint bool) (consumed int, reply []byte, delayed, need bool) {
	b := cn.buf
	prefix := func(cmd []byte) (match, more bool) {
		n := min(len(b), len(cmd))
		if !bytes.Equal(b[:n], cmd[:n]) {
			return false, false
		}
		return n == len(cmd), n < len(cmd)
	}
	// DLE EOT n: 10 04 n, answered at once.
	if m, more := prefix([]byte{0x10, 0x04}); more {
		return 0, nil, false, true
	} else if m {
		if len(b) < 3 {
			return 0, nil, false, true
		}
		if r, ok := cn.p.realtime(b[2]); ok {
			return 3, []byte{r}, false, false
		}
		return 3, nil, false, false
	}
	// GS ( H 06 00 30 30 d1 d2 d3 d4: process ID, answered when processed.
	if m, more := prefix([]byte{0x1D, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30}); more {
		return 0, nil, false, true
	} else if m {
		if len(b) < 11 {
			return 0, nil, false, true
		}
		if canPrint && cn.p.answers() {
			cn.p.set(func() { cn.p.processIDs++ })
			return 11, []byte{0x37, 0x22, b[7], b[8], b[9], b[10], 0x00}, true, false
		}
		return 11, nil, false, false
	}
	// GS r 1 (or 49): paper sensor status, answered when processed.
	if m, more := prefix([]byte{0x1D, 0x72}); more {
		return 0, nil, false, true
	} else if m {
		if len(b) < 3 {
			return 0, nil, false, true
		}
		if (b[2] == 1 || b[2] == 49) && canPrint && cn.p.answers() {
			return 3, []byte{cn.p.paperSensor()}, true, false
		}
		return 3, nil, false, false
	}
	return 1, nil, false, false
}

func (p *NetPrinter) answers() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.silent
}

// realtime is the reply to DLE EOT n (Epson ESC/POS, "DLE EOT n").
func (p *NetPrinter) realtime(n byte) (byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.statusPolls++
	if p.silent {
		return 0, false
	}
	if b, ok := p.rtOverride[n]; ok {
		return b, true
	}
	r := byte(0x12) // fixed bits: 1 and 4 set, 0 and 7 clear
	switch n {
	case 1:
		if p.paperOut || p.coverOpen {
			r |= 0x08 // off-line
		}
	case 2:
		if p.coverOpen {
			r |= 0x04
		}
		if p.paperOut {
			r |= 0x20 // printing stopped by paper end
		}
	case 3:
	case 4:
		if p.nearEnd || p.paperOut {
			r |= 0x0C
		}
		if p.paperOut {
			r |= 0x60
		}
	default:
		return 0, false
	}
	return r, true
}

// paperSensor is the GS r 1 reply.
func (p *NetPrinter) paperSensor() byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	var r byte
	if p.nearEnd {
		r |= 0x03
	}
	if p.paperOut {
		r |= 0x0C
	}
	return r
}

// send writes reply now or, for a processed command, after the process
// delay (in order with other delayed replies).
func (cn *conn) send(reply []byte, delayed bool) {
	var d time.Duration
	if delayed {
		cn.p.mu.Lock()
		d = cn.p.delay
		cn.p.mu.Unlock()
	}
	if d == 0 {
		cn.write(reply)
		return
	}
	cn.wg.Add(1)
	go func() {
		defer cn.wg.Done()
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			cn.write(reply)
		case <-cn.done: // the connection ended: the reply is lost
		}
	}()
}

func (cn *conn) write(b []byte) {
	cn.wmu.Lock()
	defer cn.wmu.Unlock()
	// A write error means the connection is gone: the reply is lost, as
	// with a real printer.
	cn.c.SetWriteDeadline(time.Now().Add(time.Second))
	cn.c.Write(b)
}
