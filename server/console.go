package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/dossier"
	"github.com/motcua/motcua/server/queue"
)

// TicketView is a ticket as the console and the monitor show it: names
// beside ids, and how long it waited and has been served.
type TicketView struct {
	ID            int64      `json:"id"`
	Number        string     `json:"number"`
	Service       string     `json:"service"`
	ServiceName   string     `json:"service_name"`
	Priority      string     `json:"priority,omitempty"`
	PriorityName  string     `json:"priority_name,omitempty"`
	State         string     `json:"state"`
	IssuedAt      time.Time  `json:"issued_at"`
	CalledAt      *time.Time `json:"called_at,omitempty"`
	StartedAt     *time.Time `json:"started_at,omitempty"`
	WaitedS       int        `json:"waited_s"`
	ServedS       int        `json:"served_s"`
	Recalls       int        `json:"recalls"`
	Transfers     int        `json:"transfers"`
	PrintStatus   string     `json:"print_status"`
	TargetCounter string     `json:"target_counter,omitempty"`
	Counter       string     `json:"counter,omitempty"`
}

func (a *App) ticketView(t queue.Ticket, now time.Time) TicketView {
	v := TicketView{ID: t.ID, Number: t.Number, Service: t.Service, Priority: t.Priority, State: string(t.State),
		IssuedAt: t.IssuedAt, CalledAt: t.CalledAt, StartedAt: t.StartedAt, Recalls: t.Recalls, Transfers: t.Transfers,
		PrintStatus: t.PrintStatus, TargetCounter: t.TargetCounter, Counter: t.Counter}
	if s, ok := a.Cfg.Service(t.Service); ok {
		v.ServiceName = s.Name
	}
	for _, p := range a.Cfg.Priorities {
		if p.ID == t.Priority {
			v.PriorityName = p.Name
		}
	}
	waitedTo := now
	if t.State != queue.Waiting && t.CalledAt != nil {
		waitedTo = *t.CalledAt
	}
	v.WaitedS = max(0, int(waitedTo.Sub(t.IssuedAt).Seconds()))
	if t.StartedAt != nil && (t.State == queue.Serving || t.State == queue.Called) {
		v.ServedS = max(0, int(now.Sub(*t.StartedAt).Seconds()))
	}
	return v
}

func (a *App) ticketViews(ts []queue.Ticket, now time.Time, limit int) []TicketView {
	out := make([]TicketView, 0, min(len(ts), limit))
	for i, t := range ts {
		if i == limit {
			break
		}
		out = append(out, a.ticketView(t, now))
	}
	return out
}

// DeviceView is the state of one device at a counter, for the chips on the
// console and the monitor.
type DeviceView struct {
	State   string `json:"state"` // none, ok, offline, and the printer states
	Message string `json:"message"`
	Clients *int   `json:"clients,omitempty"`
}

// counterDevices is the keypad, the screen above the counter and the
// counter's printer, as far as the daemon knows them.
func (a *App) counterDevices(id string) map[string]DeviceView {
	c, _ := a.Cfg.Counter(id)
	out := map[string]DeviceView{}
	if c.Keypad == "" {
		out["keypad"] = DeviceView{State: "none", Message: "Chưa lắp bàn phím đánh giá"}
	} else if st, ok := a.keypadState(id); ok {
		out["keypad"] = st
	} else {
		out["keypad"] = DeviceView{State: "unknown", Message: "Bàn phím đánh giá chưa có trình điều khiển (đường dây không mở được)"}
	}
	n := a.Hub.ScreenClients("counter:" + id)
	switch a.screens.state("counter:"+id, n, a.clock.Now()) {
	case "ok":
		out["screen"] = DeviceView{State: "ok", Message: "Màn hình quầy đang hiển thị", Clients: &n}
	case "offline":
		out["screen"] = DeviceView{State: "offline", Message: "Màn hình quầy mất kết nối", Clients: &n}
	default:
		out["screen"] = DeviceView{State: "unknown", Message: "Màn hình quầy chưa mở từ khi khởi động", Clients: &n}
	}
	if c.Printer == "" {
		out["printer"] = DeviceView{State: "none", Message: "Quầy không có máy in"}
	} else {
		st := a.PrinterStates()[id]
		if st.State == "" {
			st = PrinterState{State: "unknown", Message: "Chưa đọc được trạng thái máy in"}
		}
		if st.State == "ok" && st.Message == "" {
			st.Message = "Máy in sẵn sàng"
		}
		out["printer"] = DeviceView{State: st.State, Message: st.Message}
	}
	return out
}

type consoleService struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Waiting int    `json:"waiting"`
}

