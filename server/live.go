package server

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/server/auth"
)

// The staff feed: each console and monitor socket gets its whole state
// again after every change (coalesced to at most four a second) and every
// liveRefresh, so times tick and time-based alerts rise without a change.
// States are small (a few KB) and staff sockets few (one per counter and
// supervisor), so sending them whole keeps the pages simple: a page that
// missed a message loses nothing, the next one has everything.

const (
	liveCoalesce  = 250 * time.Millisecond
	liveRefresh   = 2 * time.Second
	liveWriteWait = 10 * time.Second
	livePing      = 30 * time.Second
	liveMaxSubs   = 256
)

type liveSub struct {
	counter string // "" for the monitor
	p       *auth.Principal
	conn    *websocket.Conn
	send    chan []byte
	seq     int64 // only the feed goroutine touches it
	fresh   bool  // not sent anything yet
	// authz and cookie are the credential it opened with, checked again
	// before each state: signing out (everywhere) or disabling an account
	// ends its sockets too.
	authz, cookie string
}

type liveFeed struct {
	a        *App
	upgrader websocket.Upgrader
	mu       sync.Mutex
	subs     map[*liveSub]struct{}
	closed   bool
	kick     chan struct{}
	// alerts raised at the last evaluation, by id, to push new ones once
	alerts map[string]bool
	wg     sync.WaitGroup
}

func newLiveFeed(a *App) *liveFeed {
	return &liveFeed{a: a, subs: map[*liveSub]struct{}{}, kick: make(chan struct{}, 1), alerts: map[string]bool{},
		upgrader: websocket.Upgrader{HandshakeTimeout: liveWriteWait, ReadBufferSize: 512, WriteBufferSize: 4096, CheckOrigin: sameHostOrigin}}
}

// poke asks for fresh states soon (a device changed, a setting changed).
func (f *liveFeed) poke() {
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

func (a *App) handleConsoleWS(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("counter")
	if err := a.place(p, placeCounter, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.live.serve(w, r, p, id)
}

func (a *App) handleMonitorWS(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	a.live.serve(w, r, p, "")
}

func (f *liveFeed) serve(w http.ResponseWriter, r *http.Request, p *auth.Principal, counter string) {
	f.mu.Lock()
	full, closed := len(f.subs) >= liveMaxSubs, f.closed
	f.mu.Unlock()
	if full || closed {
		f.a.writeError(w, r, errTicketWSFull)
		return
	}
	conn, err := f.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered
	}
	conn.SetReadLimit(512)
	s := &liveSub{counter: counter, p: p, conn: conn, send: make(chan []byte, 4), fresh: true, authz: r.Header.Get("Authorization")}
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.cookie = c.Value
	}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		conn.Close()
		return
	}
	f.subs[s] = struct{}{}
	f.mu.Unlock()
	f.wg.Add(2)
	go f.writer(s)
	go f.reader(s)
	f.poke()
}

// reader only sees pongs and the close; its error ends the socket.
func (f *liveFeed) reader(s *liveSub) {
	defer f.wg.Done()
	s.conn.SetReadDeadline(time.Now().Add(livePing * 2))
	s.conn.SetPongHandler(func(string) error { return s.conn.SetReadDeadline(time.Now().Add(livePing * 2)) })
	for {
		if _, _, err := s.conn.ReadMessage(); err != nil {
			break
		}
	}
	f.drop(s)
}

func (f *liveFeed) writer(s *liveSub) {
	defer f.wg.Done()
	ping := time.NewTicker(livePing)
	defer ping.Stop()
	for {
		select {
		case b, ok := <-s.send:
			if !ok {
				s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
				s.conn.Close()
				return
			}
			s.conn.SetWriteDeadline(time.Now().Add(liveWriteWait))
			if err := s.conn.WriteMessage(websocket.TextMessage, b); err != nil {
				s.conn.Close()
				f.drop(s)
				return
			}
		case <-ping.C:
			if err := s.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(liveWriteWait)); err != nil {
				s.conn.Close()
				f.drop(s)
				return
			}
		}
	}
}

// drop removes s and ends its writer (once).
func (f *liveFeed) drop(s *liveSub) {
	f.mu.Lock()
	_, ok := f.subs[s]
	delete(f.subs, s)
	f.mu.Unlock()
	if ok {
		close(s.send)
	}
	s.conn.Close()
}

