package printer

import (
	"bytes"
	"testing"
)

func TestParseStatusReply(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		b    byte
		want StatusReply
	}{
		{"printer ok", 1, 0x12, StatusReply{N: 1, Raw: 0x12}},
		{"printer off-line", 1, 0x1A, StatusReply{N: 1, Raw: 0x1A, Offline: true}},
		{"printer waiting, feed button", 1, 0x72, StatusReply{N: 1, Raw: 0x72, WaitingRecovery: true, FeedButton: true}},
		{"cover open", 2, 0x16, StatusReply{N: 2, Raw: 0x16, CoverOpen: true}},
		{"stopped by paper end", 2, 0x32, StatusReply{N: 2, Raw: 0x32, PaperEndStop: true}},
		{"feeding, error", 2, 0x5A, StatusReply{N: 2, Raw: 0x5A, PaperFeeding: true, Error: true}},
		{"cutter error", 3, 0x1A, StatusReply{N: 3, Raw: 0x1A, CutterError: true}},
		{"unrecoverable, auto-recoverable", 3, 0x72, StatusReply{N: 3, Raw: 0x72, Unrecoverable: true, AutoRecoverable: true}},
		{"paper ok", 4, 0x12, StatusReply{N: 4, Raw: 0x12}},
		{"near end", 4, 0x1E, StatusReply{N: 4, Raw: 0x1E, PaperNearEnd: true}},
		{"near end, one bit", 4, 0x16, StatusReply{N: 4, Raw: 0x16, PaperNearEnd: true}},
		{"paper end", 4, 0x7E, StatusReply{N: 4, Raw: 0x7E, PaperNearEnd: true, PaperEnd: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseStatusReply(tc.n, tc.b)
			if err != nil || got != tc.want {
				t.Errorf("ParseStatusReply(%d, %#02x) = %+v, %v; want %+v", tc.n, tc.b, got, err, tc.want)
			}
		})
	}
}

func TestParseStatusReplyRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		b    byte
	}{
		{"bit 0 set", 1, 0x13},
		{"bit 1 clear", 1, 0x10},
		{"bit 4 clear", 4, 0x02},
		{"bit 7 set", 2, 0x92},
		{"zero byte", 1, 0x00},
		{"ASB first byte", 1, 0x14},
		{"GS r reply", 4, 0x0C},
		{"XOFF", 1, 0x13},
		{"n = 0", 0, 0x12},
		{"n = 5", 5, 0x12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := ParseStatusReply(tc.n, tc.b); err == nil {
				t.Errorf("ParseStatusReply(%d, %#02x) = %+v, nil; want an error", tc.n, tc.b, got)
			}
		})
	}
}

