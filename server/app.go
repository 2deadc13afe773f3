// Package server is motcua's daemon: it wires the configuration, the store,
// the queue engine, the devices and the HTTP side together. App follows the
// Open / Run / Close shape so tests can boot the whole daemon on :0.
package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/motcua/motcua/server/dossier"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/display"
	"github.com/motcua/motcua/printer"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/queue"
	"github.com/motcua/motcua/server/store"
)

// Version is set at build time with -ldflags "-X github.com/motcua/motcua/server.Version=…".
var Version = "dev"

// Options start an App.
type Options struct {
	// ConfigPath is a TOML file; empty runs the embedded demo center.
	ConfigPath string
	// DataDir holds motcua.db, the virtual printers' spool and secrets.
	DataDir string
	// Listen overrides the config's listen address ("127.0.0.1:0" in tests).
	Listen string
	// Simulate adds simulated citizens and officials (the lively demo).
	Simulate bool
	// Clock defaults to the system clock.
	Clock clock.Clock
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Out receives what a person must read once: the demo accounts'
	// passwords at first start, the start page URL. Default os.Stdout.
	Out io.Writer
}

// App is the running daemon.
type App struct {
	opts   Options
	Cfg    *config.Config
	Demo   bool
	DB     *store.DB
	Engine *queue.Engine
	Hub    *display.Hub
	log    *slog.Logger
	clock  clock.Clock

	devMu    sync.Mutex
	devices  map[string]DeviceState
	printers map[string]printer.Printer // by kiosk or counter id
	profiles map[string]printer.Profile
	pstate   map[string]PrinterState
	spools   map[string]string // virtual printer owner → spool directory

	metrics *metrics
	limiter *limiter
	tokens  *auth.TokenCache
	srv     *http.Server
	ln      net.Listener
	bg      sync.WaitGroup
	stopBg  context.CancelFunc
	tickets *ticketHub // the ticket pages' websockets (ticketws.go)
	live    *liveFeed  // the console's and the monitor's websockets (live.go)
	keypads keypads    // the rating keypads' drivers (keypads.go)
	// Dossiers are the dossiers received at the counters (dossiers.go).
	Dossiers *dossier.Store
	screens  screenWatch
}

// DeviceState is what /healthz and the console say of a device.
type DeviceState struct {
	Kind   string `json:"kind"`
	URI    string `json:"uri,omitempty"`
	State  string `json:"state"` // loaded, skipped, failed
	Reason string `json:"reason,omitempty"`
}

