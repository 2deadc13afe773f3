package printer

import (
	"fmt"
)

// Real-time status, Epson ESC/POS Command Reference, "DLE EOT n: Transmit
// real-time status". The printer answers DLE EOT n as soon as it receives
// it, before the data already in its receive buffer is processed, and also
// when it is off-line: the answer can overtake the replies to earlier
// commands. Each answer is one byte.
const (
	dle = 0x10
	eot = 0x04

	// StatusPrinter (n = 1): printer status. Bit 3 off-line.
	StatusPrinter = 1
	// StatusOffline (n = 2): off-line cause. Bit 2 cover open, bit 3 paper
	// being fed by the feed button, bit 5 printing stopped by paper end,
	// bit 6 an error occurred (ask StatusError which).
	StatusOffline = 2
	// StatusError (n = 3): error cause. Bit 3 autocutter error, bit 5
	// unrecoverable error, bit 6 automatically recoverable error.
	StatusError = 3
	// StatusPaper (n = 4): roll paper sensor. Bits 2 and 3 near end,
	// bits 5 and 6 paper end (a printer sets both bits of a pair).
	StatusPaper = 4

	// Every DLE EOT reply has bit 0 = 0, bit 1 = 1, bit 4 = 1 and
	// bit 7 = 0 ("fixed" in each reply table of the manual). The pattern
	// tells a status byte from a stray data byte, from the first byte of an
	// Automatic Status Back (bits 0, 1 = 0; bit 4 = 1), and from a GS r
	// reply (bit 4 = 0): the manual's "Transmission status identification".
	rtFixedMask  = 0x93
	rtFixedValue = 0x12
	// ASB first byte (GS a, "Enable/disable Automatic Status Back"):
	// bits 0, 1 = 0, bit 4 = 1, bit 7 = 0; three more bytes follow, each
	// with bit 4 = 0 and bit 7 = 0.
	asbFixedValue = 0x10
	asbLen        = 4
	// GS r n replies ("Transmit status") have bit 4 = 0 and bit 7 = 0.
	gsrFixedMask = 0x90
)

// Job completion markers (Profile.Completion, see CompletionProcessID and
// CompletionStatus in profile.go):
//
//   - GS ( H <Function 48> "Transmit response or status: process ID
//     response": 1D 28 48 06 00 30 30 d1 d2 d3 d4 with 32 ≤ d ≤ 126. The
//     printer answers 37 22 d1 d2 d3 d4 00 once the data before it is
//     processed (printing data: once printed).
//   - GS r 1 (1D 72 01, "Transmit status", paper sensor status). The
//     printer answers one byte once the data before it is processed: bits
//     0–1 near end, bits 2–3 paper end, bit 4 = 0, bit 7 = 0. Weaker than
//     GS ( H: processed is not always printed.
const (
	blockProcessID = 0x22 // GS ( H fn=48 reply identifier after the 0x37 header
	blockMaxLen    = 80   // longest header-to-NUL block we accept, in bytes
)

// StatusReply is one decoded DLE EOT n reply byte.
type StatusReply struct {
	N   int  // which query it answers: StatusPrinter … StatusPaper
	Raw byte // the reply byte as received

	// n = 1
	Offline         bool // bit 3
	WaitingRecovery bool // bit 5: waiting for on-line recovery
	FeedButton      bool // bit 6: paper feed button pressed
	// n = 2
	CoverOpen    bool // bit 2
	PaperFeeding bool // bit 3: paper is being fed by the feed button
	PaperEndStop bool // bit 5: printing stopped by paper end
	Error        bool // bit 6: an error occurred (see n = 3)
	// n = 3
	CutterError     bool // bit 3
	Unrecoverable   bool // bit 5
	AutoRecoverable bool // bit 6: e.g. head too hot; clears by itself
	// n = 4
	PaperNearEnd bool // bits 2–3
	PaperEnd     bool // bits 5–6
}

// ParseStatusReply decodes b, the reply to DLE EOT n. It fails when n is not
// 1–4 or when b's fixed bits are wrong: such a byte is a stray data byte or
// the reply to another command, not a status.
func ParseStatusReply(n int, b byte) (StatusReply, error) {
	if n < StatusPrinter || n > StatusPaper {
		return StatusReply{}, fmt.Errorf("DLE EOT %d: no such status query", n)
	}
	if !isRealtimeReply(b) {
		return StatusReply{}, fmt.Errorf("DLE EOT %d: reply %#02x has wrong fixed bits (want bits 1, 4 set and 0, 7 clear)", n, b)
	}
	bit := func(i uint) bool { return b&(1<<i) != 0 }
	r := StatusReply{N: n, Raw: b}
	switch n {
	case StatusPrinter:
		r.Offline, r.WaitingRecovery, r.FeedButton = bit(3), bit(5), bit(6)
	case StatusOffline:
		r.CoverOpen, r.PaperFeeding, r.PaperEndStop, r.Error = bit(2), bit(3), bit(5), bit(6)
	case StatusError:
		r.CutterError, r.Unrecoverable, r.AutoRecoverable = bit(3), bit(5), bit(6)
	case StatusPaper:
		// Some clones set only one bit of each pair: either counts.
		r.PaperNearEnd, r.PaperEnd = bit(2) || bit(3), bit(5) || bit(6)
	}
	return r, nil
}

