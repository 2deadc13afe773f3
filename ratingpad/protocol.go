package ratingpad

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// The payloads of each command and its reply (firmware-docs/PROTOCOL.md).
// Multi-byte numbers are little-endian, like the CRC. Every decoder checks
// the payload's length and values and fails with ErrBadPayload; it never
// panics on any input.

// ProtocolVersion is the version of the protocol in this package, sent in
// GET_INFO's reply.
const ProtocolVersion = 1

// Limits of the payload fields.
const (
	MaxSerialLen  = 16  // SERIAL: 1–16 ASCII letters, digits and '-'
	MaxModelLen   = 24  // MODEL: 0–24 printable ASCII
	MaxTicketLen  = 12  // TICKET: 0–12 printable ASCII, shown where the keypad has a display
	MaxTimeoutS   = 600 // START_RATING's TIMEOUT, seconds
	MaxQueued     = 16  // events a keypad keeps until the host acknowledges them
	MinKeys       = 3
	MaxKeys       = 4
	MaxBeepCount  = 10
	OfflineAfter  = 3 * time.Second        // a keypad that hears no POLL this long shows offline
	ReplyWithin   = 50 * time.Millisecond  // a keypad starts its answer within this after the request's last byte
	TurnaroundGap = 2 * time.Millisecond   // the host waits this after an answer before its next request
	ByteTime19200 = 521 * time.Microsecond // one byte of 8N1 (10 bits) at 19200 baud
)

// ErrBadPayload means a payload has the wrong length or a value out of range.
var ErrBadPayload = errors.New("ratingpad: bad payload")

func badPayload(cmd Cmd, format string, args ...any) error {
	return fmt.Errorf("%w: %v: %s", ErrBadPayload, cmd, fmt.Sprintf(format, args...))
}

// Status bits of a POLL reply.
const (
	StatusArmed   = 1 << 0 // waiting for a key press for a rating
	StatusOffline = 1 << 1 // it showed the offline pattern since the last POLL it answered (it heard no POLL for OfflineAfter)
	StatusStuck   = 1 << 2 // a key has been held down for more than 5 s
	StatusBooted  = 1 << 3 // first POLL answered since power-up: the host re-sends what the keypad should know
)

// NAK codes, the payload of a NAK reply.
const (
	NakUnknownCommand = 0x01 // CMD is not one the keypad knows; the host does not retry
	NakBadPayload     = 0x02 // LEN or a value out of range; the host does not retry
	NakBusy           = 0x03 // the keypad cannot do it now (writing its memory); the host retries
	NakNotAllowed     = 0x04 // not in this state; the host does not retry
)

// Poll is POLL's request: Ack is the EVENT_ID of the last event the host has
// stored from this keypad (0 before any). The keypad then forgets every
// queued event up to and including it.
type Poll struct {
	Ack uint16
}

// Event is one key press on an armed keypad, kept by the keypad until the
// host acknowledges it.
type Event struct {
	ID      uint16 // 1–65535, then 1 again; never 0
	Key     uint8  // 1 = leftmost key (rất hài lòng)
	Session uint16 // the START_RATING session it answers
	// Age is how long ago the key was pressed, in tenths of a second,
	// saturating at 65535.
	Age uint16
}

// PollReply is POLL's answer.
type PollReply struct {
	Status  uint8  // Status* bits
	Unarmed uint16 // presses while not armed since power-up, wrapping
	Queued  uint8  // events not yet acknowledged, 0–MaxQueued
	Event   *Event // the oldest of them, present when Queued > 0
}

// Info is GET_INFO's answer.
type Info struct {
	Protocol uint8
	Keys     uint8 // 3 or 4
	Firmware [3]uint8
	Serial   string
	Model    string
}

// StartRating is START_RATING's request.
type StartRating struct {
	Session  uint16 // chosen by the host, never 0, new for each rating
	TimeoutS uint16 // 1–MaxTimeoutS
	Ticket   string // 0–MaxTicketLen printable ASCII
}

// SetLEDs is SET_LEDS's request.
type SetLEDs struct {
	Mask  uint8 // bit n lights key n+1
	Blink bool
}

// Beep is BEEP's request.
type Beep struct {
	Tens  uint8 // length of each beep in tens of milliseconds, 1–255
	Count uint8 // 1–MaxBeepCount
}

// SetAddress is SET_ADDRESS's request: the keypad whose serial number is
// Serial takes Addr.
type SetAddress struct {
	Addr   Addr
	Serial string
}

// MarshalBinary encodes the request.
func (p Poll) MarshalBinary() ([]byte, error) {
	return binary.LittleEndian.AppendUint16(nil, p.Ack), nil
}

