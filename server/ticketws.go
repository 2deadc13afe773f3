package server

import (
	"context"
	"embed"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/display/webasset"
	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/queue"
)

// The ticket page's script and style, served under hashed URLs.
//
//go:embed web/ticket
var ticketFS embed.FS

const ticketAssetsPrefix = "/ticket/assets/"

var ticketAssets = webasset.New(ticketFS, "web/ticket", ticketAssetsPrefix)

// Limits of the public ticket websocket, /ws/ticket/{token}. Anyone holding
// a ticket may connect, so everything a socket can cost is bounded.
const (
	ticketWSPerToken  = 8    // sockets per ticket (a family's phones)
	ticketWSMax       = 5000 // sockets in all
	ticketWSBuffer    = 16   // messages queued per socket before it is dropped
	ticketWSReadLimit = 256  // bytes; the page sends nothing but pongs and a close
	ticketWSCoalesce  = 300 * time.Millisecond
	ticketWSRefresh   = time.Minute // every view recomputed, in case an event was lost
	ticketWSPing      = 25 * time.Second
	ticketWSPongWait  = 60 * time.Second
	ticketWSWriteWait = 10 * time.Second
)

// ticketHub streams each connected ticket's public view to its phones. One
// goroutine (run) follows the engine's events, recomputes the views of the
// tickets whose service changed (at most every ticketWSCoalesce) and sends
// each socket only what changed. Every socket has its own seq: 1 for its
// snapshot, then one more per message.
type ticketHub struct {
	a        *App
	upgrader websocket.Upgrader

	mu      sync.Mutex
	streams map[string]*ticketStream // by token
	byID    map[int64]*ticketStream
	total   int             // sockets, counting those being upgraded
	pending map[string]bool // tokens with a socket awaiting its snapshot
	closed  bool
	kick    chan struct{} // wakes run for pending snapshots
	conns   sync.WaitGroup
}

// ticketStream is one ticket's sockets.
type ticketStream struct {
	token    string
	id       int64
	service  string // the service last seen: a transfer moves the ticket
	reserved int    // sockets, counting those being upgraded
	clients  map[*ticketClient]struct{}
}

// ticketClient is one socket; only its write loop writes messages to conn.
type ticketClient struct {
	conn *websocket.Conn
	send chan []byte
	done chan struct{}
	once sync.Once
	code int // close code sent when done closes; 0: none

	// under ticketHub.mu
	seq  int64
	last *publicTicket // nil until the snapshot is queued
}

// ticketMsg is a snapshot or an update: the public ticket's fields.
type ticketMsg struct {
	Type string `json:"type"`
	Seq  int64  `json:"seq"`
	publicTicket
}

// ticketCallMsg says the ticket was just called (or called again).
type ticketCallMsg struct {
	Type          string `json:"type"`
	Seq           int64  `json:"seq"`
	CounterNumber int    `json:"counter_number"`
	Recall        bool   `json:"recall"`
}

func newTicketHub(a *App) *ticketHub {
	return &ticketHub{
		a:       a,
		streams: map[string]*ticketStream{},
		byID:    map[int64]*ticketStream{},
		pending: map[string]bool{},
		kick:    make(chan struct{}, 1),
		upgrader: websocket.Upgrader{
			HandshakeTimeout: ticketWSWriteWait,
			ReadBufferSize:   256,
			WriteBufferSize:  512,
			WriteBufferPool:  &sync.Pool{},
			CheckOrigin:      sameHostOrigin,
		},
	}
}

// startTicketHub runs the hub of /ws/ticket/ among the App's background
// work until ctx ends.
func (a *App) startTicketHub(ctx context.Context) {
	a.tickets = newTicketHub(a)
	a.bg.Add(1)
	go func() { defer a.bg.Done(); a.tickets.run(ctx) }()
}

// sameHostOrigin lets a browser connect only from a page of this server;
// a request without Origin is not from a browser page.
func sameHostOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

var (
	errTicketWSBusy = apperr.New(apperr.RateLimited, "too-many-sockets", "Vé này đang được mở trên quá nhiều thiết bị", "at most %d sockets per ticket", ticketWSPerToken)
	errTicketWSFull = apperr.New(apperr.Unavailable, "server-busy", "Máy chủ đang bận, trang sẽ tự thử lại", "too many ticket sockets")
	errTicketWSDown = apperr.New(apperr.Unavailable, "unavailable", "Máy chủ đang dừng", "shutting down")
)