type consoleCounter struct {
	ID       string           `json:"id"`
	Number   int              `json:"number"`
	Name     string           `json:"name"`
	State    string           `json:"state"`
	Reason   string           `json:"reason"`
	General  bool             `json:"general"`
	Official string           `json:"official"`
	Services []consoleService `json:"services"`
}

type consoleRating struct {
	Armed  bool       `json:"armed"`
	Ticket string     `json:"ticket,omitempty"`
	Until  *time.Time `json:"until,omitempty"`
}

type targetCounter struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	Name   string `json:"name"`
	State  string `json:"state"`
}

type targetOfficial struct {
	Username      string `json:"username"`
	Name          string `json:"name"`
	Counter       string `json:"counter"`
	CounterNumber int    `json:"counter_number"`
}

type nameID struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ConsoleState is everything one counter's console shows, sent whole on
// each change (a few KB): the page never has to piece state together.
type ConsoleState struct {
	Now           time.Time             `json:"now"`
	Me            map[string]string     `json:"me"`
	Counter       consoleCounter        `json:"counter"`
	Current       *TicketView           `json:"current"`
	Queue         []TicketView          `json:"queue"`
	QueueTotal    int                   `json:"queue_total"`
	Held          []TicketView          `json:"held"`
	PrintProblems []TicketView          `json:"print_problems"`
	Rating        consoleRating         `json:"rating"`
	LastRating    *queue.Rating         `json:"last_rating"`
	RatingLevels  []queue.RatingLevel   `json:"rating_levels"`
	Devices       map[string]DeviceView `json:"devices"`
	Today         queue.CounterDay      `json:"today"`
	MayCallAny    bool                  `json:"may_call_specific"`
	Procedures    []consoleProcedure    `json:"procedures"`
	Dossiers      []consoleDossier      `json:"dossiers"`
	Targets       struct {
		Services  []nameID         `json:"services"`
		Counters  []targetCounter  `json:"counters"`
		Officials []targetOfficial `json:"officials"`
	} `json:"targets"`
}

const consoleQueueMax = 50

func (a *App) consoleState(ctx context.Context, id string, p *auth.Principal) (*ConsoleState, error) {
	now := a.clock.Now()
	// every counter once: this one, and the others as transfer targets
	all, err := a.Engine.Counters(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(c queue.CounterStatus) bool { return c.ID == id })
	if i < 0 {
		return nil, placeErrors[placeCounter].notFound(id)
	}
	cs := all[i]
	st := &ConsoleState{Now: now, Me: map[string]string{"name": p.Name, "username": p.Username, "role": p.Role},
		MayCallAny:   p.Is(auth.RoleSupervisor) || a.Cfg.Queue.OfficialsMayCallSpecific,
		RatingLevels: queue.RatingLevels(a.Cfg.Queue.RatingLevels), Devices: a.counterDevices(id)}
	st.Counter = consoleCounter{ID: cs.ID, Number: cs.Number, Name: cs.Name, State: cs.State, Reason: cs.Reason, General: cs.General, Official: cs.Official}
	svcs, err := a.Engine.Services(ctx)
	if err != nil {
		return nil, err
	}
	waiting := map[string]int{}
	for _, s := range svcs {
		waiting[s.ID] = s.Waiting
		st.Targets.Services = append(st.Targets.Services, nameID{s.ID, s.Name})
	}
	for _, s := range cs.Services {
		sv, _ := a.Cfg.Service(s)
		st.Counter.Services = append(st.Counter.Services, consoleService{ID: s, Name: sv.Name, Waiting: waiting[s]})
	}
	if cs.CurrentTicket != nil {
		v := a.ticketView(*cs.CurrentTicket, now)
		st.Current = &v
	}
	q, err := a.Engine.CounterQueue(ctx, id)
	if err != nil {
		return nil, err
	}
	st.Queue, st.QueueTotal = a.ticketViews(q, now, consoleQueueMax), len(q)
	held, err := a.Engine.Held(ctx, id)
	if err != nil {
		return nil, err
	}
	st.Held = a.ticketViews(held, now, consoleQueueMax)
	probs, err := a.Engine.PrintProblems(ctx)
	if err != nil {
		return nil, err
	}
	st.PrintProblems = []TicketView{}
	for _, t := range probs {
		if slices.Contains(cs.Services, t.Service) || t.TargetCounter == id || t.Counter == id {
			st.PrintProblems = append(st.PrintProblems, a.ticketView(t, now))
		}
	}
	armed, until, err := a.Engine.Armed(ctx, id)
	if err != nil {
		return nil, err
	}
	if armed != nil {
		st.Rating = consoleRating{Armed: true, Ticket: armed.Number, Until: &until}
	}
	if st.LastRating, err = a.Engine.LastRating(ctx, id); err != nil {
		return nil, err
	}
	days, err := a.Engine.CounterDays(ctx)
	if err != nil {
		return nil, err
	}
	st.Today = days[id]
	number := map[string]int{}
	for _, c := range all {
		number[c.ID] = c.Number
		if c.ID != id {
			st.Targets.Counters = append(st.Targets.Counters, targetCounter{c.ID, c.Number, c.Name, c.State})
		}
	}
	st.Procedures = a.consoleProcedures(st.Current)
	if st.Dossiers, err = a.counterDossiers(ctx, id, now); err != nil {
		return nil, err
	}
	offs, err := auth.ActiveOfficials(ctx, a.DB, now)
	if err != nil {
		return nil, err
	}
	st.Targets.Officials = []targetOfficial{}
	for _, o := range offs {
		if o.Counter != id {
			st.Targets.Officials = append(st.Targets.Officials, targetOfficial{o.Username, o.Name, o.Counter, number[o.Counter]})
		}
	}
	return st, nil
}

