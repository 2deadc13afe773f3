// Package display feeds the lobby screens: a websocket hub that streams
// ticket calls and waiting counts to each screen, the lobby page that shows
// them, and the Vietnamese wording the screens read aloud.
//
// The package knows nothing of the queue engine: the server hands it Calls
// and ServiceWaiting values and answers its questions through Source.
package display

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/motcua/motcua/display/webasset"
)

// Source answers the hub's questions about screens; the server implements
// it over its configuration and database. The hub calls it while holding
// the lock of one screen's stream, so that a snapshot and the messages
// after it line up exactly: its methods must be quick, must not wait for
// anything that itself waits on PublishCall or PublishWaiting, and must not
// call the Hub.
type Source interface {
	// Snapshot returns what screen shows right now: recent calls (at least
	// the current ticket of each counter) and the waiting counts.
	Snapshot(screen string) (calls []Call, waiting []ServiceWaiting, err error)
	// ScreenExists reports whether screen is configured.
	ScreenExists(screen string) bool
	// Filter returns the IDs of the counters and services screen shows; an
	// empty list means all. A call is shown when both its counter and its
	// service pass; waiting counts are filtered by service only.
	//
	// A counter screen, "counter:<id>" (see CounterScreen), always shows
	// that one counter whatever Filter answers for its counters; Filter is
	// still asked for its services. ScreenExists must answer for counter
	// screens too (true when the counter is configured).
	Filter(screen string) (counters, services []string)
	// Ticker returns the announcement ticker text screen shows now ("" for
	// none). It is sent in the snapshot; changes follow with PublishTicker.
	Ticker(screen string) string
}

// CounterScreenPrefix starts the screen ID of a counter's own screen: the
// small screen above counter "quay-1" is the screen "counter:quay-1". It is
// a stream like any other (snapshot, then deltas with their own seq) that
// shows only that counter's calls.
const CounterScreenPrefix = "counter:"

// CounterScreen returns the screen ID of the screen above counter id.
func CounterScreen(id string) string { return CounterScreenPrefix + id }

// CounterOf returns the counter ID of a counter screen, and whether screen
// is one.
func CounterOf(screen string) (id string, ok bool) {
	id, ok = strings.CutPrefix(screen, CounterScreenPrefix)
	return id, ok && id != ""
}

// Options tunes a Hub; the zero value gives the defaults.
type Options struct {
	Logger *slog.Logger // default slog.Default()
	// SendBuffer is how many messages may wait for one socket; a socket
	// that falls further behind is dropped. Default 32.
	SendBuffer int
	// PingInterval is how often each socket is pinged, default 30 s.
	PingInterval time.Duration
	// PongWait is how long a socket may stay silent (no pong) before it is
	// dropped, default 60 s. It must be longer than PingInterval.
	PongWait time.Duration
	// WriteWait bounds each write to a socket, default 10 s.
	WriteWait time.Duration
	// Template and Variant word the announcement of a Call that comes
	// without one (see Announce). Default DefaultTemplate and Variant{}.
	Template string
	Variant  Variant
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.SendBuffer <= 0 {
		o.SendBuffer = 32
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 30 * time.Second
	}
	if o.PongWait <= 0 {
		o.PongWait = 60 * time.Second
	}
	if o.WriteWait <= 0 {
		o.WriteWait = 10 * time.Second
	}
	return o
}

const (
	readLimit = 512 // bytes; screens send nothing but pongs and a close
	// closeWait bounds the write of a close frame when a socket is ended.
	closeWait = time.Second
)

// Hub streams calls, waiting counts and tickers to the lobby and counter
// screens. Each screen has one stream with its own seq; a message is
// encoded once per stream and the same bytes go to every socket of that
// screen, so each socket sees seq grow by one per message.
//
// An idle socket costs one goroutine (its reader, parked in the network
// poller) and the gorilla connection with a 256-byte read buffer; a writer
// goroutine runs only while the socket has something to send, and the
// write buffer comes from a pool. A hub-wide goroutine queues the pings.
type Hub struct {
	src      Source
	opts     Options
	log      *slog.Logger
	upgrader websocket.Upgrader

	mu      sync.Mutex
	streams map[string]*stream // kept for the hub's life: screens are few and configured
	closed  bool
	conns   sync.WaitGroup // one per socket (or ServeWS) until its goroutines end

	stopPing chan struct{} // closed by Close
	clients  atomic.Int64  // sockets in a stream
	live     atomic.Int64  // sockets whose goroutines are still running
}

