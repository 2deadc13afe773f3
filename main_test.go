package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/motcua/motcua/server/auth"
	"github.com/motcua/motcua/server/clock"
	"github.com/motcua/motcua/server/config"
	"github.com/motcua/motcua/server/queue"
	"github.com/motcua/motcua/server/store"
)

// runCmd calls run as the shell would, with stdin and captured output.
func runCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func isUsage(err error) bool {
	var ue usageError
	return errors.As(err, &ue)
}

// openData opens the database a command wrote in the data directory dir.
func openData(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestVersionAndHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"version"}, []string{"motcua ", fmt.Sprintf("(schema %d)", store.Version())}},
		{[]string{"help"}, []string{"serve", "token create", "user add", "backup", "audit verify", "version", "help", "MOTCUA_DATA"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, _, err := runCmd(t, "", tt.args...)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output %q: missing %q", out, w)
				}
			}
		})
	}
	out, _, _ := runCmd(t, "", "version")
	if !strings.HasPrefix(out, "motcua ") {
		t.Errorf("version: got %q, want it to start with %q", out, "motcua ")
	}
}

// TestUsageErrors checks that bad command lines are usage errors (exit 2)
// and are refused before any database is made.
func TestUsageErrors(t *testing.T) {
	data := t.TempDir()
	t.Setenv("MOTCUA_DATA", data)
	tests := []struct {
		name string
		args []string
	}{
		{"unknown command", []string{"frobnicate"}},
		{"token without create", []string{"token"}},
		{"token list", []string{"token", "list"}},
		{"token create bad role", []string{"token", "create", "--role", "root", "--name", "K1"}},
		{"token create no role", []string{"token", "create", "--name", "K1"}},
		{"token create no name", []string{"token", "create", "--role", "kiosk"}},
		{"token create blank name", []string{"token", "create", "--role", "kiosk", "--name", "  "}},
		{"token create unknown counter", []string{"token", "create", "--role", "official", "--name", "Q", "--counter", "quay-99"}},
		{"token create unknown place", []string{"token", "create", "--role", "kiosk", "--name", "K", "--counter", "kiosk-9"}},
		{"token create unknown flag", []string{"token", "create", "--role", "kiosk", "--name", "K", "--colour", "red"}},
		{"user without add", []string{"user"}},
		{"user add no username", []string{"user", "add", "--name", "N"}},
		{"user add no name", []string{"user", "add", "--username", "u"}},
		{"user add unknown counter", []string{"user", "add", "--username", "u", "--name", "N", "--counter", "sanh"}},
		{"backup without file", []string{"backup"}},
		{"backup two files", []string{"backup", "a.db", "b.db"}},
		{"audit without verify", []string{"audit"}},
		{"audit fix", []string{"audit", "fix"}},
		{"serve bad log level", []string{"serve", "--log-level", "loud"}},
		{"serve unknown flag", []string{"serve", "--port", "80"}},
		{"bare unknown flag", []string{"--port", "80"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runCmd(t, "", tt.args...)
			if !isUsage(err) {
				t.Errorf("got %v (%T), want a usageError", err, err)
			}
			if strings.Contains(out, "mc_") {
				t.Errorf("stdout: got %q, want no token", out)
			}
			if ents, _ := os.ReadDir(data); len(ents) != 0 {
				t.Errorf("data dir after a usage error: got %d entries, want none", len(ents))
			}
		})
	}
}

func TestTokenCreate(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		role, name, counter string
	}{
		{auth.RoleKiosk, "K1", ""},
		{auth.RoleKiosk, "Kiosk cửa chính", "kiosk-1"},
		{auth.RoleDisplay, "Màn hình sảnh", "sanh"},
		{auth.RoleOfficial, "Quầy 1", "quay-1"},
		{auth.RoleAdmin, "sao lưu", ""},
	}
	for _, tt := range tests {
		t.Run(tt.role+" "+tt.name, func(t *testing.T) {
			args := []string{"token", "create", "--role", tt.role, "--name", tt.name, "--data", data}
			if tt.counter != "" {
				args = append(args, "--counter", tt.counter)
			}
			out, errOut, err := runCmd(t, "", args...)
			if err != nil {
				t.Fatalf("got error %v (stderr %q), want none", err, errOut)
			}
			if !strings.HasSuffix(out, "\n") {
				t.Errorf("stdout %q: want it to end with a newline", out)
			}
			tok := lastLine(out)
			if !strings.HasPrefix(tok, "mc_") || strings.ContainsAny(tok, " \t\r") {
				t.Fatalf("last line: got %q, want the token alone", tok)
			}
			if strings.Count(out, tok) != 1 {
				t.Errorf("stdout %q: want the token exactly once", out)
			}
			p, err := auth.LookupToken(context.Background(), openData(t, data), tok)
			if err != nil {
				t.Fatalf("printed token does not work: %v", err)
			}
			want := auth.Principal{Kind: "token", Role: tt.role, Name: tt.name, Place: tt.counter}
			if *p != want {
				t.Errorf("got %+v, want %+v", *p, want)
			}
		})
	}
}

