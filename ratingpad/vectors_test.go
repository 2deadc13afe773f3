package ratingpad

import (
	"bufio"
	"bytes"
	"encoding"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The test vectors of firmware-docs/PROTOCOL.md, which keypad makers test
// their firmware against, are checked here against the codec, so the
// document and the code cannot drift apart: every vector in the document
// must be in vectorCases and every case in the document, and each must
// encode to exactly the document's bytes and decode back to the same frame
// and payload.

const protocolDoc = "../firmware-docs/PROTOCOL.md"

// minVectors is the fewest vectors the document may hold.
const minVectors = 15

// vecNak is a NAK reply's payload: one NAK code.
type vecNak uint8

// vecInvalid is a payload the keypad must refuse: raw decoded into into
// must fail with ErrBadPayload (the keypad answers NAK 0x02).
type vecInvalid struct {
	into encoding.BinaryUnmarshaler
	raw  []byte
}

// vecCase is a frame whose payload is msg: nil for none, a payload type of
// protocol.go (a value, not a pointer), a vecNak or a vecInvalid.
type vecCase struct {
	f   Frame
	msg any
}

const kp Addr = 0x01 // the keypad of most vectors

func vecReq(dst Addr, seq uint8, cmd Cmd, msg any) vecCase {
	return vecCase{Frame{Dst: dst, Src: AddrHost, Seq: seq, Cmd: cmd}, msg}
}

func vecReply(src Addr, seq uint8, cmd Cmd, msg any) vecCase {
	return vecCase{Frame{Dst: AddrHost, Src: src, Seq: seq, Cmd: cmd.Reply()}, msg}
}

// vectorCases names every vector of the document. The names are the
// document's.
var vectorCases = map[string]vecCase{
	// POLL
	"poll-req-ack0":     vecReq(kp, 0x00, CmdPoll, Poll{Ack: 0}),
	"poll-req-ack1":     vecReq(kp, 0x01, CmdPoll, Poll{Ack: 1}),
	"poll-req-ack65535": vecReq(0x05, 0xC8, CmdPoll, Poll{Ack: 65535}),
	"poll-reply-idle":   vecReply(kp, 0x00, CmdPoll, PollReply{}),
	"poll-reply-booted": vecReply(kp, 0x00, CmdPoll, PollReply{Status: StatusBooted}),
	"poll-reply-armed":  vecReply(kp, 0x07, CmdPoll, PollReply{Status: StatusArmed, Unarmed: 3}),
	"poll-reply-event": vecReply(kp, 0x00, CmdPoll, PollReply{Queued: 1,
		Event: &Event{ID: 1, Key: 1, Session: 258, Age: 12}}),
	"poll-reply-event-more": vecReply(0x05, 0xC8, CmdPoll, PollReply{Status: StatusOffline | StatusStuck, Unarmed: 4660, Queued: 3,
		Event: &Event{ID: 65535, Key: 4, Session: 40000, Age: 65535}}),

	// GET_INFO
	"get-info-req":    vecReq(kp, 0x02, CmdGetInfo, nil),
	"get-info-req-fe": vecReq(AddrUnaddressed, 0x00, CmdGetInfo, nil),
	"get-info-reply": vecReply(kp, 0x02, CmdGetInfo, Info{Protocol: ProtocolVersion, Keys: 3,
		Firmware: [3]uint8{1, 0, 2}, Serial: "MC24-000123", Model: "MOTCUA-KP3"}),
	"get-info-reply-fe": vecReply(AddrUnaddressed, 0x00, CmdGetInfo, Info{Protocol: ProtocolVersion, Keys: 4,
		Firmware: [3]uint8{0, 9, 0}, Serial: "A1"}),

	// START_RATING, STOP_RATING
	"start-rating-req": vecReq(kp, 0x03, CmdStartRating, StartRating{Session: 258, TimeoutS: 30, Ticket: "1023"}),
	"start-rating-req-no-ticket": vecReq(kp, 0x04, CmdStartRating,
		StartRating{Session: 259, TimeoutS: MaxTimeoutS}),
	"start-rating-reply": vecReply(kp, 0x03, CmdStartRating, nil),
	"start-rating-req-timeout0": vecReq(kp, 0x0B, CmdStartRating,
		vecInvalid{&StartRating{}, []byte{0x02, 0x01, 0x00, 0x00, 0x00}}),
	"stop-rating-req":   vecReq(kp, 0x05, CmdStopRating, nil),
	"stop-rating-reply": vecReply(kp, 0x05, CmdStopRating, nil),

	// SET_LEDS, BEEP
	"set-leds-req":     vecReq(kp, 0x06, CmdSetLEDs, SetLEDs{Mask: 0x0F, Blink: true}),
	"set-leds-req-off": vecReq(kp, 0x0C, CmdSetLEDs, SetLEDs{}),
	"set-leds-reply":   vecReply(kp, 0x06, CmdSetLEDs, nil),
	"beep-req":         vecReq(kp, 0x07, CmdBeep, Beep{Tens: 10, Count: 1}),
	"beep-req-3":       vecReq(kp, 0x0D, CmdBeep, Beep{Tens: 20, Count: 3}),
	"beep-reply":       vecReply(kp, 0x07, CmdBeep, nil),

	// SET_ADDRESS
	"set-address-req":           vecReq(AddrUnaddressed, 0x08, CmdSetAddress, SetAddress{Addr: 0x05, Serial: "MC24-000123"}),
	"set-address-reply":         vecReply(0x05, 0x08, CmdSetAddress, nil),
	"set-address-req-broadcast": vecReq(AddrBroadcast, 0x09, CmdSetAddress, SetAddress{Addr: 0x06, Serial: "MC24-000124"}),

	// NAK
	"unknown-cmd-req":     vecReq(kp, 0x0A, Cmd(0x08), nil),
	"nak-unknown-command": vecReply(kp, 0x0A, CmdNAK, vecNak(NakUnknownCommand)),
	"nak-bad-payload":     vecReply(kp, 0x0B, CmdNAK, vecNak(NakBadPayload)),
	"nak-busy":            vecReply(kp, 0x0E, CmdNAK, vecNak(NakBusy)),
	"nak-not-allowed":     vecReply(kp, 0x0F, CmdNAK, vecNak(NakNotAllowed)),
}

// vecPayload returns the payload bytes of msg.
func vecPayload(msg any) ([]byte, error) {
	switch m := msg.(type) {
	case nil:
		return nil, nil
	case vecNak:
		return []byte{byte(m)}, nil
	case vecInvalid:
		return m.raw, nil
	case encoding.BinaryMarshaler:
		return m.MarshalBinary()
	}
	return nil, fmt.Errorf("vector payload of type %T", msg)
}

// vecCheckPayload decodes p as msg's type and compares it with msg.
func vecCheckPayload(p []byte, msg any) error {
	switch m := msg.(type) {
	case nil:
		if len(p) != 0 {
			return fmt.Errorf("payload % x, want none", p)
		}
		return nil
	case vecNak:
		if len(p) != 1 || p[0] != byte(m) {
			return fmt.Errorf("NAK payload % x, want %02x", p, byte(m))
		}
		return nil
	case vecInvalid:
		if err := m.into.UnmarshalBinary(p); !errors.Is(err, ErrBadPayload) {
			return fmt.Errorf("decoding the invalid payload % x: got error %v, want ErrBadPayload", p, err)
		}
		return nil
	}
	ptr := reflect.New(reflect.TypeOf(msg))
	u, ok := ptr.Interface().(encoding.BinaryUnmarshaler)
	if !ok {
		return fmt.Errorf("%T has no UnmarshalBinary", msg)
	}
	if err := u.UnmarshalBinary(p); err != nil {
		return fmt.Errorf("decoding payload % x: %w", p, err)
	}
	if got := ptr.Elem().Interface(); !reflect.DeepEqual(got, msg) {
		return fmt.Errorf("payload decodes to %+v, want %+v", got, msg)
	}
	return nil
}

// docLine is one line of a fenced block of the document.
type docLine struct {
	line       int // 1-based, for messages
	name, rest string
}

// docBlocks returns the "name: rest" lines of the fenced blocks of the
// document whose info string is info.
func docBlocks(t *testing.T, info string) []docLine {
	t.Helper()
	f, err := os.Open(protocolDoc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []docLine
	in := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		s := strings.TrimSpace(sc.Text())
		switch {
		case !in && s == "```"+info:
			in = true
		case in && s == "```":
			in = false
		case in && s != "":
			name, rest, ok := strings.Cut(s, ":")
			if !ok {
				t.Errorf("%s:%d: %q is not \"name: bytes\"", protocolDoc, n, s)
				continue
			}
			out = append(out, docLine{n, strings.TrimSpace(name), strings.TrimSpace(rest)})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if in {
		t.Errorf("%s: a ```%s block is not closed", protocolDoc, info)
	}
	return out
}

func parseHex(s string) ([]byte, error) {
	return hex.DecodeString(strings.Join(strings.Fields(s), ""))
}

// vecLine is the document line for a vector: "name: 02 01 FF …".
func vecLine(name string, b []byte) string {
	return fmt.Sprintf("%s: % X", name, b)
}

func TestProtocolDocVectors(t *testing.T) {
	lines := docBlocks(t, "vector")
	if len(lines) < minVectors {
		t.Errorf("%s has %d vectors, want at least %d", protocolDoc, len(lines), minVectors)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		t.Run(l.name, func(t *testing.T) {
			if seen[l.name] {
				t.Fatalf("line %d: vector %s appears twice", l.line, l.name)
			}
			seen[l.name] = true
			tc, ok := vectorCases[l.name]
			if !ok {
				t.Fatalf("line %d: vector %s is not in vectorCases", l.line, l.name)
			}
			f := tc.f
			p, err := vecPayload(tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			f.Payload = p
			want, err := f.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseHex(l.rest)
			if err != nil {
				t.Fatalf("line %d: %v; the line should be\n%s", l.line, err, vecLine(l.name, want))
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("line %d: document has % X, the codec gives % X; the line should be\n%s", l.line, got, want, vecLine(l.name, want))
			}
			var back Frame
			if err := back.UnmarshalBinary(got); err != nil {
				t.Fatalf("UnmarshalBinary(% X): %v", got, err)
			}
			if !equalFrames(back, f) {
				t.Errorf("UnmarshalBinary(% X) = %v, want %v", got, back, f)
			}
			// A receiver reading the line gets the same frame.
			frames, discarded, _, err := decodeAll(bytes.NewReader(got))
			if len(frames) != 1 || len(discarded) != 0 || !equalFrames(frames[0], f) {
				t.Errorf("Decoder on % X: frames %v, discarded %v, err %v", got, frames, discarded, err)
			}
			if err := vecCheckPayload(back.Payload, tc.msg); err != nil {
				t.Error(err)
			}
			checkVecDirection(t, l.name, back)
		})
	}
	for name, tc := range vectorCases {
		if !seen[name] {
			f := tc.f
			f.Payload, _ = vecPayload(tc.msg)
			b, _ := f.MarshalBinary()
			t.Errorf("vector %s is missing from %s; add\n%s", name, protocolDoc, vecLine(name, b))
		}
	}
}

// checkVecDirection checks that a vector named as a request comes from the
// host and one named as a reply goes to it, so that a reader of the
// document is not misled by a name.
func checkVecDirection(t *testing.T, name string, f Frame) {
	t.Helper()
	reply := strings.Contains(name, "-reply") || strings.HasPrefix(name, "nak-")
	switch {
	case reply && (f.Dst != AddrHost || !f.Cmd.IsReply()):
		t.Errorf("%s is named as a reply but is %v", name, f)
	case !reply && (f.Src != AddrHost || f.Cmd.IsReply()):
		t.Errorf("%s is named as a request but is %v", name, f)
	}
}

// TestProtocolDocCRC checks the document's ```crc block: lines
// "name: input bytes -> CRC", the CRC as a 16-bit number in hex.
func TestProtocolDocCRC(t *testing.T) {
	lines := docBlocks(t, "crc")
	if len(lines) < 3 {
		t.Errorf("%s has %d CRC check values, want at least 3", protocolDoc, len(lines))
	}
	for _, l := range lines {
		t.Run(l.name, func(t *testing.T) {
			in, sum, ok := strings.Cut(l.rest, "->")
			if !ok {
				t.Fatalf("line %d: %q is not \"input -> CRC\"", l.line, l.rest)
			}
			b, err := parseHex(in)
			if err != nil {
				t.Fatalf("line %d: %v", l.line, err)
			}
			want, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(sum), "0x"), 16, 16)
			if err != nil {
				t.Fatalf("line %d: %v", l.line, err)
			}
			if got := CRC16Modbus(b); got != uint16(want) {
				t.Errorf("line %d: CRC16Modbus(% X) = 0x%04X, document says 0x%04X", l.line, b, got, want)
			}
		})
	}
}
