package ratingpad

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrNoData is returned by Next when a Read returned neither bytes nor an
// error, which is what a serial port does when its read timeout passes. The
// decoder keeps a partial frame; call Next again to go on.
var ErrNoData = errors.New("ratingpad: no data")

// DecoderStats counts what a Decoder did with the bytes it read.
type DecoderStats struct {
	Frames    uint64 // frames returned by Next
	Skipped   uint64 // bytes that were not part of a returned frame: noise, bad frames
	BadCRC    uint64 // candidate frames discarded for a bad CRC
	BadLength uint64 // candidate frames discarded for LEN above MaxPayload
	Truncated uint64 // candidate frames cut short by the end of the stream
}

// Decoder reads frames from a byte stream, such as a serial port, that may
// also carry noise and broken frames.
//
// It hunts for SOF, reads the header, and rejects the candidate at once if
// LEN is above MaxPayload; otherwise it waits for the rest of the frame and
// checks the CRC. A rejected candidate's SOF may have been a data byte of
// something else, and a real frame may begin inside it, so the decoder
// resumes the hunt at the byte after that SOF.
//
// A bad frame does not end the stream. On a shared RS-485 line noise, a
// collision or a keypad powering up mid-frame are routine and the next frame
// is usually fine; the polling host simply asks again. So Next never returns
// ErrBadCRC or ErrBadLength: it counts discarded candidates and skipped bytes
// in Stats, reports each discarded candidate to OnDiscard, and returns only
// the reader's errors (and ErrNoData).
//
// A Decoder is not safe for concurrent use: one goroutine owns a port.
type Decoder struct {
	// OnDiscard, if not nil, is called by Next for every candidate frame it
	// throws away, with an error wrapping ErrBadCRC, ErrBadLength, or
	// io.ErrUnexpectedEOF for a frame cut short by the end of the stream.
	// The message holds the discarded bytes in hex, for debug logs.
	OnDiscard func(err error)

	r          io.Reader
	buf        [4 * MaxFrameLen]byte
	start, end int   // unparsed bytes are buf[start:end]
	err        error // the reader's error, returned once the buffer is used up
	stats      DecoderStats
}

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: r}
}

// Stats returns the decoder's counters.
func (d *Decoder) Stats() DecoderStats { return d.stats }

// Next returns the next good frame. It returns the reader's error (io.EOF at
// the end of the stream) once every byte read before it has been decoded or
// discarded, and ErrNoData as described there.
func (d *Decoder) Next() (Frame, error) {
	for {
		if f, ok := d.parse(); ok {
			return f, nil
		}
		if d.err != nil {
			if d.start == d.end {
				return Frame{}, d.err
			}
			// The stream ended inside a candidate frame. It will never be
			// complete, but a whole frame may still hide behind its SOF.
			d.discard(fmt.Errorf("%w: stream ended inside frame [% x]", io.ErrUnexpectedEOF, d.buf[d.start:d.end]))
			d.stats.Truncated++
			continue
		}
		if d.start > 0 {
			d.end = copy(d.buf[:], d.buf[d.start:d.end])
			d.start = 0
		}
		n, err := d.r.Read(d.buf[d.end:])
		if n < 0 || n > len(d.buf)-d.end {
			return Frame{}, fmt.Errorf("ratingpad: reader returned %d bytes for a %d-byte buffer", n, len(d.buf)-d.end)
		}
		d.end += n
		if err != nil {
			d.err = err
		} else if n == 0 {
			return Frame{}, ErrNoData
		}
	}
}

// parse returns the first good frame in the buffer, discarding whatever
// comes before it, or false when it needs more bytes.
func (d *Decoder) parse() (Frame, bool) {
	for {
		b := d.buf[d.start:d.end]
		i := 0
		for i < len(b) && b[i] != SOF {
			i++
		}
		d.skip(i)
		b = b[i:]
		if len(b) < HeaderLen {
			return Frame{}, false
		}
		n := int(b[5])
		if n > MaxPayload {
			d.discard(fmt.Errorf("%w: LEN %d above %d in [% x]", ErrBadLength, n, MaxPayload, b[:HeaderLen]))
			d.stats.BadLength++
			continue
		}
		size := MinFrameLen + n
		if len(b) < size {
			return Frame{}, false
		}
		body, sum := b[1:size-CRCLen], binary.LittleEndian.Uint16(b[size-CRCLen:size])
		if CRC16Modbus(body) != sum {
			d.discard(fmt.Errorf("%w: [% x]", ErrBadCRC, b[:size]))
			d.stats.BadCRC++
			continue
		}
		f := Frame{Dst: Addr(b[1]), Src: Addr(b[2]), Seq: b[3], Cmd: Cmd(b[4])}
		if n > 0 {
			f.Payload = append([]byte(nil), b[HeaderLen:HeaderLen+n]...)
		}
		d.start += size
		d.stats.Frames++
		return f, true
	}
}

// discard drops the SOF of a rejected candidate and reports it.
func (d *Decoder) discard(err error) {
	d.skip(1)
	if d.OnDiscard != nil {
		d.OnDiscard(err)
	}
}

func (d *Decoder) skip(n int) {
	d.start += n
	d.stats.Skipped += uint64(n)
}
