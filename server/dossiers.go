package server

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/dossier"
	"github.com/motcua/motcua/server/queue"
	"github.com/motcua/motcua/server/workday"
)

// The dossiers' HTTP side: receiving at the counter (with the receipt on
// the counter's printer), steps, the calendar, the print views for a laser
// printer, and the public tracker behind the receipt's QR.

type receiveBody struct {
	dossier.ReceiveRequest
	// Outcome is receive (default), supplement or refusal: an incomplete
	// dossier gets a slip instead of a code, and no clock.
	Outcome string   `json:"outcome,omitempty"`
	Reason  string   `json:"reason,omitempty"`
	Missing []string `json:"missing,omitempty"`
}

func (a *App) trackURL(d dossier.Dossier) string {
	return a.PublicURL() + "/hs/" + d.Code + "?k=" + d.Token
}

func (a *App) handleReceiveDossier(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var b receiveBody
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	if b.Counter == "" && p.Role == auth.RoleOfficial {
		b.Counter = p.Place
	}
	if b.Counter != "" {
		if err := a.place(p, placeCounter, b.Counter); err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	ctx := r.Context()
	switch b.Outcome {
	case "", "receive":
	case "supplement", "refusal":
		key, err := idemKey(r, p)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		sl, err := a.Dossiers.AddSlip(ctx, dossier.SlipRequest{Kind: b.Outcome, Ticket: b.Ticket, Counter: b.Counter, Procedure: b.Procedure,
			Applicant: b.Applicant, Reason: b.Reason, Missing: b.Missing, Key: key}, p.Name)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"slip": sl, "print_url": fmt.Sprintf("/ho-so/phieu/%d", sl.ID)})
		return
	default:
		a.writeError(w, r, apperr.New(apperr.Invalid, "outcome", "Kết quả tiếp nhận không hợp lệ", "outcome must be receive, supplement or refusal"))
		return
	}
	if b.Ticket > 0 {
		// the dossier of the citizen being served here, not of another ticket
		tk, err := a.Engine.Ticket(ctx, b.Ticket)
		if err == nil && b.Counter != "" && tk.Counter != b.Counter {
			err = apperr.New(apperr.Conflict, "ticket-elsewhere", fmt.Sprintf("Vé %s không được phục vụ ở quầy này", tk.Number), "ticket %d is at counter %q", tk.ID, tk.Counter)
		}
		if err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	key, err := idemKey(r, p)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	b.Key = key
	d, err := a.Dossiers.Receive(ctx, b.ReceiveRequest, p.Name)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	res := printResult{Status: "none"}
	switch {
	case d.Replayed:
		w.Header().Set("Idempotent-Replayed", "true") // printed the first time: never twice
		res = printResult{Status: "replayed"}
	case d.Counter != "":
		res = a.printReceipt(ctx, d)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"code": d.Code, "received_at": d.ReceivedAt, "due_date": d.DueDate, "due_at": d.DueAt,
		"track_url": a.trackURL(d), "receipt": map[string]any{"print": res, "a5_url": "/ho-so/" + d.Code + "/giay-tiep-nhan"},
		"control_sheet_url": "/ho-so/" + d.Code + "/phieu-kiem-soat"})
}

// printReceipt prints the thermal receipt on the counter's printer.
func (a *App) printReceipt(ctx context.Context, d dossier.Dossier) printResult {
	p, prof := a.printerOf(d.Counter)
	if p == nil {
		return printResult{Status: "none"}
	}
	proc, _ := a.procedure(d.Procedure)
	c, _ := a.Cfg.Counter(d.Counter)
	doc := printer.Receipt{Center: a.Cfg.Center.Name, Code: d.Code, Procedure: proc.Name, Applicant: d.Applicant.Name,
		ReceivedAt: d.ReceivedAt.In(clock.Local), DueAt: d.DueAt.In(clock.Local), Channel: channelVI(d.ReturnChannel, c.Number),
		Official: officialName(d.Official), Counter: c.Number, Hotline: a.Cfg.Dossier.Hotline, TrackURL: a.trackURL(d)}
	data, err := printer.Encode(doc, prof)
	if err == nil {
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		err = p.Print(pctx, printer.Job{ID: "receipt-" + strconv.FormatInt(d.ID, 10), Data: data})
		cancel()
	}
	if err != nil {
		a.log.Warn("receipt print failed", "component", "printer", "device", d.Counter, "dossier", d.Code, "err", err)
		return printResult{Status: printOutcome(err), Error: printErrorVI(err)}
	}
	go a.refreshPrinter(context.WithoutCancel(ctx), d.Counter)
	return printResult{Status: "printed"}
}

