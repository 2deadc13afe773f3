package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/queue"
)

// PrinterState is what the kiosk, the console and the start page are told
// about one printer, kept fresh by a poller and after every job.
type PrinterState struct {
	State   string    `json:"state"` // ok, near_end, paper_end, cover_open, offline, unknown, none
	Message string    `json:"message,omitempty"`
	At      time.Time `json:"at"`
}

// stateOf turns a status reading into words a citizen or official reads.
func stateOf(st printer.Status, err error) PrinterState {
	switch {
	case errors.Is(err, printer.ErrCoverOpen) || st.CoverOpen:
		return PrinterState{State: "cover_open", Message: "Nắp máy in đang mở"}
	case errors.Is(err, printer.ErrPaperOut) || st.PaperOut:
		return PrinterState{State: "paper_end", Message: "Máy in hết giấy"}
	case st.Unknown:
		return PrinterState{State: "unknown", Message: "Máy in không trả lời"}
	case errors.Is(err, printer.ErrOffline):
		return PrinterState{State: "offline", Message: "Máy in không kết nối được"}
	case err != nil:
		return PrinterState{State: "unknown", Message: "Không đọc được trạng thái máy in"}
	case !st.Online:
		return PrinterState{State: "offline", Message: "Máy in không sẵn sàng"}
	case st.PaperNearEnd:
		return PrinterState{State: "near_end", Message: "Máy in sắp hết giấy"}
	}
	return PrinterState{State: "ok"}
}

// accepting: a kiosk issues numbers only while its printer can print; a
// state we cannot read does not stop it (the number is shown on screen).
func (s PrinterState) accepting() bool {
	return s.State != "paper_end" && s.State != "cover_open" && s.State != "offline"
}

func (a *App) printerOf(id string) (printer.Printer, printer.Profile) {
	a.devMu.Lock()
	defer a.devMu.Unlock()
	return a.printers[id], a.profiles[id]
}

// PrinterStates returns the last known state of every printer by owner id.
func (a *App) PrinterStates() map[string]PrinterState {
	a.devMu.Lock()
	defer a.devMu.Unlock()
	out := make(map[string]PrinterState, len(a.pstate))
	for k, v := range a.pstate {
		out[k] = v
	}
	return out
}

// refreshPrinter reads one printer's status and records it; a change is
// logged, so staff see "sắp hết giấy" before the roll ends.
func (a *App) refreshPrinter(ctx context.Context, id string) PrinterState {
	p, _ := a.printerOf(id)
	if p == nil {
		return PrinterState{State: "none"}
	}
	sctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	st, err := p.Status(sctx)
	cancel()
	ps := stateOf(st, err)
	ps.At = a.clock.Now()
	a.devMu.Lock()
	old := a.pstate[id]
	a.pstate[id] = ps
	a.devMu.Unlock()
	if old.State != ps.State {
		lvl := a.log.Info
		if ps.State != "ok" {
			lvl = a.log.Warn
		}
		lvl("printer state", "component", "printer", "device", id, "state", ps.State, "was", old.State)
	}
	return ps
}

