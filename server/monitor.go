package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/dossier"
	"github.com/motcua/motcua/server/queue"
	"github.com/motcua/motcua/server/workday"
)

type monitorCounter struct {
	ID           string                `json:"id"`
	Number       int                   `json:"number"`
	Name         string                `json:"name"`
	General      bool                  `json:"general"`
	State        string                `json:"state"`
	Reason       string                `json:"reason"`
	Official     string                `json:"official"`
	Services     []string              `json:"services"`
	Current      *TicketView           `json:"current"`
	ServedToday  int                   `json:"served_today"`
	NoShows      int                   `json:"no_shows"`
	MeanServiceS int                   `json:"mean_service_s"`
	IdleS        int                   `json:"idle_s"`
	Devices      map[string]DeviceView `json:"devices"`
	// Waiting and LongestWaitS count the tickets transferred or moved to
	// this counter alone (not its services' common queues).
	Waiting      int `json:"waiting"`
	LongestWaitS int `json:"longest_wait_s"`
}

type monitorService struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Department     string   `json:"department"`
	DepartmentName string   `json:"department_name"`
	Waiting        int      `json:"waiting"`
	LongestWaitS   int      `json:"longest_wait_s"`
	OpenCounters   int      `json:"open_counters"`
	EstimatedWaitS int      `json:"estimated_wait_s"`
	WaitingIDs     []int64  `json:"waiting_ids"`
	WaitingNumbers []string `json:"waiting_numbers"`
}

type monitorDevice struct {
	ID      string      `json:"id"`
	Name    string      `json:"name"`
	Printer *DeviceView `json:"printer,omitempty"`
	Clients *int        `json:"clients,omitempty"`
}

// Alert is one condition the supervisor should act on.
type Alert struct {
	ID       string    `json:"id"`   // stable while the condition lasts: "wait:<service>"
	Kind     string    `json:"kind"` // wait, unserved, idle, printer, screen, keypad, dossier
	Severity string    `json:"severity"`
	Title    string    `json:"title"`
	Since    time.Time `json:"since"`
}

// MonitorState is the supervisor's whole view of the center.
type MonitorState struct {
	Now        time.Time        `json:"now"`
	Counters   []monitorCounter `json:"counters"`
	Services   []monitorService `json:"services"`
	Alerts     []Alert          `json:"alerts"`
	Kiosks     []monitorDevice  `json:"kiosks"`
	Screens    []monitorDevice  `json:"screens"`
	Thresholds map[string]int   `json:"thresholds"`
	Dossiers   monitorDossiers  `json:"dossiers"`
}

type monitorDossier struct {
	Code           string    `json:"code"`
	ProcedureName  string    `json:"procedure_name"`
	Department     string    `json:"department"`
	DepartmentName string    `json:"department_name"`
	DueDate        string    `json:"due_date"`
	Holder         string    `json:"holder"`
	HolderSince    time.Time `json:"holder_since"`
	StateText      string    `json:"state_text"`
	DaysLate       int       `json:"days_late,omitempty"`
}

type monitorDossiers struct {
	Near        []monitorDossier `json:"near"`
	Overdue     []monitorDossier `json:"overdue"`
	Lost        []monitorDossier `json:"lost"`
	NearDueDays int              `json:"near_due_days"`
}

