package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// metrics keeps the few numbers /metrics shows, in Prometheus text format,
// written by hand: a client library would be most of the binary's
// dependencies for a dozen series.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // {route, status class} → count
	latency  map[string]*histogram
	events   map[string]uint64
}

var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

type histogram struct {
	counts []uint64
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, latency: map[string]*histogram{}, events: map[string]uint64{}}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Hijack hands the connection to the websocket upgrader.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("connection cannot be hijacked")
	}
	w.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

// Unwrap lets http.ResponseController and the websocket upgrader reach the
// connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (m *metrics) wrap(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusSwitchingProtocols // hijacked: a websocket
		}
		d := time.Since(start).Seconds()
		m.mu.Lock()
		m.requests[[2]string{route, fmt.Sprintf("%dxx", sw.status/100)}]++
		hg := m.latency[route]
		if hg == nil {
			hg = &histogram{counts: make([]uint64, len(latencyBuckets))}
			m.latency[route] = hg
		}
		for i, b := range latencyBuckets {
			if d <= b {
				hg.counts[i]++
			}
		}
		hg.sum += d
		hg.n++
		m.mu.Unlock()
	})
}

func (m *metrics) event(typ string) {
	m.mu.Lock()
	m.events[typ]++
	m.mu.Unlock()
}

func esc(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// metricsAllowed: loopback and private networks by default, or the
// configured networks.
func (a *App) metricsAllowed(r *http.Request) bool {
	ip := net.ParseIP(clientIP(r))
	if ip == nil {
		return false
	}
	if len(a.Cfg.Center.MetricsFrom) == 0 {
		return ip.IsLoopback() || ip.IsPrivate()
	}
	for _, c := range a.Cfg.Center.MetricsFrom {
		if _, n, err := net.ParseCIDR(c); err == nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

func (a *App) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if !a.metricsAllowed(r) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	var b strings.Builder
	m := a.metrics
	m.mu.Lock()
	b.WriteString("# HELP motcua_http_requests_total HTTP requests by route and status class.\n# TYPE motcua_http_requests_total counter\n")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	for _, k := range keys {
		fmt.Fprintf(&b, "motcua_http_requests_total{route=\"%s\",code=\"%s\"} %d\n", esc(k[0]), k[1], m.requests[k])
	}
	b.WriteString("# HELP motcua_http_request_duration_seconds HTTP request latency.\n# TYPE motcua_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.latency))
	for k := range m.latency {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	for _, rt := range routes {
		hg := m.latency[rt]
		for i, bk := range latencyBuckets {
			fmt.Fprintf(&b, "motcua_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %d\n", esc(rt), bk, hg.counts[i])
		}
		fmt.Fprintf(&b, "motcua_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", esc(rt), hg.n)
		fmt.Fprintf(&b, "motcua_http_request_duration_seconds_sum{route=\"%s\"} %g\n", esc(rt), hg.sum)
		fmt.Fprintf(&b, "motcua_http_request_duration_seconds_count{route=\"%s\"} %d\n", esc(rt), hg.n)
	}
	b.WriteString("# HELP motcua_events_total Events appended to the log, by type.\n# TYPE motcua_events_total counter\n")
	evs := make([]string, 0, len(m.events))
	for k := range m.events {
		evs = append(evs, k)
	}
	sort.Strings(evs)
	for _, k := range evs {
		fmt.Fprintf(&b, "motcua_events_total{type=\"%s\"} %d\n", esc(k), m.events[k])
	}
	m.mu.Unlock()

	st := a.Engine.Stats()
	fmt.Fprintf(&b, "# HELP motcua_db_commits_total Write transactions committed (one per group of requests).\n# TYPE motcua_db_commits_total counter\nmotcua_db_commits_total %d\n", st.Commits)
	fmt.Fprintf(&b, "# HELP motcua_db_commit_failures_total Write transactions that failed to commit.\n# TYPE motcua_db_commit_failures_total counter\nmotcua_db_commit_failures_total %d\n", st.FailedCommits)
	fmt.Fprintf(&b, "# HELP motcua_db_ops_total Requests written.\n# TYPE motcua_db_ops_total counter\nmotcua_db_ops_total %d\n", st.Ops)
	fmt.Fprintf(&b, "# HELP motcua_db_batch_max Largest group commit so far.\n# TYPE motcua_db_batch_max gauge\nmotcua_db_batch_max %d\n", st.MaxBatch)
	fmt.Fprintf(&b, "# HELP motcua_events_dropped_total Events a slow in-process subscriber missed.\n# TYPE motcua_events_dropped_total counter\nmotcua_events_dropped_total %d\n", st.DroppedEvents)
	fmt.Fprintf(&b, "# HELP motcua_display_clients Connected screen websockets.\n# TYPE motcua_display_clients gauge\nmotcua_display_clients %d\n", a.Hub.Clients())
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if ss, err := a.Engine.Services(ctx); err == nil {
		b.WriteString("# HELP motcua_queue_waiting Tickets waiting, by service.\n# TYPE motcua_queue_waiting gauge\n")
		for _, s := range ss {
			fmt.Fprintf(&b, "motcua_queue_waiting{service=\"%s\"} %d\n", esc(s.ID), s.Waiting)
		}
	}
	if es, err := a.Engine.EstimateAccuracy(ctx, ""); err == nil && es.Count > 0 {
		fmt.Fprintf(&b, "# HELP motcua_estimate_mae_seconds Today's mean absolute error of the wait estimates given at issue.\n# TYPE motcua_estimate_mae_seconds gauge\nmotcua_estimate_mae_seconds %g\n", es.MAES)
		fmt.Fprintf(&b, "# HELP motcua_estimate_bias_seconds Today's mean (estimate - actual wait).\n# TYPE motcua_estimate_bias_seconds gauge\nmotcua_estimate_bias_seconds %g\n", es.BiasS)
		fmt.Fprintf(&b, "# HELP motcua_estimate_naive_mae_seconds The same error for people ahead x configured service time.\n# TYPE motcua_estimate_naive_mae_seconds gauge\nmotcua_estimate_naive_mae_seconds %g\n", es.NaiveMAES)
		fmt.Fprintf(&b, "# HELP motcua_estimate_count Called tickets of today with an estimate.\n# TYPE motcua_estimate_count gauge\nmotcua_estimate_count %d\n", es.Count)
	}
	b.WriteString("# HELP motcua_printer_state A printer's last known state (1 for the state it is in): ok, near_end, paper_end, cover_open, offline, unknown.\n# TYPE motcua_printer_state gauge\n")
	pst := a.PrinterStates()
	pids := make([]string, 0, len(pst))
	for k := range pst {
		pids = append(pids, k)
	}
	sort.Strings(pids)
	for _, k := range pids {
		for _, st := range []string{"ok", "near_end", "paper_end", "cover_open", "offline", "unknown"} {
			v := 0
			if pst[k].State == st {
				v = 1
			}
			fmt.Fprintf(&b, "motcua_printer_state{device=\"%s\",state=\"%s\"} %d\n", esc(k), st, v)
		}
	}
	b.WriteString("# HELP motcua_device_up Devices loaded (1) or failed (0).\n# TYPE motcua_device_up gauge\n")
	devs := a.Devices()
	names := make([]string, 0, len(devs))
	for k := range devs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if devs[k].State == "skipped" {
			continue
		}
		up := 0
		if devs[k].State == "loaded" {
			up = 1
		}
		fmt.Fprintf(&b, "motcua_device_up{device=\"%s\"} %d\n", esc(k), up)
	}
	a.keypadMetrics(&b)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}
