package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/display"
	"github.com/motcua/motcua/kiosk"
	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/queue"
)

const (
	sessionCookie = "motcua_session"
	csrfCookie    = "motcua_csrf"
	csrfHeader    = "X-CSRF-Token"
	// counterPCCookie marks a browser paired as a counter PC. It is not a
	// credential for actions: every action at a counter is made by a
	// signed-in official, under their name; it only fixes the counter
	// they sign in to.
	counterPCCookie = "motcua_counter_pc"
	staffTTL        = 12 * time.Hour
	deviceTTL       = 5 * 365 * 24 * time.Hour
)

// Role sets of the API table in shared/API.md ("kiosk+" and so on); admin
// passes every check.
var (
	kioskPlus   = []string{auth.RoleKiosk, auth.RoleOfficial, auth.RoleSupervisor}
	displayPlus = []string{auth.RoleDisplay, auth.RoleOfficial, auth.RoleSupervisor}
	officialUp  = []string{auth.RoleOfficial, auth.RoleSupervisor}
	supervisor  = []string{auth.RoleSupervisor}
	raters      = []string{auth.RoleRatingpad, auth.RoleOfficial, auth.RoleSupervisor}
	adminOnly   = []string{}
)

func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, fn http.HandlerFunc) { mux.Handle(pattern, a.metrics.wrap(pattern, fn)) }
	api := func(pattern string, roles []string, fn func(http.ResponseWriter, *http.Request, *auth.Principal)) {
		mux.Handle(pattern, a.metrics.wrap(pattern, a.authed(roles, fn)))
	}

	h("GET /healthz", a.handleHealth)
	h("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h("GET /metrics", a.handleMetrics)

	api("GET /api/v1/services", kioskPlus, a.handleServices)
	api("POST /api/v1/tickets", kioskPlus, a.handleIssue)
	api("GET /api/v1/tickets/{id}", officialUp, a.handleTicket)
	api("POST /api/v1/tickets/{id}/print", officialUp, a.handleReprint)
	api("GET /api/v1/kiosks/{kiosk}/status", kioskPlus, a.handleKioskStatus)
	api("POST /api/v1/kiosks/{kiosk}/unlock", kioskPlus, a.handleKioskUnlock)
	api("GET /api/v1/priorities", kioskPlus, a.handlePriorities)
	api("GET /api/v1/counters", displayPlus, a.handleCounters)
	api("GET /api/v1/counters/{id}", displayPlus, a.handleCounter)
	api("POST /api/v1/counters/{id}/{action}", officialUp, a.handleCounterAction)
	api("GET /api/v1/counters/{id}/rating", raters, a.handleRatingState)
	api("POST /api/v1/counters/{id}/rating", raters, a.handleRate)
	api("GET /api/v1/events", supervisor, a.handleEvents)
	api("GET /api/v1/me", nil, a.handleMe)
	api("GET /api/v1/console/{counter}", officialUp, a.handleConsole)
	api("GET /ws/console/{counter}", officialUp, a.handleConsoleWS)
	api("GET /api/v1/monitor", supervisor, a.handleMonitor)
	api("GET /ws/monitor", supervisor, a.handleMonitorWS)
	api("PUT /api/v1/counters/{id}/services", supervisor, a.handleSetCounterServices)
	api("POST /api/v1/tickets/move", supervisor, a.handleMoveTickets)
	api("GET /api/v1/procedures", kioskPlus, a.handleProcedures)
	api("POST /api/v1/dossiers", officialUp, a.handleReceiveDossier)
	api("GET /api/v1/dossiers", officialUp, a.handleDossiers)
	api("GET /api/v1/dossiers/{code}", officialUp, a.handleDossier)
	api("GET /api/v1/dossiers/digest", officialUp, a.handleDigest)
	api("POST /api/v1/dossiers/{code}/events", officialUp, a.handleDossierStep)
	api("GET /api/v1/calendar/appointment", officialUp, a.handleAppointment)
	api("GET /api/v1/calendar/days", officialUp, a.handleCalendarDays)
	api("GET /api/v1/calendar/overrides", officialUp, a.handleGetOverrides)
	api("PUT /api/v1/calendar/overrides", adminOnly, a.handlePutOverrides)
	h("GET /api/v1/public/dossiers/{code}", a.handlePublicDossier)
	h("POST /api/v1/public/dossiers/{code}/rating", a.handlePublicRating)
	api("GET /api/v1/reports/summary", supervisor, a.handleReport)
	api("GET /api/v1/users", adminOnly, a.handleUsers)
	api("POST /api/v1/users", adminOnly, a.handleCreateUser)
	api("PUT /api/v1/users/{username}", adminOnly, a.handleUpdateUser)
	api("DELETE /api/v1/users/{username}/sessions", adminOnly, a.handleUserSessions)
	api("POST /api/v1/pairings", adminOnly, a.handleCreatePairing)
	h("POST /api/v1/session", a.handleLogin)
	h("DELETE /api/v1/session", a.handleLogout)
	h("GET /api/v1/public/tickets/{token}", a.handlePublicTicket)
	h("GET /api/v1/openapi.json", a.handleOpenAPI)
	h("/api/", func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, apperr.New(apperr.NotFound, "no-such-endpoint", "Không có chức năng này", "no API endpoint %s %s", r.Method, r.URL.Path))
	})

	h("GET /{$}", a.handleStart)
	h("POST /start/pair", a.handleStartPair)
	h("POST /start/key", a.handleStartKey)
	h("GET /pair/{code}", a.handlePair)
	h("GET /t/{token}", a.handleTicketPage)
	h("GET /t/{token}/qr.svg", a.handleTicketQR)
	h("GET /t/", a.ticketNotFound) // any other path under /t/: the friendly page
	mux.Handle("GET "+ticketAssetsPrefix, ticketAssets.Handler())
	h("GET /ws/ticket/{token}", a.handleTicketWS)
	h("GET /spool/{printer}/{file}", a.handleSpool)
	h("GET /kiosk/{kiosk}", a.handleKioskPage)
	mux.Handle("GET /kiosk/assets/", http.StripPrefix("/kiosk/assets/", kiosk.Assets()))
	h("GET /display/{screen}", a.handleDisplayPage)
	mux.Handle("GET /display/assets/", http.StripPrefix("/display/assets/", display.Assets()))
	api("GET /ws/display/{screen}", displayPlus, a.handleDisplayWS)
	api("GET /ws/counter/{counter}", displayPlus, a.handleCounterWS)
	h("GET /counter-display/{counter}", a.handleCounterDisplayPage)
	h("GET /login", a.handleLoginPage)
	h("GET /hs/{code}", a.handleTracker)
	h("POST /hs/{code}/danh-gia", a.handleTrackerRating)
	h("GET /tra-cuu", a.handleLookup)
	h("GET /ho-so/{code}/{form}", a.handleDossierPrint)
	h("GET /ho-so/phieu/{id}", a.handleSlipPrint)
	h("GET /ban-giao/{code}", a.handleHandoverPage)
	h("GET /thu-tuc", a.handleProceduresPage)
	h("POST /ban-giao/{code}", a.handleHandoverForm)
	h("GET /rate/{counter}", a.handleRatePage)
	h("GET /counter", a.handleConsolePage)
	h("GET /monitor", a.handleMonitorPage)
	h("GET /admin", a.handleAdminPage)
	h("GET /admin/reports", a.handleReportsPage)
	mux.Handle("GET "+staffAssetsPrefix, staffAssets.Handler())
	api("PUT /api/v1/screens/{screen}/ticker", supervisor, a.handleSetTicker)
	api("GET /api/v1/announce.wav", displayPlus, a.handleAnnounceWAV)
	return a.recoverer(mux)
}

