package ratingpad

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"testing"
	"testing/iotest"
)

// decodeAll runs a Decoder over r until it returns an error.
func decodeAll(r io.Reader) (frames []Frame, discarded []error, d *Decoder, err error) {
	d = NewDecoder(r)
	d.OnDiscard = func(err error) { discarded = append(discarded, err) }
	for {
		f, err := d.Next()
		if err != nil {
			return frames, discarded, d, err
		}
		frames = append(frames, f)
	}
}

func TestDecoderResynchronises(t *testing.T) {
	corrupted := bytes.Clone(replyWire)
	corrupted[7] ^= 0x40 // a payload bit flipped on the line

	var stream []byte
	stream = append(stream, 0x00, 0xFF, 0x55, 0x13) // line noise
	stream = append(stream, pollWire...)
	stream = append(stream, corrupted...)
	stream = append(stream, replyWire...)

	for _, tc := range []struct {
		name string
		r    io.Reader
	}{
		{"whole", bytes.NewReader(stream)},
		{"byte by byte", iotest.OneByteReader(bytes.NewReader(stream))},
		{"in halves", iotest.HalfReader(bytes.NewReader(stream))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			frames, discarded, d, err := decodeAll(tc.r)
			if err != io.EOF {
				t.Errorf("final error = %v, want io.EOF", err)
			}
			if len(frames) != 2 || !equalFrames(frames[0], pollFrame) || !equalFrames(frames[1], replyFrame) {
				t.Fatalf("frames = %v, want [%v %v]", frames, pollFrame, replyFrame)
			}
			if len(discarded) != 1 || !errors.Is(discarded[0], ErrBadCRC) {
				t.Errorf("discarded = %v, want one ErrBadCRC", discarded)
			}
			want := DecoderStats{Frames: 2, Skipped: uint64(4 + len(corrupted)), BadCRC: 1}
			if got := d.Stats(); got != want {
				t.Errorf("Stats = %+v, want %+v", got, want)
			}
		})
	}
}

// TestDecoderFrameInsideBadCandidate checks that a false SOF does not hide
// a real frame that starts within the bytes it claimed.
func TestDecoderFrameInsideBadCandidate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		prefix    []byte
		wantStats DecoderStats
	}{
		// SOF with LEN 3: the candidate reaches into the real frame, fails
		// its CRC, and the hunt resumes one byte after the false SOF.
		{"bad crc", []byte{0x02, 0x01, 0xFF, 0x00, 0x01, 0x03}, DecoderStats{Frames: 1, Skipped: 6, BadCRC: 1}},
		// SOF with LEN 200: rejected as soon as the header is in.
		{"bad length", []byte{0x02, 0x01, 0xFF, 0x00, 0x01, 200}, DecoderStats{Frames: 1, Skipped: 6, BadLength: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stream := append(bytes.Clone(tc.prefix), pollWire...)
			frames, _, d, err := decodeAll(bytes.NewReader(stream))
			if err != io.EOF || len(frames) != 1 || !equalFrames(frames[0], pollFrame) {
				t.Fatalf("got %v, %v; want [%v], io.EOF", frames, err, pollFrame)
			}
			if got := d.Stats(); got != tc.wantStats {
				t.Errorf("Stats = %+v, want %+v", got, tc.wantStats)
			}
		})
	}
}

func TestDecoderTruncatedAtEOF(t *testing.T) {
	// A real frame, then a frame cut short by the end of the stream.
	stream := append(bytes.Clone(pollWire), replyWire[:6]...)
	frames, discarded, d, err := decodeAll(bytes.NewReader(stream))
	if err != io.EOF || len(frames) != 1 {
		t.Fatalf("got %v, %v; want one frame and io.EOF", frames, err)
	}
	if len(discarded) != 1 || !errors.Is(discarded[0], io.ErrUnexpectedEOF) {
		t.Errorf("discarded = %v, want one io.ErrUnexpectedEOF", discarded)
	}
	if got, want := d.Stats(), (DecoderStats{Frames: 1, Skipped: 6, Truncated: 1}); got != want {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}

	// A frame hiding behind a false SOF whose LEN reaches past the end of
	// the stream is still found.
	hidden := append([]byte{0x02, 0x01, 0xFF, 0x00, 0x01, 0x40}, pollWire...)
	frames, _, _, err = decodeAll(bytes.NewReader(hidden))
	if err != io.EOF || len(frames) != 1 || !equalFrames(frames[0], pollFrame) {
		t.Errorf("frame behind a false SOF at the end: got %v, %v; want [%v]", frames, err, pollFrame)
	}
}

