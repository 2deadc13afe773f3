// Command motcua runs the front office of a Vietnamese Public Administration
// Center: queue tickets, lobby screens, counters, rating keypads, dossiers.
//
//	motcua [serve] [--config FILE] [--data DIR] [--listen ADDR] [--simulate]
//	motcua token create --role ROLE --name NAME [--counter ID]
//	motcua user add --username U --name NAME --role ROLE [--counter ID]
//	motcua backup FILE
//	motcua audit verify
//	motcua print-test --printer URI [--layout ticket|receipt] [--paper 58|80]
//	motcua print-preview [--layout …] [--paper …] --out FILE.png
//	motcua version | help
//
// Every flag can also be set as MOTCUA_<FLAG> in the environment
// (MOTCUA_DATA, MOTCUA_CONFIG, MOTCUA_LISTEN, …); a flag wins over the
// environment.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/queue"
	"github.com/motcua/motcua/server/store"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "motcua:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

const usage = `motcua — phần mềm một cửa: lấy số, gọi số, đánh giá, hồ sơ.

Usage:
  motcua [serve] [--config FILE] [--data DIR] [--listen ADDR] [--simulate]
                 run the daemon; without --config, the embedded demo center
  motcua token create --role ROLE --name NAME [--counter ID]
                 make a bearer token (kiosk, display, official, supervisor,
                 admin); the token is printed alone on the last line
  motcua user add --username U --name NAME --role ROLE [--counter ID] [--password-stdin]
  motcua user passwd --username U [--password-stdin]   (a new password; signs the account out everywhere)
  motcua user list
                 add a staff account (official, supervisor, admin)
  motcua pair create --role kiosk|display|official|ratingpad --place ID [--url BASE]
                 a one-time link (valid 24 h) that makes a browser this kiosk,
                 lobby screen or counter PC
  motcua backup FILE
                 copy the live database to FILE (safe while serving)
  motcua audit verify
                 check the event log's hash chain
  motcua print-test --printer URI [--layout ticket|receipt] [--paper 58|80] [--profile NAME]
                 print a sample on a printer and show what its status said
  motcua print-preview [--layout ticket|receipt] [--paper 58|80] [--profile NAME] --out FILE.png
                 draw what a printer would print, without a printer
  motcua keypad-sim --port PATH [--baud 19200] --addr 1,2,3 [--keys 3|4] [--serial-prefix SIM]
                 rating keypads on a serial port (a socat pty will do), their
                 keys pressed from the terminal: "2", "3 1", "s", "q"
  motcua report [--from YYYY-MM-DD --to YYYY-MM-DD | --preset month|quarter|period-quarter|…]
                [--department ID] [--counter ID] [--format text|csv|json|xlsx]
                 the report of a period: queue, dossiers (Biểu II.06a),
                 satisfaction; text is the narrative the center publishes
  motcua version
  motcua help

Common flags: --data DIR (default "data"), --config FILE, --log-level
debug|info|warn|error. Each flag may be given as MOTCUA_<NAME> in the
environment, e.g. MOTCUA_DATA=/var/lib/motcua.
`

// flags makes a flag set whose defaults come from MOTCUA_* variables.
func flags(name string, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &common{}
	fs.StringVar(&c.data, "data", env("DATA", "data"), "data directory (database, spool, secrets)")
	fs.StringVar(&c.config, "config", env("CONFIG", ""), "center configuration (TOML); empty: the demo center")
	fs.StringVar(&c.logLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	return fs, c
}

type common struct{ data, config, logLevel string }

func env(name, def string) string {
	if v, ok := os.LookupEnv("MOTCUA_" + name); ok {
		return v
	}
	return def
}

// errHelp stops a command after its usage was printed for -h or --help.
var errHelp = errors.New("help shown")

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{err}
	}
	return nil
}

func logger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usageError{fmt.Errorf("--log-level: %w", err)}
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := dispatch(args, stdin, stdout, stderr)
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, stdout, stderr)
	case "token":
		if len(args) == 0 || args[0] != "create" {
			return usageError{errors.New("usage: motcua token create --role ROLE --name NAME [--counter ID]")}
		}
		return tokenCreate(args[1:], stdout, stderr)
	case "user":
		switch {
		case len(args) > 0 && args[0] == "add":
			return userAdd(args[1:], stdin, stdout, stderr)
		case len(args) > 0 && args[0] == "passwd":
			return userPasswd(args[1:], stdin, stdout, stderr)
		case len(args) > 0 && args[0] == "list":
			return userList(args[1:], stdout, stderr)
		}
		return usageError{errors.New("usage: motcua user add --username U --name NAME --role ROLE [--counter ID] | user passwd --username U | user list")}
	case "backup":
		return backup(args, stdout, stderr)
	case "audit":
		if len(args) == 0 || args[0] != "verify" {
			return usageError{errors.New("usage: motcua audit verify")}
		}
		return auditVerify(args[1:], stdout, stderr)
	case "pair":
		if len(args) == 0 || args[0] != "create" {
			return usageError{errors.New("usage: motcua pair create --role kiosk|display|official|ratingpad --place ID [--url BASE]")}
		}
		return pairCreate(args[1:], stdout, stderr)
	case "print-test":
		return printTest(args, stdout, stderr)
	case "print-preview":
		return printPreview(args, stdout, stderr)
	case "keypad-sim":
		return keypadSim(args, stdin, stdout, stderr)
	case "report":
		return reportCmd(args, stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "motcua %s (schema %d)\n", server.Version, store.Version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Errorf("unknown command %q; see motcua help", cmd)}
}

