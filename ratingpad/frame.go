package ratingpad

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Frame layout, in bytes.
const (
	SOF         = 0x02                     // start of frame (ASCII STX)
	MaxPayload  = 64                       // largest PAYLOAD, and so largest LEN
	HeaderLen   = 6                        // SOF, DST, SRC, SEQ, CMD, LEN
	CRCLen      = 2                        // CRC-16/MODBUS, low byte first
	MinFrameLen = HeaderLen + CRCLen       // a frame without payload: 8 bytes
	MaxFrameLen = MinFrameLen + MaxPayload // 72 bytes, 37.5 ms at 19200 8N1
)

// Addr is a bus address.
type Addr uint8

// Bus addresses. 0xF8–0xFD are reserved.
const (
	// AddrBroadcast addresses every keypad on the line. Keypads act on a
	// broadcast but never answer it, so that they do not talk at once.
	AddrBroadcast Addr = 0x00
	// AddrKeypadMin and AddrKeypadMax bound the addresses of keypads: up
	// to 247, of which one RS-485 segment carries 32.
	AddrKeypadMin Addr = 0x01
	AddrKeypadMax Addr = 0xF7
	// AddrUnaddressed is where a keypad that was never given an address
	// (fresh from the factory, or reset) listens and answers, so that an
	// installer can give it one with CmdSetAddress.
	AddrUnaddressed Addr = 0xFE
	// AddrHost is the daemon's address.
	AddrHost Addr = 0xFF
)

// IsKeypad reports whether a is a keypad's address.
func (a Addr) IsKeypad() bool { return a >= AddrKeypadMin && a <= AddrKeypadMax }

// Cmd is a frame's command. The host sends requests; a keypad answers a
// request with the same command with ReplyFlag set, and the same SEQ.
//
// The payload of each command and its reply is specified with the full
// keypad protocol (firmware-docs/PROTOCOL.md).
type Cmd uint8

// Commands.
const (
	// CmdPoll asks a keypad whether it has something to report: its reply
	// carries a pending event, such as a rating, or nothing. The host polls
	// each keypad in turn, which keeps the half-duplex line free of
	// collisions and tells it which keypads are alive.
	CmdPoll Cmd = 0x01
	// CmdGetInfo asks a keypad for its model, firmware version, serial
	// number and number of keys.
	CmdGetInfo Cmd = 0x02
	// CmdStartRating arms a keypad for one rating: it lights its keys,
	// shows the ticket number where it has a display, and accepts one key
	// press until the timeout in the request.
	CmdStartRating Cmd = 0x03
	// CmdStopRating disarms a keypad: its keys go dark and presses are
	// ignored, as when the official cancels or the next citizen is called.
	CmdStopRating Cmd = 0x04
	// CmdSetLEDs sets the keys' lights directly, for installation checks
	// and the simulator.
	CmdSetLEDs Cmd = 0x05
	// CmdBeep sounds the keypad's buzzer, to draw the citizen's attention.
	CmdBeep Cmd = 0x06
	// CmdSetAddress gives a keypad, named by its serial number in the
	// payload, a bus address. It is usually sent to AddrUnaddressed.
	CmdSetAddress Cmd = 0x07
	// CmdNAK is a keypad's refusal of a request it received intact but
	// cannot carry out (unknown command, bad payload, busy). Like every
	// answer it is sent with ReplyFlag set, as 0xFF.
	CmdNAK Cmd = 0x7F

	// ReplyFlag is bit 7 of CMD, set in every answer.
	ReplyFlag Cmd = 0x80
)

// IsReply reports whether c is an answer from a keypad.
func (c Cmd) IsReply() bool { return c&ReplyFlag != 0 }

// Reply returns the command of the answer to c.
func (c Cmd) Reply() Cmd { return c | ReplyFlag }

// Request returns c without ReplyFlag: the command it answers.
func (c Cmd) Request() Cmd { return c &^ ReplyFlag }

var cmdNames = map[Cmd]string{
	CmdPoll:        "POLL",
	CmdGetInfo:     "GET_INFO",
	CmdStartRating: "START_RATING",
	CmdStopRating:  "STOP_RATING",
	CmdSetLEDs:     "SET_LEDS",
	CmdBeep:        "BEEP",
	CmdSetAddress:  "SET_ADDRESS",
	CmdNAK:         "NAK",
}

