package printer

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Ticket is what the server hands over to print a queue ticket. It carries
// display values only: the printer package does not interpret them.
type Ticket struct {
	Center       string    // the center's name, printed at the top
	Number       string    // queue number (số thứ tự), printed large, e.g. "1023"
	Service      string    // the procedure or service the citizen chose
	Department   string    // the department (sở, ban, ngành) serving it; may be empty
	IssuedAt     time.Time // when the ticket was issued, already in the center's local time
	WaitingAhead int       // people waiting ahead of this ticket when it was issued
	TrackURL     string    // public page following the ticket; printed as a QR code by the raster layout
	// EstimatedWait is the expected wait, printed as "khoảng N phút"; 0 prints nothing.
	EstimatedWait time.Duration
	// Priority names the priority category, printed when not empty.
	Priority string
}

// Job is one print job: the exact bytes to send and an ID that names the job
// in logs and in the virtual printer's spool.
type Job struct {
	ID   string // job identifier, usually the ticket or receipt ID; need not be a valid file name
	Data []byte // the bytes sent to the device unchanged, e.g. from Encode
}

// Printer is one ESC/POS printer. Implementations are safe for concurrent
// use; jobs sent concurrently are printed one after the other, never
// interleaved.
type Printer interface {
	// Print sends job to the device. Where the printer's profile has a
	// completion marker (GS ( H or GS r 1) Print returns nil only once the
	// printer confirmed it processed the job; otherwise when the device
	// accepted the bytes, not when the paper left the cutter.
	//
	// It fails with an error wrapping ErrPaperOut, ErrCoverOpen or
	// ErrOffline when the printer is known to be unable to print; then no
	// byte of the job was sent. An error that also wraps ErrUnconfirmed
	// means the job was sent, in whole or in part, and may have printed.
	// JobOutcome sorts the three cases. The job is never retried.
	Print(ctx context.Context, job Job) error

	// Status reports the printer's state as far as the driver can know it.
	// An unreachable printer is reported as an error wrapping ErrOffline,
	// with a zero Status; a printer that is connected but does not answer
	// its status queries in time as an error wrapping ErrOffline with
	// Status{Unknown: true}, never as online.
	Status(ctx context.Context) (Status, error)

	// Close releases the printer. Print and Status fail with ErrClosed
	// afterwards. Close is idempotent.
	Close() error
}

// Status is a printer's state. Online mirrors the ESC/POS "off-line" status
// bit: a printer whose paper ran out or whose cover is open goes off-line,
// so Online is false together with PaperOut or CoverOpen.
//
// For a printer whose profile has no real-time status (and a usb printer
// whose kernel driver reports nothing), Online means only that the device
// opened and took bytes.
type Status struct {
	Online        bool // ready to print
	PaperNearEnd  bool // the paper roll is nearly used up; printing still works
	PaperOut      bool // no paper: printing is impossible
	CoverOpen     bool // the cover is open: printing is impossible
	CutterError   bool // the autocutter jammed or failed (DLE EOT 3, bit 3); the printer stops
	Unrecoverable bool // an unrecoverable error (DLE EOT 3, bit 5): the printer needs service
	// Unknown means the printer did not answer a status query in time: its
	// state is not known, which is never taken for online.
	Unknown bool
}

// Err returns the error a print would fail with in state s: ErrCoverOpen,
// ErrPaperOut or ErrOffline, in that order of precedence, or nil when the
// printer is online. PaperNearEnd alone is not an error.
func (s Status) Err() error {
	switch {
	case s.CoverOpen:
		return ErrCoverOpen
	case s.PaperOut:
		return ErrPaperOut
	case s.Unknown || !s.Online:
		return ErrOffline
	}
	return nil
}

// Outcome is what became of a print job, as far as the host can know.
type Outcome int

// Outcomes, from JobOutcome.
const (
	// Printed: the printer confirmed the job (or, without a completion
	// marker in its profile, took all its bytes).
	Printed Outcome = iota
	// NotPrinted: no byte of the job reached the printer (it was refused
	// for paper out, cover open or offline, the Printer was closed, or ctx
	// ended while the job waited). Reprinting it prints it once.
	NotPrinted
	// MaybePrinted: the job was sent, in whole or in part, and the printer
	// did not confirm it: it may be on paper. Mark it unknown and let a
	// person decide; never reprint it automatically.
	MaybePrinted
)

func (o Outcome) String() string {
	switch o {
	case Printed:
		return "printed"
	case NotPrinted:
		return "not printed"
	case MaybePrinted:
		return "unknown"
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// JobOutcome sorts the error Print returned: nil is Printed, an error
// wrapping ErrUnconfirmed is MaybePrinted, any other error NotPrinted.
func JobOutcome(err error) Outcome {
	switch {
	case err == nil:
		return Printed
	case errors.Is(err, ErrUnconfirmed):
		return MaybePrinted
	}
	return NotPrinted
}

// Errors a caller can branch on with errors.Is. Driver errors wrap them with
// the printer's name and the job.
var (
	// ErrPaperOut means the printer has no paper.
	ErrPaperOut = errors.New("paper out")
	// ErrCoverOpen means the printer's cover is open.
	ErrCoverOpen = errors.New("cover open")
	// ErrOffline means the printer cannot be reached or is not ready:
	// unplugged, switched off, not answering on the network, or in an error
	// state it did not explain.
	ErrOffline = errors.New("printer offline")
	// ErrClosed means the Printer was closed.
	ErrClosed = errors.New("printer closed")
	// ErrUnconfirmed means a job was sent, in whole or in part, but the
	// printer did not confirm it printed: the connection was cut mid-job,
	// the paper ran out during it, or the completion marker never came.
	// The ticket may be on paper: report it as unknown, do not reprint it
	// automatically. The error usually wraps a cause as well (ErrPaperOut,
	// ErrCoverOpen, ErrOffline, a context error).
	ErrUnconfirmed = errors.New("job sent but not confirmed printed")
)