// pollPrinters keeps every printer's state fresh.
func (a *App) pollPrinters(ctx context.Context) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		a.devMu.Lock()
		ids := make([]string, 0, len(a.printers))
		for id := range a.printers {
			ids = append(ids, id)
		}
		a.devMu.Unlock()
		for _, id := range ids {
			a.refreshPrinter(ctx, id)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// printTicket prints on the kiosk's printer and records the outcome:
// printed, failed (nothing printed: reprint when the printer is back), or
// unknown (sent, but the printer never confirmed: look before reprinting).
func (a *App) printTicket(ctx context.Context, owner string, tk queue.Ticket, ahead, waitS int) printResult {
	p, prof := a.printerOf(owner)
	if p == nil {
		return printResult{Status: "none"}
	}
	svc, _ := a.Cfg.Service(tk.Service)
	dep, _ := a.Cfg.Department(svc.Department)
	pri, _ := a.Cfg.Priority(tk.Priority)
	doc := printer.Ticket{
		Center: a.Cfg.Center.Name, Number: tk.Number, Service: svc.Name, Department: dep.Name,
		IssuedAt: tk.IssuedAt.In(clock.Local), WaitingAhead: ahead, TrackURL: a.PublicURL() + "/t/" + tk.Token,
		EstimatedWait: time.Duration(waitS) * time.Second, Priority: pri.Name,
	}
	data, err := printer.Encode(doc, prof)
	res := printResult{Status: "printed"}
	if err == nil {
		// the driver waits up to 8 s for the printer to confirm; past the
		// deadline the job is reported unconfirmed, never resent
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		err = p.Print(pctx, printer.Job{ID: "ticket-" + strconv.FormatInt(tk.ID, 10), Data: data})
		cancel()
	}
	if err != nil {
		res = printResult{Status: printOutcome(err), Error: printErrorVI(err)}
		a.log.Warn("print failed", "component", "printer", "device", owner, "ticket", tk.Number, "err", err)
	}
	if err := a.Engine.SetPrintStatus(context.WithoutCancel(ctx), tk.ID, res.Status, res.Error); err != nil {
		a.log.Error("record print status", "err", err)
	}
	go a.refreshPrinter(context.WithoutCancel(ctx), owner)
	return res
}

// printOutcome: "failed" when nothing of the job reached the printer (safe
// to reprint), "unknown" when it may have printed (a person looks first).
func printOutcome(err error) string {
	if printer.JobOutcome(err) == printer.MaybePrinted {
		return "unknown"
	}
	return "failed"
}

func printErrorVI(err error) string {
	switch {
	case errors.Is(err, printer.ErrUnconfirmed):
		return "Máy in không xác nhận đã in: hãy kiểm tra vé trước khi in lại"
	case errors.Is(err, printer.ErrPaperOut):
		return "Máy in hết giấy"
	case errors.Is(err, printer.ErrCoverOpen):
		return "Nắp máy in đang mở"
	default:
		return "Máy in không phản hồi"
	}
}

// handleReprint prints a ticket again, on the printer it was first meant
// for or another one: for a ticket whose print failed, once the printer is
// back. A ticket already printed is refused unless force is set (a
// supervisor's decision: two papers with one number confuse the lobby).
func (a *App) handleReprint(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id, err := pathID(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var b struct {
		Printer string `json:"printer,omitempty"`
		Force   bool   `json:"force,omitempty"`
	}
	if r.ContentLength != 0 {
		if err := decode(w, r, &b); err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	tk, err := a.Engine.Ticket(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	owner := b.Printer
	if owner == "" {
		owner = tk.Kiosk
	}
	if pr, _ := a.printerOf(owner); pr == nil {
		a.writeError(w, r, apperr.New(apperr.Conflict, "no-printer", "Không có máy in để in lại vé này", "no printer %q", owner))
		return
	}
	if tk.PrintStatus == "printed" && !(b.Force && p.Is(auth.RoleSupervisor)) {
		a.writeError(w, r, apperr.New(apperr.Conflict, "already-printed", fmt.Sprintf("Vé %s đã được in", tk.Number), "ticket already printed; a supervisor may force a reprint"))
		return
	}
	if tk.State != queue.Waiting && tk.State != queue.Called && tk.State != queue.Held {
		a.writeError(w, r, apperr.New(apperr.Conflict, "ticket-finished", fmt.Sprintf("Vé %s không còn chờ", tk.Number), "ticket is %s", tk.State))
		return
	}
	ahead, _ := a.Engine.Ahead(r.Context(), tk)
	res := a.printTicket(r.Context(), owner, tk, ahead, 0)
	writeJSON(w, http.StatusOK, map[string]any{"ticket": tk.Number, "print": res})
}

// handleKioskStatus tells a kiosk page whether to offer tickets.
func (a *App) handleKioskStatus(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("kiosk")
	if err := a.place(p, placeKiosk, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	// asked every few seconds by the kiosk page: read the printer now, so
	// the page stops offering numbers as soon as the paper runs out
	st := a.refreshPrinter(r.Context(), id)
	writeJSON(w, http.StatusOK, map[string]any{"kiosk": id, "printer": st, "accepting": st.accepting()})
}
