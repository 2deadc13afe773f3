package ratingpadtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/ratingpad"
)

func TestRatingFlow(t *testing.T) {
	k := New()
	ctx := context.Background()
	r := ratingpad.Rating{Level: 1, EventID: 7, Serial: "KP-0001", At: time.Date(2026, 3, 9, 8, 30, 0, 0, time.UTC)}

	if err := k.Press(ctx, r); !errors.Is(err, ErrNotArmed) {
		t.Errorf("Press before StartRating = %v, want ErrNotArmed", err)
	}
	if err := k.StartRating(ctx, "1023", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if ticket, ok := k.Armed(); !ok || ticket != "1023" {
		t.Errorf("Armed() = %q, %v; want 1023, true", ticket, ok)
	}
	if err := k.Press(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got := <-k.Ratings(); got != r {
		t.Errorf("Ratings delivered %+v, want %+v", got, r)
	}
	if _, ok := k.Armed(); ok {
		t.Error("still armed after a rating")
	}
	if err := k.Press(ctx, r); !errors.Is(err, ErrNotArmed) {
		t.Errorf("second Press = %v, want ErrNotArmed", err)
	}

	k.StartRating(ctx, "1024", time.Minute)
	if err := k.StopRating(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := k.Armed(); ok {
		t.Error("armed after StopRating")
	}
	if got, want := k.Starts(), []Start{{"1023", 30 * time.Second}, {"1024", time.Minute}}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Starts() = %v, want %v", got, want)
	}
	if k.Stops() != 1 {
		t.Errorf("Stops() = %d, want 1", k.Stops())
	}

	boom := errors.New("no answer")
	k.SetErr(boom)
	if err := k.StartRating(ctx, "1025", time.Minute); !errors.Is(err, boom) {
		t.Errorf("StartRating with SetErr = %v, want %v", err, boom)
	}
	k.SetErr(nil)

	k.Close()
	k.Close()
	if _, ok := <-k.Ratings(); ok {
		t.Error("Ratings not closed by Close")
	}
	if err := k.StartRating(ctx, "1026", time.Minute); !errors.Is(err, ErrClosed) {
		t.Errorf("StartRating after Close = %v, want ErrClosed", err)
	}
}

func TestConcurrent(t *testing.T) {
	k := New()
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			k.StartRating(ctx, "1", time.Second)
			k.Press(ctx, ratingpad.Rating{Level: 2})
			k.Armed()
			k.StopRating(ctx)
		})
	}
	done := make(chan int)
	go func() {
		n := 0
		for range k.Ratings() {
			n++
		}
		done <- n
	}()
	wg.Wait()
	k.Close()
	if n := <-done; n > 20 {
		t.Errorf("%d ratings delivered for 20 key presses", n)
	}
}
