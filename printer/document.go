package printer

import (
	"fmt"
	"strconv"
	"time"
)

// Document is something motcua prints: a queue Ticket or a dossier Receipt.
type Document interface {
	// Layout names the layout that draws it: "ticket" or "receipt".
	Layout() string
}

// Layout of a queue ticket.
func (Ticket) Layout() string { return "ticket" }

// Receipt is the condensed "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
// printed on the counter's thermal printer when a dossier is received. It
// carries display values only, already formatted where Vietnamese needs
// words (dates are formatted by the layout from the times given, in the
// center's local time).
type Receipt struct {
	Center     string    // the receiving center, printed at the top
	Code       string    // mã hồ sơ, e.g. "000.00.12.H41-250305-0012"
	Procedure  string    // the procedure's name
	Applicant  string    // the applicant's name as written on the form (printed: it is the citizen's own copy)
	ReceivedAt time.Time // local time the dossier was received
	DueAt      time.Time // local time the result is due
	Channel    string    // where the result is returned, e.g. "Tại quầy", "Qua bưu chính công ích"
	Official   string    // the receiving official's name
	Counter    int       // the counter's number
	Hotline    string    // the center's phone, may be empty
	TrackURL   string    // the tracker's URL, printed as a QR code
}

// Layout of a dossier receipt.
func (Receipt) Layout() string { return "receipt" }

// Ticket fields added for the raster layout live on Ticket in printer.go:
// EstimatedWait is the expected wait, printed as "khoảng N phút".

// docError is dispatch's own error: d is of no kind it knows.
type docError struct{ msg string }

func (e *docError) Error() string { return e.msg }

// dispatch hands d to the function for its kind, a Ticket or a Receipt
// (or a non-nil pointer to one): the one place that knows the kinds of
// Document. what names the caller in errors.
func dispatch(d Document, what string, ticket func(Ticket) error, receipt func(Receipt) error) error {
	switch v := d.(type) {
	case Ticket:
		return ticket(v)
	case *Ticket:
		if v == nil {
			return &docError{"printer: " + what + ": nil *Ticket"}
		}
		return ticket(*v)
	case Receipt:
		return receipt(v)
	case *Receipt:
		if v == nil {
			return &docError{"printer: " + what + ": nil *Receipt"}
		}
		return receipt(*v)
	}
	return &docError{fmt.Sprintf("printer: %s: unknown document %T", what, d)}
}

// lines are the receipt's values as both layouts print them: the official
// with the counter, and the received and due times in Vietnamese.
func (r Receipt) lines() (official, received, due string) {
	official = r.Official
	if r.Counter > 0 {
		if official != "" {
			official += " — "
		}
		official += "Quầy " + strconv.Itoa(r.Counter)
	}
	if !r.ReceivedAt.IsZero() {
		received = vnDateTime(r.ReceivedAt)
	}
	if !r.DueAt.IsZero() {
		due = vnDateTime(r.DueAt)
	}
	return official, received, due
}