// run is the feed goroutine: it listens to the engine and sends states.
func (f *liveFeed) run(ctx context.Context) {
	ch, stop := f.a.Engine.Subscribe("live", 1024)
	defer stop()
	// refresh fires liveRefresh after the last state; hold ends a
	// coalescing wait. Refreshes do not count against the coalescing, so a
	// change right after one still goes out at once.
	refresh := time.NewTimer(0)
	defer refresh.Stop()
	hold := time.NewTimer(time.Hour)
	hold.Stop()
	defer hold.Stop()
	changed, holding, lastChange := false, false, time.Time{}
	for {
		due := false
		select {
		case <-ctx.Done():
			f.close()
			return
		case _, ok := <-ch:
			if !ok {
				f.close()
				return
			}
			changed = true
		case <-f.kick:
			changed = true
		case <-hold.C:
			holding = false
		case <-refresh.C:
			due = true
		}
		if changed && !holding {
			// the other events of the same commit are here already: one
			// state for all of them
		drain:
			for {
				select {
				case _, ok := <-ch:
					if !ok {
						break drain
					}
				default:
					break drain
				}
			}
			if wait := liveCoalesce - time.Since(lastChange); wait > 0 {
				holding = true
				hold.Reset(wait)
			} else {
				due, changed, lastChange = true, false, time.Now()
			}
		}
		if due {
			f.push(ctx)
			refresh.Reset(liveRefresh)
		}
	}
}

func (f *liveFeed) close() {
	f.mu.Lock()
	f.closed = true
	subs := make([]*liveSub, 0, len(f.subs))
	for s := range f.subs {
		subs = append(subs, s)
	}
	f.mu.Unlock()
	for _, s := range subs {
		f.drop(s)
	}
	f.wg.Wait()
}

type liveMsg struct {
	Type  string `json:"type"`
	Seq   int64  `json:"seq"`
	State any    `json:"state,omitempty"`
	Alert *Alert `json:"alert,omitempty"`
}

// push builds each state once per counter (the "me" part per socket) and
// the monitor's once, and raises new alerts to the monitors.
func (f *liveFeed) push(ctx context.Context) {
	f.mu.Lock()
	subs := make([]*liveSub, 0, len(f.subs))
	for s := range f.subs {
		subs = append(subs, s)
	}
	f.mu.Unlock()
	if len(subs) == 0 {
		return // nobody to tell; a monitor that connects gets a fresh state
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	mon, err := f.a.monitorState(ctx)
	if err != nil {
		f.a.log.Warn("monitor state", "component", "live", "err", err)
		return
	}
	var raised []Alert
	now := map[string]bool{}
	for _, al := range mon.Alerts {
		now[al.ID] = true
		if !f.alerts[al.ID] {
			raised = append(raised, al)
			f.a.log.Warn("alert", "component", "monitor", "id", al.ID, "title", al.Title)
		}
	}
	f.alerts = now
	for _, s := range subs {
		if _, err := f.a.lookupPrincipal(ctx, s.authz, s.cookie); err != nil {
			f.drop(s)
			continue
		}
		var msgs []liveMsg
		if s.counter == "" {
			for i := range raised {
				if !s.fresh {
					msgs = append(msgs, liveMsg{Type: "alert", Alert: &raised[i]})
				}
			}
			msgs = append(msgs, liveMsg{Type: "state", State: mon})
		} else {
			st, err := f.a.consoleState(ctx, s.counter, s.p)
			if err != nil {
				f.a.log.Warn("console state", "component", "live", "counter", s.counter, "err", err)
				continue
			}
			msgs = append(msgs, liveMsg{Type: "state", State: st})
		}
		s.fresh = false
		for _, m := range msgs {
			m.Seq = s.seq + 1
			b, err := json.Marshal(m)
			if err != nil {
				f.a.log.Error("live encode", "component", "live", "err", err)
				continue
			}
			f.mu.Lock()
			_, ok := f.subs[s]
			if ok {
				select {
				case s.send <- b:
					s.seq++
				default: // a slow socket gets the next state instead
				}
			}
			f.mu.Unlock()
		}
	}
}