func (a *App) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.log.Error("panic", "component", "http", "path", r.URL.Path, "panic", v)
				a.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

var (
	errNoCredential = apperr.New(apperr.Unauthorized, "unauthorized", "Cần đăng nhập hoặc ghép nối thiết bị", "no valid bearer token or session cookie")
	errWrongRole    = apperr.New(apperr.Forbidden, "forbidden", "Bạn không có quyền thực hiện thao tác này", "the credential's role may not do this")
	errCSRF         = apperr.New(apperr.Forbidden, "csrf", "Phiên làm việc không hợp lệ, hãy tải lại trang", "missing or wrong X-CSRF-Token for a cookie session")
)

// principal finds who is calling: a bearer token, else a session cookie.
func (a *App) principal(r *http.Request) (*auth.Principal, error) {
	cookie := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		cookie = c.Value
	}
	return a.lookupPrincipal(r.Context(), r.Header.Get("Authorization"), cookie)
}

func (a *App) lookupPrincipal(ctx context.Context, authz, cookie string) (*auth.Principal, error) {
	if authz != "" {
		secret, ok := strings.CutPrefix(authz, "Bearer ")
		if !ok || secret == "" {
			return nil, errNoCredential
		}
		p, err := a.tokens.Lookup(ctx, a.DB, strings.TrimSpace(secret), a.clock.Now())
		if errors.Is(err, auth.ErrNotFound) {
			return nil, errNoCredential
		}
		return p, err
	}
	if cookie == "" {
		return nil, errNoCredential
	}
	p, err := auth.LookupSession(ctx, a.DB, cookie, a.clock.Now())
	if errors.Is(err, auth.ErrNotFound) {
		return nil, errNoCredential
	}
	return p, err
}

