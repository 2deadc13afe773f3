package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
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
// job's exact bytes to its own file DIR/<name>/<time>-<job>.bin and, beside
// it, <time>-<job>.png, the paper a printer would print, drawn by the ESC/POS
// interpreter (Interpret). A file appears complete or not at all: bytes go
// to a hidden temporary file that is synced and then renamed. The PNG is
// written first, so a listing that shows a .bin shows its .png too; a job
// the interpreter cannot read gets no PNG and a logged warning, and prints
// all the same.
type virtualPrinter struct {
	name   string
	dir    string
	now    func() time.Time
	closed atomic.Bool
	interp *Interpreter // how previews are drawn; nil: 576 dots or narrower, guessed

	mu   sync.Mutex // serialises jobs and guards last
	last time.Time  // time of the last job, to keep file names unique and ordered
}

// openVirtual opens the virtual printer name in spool. With a profile (from
// WithProfile; only the first counts), previews are drawn as that model
// prints: its paper width, its code page, Kanji mode at power-on when it
// needs FS .; without one, the width is guessed from the job.
func openVirtual(name, spool string, now func() time.Time, profile ...Profile) (*virtualPrinter, error) {
	dir := filepath.Join(spool, sanitize(name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("printer %s: %w", name, err)
	}
	p := &virtualPrinter{name: name, dir: dir, now: now}
	if len(profile) > 0 && profile[0].WidthDots > 0 {
		pr := profile[0]
		p.interp = &Interpreter{WidthDots: pr.WidthDots, CodePage: pr.CodePage, Kanji: pr.CancelKanji}
	}
	return p, nil
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
	base := filepath.Join(p.dir, at.Format(spoolTimeFormat)+"-"+sanitize(job.ID))
	p.preview(base+".png", job)
	if err := writeFileAtomic(base+".bin", job.Data); err != nil {
		return fmt.Errorf("printer %s: print job %s: %w", p.name, job.ID, err)
	}
	return nil
}

// preview writes the PNG of job to file, or logs why it cannot: the
// preview never fails a print.
func (p *virtualPrinter) preview(file string, job Job) {
	log := slog.Default().With("component", "printer", "device", p.name, "job", job.ID)
	var pg *Page
	var err error
	if p.interp != nil {
		pg, err = p.interp.Run(job.Data)
	} else if pg, err = Interpret(job.Data, 576); err == nil {
		if w := previewWidth(pg); w != 576 {
			pg, err = Interpret(job.Data, w)
		}
	}
	if err != nil {
		log.Warn("virtual printer: no preview: the interpreter cannot read the job", "err", err)
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, bilevel(pg.Image)); err != nil {
		log.Warn("virtual printer: no preview", "err", err)
		return
	}
	if err := writeFileAtomic(file, buf.Bytes()); err != nil {
		log.Warn("virtual printer: no preview", "err", err)
	}
}

// previewWidth is the paper width, in dots, a job interpreted as pg
// previews on: the narrowest profile width it uses (Page.Used), so that a
// job made for 58 mm paper previews 384 dots wide, or 576.
func previewWidth(pg *Page) int {
	w := 576
	for _, p := range Profiles {
		if p.WidthDots >= pg.Used && p.WidthDots < w {
			w = p.WidthDots
		}
	}
	return w
}

// bilevel turns a black-and-white gray image into a two-colour paletted
// one, which PNG stores at one bit a dot: a ticket's PNG is then a few KB.
func bilevel(g *image.Gray) *image.Paletted {
	b := g.Bounds()
	out := image.NewPaletted(b, color.Palette{color.Gray{Y: 0xFF}, color.Gray{Y: 0}})
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := g.Pix[(y-b.Min.Y)*g.Stride:]
		dst := out.Pix[(y-b.Min.Y)*out.Stride:]
		for x := range b.Dx() {
			if src[x] < 0x80 {
				dst[x] = 1
			}
		}
	}
	return out
}

// JobFile is one job in a virtual printer's spool.
type JobFile struct {
	Job  string    // the job's ID as it appears in the file name (see Job.ID; unsafe bytes are '_')
	Time time.Time // when the virtual printer took the job, in UTC
	Bin  string    // path of the job's exact bytes
	PNG  string    // path of the job's preview; "" when there is none
}

// LatestJobs lists the newest n jobs (every job if n ≤ 0) of the virtual
// printer name whose spool directory is dir (the DIR of its virtual:DIR
// URI), newest first. A printer that has printed nothing yet, or whose
// directory does not exist, has no jobs and no error.
func LatestJobs(dir, name string, n int) ([]JobFile, error) {
	d := filepath.Join(dir, sanitize(name))
	entries, err := os.ReadDir(d)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("printer %s: list jobs: %w", name, err)
	}
	have := make(map[string]bool, len(entries))
	for _, e := range entries {
		have[e.Name()] = true
	}
	var jobs []JobFile
	// ReadDir sorts by name, and names start with the UTC time: walk
	// backwards for newest first.
	for _, e := range slices.Backward(entries) {
		if n > 0 && len(jobs) >= n {
			break
		}
		base, ok := strings.CutSuffix(e.Name(), ".bin")
		if !ok || !e.Type().IsRegular() || len(base) < len(spoolTimeFormat)+2 || base[len(spoolTimeFormat)] != '-' {
			continue
		}
		at, err := time.Parse(spoolTimeFormat, base[:len(spoolTimeFormat)])
		if err != nil {
			continue
		}
		j := JobFile{Job: base[len(spoolTimeFormat)+1:], Time: at, Bin: filepath.Join(d, e.Name())}
		if have[base+".png"] {
			j.PNG = filepath.Join(d, base+".png")
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
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
