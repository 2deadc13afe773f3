package server

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/motcua/motcua/server/queue"
)

// simulate plays citizens and officials for the lively demo (--simulate):
// a citizen takes a ticket every few seconds, each counter calls the next
// one, serves it for a while and finishes, sometimes marking a no-show.
func (a *App) simulate(ctx context.Context) {
	log := a.log.With("component", "simulate")
	log.Info("simulated citizens and officials are on")
	sleep := func(d time.Duration) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	for _, c := range a.Cfg.Counters {
		a.bg.Add(1)
		go func() {
			defer a.bg.Done()
			actor := queue.Actor{Name: "mô phỏng " + c.Name}
			for sleep(time.Duration(2+rand.IntN(4)) * time.Second) {
				if _, err := a.Engine.CallNext(ctx, c.ID, actor); err != nil {
					if !errors.Is(err, queue.ErrQueueEmpty) && ctx.Err() == nil {
						log.Debug("call", "counter", c.ID, "err", err)
					}
					continue
				}
				if rand.IntN(10) == 0 {
					if !sleep(8 * time.Second) {
						return
					}
					a.Engine.NoShow(ctx, c.ID, actor)
					continue
				}
				if !sleep(3 * time.Second) {
					return
				}
				a.Engine.Start(ctx, c.ID, actor)
				if !sleep(time.Duration(10+rand.IntN(30)) * time.Second) {
					return
				}
				a.Engine.Finish(ctx, c.ID, actor)
			}
		}()
	}
	for sleep(time.Duration(1500+rand.IntN(4000)) * time.Millisecond) {
		s := a.Cfg.Services[rand.IntN(len(a.Cfg.Services))]
		req := queue.IssueRequest{Service: s.ID, Actor: "mô phỏng"}
		if len(a.Cfg.Kiosks) > 0 {
			req.Kiosk = a.Cfg.Kiosks[rand.IntN(len(a.Cfg.Kiosks))].ID
		}
		if len(a.Cfg.Priorities) > 0 && rand.IntN(6) == 0 {
			req.Priority = a.Cfg.Priorities[rand.IntN(len(a.Cfg.Priorities))].ID
		}
		is, err := a.Engine.Issue(ctx, req)
		if err != nil {
			if ctx.Err() == nil {
				log.Debug("issue", "err", err)
			}
			continue
		}
		if req.Kiosk != "" { // the simulated citizen's ticket prints like a real one
			a.printTicket(ctx, req.Kiosk, is.Ticket, is.WaitingAhead, is.EstimatedWaitS)
		}
	}
}