// String returns the command's name, with "+REPLY" for an answer, or its
// hex value.
func (c Cmd) String() string {
	name, ok := cmdNames[c.Request()]
	if !ok {
		name = fmt.Sprintf("CMD_%#02x", uint8(c.Request()))
	}
	if c.IsReply() {
		name += "+REPLY"
	}
	return name
}

// Errors about frames. The Decoder does not return them; see Decoder.
var (
	// ErrBadCRC means a frame's CRC does not match its contents.
	ErrBadCRC = errors.New("ratingpad: bad CRC")
	// ErrBadLength means a frame's LEN is above MaxPayload, or a frame's
	// size does not match its LEN.
	ErrBadLength = errors.New("ratingpad: bad length")
)

// Frame is one message on the keypad line.
type Frame struct {
	Dst     Addr   // receiver
	Src     Addr   // sender
	Seq     uint8  // sequence number chosen by the host; an answer echoes it
	Cmd     Cmd    // command; ReplyFlag set in answers
	Payload []byte // 0–MaxPayload bytes
}

// AppendBinary appends the frame's wire bytes to b. It fails only with a
// payload longer than MaxPayload.
func (f Frame) AppendBinary(b []byte) ([]byte, error) {
	if len(f.Payload) > MaxPayload {
		return b, fmt.Errorf("%w: payload of %d bytes, at most %d", ErrBadLength, len(f.Payload), MaxPayload)
	}
	start := len(b)
	b = append(b, SOF, byte(f.Dst), byte(f.Src), f.Seq, byte(f.Cmd), byte(len(f.Payload)))
	b = append(b, f.Payload...)
	return binary.LittleEndian.AppendUint16(b, CRC16Modbus(b[start+1:])), nil
}

// MarshalBinary returns the frame's wire bytes, from SOF to CRC. It fails
// only with a payload longer than MaxPayload.
func (f Frame) MarshalBinary() ([]byte, error) {
	return f.AppendBinary(make([]byte, 0, MinFrameLen+len(f.Payload)))
}

// UnmarshalBinary decodes exactly one frame, from SOF to CRC. Use a Decoder
// to read frames from a stream.
func (f *Frame) UnmarshalBinary(b []byte) error {
	switch {
	case len(b) < MinFrameLen:
		return fmt.Errorf("%w: %d bytes, a frame has at least %d", ErrBadLength, len(b), MinFrameLen)
	case b[0] != SOF:
		return fmt.Errorf("ratingpad: frame starts with %#02x, want SOF %#02x", b[0], SOF)
	case int(b[5]) > MaxPayload || len(b) != MinFrameLen+int(b[5]):
		return fmt.Errorf("%w: LEN %d in a frame of %d bytes", ErrBadLength, b[5], len(b))
	}
	body, sum := b[1:len(b)-CRCLen], binary.LittleEndian.Uint16(b[len(b)-CRCLen:])
	if c := CRC16Modbus(body); c != sum {
		return fmt.Errorf("%w: frame says %#04x, contents give %#04x", ErrBadCRC, sum, c)
	}
	*f = Frame{Dst: Addr(b[1]), Src: Addr(b[2]), Seq: b[3], Cmd: Cmd(b[4])}
	if n := b[5]; n > 0 {
		f.Payload = append([]byte(nil), b[HeaderLen:HeaderLen+int(n)]...)
	}
	return nil
}

// String describes the frame for logs: "ff→01 #7 POLL", then the payload in
// hex if any.
func (f Frame) String() string {
	s := fmt.Sprintf("%02x→%02x #%d %v", uint8(f.Src), uint8(f.Dst), f.Seq, f.Cmd)
	if len(f.Payload) > 0 {
		s += fmt.Sprintf(" [% x]", f.Payload)
	}
	return s
}

// CRC16Modbus returns the CRC-16/MODBUS of b: the reflected polynomial
// 0xA001 (0x8005 unreflected), initial value 0xFFFF, no final XOR. Its check
// value, the CRC of "123456789", is 0x4B37. On the wire it is sent low byte
// first, as in Modbus RTU (Modbus over Serial Line Specification and
// Implementation Guide V1.02, RTU transmission mode).
func CRC16Modbus(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, c := range b {
		crc ^= uint16(c)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xA001
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}
