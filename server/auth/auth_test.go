package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/motcua/motcua/server/store"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// rowText renders every column of every row of a query, to search a table
// for a secret.
func rowText(t *testing.T, db *store.DB, query string) string {
	t.Helper()
	rows, err := db.R.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%v\x1f", v)
		}
		b.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestTokenRoundTrip(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	tests := []struct {
		role, name, place string
	}{
		{RoleKiosk, "Kiosk cửa chính", "kiosk-1"},
		{RoleDisplay, "Màn hình sảnh", "sanh"},
		{RoleOfficial, "Quầy 1", "quay-1"},
		{RoleSupervisor, "Giám sát", ""},
		{RoleAdmin, "script sao lưu", ""},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			secret, err := CreateToken(ctx, db, tt.role, tt.name, tt.place, t0)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(secret, "mc_") || len(secret) < 40 {
				t.Errorf("secret: got %q, want mc_ and at least 37 more characters", secret)
			}
			p, err := LookupToken(ctx, db, secret)
			if err != nil {
				t.Fatal(err)
			}
			want := Principal{Kind: "token", Role: tt.role, Name: tt.name, Place: tt.place}
			if *p != want {
				t.Errorf("got %+v, want %+v", *p, want)
			}
		})
	}
}

func TestTokenStoredAsHash(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	secret, err := CreateToken(ctx, db, RoleKiosk, "K1", "kiosk-1", t0)
	if err != nil {
		t.Fatal(err)
	}
	all := rowText(t, db, "SELECT * FROM tokens")
	body := strings.TrimPrefix(secret, "mc_")
	for _, s := range []string{secret, body} {
		if strings.Contains(all, s) {
			t.Errorf("tokens table holds the secret %q: %q", s, all)
		}
	}
	var h string
	if err := db.R.QueryRow("SELECT hash FROM tokens").Scan(&h); err != nil {
		t.Fatal(err)
	}
	if want := sha256Hex(secret); h != want {
		t.Errorf("stored hash: got %q, want SHA-256 of the secret %q", h, want)
	}
}

func TestLookupTokenNotFound(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	revoked, err := CreateToken(ctx, db, RoleAdmin, "old script", "", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec("UPDATE tokens SET revoked_at = ? WHERE hash = ?", t0.UnixMilli(), sha256Hex(revoked)); err != nil {
		t.Fatal(err)
	}
	good, err := CreateToken(ctx, db, RoleKiosk, "K1", "", t0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, secret string
	}{
		{"unknown", "mc_" + Secret(32)},
		{"empty", ""},
		{"revoked", revoked},
		{"truncated", good[:len(good)-1]},
		{"hash instead of secret", sha256Hex(good)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := LookupToken(ctx, db, tt.secret)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("got %+v, %v; want ErrNotFound", p, err)
			}
		})
	}
}

func TestCreateTokenRefused(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	tests := []struct {
		name, role, holder string
	}{
		{"unknown role", "root", "K1"},
		{"empty role", "", "K1"},
		{"role in capitals", "Admin", "K1"},
		{"empty name", RoleKiosk, ""},
		{"blank name", RoleKiosk, " \t "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret, err := CreateToken(ctx, db, tt.role, tt.holder, "", t0)
			if err == nil {
				t.Errorf("got token %q, want an error", secret)
			}
		})
	}
	var n int
	if err := db.R.QueryRow("SELECT COUNT(*) FROM tokens").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("tokens stored: got %d, want 0", n)
	}
}

