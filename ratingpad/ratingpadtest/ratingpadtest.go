// Package ratingpadtest provides an in-memory ratingpad.Keypad for tests of
// code that asks citizens for a rating.
package ratingpadtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/motcua/motcua/ratingpad"
)

// ErrNotArmed is returned by Press when the keypad is not armed, as a real
// keypad ignores a key pressed while its keys are dark.
var ErrNotArmed = errors.New("ratingpadtest: keypad not armed")

// ErrClosed is returned after Close.
var ErrClosed = errors.New("ratingpadtest: keypad closed")

// Start records one StartRating call.
type Start struct {
	Ticket  string
	Timeout time.Duration
}

// Keypad is a fake ratingpad.Keypad: it records the commands it gets and
// lets a test press a key. It is safe for concurrent use. It has no clock:
// a rating's timeout is not enforced, the test decides when to press.
type Keypad struct {
	mu      sync.Mutex
	ratings chan ratingpad.Rating
	starts  []Start
	stops   int
	armed   bool
	err     error
	closed  bool
}

var _ ratingpad.Keypad = (*Keypad)(nil)

// New returns a keypad that is not armed, whose Ratings channel buffers
// 16 ratings.
func New() *Keypad {
	return &Keypad{ratings: make(chan ratingpad.Rating, 16)}
}

// StartRating records the call and arms the keypad, or fails with the error
// set by SetErr.
func (k *Keypad) StartRating(ctx context.Context, ticket string, timeout time.Duration) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.fail(ctx); err != nil {
		return fmt.Errorf("ratingpadtest: start rating: %w", err)
	}
	k.starts = append(k.starts, Start{Ticket: ticket, Timeout: timeout})
	k.armed = true
	return nil
}

// StopRating records the call and disarms the keypad, or fails with the
// error set by SetErr.
func (k *Keypad) StopRating(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.fail(ctx); err != nil {
		return fmt.Errorf("ratingpadtest: stop rating: %w", err)
	}
	k.stops++
	k.armed = false
	return nil
}

func (k *Keypad) fail(ctx context.Context) error {
	switch {
	case k.closed:
		return ErrClosed
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return k.err
}

// Ratings returns the channel Press delivers to.
func (k *Keypad) Ratings() <-chan ratingpad.Rating { return k.ratings }

// Close closes the Ratings channel. It waits for a Press in progress.
func (k *Keypad) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.closed {
		k.closed = true
		close(k.ratings)
	}
	return nil
}

// Press plays a citizen pressing a key: if the keypad is armed, it disarms
// it and delivers r on Ratings, waiting for room in the channel until ctx
// ends. It fails with ErrNotArmed if the keypad is not armed.
func (k *Keypad) Press(ctx context.Context, r ratingpad.Rating) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case k.closed:
		return ErrClosed
	case !k.armed:
		return ErrNotArmed
	}
	select {
	case k.ratings <- r:
		k.armed = false
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Armed reports whether the keypad is armed and, if so, for which ticket.
func (k *Keypad) Armed() (ticket string, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.armed || len(k.starts) == 0 {
		return "", false
	}
	return k.starts[len(k.starts)-1].Ticket, true
}

// Starts returns the StartRating calls so far, in order.
func (k *Keypad) Starts() []Start {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]Start(nil), k.starts...)
}

// Stops returns how many times StopRating succeeded.
func (k *Keypad) Stops() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.stops
}

// SetErr makes StartRating and StopRating fail with err until SetErr(nil).
func (k *Keypad) SetErr(err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.err = err
}