func TestDataFromEnvironment(t *testing.T) {
	envDir, flagDir := t.TempDir(), t.TempDir()
	t.Setenv("MOTCUA_DATA", envDir)
	tests := []struct {
		name    string
		args    []string
		wantDir string
		other   string
	}{
		{"environment", nil, envDir, flagDir},
		{"flag wins", []string{"--data", flagDir}, flagDir, envDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"token", "create", "--role", "kiosk", "--name", tt.name}, tt.args...)
			out, _, err := runCmd(t, "", args...)
			if err != nil {
				t.Fatal(err)
			}
			tok := lastLine(out)
			if _, err := auth.LookupToken(context.Background(), openData(t, tt.wantDir), tok); err != nil {
				t.Errorf("token in %s: got %v, want it there", tt.wantDir, err)
			}
			if _, err := auth.LookupToken(context.Background(), openData(t, tt.other), tok); !errors.Is(err, auth.ErrNotFound) {
				t.Errorf("token in %s: got %v, want ErrNotFound", tt.other, err)
			}
		})
	}
}

func TestUserAdd(t *testing.T) {
	const pw = "correct horse battery"
	tests := []struct {
		name     string
		args     []string
		stdin    string
		password string // "" means: the generated one, on the last line
		want     auth.User
	}{
		{
			name:     "password from stdin",
			args:     []string{"--username", "u1", "--name", "Nguyễn Văn A", "--role", "official", "--counter", "quay-1", "--password-stdin"},
			stdin:    pw + "\n",
			password: pw,
			want:     auth.User{Username: "u1", Name: "Nguyễn Văn A", Role: auth.RoleOfficial, Counter: "quay-1"},
		},
		{
			name:     "CRLF line end",
			args:     []string{"--username", "u2", "--name", "Trần Thị B", "--role", "supervisor", "--password-stdin"},
			stdin:    pw + "\r\n",
			password: pw,
			want:     auth.User{Username: "u2", Name: "Trần Thị B", Role: auth.RoleSupervisor},
		},
		{
			name:     "stdin without newline",
			args:     []string{"--username", "u3", "--name", "C", "--password-stdin"},
			stdin:    pw,
			password: pw,
			want:     auth.User{Username: "u3", Name: "C", Role: auth.RoleOfficial},
		},
		{
			name: "generated password",
			args: []string{"--username", "u4", "--name", "D", "--role", "admin"},
			want: auth.User{Username: "u4", Name: "D", Role: auth.RoleAdmin},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := t.TempDir()
			out, errOut, err := runCmd(t, tt.stdin, append([]string{"user", "add", "--data", data}, tt.args...)...)
			if err != nil {
				t.Fatalf("got %v (stderr %q), want no error", err, errOut)
			}
			password := tt.password
			if password == "" {
				password = lastLine(out)
				if len(password) != 14 {
					t.Errorf("generated password: got %q, want 14 characters on the last line", password)
				}
			} else if strings.Contains(out, password) {
				t.Errorf("stdout %q echoes the password read from stdin", out)
			}
			db := openData(t, data)
			u, err := auth.CheckPassword(context.Background(), db, tt.want.Username, password)
			if err != nil {
				t.Fatalf("CheckPassword: %v", err)
			}
			tt.want.ID = u.ID
			if u != tt.want {
				t.Errorf("got %+v, want %+v", u, tt.want)
			}
			if _, err := auth.CheckPassword(context.Background(), db, tt.want.Username, password+"x"); !errors.Is(err, auth.ErrNotFound) {
				t.Errorf("wrong password: got %v, want ErrNotFound", err)
			}
		})
	}
}

