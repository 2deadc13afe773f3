package queue

import (
	"encoding/json"
	"time"
)

// State is where a ticket is in its life.
type State string

// Ticket states. waiting → called → serving → done; called → no_show;
// called/serving → held → called; called/serving → waiting (transfer);
// anything unfinished at local midnight → expired.
const (
	Waiting State = "waiting"
	Called  State = "called"
	Serving State = "serving"
	Held    State = "held"
	Done    State = "done"
	NoShow  State = "no_show"
	Expired State = "expired"
)

// Ticket is one queue ticket.
type Ticket struct {
	ID            int64      `json:"id"`
	Token         string     `json:"token"`
	Number        string     `json:"number"`
	Service       string     `json:"service"`
	IssuedService string     `json:"issued_service"`
	Day           string     `json:"day"`
	Seq           int        `json:"seq"`
	Priority      string     `json:"priority,omitempty"`
	Kiosk         string     `json:"kiosk,omitempty"`
	State         State      `json:"state"`
	Counter       string     `json:"counter,omitempty"`
	TargetCounter string     `json:"target_counter,omitempty"`
	IssuedAt      time.Time  `json:"issued_at"`
	CalledAt      *time.Time `json:"called_at,omitempty"`
	StartedAt     *time.Time `json:"started_at,omitempty"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
	Recalls       int        `json:"recalls"`
	Transfers     int        `json:"transfers"`
	Official      string     `json:"official,omitempty"`
	PrintStatus   string     `json:"print_status"`
}

// Event is one row of the event log.
type Event struct {
	ID      int64           `json:"id"`
	At      time.Time       `json:"at"`
	Type    string          `json:"type"`
	Ticket  int64           `json:"ticket,omitempty"`
	Counter string          `json:"counter,omitempty"`
	Actor   string          `json:"actor,omitempty"`
	Data    json.RawMessage `json:"data"`
	Hash    string          `json:"hash"`

	// T is the ticket as it stood after the change, for in-process
	// subscribers only; nil for events without a ticket.
	T *Ticket `json:"-"`
}

// Event types.
const (
	EvIssued      = "ticket.issued"
	EvCalled      = "ticket.called"
	EvRecalled    = "ticket.recalled"
	EvStarted     = "ticket.started"
	EvFinished    = "ticket.finished"
	EvNoShow      = "ticket.no_show"
	EvTransferred = "ticket.transferred"
	EvHeld        = "ticket.held"
	EvMoved       = "ticket.moved" // a supervisor moved a waiting ticket (MoveWaiting)
	EvRated       = "ticket.rated"
	EvExpired     = "ticket.expired"
	EvPrinted     = "ticket.print"
	EvOpened      = "counter.opened"
	EvPaused      = "counter.paused"
	EvClosed      = "counter.closed"
	EvServices    = "counter.services" // a supervisor changed the counter's services
)

// Issued is the answer to Issue.
type Issued struct {
	Ticket         Ticket
	WaitingAhead   int
	EstimatedWaitS int
	// Replayed is true when an idempotency key returned an earlier ticket.
	Replayed bool
}

// ServiceStatus is one kiosk choice with its queue.
type ServiceStatus struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	Waiting        int    `json:"waiting"`
	EstimatedWaitS int    `json:"estimated_wait_s"`
	Open           bool   `json:"open"`
}

// CounterStatus is one counter as the API shows it.
type CounterStatus struct {
	ID            string   `json:"id"`
	Number        int      `json:"number"`
	Name          string   `json:"name"`
	Services      []string `json:"services"`
	General       bool     `json:"general"`
	State         string   `json:"state"`
	Reason        string   `json:"reason,omitempty"`
	CurrentTicket *Ticket  `json:"current_ticket"`
	// Official is who last acted at the counter (counters.official).
	Official string `json:"official,omitempty"`
	// IdleSince is when the counter became open with no current ticket;
	// nil while it serves, is paused or closed.
	IdleSince *time.Time `json:"idle_since,omitempty"`
}