func (a *App) handleConsole(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("counter")
	if err := a.place(p, placeCounter, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	st, err := a.consoleState(r.Context(), id, p)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// officialCounter is the counter where username is signed in now: a
// transfer "to an official" goes to their counter.
func (a *App) officialCounter(ctx context.Context, username string) (string, error) {
	offs, err := auth.ActiveOfficials(ctx, a.DB, a.clock.Now())
	if err != nil {
		return "", err
	}
	for _, o := range offs {
		if o.Username == username {
			return o.Counter, nil
		}
	}
	return "", apperr.New(apperr.Conflict, "official-away", fmt.Sprintf("Cán bộ %s hiện không làm việc ở quầy nào", username), "official %s is not signed in at a counter", username)
}

type consoleProcedure struct {
	Code           string   `json:"code"`
	Name           string   `json:"name"`
	Department     string   `json:"department"`
	DepartmentName string   `json:"department_name"`
	Service        string   `json:"service"`
	Amount         int      `json:"amount"`
	UnitText       string   `json:"unit_text"`
	Fees           string   `json:"fees"`
	Documents      []string `json:"documents"`
	ForTicket      bool     `json:"for_ticket,omitempty"`
}

type consoleDossier struct {
	Code            string    `json:"code"`
	ProcedureName   string    `json:"procedure_name"`
	ApplicantMasked string    `json:"applicant_masked"`
	ReceivedAt      time.Time `json:"received_at"`
	DueDate         string    `json:"due_date"`
	StateText       string    `json:"state_text"`
	A5URL           string    `json:"a5_url"`
	ControlURL      string    `json:"control_sheet_url"`
	TrackURL        string    `json:"track_url"`
}

// consoleProcedures is the catalogue, the current ticket's service first.
func (a *App) consoleProcedures(cur *TicketView) []consoleProcedure {
	var first, rest []consoleProcedure
	for _, p := range a.Cfg.Procedures {
		v := a.procedureView(p.Code)
		cp := consoleProcedure{Code: p.Code, Name: p.Name, Department: p.Department, DepartmentName: v.DepartmentName, Service: p.Service,
			Amount: v.Amount, UnitText: v.UnitText, Fees: v.Fees, Documents: p.Documents}
		if cp.Documents == nil {
			cp.Documents = []string{}
		}
		if cur != nil && p.Service == cur.Service {
			cp.ForTicket = true
			first = append(first, cp)
		} else {
			rest = append(rest, cp)
		}
	}
	return append(append([]consoleProcedure{}, first...), rest...)
}

// counterDossiers are the dossiers received at the counter today.
func (a *App) counterDossiers(ctx context.Context, counter string, now time.Time) ([]consoleDossier, error) {
	l := now.In(clock.Local)
	midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, clock.Local)
	ds, err := a.Dossiers.List(ctx, dossier.Filter{Counter: counter, Since: midnight, Limit: 50, Newest: true})
	if err != nil {
		return nil, err
	}
	out := []consoleDossier{}
	for _, d := range ds {
		p, _ := a.procedure(d.Procedure)
		out = append(out, consoleDossier{Code: d.Code, ProcedureName: p.Name, ApplicantMasked: maskName(d.Applicant.Name), ReceivedAt: d.ReceivedAt,
			DueDate: d.DueDate, StateText: capitalize(dossier.StateVI(d.State)), A5URL: "/ho-so/" + d.Code + "/giay-tiep-nhan",
			ControlURL: "/ho-so/" + d.Code + "/phieu-kiem-soat", TrackURL: a.trackURL(d)})
	}
	return out, nil
}
