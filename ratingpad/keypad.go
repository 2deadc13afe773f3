package ratingpad

import (
	"context"
	"time"
)

// Keypad is one rating keypad at a counter, as the server uses it. The
// serial driver and the simulator implement it, and so does the fake in
// package ratingpadtest.
type Keypad interface {
	// StartRating arms the keypad for the citizen holding ticket (a queue
	// number such as "1023", shown where the keypad has a display): its
	// keys light up and the first key press within timeout arrives on
	// Ratings. It returns when the keypad acknowledged the command.
	// Starting again replaces a rating in progress.
	StartRating(ctx context.Context, ticket string, timeout time.Duration) error

	// StopRating disarms the keypad; a key pressed afterwards is ignored.
	// It returns when the keypad acknowledged the command.
	StopRating(ctx context.Context) error

	// Ratings delivers the citizens' ratings. The channel is closed by
	// Close. A rating may arrive twice after a retransmission on the
	// line; EventID tells the copies apart from a new rating.
	Ratings() <-chan Rating

	// Close stops the keypad's driver and closes the Ratings channel. The
	// keypads of a Bus share its driver: for them Close does nothing, and
	// Bus.Close stops the driver and closes every Ratings channel.
	Close() error
}

// Rating is one key press on an armed keypad.
type Rating struct {
	// Level is the rating, 1 the best: with three keys 1 rất hài lòng,
	// 2 hài lòng, 3 không hài lòng; a four-key keypad adds bình thường as
	// 3 and không hài lòng becomes 4. It counts the same way as the level
	// of the counter's web rating pad.
	Level int
	// EventID is the keypad's counter of ratings, which wraps around; a
	// repeated EventID from the same keypad is the same rating.
	EventID uint16
	// Serial is the keypad's serial number, which stays the same when it
	// is given another bus address or moved to another counter.
	Serial string
	// Ticket is the ticket given to the StartRating whose session the
	// press answers.
	Ticket string
	// Keys is how many keys the keypad has (3 or 4), which says what
	// Level means.
	Keys uint8
	// At is when the host received the rating, on the daemon's clock.
	At time.Time
}
