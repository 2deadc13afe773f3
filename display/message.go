package display

import (
	"encoding/json"
	"time"
)

// The values of the "type" field of the messages a screen receives.
const (
	TypeSnapshot = "snapshot"
	TypeCall     = "call"
	TypeWaiting  = "waiting"
	TypeTicker   = "ticker"
)

// Counter is the counter a ticket is called to.
type Counter struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	Name   string `json:"name"`
}

// Service is the service a ticket was taken for.
type Service struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Call is a ticket called (or recalled) to a counter.
type Call struct {
	Ticket  string    `json:"ticket"`
	Counter Counter   `json:"counter"`
	Service Service   `json:"service"`
	At      time.Time `json:"at"`
	// Announcement is the sentence the screens read aloud. The hub fills it
	// from Options.Template when it is empty.
	Announcement string `json:"announcement"`
	Recall       bool   `json:"recall"`
}

// ServiceWaiting is how many tickets wait for a service and about how long
// a new one would wait, in seconds.
type ServiceWaiting struct {
	ID             string `json:"id"`
	Name           string `json:"name,omitempty"` // optional: screens fall back to names seen in calls
	Waiting        int    `json:"waiting"`
	EstimatedWaitS int    `json:"estimated_wait_s"`
}

// Message is any message a screen receives, for programs and tests that
// read the stream; the fields a Type does not use are empty. A "call"
// message carries its call in the embedded Call.
type Message struct {
	Type     string           `json:"type"`
	Seq      int64            `json:"seq"`
	Calls    []Call           `json:"calls,omitempty"`
	Waiting  []ServiceWaiting `json:"waiting,omitempty"`
	Services []ServiceWaiting `json:"services,omitempty"`
	Ticker   string           `json:"ticker,omitempty"` // snapshot: the ticker text
	Text     string           `json:"text,omitempty"`   // ticker: the new text
	Call
}

// The wire forms, one per type, so that each message carries exactly its
// fields and empty lists are [] rather than null.
type (
	snapshotMsg struct {
		Type    string           `json:"type"`
		Seq     int64            `json:"seq"`
		Calls   []Call           `json:"calls"`
		Waiting []ServiceWaiting `json:"waiting"`
		Ticker  string           `json:"ticker"`
	}
	callMsg struct {
		Type string `json:"type"`
		Seq  int64  `json:"seq"`
		Call
	}
	waitingMsg struct {
		Type     string           `json:"type"`
		Seq      int64            `json:"seq"`
		Services []ServiceWaiting `json:"services"`
	}
	tickerMsg struct {
		Type string `json:"type"`
		Seq  int64  `json:"seq"`
		Text string `json:"text"`
	}
)

func encodeSnapshot(seq int64, calls []Call, waiting []ServiceWaiting, ticker string) ([]byte, error) {
	if calls == nil {
		calls = []Call{}
	}
	if waiting == nil {
		waiting = []ServiceWaiting{}
	}
	return json.Marshal(snapshotMsg{Type: TypeSnapshot, Seq: seq, Calls: calls, Waiting: waiting, Ticker: ticker})
}

func encodeCall(seq int64, c Call) ([]byte, error) {
	return json.Marshal(callMsg{Type: TypeCall, Seq: seq, Call: c})
}

func encodeWaiting(seq int64, w []ServiceWaiting) ([]byte, error) {
	if w == nil {
		w = []ServiceWaiting{}
	}
	return json.Marshal(waitingMsg{Type: TypeWaiting, Seq: seq, Services: w})
}

func encodeTicker(seq int64, text string) ([]byte, error) {
	return json.Marshal(tickerMsg{Type: TypeTicker, Seq: seq, Text: text})
}