func TestStatusFromReplies(t *testing.T) {
	parse := func(n int, b byte) StatusReply {
		r, err := ParseStatusReply(n, b)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, tc := range []struct {
		name    string
		replies []StatusReply
		want    Status
	}{
		{"ready", []StatusReply{parse(1, 0x12), parse(2, 0x12), parse(4, 0x12)}, Status{Online: true}},
		{"near end", []StatusReply{parse(1, 0x12), parse(2, 0x12), parse(4, 0x1E)}, Status{Online: true, PaperNearEnd: true}},
		{"paper out", []StatusReply{parse(1, 0x1A), parse(2, 0x32), parse(4, 0x7E)}, Status{PaperOut: true, PaperNearEnd: true}},
		{"cover open", []StatusReply{parse(1, 0x1A), parse(2, 0x16), parse(4, 0x12)}, Status{CoverOpen: true}},
		{"cutter", []StatusReply{parse(1, 0x1A), parse(2, 0x52), parse(4, 0x12), parse(3, 0x1A)}, Status{CutterError: true}},
		{"unrecoverable", []StatusReply{parse(1, 0x1A), parse(2, 0x52), parse(3, 0x32)}, Status{Unrecoverable: true}},
		{"paper sensor says end, printer says online", []StatusReply{parse(1, 0x12), parse(4, 0x72)}, Status{PaperOut: true}},
		{"no reply to 1", []StatusReply{parse(2, 0x12), parse(4, 0x12)}, Status{Unknown: true}},
		{"nothing", nil, Status{Unknown: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := StatusFromReplies(tc.replies...); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestStatusErrUnknown(t *testing.T) {
	if err := (Status{Online: true, Unknown: true}).Err(); err != ErrOffline {
		t.Errorf("unknown status: Err() = %v, want ErrOffline", err)
	}
}

func TestJobOutcome(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want Outcome
	}{
		{nil, Printed},
		{ErrPaperOut, NotPrinted},
		{ErrClosed, NotPrinted},
		{errJoin(ErrUnconfirmed, ErrPaperOut), MaybePrinted},
		{errJoin(ErrUnconfirmed, ErrOffline), MaybePrinted},
	} {
		if got := JobOutcome(tc.err); got != tc.want {
			t.Errorf("JobOutcome(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func errJoin(a, b error) error { return &joined{a, b} }

type joined struct{ a, b error }

func (j *joined) Error() string   { return j.a.Error() + ": " + j.b.Error() }
func (j *joined) Unwrap() []error { return []error{j.a, j.b} }

func TestReplyScanner(t *testing.T) {
	// A stream as a printer may send it: an ASB, a DLE EOT reply, a
	// process ID reply split in the middle by nothing, a stray XOFF, a GS r
	// reply, another DLE EOT reply.
	stream := []byte{
		0x14, 0x00, 0x00, 0x0F, // ASB (first byte 0x93 pattern 0x10)
		0x12,                                 // DLE EOT reply
		0x37, 0x22, '0', '0', '4', '2', 0x00, // GS ( H reply, ID "0042"
		0x13, // XOFF: neither
		0x0C, // GS r 1 reply: paper end
		0x1A, // DLE EOT reply
	}
	var sc replyScanner
	var got []reply
	for _, b := range stream {
		if r, ok := sc.feed(b); ok {
			got = append(got, r)
		}
	}
	wantKinds := []replyKind{replyASB, replyRealtime, replyBlock, replyOther, replyOther, replyRealtime}
	if len(got) != len(wantKinds) {
		t.Fatalf("got %d replies %+v, want %d", len(got), got, len(wantKinds))
	}
	for i, r := range got {
		if r.kind != wantKinds[i] {
			t.Errorf("reply %d: kind %d, want %d", i, r.kind, wantKinds[i])
		}
	}
	if id, ok := got[2].processID(); !ok || string(id[:]) != "0042" {
		t.Errorf("process ID = %q, %v; want 0042", id, ok)
	}
	if got[4].b != 0x0C {
		t.Errorf("GS r reply byte = %#02x, want 0x0c", got[4].b)
	}
}

func TestDecodeLPStatus(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    int
		want Status
	}{
		{"selected, no error", lpPSelecd | lpPErrorP, Status{Online: true}},
		{"usblp ready with the unused bits", lpPSelecd | lpPErrorP | lpPAck | lpPBusy, Status{Online: true}},
		{"paper empty", lpPSelecd | lpPErrorP | lpPOutPA, Status{PaperOut: true}},
		{"paper empty, error, deselected", lpPOutPA, Status{PaperOut: true}},
		{"error (cover open or other fault)", lpPSelecd, Status{}},
		{"not selected", lpPErrorP, Status{}},
		{"nothing", 0, Status{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := decodeLPStatus(tc.w); got != tc.want {
				t.Errorf("decodeLPStatus(%#02x) = %+v, want %+v", tc.w, got, tc.want)
			}
		})
	}
	if lpGetStatusReq != 0x060b {
		t.Errorf("LPGETSTATUS = %#x, want 0x060b (linux/lp.h)", lpGetStatusReq)
	}
}

func TestStatusCommands(t *testing.T) {
	if got, want := processIDCommand([4]byte{'0', '0', '0', '1'}), []byte{0x1D, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30, 0x30, 0x30, 0x30, 0x31}; !bytes.Equal(got, want) {
		t.Errorf("GS ( H = % x, want % x", got, want)
	}
	if got, want := realtimeQuery(4), []byte{0x10, 0x04, 0x04}; !bytes.Equal(got, want) {
		t.Errorf("DLE EOT 4 = % x, want % x", got, want)
	}
}

func FuzzParseStatus(f *testing.F) {
	for _, b := range []byte{0x12, 0x1A, 0x16, 0x7E, 0x00, 0xFF, 0x14} {
		for n := 0; n <= 5; n++ {
			f.Add(n, b)
		}
	}
	f.Fuzz(func(t *testing.T, n int, b byte) {
		r, err := ParseStatusReply(n, b)
		fixed := b&0x93 == 0x12
		if err == nil && (!fixed || n < 1 || n > 4) {
			t.Fatalf("ParseStatusReply(%d, %#02x) accepted a byte with wrong fixed bits or query", n, b)
		}
		if err != nil && fixed && n >= 1 && n <= 4 {
			t.Fatalf("ParseStatusReply(%d, %#02x) rejected a valid reply: %v", n, b, err)
		}
		if err == nil && (r.N != n || r.Raw != b) {
			t.Fatalf("got %+v for (%d, %#02x)", r, n, b)
		}
		_ = StatusFromReplies(r)
	})
}

// FuzzReplyStream feeds arbitrary bytes, interleaved with real replies, to
// the reply scanner: it never panics and never yields a status from a byte
// whose fixed bits are wrong.
func FuzzReplyStream(f *testing.F) {
	f.Add([]byte{0x12, 0x37, 0x22, '0', '0', '0', '1', 0x00, 0x1A})
	f.Add([]byte{0x14, 0x00, 0x00, 0x0F, 0x12})
	f.Add([]byte{0x37, 0x12, 0x12, 0x12})
	f.Add(bytes.Repeat([]byte{0x5F}, 200))
	f.Fuzz(func(t *testing.T, stream []byte) {
		var sc replyScanner
		for _, b := range stream {
			r, ok := sc.feed(b)
			if !ok {
				continue
			}
			switch r.kind {
			case replyRealtime:
				if r.b&0x93 != 0x12 {
					t.Fatalf("status reply from %#02x, whose fixed bits are wrong", r.b)
				}
				for n := 1; n <= 4; n++ {
					if _, err := ParseStatusReply(n, r.b); err != nil {
						t.Fatalf("scanner took %#02x for a status, parser refuses it: %v", r.b, err)
					}
				}
			case replyBlock:
				if len(r.data) < 2 || len(r.data) > blockMaxLen || r.data[len(r.data)-1] != 0 {
					t.Fatalf("bad block % x", r.data)
				}
				r.processID()
			case replyASB:
				if len(r.data) != asbLen {
					t.Fatalf("bad ASB % x", r.data)
				}
			case replyOther:
			default:
				t.Fatalf("reply of kind %d", r.kind)
			}
		}
	})
}
