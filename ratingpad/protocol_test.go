package ratingpad

import (
	"bytes"
	"encoding"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// protoMsg is a payload type: its value marshals, a pointer to it
// unmarshals.
type protoMsg interface {
	encoding.BinaryMarshaler
}

// protoNew returns a new, zero pointer of msg's type, to decode into.
func protoNew(msg protoMsg) encoding.BinaryUnmarshaler {
	return reflect.New(reflect.TypeOf(msg)).Interface().(encoding.BinaryUnmarshaler)
}

// TestPayloadRoundTrip encodes each payload to the bytes the protocol
// specifies and decodes those bytes back to the same value.
func TestPayloadRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  protoMsg
		wire []byte
	}{
		{"poll ack 0", Poll{}, []byte{0x00, 0x00}},
		{"poll ack 0x1234", Poll{Ack: 0x1234}, []byte{0x34, 0x12}},
		{"poll ack 65535", Poll{Ack: 65535}, []byte{0xFF, 0xFF}},
		{"poll reply idle", PollReply{}, []byte{0, 0, 0, 0}},
		{"poll reply status and unarmed", PollReply{Status: StatusArmed | StatusBooted, Unarmed: 0x0102},
			[]byte{0x09, 0x02, 0x01, 0x00}},
		{"poll reply all status bits", PollReply{Status: 0xFF, Unarmed: 65535}, []byte{0xFF, 0xFF, 0xFF, 0x00}},
		{"poll reply event", PollReply{Queued: 1, Event: &Event{ID: 1, Key: 1, Session: 0x0102, Age: 12}},
			[]byte{0, 0, 0, 1, 0x01, 0x00, 0x01, 0x02, 0x01, 0x0C, 0x00}},
		{"poll reply full queue", PollReply{Status: StatusArmed, Unarmed: 7, Queued: MaxQueued,
			Event: &Event{ID: 65535, Key: MaxKeys, Session: 0, Age: 65535}},
			[]byte{0x01, 0x07, 0x00, 0x10, 0xFF, 0xFF, 0x04, 0x00, 0x00, 0xFF, 0xFF}},
		{"info", Info{Protocol: 1, Keys: 3, Firmware: [3]uint8{1, 2, 3}, Serial: "AB-12", Model: "KP 3"},
			[]byte{1, 3, 1, 2, 3, 5, 'A', 'B', '-', '1', '2', 4, 'K', 'P', ' ', '3'}},
		{"info no model", Info{Protocol: 1, Keys: 4, Serial: "Z"}, []byte{1, 4, 0, 0, 0, 1, 'Z', 0}},
		{"info longest", Info{Protocol: 9, Keys: 4, Firmware: [3]uint8{255, 255, 255},
			Serial: strings.Repeat("9", MaxSerialLen), Model: strings.Repeat("~", MaxModelLen)},
			append(append(append([]byte{9, 4, 255, 255, 255, MaxSerialLen}, strings.Repeat("9", MaxSerialLen)...),
				MaxModelLen), strings.Repeat("~", MaxModelLen)...)},
		{"start rating", StartRating{Session: 0x0102, TimeoutS: 30, Ticket: "1023"},
			[]byte{0x02, 0x01, 0x1E, 0x00, 4, '1', '0', '2', '3'}},
		{"start rating no ticket", StartRating{Session: 1, TimeoutS: 1}, []byte{1, 0, 1, 0, 0}},
		{"start rating longest", StartRating{Session: 65535, TimeoutS: MaxTimeoutS, Ticket: " A-1023 ~!xy"},
			append([]byte{0xFF, 0xFF, 0x58, 0x02, 12}, " A-1023 ~!xy"...)},
		{"set leds off", SetLEDs{}, []byte{0, 0}},
		{"set leds blink all", SetLEDs{Mask: 0x0F, Blink: true}, []byte{0x0F, 1}},
		{"set leds key 2", SetLEDs{Mask: 0x02}, []byte{0x02, 0}},
		{"beep", Beep{Tens: 10, Count: 1}, []byte{10, 1}},
		{"beep longest", Beep{Tens: 255, Count: MaxBeepCount}, []byte{255, 10}},
		{"set address", SetAddress{Addr: 0x05, Serial: "MC24-000123"},
			append([]byte{0x05, 11}, "MC24-000123"...)},
		{"set address lowest", SetAddress{Addr: AddrKeypadMin, Serial: "0"}, []byte{0x01, 1, '0'}},
		{"set address highest", SetAddress{Addr: AddrKeypadMax, Serial: strings.Repeat("-", MaxSerialLen)},
			append([]byte{0xF7, MaxSerialLen}, strings.Repeat("-", MaxSerialLen)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.msg.MarshalBinary()
			if err != nil {
				t.Fatalf("MarshalBinary(%+v): %v", tc.msg, err)
			}
			if !bytes.Equal(got, tc.wire) {
				t.Errorf("MarshalBinary(%+v) = % x, want % x", tc.msg, got, tc.wire)
			}
			if len(got) > MaxPayload {
				t.Errorf("payload of %d bytes, at most %d", len(got), MaxPayload)
			}
			back := protoNew(tc.msg)
			if err := back.UnmarshalBinary(tc.wire); err != nil {
				t.Fatalf("UnmarshalBinary(% x): %v", tc.wire, err)
			}
			if v := reflect.ValueOf(back).Elem().Interface(); !reflect.DeepEqual(v, tc.msg) {
				t.Errorf("UnmarshalBinary(% x) = %+v, want %+v", tc.wire, v, tc.msg)
			}
		})
	}
}

