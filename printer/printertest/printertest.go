// Package printertest provides an in-memory printer.Printer for tests of
// code that prints.
package printertest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/motcua/motcua/printer"
)

// Printer is a fake printer.Printer that records the jobs it accepts. Its
// status and an error to fail with can be set at any time; it is safe for
// concurrent use. The zero value is not usable: call New.
type Printer struct {
	mu      sync.Mutex
	jobs    []printer.Job
	status  printer.Status
	err     error
	closed  bool
	changed chan struct{} // closed and replaced whenever a job is recorded
}

var _ printer.Printer = (*Printer)(nil)

// New returns an online fake printer with no jobs.
func New() *Printer {
	return &Printer{status: printer.Status{Online: true}, changed: make(chan struct{})}
}

// Print records a copy of job, or fails like a real driver: with
// printer.ErrClosed after Close, with the error set by SetErr, or with the
// error the status implies (see printer.Status.Err).
func (p *Printer) Print(ctx context.Context, job printer.Job) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.fail(ctx); err != nil {
		return fmt.Errorf("printertest: print job %s: %w", job.ID, err)
	}
	if err := p.status.Err(); err != nil {
		return fmt.Errorf("printertest: print job %s: %w", job.ID, err)
	}
	job.Data = slices.Clone(job.Data)
	p.jobs = append(p.jobs, job)
	close(p.changed)
	p.changed = make(chan struct{})
	return nil
}

// Status returns the status set by SetStatus, or the error set by SetErr.
func (p *Printer) Status(ctx context.Context) (printer.Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.fail(ctx); err != nil {
		return printer.Status{}, fmt.Errorf("printertest: status: %w", err)
	}
	return p.status, nil
}

func (p *Printer) fail(ctx context.Context) error {
	switch {
	case p.closed:
		return printer.ErrClosed
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return p.err
}

// Close marks the printer closed; Print and Status fail with
// printer.ErrClosed afterwards.
func (p *Printer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return nil
}

// Closed reports whether Close was called.
func (p *Printer) Closed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// SetStatus sets the status Status reports. A status that is not online
// makes Print fail as a real printer would: ErrCoverOpen, ErrPaperOut or
// ErrOffline.
func (p *Printer) SetStatus(s printer.Status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status = s
}

// SetErr makes Print and Status fail with err until SetErr(nil).
func (p *Printer) SetErr(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = err
}

// Jobs returns copies of the jobs printed so far, in order.
func (p *Printer) Jobs() []printer.Job {
	p.mu.Lock()
	defer p.mu.Unlock()
	return cloneJobs(p.jobs)
}

// Wait blocks until at least n jobs were printed and returns them, or
// returns ctx's error.
func (p *Printer) Wait(ctx context.Context, n int) ([]printer.Job, error) {
	for {
		p.mu.Lock()
		if len(p.jobs) >= n {
			jobs := cloneJobs(p.jobs)
			p.mu.Unlock()
			return jobs, nil
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("printertest: waiting for %d jobs: %w", n, ctx.Err())
		}
	}
}

func cloneJobs(jobs []printer.Job) []printer.Job {
	out := make([]printer.Job, len(jobs))
	for i, j := range jobs {
		out[i] = printer.Job{ID: j.ID, Data: slices.Clone(j.Data)}
	}
	return out
}