func TestUsers(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	const pw = "mật khẩu đủ dài"
	u := User{Username: "canbo1", Name: "Lê Minh Tuấn", Role: RoleOfficial, Counter: "quay-1"}
	id, err := CreateUser(ctx, db, u, pw, t0)
	if err != nil {
		t.Fatal(err)
	}
	if id <= 0 {
		t.Errorf("id: got %d, want > 0", id)
	}
	u.ID = id
	if _, err := CreateUser(ctx, db, User{Username: "off", Name: "Nghỉ việc", Role: RoleOfficial}, pw, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec("UPDATE users SET disabled = 1 WHERE username = 'off'"); err != nil {
		t.Fatal(err)
	}

	t.Run("check password", func(t *testing.T) {
		tests := []struct {
			name, username, password string
			want                     User
			wantErr                  error
		}{
			{"right password", "canbo1", pw, u, nil},
			{"wrong password", "canbo1", pw + "x", User{}, ErrNotFound},
			{"empty password", "canbo1", "", User{}, ErrNotFound},
			{"username case differs", "CANBO1", pw, User{}, ErrNotFound},
			{"unknown user", "nobody", pw, User{}, ErrNotFound},
			{"disabled user", "off", pw, User{}, ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := CheckPassword(ctx, db, tt.username, tt.password)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got error %v, want %v", err, tt.wantErr)
				}
				if got != tt.want {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
			})
		}
	})

	t.Run("stored as bcrypt", func(t *testing.T) {
		var h string
		if err := db.R.QueryRow("SELECT password_hash FROM users WHERE username = 'canbo1'").Scan(&h); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$2") {
			t.Errorf("password_hash: got %q, want a bcrypt hash starting with $2", h)
		}
		if err := bcrypt.CompareHashAndPassword([]byte(h), []byte(pw)); err != nil {
			t.Errorf("password_hash does not match the password: %v", err)
		}
		if all := rowText(t, db, "SELECT * FROM users"); strings.Contains(all, pw) {
			t.Errorf("users table holds the password in clear: %q", all)
		}
	})

	t.Run("refused", func(t *testing.T) {
		tests := []struct {
			name     string
			u        User
			password string
		}{
			{"short password", User{Username: "u2", Name: "N", Role: RoleOfficial}, "123456789"},
			{"duplicate username", User{Username: "canbo1", Name: "Another", Role: RoleSupervisor}, pw},
			{"device role", User{Username: "u3", Name: "N", Role: RoleKiosk}, pw},
			{"empty role", User{Username: "u4", Name: "N"}, pw},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id, err := CreateUser(ctx, db, tt.u, tt.password, t0)
				if err == nil {
					t.Errorf("got user %d, want an error", id)
				}
			})
		}
		var n int
		if err := db.R.QueryRow("SELECT COUNT(*) FROM users").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("users: got %d, want 2", n)
		}
		// the first account kept its password
		if _, err := CheckPassword(ctx, db, "canbo1", pw); err != nil {
			t.Errorf("canbo1 after a refused duplicate: %v", err)
		}
	})

	t.Run("exists", func(t *testing.T) {
		for name, want := range map[string]bool{"canbo1": true, "off": true, "nobody": false} {
			got, err := UserExists(ctx, db, name)
			if err != nil || got != want {
				t.Errorf("UserExists(%q): got %v (%v), want %v", name, got, err, want)
			}
		}
	})
}

func TestSessions(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	uid, err := CreateUser(ctx, db, User{Username: "giamsat", Name: "Trần Thị Thu Hà", Role: RoleSupervisor}, "mật khẩu đủ dài", t0)
	if err != nil {
		t.Fatal(err)
	}
	const ttl = 8 * time.Hour
	tests := []struct {
		name     string
		p        Principal
		userID   int64
		kind     string
		username string
	}{
		{"user", Principal{Role: RoleSupervisor, Name: "Trần Thị Thu Hà"}, uid, "user", "giamsat"},
		{"device", Principal{Role: RoleDisplay, Name: "Màn hình sảnh", Place: "sanh"}, 0, "device", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := CreateSession(ctx, db, tt.p, tt.userID, t0, ttl)
			if err != nil {
				t.Fatal(err)
			}
			if s.Cookie == "" || s.CSRF == "" || s.Cookie == s.CSRF {
				t.Errorf("session: got cookie %q and csrf %q, want two different secrets", s.Cookie, s.CSRF)
			}
			if !s.Expires.Equal(t0.Add(ttl)) {
				t.Errorf("expires: got %v, want %v", s.Expires, t0.Add(ttl))
			}
			if all := rowText(t, db, "SELECT * FROM sessions"); strings.Contains(all, s.Cookie) {
				t.Errorf("sessions table holds the cookie in clear: %q", all)
			}

			want := Principal{Kind: tt.kind, Role: tt.p.Role, Name: tt.p.Name, Place: tt.p.Place, CSRF: s.CSRF, UserID: tt.userID, Username: tt.username}
			lookups := []struct {
				name    string
				cookie  string
				at      time.Time
				wantErr error
			}{
				{"at once", s.Cookie, t0, nil},
				{"just before expiry", s.Cookie, t0.Add(ttl - time.Millisecond), nil},
				{"at expiry", s.Cookie, t0.Add(ttl), ErrNotFound},
				{"after expiry", s.Cookie, t0.Add(ttl + time.Hour), ErrNotFound},
				{"wrong cookie", Secret(32), t0, ErrNotFound},
				{"csrf as cookie", s.CSRF, t0, ErrNotFound},
			}
			for _, l := range lookups {
				p, err := LookupSession(ctx, db, l.cookie, l.at)
				if !errors.Is(err, l.wantErr) {
					t.Errorf("%s: got %+v, %v; want error %v", l.name, p, err, l.wantErr)
					continue
				}
				if l.wantErr == nil && *p != want {
					t.Errorf("%s: got %+v, want %+v", l.name, *p, want)
				}
			}

			if err := DeleteSession(ctx, db, s.Cookie); err != nil {
				t.Fatal(err)
			}
			if p, err := LookupSession(ctx, db, s.Cookie, t0); !errors.Is(err, ErrNotFound) {
				t.Errorf("after DeleteSession: got %+v, %v; want ErrNotFound", p, err)
			}
		})
	}
}