// TestPayloadMarshalRejects checks that no invalid value is ever put on
// the line.
func TestPayloadMarshalRejects(t *testing.T) {
	ev := func(id uint16, key uint8) *Event { return &Event{ID: id, Key: key, Session: 1} }
	for _, tc := range []struct {
		name string
		msg  protoMsg
	}{
		{"poll reply queued without event", PollReply{Queued: 1}},
		{"poll reply event with queued 0", PollReply{Event: ev(1, 1)}},
		{"poll reply queued above max", PollReply{Queued: MaxQueued + 1, Event: ev(1, 1)}},
		{"poll reply event id 0", PollReply{Queued: 1, Event: ev(0, 1)}},
		{"poll reply key 0", PollReply{Queued: 1, Event: ev(1, 0)}},
		{"poll reply key 5", PollReply{Queued: 1, Event: ev(1, MaxKeys+1)}},
		{"info 2 keys", Info{Protocol: 1, Keys: 2, Serial: "A"}},
		{"info 5 keys", Info{Protocol: 1, Keys: 5, Serial: "A"}},
		{"info empty serial", Info{Protocol: 1, Keys: 3}},
		{"info long serial", Info{Protocol: 1, Keys: 3, Serial: strings.Repeat("A", MaxSerialLen+1)}},
		{"info lower-case serial", Info{Protocol: 1, Keys: 3, Serial: "mc24"}},
		{"info serial with space", Info{Protocol: 1, Keys: 3, Serial: "MC 24"}},
		{"info serial with underscore", Info{Protocol: 1, Keys: 3, Serial: "MC_24"}},
		{"info serial not ascii", Info{Protocol: 1, Keys: 3, Serial: "MĐ24"}},
		{"info long model", Info{Protocol: 1, Keys: 3, Serial: "A", Model: strings.Repeat("m", MaxModelLen+1)}},
		{"info model with newline", Info{Protocol: 1, Keys: 3, Serial: "A", Model: "KP\n3"}},
		{"info model with DEL", Info{Protocol: 1, Keys: 3, Serial: "A", Model: "KP\x7f"}},
		{"info model not ascii", Info{Protocol: 1, Keys: 3, Serial: "A", Model: "Bàn phím"}},
		{"start rating session 0", StartRating{TimeoutS: 30}},
		{"start rating timeout 0", StartRating{Session: 1}},
		{"start rating timeout above max", StartRating{Session: 1, TimeoutS: MaxTimeoutS + 1}},
		{"start rating long ticket", StartRating{Session: 1, TimeoutS: 30, Ticket: strings.Repeat("1", MaxTicketLen+1)}},
		{"start rating ticket with tab", StartRating{Session: 1, TimeoutS: 30, Ticket: "10\t23"}},
		{"start rating ticket not ascii", StartRating{Session: 1, TimeoutS: 30, Ticket: "Số 1"}},
		{"set leds key 5", SetLEDs{Mask: 0x10}},
		{"set leds high bit", SetLEDs{Mask: 0x80}},
		{"beep tens 0", Beep{Count: 1}},
		{"beep count 0", Beep{Tens: 10}},
		{"beep count above max", Beep{Tens: 10, Count: MaxBeepCount + 1}},
		{"set address broadcast", SetAddress{Addr: AddrBroadcast, Serial: "A"}},
		{"set address reserved", SetAddress{Addr: 0xF8, Serial: "A"}},
		{"set address unaddressed", SetAddress{Addr: AddrUnaddressed, Serial: "A"}},
		{"set address host", SetAddress{Addr: AddrHost, Serial: "A"}},
		{"set address empty serial", SetAddress{Addr: 1}},
		{"set address lower-case serial", SetAddress{Addr: 1, Serial: "a"}},
		{"set address long serial", SetAddress{Addr: 1, Serial: strings.Repeat("A", MaxSerialLen+1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.msg.MarshalBinary()
			if !errors.Is(err, ErrBadPayload) {
				t.Errorf("MarshalBinary(%+v) = % x, %v; want ErrBadPayload", tc.msg, b, err)
			}
		})
	}
}

// TestPayloadUnmarshalRejects checks that a keypad or the host refuses
// every malformed payload (the keypad answers NAK 0x02).
func TestPayloadUnmarshalRejects(t *testing.T) {
	info := func(keys uint8, serial, model string) []byte {
		b := []byte{1, keys, 1, 0, 0, byte(len(serial))}
		b = append(b, serial...)
		b = append(b, byte(len(model)))
		return append(b, model...)
	}
	start := func(session, timeout uint16, ticket string) []byte {
		b := []byte{byte(session), byte(session >> 8), byte(timeout), byte(timeout >> 8), byte(len(ticket))}
		return append(b, ticket...)
	}
	setAddr := func(a byte, serial string) []byte { return append([]byte{a, byte(len(serial))}, serial...) }
	for _, tc := range []struct {
		name string
		msg  protoMsg // the type to decode into
		wire []byte
	}{
		{"poll empty", Poll{}, nil},
		{"poll 1 byte", Poll{}, []byte{1}},
		{"poll 3 bytes", Poll{}, []byte{1, 0, 0}},

		{"poll reply empty", PollReply{}, nil},
		{"poll reply 3 bytes", PollReply{}, []byte{0, 0, 0}},
		{"poll reply 5 bytes", PollReply{}, []byte{0, 0, 0, 0, 0}},
		{"poll reply 10 bytes", PollReply{}, []byte{0, 0, 0, 1, 1, 0, 1, 1, 0, 0}},
		{"poll reply 12 bytes", PollReply{}, []byte{0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0}},
		{"poll reply queued without event", PollReply{}, []byte{0, 0, 0, 1}},
		{"poll reply event with queued 0", PollReply{}, []byte{0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0}},
		{"poll reply queued above max", PollReply{}, []byte{0, 0, 0, 17, 1, 0, 1, 1, 0, 0, 0}},
		{"poll reply queued 255", PollReply{}, []byte{0, 0, 0, 0xFF}},
		{"poll reply event id 0", PollReply{}, []byte{0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0}},
		{"poll reply key 0", PollReply{}, []byte{0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0}},
		{"poll reply key 5", PollReply{}, []byte{0, 0, 0, 1, 1, 0, 5, 1, 0, 0, 0}},

		{"info empty", Info{}, nil},
		{"info 6 bytes", Info{}, []byte{1, 3, 1, 0, 0, 1}},
		{"info serial beyond payload", Info{}, []byte{1, 3, 1, 0, 0, 5, 'A', 'B', 0}},
		{"info model missing", Info{}, []byte{1, 3, 1, 0, 0, 2, 'A', 'B'}},
		{"info model beyond payload", Info{}, []byte{1, 3, 1, 0, 0, 1, 'A', 3, 'K', 'P'}},
		{"info trailing byte", Info{}, append(info(3, "A", "KP"), 0)},
		{"info 2 keys", Info{}, info(2, "A", "")},
		{"info 5 keys", Info{}, info(5, "A", "")},
		{"info empty serial", Info{}, info(3, "", "KP")},
		{"info long serial", Info{}, info(3, strings.Repeat("A", MaxSerialLen+1), "")},
		{"info lower-case serial", Info{}, info(3, "ab", "")},
		{"info serial with NUL", Info{}, info(3, "A\x00", "")},
		{"info serial with dot", Info{}, info(3, "A.1", "")},
		{"info long model", Info{}, info(3, "A", strings.Repeat("m", MaxModelLen+1))},
		{"info model with control", Info{}, info(3, "A", "K\x1bP")},
		{"info model with byte 0x80", Info{}, info(3, "A", "K\x80")},

		{"start rating empty", StartRating{}, nil},
		{"start rating 4 bytes", StartRating{}, []byte{1, 0, 30, 0}},
		{"start rating ticket beyond payload", StartRating{}, []byte{1, 0, 30, 0, 4, '1', '0'}},
		{"start rating trailing byte", StartRating{}, append(start(1, 30, "1"), '2')},
		{"start rating session 0", StartRating{}, start(0, 30, "1")},
		{"start rating timeout 0", StartRating{}, start(1, 0, "1")},
		{"start rating timeout 601", StartRating{}, start(1, MaxTimeoutS+1, "1")},
		{"start rating timeout 65535", StartRating{}, start(1, 65535, "")},
		{"start rating long ticket", StartRating{}, start(1, 30, strings.Repeat("9", MaxTicketLen+1))},
		{"start rating ticket with newline", StartRating{}, start(1, 30, "10\n")},
		{"start rating ticket with DEL", StartRating{}, start(1, 30, "\x7f")},
		{"start rating ticket utf-8", StartRating{}, start(1, 30, "Số")},

		{"set leds empty", SetLEDs{}, nil},
		{"set leds 1 byte", SetLEDs{}, []byte{1}},
		{"set leds 3 bytes", SetLEDs{}, []byte{1, 0, 0}},
		{"set leds key 5", SetLEDs{}, []byte{0x10, 0}},
		{"set leds mode 2", SetLEDs{}, []byte{0x01, 2}},
		{"set leds mode 0xff", SetLEDs{}, []byte{0x01, 0xFF}},

		{"beep empty", Beep{}, nil},
		{"beep 1 byte", Beep{}, []byte{10}},
		{"beep 3 bytes", Beep{}, []byte{10, 1, 0}},
		{"beep tens 0", Beep{}, []byte{0, 1}},
		{"beep count 0", Beep{}, []byte{10, 0}},
		{"beep count 11", Beep{}, []byte{10, MaxBeepCount + 1}},

		{"set address empty", SetAddress{}, nil},
		{"set address 2 bytes", SetAddress{}, []byte{1, 0}},
		{"set address serial beyond payload", SetAddress{}, []byte{1, 3, 'A', 'B'}},
		{"set address trailing byte", SetAddress{}, append(setAddr(1, "A"), 'B')},
		{"set address empty serial", SetAddress{}, []byte{1, 0, 'A'}},
		{"set address broadcast", SetAddress{}, setAddr(0x00, "A")},
		{"set address reserved", SetAddress{}, setAddr(0xF8, "A")},
		{"set address unaddressed", SetAddress{}, setAddr(0xFE, "A")},
		{"set address host", SetAddress{}, setAddr(0xFF, "A")},
		{"set address long serial", SetAddress{}, setAddr(1, strings.Repeat("A", MaxSerialLen+1))},
		{"set address lower-case serial", SetAddress{}, setAddr(1, "mc")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			into := protoNew(tc.msg)
			err := into.UnmarshalBinary(tc.wire)
			if !errors.Is(err, ErrBadPayload) {
				t.Fatalf("UnmarshalBinary(% x) into %T: got %v, want ErrBadPayload", tc.wire, tc.msg, err)
			}
			if !strings.HasPrefix(err.Error(), "ratingpad: bad payload: ") {
				t.Errorf("error %q does not start with the package's prefix", err)
			}
		})
	}
}