func serve(args []string, stdout, stderr io.Writer) error {
	fs, c := flags("serve", stderr)
	listen := fs.String("listen", env("LISTEN", ""), "HTTP address (default: the config's, 127.0.0.1:8080)")
	simulate := fs.Bool("simulate", env("SIMULATE", "") == "1" || env("SIMULATE", "") == "true", "add simulated citizens and officials")
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := logger(c.logLevel, stderr)
	if err != nil {
		return err
	}
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	app, err := server.Open(ctx, server.Options{ConfigPath: c.config, DataDir: c.data, Listen: *listen, Simulate: *simulate, Logger: log, Out: stdout})
	if err != nil {
		return err
	}
	defer app.Close()
	what := "config " + c.config
	if app.Demo {
		what = "trung tâm mẫu (demo)"
	}
	fmt.Fprintf(stdout, "motcua %s — %s — %s\nTrang bắt đầu / start page: %s\n", server.Version, app.Cfg.Center.Name, what, app.URL())
	log.Info("serving", "addr", app.Addr(), "data", c.data)
	if err := app.Run(ctx); err != nil {
		return err
	}
	return app.Close()
}

// openStore opens the database for a command run beside the daemon.
func openStore(ctx context.Context, data string) (*store.DB, error) {
	path := filepath.Join(data, "motcua.db")
	return store.Open(ctx, path)
}

func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Demo(), nil
	}
	return config.Load(path)
}

func tokenCreate(args []string, stdout, stderr io.Writer) error {
	fs, c := flags("token create", stderr)
	role := fs.String("role", "", "kiosk, display, official, supervisor or admin")
	name := fs.String("name", "", "who or what holds the token")
	counter := fs.String("counter", "", "bind the token to a counter (officials), a kiosk or a screen")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !auth.ValidRole(*role) || strings.TrimSpace(*name) == "" {
		return usageError{errors.New("token create needs --role (kiosk, display, official, supervisor, admin) and --name")}
	}
	if *counter != "" {
		cfg, err := loadConfig(c.config)
		if err != nil {
			return err
		}
		_, k := cfg.Counter(*counter)
		_, ki := cfg.Kiosk(*counter)
		_, sc := cfg.Screen(*counter)
		if !k && !ki && !sc {
			return usageError{fmt.Errorf("--counter %q is no counter, kiosk or screen of the center", *counter)}
		}
	}
	ctx := context.Background()
	db, err := openStore(ctx, c.data)
	if err != nil {
		return err
	}
	defer db.Close()
	tok, err := auth.CreateToken(ctx, db, *role, *name, *counter, clock.System{}.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Token for %s (%s) — shown only once:\n%s\n", *name, *role, tok)
	return nil
}

func userAdd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, c := flags("user add", stderr)
	username := fs.String("username", "", "sign-in name")
	name := fs.String("name", "", "full name, as recorded with every action")
	role := fs.String("role", "official", "official, supervisor or admin")
	counter := fs.String("counter", "", "the official's counter")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input (else one is generated)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" || *name == "" {
		return usageError{errors.New("user add needs --username and --name")}
	}
	if r := *role; r != auth.RoleOfficial && r != auth.RoleSupervisor && r != auth.RoleAdmin {
		return usageError{fmt.Errorf("--role %q: staff are official, supervisor or admin", r)}
	}
	if *counter != "" {
		cfg, err := loadConfig(c.config)
		if err != nil {
			return err
		}
		if _, ok := cfg.Counter(*counter); !ok {
			return usageError{fmt.Errorf("--counter %q is no counter of the center", *counter)}
		}
	}
	pw, err := readPassword(*fromStdin, stdin)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := openStore(ctx, c.data)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := auth.CreateUser(ctx, db, auth.User{Username: *username, Name: *name, Role: *role, Counter: *counter}, pw, time.Now()); err != nil {
		return err
	}
	if *fromStdin {
		fmt.Fprintf(stdout, "User %s added.\n", *username)
	} else {
		fmt.Fprintf(stdout, "User %s added. Password (shown only once):\n%s\n", *username, pw)
	}
	return nil
}