func isRealtimeReply(b byte) bool { return b&rtFixedMask == rtFixedValue }

// StatusFromReplies assembles a Status from replies to DLE EOT 1–4 (any
// subset, any order). Without a reply to DLE EOT 1 the state is unknown:
// Unknown is set and Online is false.
func StatusFromReplies(replies ...StatusReply) Status {
	var s Status
	have := false
	offline := false
	for _, r := range replies {
		switch r.N {
		case StatusPrinter:
			have = true
			offline = offline || r.Offline
		case StatusOffline:
			s.CoverOpen = s.CoverOpen || r.CoverOpen
			s.PaperOut = s.PaperOut || r.PaperEndStop
			offline = offline || r.CoverOpen || r.PaperEndStop || r.Error
		case StatusError:
			s.CutterError = s.CutterError || r.CutterError
			s.Unrecoverable = s.Unrecoverable || r.Unrecoverable
			offline = offline || r.CutterError || r.Unrecoverable
		case StatusPaper:
			s.PaperNearEnd = s.PaperNearEnd || r.PaperNearEnd
			s.PaperOut = s.PaperOut || r.PaperEnd
		}
	}
	if s.PaperOut {
		offline = true
	}
	s.Online = have && !offline
	s.Unknown = !have
	return s
}

// realtimeQuery is DLE EOT n.
func realtimeQuery(n int) []byte { return []byte{dle, eot, byte(n)} }

// processIDCommand is GS ( H <Function 48> with process ID id (4 bytes,
// each 32–126).
func processIDCommand(id [4]byte) []byte {
	return []byte{0x1D, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30, id[0], id[1], id[2], id[3]}
}

// paperStatusCommand is GS r 1.
var paperStatusCommand = []byte{0x1D, 0x72, 0x01}

// parsePaperStatus decodes the GS r 1 reply: paper sensor status.
func parsePaperStatus(b byte) (nearEnd, end bool, err error) {
	if b&gsrFixedMask != 0 {
		return false, false, fmt.Errorf("GS r 1: reply %#02x has wrong fixed bits (want bits 4, 7 clear)", b)
	}
	return b&0x03 != 0, b&0x0C != 0, nil
}

// replyKind is the kind of one unit of the printer's back channel.
type replyKind int

const (
	replyRealtime replyKind = iota + 1 // one DLE EOT reply byte
	replyBlock                         // a header-to-NUL block (0x37, 0x35 or 0x5F … 0x00), e.g. the GS ( H reply
	replyASB                           // the 4 bytes of an Automatic Status Back
	replyOther                         // any other byte: a GS r reply has bit 4 and bit 7 clear
)

type reply struct {
	kind replyKind
	b    byte   // replyRealtime, replyOther
	data []byte // replyBlock (header … NUL included), replyASB
}

// replyScanner splits the byte stream from a printer into replies. It keeps
// state across calls: a block or an ASB may arrive in pieces. One scanner
// per connection.
type replyScanner struct {
	block []byte // a header-to-NUL block being read
	asb   []byte // an ASB being read
}

// feed consumes b and reports a complete reply, if b completed one.
func (s *replyScanner) feed(b byte) (reply, bool) {
	switch {
	case s.block != nil:
		s.block = append(s.block, b)
		if b == 0x00 {
			r := reply{kind: replyBlock, data: s.block}
			s.block = nil
			return r, true
		}
		if len(s.block) >= blockMaxLen { // not a block after all: drop it
			s.block = nil
		}
		return reply{}, false
	case s.asb != nil:
		s.asb = append(s.asb, b)
		if len(s.asb) == asbLen {
			r := reply{kind: replyASB, data: s.asb}
			s.asb = nil
			return r, true
		}
		return reply{}, false
	case b == 0x37 || b == 0x35 || b == 0x5F:
		s.block = append(make([]byte, 0, 8), b)
		return reply{}, false
	case isRealtimeReply(b):
		return reply{kind: replyRealtime, b: b}, true
	case b&rtFixedMask == asbFixedValue:
		s.asb = append(make([]byte, 0, asbLen), b)
		return reply{}, false
	}
	return reply{kind: replyOther, b: b}, true
}

// processID returns the process ID of a GS ( H reply block.
func (r reply) processID() ([4]byte, bool) {
	var id [4]byte
	if r.kind != replyBlock || len(r.data) != 7 || r.data[0] != 0x37 || r.data[1] != blockProcessID {
		return id, false
	}
	copy(id[:], r.data[2:6])
	return id, true
}