// TestPayloadUnmarshalKeepsValue checks that a failed decode leaves the
// destination as it was, for the types that promise it by decoding into a
// copy first.
func TestPayloadUnmarshalKeepsValue(t *testing.T) {
	in := Info{Protocol: 1, Keys: 3, Serial: "A"}
	if err := in.UnmarshalBinary([]byte{1, 9, 0, 0, 0, 1, 'B', 0}); err == nil {
		t.Fatal("info with 9 keys decoded")
	}
	if in.Serial != "A" || in.Keys != 3 {
		t.Errorf("Info after a failed decode = %+v, want it unchanged", in)
	}
	s := StartRating{Session: 7, TimeoutS: 30, Ticket: "1"}
	if err := s.UnmarshalBinary([]byte{0, 0, 30, 0, 0}); err == nil {
		t.Fatal("start rating with session 0 decoded")
	}
	if s.Session != 7 || s.Ticket != "1" {
		t.Errorf("StartRating after a failed decode = %+v, want it unchanged", s)
	}
}

func TestAcked(t *testing.T) {
	for _, tc := range []struct {
		name    string
		id, ack uint16
		want    bool
	}{
		{"same id", 5, 5, true},
		{"older id", 4, 5, true},
		{"newer id", 6, 5, false},
		{"ack 0 acks nothing", 1, 0, false},
		{"ack 0, id 65535", 65535, 0, false},
		{"id 0 is never an event", 0, 5, false},
		{"id 0, ack 0", 0, 0, false},
		{"65535 then 1: ack 1 acks 65535", 65535, 1, true},
		{"65535 then 1: ack 65535 does not ack 1", 1, 65535, false},
		{"ack 2 acks 65534 across the wrap", 65534, 2, true},
		{"ack 65534 does not ack 2", 2, 65534, false},
		{"ack 65535 acks 65535", 65535, 65535, true},
		// Half the cycle of 65535 ids: the ack and the 32767 ids before
		// it count as acknowledged, the 32767 after it do not.
		{"32767 before", 1, 32768, true},
		{"32768 before", 1, 32769, false},
		{"32767 after", 32768, 1, false},
		{"32767 before across the wrap", 32769, 1, true},
		{"32768 before across the wrap", 32768, 1, false},
		{"a queue of 16 across the wrap, oldest", 65530, 9, true},
		{"a queue of 16 across the wrap, newest not yet", 10, 9, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Acked(tc.id, tc.ack); got != tc.want {
				t.Errorf("Acked(%d, %d) = %v, want %v", tc.id, tc.ack, got, tc.want)
			}
		})
	}
}

