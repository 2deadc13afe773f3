package config

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrOutOfNumbers is matched (errors.Is) by the error Format returns when a
// service's numeric block is used up for the day.
var ErrOutOfNumbers = errors.New("out of numbers for today")

// outOfNumbersError says which service ran out, in Vietnamese for the kiosk
// and in English for the log.
type outOfNumbersError struct {
	id, name string
}

func (e outOfNumbersError) Error() string {
	name := e.name
	if name == "" {
		name = e.id
	}
	return fmt.Sprintf("dịch vụ %s đã hết số thứ tự trong ngày (service %s ran out of numbers for today)", name, e.id)
}

func (e outOfNumbersError) Is(target error) bool { return target == ErrOutOfNumbers }

// Format turns the seq-th ticket of the day of service s (seq counts from 1)
// into the number shown on the ticket and the screens.
//
// With a numeric block the number is NumberFrom+seq-1, and an error matching
// ErrOutOfNumbers when that passes NumberTo. With a letter prefix it is the
// prefix and seq zero-padded to Width digits ("A007"), growing past Width
// when needed ("A999" is followed by "A1000"), so a prefix never runs out.
// A seq below 1 is a caller's bug and an error.
func (s Service) Format(seq int) (string, error) {
	if seq < 1 {
		return "", fmt.Errorf("service %s: ticket sequence %d must be >= 1", s.ID, seq)
	}
	if s.Prefix != "" {
		return fmt.Sprintf("%s%0*d", s.Prefix, s.Width, seq), nil
	}
	// Compare counts rather than NumberFrom+seq-1 with NumberTo, so a huge
	// seq cannot overflow.
	if s.NumberTo < s.NumberFrom || seq > s.NumberTo-s.NumberFrom+1 {
		return "", outOfNumbersError{id: s.ID, name: s.Name}
	}
	return strconv.Itoa(s.NumberFrom + seq - 1), nil
}
