package queue

import (
	"context"
	"testing"

	"github.com/motcua/motcua/server/apperr"
)

func TestIdempotencyKeys(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	first, err := f.e.Issue(ctx, IssueRequest{Service: "a", Key: "kiosk-1|k1"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.e.Issue(ctx, IssueRequest{Service: "a", Key: "kiosk-1|k1"})
	if err != nil {
		t.Fatal(err)
	}
	if again.Ticket.ID != first.Ticket.ID || !again.Replayed || first.Replayed {
		t.Errorf("retried issue: got ticket %s (replayed %v), want %s again", again.Ticket.Number, again.Replayed, first.Ticket.Number)
	}
	if n := f.issue(t, "a", ""); n.Number != "1002" {
		t.Errorf("next number after a replay: got %s, want 1002 (a replay takes no number)", n.Number)
	}

	a := Actor{Name: "cán bộ", Key: "q1|c1"}
	c1, err := f.e.CallNext(ctx, "q1", a)
	if err != nil {
		t.Fatal(err)
	}
	// the reply was lost; the console sends the same call again
	c2, err := f.e.CallNext(ctx, "q1", a)
	if err != nil {
		t.Fatalf("retried call: %v", err)
	}
	if c2.ID != c1.ID {
		t.Errorf("retried call-next called %s, want %s again", c2.Number, c1.Number)
	}
	if _, err := f.e.Finish(ctx, "q1", Actor{Name: "cán bộ", Key: "q1|c1"}); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("a key reused for another action: got %v, want conflict", err)
	}
	evs, _ := f.e.Events(ctx, 0, 0)
	calls := 0
	for _, e := range evs {
		if e.Type == EvCalled {
			calls++
		}
	}
	if calls != 1 {
		t.Errorf("%d call events, want 1", calls)
	}
}
