package printer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Files that simulate printer states in a virtual printer's directory
// DIR/<name>: create one (its content does not matter) and the virtual
// printer reports the state until the file is removed. Tests and the demo
// use them to show what the center does when a kiosk runs out of paper.
const (
	VirtualPaperOut     = "PAPER-OUT"      // PaperOut; Print fails with ErrPaperOut
	VirtualPaperNearEnd = "PAPER-NEAR-END" // PaperNearEnd; printing still works
	VirtualCoverOpen    = "COVER-OPEN"     // CoverOpen; Print fails with ErrCoverOpen
	VirtualOffline      = "OFFLINE"        // Status and Print fail with ErrOffline
)

// spoolTimeFormat names spool files by the UTC time of the job, so that a
// directory listing is in print order.
const spoolTimeFormat = "20060102T150405.000000000"

// virtualPrinter is the virtual: driver. Instead of printing, it writes each
// job's exact bytes to its own file DIR/<name>/<time>-<job>.bin. A file
// appears complete or not at all: bytes go to a hidden temporary file that
// is synced and then renamed. (The PNG of what a printer would print beside
// each job comes with the raster rendering.)
type virtualPrinter struct {
	name   string
	dir    string
	now    func() time.Time
	closed atomic.Bool

	mu   sync.Mutex // serialises jobs and guards last
	last time.Time  // time of the last job, to keep file names unique and ordered
}

func openVirtual(name, spool string, now func() time.Time) (*virtualPrinter, error) {
	dir := filepath.Join(spool, sanitize(name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("printer %s: %w", name, err)
	}
	return &virtualPrinter{name: name, dir: dir, now: now}, nil
}

func (p *virtualPrinter) Print(ctx context.Context, job Job) error {
	if p.closed.Load() {
		return fmt.Errorf("printer %s: print job %s: %w", p.name, job.ID, ErrClosed)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("printer %s: print job %s: %w", p.name, job.ID, err)
	}
	st, err := p.status()
	if err == nil {
		err = st.Err()
	}
	if err != nil {
		return fmt.Errorf("printer %s: print job %s: %w", p.name, job.ID, err)
	}

	// Two jobs in the same clock tick (or a stopped test clock) still get
	// distinct names, in print order.
	at := p.now().UTC()
	if !at.After(p.last) {
		at = p.last.Add(time.Nanosecond)
	}
	p.last = at
	file := filepath.Join(p.dir, at.Format(spoolTimeFormat)+"-"+sanitize(job.ID)+".bin")
	if err := writeFileAtomic(file, job.Data); err != nil {
		return fmt.Errorf("printer %s: print job %s: %w", p.name, job.ID, err)
	}
	return nil
}

func (p *virtualPrinter) Status(ctx context.Context) (Status, error) {
	if p.closed.Load() {
		return Status{}, fmt.Errorf("printer %s: status: %w", p.name, ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return Status{}, fmt.Errorf("printer %s: status: %w", p.name, err)
	}
	st, err := p.status()
	if err != nil {
		return Status{}, fmt.Errorf("printer %s: status: %w", p.name, err)
	}
	return st, nil
}

// status reads the state files.
func (p *virtualPrinter) status() (Status, error) {
	var flags [4]bool
	for i, f := range []string{VirtualOffline, VirtualPaperOut, VirtualCoverOpen, VirtualPaperNearEnd} {
		_, err := os.Stat(filepath.Join(p.dir, f))
		switch {
		case err == nil:
			flags[i] = true
		case !errors.Is(err, fs.ErrNotExist):
			return Status{}, err
		}
	}
	if flags[0] {
		return Status{}, fmt.Errorf("%w (%s)", ErrOffline, VirtualOffline)
	}
	return Status{
		Online:       !flags[1] && !flags[2],
		PaperOut:     flags[1],
		CoverOpen:    flags[2],
		PaperNearEnd: flags[3],
	}, nil
}

func (p *virtualPrinter) Close() error {
	p.closed.Store(true)
	return nil
}

// writeFileAtomic writes data to a hidden temporary file beside name, syncs
// it and renames it to name, so that name never holds half a job, also after
// a power cut. The directory is created if it went missing.
func writeFileAtomic(name string, data []byte) (err error) {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".job-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// sanitize turns a printer name or job ID into a safe file name: after
// folding Vietnamese letters, ASCII letters, digits, '.', '-' and '_' are
// kept and every other byte becomes '_'; the result is at most 64 bytes and
// never hidden, empty, "." or "..".
func sanitize(s string) string {
	const maxLen = 64
	s = Fold(s)
	var sb strings.Builder
	for i := 0; i < len(s) && sb.Len() < maxLen; i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' && i > 0 {
			sb.WriteByte(c)
		} else {
			sb.WriteByte('_')
		}
	}
	if sb.Len() == 0 {
		return "_"
	}
	return sb.String()
}