// stream is one screen's message sequence and its sockets.
type stream struct {
	screen string

	mu      sync.Mutex
	seq     int64 // seq of the last message sent; the snapshot carries it
	clients map[*client]struct{}
	closed  bool
}

// client is one socket. Only one writer goroutine at a time writes to conn
// (besides the concurrency-safe Close).
type client struct {
	conn *websocket.Conn

	mu      sync.Mutex
	queue   []*websocket.PreparedMessage // nil entries are pings; at most Options.SendBuffer
	writing bool                         // a writer goroutine runs
	stopped bool                         // no more messages: the writer sends the close frame and closes
	code    int                          // close code sent when stopped; 0: none
	reason  string                       // close reason
	writers sync.WaitGroup
}

// NewHub returns a hub that asks src about screens. Close stops it.
func NewHub(src Source, opts Options) *Hub {
	opts = opts.withDefaults()
	h := &Hub{
		src:      src,
		opts:     opts,
		log:      opts.Logger.With("component", "display"),
		streams:  make(map[string]*stream),
		stopPing: make(chan struct{}),
	}
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout: opts.WriteWait,
		ReadBufferSize:   256,
		WriteBufferSize:  1024,
		// Idle screens hold no write buffer between messages.
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     sameHost,
	}
	go h.pingLoop()
	return h
}

// sameHost lets a browser connect only from a page of this server. Requests
// without Origin do not come from a browser page; the server has already
// authenticated them.
func sameHost(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// Clients returns the number of sockets connected now.
func (h *Hub) Clients() int { return int(h.clients.Load()) }

// ScreenClients returns how many sockets show screen now (a lobby screen
// id, or "counter:<id>"): the console and the monitor show whether each
// screen is on.
func (h *Hub) ScreenClients(screen string) int {
	h.mu.Lock()
	s := h.streams[screen]
	h.mu.Unlock()
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

// PublishCall sends c to every screen that shows its counter and service.
// It never waits for a socket: one that cannot keep up is dropped and will
// reconnect for a fresh snapshot.
func (h *Hub) PublishCall(c Call) {
	c = h.fill(c)
	for _, s := range h.streamList() {
		h.publish(s, func(f filter, seq int64) ([]byte, error) {
			if !f.call(c) {
				return nil, nil
			}
			return encodeCall(seq, c)
		})
	}
}

// PublishWaiting sends the waiting counts in w (all services or only those
// that changed) to every screen, each getting the services it shows.
func (h *Hub) PublishWaiting(w []ServiceWaiting) {
	for _, s := range h.streamList() {
		h.publish(s, func(f filter, seq int64) ([]byte, error) {
			sw := f.waiting(w)
			if len(sw) == 0 {
				return nil, nil
			}
			return encodeWaiting(seq, sw)
		})
	}
}

// PublishTicker sends screen's new ticker text to that screen's sockets
// (only to them, so only that screen's seq moves). The caller stores the
// text where Source.Ticker finds it first, so that a socket joining at the
// same time gets it in its snapshot.
func (h *Hub) PublishTicker(screen, text string) {
	h.mu.Lock()
	s := h.streams[screen]
	closed := h.closed
	h.mu.Unlock()
	if s == nil || closed {
		return // nobody watches screen: its next snapshot carries the text
	}
	h.publish(s, func(_ filter, seq int64) ([]byte, error) {
		return encodeTicker(seq, text)
	})
}

// ServeWS upgrades r to a websocket that streams screen's messages, the
// first being a snapshot. The caller has authenticated r. It answers 404
// before upgrading when screen does not exist, and 503 once the hub is
// closed. It returns once the socket is set up: the socket then lives in
// the hub's own goroutines (so the HTTP server's per-request memory is
// freed) until it or the hub closes.
func (h *Hub) ServeWS(w http.ResponseWriter, r *http.Request, screen string) {
	if !h.src.ScreenExists(screen) {
		webasset.Problem(w, http.StatusNotFound, "not-found", "Không tìm thấy màn hình")
		return
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		webasset.Problem(w, http.StatusServiceUnavailable, "unavailable", "Máy chủ đang dừng")
		return
	}
	s := h.streams[screen]
	if s == nil {
		s = &stream{screen: screen, clients: make(map[*client]struct{})}
		h.streams[screen] = s
	}
	h.conns.Add(1)
	h.mu.Unlock()

	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		// The upgrader has answered with the error status.
		h.log.Debug("upgrade failed", "screen", screen, "remote", r.RemoteAddr, "err", err)
		h.conns.Done()
		return
	}
	c := &client{conn: conn}
	if err := h.join(s, c); err != nil {
		h.log.Error("screen not joined", "screen", screen, "err", err)
		code, reason := websocket.CloseInternalServerErr, "lỗi máy chủ"
		if errors.Is(err, errClosed) {
			code, reason = websocket.CloseGoingAway, "máy chủ đang dừng"
		}
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(closeWait))
		conn.Close()
		h.conns.Done()
		return
	}
	remote := r.RemoteAddr
	h.log.Info("screen connected", "screen", screen, "remote", remote)
	h.live.Add(1)
	go func() {
		defer h.conns.Done()
		defer h.live.Add(-1)
		h.readLoop(c)
		h.leave(s, c)
		c.stop(h, websocket.CloseNormalClosure, "", false)
		c.writers.Wait()
		c.conn.Close()
		h.log.Info("screen disconnected", "screen", screen, "remote", remote)
	}()
}