func TestUserAddRefused(t *testing.T) {
	data := t.TempDir()
	const pw = "correct horse battery"
	if _, _, err := runCmd(t, pw+"\n", "user", "add", "--data", data, "--username", "u1", "--name", "A", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"duplicate username", []string{"--username", "u1", "--name", "B"}, ""},
		{"short password", []string{"--username", "u2", "--name", "C", "--password-stdin"}, "short\n"},
		{"empty password", []string{"--username", "u3", "--name", "C", "--password-stdin"}, ""},
		{"device role", []string{"--username", "u4", "--name", "C", "--role", "kiosk"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runCmd(t, tt.stdin, append([]string{"user", "add", "--data", data}, tt.args...)...)
			if err == nil {
				t.Fatalf("got no error (stdout %q), want one", out)
			}
		})
	}
	// the first account is intact and no other was made
	db := openData(t, data)
	if u, err := auth.CheckPassword(context.Background(), db, "u1", pw); err != nil || u.Name != "A" {
		t.Errorf("u1: got %+v, %v; want name A", u, err)
	}
	var n int
	if err := db.R.QueryRow("SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("users: got %d, want 1", n)
	}
}

func TestBackup(t *testing.T) {
	data := t.TempDir()
	out, _, err := runCmd(t, "", "token", "create", "--role", "kiosk", "--name", "K1", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	tok := lastLine(out)
	dest := filepath.Join(data, "x.db")

	out, _, err = runCmd(t, "", "backup", "--data", data, dest)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.Contains(out, "Backup written to "+dest) {
		t.Errorf("stdout: got %q, want it to name %s", out, dest)
	}
	raw, err := sql.Open("sqlite3", "file:"+dest+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var ok string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if ok != "ok" {
		t.Errorf("integrity_check: got %q, want ok", ok)
	}
	orig, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}

	// again to the same file: refused, the first copy kept
	_, _, err = runCmd(t, "", "backup", "--data", data, dest)
	if err == nil || isUsage(err) || !strings.Contains(err.Error(), "exists") {
		t.Errorf("second backup: got %v, want an error saying the file exists", err)
	}
	got, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, orig) {
		t.Errorf("existing backup changed: got %d bytes, want the original %d", len(got), len(orig))
	}

	// the copy is a working motcua database: the token is in it
	bdb, err := store.Open(context.Background(), dest)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer bdb.Close()
	if _, err := auth.LookupToken(context.Background(), bdb, tok); err != nil {
		t.Errorf("token in the backup: %v", err)
	}
}