func (a *App) monitorState(ctx context.Context) (*MonitorState, error) {
	now := a.clock.Now()
	st := &MonitorState{Now: now, Alerts: []Alert{}}
	al := a.Cfg.Alerts
	st.Thresholds = map[string]int{"wait_minutes": int(al.Wait().Minutes()), "unserved_minutes": int(al.Unserved().Minutes()), "idle_minutes": int(al.Idle().Minutes())}
	svcs, err := a.Engine.Services(ctx)
	if err != nil {
		return nil, err
	}
	waits, err := a.Engine.ServiceWaits(ctx)
	if err != nil {
		return nil, err
	}
	ids, err := a.waitingIDs(ctx)
	if err != nil {
		return nil, err
	}
	byService := map[string]queue.ServiceWait{}
	for _, w := range waits {
		byService[w.Service] = w
	}
	oldest := map[string]time.Time{}
	for _, s := range svcs {
		w := byService[s.ID]
		ms := monitorService{ID: s.ID, Name: s.Name, Department: s.Department, DepartmentName: s.DepartmentName,
			Waiting: w.Waiting, OpenCounters: w.OpenCounters, EstimatedWaitS: s.EstimatedWaitS,
			WaitingIDs: []int64{}, WaitingNumbers: []string{}}
		for _, wt := range ids.common[s.ID] {
			ms.WaitingIDs = append(ms.WaitingIDs, wt.id)
			ms.WaitingNumbers = append(ms.WaitingNumbers, wt.number)
		}
		if w.OldestIssuedAt != nil && w.Waiting > 0 {
			oldest[s.ID] = *w.OldestIssuedAt
			ms.LongestWaitS = max(0, int(now.Sub(*w.OldestIssuedAt).Seconds()))
			if th := al.Wait(); th > 0 && now.Sub(*w.OldestIssuedAt) >= th {
				st.Alerts = append(st.Alerts, Alert{ID: "wait:" + s.ID, Kind: "wait", Severity: "warning", Since: w.OldestIssuedAt.Add(th),
					Title: fmt.Sprintf("%s: có công dân đã chờ %s (quá %d phút)", s.Name, viDuration(now.Sub(*w.OldestIssuedAt)), int(th.Minutes()))})
			}
			if th := al.Unserved(); th > 0 && w.OpenCounters == 0 && now.Sub(*w.OldestIssuedAt) >= th {
				st.Alerts = append(st.Alerts, Alert{ID: "unserved:" + s.ID, Kind: "unserved", Severity: "critical", Since: w.OldestIssuedAt.Add(th),
					Title: fmt.Sprintf("%s: %d công dân đang chờ nhưng không quầy nào mở phục vụ", s.Name, w.Waiting)})
			}
		}
		st.Services = append(st.Services, ms)
	}
	cs, err := a.Engine.Counters(ctx)
	if err != nil {
		return nil, err
	}
	days, err := a.Engine.CounterDays(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		d := days[c.ID]
		mc := monitorCounter{ID: c.ID, Number: c.Number, Name: c.Name, General: c.General, State: c.State, Reason: c.Reason,
			Official: c.Official, Services: c.Services, ServedToday: d.Served, NoShows: d.NoShows, MeanServiceS: d.MeanServiceS,
			Devices: a.counterDevices(c.ID)}
		if c.CurrentTicket != nil {
			v := a.ticketView(*c.CurrentTicket, now)
			mc.Current = &v
		}
		// tickets sent to this counter alone wait for it, whatever its state
		if ts := ids.counter[c.ID]; len(ts) > 0 {
			first := ts[0].issued
			for _, wt := range ts {
				if wt.issued.Before(first) {
					first = wt.issued
				}
			}
			mc.Waiting, mc.LongestWaitS = len(ts), max(0, int(now.Sub(first).Seconds()))
			if th := al.Wait(); th > 0 && now.Sub(first) >= th {
				st.Alerts = append(st.Alerts, Alert{ID: "wait:" + c.ID, Kind: "wait", Severity: "warning", Since: first.Add(th),
					Title: fmt.Sprintf("%s: có công dân được chuyển đến đã chờ %s (quá %d phút)", c.Name, viDuration(now.Sub(first)), int(th.Minutes()))})
			}
			if th := al.Unserved(); th > 0 && c.State != "open" && now.Sub(first) >= th {
				st.Alerts = append(st.Alerts, Alert{ID: "unserved:" + c.ID, Kind: "unserved", Severity: "critical", Since: first.Add(th),
					Title: fmt.Sprintf("%s đang %s nhưng có %d công dân được chuyển đến chờ", c.Name, counterStateVI(c.State), len(ts))})
			}
		}
		// idle while people wait: from when it became free or when the
		// oldest citizen it could serve arrived, whichever is later
		if c.State == "open" && c.CurrentTicket == nil && d.IdleSince != nil {
			var first time.Time
			for _, s := range c.Services {
				if o, ok := oldest[s]; ok && (first.IsZero() || o.Before(first)) {
					first = o
				}
			}
			if !first.IsZero() {
				from := *d.IdleSince
				if first.After(from) {
					from = first
				}
				mc.IdleS = max(0, int(now.Sub(from).Seconds()))
				if th := al.Idle(); th > 0 && now.Sub(from) >= th {
					st.Alerts = append(st.Alerts, Alert{ID: "idle:" + c.ID, Kind: "idle", Severity: "warning", Since: from.Add(th),
						Title: fmt.Sprintf("%s để trống %s trong khi có công dân chờ", c.Name, viDuration(now.Sub(from)))})
				}
			}
		}
		if p := mc.Devices["printer"]; p.State != "none" {
			st.Alerts = append(st.Alerts, printerAlerts(c.ID, c.Name, p, now)...)
		}
		st.Counters = append(st.Counters, mc)
	}
	pst := a.PrinterStates()
	for _, k := range a.Cfg.Kiosks {
		md := monitorDevice{ID: k.ID, Name: k.Name}
		if k.Printer != "" {
			p := pst[k.ID]
			if p.State == "" {
				p = PrinterState{State: "unknown", Message: "Chưa đọc được trạng thái máy in"}
			}
			md.Printer = &DeviceView{State: p.State, Message: p.Message}
			st.Alerts = append(st.Alerts, printerAlerts(k.ID, k.Name, *md.Printer, now)...)
		}
		st.Kiosks = append(st.Kiosks, md)
	}
	for _, s := range a.Cfg.Screens {
		n := a.Hub.ScreenClients(s.ID)
		st.Screens = append(st.Screens, monitorDevice{ID: s.ID, Name: s.Name, Clients: &n})
		if off, since := a.screens.offline(s.ID, n, now, al.ScreenOffline()); off {
			st.Alerts = append(st.Alerts, Alert{ID: "screen:" + s.ID, Kind: "screen", Severity: "warning", Since: since,
				Title: fmt.Sprintf("Màn hình %s mất kết nối", s.Name)})
		}
	}
	st.Alerts = append(st.Alerts, a.keypadAlerts(now)...)
	if err := a.monitorDossiers(ctx, st, now); err != nil {
		return nil, err
	}
	slices.SortStableFunc(st.Alerts, func(x, y Alert) int {
		if x.Severity != y.Severity {
			return strings.Compare(x.Severity, y.Severity) // critical before warning
		}
		return x.Since.Compare(y.Since)
	})
	return st, nil
}