// handleTicketWS is GET /ws/ticket/{token}: public, for the ticket's own
// page. An unknown, malformed or expired token is a 404 before upgrading.
func (a *App) handleTicketWS(w http.ResponseWriter, r *http.Request) {
	h := a.tickets
	if h == nil {
		a.writeError(w, r, errTicketWSDown)
		return
	}
	tk, err := a.ticketByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	st, err := h.reserve(tk)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	defer h.conns.Done()
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil { // the upgrader has answered
		h.release(st, nil)
		return
	}
	c := &ticketClient{conn: conn, send: make(chan []byte, ticketWSBuffer), done: make(chan struct{})}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
		conn.Close()
		h.release(st, nil)
		return
	}
	st.clients[c] = struct{}{}
	h.pending[st.token] = true
	h.mu.Unlock()
	select {
	case h.kick <- struct{}{}:
	default:
	}
	written := make(chan struct{})
	go func() { defer close(written); c.writeLoop() }()
	c.readLoop()
	h.release(st, c)
	c.stop(websocket.CloseNormalClosure, false)
	<-written
}

// reserve counts a socket for tk against the caps before upgrading.
func (h *ticketHub) reserve(tk queue.Ticket) (*ticketStream, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errTicketWSDown
	}
	if h.total >= ticketWSMax {
		return nil, errTicketWSFull
	}
	st := h.streams[tk.Token]
	if st == nil {
		st = &ticketStream{token: tk.Token, id: tk.ID, service: tk.Service, clients: map[*ticketClient]struct{}{}}
		h.streams[tk.Token] = st
		h.byID[tk.ID] = st
	}
	if st.reserved >= ticketWSPerToken {
		return nil, errTicketWSBusy
	}
	st.reserved++
	h.total++
	h.conns.Add(1)
	return st, nil
}

// release gives back the socket's place; the stream goes with its last one.
func (h *ticketHub) release(st *ticketStream, c *ticketClient) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(st.clients, c)
	st.reserved--
	h.total--
	if st.reserved == 0 && h.streams[st.token] == st {
		delete(h.streams, st.token)
		delete(h.byID, st.id)
	}
}

// run follows the engine until ctx ends, then closes every socket (going
// away: the pages reconnect) and waits for them.
func (h *ticketHub) run(ctx context.Context) {
	ch, stop := h.a.Engine.Subscribe("tickets", 1024)
	defer stop()
	defer h.shutdown()
	tick := time.NewTicker(ticketWSCoalesce)
	defer tick.Stop()
	refresh := time.NewTicker(ticketWSRefresh)
	defer refresh.Stop()
	services, ids := map[string]bool{}, map[int64]bool{}
	all := false
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-ch:
			if !ok {
				return
			}
			if ev.T == nil {
				all = true // a counter opened, paused or closed: estimates change
				continue
			}
			services[ev.T.Service] = true
			ids[ev.T.ID] = true
			h.mu.Lock()
			if st := h.byID[ev.T.ID]; st != nil {
				services[st.service] = true // the service it left, after a transfer
			}
			h.mu.Unlock()
			if ev.Type == queue.EvCalled || ev.Type == queue.EvRecalled {
				c, _ := h.a.Cfg.Counter(ev.T.Counter)
				h.sendCall(ev.T.ID, c.Number, ev.Type == queue.EvRecalled)
			}
		case <-h.kick:
			h.flush(ctx, func(st *ticketStream) bool { return false })
		case <-refresh.C:
			all = true
		case <-tick.C:
			if !all && len(services) == 0 && len(ids) == 0 && !h.hasPending() {
				continue
			}
			everything, svc, id := all, services, ids
			h.flush(ctx, func(st *ticketStream) bool { return everything || svc[st.service] || id[st.id] })
			services, ids, all = map[string]bool{}, map[int64]bool{}, false
		}
	}
}

// flush recomputes the views of the streams that want chooses and of those
// with a socket awaiting its snapshot, and sends each socket what changed.
func (h *ticketHub) flush(ctx context.Context, want func(*ticketStream) bool) {
	h.mu.Lock()
	var todo []*ticketStream
	for tok, st := range h.streams {
		if h.pending[tok] || want(st) {
			todo = append(todo, st)
		}
	}
	clear(h.pending)
	h.mu.Unlock()
	if len(todo) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, st := range todo {
		p, service, err := h.view(ctx, st.token)
		if err != nil {
			h.a.log.Warn("ticket view", "component", "ticketws", "ticket", st.id, "err", err)
			h.mu.Lock()
			if h.hasNew(st) {
				h.pending[st.token] = true // its snapshot is tried again at the next tick
			}
			h.mu.Unlock()
			continue
		}
		h.mu.Lock()
		st.service = service
		for c := range st.clients {
			switch {
			case c.last == nil:
				h.sendLocked(st, c, ticketMsg{Type: "snapshot", publicTicket: p})
			case *c.last != p:
				h.sendLocked(st, c, ticketMsg{Type: "update", publicTicket: p})
			default:
				continue
			}
			c.last = &p
		}
		h.mu.Unlock()
	}
}