// Close closes every socket (with "going away", so screens reconnect) and
// returns once all of them are closed. Later ServeWS calls answer 503 and
// publishing does nothing.
func (h *Hub) Close() {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.stopPing)
	}
	streams := h.streamsLocked()
	h.mu.Unlock()
	for _, s := range streams {
		s.mu.Lock()
		s.closed = true
		for c := range s.clients {
			delete(s.clients, c)
			h.clients.Add(-1)
			c.stop(h, websocket.CloseGoingAway, "máy chủ đang dừng", false)
		}
		s.mu.Unlock()
	}
	h.conns.Wait()
}

var errClosed = errors.New("hub closed")

// join queues c's snapshot and adds c to s, both under s's lock, so the
// snapshot's seq is exactly the seq before c's first delta.
func (h *Hub) join(s *stream, c *client) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	calls, waiting, err := h.src.Snapshot(s.screen)
	if err != nil {
		return err
	}
	f := h.filter(s.screen)
	shown := make([]Call, 0, len(calls))
	for _, cl := range calls {
		if f.call(cl) {
			shown = append(shown, h.fill(cl))
		}
	}
	b, err := encodeSnapshot(s.seq, shown, f.waiting(waiting), h.src.Ticker(s.screen))
	if err != nil {
		return err
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, b)
	if err != nil {
		return err
	}
	c.enqueue(h, pm) // c is new: its queue is empty
	s.clients[c] = struct{}{}
	h.clients.Add(1)
	return nil
}

// leave removes c from s if it is still there.
func (h *Hub) leave(s *stream, c *client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clients[c]; ok {
		delete(s.clients, c)
		h.clients.Add(-1)
	}
}

// publish encodes one message for s with the next seq and queues it for
// every socket of s; encode returns nil bytes when s does not show it.
func (h *Hub) publish(s *stream, encode func(f filter, seq int64) ([]byte, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.clients) == 0 {
		return
	}
	b, err := encode(h.filter(s.screen), s.seq+1)
	if err != nil {
		h.log.Error("message not encoded", "screen", s.screen, "err", err)
		return
	}
	if b == nil {
		return
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, b)
	if err != nil {
		h.log.Error("message not prepared", "screen", s.screen, "err", err)
		return
	}
	s.seq++
	for c := range s.clients {
		if !c.enqueue(h, pm) {
			delete(s.clients, c)
			h.clients.Add(-1)
			// The socket may be stuck in a write: cut it rather than wait.
			c.stop(h, 0, "", true)
			h.log.Warn("slow screen dropped", "screen", s.screen, "remote", c.conn.RemoteAddr().String())
		}
	}
}

// pingLoop queues a ping for every socket each PingInterval; a socket
// whose queue is full gets none and is dropped by the next message or by
// its silence.
func (h *Hub) pingLoop() {
	t := time.NewTicker(h.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-h.stopPing:
			return
		case <-t.C:
		}
		for _, s := range h.streamList() {
			s.mu.Lock()
			for c := range s.clients {
				c.enqueue(h, nil)
			}
			s.mu.Unlock()
		}
	}
}

func (h *Hub) streamList() []*stream {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	return h.streamsLocked()
}

func (h *Hub) streamsLocked() []*stream {
	list := make([]*stream, 0, len(h.streams))
	for _, s := range h.streams {
		list = append(list, s)
	}
	return list
}