// officialName drops the "(username)" the log keeps.
func officialName(s string) string {
	if i := strings.LastIndex(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		return s[:i]
	}
	return s
}

func channelVI(ch string, counter int) string {
	switch ch {
	case "post":
		return "Qua dịch vụ bưu chính công ích"
	case "online":
		return "Trực tuyến"
	}
	if counter > 0 {
		return fmt.Sprintf("Tại Trung tâm (quầy số %d)", counter)
	}
	return "Tại Trung tâm"
}

func (a *App) handleDossier(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	d, err := a.Dossiers.Get(r.Context(), r.PathValue("code"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"dossier": d, "track_url": a.trackURL(d)})
}

func (a *App) handleDossiers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	f := dossier.Filter{State: q.Get("state"), DueBefore: q.Get("due_before"), Department: q.Get("department")}
	if p.Department != "" && !p.Is(auth.RoleSupervisor) {
		f.Department = p.Department // a department's staff see its dossiers
	}
	if f.DueBefore != "" {
		if _, err := workday.ParseDate(f.DueBefore); err != nil {
			a.writeError(w, r, apperr.New(apperr.Invalid, "bad-query", "Tham số không hợp lệ", "due_before must be YYYY-MM-DD"))
			return
		}
	}
	ds, err := a.Dossiers.List(r.Context(), f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"dossiers": ds})
}

func (a *App) handleDossierStep(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var b dossier.StepRequest
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	d, err := a.Dossiers.AddStep(r.Context(), r.PathValue("code"), b, p.Name)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"dossier": d})
}

func (a *App) handleAppointment(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	q := r.URL.Query()
	at, err := time.Parse(time.RFC3339, q.Get("received_at"))
	unit := workday.WorkingDays
	n, err2 := strconv.Atoi(q.Get("working_days"))
	if q.Get("working_hours") != "" {
		unit = workday.WorkingHours
		n, err2 = strconv.Atoi(q.Get("working_hours"))
	}
	if err != nil || err2 != nil || n < 0 || n > 366 {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-query", "Tham số không hợp lệ", "received_at=RFC3339 and working_days (or working_hours) = 0…366"))
		return
	}
	due := a.Dossiers.Calendar().Appointment(at, n, unit)
	skipped := []map[string]string{}
	for _, d := range due.Skipped {
		skipped = append(skipped, map[string]string{"date": d.Date.String(), "reason": d.Reason})
	}
	writeJSON(w, http.StatusOK, map[string]any{"due_date": due.Date.String(), "due_at": due.At, "skipped": skipped})
}

