// Package apperr holds coded application errors: what went wrong in words a
// counter official or citizen can read (Vietnamese), and a code the HTTP layer
// maps to a status. Internal causes stay in Err and are never shown.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error for the HTTP layer.
type Code string

// Codes, each mapped to one HTTP status.
const (
	Invalid      Code = "invalid"      // 400
	Unauthorized Code = "unauthorized" // 401
	Forbidden    Code = "forbidden"    // 403
	NotFound     Code = "not-found"    // 404
	Conflict     Code = "conflict"     // 409
	TooLarge     Code = "too-large"    // 413
	Unavailable  Code = "unavailable"  // 503
	Internal     Code = "internal"     // 500
	RateLimited  Code = "rate-limited" // 429
	Unsupported  Code = "unsupported"  // 415
)

// Error is an application error safe to show.
type Error struct {
	Code Code
	// Type is a stable short name, e.g. "queue-empty"; the problem type URI
	// is built from it.
	Type string
	// Title is shown to people, in Vietnamese.
	Title string
	// Detail adds an English explanation, optional.
	Detail string
	// Err is the internal cause, logged and never shown.
	Err error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Title
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with code, type and title; detail is formatted.
func New(code Code, typ, title, detail string, args ...any) *Error {
	if len(args) > 0 {
		detail = fmt.Sprintf(detail, args...)
	}
	return &Error{Code: code, Type: typ, Title: title, Detail: detail}
}

// As finds an *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// CodeOf is the code of err, Internal when err is not an *Error.
func CodeOf(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	return Internal
}