// filter returns what screen shows now. It asks the Source each time (under
// the stream's lock), so a configuration change applies to the next
// message; a counter screen is held to its one counter.
func (h *Hub) filter(screen string) filter {
	counters, services := h.src.Filter(screen)
	if id, ok := CounterOf(screen); ok {
		counters = []string{id}
	}
	return newFilter(counters, services)
}

// fill words c's announcement when the server left it empty.
func (h *Hub) fill(c Call) Call {
	if c.Announcement == "" {
		c.Announcement = Announce(h.opts.Template, c.Ticket, c.Counter.Number, h.opts.Variant)
	}
	return c
}

// enqueue queues pm (nil: a ping) for c and starts c's writer if none
// runs. It reports false when c's queue is full; a ping is then dropped.
func (c *client) enqueue(h *Hub, pm *websocket.PreparedMessage) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return true // on its way out; its reader takes it off the stream
	}
	if len(c.queue) >= h.opts.SendBuffer {
		return pm == nil
	}
	c.queue = append(c.queue, pm)
	c.startWriter(h)
	return true
}

// startWriter starts c's writer goroutine unless one runs; c.mu is held.
func (c *client) startWriter(h *Hub) {
	if c.writing {
		return
	}
	c.writing = true
	c.writers.Add(1)
	go h.write(c)
}

// stop ends c's stream once: with a close frame when code is set (the
// writer sends it, then closes the connection), and cutting the connection
// at once when abrupt (a write may be blocked).
func (c *client) stop(h *Hub, code int, reason string, abrupt bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.stopped = true
	c.queue = nil
	c.code, c.reason = code, reason
	if abrupt {
		c.conn.Close()
		return
	}
	c.startWriter(h)
}

// write is c's writer: it writes what is queued and returns when the
// queue is empty. Once c is stopped it sends the close frame, if any, and
// closes the connection, which ends the reader.
func (h *Hub) write(c *client) {
	defer c.writers.Done()
	for {
		c.mu.Lock()
		if c.stopped {
			code, reason := c.code, c.reason
			c.code = 0 // once
			c.writing = false
			c.mu.Unlock()
			if code != 0 {
				_ = c.conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(code, reason), time.Now().Add(closeWait))
			}
			c.conn.Close()
			return
		}
		if len(c.queue) == 0 {
			c.writing = false
			c.queue = nil // an idle socket holds no queue
			c.mu.Unlock()
			return
		}
		pm := c.queue[0]
		c.queue[0] = nil
		c.queue = c.queue[1:]
		c.mu.Unlock()

		deadline := time.Now().Add(h.opts.WriteWait)
		var err error
		if pm == nil {
			err = c.conn.WriteControl(websocket.PingMessage, nil, deadline)
		} else if err = c.conn.SetWriteDeadline(deadline); err == nil {
			err = c.conn.WritePreparedMessage(pm)
		}
		if err != nil {
			c.mu.Lock()
			c.stopped, c.queue, c.writing = true, nil, false
			c.mu.Unlock()
			c.conn.Close() // ends the reader
			return
		}
	}
}

// readLoop reads until the socket fails, closes, or stays silent longer
// than PongWait. Screens have nothing to say; what they send is dropped.
func (h *Hub) readLoop(c *client) {
	c.conn.SetReadLimit(readLimit)
	_ = c.conn.SetReadDeadline(time.Now().Add(h.opts.PongWait))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(h.opts.PongWait))
	})
	for {
		if _, _, err := c.conn.NextReader(); err != nil {
			return
		}
	}
}

// filter is a screen's choice of counters and services; an empty set
// passes everything.
type filter struct {
	counters, services map[string]bool
}

func newFilter(counters, services []string) filter {
	set := func(ids []string) map[string]bool {
		if len(ids) == 0 {
			return nil
		}
		m := make(map[string]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	return filter{counters: set(counters), services: set(services)}
}

func (f filter) call(c Call) bool {
	return (f.counters == nil || f.counters[c.Counter.ID]) &&
		(f.services == nil || f.services[c.Service.ID])
}

func (f filter) waiting(w []ServiceWaiting) []ServiceWaiting {
	if f.services == nil {
		return w
	}
	var out []ServiceWaiting
	for _, sw := range w {
		if f.services[sw.ID] {
			out = append(out, sw)
		}
	}
	return out
}