// authed checks the credential, its role (nil roles: any credential) and,
// for cookie sessions on unsafe methods, the CSRF token.
func (a *App) authed(roles []string, fn func(http.ResponseWriter, *http.Request, *auth.Principal)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.principal(r)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if roles != nil && !p.Is(roles...) {
			a.writeError(w, r, errWrongRole)
			return
		}
		if p.CSRF != "" && r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !auth.Equal(r.Header.Get(csrfHeader), p.CSRF) {
				a.writeError(w, r, errCSRF)
				return
			}
		}
		fn(w, r, p)
	})
}

func (a *App) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.R.PingContext(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "error", "database": err.Error()})
		return
	}
	var n int
	if err := a.DB.R.QueryRowContext(ctx, "SELECT 1").Scan(&n); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "error", "database": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": Version, "devices": a.Devices()})
}

func (a *App) handleServices(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	ss, err := a.Engine.Services(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.servicesWithHours(ss))
}

type issueBody struct {
	Service  string `json:"service"`
	Kiosk    string `json:"kiosk,omitempty"`
	Priority string `json:"priority,omitempty"`
}

type printResult struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

type issueResponse struct {
	ID             int64       `json:"id"`
	Number         string      `json:"number"`
	Service        string      `json:"service"`
	IssuedAt       time.Time   `json:"issued_at"`
	WaitingAhead   int         `json:"waiting_ahead"`
	EstimatedWaitS int         `json:"estimated_wait_s"`
	TrackURL       string      `json:"track_url"`
	Print          printResult `json:"print"`
}

func (a *App) handleIssue(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var b issueBody
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	if b.Service == "" {
		a.writeError(w, r, apperr.New(apperr.Invalid, "service-missing", "Hãy chọn dịch vụ", "field service is required"))
		return
	}
	if p.Role == auth.RoleKiosk && b.Kiosk == "" {
		b.Kiosk = p.Place // a kiosk's own credential implies the kiosk
	}
	if b.Kiosk != "" {
		if err := a.place(p, placeKiosk, b.Kiosk); err != nil {
			a.writeError(w, r, err)
			return
		}
		// A kiosk whose printer cannot print hands out no numbers: the
		// citizen goes to the other kiosk, and no ticket waits unprinted.
		if st, ok := a.PrinterStates()[b.Kiosk]; ok && !st.accepting() && !a.refreshPrinter(r.Context(), b.Kiosk).accepting() {
			st = a.PrinterStates()[b.Kiosk]
			a.writeError(w, r, apperr.New(apperr.Conflict, "printer-unavailable",
				st.Message+". Mời ông/bà lấy số ở kiosk khác hoặc hỏi bàn hướng dẫn.", "the kiosk's printer is %s", st.State))
			return
		}
	}
	key, err := idemKey(r, p)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	is, err := a.Engine.Issue(r.Context(), queue.IssueRequest{Service: b.Service, Kiosk: b.Kiosk, Priority: b.Priority, Actor: p.Name, Key: key})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	// The number is durable now; printing comes after, so a printer fault
	// can never lose or repeat a number.
	tk := is.Ticket
	res := issueResponse{ID: tk.ID, Number: tk.Number, Service: tk.Service, IssuedAt: tk.IssuedAt,
		WaitingAhead: is.WaitingAhead, EstimatedWaitS: is.EstimatedWaitS,
		TrackURL: a.PublicURL() + "/t/" + tk.Token, Print: printResult{Status: "none"}}
	switch {
	case is.Replayed:
		// the same request again: the ticket it got, not a second print
		w.Header().Set("Idempotent-Replayed", "true")
		res.Print = printResult{Status: tk.PrintStatus}
	case b.Kiosk != "":
		res.Print = a.printTicket(r.Context(), b.Kiosk, tk, is.WaitingAhead, is.EstimatedWaitS)
	}
	writeJSON(w, http.StatusCreated, res)
}