func TestDeleteSessionLeavesOthers(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	p := Principal{Role: RoleKiosk, Name: "K", Place: "kiosk-1"}
	a, err := CreateSession(ctx, db, p, 0, t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b, err := CreateSession(ctx, db, p, 0, t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := DeleteSession(ctx, db, a.Cookie); err != nil {
		t.Fatal(err)
	}
	if _, err := LookupSession(ctx, db, b.Cookie, t0); err != nil {
		t.Errorf("other session after DeleteSession: got %v, want it alive", err)
	}
}

func TestPairing(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	const ttl = 10 * time.Minute

	t.Run("single use", func(t *testing.T) {
		code, err := CreatePairing(ctx, db, RoleKiosk, "kiosk-1", t0, ttl)
		if err != nil {
			t.Fatal(err)
		}
		if all := rowText(t, db, "SELECT * FROM pairings"); strings.Contains(all, code) {
			t.Errorf("pairings table holds the code in clear: %q", all)
		}
		role, place, err := UsePairing(ctx, db, code, t0.Add(time.Minute))
		if err != nil || role != RoleKiosk || place != "kiosk-1" {
			t.Errorf("first use: got %q, %q, %v; want %q, %q, nil", role, place, err, RoleKiosk, "kiosk-1")
		}
		role, place, err = UsePairing(ctx, db, code, t0.Add(2*time.Minute))
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("second use: got %q, %q, %v; want ErrNotFound", role, place, err)
		}
	})

	t.Run("expiry", func(t *testing.T) {
		tests := []struct {
			name    string
			at      time.Time
			wantErr error
		}{
			{"just before expiry", t0.Add(ttl - time.Millisecond), nil},
			{"at expiry", t0.Add(ttl), ErrNotFound},
			{"a day later", t0.Add(24 * time.Hour), ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				code, err := CreatePairing(ctx, db, RoleDisplay, "sanh", t0, ttl)
				if err != nil {
					t.Fatal(err)
				}
				role, place, err := UsePairing(ctx, db, code, tt.at)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got %q, %q, %v; want error %v", role, place, err, tt.wantErr)
				}
				if tt.wantErr == nil && (role != RoleDisplay || place != "sanh") {
					t.Errorf("got %q, %q; want %q, %q", role, place, RoleDisplay, "sanh")
				}
			})
		}
	})

	t.Run("unknown code", func(t *testing.T) {
		if _, _, err := UsePairing(ctx, db, Secret(18), t0); !errors.Is(err, ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})

	t.Run("roles", func(t *testing.T) {
		tests := []struct {
			role    string
			wantErr bool
		}{
			{RoleKiosk, false},
			{RoleDisplay, false},
			{RoleOfficial, false},
			{RoleSupervisor, true},
			{RoleAdmin, true},
			{"", true},
			{"printer", true},
		}
		for _, tt := range tests {
			t.Run(tt.role, func(t *testing.T) {
				code, err := CreatePairing(ctx, db, tt.role, "x", t0, ttl)
				if (err != nil) != tt.wantErr {
					t.Errorf("got code %q, error %v; want error: %v", code, err, tt.wantErr)
				}
			})
		}
	})
}