func (h *ticketHub) hasPending() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.pending) > 0
}

// hasNew: a socket of st still waits for its snapshot. Under h.mu.
func (h *ticketHub) hasNew(st *ticketStream) bool {
	for c := range st.clients {
		if c.last == nil {
			return true
		}
	}
	return false
}

// view is the public view of the ticket token names now, and its service.
func (h *ticketHub) view(ctx context.Context, token string) (publicTicket, string, error) {
	tk, err := h.a.Engine.TicketByToken(ctx, token)
	if err != nil {
		return publicTicket{}, "", err
	}
	p, err := h.a.publicView(ctx, tk)
	return p, tk.Service, err
}

// sendCall tells the sockets of ticket id that it was called to counter.
// Sockets still waiting for their snapshot get the call in it.
func (h *ticketHub) sendCall(id int64, counter int, recall bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.byID[id]
	if st == nil {
		return
	}
	for c := range st.clients {
		if c.last != nil {
			h.sendLocked(st, c, ticketCallMsg{Type: "call", CounterNumber: counter, Recall: recall})
		}
	}
}

// sendLocked queues m for c with c's next seq, or drops c when its buffer
// is full: the page reconnects for a fresh snapshot. Under h.mu.
func (h *ticketHub) sendLocked(st *ticketStream, c *ticketClient, m any) {
	seq := c.seq + 1
	switch v := m.(type) {
	case ticketMsg:
		v.Seq = seq
		m = v
	case ticketCallMsg:
		v.Seq = seq
		m = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		h.a.log.Error("ticket message", "component", "ticketws", "err", err)
		return
	}
	select {
	case c.send <- b:
		c.seq = seq
	default:
		delete(st.clients, c)
		c.stop(0, true) // it may be stuck in a write: cut it
		h.a.log.Warn("slow ticket socket dropped", "component", "ticketws", "remote", c.conn.RemoteAddr().String())
	}
}

func (h *ticketHub) shutdown() {
	h.mu.Lock()
	h.closed = true
	for _, st := range h.streams {
		for c := range st.clients {
			delete(st.clients, c)
			c.stop(websocket.CloseGoingAway, false)
		}
	}
	h.mu.Unlock()
	h.conns.Wait()
}

// stop ends c's write loop once, with a close frame when code is set,
// cutting the connection at once when abrupt.
func (c *ticketClient) stop(code int, abrupt bool) {
	c.once.Do(func() {
		c.code = code
		close(c.done)
		if abrupt {
			c.conn.Close()
		}
	})
}

// writeLoop is the only writer of c's messages and pings; closing the
// connection when it returns ends readLoop.
func (c *ticketClient) writeLoop() {
	ping := time.NewTicker(ticketWSPing)
	defer ping.Stop()
	defer c.conn.Close()
	for {
		select {
		case b := <-c.send:
			if c.conn.SetWriteDeadline(time.Now().Add(ticketWSWriteWait)) != nil ||
				c.conn.WriteMessage(websocket.TextMessage, b) != nil {
				return
			}
		case <-ping.C:
			if c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(ticketWSWriteWait)) != nil {
				return
			}
		case <-c.done:
			if c.code != 0 {
				_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(c.code, ""), time.Now().Add(time.Second))
			}
			return
		}
	}
}

// readLoop reads until the socket fails, closes or stays silent (no pong)
// for ticketWSPongWait; what the page sends is dropped.
func (c *ticketClient) readLoop() {
	c.conn.SetReadLimit(ticketWSReadLimit)
	_ = c.conn.SetReadDeadline(time.Now().Add(ticketWSPongWait))
	c.conn.SetPongHandler(func(string) error { return c.conn.SetReadDeadline(time.Now().Add(ticketWSPongWait)) })
	for {
		if _, _, err := c.conn.ReadMessage(); err != nil {
			return
		}
	}
}
