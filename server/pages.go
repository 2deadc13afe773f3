package server

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/display"
	"github.com/motcua/motcua/kiosk"
	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/queue"
	"github.com/motcua/motcua/server/report"
)

//go:embed web/*.html web/openapi.json
var webFS embed.FS

var pages = template.Must(template.New("").Funcs(pageFuncs).ParseFS(webFS, "web/*.html"))

// pageFuncs are the pages' helpers: the report page's units.
var pageFuncs = template.FuncMap{
	"minutes": func(s float64) float64 { return s / 60 },
	"percent": report.Percent,
}

// writePage draws template name of t whole, then sends it with status and
// the page's content security policy. Drawn first: a template error is an
// error to answer, not half a page, and a client gone mid-write is not
// mistaken for one. Nothing is written when it fails.
func writePage(w http.ResponseWriter, t *template.Template, name string, status int, csp string, data any) error {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("page %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", csp)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// render draws a staff or device page of web/*.html.
func render(w http.ResponseWriter, name string, data any) {
	if err := writePage(w, pages, name, http.StatusOK, "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'", data); err != nil {
		http.Error(w, "template error", http.StatusInternalServerError)
	}
}

type counterRow struct {
	config.Counter
	ServiceNames   string
	State, StateVI string
	GeneralTag     bool
	// Keys are the buttons of its simulated keypad, with the keypad's state
	Keys   []queue.RatingLevel
	KeyPad DeviceView
}

// canPair: one-click pairing from the start page is for the demo center,
// and only from this machine, so nobody on the LAN can make themselves a
// kiosk; a real center pairs through admin-made codes.
func (a *App) canPair(r *http.Request) bool {
	return a.Demo && isLoopback(r)
}

func (a *App) handleStart(w http.ResponseWriter, r *http.Request) {
	cs, err := a.Engine.Counters(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	vi := map[string]string{"open": "đang mở", "paused": "tạm nghỉ", "closed": "đóng"}
	var rows []counterRow
	for i, c := range a.Cfg.Counters {
		var names []string
		for _, s := range c.Services {
			sv, _ := a.Cfg.Service(s)
			names = append(names, sv.Name)
		}
		row := counterRow{Counter: c, ServiceNames: strings.Join(names, "; "), State: cs[i].State, StateVI: vi[cs[i].State],
			GeneralTag: c.General && !strings.Contains(c.Name, "Tổng hợp")}
		if ck := a.keypads.counters[c.ID]; ck != nil && ck.line.sim != nil && a.canPair(r) {
			row.Keys, row.KeyPad = queue.RatingLevels(a.Cfg.Queue.RatingLevels), a.counterDevices(c.ID)["keypad"]
		}
		rows = append(rows, row)
	}
	problems, err := a.Engine.PrintProblems(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	type printerRow struct {
		ID, Name, State, Message string
	}
	states := a.PrinterStates()
	var printers []printerRow
	for _, k := range a.Cfg.Kiosks {
		if st, ok := states[k.ID]; ok {
			printers = append(printers, printerRow{k.ID, k.Name, st.State, st.Message})
		}
	}
	for _, c := range a.Cfg.Counters {
		if st, ok := states[c.ID]; ok {
			printers = append(printers, printerRow{c.ID, c.Name, st.State, st.Message})
		}
	}
	type problemRow struct {
		Number, Kiosk, Status, Time string
	}
	var probs []problemRow
	for _, t := range problems {
		probs = append(probs, problemRow{t.Number, t.Kiosk, map[string]string{"failed": "in lỗi", "unknown": "chưa xác nhận đã in"}[t.PrintStatus],
			t.IssuedAt.In(clock.Local).Format("15:04")})
	}
	// what the virtual printers printed: shown to the server's own screen
	// only, since a receipt carries the applicant's name
	var jobs []jobRow
	if isLoopback(r) {
		for _, k := range a.Cfg.Kiosks {
			jobs = append(jobs, a.latestJobs(k.ID, k.Name, 3)...)
		}
		for _, c := range a.Cfg.Counters {
			jobs = append(jobs, a.latestJobs(c.ID, c.Name, 2)...)
		}
	}
	render(w, "start.html", map[string]any{
		"Printers": printers, "PrintProblems": probs, "Jobs": jobs,
		"Center": a.Cfg.Center.Name, "Version": Version, "Demo": a.Demo, "CanPair": a.canPair(r),
		"Spool": filepath.Join(a.opts.DataDir, "spool"), "Kiosks": a.Cfg.Kiosks, "Screens": a.Cfg.Screens, "Counters": rows,
	})
}

func isLoopback(r *http.Request) bool {
	ip := net.ParseIP(clientIP(r))
	return ip != nil && ip.IsLoopback()
}

// latestJobs lists the newest jobs of a virtual printer with a preview.
type jobRow struct {
	Printer, Name, Time, PNG string
}

func (a *App) latestJobs(id, name string, n int) (out []jobRow) {
	a.devMu.Lock()
	dir := a.spools[id]
	a.devMu.Unlock()
	if dir == "" {
		return nil
	}
	js, err := printer.LatestJobs(dir, id, n)
	if err != nil {
		a.log.Warn("virtual printer jobs", "device", id, "err", err)
		return nil
	}
	for _, j := range js {
		if j.PNG == "" {
			continue
		}
		out = append(out, jobRow{id, name, j.Time.In(clock.Local).Format("15:04:05"),
			"/spool/" + id + "/" + filepath.Base(j.PNG)})
	}
	return out
}

// handleSpool serves a virtual printer's preview images to the server's
// own screen.
func (a *App) handleSpool(w http.ResponseWriter, r *http.Request) {
	id, file := r.PathValue("printer"), r.PathValue("file")
	a.devMu.Lock()
	dir := a.spools[id]
	a.devMu.Unlock()
	if !isLoopback(r) {
		a.writeError(w, r, apperr.New(apperr.Forbidden, "local-only", "Chỉ xem được trên máy chủ của trung tâm", "spool previews are shown to loopback clients only"))
		return
	}
	if dir == "" || !strings.HasSuffix(file, ".png") || file != filepath.Base(file) || strings.HasPrefix(file, ".") {
		a.writeError(w, r, apperr.New(apperr.NotFound, "not-found", "Không tìm thấy tệp", "no such preview"))
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=3600")
	http.ServeFile(w, r, filepath.Join(dir, id, file))
}

// startForm admits a form posted from the demo's start page: only on the
// demo, only from the server itself, and not from another site's page
// (its Origin). It answers the refusal itself.
func (a *App) startForm(w http.ResponseWriter, r *http.Request, refused error) bool {
	if !a.canPair(r) {
		a.writeError(w, r, refused)
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			a.writeError(w, r, errCSRF)
			return false
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-form", "Dữ liệu không hợp lệ", "%v", err))
		return false
	}
	return true
}

func (a *App) handleStartPair(w http.ResponseWriter, r *http.Request) {
	if !a.startForm(w, r, apperr.New(apperr.Forbidden, "pairing-not-allowed", "Chỉ ghép nối nhanh được trên máy chủ của trung tâm mẫu", "one-click pairing is for the demo, from loopback")) {
		return
	}
	role, place := r.PostForm.Get("role"), r.PostForm.Get("place")
	if (role != auth.RoleKiosk && role != auth.RoleDisplay && role != auth.RoleOfficial && role != auth.RoleRatingpad) || !a.placeExists(role, place) {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-pairing", "Thiết bị cần ghép nối không có trong cấu hình", "unknown device %s %s", role, place))
		return
	}
	a.pair(w, r, role, place)
}

// handleStartKey presses a key of a simulated keypad: the demo's stand-in
// for a citizen at the counter (loopback only, like one-click pairing).
func (a *App) handleStartKey(w http.ResponseWriter, r *http.Request) {
	if !a.startForm(w, r, apperr.New(apperr.Forbidden, "keys-not-allowed", "Chỉ bấm phím mô phỏng được trên máy chủ của trung tâm mẫu", "virtual keys are for the demo, from loopback")) {
		return
	}
	key, err := strconv.Atoi(r.PostForm.Get("key"))
	if err == nil {
		err = a.pressVirtualKey(r.PostForm.Get("counter"), key)
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/#quay", http.StatusSeeOther)
}

func (a *App) handleKioskPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("kiosk")
	if err := a.place(nil, placeKiosk, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	kiosk.Page(w, r, id, a.Cfg.Center.Name)
}

func (a *App) handleDisplayPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("screen")
	if err := a.place(nil, placeScreen, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	sc, _ := a.Cfg.Screen(id)
	title := a.Cfg.Center.Name
	if sc.Name != "" {
		title += " — " + sc.Name
	}
	display.PageWithOptions(w, r, id, title, display.PageOptions{Repeat: a.Cfg.Voice.Repeat})
}

// publicTicket is all a ticket's public page shows: no personal data
// (tickets carry none). The websocket /ws/ticket/{token} sends the same
// fields. Two links are left for later issues: rate_url (done, not yet
// rated: there is no rating table yet) and a dossier tracker link (there
// are no dossiers yet).
type publicTicket struct {
	Number         string `json:"number"`
	Service        string `json:"service"`
	State          string `json:"state"`
	WaitingAhead   int    `json:"waiting_ahead"`
	EstimatedWaitS int    `json:"estimated_wait_s"`
	CounterNumber  int    `json:"counter_number,omitempty"`
	Message        string `json:"message"`
}

// errTicketGone answers an unknown, malformed or expired ticket token.
var errTicketGone = apperr.New(apperr.NotFound, "ticket-not-found", "Không tìm thấy vé này", "no such ticket, or it has expired")

// validTicketToken: the engine's tokens are 15 random bytes in lower-case
// base32 (24 letters of a–z, 2–7); anything else is not looked up.
func validTicketToken(tok string) bool {
	if len(tok) < 16 || len(tok) > 64 {
		return false
	}
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// ticketByToken finds the ticket a QR code names; unknown, malformed and
// expired tokens are all errTicketGone. A ticket still open from an earlier
// day counts as expired even before the engine's midnight sweep marks it.
func (a *App) ticketByToken(ctx context.Context, tok string) (queue.Ticket, error) {
	if !validTicketToken(tok) {
		return queue.Ticket{}, errTicketGone
	}
	tk, err := a.Engine.TicketByToken(ctx, tok)
	if e, ok := apperr.As(err); ok && e.Code == apperr.NotFound {
		return tk, errTicketGone
	}
	if err != nil {
		return tk, err
	}
	if tk.State == queue.Expired || (ticketLive(tk.State) && tk.Day < clock.Day(a.clock.Now())) {
		return tk, errTicketGone
	}
	return tk, nil
}

// ticketLive: the ticket may still change for the citizen.
func ticketLive(s queue.State) bool {
	return s == queue.Waiting || s == queue.Called || s == queue.Serving || s == queue.Held
}

// publicView is what the citizen sees of tk now.
func (a *App) publicView(ctx context.Context, tk queue.Ticket) (publicTicket, error) {
	ahead, err := a.Engine.Ahead(ctx, tk)
	if err != nil {
		return publicTicket{}, err
	}
	svc, _ := a.Cfg.Service(tk.Service)
	p := publicTicket{Number: tk.Number, Service: svc.Name, State: string(tk.State), WaitingAhead: ahead}
	if ticketLive(tk.State) && tk.Day < clock.Day(a.clock.Now()) {
		p.State, p.WaitingAhead = string(queue.Expired), 0 // before the midnight sweep
	}
	if queue.State(p.State) == queue.Waiting {
		p.EstimatedWaitS = a.Engine.EstimateWait(tk.Service, ahead)
	}
	switch queue.State(p.State) {
	case queue.Waiting:
		p.Message = fmt.Sprintf("Đang chờ — còn %d người trước bạn", ahead)
	case queue.Called, queue.Serving:
		c, _ := a.Cfg.Counter(tk.Counter)
		p.CounterNumber = c.Number
		p.Message = fmt.Sprintf("Mời đến quầy số %d", c.Number)
	case queue.Held:
		p.Message = "Hồ sơ đang tạm giữ — cán bộ sẽ gọi lại bạn"
	case queue.Done:
		p.Message = "Đã phục vụ xong. Cảm ơn ông/bà!"
	case queue.NoShow:
		p.Message = "Đã gọi nhưng không thấy có mặt — vui lòng liên hệ bàn hướng dẫn"
	default:
		p.Message = "Vé đã hết hiệu lực"
	}
	return p, nil
}

func (a *App) publicTicket(r *http.Request) (publicTicket, queue.Ticket, error) {
	tk, err := a.ticketByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return publicTicket{}, tk, err
	}
	p, err := a.publicView(r.Context(), tk)
	return p, tk, err
}

func (a *App) handlePublicTicket(w http.ResponseWriter, r *http.Request) {
	p, _, err := a.publicTicket(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// handleTicketPage is the page the ticket's QR opens: drawn on the server
// (it reads without script), then kept live by web/ticket/ticket.js.
func (a *App) handleTicketPage(w http.ResponseWriter, r *http.Request) {
	p, tk, err := a.publicTicket(r)
	if e, ok := apperr.As(err); ok && e.Code == apperr.NotFound {
		a.ticketNotFound(w, r)
		return
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.renderTicketPage(w, r, http.StatusOK, map[string]any{
		"Center": a.Cfg.Center.Name, "Number": p.Number, "Service": p.Service, "Message": p.Message,
		"Called": p.CounterNumber > 0, "Live": ticketLive(tk.State), "State": p.State,
		"Ahead": p.WaitingAhead, "Wait": waitText(p.EstimatedWaitS), "Done": tk.State == queue.Done,
		"Issued": viTime(tk.IssuedAt), "Token": tk.Token,
	})
}

// ticketNotFound is the friendly page of a wrong or expired ticket link.
func (a *App) ticketNotFound(w http.ResponseWriter, r *http.Request) {
	a.renderTicketPage(w, r, http.StatusNotFound, map[string]any{"Center": a.Cfg.Center.Name, "NotFound": true})
}

func (a *App) renderTicketPage(w http.ResponseWriter, r *http.Request, status int, data map[string]any) {
	data["CSS"] = ticketAssets.URL("ticket.css")
	data["JS"] = ticketAssets.URL("ticket.js")
	// 'self' covers same-host ws: in CSP 3; older phone browsers want it named
	connect := "'self'"
	if hostRE.MatchString(r.Host) {
		connect += " ws://" + r.Host + " wss://" + r.Host
	}
	csp := "default-src 'self'; connect-src " + connect + "; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	if err := writePage(w, pages, "ticket.html", status, csp, data); err != nil {
		a.writeError(w, r, err)
	}
}

var hostRE = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// waitText words an estimated wait as the page shows it.
func waitText(s int) string {
	switch m := (s + 59) / 60; {
	case s <= 0:
		return ""
	case m < 60:
		return fmt.Sprintf("khoảng %d phút", m)
	default:
		if m%60 == 0 {
			return fmt.Sprintf("khoảng %d giờ", m/60)
		}
		return fmt.Sprintf("khoảng %d giờ %d phút", m/60, m%60)
	}
}

var viWeekdays = [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// viTime is a time the Vietnamese way: "08:05, thứ Sáu 27/11/2026".
func viTime(t time.Time) string {
	l := t.In(clock.Local)
	return l.Format("15:04") + ", " + viWeekdays[l.Weekday()] + " " + l.Format("02/01/2006")
}

func (a *App) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	b, err := webFS.ReadFile("web/openapi.json")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}