// UnmarshalBinary decodes the request.
func (p *Poll) UnmarshalBinary(b []byte) error {
	if len(b) != 2 {
		return badPayload(CmdPoll, "%d bytes, want 2", len(b))
	}
	p.Ack = binary.LittleEndian.Uint16(b)
	return nil
}

// MarshalBinary encodes the reply.
func (r PollReply) MarshalBinary() ([]byte, error) {
	if (r.Queued > 0) != (r.Event != nil) || r.Queued > MaxQueued {
		return nil, badPayload(CmdPoll.Reply(), "QUEUED %d with event %v", r.Queued, r.Event != nil)
	}
	b := []byte{r.Status}
	b = binary.LittleEndian.AppendUint16(b, r.Unarmed)
	b = append(b, r.Queued)
	if e := r.Event; e != nil {
		if e.ID == 0 || e.Key < 1 || e.Key > MaxKeys {
			return nil, badPayload(CmdPoll.Reply(), "event id %d key %d", e.ID, e.Key)
		}
		b = binary.LittleEndian.AppendUint16(b, e.ID)
		b = append(b, e.Key)
		b = binary.LittleEndian.AppendUint16(b, e.Session)
		b = binary.LittleEndian.AppendUint16(b, e.Age)
	}
	return b, nil
}

// UnmarshalBinary decodes the reply.
func (r *PollReply) UnmarshalBinary(b []byte) error {
	if len(b) != 4 && len(b) != 11 {
		return badPayload(CmdPoll.Reply(), "%d bytes, want 4 or 11", len(b))
	}
	*r = PollReply{Status: b[0], Unarmed: binary.LittleEndian.Uint16(b[1:]), Queued: b[3]}
	if r.Queued > MaxQueued || (r.Queued > 0) != (len(b) == 11) {
		return badPayload(CmdPoll.Reply(), "QUEUED %d in %d bytes", r.Queued, len(b))
	}
	if len(b) == 11 {
		e := &Event{ID: binary.LittleEndian.Uint16(b[4:]), Key: b[6], Session: binary.LittleEndian.Uint16(b[7:]), Age: binary.LittleEndian.Uint16(b[9:])}
		if e.ID == 0 || e.Key < 1 || e.Key > MaxKeys {
			return badPayload(CmdPoll.Reply(), "event id %d key %d", e.ID, e.Key)
		}
		r.Event = e
	}
	return nil
}