func (a *App) handleCalendarDays(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || y < 1900 || y > 2199 {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-query", "Năm không hợp lệ", "year must be 1900…2199"))
		return
	}
	days := []map[string]any{}
	for _, d := range a.Dossiers.Calendar().Year(y) {
		days = append(days, map[string]any{"date": d.Date.String(), "working": d.Working, "reason": d.Reason})
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": y, "days": days})
}

// --- pages ---

// qrSVG draws s as an inline SVG QR code.
func qrSVG(s string) template.HTML {
	q, err := qrcode.New(s, qrcode.Medium)
	if err != nil {
		return ""
	}
	q.DisableBorder = false
	bm := q.Bitmap()
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR"><rect width="100%%" height="100%%" fill="#fff"/><path fill="#000" d="`, len(bm), len(bm))
	for y, row := range bm {
		for x, on := range row {
			if on {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String())
}

//go:embed web/dossier/*.html
var dossierFS embed.FS

var dossierPages = template.Must(template.ParseFS(dossierFS, "web/dossier/*.html"))

func (a *App) renderDossierPage(w http.ResponseWriter, r *http.Request, name string, data map[string]any) {
	data["CSS"] = staffAssets.URL("forms.css")
	data["JS"] = staffAssets.URL("forms.js")
	csp := "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
	if err := writePage(w, dossierPages, name, http.StatusOK, csp, data); err != nil {
		a.writeError(w, r, err)
	}
}

// handleDossierPrint serves the A5 print views of a dossier to staff.
func (a *App) handleDossierPrint(w http.ResponseWriter, r *http.Request) {
	if a.staffPrincipal(w, r, officialUp...) == nil {
		return
	}
	d, err := a.Dossiers.Get(r.Context(), r.PathValue("code"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	v := a.dossierView(d, false)
	switch r.PathValue("form") {
	case "giay-tiep-nhan":
		a.renderDossierPage(w, r, "receipt.html", map[string]any{"D": v})
	case "phieu-kiem-soat":
		a.renderDossierPage(w, r, "control-sheet.html", map[string]any{"D": v, "HandoverQR": qrSVG(a.PublicURL() + "/ban-giao/" + d.Code)})
	case "phieu-xin-loi":
		if d.Apology == nil {
			a.writeError(w, r, apperr.New(apperr.NotFound, "no-apology", "Hồ sơ này chưa có phiếu xin lỗi", "no apology"))
			return
		}
		a.renderDossierPage(w, r, "apology.html", map[string]any{"D": v})
	default:
		a.writeError(w, r, apperr.New(apperr.NotFound, "no-such-form", "Không có mẫu phiếu này", "unknown form"))
	}
}

func (a *App) handleSlipPrint(w http.ResponseWriter, r *http.Request) {
	if a.staffPrincipal(w, r, officialUp...) == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-id", "Số phiếu không hợp lệ", "id"))
		return
	}
	sl, err := a.Dossiers.Slip(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.renderDossierPage(w, r, "slip.html", map[string]any{"S": a.slipView(sl)})
}

// handleTracker is /hs/{code}?k=: the receipt's QR, public, no name.
func (a *App) handleTracker(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{"CSS": ticketAssets.URL("tracker.css"), "Center": a.Cfg.Center.Name}
	d, err := a.Dossiers.Public(r.Context(), r.PathValue("code"), r.URL.Query().Get("k"))
	status := http.StatusOK
	if e, ok := apperr.As(err); ok && e.Code == apperr.NotFound {
		data["NotFound"], status = true, http.StatusNotFound
	} else if err != nil {
		a.writeError(w, r, err)
		return
	} else {
		data["D"] = a.dossierView(d, true)
		data["Token"] = d.Token
		levels := queue.RatingLevels(a.Cfg.Queue.RatingLevels)
		data["Levels"] = levels
		data["CanRate"] = d.State == dossier.Returned && d.CitizenRating == 0
		if d.CitizenRating > 0 && d.CitizenRating <= len(levels) {
			data["Rated"] = levels[d.CitizenRating-1].Label
		}
	}
	a.renderPublic(w, status, "tracker.html", data)
}

func (a *App) renderPublic(w http.ResponseWriter, status int, name string, data map[string]any) {
	w.Header().Set("Referrer-Policy", "no-referrer") // the token stays out of other sites' logs
	if err := writePage(w, pages, name, status, "default-src 'self'; style-src 'self'; frame-ancestors 'none'", data); err != nil {
		http.Error(w, "template error", http.StatusInternalServerError)
	}
}

// handleLookup is /tra-cuu: a code's progress and nothing more, throttled
// per address against enumeration.
func (a *App) handleLookup(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{"CSS": ticketAssets.URL("tracker.css"), "Center": a.Cfg.Center.Name}
	code := strings.TrimSpace(r.URL.Query().Get("ma"))
	data["Query"] = code
	status := http.StatusOK
	if code != "" {
		key := "lookup:" + clientIP(r)
		if a.limiter.blocked(key) > 0 {
			data["Throttled"], status = true, http.StatusTooManyRequests
		} else if d, err := a.Dossiers.Get(r.Context(), code); err == nil {
			v := a.dossierView(d, true)
			v.Masked, v.Applicant = "", ApplicantView{}
			data["Found"], data["D"] = true, v
		} else if e, ok := apperr.As(err); ok && e.Code == apperr.NotFound {
			a.limiter.fail(key) // only misses count: a citizen with a right code is never blocked
			status = http.StatusNotFound
		} else {
			a.writeError(w, r, err)
			return
		}
	}
	a.renderPublic(w, status, "tracuu.html", data)
}

func (a *App) handlePublicDossier(w http.ResponseWriter, r *http.Request) {
	d, err := a.Dossiers.Public(r.Context(), r.PathValue("code"), r.URL.Query().Get("k"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	v := a.dossierView(d, true)
	writeJSON(w, http.StatusOK, map[string]any{"code": v.Code, "procedure": v.Procedure.Name, "department": v.Procedure.DepartmentName,
		"applicant": v.Masked, "received_date": v.ReceivedDate, "due_date": v.DueDate, "state": v.StateText, "timeliness": v.Timeliness,
		"steps": v.Steps, "apology": v.Apology, "collect": v.CollectText})
}

// calendarHours are the office hours from the configuration (validated
// with it).
func (a *App) calendarHours() (workday.Hours, error) {
	h := workday.DefaultHours()
	if m, af, err := a.Cfg.Dossier.Hours.Sessions(); err == nil {
		h.Morning, h.Afternoon = m, af
	}
	if err := h.Validate(); err != nil {
		return h, fmt.Errorf("dossier hours: %w", err)
	}
	return h, nil
}

// The hand-over screen: the control sheet's QR opens it on a phone (or a
// USB scanner types its URL), a signed-in official picks who receives the
// paper dossier, and the step is recorded under their name. A plain form,
// so it works on any phone without script.

func (a *App) handleHandoverPage(w http.ResponseWriter, r *http.Request) {
	p := a.staffPrincipal(w, r, officialUp...)
	if p == nil {
		return
	}
	a.renderHandover(w, r, p, "", "")
}

func (a *App) renderHandover(w http.ResponseWriter, r *http.Request, p *auth.Principal, done, failed string) {
	d, err := a.Dossiers.Get(r.Context(), r.PathValue("code"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	type opt struct{ Value, Label string }
	opts := []opt{{"center", a.Cfg.Center.Name}}
	for _, dep := range a.Cfg.Departments {
		opts = append(opts, opt{"department:" + dep.ID, dep.Name})
	}
	opts = append(opts, opt{"post", "Bưu chính công ích"})
	render(w, "handover.html", map[string]any{"D": a.dossierView(d, false), "Holder": d.Holder, "Options": opts, "CSRF": p.CSRF,
		"Me": p.Name, "Done": done, "Failed": failed, "CSS": staffAssets.URL("staff.css"), "Returned": d.State == dossier.Returned,
		"State": d.State, "HasApology": d.Apology != nil})
}

func (a *App) handleHandoverForm(w http.ResponseWriter, r *http.Request) {
	p := a.staffPrincipal(w, r, officialUp...)
	if p == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8192)
	if err := r.ParseForm(); err != nil || !auth.Equal(r.PostForm.Get("csrf"), p.CSRF) {
		a.writeError(w, r, errCSRF)
		return
	}
	f := r.PostForm
	step := dossier.StepRequest{Type: f.Get("type"), To: f.Get("to"), How: f.Get("how"), Waybill: f.Get("waybill"), Note: f.Get("note"),
		Deadline: f.Get("deadline"), NewDue: f.Get("new_due_date")}
	switch step.Type {
	case "":
		step.Type = dossier.StepHandover
	case dossier.StepConsult:
		step.To = "consulted:" + strings.TrimSpace(f.Get("agency"))
	case dossier.StepConsultReply:
		step.From, step.To = "consulted:"+strings.TrimSpace(f.Get("agency")), ""
	}
	_, err := a.Dossiers.AddStep(r.Context(), r.PathValue("code"), step, p.Name)
	if err != nil {
		title := "Không ghi được bàn giao"
		if e, ok := apperr.As(err); ok {
			title = e.Title
		} else {
			a.log.Error("handover", "err", err)
		}
		a.renderHandover(w, r, p, "", title)
		return
	}
	done := "Đã ghi nhận: " + stepVI[step.Type]
	if step.Type == dossier.StepHandover {
		done = "Đã ghi nhận bàn giao cho " + a.partyVI(step.To)
	}
	a.renderHandover(w, r, p, done, "")
}

// handlePublicRating: after the return, the applicant rates the handling
// of their dossier online, once (JSON).
func (a *App) handlePublicRating(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Level int `json:"level"`
	}
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.Dossiers.RateByCitizen(r.Context(), r.PathValue("code"), r.URL.Query().Get("k"), b.Level, a.Cfg.Queue.RatingLevels); err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rated": true})
}

// handleTrackerRating is the tracker page's form: no script, so it works in
// any in-app browser; the answer is the page again.
func (a *App) handleTrackerRating(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1024)
	if err := r.ParseForm(); err != nil {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-form", "Dữ liệu không hợp lệ", "%v", err))
		return
	}
	code, token := r.PathValue("code"), r.URL.Query().Get("k")
	level, _ := strconv.Atoi(r.PostForm.Get("level"))
	if err := a.Dossiers.RateByCitizen(r.Context(), code, token, level, a.Cfg.Queue.RatingLevels); err != nil {
		if e, ok := apperr.As(err); !ok || e.Code == apperr.Internal {
			a.writeError(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/hs/"+url.PathEscape(code)+"?k="+url.QueryEscape(token), http.StatusSeeOther)
}

// digestDept is one department's part of the daily digest.
type digestDept struct {
	Department, Name string
	Overdue, Near    []monitorDossier
	Lost             []monitorDossier
}

// digest groups the monitor's dossier lists by department: what the center
// used to phone through by hand each morning.
func (a *App) digest(st *MonitorState, only string) []digestDept {
	by := map[string]*digestDept{}
	var order []string
	get := func(d monitorDossier) *digestDept {
		if by[d.Department] == nil {
			by[d.Department] = &digestDept{Department: d.Department, Name: d.DepartmentName}
			order = append(order, d.Department)
		}
		return by[d.Department]
	}
	for _, d := range st.Dossiers.Overdue {
		g := get(d)
		g.Overdue = append(g.Overdue, d)
	}
	for _, d := range st.Dossiers.Near {
		g := get(d)
		g.Near = append(g.Near, d)
	}
	for _, d := range st.Dossiers.Lost {
		g := get(d)
		g.Lost = append(g.Lost, d)
	}
	var out []digestDept
	for _, id := range a.Cfg.Departments {
		if g := by[id.ID]; g != nil && (only == "" || only == id.ID) {
			out = append(out, *g)
		}
	}
	return out
}

// digestText is the digest as the message a department receives.
func (a *App) digestText(day time.Time, ds []digestDept) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — tình hình giải quyết hồ sơ, %s.\n", a.Cfg.Center.Name, viDate(day))
	if len(ds) == 0 {
		b.WriteString("Không có hồ sơ quá hạn, sắp đến hạn hoặc chậm bàn giao.\n")
	}
	line := func(d monitorDossier) string {
		s := fmt.Sprintf("  - %s: %s, hẹn trả %s, đang ở %s", d.Code, d.ProcedureName, ddmmyyyy(d.DueDate), d.Holder)
		if d.DaysLate > 0 {
			s += fmt.Sprintf(", quá hạn %d ngày làm việc", d.DaysLate)
		}
		return s + "\n"
	}
	for _, g := range ds {
		fmt.Fprintf(&b, "\n%s: %d hồ sơ quá hạn, %d hồ sơ sắp đến hạn, %d hồ sơ có thể thất lạc.\n", g.Name, len(g.Overdue), len(g.Near), len(g.Lost))
		for _, sec := range []struct {
			title string
			ds    []monitorDossier
		}{{"Quá hạn", g.Overdue}, {"Sắp đến hạn", g.Near}, {"Có thể thất lạc (chưa bàn giao)", g.Lost}} {
			if len(sec.ds) == 0 {
				continue
			}
			b.WriteString(sec.title + ":\n")
			for _, d := range sec.ds {
				b.WriteString(line(d))
			}
		}
	}
	return b.String()
}

// handleDigest is the daily digest (supervisor+): JSON by department, or
// with format=text the message to send each department.
func (a *App) handleDigest(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	st := &MonitorState{}
	if err := a.monitorDossiers(r.Context(), st, a.clock.Now()); err != nil {
		a.writeError(w, r, err)
		return
	}
	only := r.URL.Query().Get("department")
	if p.Department != "" && !p.Is(auth.RoleSupervisor) {
		only = p.Department
	}
	ds := a.digest(st, only)
	if r.URL.Query().Get("format") == "text" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(a.digestText(a.clock.Now(), ds)))
		return
	}
	if ds == nil {
		ds = []digestDept{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"date": workday.DateOf(a.clock.Now()).String(), "departments": ds})
}

// handleProceduresPage is the procedure catalogue for staff: what each
// procedure needs and how long it takes, as the configuration defines it.
func (a *App) handleProceduresPage(w http.ResponseWriter, r *http.Request) {
	if a.staffPrincipal(w, r, officialUp...) == nil {
		return
	}
	var ps []ProcedureView
	for _, p := range a.Cfg.Procedures {
		ps = append(ps, a.procedureView(p.Code))
	}
	render(w, "procedures.html", map[string]any{"Center": a.Cfg.Center.Name, "Procedures": ps, "CSS": staffAssets.URL("staff.css")})
}

// The calendar's overrides edited while running: the Government announces
// the year's Tết days and swaps during the year. The admin's list is kept in
// the settings table and wins over the configuration's on the same date.

const overridesKey = "calendar.overrides"

type overrideJSON struct {
	Date    string `json:"date"`
	Working bool   `json:"working"`
	Reason  string `json:"reason"`
	Source  string `json:"source,omitempty"` // config or admin
}

func (a *App) adminOverrides(ctx context.Context) ([]overrideJSON, error) {
	var v string
	err := a.DB.R.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", overridesKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("calendar overrides: %w", err)
	}
	var out []overrideJSON
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, fmt.Errorf("calendar overrides: %w", err)
	}
	return out, nil
}

// applyOverrides gives the dossier store the configuration's overrides with
// the admin's on top.
func (a *App) applyOverrides(ctx context.Context) error {
	all, err := a.allOverrides(ctx)
	if err != nil {
		return err
	}
	a.Dossiers.SetOverrides(all)
	return nil
}

// allOverrides are the configuration's overrides, then the admin's: a later
// override of a date wins.
func (a *App) allOverrides(ctx context.Context) ([]workday.Override, error) {
	extra, err := a.adminOverrides(ctx)
	if err != nil {
		return nil, err
	}
	var out []workday.Override
	add := func(date string, working bool, reason string) error {
		d, err := workday.ParseDate(date)
		if err == nil {
			out = append(out, workday.Override{Date: d, Working: working, Reason: reason})
		}
		return err
	}
	for _, o := range a.Cfg.Dossier.Overrides {
		if err := add(o.Date, o.Working, o.Reason); err != nil {
			return nil, fmt.Errorf("dossier override: %w", err)
		}
	}
	for _, o := range extra {
		add(o.Date, o.Working, o.Reason) // checked when they were saved
	}
	return out, nil
}

func (a *App) handleGetOverrides(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	out := []overrideJSON{}
	for _, o := range a.Cfg.Dossier.Overrides {
		out = append(out, overrideJSON{Date: o.Date, Working: o.Working, Reason: o.Reason, Source: "config"})
	}
	extra, err := a.adminOverrides(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	for _, o := range extra {
		o.Source = "admin"
		out = append(out, o)
	}
	writeJSON(w, http.StatusOK, map[string]any{"overrides": out})
}

func (a *App) handlePutOverrides(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var b struct {
		Overrides []overrideJSON `json:"overrides"`
	}
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	seen := map[string]bool{}
	for i := range b.Overrides {
		o := &b.Overrides[i]
		o.Source, o.Reason = "", strings.TrimSpace(o.Reason)
		if _, err := workday.ParseDate(o.Date); err != nil || seen[o.Date] {
			a.writeError(w, r, apperr.New(apperr.Invalid, "override-date", "Ngày không hợp lệ hoặc bị lặp: "+o.Date, "date must be YYYY-MM-DD, once"))
			return
		}
		if o.Reason == "" || len(o.Reason) > 300 {
			a.writeError(w, r, apperr.New(apperr.Invalid, "override-reason", "Hãy ghi lý do (căn cứ thông báo) cho ngày "+ddmmyyyy(o.Date), "reason required, at most 300 bytes"))
			return
		}
		seen[o.Date] = true
	}
	if len(b.Overrides) > 400 {
		a.writeError(w, r, apperr.New(apperr.Invalid, "override-count", "Quá nhiều ngày", "at most 400 overrides"))
		return
	}
	v, _ := json.Marshal(b.Overrides)
	if _, err := a.DB.W.ExecContext(r.Context(), `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?,?,?,?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		overridesKey, string(v), a.clock.Now().UnixMilli(), p.Name); err != nil {
		a.writeError(w, r, fmt.Errorf("calendar overrides: %w", err))
		return
	}
	if err := a.applyOverrides(r.Context()); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.log.Info("calendar overrides changed", "component", "calendar", "count", len(b.Overrides), "by", p.Name)
	a.handleGetOverrides(w, r, p)
}

// procedureJSON is a procedure of the catalogue as shared/API.md lists it
// (id is the mã TTHC), with the rest of its definition.
type procedureJSON struct {
	ID              string   `json:"id"`
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Service         string   `json:"service"`
	Department      string   `json:"department"`
	DepartmentName  string   `json:"department_name"`
	Field           string   `json:"field,omitempty"`
	ProcessingDays  int      `json:"processing_days"`
	ProcessingHours int      `json:"processing_hours,omitempty"`
	SameDay         bool     `json:"same_day,omitempty"`
	Fees            string   `json:"fees"`
	Documents       []string `json:"documents"`
	OnlineLevel     int      `json:"online_level,omitempty"`
}

func (a *App) handleProcedures(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	out := make([]procedureJSON, 0, len(a.Cfg.Procedures))
	for _, p := range a.Cfg.Procedures {
		v := a.procedureView(p.Code)
		docs := p.Documents
		if docs == nil {
			docs = []string{}
		}
		out = append(out, procedureJSON{ID: p.Code, Code: p.Code, Name: p.Name, Service: p.Service, Department: p.Department,
			DepartmentName: v.DepartmentName, Field: p.Field, ProcessingDays: p.ProcessingDays, ProcessingHours: p.ProcessingHours,
			SameDay: p.SameDay, Fees: v.Fees, Documents: docs, OnlineLevel: p.OnlineLevel})
	}
	writeJSON(w, http.StatusOK, out)
}
