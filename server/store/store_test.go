package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// openTest opens a fresh database in a temp dir and closes it when the test
// ends.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenCreatesFile(t *testing.T) {
	// a directory that does not exist yet: Open makes it
	path := filepath.Join(t.TempDir(), "sub", "dir", "motcua.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("database file: %v", err)
	}
	if !st.Mode().IsRegular() {
		t.Errorf("got mode %v, want a regular file", st.Mode())
	}
	if db.Path != path {
		t.Errorf("got Path %q, want %q", db.Path, path)
	}
}

// TestPragmas checks every connection the daemon uses: the writer and
// several readers at once (each reader is its own SQLite connection and
// must get the same settings).
func TestPragmas(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()

	conns := map[string]*sql.Conn{}
	w, err := db.W.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conns["writer"] = w
	for i := range 3 {
		r, err := db.R.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns[fmt.Sprintf("reader %d", i)] = r
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()

	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
	}
	for name, c := range conns {
		for _, tt := range tests {
			t.Run(name+"/"+tt.pragma, func(t *testing.T) {
				var got string
				if err := c.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != tt.want {
					t.Errorf("PRAGMA %s: got %q, want %q", tt.pragma, got, tt.want)
				}
			})
		}
		t.Run(name+"/query_only", func(t *testing.T) {
			want := "1"
			if name == "writer" {
				want = "0"
			}
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA query_only").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("PRAGMA query_only: got %q, want %q", got, want)
			}
		})
	}
}

func TestReadPoolRefusesWrites(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	tests := []struct {
		name string
		sql  string
	}{
		{"insert", "INSERT INTO tokens (hash, role, name, created_at) VALUES ('h', 'admin', 'n', 0)"},
		{"create table", "CREATE TABLE scratch (x INTEGER)"},
		{"user_version", "PRAGMA user_version = 99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.R.ExecContext(ctx, tt.sql); err == nil {
				t.Errorf("read pool ran %q: got no error, want one", tt.sql)
			}
		})
	}
	var n int
	if err := db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM tokens").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("tokens after refused writes: got %d rows, want 0", n)
	}
	if v, err := SchemaVersion(ctx, db.W); err != nil || v != Version() {
		t.Errorf("user_version after refused writes: got %d (%v), want %d", v, err, Version())
	}
	// the writer, by contrast, writes
	if _, err := db.W.ExecContext(ctx, tests[0].sql); err != nil {
		t.Errorf("writer: %v", err)
	}
}

func TestSchemaVersion(t *testing.T) {
	if Version() < 1 {
		t.Fatalf("Version(): got %d, want at least 1", Version())
	}
	db := openTest(t)
	for name, pool := range map[string]*sql.DB{"writer": db.W, "reader": db.R} {
		got, err := SchemaVersion(context.Background(), pool)
		if err != nil {
			t.Fatal(err)
		}
		if got != Version() {
			t.Errorf("%s: user_version: got %d, want %d", name, got, Version())
		}
	}
}

// schema lists the database's objects and their SQL.
func schema(t *testing.T, q *sql.DB) []string {
	t.Helper()
	rows, err := q.Query("SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_schema ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReopenIsNoOp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "motcua.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, "INSERT INTO tokens (hash, role, name, created_at) VALUES ('h1', 'kiosk', 'K1', 1)"); err != nil {
		t.Fatal(err)
	}
	before := schema(t, db.W)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	for i := range 2 {
		db, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen %d: %v", i+1, err)
		}
		if v, err := SchemaVersion(ctx, db.R); err != nil || v != Version() {
			t.Errorf("reopen %d: user_version: got %d (%v), want %d", i+1, v, err, Version())
		}
		after := schema(t, db.W)
		if strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Errorf("reopen %d: schema changed:\ngot  %q\nwant %q", i+1, after, before)
		}
		var name string
		if err := db.R.QueryRowContext(ctx, "SELECT name FROM tokens WHERE hash = 'h1'").Scan(&name); err != nil || name != "K1" {
			t.Errorf("reopen %d: token row: got %q (%v), want %q", i+1, name, err, "K1")
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTooNewIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "motcua.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	// a newer motcua migrated this file
	newer := Version() + 1
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(fmt.Sprintf("PRAGMA user_version = %d", newer)); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	db, err = Open(ctx, path)
	if err == nil {
		db.Close()
		t.Fatal("Open of a newer database: got no error, want ErrTooNew")
	}
	if !errors.Is(err, ErrTooNew) {
		t.Errorf("got %v, want errors.Is(err, ErrTooNew)", err)
	}

	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, orig) {
		t.Errorf("refused database file changed: got %d bytes, want the original %d bytes unchanged", len(got), len(orig))
	}
	raw, err = sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if v, err := SchemaVersion(ctx, raw); err != nil || v != newer {
		t.Errorf("user_version after refusal: got %d (%v), want %d", v, err, newer)
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if _, err := db.W.ExecContext(ctx, `INSERT INTO tickets (id, token, issued_service, service, day, seq, number, state, issued_at, queued_at)
		VALUES (1, 'tok1', 's', 's', '2026-01-05', 1, '1001', 'called', 0, 0)`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		sql     string
		wantErr bool
	}{
		{"current references no ticket", "INSERT INTO counters (id, state, current, updated_at) VALUES ('q1', 'open', 999, 0)", true},
		{"last_finished references no ticket", "INSERT INTO counters (id, state, last_finished, updated_at) VALUES ('q2', 'open', 999, 0)", true},
		{"session of no user", "INSERT INTO sessions (hash, kind, user_id, role, name, csrf, created_at, expires_at) VALUES ('h', 'user', 999, 'official', 'n', 'c', 0, 1)", true},
		{"current references a ticket", "INSERT INTO counters (id, state, current, updated_at) VALUES ('q3', 'open', 1, 0)", false},
		{"no current ticket", "INSERT INTO counters (id, state, updated_at) VALUES ('q4', 'open', 0)", false},
		{"delete a referenced ticket", "DELETE FROM tickets WHERE id = 1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.W.ExecContext(ctx, tt.sql)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
					t.Errorf("got %v, want a FOREIGN KEY constraint error", err)
				}
			} else if err != nil {
				t.Errorf("got %v, want no error", err)
			}
		})
	}
}