// TestAckedHalfRange checks, for acks around the wrap, that exactly 32768
// of the 65535 ids count as acknowledged and that every id is acked by
// itself and not by the id before it.
func TestAckedHalfRange(t *testing.T) {
	for _, ack := range []uint16{1, 2, 16, 32767, 32768, 32769, 65519, 65534, 65535} {
		n := 0
		for id := 1; id <= 65535; id++ {
			if Acked(uint16(id), ack) {
				n++
			}
		}
		if n != 32768 {
			t.Errorf("ack %d acknowledges %d ids, want 32768", ack, n)
		}
	}
	id := uint16(65520)
	for range 40 { // around the wrap
		next := NextEventID(id)
		if !Acked(id, id) || !Acked(id, next) || Acked(next, id) {
			t.Errorf("id %d, next %d: Acked(id, id) %v, Acked(id, next) %v, Acked(next, id) %v; want true, true, false",
				id, next, Acked(id, id), Acked(id, next), Acked(next, id))
		}
		id = next
	}
}

func TestNextEventID(t *testing.T) {
	for _, tc := range []struct{ id, want uint16 }{
		{0, 1}, // no event yet: the first is 1
		{1, 2},
		{32767, 32768},
		{65534, 65535},
		{65535, 1}, // 0 is skipped
	} {
		if got := NextEventID(tc.id); got != tc.want {
			t.Errorf("NextEventID(%d) = %d, want %d", tc.id, got, tc.want)
		}
	}
	seen := map[uint16]bool{}
	id := uint16(0)
	for range 65535 {
		id = NextEventID(id)
		if id == 0 || seen[id] {
			t.Fatalf("NextEventID gave %d twice or 0 within one cycle", id)
		}
		seen[id] = true
	}
	if NextEventID(id) != 1 {
		t.Errorf("after a full cycle the next id is %d, want 1", NextEventID(id))
	}
}

