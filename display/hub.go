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
	"github.com/motcua/motcua/server/webasset"
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
	Filter(screen string) (counters, services []string)
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

// Hub streams calls and waiting counts to the lobby screens. Each screen
// has one stream with its own seq; a message is encoded once per stream
// and the same bytes go to every socket of that screen, so each socket sees
// seq grow by one per message.
type Hub struct {
	src      Source
	opts     Options
	log      *slog.Logger
	upgrader websocket.Upgrader

	mu      sync.Mutex
	streams map[string]*stream // kept for the hub's life: screens are few and configured
	closed  bool
	conns   sync.WaitGroup // one per ServeWS that got past the closed check

	clients atomic.Int64
}

// stream is one screen's message sequence and its sockets.
type stream struct {
	screen string

	mu      sync.Mutex
	seq     int64 // seq of the last message sent; the snapshot carries it
	clients map[*client]struct{}
	closed  bool
}

// client is one socket. Only its write loop writes to conn (besides the
// concurrency-safe Close and WriteControl).
type client struct {
	conn *websocket.Conn
	send chan *websocket.PreparedMessage
	done chan struct{} // closed by stop

	once   sync.Once
	code   int    // close code sent when done closes; 0: none
	reason string // close reason
}

// NewHub returns a hub that asks src about screens.
func NewHub(src Source, opts Options) *Hub {
	opts = opts.withDefaults()
	h := &Hub{
		src:     src,
		opts:    opts,
		log:     opts.Logger.With("component", "display"),
		streams: make(map[string]*stream),
	}
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout: opts.WriteWait,
		ReadBufferSize:   256,
		WriteBufferSize:  1024,
		// Idle screens hold no write buffer between messages.
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     sameHost,
	}
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

// ServeWS upgrades r to a websocket that streams screen's messages, the
// first being a snapshot. The caller has authenticated r. It answers 404
// before upgrading when screen does not exist, and 503 once the hub is
// closed; it returns when the socket is closed.
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
	defer h.conns.Done()

	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		// The upgrader has answered with the error status.
		h.log.Debug("upgrade failed", "screen", screen, "remote", r.RemoteAddr, "err", err)
		return
	}
	c := &client{
		conn: conn,
		send: make(chan *websocket.PreparedMessage, h.opts.SendBuffer),
		done: make(chan struct{}),
	}
	if err := h.join(s, c); err != nil {
		h.log.Error("screen not joined", "screen", screen, "err", err)
		code, reason := websocket.CloseInternalServerErr, "lỗi máy chủ"
		if errors.Is(err, errClosed) {
			code, reason = websocket.CloseGoingAway, "máy chủ đang dừng"
		}
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(closeWait))
		conn.Close()
		return
	}
	h.log.Info("screen connected", "screen", screen, "remote", r.RemoteAddr)

	written := make(chan struct{})
	go func() {
		defer close(written)
		h.writeLoop(c)
	}()
	h.readLoop(c)
	h.leave(s, c)
	c.stop(websocket.CloseNormalClosure, "", false)
	<-written
	h.log.Info("screen disconnected", "screen", screen, "remote", r.RemoteAddr)
}

// Close closes every socket (with "going away", so screens reconnect) and
// returns once all of them are closed. Later ServeWS calls answer 503 and
// publishing does nothing.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	streams := h.streamsLocked()
	h.mu.Unlock()
	for _, s := range streams {
		s.mu.Lock()
		s.closed = true
		for c := range s.clients {
			delete(s.clients, c)
			h.clients.Add(-1)
			c.stop(websocket.CloseGoingAway, "máy chủ đang dừng", false)
		}
		s.mu.Unlock()
	}
	h.conns.Wait()
}

var errClosed = errors.New("hub closed")

// join sends c the snapshot and adds it to s, both under s's lock, so the
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
	f := newFilter(h.src.Filter(s.screen))
	shown := make([]Call, 0, len(calls))
	for _, cl := range calls {
		if f.call(cl) {
			shown = append(shown, h.fill(cl))
		}
	}
	b, err := encodeSnapshot(s.seq, shown, f.waiting(waiting))
	if err != nil {
		return err
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, b)
	if err != nil {
		return err
	}
	c.send <- pm // c is new: its buffer is empty
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
	b, err := encode(newFilter(h.src.Filter(s.screen)), s.seq+1)
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
		select {
		case c.send <- pm:
		default:
			delete(s.clients, c)
			h.clients.Add(-1)
			// The socket may be stuck in a write: cut it rather than wait.
			c.stop(0, "", true)
			h.log.Warn("slow screen dropped", "screen", s.screen, "remote", c.conn.RemoteAddr().String())
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

// fill words c's announcement when the server left it empty.
func (h *Hub) fill(c Call) Call {
	if c.Announcement == "" {
		c.Announcement = Announce(h.opts.Template, c.Ticket, c.Counter.Number, h.opts.Variant)
	}
	return c
}

// stop ends c's write loop once: with a close frame when code is set, and
// cutting the connection at once when abrupt (a write may be blocked).
func (c *client) stop(code int, reason string, abrupt bool) {
	c.once.Do(func() {
		c.code, c.reason = code, reason
		close(c.done)
		if abrupt {
			c.conn.Close()
		}
	})
}

// writeLoop is the only writer of c's messages and pings; it closes the
// connection when it returns, which ends readLoop.
func (h *Hub) writeLoop(c *client) {
	ping := time.NewTicker(h.opts.PingInterval)
	defer ping.Stop()
	defer c.conn.Close()
	for {
		select {
		case pm := <-c.send:
			if err := c.conn.SetWriteDeadline(time.Now().Add(h.opts.WriteWait)); err != nil {
				return
			}
			if err := c.conn.WritePreparedMessage(pm); err != nil {
				return
			}
		case <-ping.C:
			if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(h.opts.WriteWait)); err != nil {
				return
			}
		case <-c.done:
			if c.code != 0 {
				_ = c.conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(c.code, c.reason), time.Now().Add(closeWait))
			}
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
		if _, _, err := c.conn.ReadMessage(); err != nil {
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
