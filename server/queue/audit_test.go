package queue

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/clock"
)

// TestADayOfActions drives a whole day of a center through the engine on
// the fake clock: hundreds of tickets and every action there is (calls,
// recalls, starts, finishes, no-shows, holds and calls back, transfers to
// services and counters, ratings, rebalancing of counters and of waiting
// tickets, pauses, openings, closings, print results, retried requests,
// the midnight sweep). Then the event log must verify, every kind of
// event must be in it, the waiting counts must match the database, and
// editing one row's data, actor or time must make Verify fail at that row.
func TestADayOfActions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	rng := rand.New(rand.NewPCG(2026, 3))
	services := []string{"a", "b", "c"}
	counters := []string{"q1", "q2", "q3", "q4"}
	gs := Actor{Name: "giám sát", OutOfOrder: true}
	// a refusal (wrong state, empty queue…) is part of a day; an internal
	// or database error is not
	check := func(what string, err error) bool {
		t.Helper()
		if err == nil {
			return true
		}
		if _, ok := apperr.As(err); !ok || apperr.CodeOf(err) == apperr.Internal || apperr.CodeOf(err) == apperr.Unavailable {
			t.Fatalf("%s at %s: %v", what, f.clock.Now().In(clock.Local).Format("15:04:05"), err)
		}
		return false
	}
	waitingIDs := func() []int64 {
		rows, err := f.db.R.Query("SELECT id FROM tickets WHERE day = ? AND state = 'waiting' ORDER BY id", dayOf(f))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		return ids
	}

	keyN := 0
	end := time.Date(2026, 3, 9, 17, 0, 0, 0, clock.Local)
	for f.clock.Now().Before(end) {
		if rng.Float64() < 0.2 {
			prio := ""
			if rng.IntN(6) == 0 {
				prio = "cao-tuoi"
			}
			req := IssueRequest{Service: services[rng.IntN(3)], Priority: prio, Kiosk: "kiosk-1"}
			if rng.IntN(10) == 0 { // a kiosk retrying after a lost reply
				keyN++
				req.Key = fmt.Sprintf("kiosk-1|%d", keyN)
				_, err := f.e.Issue(ctx, req)
				check("issue", err)
			}
			is, err := f.e.Issue(ctx, req)
			if check("issue", err) {
				status := []string{"printed", "printed", "printed", "failed", "unknown"}[rng.IntN(5)]
				check("print", f.e.SetPrintStatus(ctx, is.Ticket.ID, status, ""))
			}
		}
		for _, c := range counters {
			cs, err := f.e.Counter(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			who := Actor{Name: "cán bộ " + c}
			if rng.IntN(8) == 0 {
				keyN++
				who.Key = fmt.Sprintf("%s|%d", c, keyN)
			}
			r := rng.Float64()
			switch {
			case cs.State == "closed":
				if r < 0.05 {
					_, err = f.e.SetCounterState(ctx, c, "open", "", who)
					check("open", err)
				}
			case cs.State == "paused":
				if r < 0.08 {
					_, err = f.e.SetCounterState(ctx, c, "open", "", who)
					check("reopen", err)
				}
			case cs.CurrentTicket == nil:
				if tk, _, _ := f.e.Armed(ctx, c); tk != nil && rng.IntN(3) > 0 {
					src := []string{"keypad", "web"}[rng.IntN(2)]
					_, err := f.e.Rate(ctx, c, 1+rng.IntN(3), src, Actor{Name: src + " " + c, Key: who.Key})
					check("rate", err)
					if who.Key != "" { // the keypad sent it twice
						_, err := f.e.Rate(ctx, c, 1, src, Actor{Name: src + " " + c, Key: who.Key})
						check("rate again", err)
					}
					continue
				}
				held, _ := f.e.Held(ctx, c)
				switch {
				case r < 0.01:
					_, err = f.e.SetCounterState(ctx, c, "paused", "Nghỉ giải lao", who)
					check("pause", err)
				case r < 0.013:
					_, err = f.e.SetCounterState(ctx, c, "closed", "", who)
					check("close", err)
				case len(held) > 0 && r < 0.15:
					_, err = f.e.Call(ctx, c, held[0].ID, who)
					check("call held", err)
				case r < 0.17:
					if ids := waitingIDs(); len(ids) > 0 {
						_, err = f.e.Call(ctx, c, ids[rng.IntN(len(ids))], gs)
						check("call out of order", err)
					}
				case r < 0.6:
					_, err = f.e.CallNext(ctx, c, who)
					if !errors.Is(err, ErrQueueEmpty) {
						check("call next", err)
					}
				}
			case cs.CurrentTicket.State == Called:
				switch {
				case r < 0.05:
					_, err = f.e.Recall(ctx, c, who)
					check("recall", err)
				case r < 0.08:
					_, err = f.e.NoShow(ctx, c, who)
					check("no-show", err)
				case r < 0.1:
					_, err = f.e.Hold(ctx, c, who)
					check("hold", err)
				case r < 0.12:
					_, err = f.e.Transfer(ctx, c, TransferTo{Service: services[rng.IntN(3)]}, who)
					check("transfer to service", err)
				case r < 0.13:
					_, err = f.e.Transfer(ctx, c, TransferTo{Counter: counters[rng.IntN(4)]}, who)
					check("transfer to counter", err)
				case r < 0.5:
					_, err = f.e.Start(ctx, c, who)
					check("start", err)
				}
			default: // serving
				switch {
				case r < 0.08:
					_, err = f.e.Finish(ctx, c, who)
					check("finish", err)
				case r < 0.09:
					_, err = f.e.Hold(ctx, c, who)
					check("hold", err)
				case r < 0.1:
					_, err = f.e.Transfer(ctx, c, TransferTo{Counter: counters[rng.IntN(4)]}, who)
					check("transfer to counter", err)
				}
			}
		}
		// the supervisor rebalances about every half hour
		if rng.IntN(120) == 0 {
			c := counters[rng.IntN(4)]
			ss := []string{}
			for _, s := range rng.Perm(3)[:1+rng.IntN(3)] {
				ss = append(ss, services[s])
			}
			_, err := f.e.SetCounterServices(ctx, c, ss, gs)
			check("rebalance counter", err)
		}
		if rng.IntN(120) == 0 {
			if ids := waitingIDs(); len(ids) > 0 {
				pickN := ids[:min(len(ids), 1+rng.IntN(5))]
				to := TransferTo{Service: services[rng.IntN(3)]}
				if rng.IntN(3) == 0 {
					to = TransferTo{Counter: counters[rng.IntN(4)]}
				}
				_, err := f.e.MoveWaiting(ctx, pickN, to, gs)
				check("move waiting", err)
			}
		}
		f.checkWaiting(t)
		f.clock.Advance(15 * time.Second)
	}
	// the next morning: the first ticket sweeps yesterday's open tickets
	f.clock.Set(time.Date(2026, 3, 10, 7, 30, 0, 0, clock.Local))
	f.issue(t, "a", "")
	f.checkWaiting(t)

	var issued int
	f.db.R.QueryRow("SELECT COUNT(*) FROM tickets").Scan(&issued)
	if issued < 300 {
		t.Errorf("a day of %d tickets; want hundreds", issued)
	}
	n, err := Verify(ctx, f.db.R)
	if err != nil {
		t.Fatalf("verify the day's log: %v", err)
	}
	var rows int
	f.db.R.QueryRow("SELECT COUNT(*) FROM events").Scan(&rows)
	if n != rows {
		t.Errorf("verify checked %d events of %d", n, rows)
	}
	byType := map[string]int64{} // a row of each type, for tampering
	count := map[string]int{}
	evs, _ := f.e.Events(ctx, 0, 0)
	for len(evs) > 0 {
		for _, ev := range evs {
			count[ev.Type]++
			if byType[ev.Type] == 0 || rng.IntN(count[ev.Type]) == 0 {
				byType[ev.Type] = ev.ID
			}
		}
		evs, _ = f.e.Events(ctx, evs[len(evs)-1].ID, 0)
	}
	for _, typ := range []string{EvIssued, EvCalled, EvRecalled, EvStarted, EvFinished, EvNoShow, EvTransferred, EvHeld,
		EvExpired, EvPrinted, EvOpened, EvPaused, EvClosed, EvMoved, EvRated, EvServices} {
		if count[typ] == 0 {
			t.Errorf("no %s event in a day of %d events", typ, n)
		}
	}
	t.Logf("a day: %d tickets, %d events: %v", issued, n, count)

	tamper := []struct {
		typ, col, set string
	}{
		{EvRated, "data", `replace(data, '"level":', '"level":1')`}, // a better rating
		{EvRated, "actor", `'ai đó'`},
		{EvMoved, "data", `replace(data, '"to_service":"', '"to_service":"x')`},
		{EvServices, "at", `at + 1`},
		{EvCalled, "actor", `'cán bộ khác'`},
		{EvFinished, "at", `at - 60000`},
		{EvIssued, "data", `'{}'`},
	}
	for _, tt := range tamper {
		t.Run(fmt.Sprintf("%s %s", tt.typ, tt.col), func(t *testing.T) {
			id := byType[tt.typ]
			var orig any
			if err := f.db.R.QueryRow("SELECT "+tt.col+" FROM events WHERE id = ?", id).Scan(&orig); err != nil {
				t.Fatal(err)
			}
			res, err := f.db.W.Exec("UPDATE events SET "+tt.col+" = "+tt.set+" WHERE id = ?", id)
			if err != nil {
				t.Fatal(err)
			}
			if k, _ := res.RowsAffected(); k != 1 {
				t.Fatalf("tampered %d rows", k)
			}
			var now any
			f.db.R.QueryRow("SELECT "+tt.col+" FROM events WHERE id = ?", id).Scan(&now)
			if fmt.Sprint(now) == fmt.Sprint(orig) {
				t.Fatalf("the update left %s of event %d as it was: %v", tt.col, id, orig)
			}
			_, err = Verify(ctx, f.db.R)
			var ce *ChainError
			if !errors.As(err, &ce) || ce.ID != id || !strings.Contains(ce.Reason, "edited") {
				t.Errorf("after editing %s of event %d: got %v, want a chain error naming event %d", tt.col, id, err, id)
			}
			// put it back: the chain verifies again
			if _, err := f.db.W.Exec("UPDATE events SET "+tt.col+" = ? WHERE id = ?", orig, id); err != nil {
				t.Fatal(err)
			}
			if m, err := Verify(ctx, f.db.R); err != nil || m != n {
				t.Errorf("restored: verify %d events, %v; want %d, nil", m, err, n)
			}
		})
	}
}