func TestLevel(t *testing.T) {
	for _, tc := range []struct {
		key, keys uint8
		want      int
		ok        bool
		label     string
	}{
		{1, 3, 1, true, "rất hài lòng"},
		{2, 3, 2, true, "hài lòng"},
		{3, 3, 3, true, "không hài lòng"},
		{1, 4, 1, true, "rất hài lòng"},
		{2, 4, 2, true, "hài lòng"},
		{3, 4, 3, true, "bình thường"},
		{4, 4, 4, true, "không hài lòng"},
		{0, 3, 0, false, "key 0"},
		{4, 3, 0, false, "key 4 of 3"},
		{0, 4, 0, false, "key 0"},
		{5, 4, 0, false, "key 5 of 4"},
		{1, 2, 0, false, "2 keys"},
		{1, 5, 0, false, "5 keys"},
		{1, 0, 0, false, "0 keys"},
	} {
		got, ok := Level(tc.key, tc.keys)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Level(%d, %d) (%s) = %d, %v; want %d, %v", tc.key, tc.keys, tc.label, got, ok, tc.want, tc.ok)
		}
	}
}

// TestProtocolLimits checks the constants the document quotes against
// what they derive from.
func TestProtocolLimits(t *testing.T) {
	// The largest payloads fit in a frame.
	longest := []protoMsg{
		Info{Protocol: 1, Keys: 4, Serial: strings.Repeat("A", MaxSerialLen), Model: strings.Repeat("m", MaxModelLen)},
		StartRating{Session: 1, TimeoutS: 1, Ticket: strings.Repeat("1", MaxTicketLen)},
		SetAddress{Addr: 1, Serial: strings.Repeat("A", MaxSerialLen)},
		PollReply{Queued: 1, Event: &Event{ID: 1, Key: 1}},
	}
	for _, m := range longest {
		b, err := m.MarshalBinary()
		if err != nil || len(b) > MaxPayload {
			t.Errorf("%T: %d bytes, %v; want at most %d", m, len(b), err, MaxPayload)
		}
	}
	// One 8N1 byte is 10 bits.
	if d := ByteTime19200.Nanoseconds() - 10_000_000_000/19200; d < -500 || d > 500 {
		t.Errorf("ByteTime19200 = %v, want 10 bits at 19200 baud", ByteTime19200)
	}
	// The host's wait for one attempt is shorter than the heartbeat.
	if ReplyWithin*3 >= OfflineAfter || TurnaroundGap >= ReplyWithin {
		t.Errorf("ReplyWithin %v, TurnaroundGap %v, OfflineAfter %v out of proportion", ReplyWithin, TurnaroundGap, OfflineAfter)
	}
	if MaxTimeoutS > 65535 || MaxQueued > 255 {
		t.Error("a limit does not fit its field")
	}
}

