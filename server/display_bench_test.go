package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/server/auth"
)

// wsSinkEnv makes the test binary, started again by BenchmarkDisplayFanout,
// serve bare websockets (a hello, then reading until closed) and nothing
// else: the sockets' server side then lives in another process.
const wsSinkEnv = "MOTCUA_BENCH_WS_SINK"

func init() {
	if os.Getenv(wsSinkEnv) == "1" {
		runWSSink()
	}
}

func runWSSink() {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.WriteMessage(websocket.TextMessage, []byte(`{"type":"snapshot","seq":0}`))
		for {
			if _, _, err := c.NextReader(); err != nil {
				return
			}
		}
	}))
	fmt.Println(srv.URL)
	_, _ = io.Copy(io.Discard, os.Stdin) // until the benchmark closes our stdin
	os.Exit(0)
}

// fanSample is one client's decoding of one call.
type fanSample struct {
	ticket string
	at     time.Time
}

// fanClients are loopback websocket clients that read and decode every
// message and report each call they decode.
type fanClients struct {
	conns   []*websocket.Conn
	samples chan fanSample
	mu      sync.Mutex
	raw     []byte // the last call's bytes, as one client got them
	done    sync.WaitGroup
}

// dialFan connects n clients to url and reads each one's first message.
func dialFan(tb testing.TB, n int, url string, hdr http.Header) *fanClients {
	tb.Helper()
	f := &fanClients{conns: make([]*websocket.Conn, n), samples: make(chan fanSample, n)}
	d := &websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 256}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64) // not a connection storm
	errs := make(chan error, n)
	for i := range f.conns {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c, res, err := d.Dial(url, hdr)
			if err != nil {
				errs <- fmt.Errorf("dial %d: %v (%v)", i, err, res)
				return
			}
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			var m struct{ Type string }
			if err := c.ReadJSON(&m); err != nil || m.Type != "snapshot" {
				errs <- fmt.Errorf("client %d: first message %q, %v", i, m.Type, err)
				c.Close()
				return
			}
			_ = c.SetReadDeadline(time.Time{})
			f.conns[i] = c
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		f.close()
		tb.Fatal(err)
	}
	for i, c := range f.conns {
		f.done.Go(func() {
			for {
				_, b, err := c.ReadMessage()
				if err != nil {
					return
				}
				var m struct{ Type, Ticket string }
				if err := json.Unmarshal(b, &m); err != nil {
					continue
				}
				if m.Type != "call" {
					continue
				}
				at := time.Now()
				if i == 0 {
					f.mu.Lock()
					f.raw = b
					f.mu.Unlock()
				}
				f.samples <- fanSample{m.Ticket, at}
			}
		})
	}
	return f
}

// collect waits for every client's decoding of ticket and appends the
// latencies from t0 (a message decoded before t0 counts as 0).
func (f *fanClients) collect(tb testing.TB, ticket string, t0 time.Time, lat []time.Duration) []time.Duration {
	tb.Helper()
	timeout := time.After(20 * time.Second)
	for range f.conns {
		select {
		case s := <-f.samples:
			if s.ticket != ticket {
				tb.Fatalf("a client decoded ticket %s, want %s", s.ticket, ticket)
			}
			lat = append(lat, max(0, s.at.Sub(t0)))
		case <-timeout:
			tb.Fatalf("clients did not all get ticket %s", ticket)
		}
	}
	return lat
}

func (f *fanClients) close() {
	for _, c := range f.conns {
		if c != nil {
			c.Close()
		}
	}
	f.done.Wait()
}

// memInUse is the heap and the goroutine stacks in use after a full
// collection.
func memInUse() (heap, stack int64) {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse), int64(m.StackInuse)
}

func percentile(lat []time.Duration, p float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return float64(s[int(p*float64(len(s)-1))].Microseconds()) / 1000
}

// raiseFileLimit makes room for n more open files, or skips.
func raiseFileLimit(b *testing.B, n uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Skipf("display fan-out needs %d open files; getrlimit: %v", n, err)
	}
	if lim.Cur >= n {
		return
	}
	if lim.Max < n {
		b.Skipf("display fan-out needs %d open files; the hard limit is %d (raise it with ulimit -Hn)", n, lim.Max)
	}
	lim.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Skipf("display fan-out needs %d open files; setrlimit: %v", n, err)
	}
}