// TestBackupWhileWriting copies the database while another goroutine keeps
// committing. Every transaction writes one tokens row and one sequences row
// with the same number, so a consistent snapshot holds rows 1..k of both
// and nothing else.
func TestBackupWhileWriting(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()

	var mu sync.Mutex
	written := 0
	count := func() int { mu.Lock(); defer mu.Unlock(); return written }
	stop := make(chan struct{})
	werr := make(chan error, 1)
	go func() {
		for i := 1; ; i++ {
			select {
			case <-stop:
				werr <- nil
				return
			default:
			}
			err := func() error {
				tx, err := db.W.BeginTx(ctx, nil)
				if err != nil {
					return err
				}
				defer tx.Rollback()
				if _, err := tx.Exec("INSERT INTO tokens (id, hash, role, name, created_at) VALUES (?, ?, 'kiosk', ?, ?)",
					i, fmt.Sprintf("hash-%d", i), strings.Repeat("x", 200), i); err != nil {
					return err
				}
				if _, err := tx.Exec("INSERT INTO sequences (service, day, last) VALUES ('s', ?, ?)", fmt.Sprintf("d%06d", i), i); err != nil {
					return err
				}
				return tx.Commit()
			}()
			if err != nil {
				werr <- fmt.Errorf("write %d: %w", i, err)
				return
			}
			mu.Lock()
			written = i
			mu.Unlock()
		}
	}()

	waitFor := func(n int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for count() < n {
			if time.Now().After(deadline) {
				t.Fatalf("writer: got %d rows, want %d", count(), n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitFor(200)
	dest := filepath.Join(t.TempDir(), "backup.db")
	berr := db.Backup(ctx, dest)
	afterBackup := count()
	// the writer was not stopped by the backup
	waitFor(afterBackup + 20)
	close(stop)
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	if berr != nil {
		t.Fatalf("backup: %v", berr)
	}
	if _, err := os.Stat(dest + ".part"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file %s.part: got %v, want it gone", dest, err)
	}

	b, err := sql.Open("sqlite3", "file:"+dest+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var ok string
	if err := b.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil {
		t.Fatal(err)
	}
	if ok != "ok" {
		t.Errorf("integrity_check: got %q, want %q", ok, "ok")
	}
	if v, err := SchemaVersion(ctx, b); err != nil || v != Version() {
		t.Errorf("backup user_version: got %d (%v), want %d", v, err, Version())
	}
	var n, lo, hi, seqs, seqMax int
	if err := b.QueryRow("SELECT COUNT(*), COALESCE(MIN(id),0), COALESCE(MAX(id),0) FROM tokens").Scan(&n, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRow("SELECT COUNT(*), COALESCE(MAX(last),0) FROM sequences").Scan(&seqs, &seqMax); err != nil {
		t.Fatal(err)
	}
	t.Logf("backup holds %d of the rows; %d were written when it returned", n, afterBackup)
	if n < 200 || n > afterBackup {
		t.Errorf("backup holds %d token rows, want between 200 (written before) and %d (written when it returned)", n, afterBackup)
	}
	if lo != 1 || hi != n {
		t.Errorf("backup token ids: got %d rows from %d to %d, want 1 to %d without gaps", n, lo, hi, n)
	}
	if seqs != n || seqMax != n {
		t.Errorf("backup sequences: got %d rows up to %d, want %d rows up to %d (same transactions as the tokens)", seqs, seqMax, n, n)
	}

	// the backup is a database this binary opens as is
	bdb, err := Open(ctx, dest)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	bdb.Close()
}

func TestBackupRefusesExistingDestination(t *testing.T) {
	db := openTest(t)
	dest := filepath.Join(t.TempDir(), "exists.db")
	want := []byte("precious, not a database")
	if err := os.WriteFile(dest, want, 0o600); err != nil {
		t.Fatal(err)
	}
	err := db.Backup(context.Background(), dest)
	if err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("got %v, want an error saying the destination exists", err)
	}
	got, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("destination: got %q, want it untouched %q", got, want)
	}
	if _, err := os.Stat(dest + ".part"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file: got %v, want none", err)
	}
}