// Open loads the configuration, opens and migrates the database, starts the
// engine and the devices, and binds the listener; Run serves.
func Open(ctx context.Context, opts Options) (*App, error) {
	if opts.Clock == nil {
		opts.Clock = clock.System{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	if opts.DataDir == "" {
		opts.DataDir = "data"
	}
	a := &App{opts: opts, log: opts.Logger, clock: opts.Clock, devices: map[string]DeviceState{},
		printers: map[string]printer.Printer{}, profiles: map[string]printer.Profile{}, pstate: map[string]PrinterState{}, spools: map[string]string{}}
	if opts.ConfigPath == "" {
		a.Cfg, a.Demo = config.Demo(), true
	} else {
		cfg, err := config.Load(opts.ConfigPath)
		if err != nil {
			return nil, err
		}
		a.Cfg = cfg
	}
	if err := os.MkdirAll(opts.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	db, err := store.Open(ctx, filepath.Join(opts.DataDir, "motcua.db"))
	if err != nil {
		return nil, err
	}
	a.DB = db
	fail := func(err error) (*App, error) {
		a.Close()
		return nil, err
	}
	if err := a.ensureStaff(ctx); err != nil {
		return fail(err)
	}
	if _, err := a.kioskPIN(); err != nil {
		return fail(err)
	}
	a.Engine, err = queue.New(ctx, db, a.Cfg, a.clock, a.log)
	if err != nil {
		return fail(err)
	}
	hours, err := a.calendarHours()
	if err != nil {
		return fail(err)
	}
	overrides, err := a.allOverrides(ctx)
	if err != nil {
		return fail(err)
	}
	a.Dossiers = dossier.New(a.Engine, db, a.Cfg, overrides, hours, a.clock)
	a.Hub = display.NewHub(&displaySource{a: a}, display.Options{Logger: a.log})
	a.openDevices()
	a.metrics = newMetrics()
	a.limiter = newLimiter(a.clock)
	a.tokens = auth.NewTokenCache(30 * time.Second)
	listen := opts.Listen
	if listen == "" {
		listen = a.Cfg.Center.Listen
	}
	a.ln, err = net.Listen("tcp", listen)
	if err != nil {
		return fail(fmt.Errorf("listen %s: %w", listen, err))
	}
	a.srv = &http.Server{
		Handler:           a.routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.With("component", "http").Handler(), slog.LevelWarn),
	}
	bgctx, cancel := context.WithCancel(context.Background())
	a.stopBg = cancel
	a.bg.Add(2)
	go func() { defer a.bg.Done(); a.relayEvents(bgctx) }()
	go func() { defer a.bg.Done(); a.pollPrinters(bgctx) }()
	a.startTicketHub(bgctx)
	a.live = newLiveFeed(a)
	a.openKeypads(bgctx) // before anything reads a.keypads
	a.bg.Add(1)
	go func() { defer a.bg.Done(); a.live.run(bgctx) }()
	if opts.Simulate {
		a.bg.Add(1)
		go func() { defer a.bg.Done(); a.simulate(bgctx) }()
	}
	return a, nil
}

// Addr is the address the daemon listens on.
func (a *App) Addr() string { return a.ln.Addr().String() }

// URL is the start page's URL.
func (a *App) URL() string {
	host, port, _ := net.SplitHostPort(a.Addr())
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// PublicURL is the base of links printed in QR codes.
func (a *App) PublicURL() string {
	if u := strings.TrimRight(a.Cfg.Center.PublicURL, "/"); u != "" {
		return u
	}
	return strings.TrimRight(a.URL(), "/")
}

// Run serves HTTP until ctx is done, then shuts down gracefully: HTTP first
// (requests in flight finish, up to 10 s), then the devices, then the
// database.
func (a *App) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- a.srv.Serve(a.ln) }()
	sdNotify("READY=1\nSTATUS=serving " + a.Addr())
	stopWD := a.watchdog()
	defer stopWD()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	sdNotify("STOPPING=1")
	a.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a.Hub.Close()
	if err := a.srv.Shutdown(sctx); err != nil {
		a.log.Warn("http shutdown", "err", err)
	}
	return nil
}

// Close releases everything: background work, devices, engine, database.
// Safe to call after a failed Open and more than once.
func (a *App) Close() error {
	var errs []error
	if a.srv != nil {
		a.srv.Close()
	} else if a.ln != nil {
		a.ln.Close()
	}
	if a.stopBg != nil {
		a.stopBg()
		a.bg.Wait()
		a.stopBg = nil
	}
	if err := a.closeKeypads(); err != nil {
		errs = append(errs, fmt.Errorf("keypads: %w", err))
	}
	if a.Hub != nil {
		a.Hub.Close()
	}
	a.devMu.Lock()
	for id, p := range a.printers {
		if err := p.Close(); err != nil {
			errs = append(errs, fmt.Errorf("printer %s: %w", id, err))
		}
	}
	a.printers = map[string]printer.Printer{}
	a.devMu.Unlock()
	if a.Engine != nil {
		errs = append(errs, a.Engine.Close())
		a.Engine = nil
	}
	if a.DB != nil {
		errs = append(errs, a.DB.Close())
		a.DB = nil
	}
	return errors.Join(errs...)
}

// openDevices opens each configured printer. Optional hardware never blocks
// start-up: a device is loaded, skipped (not configured) or failed (with the
// reason), and /healthz says which.
func (a *App) openDevices() {
	open := func(id, kind, uri, profile string) {
		key := kind + ":" + id
		if uri == "" {
			a.devices[key] = DeviceState{Kind: kind, State: "skipped", Reason: "not configured"}
			return
		}
		t, err := printer.ParseURI(uri)
		if err == nil && t.Scheme == printer.SchemeVirtual && !filepath.IsAbs(t.Path) {
			// a relative spool lives in the data directory
			uri = printer.SchemeVirtual + ":" + filepath.Join(a.opts.DataDir, t.Path)
		}
		var p printer.Printer
		var prof printer.Profile
		if err == nil {
			prof, err = printer.LookupProfile(profile)
		}
		if err == nil {
			p, err = printer.Open(id, uri, printer.WithClock(a.clock.Now), printer.WithProfile(prof))
		}
		if err != nil {
			a.devices[key] = DeviceState{Kind: kind, URI: uri, State: "failed", Reason: err.Error()}
			a.log.Warn("printer failed", "component", "printer", "device", id, "err", err)
			return
		}
		a.printers[id] = p
		a.profiles[id] = prof
		if vt, err := printer.ParseURI(uri); err == nil && vt.Scheme == printer.SchemeVirtual {
			a.spools[id] = vt.Path
		}
		a.devices[key] = DeviceState{Kind: kind, URI: uri, State: "loaded"}
	}
	for _, k := range a.Cfg.Kiosks {
		open(k.ID, "printer", k.Printer, k.PrinterProfile)
	}
	for _, c := range a.Cfg.Counters {
		open(c.ID, "printer", c.Printer, c.PrinterProfile)
	}
}

// Devices returns the device states.
func (a *App) Devices() map[string]DeviceState {
	a.devMu.Lock()
	defer a.devMu.Unlock()
	out := make(map[string]DeviceState, len(a.devices))
	for k, v := range a.devices {
		out[k] = v
	}
	return out
}

// ensureStaff creates the configured staff accounts that do not exist yet,
// each with a random password printed once.
func (a *App) ensureStaff(ctx context.Context) error {
	var made []string
	for _, s := range a.Cfg.Staff {
		ok, err := auth.UserExists(ctx, a.DB, s.Username)
		if err != nil {
			return fmt.Errorf("staff: %w", err)
		}
		if ok {
			continue
		}
		pw := NewPassword()
		if _, err := auth.CreateUser(ctx, a.DB, auth.User{Username: s.Username, Name: s.Name, Role: s.Role, Counter: s.Counter}, pw, a.clock.Now()); err != nil {
			return fmt.Errorf("staff %s: %w", s.Username, err)
		}
		made = append(made, fmt.Sprintf("  %-10s %-11s %s  (%s)", s.Username, s.Role, pw, s.Name))
	}
	if len(made) > 0 {
		fmt.Fprintf(a.opts.Out, "Tài khoản cán bộ mới tạo — mật khẩu chỉ in ra một lần này, hãy ghi lại:\nNew staff accounts — passwords are shown only this once:\n%s\n",
			strings.Join(made, "\n"))
	}
	return nil
}

// NewPassword returns a random password of 14 characters from an alphabet
// without look-alikes (no 0/O, 1/l/I), easy to copy from a printout.
func NewPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	raw := []byte(auth.Secret(32))
	out := make([]byte, 0, 14)
	for _, b := range raw {
		// Secret is base64url, 64 symbols; keep only those that map evenly.
		i := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", b)
		if i < 56 {
			out = append(out, alphabet[i])
		}
		if len(out) == 14 {
			break
		}
	}
	for len(out) < 14 { // practically never: 32 symbols give 14 usable ones
		out = append(out, NewPassword()[0])
	}
	return string(out)
}

func verify(ctx context.Context, a *App) (int, error) { return queue.Verify(ctx, a.DB.R) }