// readPassword is the password on stdin's first line, or a generated one.
func readPassword(fromStdin bool, stdin io.Reader) (string, error) {
	if !fromStdin {
		return server.NewPassword(), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// userPasswd sets a new password, for the admin who forgot theirs: it needs
// access to the data directory, not a session.
func userPasswd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, c := flags("user passwd", stderr)
	username := fs.String("username", "", "sign-in name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input (else one is generated)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usageError{errors.New("user passwd needs --username")}
	}
	pw, err := readPassword(*fromStdin, stdin)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := openStore(ctx, c.data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := auth.UpdateUser(ctx, db, *username, auth.UserChange{Password: &pw}); errors.Is(err, auth.ErrNotFound) {
		return fmt.Errorf("no user %q", *username)
	} else if err != nil {
		return err
	}
	if *fromStdin {
		fmt.Fprintf(stdout, "Password of %s changed; its sessions ended.\n", *username)
	} else {
		fmt.Fprintf(stdout, "Password of %s changed; its sessions ended. New password (shown only once):\n%s\n", *username, pw)
	}
	return nil
}

func userList(args []string, stdout, stderr io.Writer) error {
	fs, c := flags("user list", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := openStore(ctx, c.data)
	if err != nil {
		return err
	}
	defer db.Close()
	us, err := auth.ListUsers(ctx, db, time.Now())
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tNAME\tROLE\tCOUNTER\tSTATE\tSESSIONS")
	for _, u := range us {
		state := "active"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", u.Username, u.Name, u.Role, u.Counter, state, u.Sessions)
	}
	return tw.Flush()
}

func backup(args []string, stdout, stderr io.Writer) error {
	fs, c := flags("backup", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("usage: motcua backup [--data DIR] FILE")}
	}
	ctx := context.Background()
	db, err := openStore(ctx, c.data)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	st, err := os.Stat(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "Backup written to %s (%d bytes, %s).\n", fs.Arg(0), st.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

func auditVerify(args []string, stdout, stderr io.Writer) error {
	fs, c := flags("audit verify", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := openStore(ctx, c.data)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := queue.Verify(ctx, db.R)
	if err != nil {
		return fmt.Errorf("%d events good, then: %w", n, err)
	}
	fmt.Fprintf(stdout, "Event log intact: %d events, hash chain verified.\n", n)
	return nil
}

func pairCreate(args []string, stdout, stderr io.Writer) error {
	fs, c := flags("pair create", stderr)
	role := fs.String("role", "", "kiosk, display, official (a counter PC) or ratingpad (a rating tablet at a counter)")
	place := fs.String("place", "", "the kiosk, screen or counter id")
	base := fs.String("url", "", "the daemon's address as the device sees it, e.g. http://192.168.1.10:8080 (default: the config's public_url)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(c.config)
	if err != nil {
		return err
	}
	ok := false
	switch *role {
	case auth.RoleKiosk:
		_, ok = cfg.Kiosk(*place)
	case auth.RoleDisplay:
		_, ok = cfg.Screen(*place)
	case auth.RoleOfficial, auth.RoleRatingpad:
		_, ok = cfg.Counter(*place)
	}
	if !ok {
		return usageError{fmt.Errorf("pair create needs --role kiosk|display|official|ratingpad and a --place of that kind in the center (got %q %q)", *role, *place)}
	}
	ctx := context.Background()
	db, err := openStore(ctx, c.data)
	if err != nil {
		return err
	}
	defer db.Close()
	code, err := auth.CreatePairing(ctx, db, *role, *place, time.Now(), 24*time.Hour)
	if err != nil {
		return err
	}
	u := strings.TrimRight(*base, "/")
	if u == "" {
		u = strings.TrimRight(cfg.Center.PublicURL, "/")
	}
	if u == "" {
		u = "http://" + cfg.Center.Listen
	}
	fmt.Fprintf(stdout, "Mở liên kết này một lần trên thiết bị %s %s (hết hạn sau 24 giờ) / open once on the device:\n%s/pair/%s\n", *role, *place, u, code)
	return nil
}

func reportCmd(args []string, stdout, stderr io.Writer) error {
	fs, c := flags("report", stderr)
	from := fs.String("from", "", "first day, YYYY-MM-DD")
	to := fs.String("to", "", "last day, YYYY-MM-DD")
	preset := fs.String("preset", "", "today, week, month, quarter, year, period-quarter, period-half, period-year")
	dept := fs.String("department", "", "one department")
	counter := fs.String("counter", "", "one counter")
	format := fs.String("format", "text", "text, csv, json or xlsx")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch *format {
	case "text", "csv", "json", "xlsx":
	default:
		return usageError{fmt.Errorf("--format %q: text, csv, json or xlsx", *format)}
	}
	if (*from == "") != (*to == "") {
		return usageError{errors.New("report needs both --from and --to, or a --preset")}
	}
	q := url.Values{}
	for k, v := range map[string]string{"from": *from, "to": *to, "preset": *preset, "department": *dept, "counter": *counter} {
		if v != "" {
			q.Set(k, v)
		}
	}
	cfg, err := loadConfig(c.config)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := openStore(ctx, c.data)
	if err != nil {
		return err
	}
	defer db.Close()
	return server.RunReport(ctx, cfg, db, q, *format, stdout)
}