func printerAlerts(id, name string, p DeviceView, now time.Time) []Alert {
	sev := map[string]string{"near_end": "warning", "paper_end": "critical", "cover_open": "critical", "offline": "critical"}[p.State]
	if sev == "" {
		return nil
	}
	return []Alert{{ID: "printer:" + id, Kind: "printer", Severity: sev, Since: now, Title: fmt.Sprintf("%s: %s", name, p.Message)}}
}

// viDuration is "12 phút", "1 giờ 05 phút".
func viDuration(d time.Duration) string {
	m := int(d.Minutes())
	if m < 60 {
		return fmt.Sprintf("%d phút", m)
	}
	return fmt.Sprintf("%d giờ %02d phút", m/60, m%60)
}

type waitingTicket struct {
	id     int64
	number string
	issued time.Time
}

// waitingLists are today's waiting tickets in line order: in each
// service's common queue, and sent to one counter alone.
type waitingLists struct {
	common, counter map[string][]waitingTicket
}

// waitingIDs lists today's waiting tickets, for the monitor's "move
// waiting tickets" and the counters' own lines.
func (a *App) waitingIDs(ctx context.Context) (waitingLists, error) {
	out := waitingLists{common: map[string][]waitingTicket{}, counter: map[string][]waitingTicket{}}
	rows, err := a.DB.R.QueryContext(ctx, `SELECT id, number, service, target_counter, issued_at FROM tickets WHERE day = ? AND state = 'waiting'
		ORDER BY front DESC, queued_at, id`, clock.Day(a.clock.Now()))
	if err != nil {
		return out, fmt.Errorf("monitor: waiting: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var wt waitingTicket
		var s, target string
		var issued int64
		if err := rows.Scan(&wt.id, &wt.number, &s, &target, &issued); err != nil {
			return out, fmt.Errorf("monitor: waiting: %w", err)
		}
		wt.issued = time.UnixMilli(issued).UTC()
		if target != "" {
			out.counter[target] = append(out.counter[target], wt)
		} else {
			out.common[s] = append(out.common[s], wt)
		}
	}
	return out, rows.Err()
}

func counterStateVI(s string) string {
	switch s {
	case "open":
		return "mở"
	case "paused":
		return "tạm nghỉ"
	}
	return "đóng"
}

func (a *App) handleMonitor(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	st, err := a.monitorState(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

type servicesBody struct {
	Services []string `json:"services"`
}

func (a *App) handleSetCounterServices(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var b servicesBody
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	id := r.PathValue("id")
	if err := a.place(p, placeCounter, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	cs, err := a.Engine.SetCounterServices(r.Context(), id, b.Services, queue.Actor{Name: p.Name})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"counter": cs})
}

type moveBody struct {
	Tickets []int64 `json:"tickets"`
	Service string  `json:"service,omitempty"`
	Counter string  `json:"counter,omitempty"`
}

func (a *App) handleMoveTickets(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var b moveBody
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	if len(b.Tickets) == 0 || len(b.Tickets) > 1000 {
		a.writeError(w, r, apperr.New(apperr.Invalid, "tickets-missing", "Hãy chọn vé cần chuyển (tối đa 1.000 vé)", "tickets must list 1 to 1000 ids"))
		return
	}
	ts, err := a.Engine.MoveWaiting(r.Context(), b.Tickets, queue.TransferTo{Service: b.Service, Counter: b.Counter}, queue.Actor{Name: p.Name})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tickets": ts})
}

// screenWatch remembers when each lobby screen was last seen connected: a
// screen never opened since the start raises nothing, one that went dark
// does after the threshold.
type screenWatch struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// state is a screen's device state: on, went dark, or never opened since
// the daemon started (which says nothing about the screen).
func (w *screenWatch) state(id string, clients int, now time.Time) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen == nil {
		w.seen = map[string]time.Time{}
	}
	if clients > 0 {
		w.seen[id] = now
		return "ok"
	}
	if _, ok := w.seen[id]; ok {
		return "offline"
	}
	return "unknown"
}

func (w *screenWatch) offline(id string, clients int, now time.Time, th time.Duration) (bool, time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen == nil {
		w.seen = map[string]time.Time{}
	}
	if clients > 0 {
		w.seen[id] = now
		return false, time.Time{}
	}
	last, ok := w.seen[id]
	if !ok || th <= 0 || now.Sub(last) < th {
		return false, time.Time{}
	}
	return true, last.Add(th)
}

// monitorDossiers lists the dossiers near their due date, overdue, and
// possibly lost, and raises an alert for each overdue or lost one: the
// center no longer warns departments by hand.
func (a *App) monitorDossiers(ctx context.Context, st *MonitorState, now time.Time) error {
	open, err := a.Dossiers.List(ctx, dossier.Filter{State: "open"})
	if err != nil {
		return err
	}
	near, overdue := a.Dossiers.DueOf(open)
	view := func(d dossier.Dossier) monitorDossier {
		p, _ := a.procedure(d.Procedure)
		dep, _ := a.Cfg.Department(d.Department)
		return monitorDossier{Code: d.Code, ProcedureName: p.Name, Department: d.Department, DepartmentName: dep.Name, DueDate: d.DueDate,
			Holder: a.partyVI(d.Holder), HolderSince: d.HolderSince, StateText: capitalize(dossier.StateVI(d.State))}
	}
	md := monitorDossiers{Near: []monitorDossier{}, Overdue: []monitorDossier{}, Lost: []monitorDossier{}, NearDueDays: a.Cfg.Dossier.NearDueDays}
	for _, d := range near {
		md.Near = append(md.Near, view(d))
	}
	today := workday.DateOf(now)
	for _, d := range overdue {
		v := view(d)
		if due, err := time.ParseInLocation("2006-01-02", d.DueDate, clock.Local); err == nil {
			v.DaysLate = a.workingDaysAfter(workday.DateOf(due), today)
		}
		md.Overdue = append(md.Overdue, v)
		st.Alerts = append(st.Alerts, Alert{ID: "dossier:" + d.Code, Kind: "dossier", Severity: "critical", Since: d.DueAt,
			Title: fmt.Sprintf("Hồ sơ %s (%s) quá hạn %d ngày làm việc, đang ở %s", d.Code, v.DepartmentName, v.DaysLate, v.Holder)})
	}
	late := map[string]bool{}
	for _, d := range overdue {
		late[d.Code] = true
	}
	for _, d := range open {
		if !d.PossiblyLost {
			continue
		}
		v := view(d)
		md.Lost = append(md.Lost, v)
		if late[d.Code] {
			continue // one alert a dossier: the overdue one says where it is
		}
		st.Alerts = append(st.Alerts, Alert{ID: "lost:" + d.Code, Kind: "dossier", Severity: "warning", Since: d.HolderSince,
			Title: fmt.Sprintf("Hồ sơ %s có thể thất lạc: ở %s từ %s chưa bàn giao", d.Code, v.Holder, viShort(d.HolderSince))})
	}
	st.Dossiers = md
	return nil
}

// workingDaysAfter counts the working days after from up to and including to.
func (a *App) workingDaysAfter(from, to workday.Date) int {
	n := 0
	cal := a.Dossiers.Calendar()
	for d := from.AddDays(1); !d.After(to) && n < 1000; d = d.AddDays(1) {
		if ok, _ := cal.Working(d); ok {
			n++
		}
	}
	return n
}
