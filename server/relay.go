package server

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/motcua/motcua/display"
	"github.com/motcua/motcua/server/queue"
)

// displaySource answers the display hub from the engine.
type displaySource struct{ a *App }

// Screens are the configured lobby screens, and "counter:<id>" for the
// small screen above each counter, which shows that counter only.
func (s *displaySource) ScreenExists(screen string) bool {
	if id, ok := strings.CutPrefix(screen, "counter:"); ok {
		_, ok := s.a.Cfg.Counter(id)
		return ok
	}
	_, ok := s.a.Cfg.Screen(screen)
	return ok
}

func (s *displaySource) Filter(screen string) (counters, services []string) {
	if id, ok := strings.CutPrefix(screen, "counter:"); ok {
		return []string{id}, nil
	}
	sc, _ := s.a.Cfg.Screen(screen)
	return sc.Counters, sc.Services
}

// Ticker is screen's announcement ticker text (server/ticker.go).
func (s *displaySource) Ticker(screen string) string { return s.a.ticker(screen) }

// Snapshot is every counter's ticket now called or served, newest first,
// and the waiting counts.
func (s *displaySource) Snapshot(string) ([]display.Call, []display.ServiceWaiting, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cs, err := s.a.Engine.Counters(ctx)
	if err != nil {
		return nil, nil, err
	}
	calls := []display.Call{}
	for _, c := range cs {
		t := c.CurrentTicket
		if t == nil || (t.State != queue.Called && t.State != queue.Serving) || t.CalledAt == nil {
			continue
		}
		calls = append(calls, s.a.displayCall(*t, false))
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i].At.After(calls[j].At) })
	w, err := s.a.waiting(ctx)
	return calls, w, err
}

func (a *App) displayCall(t queue.Ticket, recall bool) display.Call {
	c, _ := a.Cfg.Counter(t.Counter)
	svc, _ := a.Cfg.Service(t.Service)
	at := a.clock.Now()
	if t.CalledAt != nil && !recall {
		at = *t.CalledAt
	}
	return display.Call{
		Ticket:       t.Number,
		Counter:      display.Counter{ID: c.ID, Number: c.Number, Name: c.Name},
		Service:      display.Service{ID: svc.ID, Name: svc.Name},
		At:           at,
		Announcement: display.Announce(a.voiceTemplate(), t.Number, c.Number, a.voiceVariant()),
		Recall:       recall,
	}
}

func (a *App) waiting(ctx context.Context) ([]display.ServiceWaiting, error) {
	ss, err := a.Engine.Services(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]display.ServiceWaiting, 0, len(ss))
	for _, s := range ss {
		out = append(out, display.ServiceWaiting{ID: s.ID, Name: s.Name, Waiting: s.Waiting, EstimatedWaitS: s.EstimatedWaitS})
	}
	return out, nil
}

// relayEvents turns committed engine events into screen messages and
// metrics. Waiting counts are coalesced: at most two updates a second.
func (a *App) relayEvents(ctx context.Context) {
	ch, stop := a.Engine.Subscribe("relay", 1024)
	defer stop()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	dirty := false
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-ch:
			if !ok {
				return
			}
			a.metrics.event(ev.Type)
			switch ev.Type {
			case queue.EvCalled, queue.EvRecalled:
				if ev.T != nil {
					a.Hub.PublishCall(a.displayCall(*ev.T, ev.Type == queue.EvRecalled))
				}
			}
			if ev.T != nil {
				dirty = true
			}
		case <-tick.C:
			if !dirty {
				continue
			}
			dirty = false
			wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			w, err := a.waiting(wctx)
			cancel()
			if err != nil {
				a.log.Warn("waiting counts", "component", "display", "err", err)
				continue
			}
			a.Hub.PublishWaiting(w)
		}
	}
}