// issueTickets writes n tickets, and so their events, through the queue
// engine, as the daemon would.
func issueTickets(t *testing.T, data string, n int) int {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(data, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e, err := queue.New(ctx, db, config.Demo(), clock.NewFake(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := e.Issue(ctx, queue.IssueRequest{Service: "dang-ky-doanh-nghiep", Kiosk: "kiosk-1"}); err != nil {
			t.Fatalf("issue %d: %v", i+1, err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	var events int
	if err := db.R.QueryRow("SELECT COUNT(*) FROM events").Scan(&events); err != nil {
		t.Fatal(err)
	}
	return events
}

func TestAuditVerify(t *testing.T) {
	t.Run("fresh database", func(t *testing.T) {
		out, _, err := runCmd(t, "", "audit", "verify", "--data", t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, " 0 events") || !strings.Contains(out, "intact") {
			t.Errorf("got %q, want 0 events intact", out)
		}
	})

	tests := []struct {
		name    string
		tamper  string
		wantErr string // "" means intact
	}{
		{"untouched", "", ""},
		{"actor of every event edited", "UPDATE events SET actor = 'x'", "event 1"},
		{"actor of one event edited", "UPDATE events SET actor = 'x' WHERE id = 2", "event 2"},
		{"data of the last event edited", "UPDATE events SET data = '{}' WHERE id = 3", "event 3"},
		{"time moved", "UPDATE events SET at = at - 1000 WHERE id = 2", "event 2"},
		{"event deleted", "DELETE FROM events WHERE id = 2", "event 3"},
		{"hash replaced", "UPDATE events SET hash = 'ab' WHERE id = 1", "event 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := t.TempDir()
			n := issueTickets(t, data, 3)
			if n < 3 {
				t.Fatalf("events after 3 tickets: got %d, want at least 3", n)
			}
			if tt.tamper != "" {
				raw, err := sql.Open("sqlite3", "file:"+filepath.Join(data, "motcua.db"))
				if err != nil {
					t.Fatal(err)
				}
				res, err := raw.Exec(tt.tamper)
				if err != nil {
					t.Fatal(err)
				}
				if k, _ := res.RowsAffected(); k == 0 {
					t.Fatalf("%q changed no row", tt.tamper)
				}
				raw.Close()
			}
			out, _, err := runCmd(t, "", "audit", "verify", "--data", data)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want an intact log", err)
				}
				if want := fmt.Sprintf(" %d events", n); !strings.Contains(out, want) {
					t.Errorf("got %q, want %q", out, want)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error (stdout %q), want one at %s", out, tt.wantErr)
			}
			if isUsage(err) {
				t.Errorf("got a usage error %v, want a plain one", err)
			}
			if !regexp.MustCompile(`\b` + tt.wantErr + `\b`).MatchString(err.Error()) {
				t.Errorf("got %q, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

// TestRunChild is not a test by itself: the tests below start the test
// binary again with MOTCUA_TEST_CHILD set, and then it is `motcua` with
// the arguments in MOTCUA_TEST_ARGS (separated by 0x1f), exiting as main
// does.
func TestRunChild(t *testing.T) {
	if os.Getenv("MOTCUA_TEST_CHILD") != "1" {
		t.Skip("helper process for TestServeGracefulShutdown")
	}
	err := run(strings.Split(os.Getenv("MOTCUA_TEST_ARGS"), "\x1f"), os.Stdin, os.Stdout, os.Stderr)
	code := 0
	if err != nil {
		fmt.Fprintln(os.Stderr, "motcua:", err)
		code = 1
		if isUsage(err) {
			code = 2
		}
	}
	os.Exit(code)
}

// child returns the command that runs `motcua args…` in a new process,
// with no MOTCUA_ or systemd variables of ours.
func child(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestRunChild$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MOTCUA_") && !strings.HasPrefix(kv, "NOTIFY_SOCKET=") && !strings.HasPrefix(kv, "WATCHDOG_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "MOTCUA_TEST_CHILD=1", "MOTCUA_TEST_ARGS="+strings.Join(args, "\x1f"))
	cmd.Dir = t.TempDir()
	return cmd
}

// watcher is a child's stdout: it keeps everything and reports the start
// page's URL once the line is printed.
type watcher struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	url  chan string
	sent bool
}

var startPage = regexp.MustCompile(`Trang bắt đầu / start page: (http://\S+)\n`)

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := startPage.FindSubmatch(w.buf.Bytes()); m != nil && !w.sent {
		w.sent = true
		w.url <- string(m[1])
	}
	return len(p), nil
}

func (w *watcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// lockedBuffer is a child's stderr, read while the child writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeGracefulShutdown starts `motcua serve` as its own process, as
// systemd would, and stops it with SIGTERM: it must finish cleanly, exit 0
// and say so in its log.
func TestServeGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a daemon process")
	}
	data := t.TempDir()
	cmd := child(t, "serve", "--listen", "127.0.0.1:0", "--data", data)
	stdout := &watcher{url: make(chan string, 1)}
	stderr := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
	})

	var base string
	select {
	case base = <-stdout.url:
	case <-exited:
		t.Fatalf("serve exited before it served: %v\nstdout:\n%s\nstderr:\n%s", waitErr, stdout, stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("no start page line after 60 s\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	}

	res, err := http.Get(base + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET %shealthz: got %d %s, want 200", base, res.StatusCode, body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Errorf("after SIGTERM: got %v, want exit code 0\nstderr:\n%s", waitErr, stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10 s after SIGTERM\nstderr:\n%s", stderr)
	}
	log := stderr.String()
	if !strings.Contains(log, "shutting down") {
		t.Errorf("log: got %q, want it to contain %q", log, "shutting down")
	}
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("log has errors:\n%s", log)
	}
	if _, err := http.Get(base + "healthz"); err == nil {
		t.Errorf("GET %shealthz after exit: got an answer, want the port closed", base)
	}
}

// TestHelpFlag asks every command for -h or --help: it must print the usage
// and exit 0 without doing anything (no daemon, no database).
func TestHelpFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	tests := [][]string{
		{"--help"},
		{"-h"},
		{"serve", "--help"},
		{"token", "create", "-h"},
		{"user", "add", "-h"},
		{"backup", "-h"},
		{"audit", "verify", "-h"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			data := t.TempDir()
			cmd := child(t, args...)
			cmd.Env = append(cmd.Env, "MOTCUA_DATA="+data, "MOTCUA_LISTEN=127.0.0.1:0")
			var out lockedBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var waitErr error
			exited := make(chan struct{})
			go func() { waitErr = cmd.Wait(); close(exited) }()
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("still running after 10 s, want it to print the usage and exit\noutput:\n%s", &out)
			}
			if waitErr != nil {
				t.Errorf("got %v, want exit code 0\noutput:\n%s", waitErr, &out)
			}
			if !strings.Contains(out.String(), "Usage:") {
				t.Errorf("output: got %q, want the usage", &out)
			}
			if ents, _ := os.ReadDir(data); len(ents) != 0 {
				t.Errorf("data dir: got %d entries, want none", len(ents))
			}
		})
	}
}

func TestPairCreate(t *testing.T) {
	dir := t.TempDir()
	var so, se bytes.Buffer
	if err := run([]string{"pair", "create", "--role", "kiosk", "--place", "kiosk-2", "--data", dir, "--url", "http://10.0.0.5:8080/"}, nil, &so, &se); err != nil {
		t.Fatalf("%v: %s", err, se.String())
	}
	lines := strings.Split(strings.TrimSpace(so.String()), "\n")
	link := lines[len(lines)-1]
	if !strings.HasPrefix(link, "http://10.0.0.5:8080/pair/") || len(link) < len("http://10.0.0.5:8080/pair/")+20 {
		t.Fatalf("last line %q is not a pairing link", link)
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	role, place, err := auth.UsePairing(context.Background(), db, strings.TrimPrefix(link, "http://10.0.0.5:8080/pair/"), time.Now())
	if err != nil || role != "kiosk" || place != "kiosk-2" {
		t.Errorf("the link pairs %q %q (%v), want kiosk kiosk-2", role, place, err)
	}
	for _, bad := range [][]string{{"pair"}, {"pair", "create", "--role", "kiosk", "--place", "nope", "--data", dir}, {"pair", "create", "--role", "admin", "--place", "quay-1", "--data", dir}} {
		var ue usageError
		if err := run(bad, nil, &so, &se); !errors.As(err, &ue) {
			t.Errorf("%v: got %v, want a usage error", bad, err)
		}
	}
}

func TestUserPasswdAndList(t *testing.T) {
	data := t.TempDir()
	const pw = "correct horse battery"
	if _, _, err := runCmd(t, pw+"\n", "user", "add", "--data", data, "--username", "u1", "--name", "Nguyễn Văn A", "--counter", "quay-1", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "", "user", "passwd", "--data", data, "--username", "u1")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	newPW := lines[len(lines)-1]
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(data, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := auth.CheckPassword(ctx, db, "u1", pw); err == nil {
		t.Error("the old password still works")
	}
	if _, err := auth.CheckPassword(ctx, db, "u1", newPW); err != nil {
		t.Errorf("the new password %q: %v", newPW, err)
	}
	if _, _, err := runCmd(t, "", "user", "passwd", "--data", data, "--username", "khong-co"); err == nil {
		t.Error("passwd of an unknown user worked")
	}
	out, _, err = runCmd(t, "", "user", "list", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "u1") || !strings.Contains(out, "Nguyễn Văn A") || !strings.Contains(out, "quay-1") || strings.Contains(out, "$2a$") {
		t.Errorf("user list: %q", out)
	}
}

func TestReportCommand(t *testing.T) {
	data := t.TempDir()
	out, _, err := runCmd(t, "", "report", "--data", data, "--from", "2026-01-01", "--to", "2026-01-31")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Từ ngày 01/01/2026 đến ngày 31/01/2026") || !strings.Contains(out, "không tiếp nhận") {
		t.Errorf("empty month's narrative: %q", out)
	}
	out, _, err = runCmd(t, "", "report", "--data", data, "--preset", "month", "--format", "json")
	if err != nil || !strings.Contains(out, `"Queue"`) {
		t.Errorf("json: %v %.200s", err, out)
	}
	out, _, err = runCmd(t, "", "report", "--data", data, "--from", "2026-01-01", "--to", "2026-01-31", "--format", "csv")
	if err != nil || !strings.HasPrefix(out, "\ufeff") {
		t.Errorf("csv: %v %.100q", err, out)
	}
	for _, bad := range [][]string{{"--from", "2026-01-01"}, {"--format", "pdf"}, {"--from", "2026-02-01", "--to", "2026-01-01"}} {
		if _, _, err := runCmd(t, "", append([]string{"report", "--data", data}, bad...)...); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