// BenchmarkDisplayFanout measures the lobby screens' fan-out with 1,000
// loopback clients on /ws/display/sanh of the whole daemon:
//
//   - p50-ms, p99-ms: from call-next returning (HTTP, as a counter does it)
//     to the call message decoded by each client; one sample per client
//     per call (a message decoded before call-next returned counts as 0).
//
//   - bare-p50-ms, bare-p99-ms and the ratios: the same message bytes sent
//     as one PreparedMessage, written in a loop by a minimal httptest server
//     with gorilla's default upgrader, to 1,000 clients of the same kind,
//     from just before the loop to each client's decoding.
//
//   - server-B/conn: the daemon's memory per connected screen. The clients
//     are in this process too, so the heap and goroutine stacks in use
//     (HeapInuse+StackInuse, after GC) grow by both ends of each socket.
//     The client end alone is measured first, with the same 1,000 clients
//     (same dialer, one reading goroutine each) connected to a bare
//     websocket server running in a child process (this test binary
//     started again), whose memory is not counted here; the server end is
//     the growth with the daemon minus that growth. server-heap-B/conn is
//     the HeapInuse part alone.
//
//     go test -run='^$' -bench=DisplayFanout -benchtime=20x ./server/
func BenchmarkDisplayFanout(b *testing.B) {
	const clients = 1000
	raiseFileLimit(b, 4*clients+1024)

	// The client end of a socket, against a server in another process.
	sink := exec.Command(os.Args[0], "-test.run=^$")
	sink.Env = append(os.Environ(), wsSinkEnv+"=1")
	sinkIn, _ := sink.StdinPipe()
	sinkOut, _ := sink.StdoutPipe()
	sink.Stderr = os.Stderr
	if err := sink.Start(); err != nil {
		b.Fatalf("websocket sink: %v", err)
	}
	defer func() { sinkIn.Close(); _ = sink.Wait() }()
	line, err := bufio.NewReader(sinkOut).ReadString('\n')
	if err != nil {
		b.Fatalf("websocket sink: %v", err)
	}
	sinkURL := "ws" + strings.TrimPrefix(strings.TrimSpace(line), "http")
	h0, s0 := memInUse()
	fc := dialFan(b, clients, sinkURL, nil)
	h1, s1 := memInUse()
	fc.close()

	// The daemon with 1,000 lobby screens.
	d := boot(b, "")
	kiosk := d.token(auth.RoleKiosk, "") // unbound: nothing printed
	official := d.token(auth.RoleOfficial, "quay-1")
	for range b.N + 1 {
		if r := d.do("POST", "/api/v1/tickets", kiosk, map[string]string{"service": "dang-ky-doanh-nghiep"}); r.status != 201 {
			b.Fatalf("issue: %d %s", r.status, r.body)
		}
	}
	hdr := http.Header{"Authorization": {"Bearer " + d.token(auth.RoleDisplay, "sanh")}}
	h2, s2 := memInUse()
	fm := dialFan(b, clients, strings.Replace(d.base, "http", "ws", 1)+"/ws/display/sanh", hdr)
	h3, s3 := memInUse()
	defer fm.close()
	serverHeap := float64((h3-h2)-(h1-h0)) / clients
	serverStack := float64((s3-s2)-(s1-s0)) / clients

	callNext := func() (string, time.Time) {
		r := d.do("POST", "/api/v1/counters/quay-1/call-next", official, nil)
		t0 := time.Now()
		if r.status != 200 {
			b.Fatalf("call-next: %d %s", r.status, r.body)
		}
		var out struct{ Ticket struct{ Number string } }
		r.json(b, &out)
		return out.Ticket.Number, t0
	}
	finish := func() {
		for _, action := range []string{"start", "finish"} {
			if r := d.do("POST", "/api/v1/counters/quay-1/"+action, official, nil); r.status != 200 {
				b.Fatalf("%s: %d %s", action, r.status, r.body)
			}
		}
	}
	// one call to warm up
	ticket, t0 := callNext()
	fm.collect(b, ticket, t0, nil)
	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		finish()
		time.Sleep(5 * time.Millisecond) // let the previous messages settle
		b.StartTimer()
		ticket, t0 := callNext()
		lat = fm.collect(b, ticket, t0, lat)
	}
	b.StopTimer()
	fm.mu.Lock()
	msg := fm.raw
	fm.mu.Unlock()

	// The bare gorilla broadcast of the same bytes.
	var mu sync.Mutex
	var bare []*websocket.Conn
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		bare = append(bare, c)
		mu.Unlock()
		_ = c.WriteMessage(websocket.TextMessage, []byte(`{"type":"snapshot","seq":0}`))
		for {
			if _, _, err := c.NextReader(); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	fb := dialFan(b, clients, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	defer fb.close()
	var m struct{ Ticket string }
	if err := json.Unmarshal(msg, &m); err != nil {
		b.Fatalf("call message %q: %v", msg, err)
	}
	var bareLat []time.Duration
	for i := range b.N + 1 {
		time.Sleep(5 * time.Millisecond)
		pm, err := websocket.NewPreparedMessage(websocket.TextMessage, msg)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		mu.Lock()
		for _, c := range bare {
			_ = c.WritePreparedMessage(pm)
		}
		mu.Unlock()
		l := fb.collect(b, m.Ticket, t0, nil)
		if i > 0 { // the first is the warm-up
			bareLat = append(bareLat, l...)
		}
	}

	p50, p99 := percentile(lat, 0.50), percentile(lat, 0.99)
	bp50, bp99 := percentile(bareLat, 0.50), percentile(bareLat, 0.99)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p99, "p99-ms")
	b.ReportMetric(bp50, "bare-p50-ms")
	b.ReportMetric(bp99, "bare-p99-ms")
	if bp50 > 0 {
		b.ReportMetric(p50/bp50, "p50-ratio")
	}
	if bp99 > 0 {
		b.ReportMetric(p99/bp99, "p99-ratio")
	}
	b.ReportMetric(serverHeap+serverStack, "server-B/conn")
	b.ReportMetric(serverHeap, "server-heap-B/conn")
	b.ReportMetric(float64((h1-h0)+(s1-s0))/clients, "client-B/conn")
	b.ReportMetric(0, "ns/op") // the loop's time is not a useful figure
	b.Logf("%d clients, %d calls, %d-byte message: server %.0f B/conn (heap %.0f, stacks %.0f); both ends %.0f, client end %.0f",
		clients, b.N, len(msg), serverHeap+serverStack, serverHeap, serverStack,
		float64((h3-h2)+(s3-s2))/clients, float64((h1-h0)+(s1-s0))/clients)
}