// idemKey reads the Idempotency-Key header, scoped by the credential so
// two devices can never collide.
func idemKey(r *http.Request, p *auth.Principal) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	if k == "" {
		return "", nil
	}
	if len(k) > 128 {
		return "", apperr.New(apperr.Invalid, "bad-idempotency-key", "Mã yêu cầu không hợp lệ", "Idempotency-Key longer than 128 bytes")
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return "", apperr.New(apperr.Invalid, "bad-idempotency-key", "Mã yêu cầu không hợp lệ", "Idempotency-Key must be printable ASCII")
		}
	}
	return p.Role + "|" + p.Place + "|" + p.Name + "|" + k, nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.Invalid, "bad-id", "Mã vé không hợp lệ", "ticket id must be a positive integer")
	}
	return id, nil
}

func (a *App) handleTicket(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	id, err := pathID(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	tk, err := a.Engine.Ticket(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	hist, err := a.Engine.History(r.Context(), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket": tk, "history": hist})
}

func (a *App) handleCounters(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	cs, err := a.Engine.Counters(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cs)
}

func (a *App) handleCounter(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	c, err := a.Engine.Counter(r.Context(), r.PathValue("id"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type counterBody struct {
	Service  string `json:"service,omitempty"`
	Counter  string `json:"counter,omitempty"`
	Official string `json:"official,omitempty"` // transfer to the counter where this username works now
	Ticket   int64  `json:"ticket,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Level    int    `json:"level,omitempty"`
}

func (a *App) handleCounterAction(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id, action := r.PathValue("id"), r.PathValue("action")
	if err := a.place(p, placeCounter, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	var b counterBody
	if r.ContentLength != 0 {
		if err := decode(w, r, &b); err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	ctx := r.Context()
	key, err := idemKey(r, p)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	actor := queue.Actor{Name: p.Name, OutOfOrder: p.Is(auth.RoleSupervisor) || a.Cfg.Queue.OfficialsMayCallSpecific, Key: key,
		Oversight: p.Role != auth.RoleOfficial && p.Place != id}
	var tk queue.Ticket
	switch action {
	case "call-next":
		tk, err = a.Engine.CallNext(ctx, id, actor)
		if errors.Is(err, queue.ErrQueueEmpty) {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	case "recall":
		tk, err = a.Engine.Recall(ctx, id, actor)
	case "start":
		tk, err = a.Engine.Start(ctx, id, actor)
	case "finish":
		tk, err = a.Engine.Finish(ctx, id, actor)
	case "no-show":
		tk, err = a.Engine.NoShow(ctx, id, actor)
	case "hold":
		tk, err = a.Engine.Hold(ctx, id, actor)
	case "transfer":
		to := queue.TransferTo{Service: b.Service, Counter: b.Counter}
		if b.Official != "" {
			if b.Service != "" || b.Counter != "" {
				err = apperr.New(apperr.Invalid, "transfer-target", "Hãy chọn một dịch vụ, một quầy hoặc một cán bộ để chuyển", "give exactly one of service, counter or official")
				break
			}
			if to.Counter, err = a.officialCounter(ctx, b.Official); err != nil {
				break
			}
		}
		tk, err = a.Engine.Transfer(ctx, id, to, actor)
	case "call":
		if b.Ticket <= 0 {
			err = apperr.New(apperr.Invalid, "ticket-missing", "Hãy chọn vé cần gọi", "field ticket is required")
			break
		}
		tk, err = a.Engine.Call(ctx, id, b.Ticket, actor)
	case "open", "close", "pause":
		state := map[string]string{"open": "open", "close": "closed", "pause": "paused"}[action]
		cs, err := a.Engine.SetCounterState(ctx, id, state, b.Reason, actor)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"counter": cs})
		return
	default:
		err = apperr.New(apperr.NotFound, "no-such-action", "Không có thao tác này", "unknown counter action %q", action)
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket": tk})
}

func (a *App) handleEvents(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	q := r.URL.Query()
	after, err1 := strconv.ParseInt(q.Get("after"), 10, 64)
	limit, err2 := strconv.Atoi(q.Get("limit"))
	if (q.Get("after") != "" && (err1 != nil || after < 0)) || (q.Get("limit") != "" && (err2 != nil || limit < 1)) {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-query", "Tham số không hợp lệ", "after and limit must be positive integers"))
		return
	}
	evs, err := a.Engine.Events(r.Context(), after, limit)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if evs == nil {
		evs = []queue.Event{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": evs})
}

func (a *App) handleMe(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	writeJSON(w, http.StatusOK, map[string]any{"kind": p.Kind, "role": p.Role, "name": p.Name, "username": p.Username, "place": p.Place, "department": p.Department})
}

type loginBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// Counter is where an official signs in to work; a counter PC (paired,
	// cookie motcua_counter_pc) names it by itself.
	Counter string `json:"counter,omitempty"`
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// counterPC is the counter this browser was paired to, if any.
func (a *App) counterPC(r *http.Request) string {
	c, err := r.Cookie(counterPCCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	p, err := auth.LookupSession(r.Context(), a.DB, c.Value, a.clock.Now())
	if err != nil || p.Role != auth.RoleOfficial || p.Kind != "device" {
		return ""
	}
	return p.Place
}

func (a *App) handleLogin(w http.ResponseWriter, r *http.Request) {
	var b loginBody
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	keys := []string{"ip:" + clientIP(r), "user:" + strings.ToLower(b.Username)}
	if wait := a.limiter.blocked(keys...); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		a.writeError(w, r, apperr.New(apperr.RateLimited, "too-many-attempts",
			fmt.Sprintf("Đăng nhập sai quá nhiều lần, hãy thử lại sau %d phút", int(wait.Minutes())+1), "too many failed sign-ins"))
		return
	}
	u, err := auth.CheckPassword(r.Context(), a.DB, b.Username, b.Password)
	if errors.Is(err, auth.ErrNotFound) {
		a.limiter.fail(keys...)
		a.writeError(w, r, apperr.New(apperr.Unauthorized, "bad-credentials", "Sai tên đăng nhập hoặc mật khẩu", "wrong username or password"))
		return
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.limiter.reset(keys[1])
	place, err := a.signInCounter(u, a.counterPC(r), b.Counter)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	s, err := auth.CreateSession(r.Context(), a.DB, auth.Principal{Role: u.Role, Name: u.Name + " (" + u.Username + ")", Place: place}, u.ID, a.clock.Now(), staffTTL)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.setSessionCookies(w, r, s)
	a.log.Info("signed in", "component", "auth", "user", u.Username, "role", u.Role, "counter", place, "ip", clientIP(r))
	writeJSON(w, http.StatusOK, map[string]any{"role": u.Role, "name": u.Name, "username": u.Username, "counter": place, "csrf": s.CSRF})
}

// signInCounter is the counter a sign-in works at: the paired counter PC's,
// else the one chosen, else the account's own. An official assigned to a
// counter works there only; one without a counter must choose one.
// Supervisors and admins may sign in anywhere or nowhere.
func (a *App) signInCounter(u auth.User, pc, chosen string) (string, error) {
	place := pc
	if place == "" {
		place = chosen
	}
	if place == "" && u.Role == auth.RoleOfficial {
		place = u.Counter
	}
	if place != "" {
		if _, ok := a.Cfg.Counter(place); !ok {
			return "", placeErrors[placeCounter].notFound(place)
		}
	}
	if u.Role != auth.RoleOfficial {
		return place, nil
	}
	if place == "" {
		return "", apperr.New(apperr.Invalid, "counter-missing", "Hãy chọn quầy làm việc", "an official without an assigned counter must choose one")
	}
	if u.Counter != "" && place != u.Counter {
		c, _ := a.Cfg.Counter(u.Counter)
		return "", apperr.New(apperr.Forbidden, "wrong-counter",
			fmt.Sprintf("Bạn được phân công làm việc ở %s, không đăng nhập được ở quầy này", c.Name), "official %s is assigned to counter %s", u.Username, u.Counter)
	}
	return place, nil
}

// cookieAge is a session's lifetime as Max-Age, not Expires: a kiosk or a
// TV stick whose clock is wrong would otherwise drop the cookie at once.
func (a *App) cookieAge(s auth.Session) int {
	return max(1, int(s.Expires.Sub(a.clock.Now()).Seconds()))
}

func (a *App) setSessionCookies(w http.ResponseWriter, r *http.Request, s auth.Session) {
	secure := r.TLS != nil
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.Cookie, Path: "/", MaxAge: a.cookieAge(s), HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
	// The CSRF secret is readable by the page's script, which sends it back
	// in X-CSRF-Token; another site can neither read it nor set the header.
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: s.CSRF, Path: "/", MaxAge: a.cookieAge(s), Secure: secure, SameSite: http.SameSiteStrictMode})
}

// handleLogout ends this session, or with ?everywhere=1 every session of
// this account (a lost phone, a shared PC left signed in).
func (a *App) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if p, err := auth.LookupSession(r.Context(), a.DB, c.Value, a.clock.Now()); err == nil {
			if !auth.Equal(r.Header.Get(csrfHeader), p.CSRF) {
				a.writeError(w, r, errCSRF)
				return
			}
			if r.URL.Query().Get("everywhere") == "1" && p.UserID > 0 {
				if _, err := auth.DeleteUserSessions(r.Context(), a.DB, p.UserID); err != nil {
					a.writeError(w, r, err)
					return
				}
				a.log.Info("signed out everywhere", "component", "auth", "user", p.Username)
			}
		}
		auth.DeleteSession(r.Context(), a.DB, c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: "", Path: "/", MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

type pairingBody struct {
	Role  string `json:"role"`
	Place string `json:"place"`
}

// placeExists reports whether a device of role (kiosk, display, official
// for a counter PC) has a configured place called place.
func (a *App) placeExists(role, place string) bool {
	kind := map[string]string{auth.RoleKiosk: placeKiosk, auth.RoleDisplay: placeScreen, auth.RoleOfficial: placeCounter, auth.RoleRatingpad: placeCounter}[role]
	return kind != "" && a.place(nil, kind, place) == nil
}

func (a *App) handleCreatePairing(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	var b pairingBody
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	if !a.placeExists(b.Role, b.Place) {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-pairing", "Thiết bị cần ghép nối không có trong cấu hình", "role must be kiosk, display or official with a configured place"))
		return
	}
	code, err := auth.CreatePairing(r.Context(), a.DB, b.Role, b.Place, a.clock.Now(), 24*time.Hour)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"code": code, "url": a.PublicURL() + "/pair/" + code, "expires_in_s": 86400})
}

// pair gives this browser a long-lived device session and sends it to its page.
func (a *App) pair(w http.ResponseWriter, r *http.Request, role, place string) {
	name := map[string]string{auth.RoleKiosk: "kiosk ", auth.RoleDisplay: "màn hình ", auth.RoleOfficial: "máy quầy ", auth.RoleRatingpad: "bảng đánh giá "}[role] + place
	s, err := auth.CreateSession(r.Context(), a.DB, auth.Principal{Role: role, Name: name, Place: place}, 0, a.clock.Now(), deviceTTL)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if role == auth.RoleOfficial {
		http.SetCookie(w, &http.Cookie{Name: counterPCCookie, Value: s.Cookie, Path: "/", MaxAge: a.cookieAge(s), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	} else {
		a.setSessionCookies(w, r, s)
	}
	http.Redirect(w, r, devicePage(role, place), http.StatusSeeOther)
}

func devicePage(role, place string) string {
	switch role {
	case auth.RoleKiosk:
		return "/kiosk/" + place
	case auth.RoleDisplay:
		return "/display/" + place
	case auth.RoleOfficial:
		return "/login?next=/counter"
	case auth.RoleRatingpad:
		return "/rate/" + place
	}
	return "/"
}

func (a *App) handlePair(w http.ResponseWriter, r *http.Request) {
	role, place, err := auth.UsePairing(r.Context(), a.DB, r.PathValue("code"), a.clock.Now())
	if errors.Is(err, auth.ErrNotFound) {
		a.writeError(w, r, apperr.New(apperr.NotFound, "pairing-not-found", "Mã ghép nối không đúng, đã dùng hoặc đã hết hạn", "unknown, used or expired pairing code"))
		return
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.pair(w, r, role, place)
}

func (a *App) handleDisplayWS(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	screen := r.PathValue("screen")
	kind, id := placeScreen, screen
	if c, ok := strings.CutPrefix(screen, display.CounterScreenPrefix); ok {
		kind, id = placeCounter, c // the stream of one counter's screen
	}
	if err := a.place(p, kind, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.Hub.ServeWS(w, r, screen)
}

func (a *App) handleCounterWS(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("counter")
	// any screen may show a counter's number; a counter PC only its own
	if err := a.place(p, placeCounter, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.Hub.ServeWS(w, r, "counter:"+id)
}
