package ratingpad

import (
	"bytes"
	"errors"
	"testing"
)

func TestCRC16Modbus(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want uint16
	}{
		{"check value", []byte("123456789"), 0x4B37},
		{"empty", nil, 0xFFFF},
		// Modbus RTU "read holding registers" request 01 03 00 00 00 0A,
		// whose CRC on the wire is C5 CD.
		{"modbus request", []byte{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A}, 0xCDC5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CRC16Modbus(tc.in); got != tc.want {
				t.Errorf("CRC16Modbus(% x) = %#04x, want %#04x", tc.in, got, tc.want)
			}
		})
	}
}

// Wire bytes computed independently of this package (bitwise CRC-16/MODBUS).
var (
	// The host (ff) polls keypad 01, SEQ 0.
	pollWire  = []byte{0x02, 0x01, 0xFF, 0x00, 0x01, 0x00, 0x28, 0x44}
	pollFrame = Frame{Dst: 0x01, Src: AddrHost, Seq: 0, Cmd: CmdPoll}
	// Keypad 01 answers POLL #7 with a 3-byte payload.
	replyWire  = []byte{0x02, 0xFF, 0x01, 0x07, 0x81, 0x03, 0x01, 0x00, 0x2A, 0xF2, 0x3D}
	replyFrame = Frame{Dst: AddrHost, Src: 0x01, Seq: 7, Cmd: CmdPoll.Reply(), Payload: []byte{0x01, 0x00, 0x2A}}
)

func TestMarshalBinary(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    Frame
		want []byte
	}{
		{"poll", pollFrame, pollWire},
		{"reply with payload", replyFrame, replyWire},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("MarshalBinary(%v) = % x, want % x", tc.f, got, tc.want)
			}
			var back Frame
			if err := back.UnmarshalBinary(got); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if !equalFrames(back, tc.f) {
				t.Errorf("UnmarshalBinary = %v, want %v", back, tc.f)
			}
		})
	}
}

func TestMarshalBinaryPayloadLimit(t *testing.T) {
	b, err := Frame{Payload: make([]byte, MaxPayload)}.MarshalBinary()
	if err != nil || len(b) != MaxFrameLen {
		t.Errorf("64-byte payload: %d bytes, %v; want %d bytes", len(b), err, MaxFrameLen)
	}
	if _, err := (Frame{Payload: make([]byte, MaxPayload+1)}).MarshalBinary(); !errors.Is(err, ErrBadLength) {
		t.Errorf("65-byte payload: got %v, want ErrBadLength", err)
	}
}

func TestUnmarshalBinaryErrors(t *testing.T) {
	corrupt := bytes.Clone(pollWire)
	corrupt[3] ^= 0x01
	long := bytes.Clone(pollWire)
	long[5] = 65
	for _, tc := range []struct {
		name string
		in   []byte
		want error
	}{
		{"short", pollWire[:7], ErrBadLength},
		{"trailing byte", append(bytes.Clone(pollWire), 0), ErrBadLength},
		{"len above 64", long, ErrBadLength},
		{"bad crc", corrupt, ErrBadCRC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f Frame
			if err := f.UnmarshalBinary(tc.in); !errors.Is(err, tc.want) {
				t.Errorf("UnmarshalBinary(% x) = %v, want %v", tc.in, err, tc.want)
			}
		})
	}
	var f Frame
	if err := f.UnmarshalBinary(append([]byte{0x03}, pollWire[1:]...)); err == nil {
		t.Error("UnmarshalBinary accepted a frame without SOF")
	}
}

func TestCmd(t *testing.T) {
	for _, tc := range []struct {
		c       Cmd
		name    string
		isReply bool
	}{
		{CmdPoll, "POLL", false},
		{CmdPoll.Reply(), "POLL+REPLY", true},
		{CmdNAK.Reply(), "NAK+REPLY", true},
		{0x42, "CMD_0x42", false},
	} {
		if got := tc.c.String(); got != tc.name {
			t.Errorf("Cmd(%#02x).String() = %q, want %q", uint8(tc.c), got, tc.name)
		}
		if got := tc.c.IsReply(); got != tc.isReply {
			t.Errorf("Cmd(%#02x).IsReply() = %v, want %v", uint8(tc.c), got, tc.isReply)
		}
	}
	if got := CmdNAK.Reply(); got != 0xFF {
		t.Errorf("NAK answer = %#02x, want 0xff", uint8(got))
	}
	if got := CmdStartRating.Reply().Request(); got != CmdStartRating {
		t.Errorf("Reply().Request() = %v, want START_RATING", got)
	}
}

func TestAddr(t *testing.T) {
	for _, tc := range []struct {
		a    Addr
		want bool
	}{
		{AddrBroadcast, false}, {0x01, true}, {0xF7, true}, {0xF8, false}, {AddrUnaddressed, false}, {AddrHost, false},
	} {
		if got := tc.a.IsKeypad(); got != tc.want {
			t.Errorf("Addr(%#02x).IsKeypad() = %v, want %v", uint8(tc.a), got, tc.want)
		}
	}
}

func equalFrames(a, b Frame) bool {
	return a.Dst == b.Dst && a.Src == b.Src && a.Seq == b.Seq && a.Cmd == b.Cmd && bytes.Equal(a.Payload, b.Payload)
}
