package display

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// smallBufListener gives every accepted connection a small kernel send
// buffer, so that a socket whose reader stops backs up after a few
// messages instead of after megabytes of loopback buffering.
type smallBufListener struct{ net.Listener }

func (l smallBufListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, err
}

// TestManyClientsSomeSlow connects hundreds of sockets to one screen, a
// sixth of which never read. The readers get every message, in order, with
// no gap in seq; the others are cut (their connection ends) without
// holding anyone up, and reconnect to a snapshot whose seq is the stream's,
// after which they follow like the rest.
func TestManyClientsSomeSlow(t *testing.T) {
	const (
		fast, slow = 250, 50
		messages   = 60
		sendBuffer = 8
		window     = 4 // < sendBuffer: a reader is never that far behind
	)
	src := newSource()
	src.setTicker("lobby", "Chào mừng")
	h := NewHub(src, Options{Logger: quietLogger(), SendBuffer: sendBuffer})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/display/{screen}", func(w http.ResponseWriter, r *http.Request) {
		h.ServeWS(w, r, r.PathValue("screen"))
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener = smallBufListener{srv.Listener}
	srv.Start()
	t.Cleanup(func() {
		h.Close()
		srv.Close()
	})

	// Dial everyone first; each reads its snapshot (seq 0).
	dialAll := func(n int, d *websocket.Dialer) []*websocket.Conn {
		conns := make([]*websocket.Conn, n)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range conns {
			wg.Go(func() {
				c, _, err := d.Dial(wsURL(srv, "lobby"), nil)
				if err != nil {
					errs <- err
					return
				}
				conns[i] = c
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("dial: %v", err)
		}
		t.Cleanup(func() {
			for _, c := range conns {
				c.Close()
			}
		})
		return conns
	}
	fastConns := dialAll(fast, websocket.DefaultDialer)
	slowConns := dialAll(slow, slowDialer)
	waitFor(t, "every socket to join", func() bool { return h.Clients() == fast+slow })

	// Readers record the seq they saw last; the publisher stays within
	// window of the slowest reader.
	last := make([]atomic.Int64, fast)
	errs := make(chan error, fast)
	var readers sync.WaitGroup
	for i, c := range fastConns {
		last[i].Store(-1)
		readers.Go(func() {
			next := int64(0)
			for next <= messages {
				_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
				var m Message
				if err := c.ReadJSON(&m); err != nil {
					errs <- fmt.Errorf("reader %d after seq %d: %w", i, next-1, err)
					return
				}
				if m.Seq != next {
					errs <- fmt.Errorf("reader %d: got seq %d (%s), want %d", i, m.Seq, m.Type, next)
					return
				}
				if next == 0 && (m.Type != TypeSnapshot || m.Ticker != "Chào mừng") {
					errs <- fmt.Errorf("reader %d: first message %s with ticker %q, want the snapshot", i, m.Type, m.Ticker)
					return
				}
				last[i].Store(m.Seq)
				next++
			}
		})
	}

	// Calls big enough that a socket that does not read fills its kernel
	// buffers within a few messages; every tenth message a waiting count
	// and a ticker, so all kinds share the one seq.
	big := call("A001", "q1", "s1")
	big.Announcement = strings.Repeat("Xin mời công dân có số thứ tự ", 64) // ≈2 KB
	start := time.Now()
	for i := int64(1); i <= messages; i++ {
		for {
			low := int64(messages)
			for j := range last {
				low = min(low, last[j].Load())
			}
			if i-low <= window {
				break
			}
			select {
			case err := <-errs:
				t.Fatal(err)
			case <-time.After(100 * time.Microsecond):
			}
			if time.Since(start) > 20*time.Second {
				t.Fatalf("readers stalled at seq %d", low)
			}
		}
		switch {
		case i%10 == 0:
			h.PublishWaiting([]ServiceWaiting{{ID: "s1", Waiting: int(i)}})
		case i%10 == 5:
			src.setTicker("lobby", fmt.Sprint("Tin số ", i))
			h.PublishTicker("lobby", fmt.Sprint("Tin số ", i))
		default:
			big.Ticket = fmt.Sprint(i)
			h.PublishCall(big)
		}
	}
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	waitFor(t, "the sockets that do not read to be dropped", func() bool { return h.Clients() == fast })

	// A cut socket reads what the kernel still held for it, a run of
	// messages with no gap, and then the end of the connection.
	var cut sync.WaitGroup
	for i, c := range slowConns {
		cut.Go(func() {
			next := int64(0)
			for {
				_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
				var m Message
				err := c.ReadJSON(&m)
				if err != nil {
					var ne net.Error
					if errors.As(err, &ne) && ne.Timeout() {
						t.Errorf("slow socket %d: still open after seq %d", i, next-1)
					}
					break
				}
				if m.Seq != next {
					t.Errorf("slow socket %d: got seq %d, want %d", i, m.Seq, next)
					break
				}
				next++
			}
			if next > messages {
				t.Errorf("slow socket %d: got all %d messages, want it cut", i, messages)
			}
		})
	}
	cut.Wait()

	// They come back to a snapshot at the stream's seq, with the ticker
	// now shown, and follow from there.
	back := dialAll(slow, websocket.DefaultDialer)
	for i, c := range back {
		if m := read(t, c); m.Type != TypeSnapshot || m.Seq != messages || m.Ticker != "Tin số 55" {
			t.Fatalf("reconnected socket %d: got %s seq %d ticker %q, want snapshot seq %d", i, m.Type, m.Seq, m.Ticker, messages)
		}
	}
	h.PublishCall(call("9999", "q1", "s1"))
	for i, c := range append(back, fastConns[:10]...) {
		if m := read(t, c); m.Type != TypeCall || m.Seq != messages+1 || m.Ticket != "9999" {
			t.Fatalf("socket %d after reconnecting: got %s seq %d ticket %s, want call seq %d", i, m.Type, m.Seq, m.Ticket, messages+1)
		}
	}
	if got := h.Clients(); got != fast+slow {
		t.Errorf("Clients() = %d, want %d", got, fast+slow)
	}
	t.Logf("%d readers, %d cut, %d messages in %v", fast, slow, messages, time.Since(start).Round(time.Millisecond))
}