func validSerial(s string) bool {
	if len(s) < 1 || len(s) > MaxSerialLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

func printable(s string, max int) bool {
	if len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// text reads a length-prefixed string at b[i:], returning it and the index
// after it.
func text(b []byte, i int) (string, int, bool) {
	if i >= len(b) || i+1+int(b[i]) > len(b) {
		return "", 0, false
	}
	n := int(b[i])
	return string(b[i+1 : i+1+n]), i + 1 + n, true
}

// MarshalBinary encodes the reply.
func (in Info) MarshalBinary() ([]byte, error) {
	if in.Keys < MinKeys || in.Keys > MaxKeys || !validSerial(in.Serial) || !printable(in.Model, MaxModelLen) {
		return nil, badPayload(CmdGetInfo.Reply(), "keys %d serial %q model %q", in.Keys, in.Serial, in.Model)
	}
	b := []byte{in.Protocol, in.Keys, in.Firmware[0], in.Firmware[1], in.Firmware[2], byte(len(in.Serial))}
	b = append(b, in.Serial...)
	b = append(b, byte(len(in.Model)))
	return append(b, in.Model...), nil
}

// UnmarshalBinary decodes the reply.
func (in *Info) UnmarshalBinary(b []byte) error {
	if len(b) < 8 {
		return badPayload(CmdGetInfo.Reply(), "%d bytes, at least 8", len(b))
	}
	v := Info{Protocol: b[0], Keys: b[1], Firmware: [3]uint8{b[2], b[3], b[4]}}
	serial, i, ok := text(b, 5)
	if !ok {
		return badPayload(CmdGetInfo.Reply(), "SERIAL_LEN %d beyond the payload", b[5])
	}
	model, j, ok := text(b, i)
	if !ok || j != len(b) {
		return badPayload(CmdGetInfo.Reply(), "MODEL does not end the payload")
	}
	v.Serial, v.Model = serial, model
	if v.Keys < MinKeys || v.Keys > MaxKeys || !validSerial(v.Serial) || !printable(v.Model, MaxModelLen) {
		return badPayload(CmdGetInfo.Reply(), "keys %d serial %q model %q", v.Keys, v.Serial, v.Model)
	}
	*in = v
	return nil
}

// MarshalBinary encodes the request.
func (s StartRating) MarshalBinary() ([]byte, error) {
	if s.Session == 0 || s.TimeoutS < 1 || s.TimeoutS > MaxTimeoutS || !printable(s.Ticket, MaxTicketLen) {
		return nil, badPayload(CmdStartRating, "session %d timeout %d ticket %q", s.Session, s.TimeoutS, s.Ticket)
	}
	b := binary.LittleEndian.AppendUint16(nil, s.Session)
	b = binary.LittleEndian.AppendUint16(b, s.TimeoutS)
	b = append(b, byte(len(s.Ticket)))
	return append(b, s.Ticket...), nil
}

// UnmarshalBinary decodes the request.
func (s *StartRating) UnmarshalBinary(b []byte) error {
	if len(b) < 5 {
		return badPayload(CmdStartRating, "%d bytes, at least 5", len(b))
	}
	v := StartRating{Session: binary.LittleEndian.Uint16(b), TimeoutS: binary.LittleEndian.Uint16(b[2:])}
	t, i, ok := text(b, 4)
	if !ok || i != len(b) {
		return badPayload(CmdStartRating, "TICKET does not end the payload")
	}
	v.Ticket = t
	if v.Session == 0 || v.TimeoutS < 1 || v.TimeoutS > MaxTimeoutS || !printable(v.Ticket, MaxTicketLen) {
		return badPayload(CmdStartRating, "session %d timeout %d ticket %q", v.Session, v.TimeoutS, v.Ticket)
	}
	*s = v
	return nil
}

// MarshalBinary encodes the request.
func (l SetLEDs) MarshalBinary() ([]byte, error) {
	if l.Mask>>MaxKeys != 0 {
		return nil, badPayload(CmdSetLEDs, "mask %#02x", l.Mask)
	}
	mode := byte(0)
	if l.Blink {
		mode = 1
	}
	return []byte{l.Mask, mode}, nil
}

// UnmarshalBinary decodes the request.
func (l *SetLEDs) UnmarshalBinary(b []byte) error {
	if len(b) != 2 || b[0]>>MaxKeys != 0 || b[1] > 1 {
		return badPayload(CmdSetLEDs, "% x", b)
	}
	*l = SetLEDs{Mask: b[0], Blink: b[1] == 1}
	return nil
}

// MarshalBinary encodes the request.
func (p Beep) MarshalBinary() ([]byte, error) {
	if p.Tens == 0 || p.Count == 0 || p.Count > MaxBeepCount {
		return nil, badPayload(CmdBeep, "tens %d count %d", p.Tens, p.Count)
	}
	return []byte{p.Tens, p.Count}, nil
}

// UnmarshalBinary decodes the request.
func (p *Beep) UnmarshalBinary(b []byte) error {
	if len(b) != 2 || b[0] == 0 || b[1] == 0 || b[1] > MaxBeepCount {
		return badPayload(CmdBeep, "% x", b)
	}
	*p = Beep{Tens: b[0], Count: b[1]}
	return nil
}

// MarshalBinary encodes the request.
func (s SetAddress) MarshalBinary() ([]byte, error) {
	if !s.Addr.IsKeypad() || !validSerial(s.Serial) {
		return nil, badPayload(CmdSetAddress, "address %#02x serial %q", uint8(s.Addr), s.Serial)
	}
	return append([]byte{byte(s.Addr), byte(len(s.Serial))}, s.Serial...), nil
}

// UnmarshalBinary decodes the request.
func (s *SetAddress) UnmarshalBinary(b []byte) error {
	if len(b) < 3 {
		return badPayload(CmdSetAddress, "%d bytes, at least 3", len(b))
	}
	serial, i, ok := text(b, 1)
	if !ok || i != len(b) || !Addr(b[0]).IsKeypad() || !validSerial(serial) {
		return badPayload(CmdSetAddress, "% x", b)
	}
	*s = SetAddress{Addr: Addr(b[0]), Serial: serial}
	return nil
}

// Acked reports whether an event id is acknowledged by ack: ids go round
// from 65535 to 1, so "up to and including ack" is ack itself and the
// 32,767 ids before it (serial number arithmetic, as RFC 1982 does it).
func Acked(id, ack uint16) bool {
	if id == 0 || ack == 0 {
		return false
	}
	d := int32(ack) - int32(id)
	if d < 0 {
		d += 65535 // the cycle has 65535 ids: 0 is skipped
	}
	return d < 32768
}

// NextEventID is the id after id: 65535 is followed by 1.
func NextEventID(id uint16) uint16 {
	if id == 65535 {
		return 1
	}
	return id + 1
}

// Level is the rating a key gives on a keypad with keys keys: 1 the best.
// Keys are numbered from 1 at the left; a 3-key keypad is rất hài lòng, hài
// lòng, không hài lòng, a 4-key one puts bình thường third.
func Level(key, keys uint8) (int, bool) {
	if keys < MinKeys || keys > MaxKeys || key < 1 || key > keys {
		return 0, false
	}
	return int(key), true
}
