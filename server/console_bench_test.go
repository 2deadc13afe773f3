package server

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
)

// A busy morning: 200 citizens waiting for counter 1's two services, 40
// served at the other counters. The console and the monitor rebuild their
// whole state after every change, so this is what a change costs.
func busyMorning(b *testing.B) *daemon {
	clk := clock.NewFake(time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC))
	d := bootWith(b, Options{Clock: clk})
	k := d.token("kiosk", "kiosk-1")
	svcs := []string{"dang-ky-doanh-nghiep", "dau-tu", "dat-dai", "thue"}
	for i := 0; i < 280; i++ {
		if r := d.do("POST", "/api/v1/tickets", k, map[string]any{"service": svcs[i%len(svcs)]}); r.status != 201 {
			b.Fatalf("issue: %d %s", r.status, r.body)
		}
		clk.Advance(20 * time.Second)
	}
	sup := d.token("supervisor", "")
	for i := 0; i < 40; i++ {
		c := []string{"quay-5", "quay-6"}[i%2]
		d.do("POST", "/api/v1/counters/"+c+"/call-next", sup, nil)
		clk.Advance(time.Minute)
		d.do("POST", "/api/v1/counters/"+c+"/finish", sup, nil)
	}
	return d
}

func BenchmarkConsoleState(b *testing.B) {
	d := busyMorning(b)
	p := &auth.Principal{Kind: "user", Role: auth.RoleOfficial, Name: "Cán bộ", Username: "cb1", Place: "quay-1"}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		st, err := d.app.consoleState(ctx, "quay-1", p)
		if err != nil || st.QueueTotal != 140 {
			b.Fatalf("state: %v, queue %d", err, st.QueueTotal)
		}
	}
}

func BenchmarkMonitorState(b *testing.B) {
	d := busyMorning(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := d.app.monitorState(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConsoleFollows is the time from call-next answering to the
// counter's console socket showing the called ticket, on a busy morning.
func BenchmarkConsoleFollows(b *testing.B) {
	d := busyMorning(b)
	d.user("cb1", "official", "quay-1")
	s := d.signIn("cb1", "")
	ws, _, err := (&websocket.Dialer{Jar: s.c.Jar}).Dial("ws"+strings.TrimPrefix(d.base, "http")+"/ws/console/quay-1", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	type msg struct {
		State struct {
			Current *struct{ Number string }
		}
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r := s.do("POST", "/api/v1/counters/quay-1/call-next", nil)
		done := time.Now()
		if r.status != 200 {
			b.Fatalf("call-next: %d %s", r.status, r.body)
		}
		var v struct{ Ticket struct{ Number string } }
		r.json(b, &v)
		for {
			var m msg
			ws.SetReadDeadline(time.Now().Add(10 * time.Second))
			if err := ws.ReadJSON(&m); err != nil {
				b.Fatal(err)
			}
			if m.State.Current != nil && m.State.Current.Number == v.Ticket.Number {
				break
			}
		}
		lat = append(lat, time.Since(done))
		b.StopTimer()
		s.do("POST", "/api/v1/counters/quay-1/finish", nil)
		time.Sleep(600 * time.Millisecond) // the finish's state goes out, and the coalescing window after it ends
		b.StartTimer()
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