func TestPrincipalIs(t *testing.T) {
	tests := []struct {
		name  string
		p     *Principal
		roles []string
		want  bool
	}{
		{"nil principal", nil, []string{RoleKiosk}, false},
		{"own role", &Principal{Role: RoleOfficial}, []string{RoleOfficial}, true},
		{"one of several", &Principal{Role: RoleDisplay}, []string{RoleKiosk, RoleDisplay}, true},
		{"other role", &Principal{Role: RoleOfficial}, []string{RoleSupervisor}, false},
		{"device is not staff", &Principal{Role: RoleKiosk}, []string{RoleOfficial, RoleSupervisor}, false},
		{"supervisor is not admin", &Principal{Role: RoleSupervisor}, []string{RoleAdmin}, false},
		{"no roles asked", &Principal{Role: RoleOfficial}, nil, false},
		{"admin passes kiosk", &Principal{Role: RoleAdmin}, []string{RoleKiosk}, true},
		{"admin passes display", &Principal{Role: RoleAdmin}, []string{RoleDisplay}, true},
		{"admin passes official", &Principal{Role: RoleAdmin}, []string{RoleOfficial}, true},
		{"admin passes supervisor", &Principal{Role: RoleAdmin}, []string{RoleSupervisor}, true},
		{"admin passes admin", &Principal{Role: RoleAdmin}, []string{RoleAdmin}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Is(tt.roles...); got != tt.want {
				t.Errorf("%+v.Is(%q): got %v, want %v", tt.p, tt.roles, got, tt.want)
			}
		})
	}
}

func TestTokenCache(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	const ttl = 30 * time.Second

	t.Run("cached", func(t *testing.T) {
		c := NewTokenCache(ttl)
		secret, err := CreateToken(ctx, db, RoleKiosk, "K1", "kiosk-1", t0)
		if err != nil {
			t.Fatal(err)
		}
		want := Principal{Kind: "token", Role: RoleKiosk, Name: "K1", Place: "kiosk-1"}
		p, err := c.Lookup(ctx, db, secret, t0)
		if err != nil || *p != want {
			t.Fatalf("first lookup: got %+v, %v; want %+v", p, err, want)
		}
		p.Role = RoleAdmin // a caller's edit must not reach the cache

		// Revoked in the database: the cache answers until ttl.
		if _, err := db.W.Exec("UPDATE tokens SET revoked_at = 1 WHERE hash = ?", sha256Hex(secret)); err != nil {
			t.Fatal(err)
		}
		if _, err := LookupToken(ctx, db, secret); !errors.Is(err, ErrNotFound) {
			t.Fatalf("database lookup of a revoked token: got %v, want ErrNotFound", err)
		}
		p, err = c.Lookup(ctx, db, secret, t0.Add(ttl-time.Second))
		if err != nil || *p != want {
			t.Errorf("within ttl: got %+v, %v; want the cached %+v", p, err, want)
		}
		p, err = c.Lookup(ctx, db, secret, t0.Add(ttl))
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("after ttl: got %+v, %v; want ErrNotFound", p, err)
		}
	})

	t.Run("unknown not cached", func(t *testing.T) {
		c := NewTokenCache(ttl)
		secret := "mc_" + Secret(32)
		if p, err := c.Lookup(ctx, db, secret, t0); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown token: got %+v, %v; want ErrNotFound", p, err)
		}
		// The token appears (as if made by `motcua token create` in another
		// process): the next lookup must see it, not a remembered miss.
		if _, err := db.W.Exec("INSERT INTO tokens (hash, role, name, counter, created_at) VALUES (?, ?, ?, '', 0)",
			sha256Hex(secret), RoleDisplay, "S1"); err != nil {
			t.Fatal(err)
		}
		p, err := c.Lookup(ctx, db, secret, t0.Add(time.Second))
		if err != nil || p.Role != RoleDisplay || p.Name != "S1" {
			t.Errorf("after the token was stored: got %+v, %v; want display S1", p, err)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		c := NewTokenCache(ttl)
		secret, err := CreateToken(ctx, db, RoleOfficial, "Q1", "quay-1", t0)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Go(func() {
				p, err := c.Lookup(ctx, db, secret, t0.Add(time.Duration(i)*time.Second))
				if err == nil && p.Name != "Q1" {
					err = fmt.Errorf("got name %q, want Q1", p.Name)
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	})
}