// FuzzPayloads decodes random bytes as every payload type: no decoder
// panics, and what one accepts encodes back to exactly the same bytes, so
// a payload has one encoding and a keypad's reply can be compared byte for
// byte.
func FuzzPayloads(f *testing.F) {
	for _, tc := range vectorCases {
		if p, err := vecPayload(tc.msg); err == nil {
			f.Add(p)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 16, 0xFF, 0xFF, 4, 0, 0, 0xFF, 0xFF})
	f.Add([]byte{1, 3, 1, 2, 3, 16, 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, into := range []encoding.BinaryUnmarshaler{
			&Poll{}, &PollReply{}, &Info{}, &StartRating{}, &SetLEDs{}, &Beep{}, &SetAddress{},
		} {
			err := into.UnmarshalBinary(b)
			if err != nil {
				if !errors.Is(err, ErrBadPayload) {
					t.Errorf("%T.UnmarshalBinary(% x): error %v does not wrap ErrBadPayload", into, b, err)
				}
				continue
			}
			m, ok := reflect.ValueOf(into).Elem().Interface().(encoding.BinaryMarshaler)
			if !ok {
				t.Fatalf("%T has no MarshalBinary on its value", into)
			}
			again, err := m.MarshalBinary()
			if err != nil {
				t.Errorf("%T: decoded % x to %+v, which does not encode: %v", into, b, m, err)
				continue
			}
			if !bytes.Equal(again, b) {
				t.Errorf("%T: decoded % x to %+v, which encodes to % x", into, b, m, again)
			}
		}
	})
}