// timeoutReader plays a serial port with a read timeout: a read that finds
// nothing returns (0, nil).
type timeoutReader struct{ chunks [][]byte }

func (r *timeoutReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	c := r.chunks[0]
	r.chunks = r.chunks[1:]
	return copy(p, c), nil
}

func TestDecoderNoData(t *testing.T) {
	r := &timeoutReader{chunks: [][]byte{pollWire[:3], nil, pollWire[3:]}}
	d := NewDecoder(r)
	if _, err := d.Next(); err != ErrNoData {
		t.Fatalf("Next after an empty read = %v, want ErrNoData", err)
	}
	f, err := d.Next()
	if err != nil || !equalFrames(f, pollFrame) {
		t.Errorf("Next = %v, %v; want %v: the partial frame must survive ErrNoData", f, err, pollFrame)
	}
}

func TestDecoderReadError(t *testing.T) {
	boom := errors.New("port closed")
	r := io.MultiReader(bytes.NewReader(pollWire), iotest.ErrReader(boom))
	frames, _, _, err := decodeAll(r)
	if len(frames) != 1 || err != boom {
		t.Errorf("got %d frames, %v; want 1 frame, then %v", len(frames), err, boom)
	}
	// The error sticks.
	d := NewDecoder(iotest.ErrReader(boom))
	for range 2 {
		if _, err := d.Next(); err != boom {
			t.Errorf("Next = %v, want %v", err, boom)
		}
	}
}

func TestDecoderManyFrames(t *testing.T) {
	// More frames than the buffer holds, with payloads of every length.
	var stream []byte
	var want []Frame
	for n := range MaxPayload + 1 {
		f := Frame{Dst: AddrHost, Src: Addr(n + 1), Seq: uint8(n), Cmd: CmdGetInfo.Reply()}
		if n > 0 {
			f.Payload = bytes.Repeat([]byte{SOF}, n) // SOF bytes inside a payload must not confuse it
		}
		b, err := f.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		stream = append(stream, b...)
		want = append(want, f)
	}
	frames, discarded, _, err := decodeAll(iotest.HalfReader(bytes.NewReader(stream)))
	if err != io.EOF || len(discarded) != 0 {
		t.Errorf("final error %v, discarded %v; want io.EOF and nothing discarded", err, discarded)
	}
	if !slices.EqualFunc(frames, want, equalFrames) {
		t.Errorf("decoded %d frames, want %d equal to those sent", len(frames), len(want))
	}
}

func FuzzDecoder(f *testing.F) {
	f.Add(pollWire)
	f.Add(append(bytes.Clone(pollWire), replyWire...))
	f.Add(append([]byte{0x02, 0x01, 0xFF, 0x00, 0x01, 0x0A, 0x00}, pollWire...))
	f.Add(append([]byte{0x02, 0x02, 0x02, 0x41}, replyWire[:9]...))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		frames, _, d, err := decodeAll(bytes.NewReader(data))
		if err != io.EOF {
			t.Fatalf("final error = %v, want io.EOF", err)
		}
		wire := 0
		for _, fr := range frames {
			if len(fr.Payload) > MaxPayload {
				t.Fatalf("frame %v has %d payload bytes, more than %d", fr, len(fr.Payload), MaxPayload)
			}
			b, err := fr.MarshalBinary()
			if err != nil {
				t.Fatalf("MarshalBinary(%v): %v", fr, err)
			}
			if got, want := binary.LittleEndian.Uint16(b[len(b)-CRCLen:]), CRC16Modbus(b[1:len(b)-CRCLen]); got != want {
				t.Fatalf("re-marshalled frame % x has CRC %#04x, want %#04x", b, got, want)
			}
			if !bytes.Contains(data, b) {
				t.Fatalf("frame % x does not occur in the input", b)
			}
			wire += len(b)
		}
		st := d.Stats()
		if st.Frames != uint64(len(frames)) || st.Skipped+uint64(wire) != uint64(len(data)) {
			t.Fatalf("Stats %+v: %d frames of %d bytes, input %d bytes; want every byte returned or skipped", st, len(frames), wire, len(data))
		}
		// Reading the same bytes one at a time gives the same frames.
		again, _, _, _ := decodeAll(iotest.OneByteReader(bytes.NewReader(data)))
		if !slices.EqualFunc(frames, again, equalFrames) {
			t.Fatalf("byte by byte: %v, whole: %v", again, frames)
		}
	})
}
