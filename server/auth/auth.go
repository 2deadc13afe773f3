// Package auth holds motcua's credentials: bearer tokens for devices and
// scripts, staff accounts with bcrypt passwords, cookie sessions with a CSRF
// secret, and pairing codes that turn a browser into a kiosk, a screen or a
// counter PC. Secrets are stored only as SHA-256 (tokens, sessions, pairing
// codes) or bcrypt (passwords).
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/motcua/motcua/server/store"
)

// Roles, from least to most trusted staff; kiosk and display are devices.
const (
	RoleKiosk   = "kiosk"
	RoleDisplay = "display"
	// RoleRatingpad is a tablet at a counter on which citizens rate the
	// service (/rate/{counter}), for centers without keypads.
	RoleRatingpad  = "ratingpad"
	RoleOfficial   = "official"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// ValidRole reports whether r is a role.
func ValidRole(r string) bool {
	switch r {
	case RoleKiosk, RoleDisplay, RoleRatingpad, RoleOfficial, RoleSupervisor, RoleAdmin:
		return true
	}
	return false
}

// Principal is who made a request.
type Principal struct {
	Kind string // token, user, device
	Role string
	Name string
	// Place binds the credential: a counter for officials and counter PCs, a
	// kiosk or a screen for devices; empty means not bound.
	Place string
	// CSRF is the session's CSRF secret; empty for bearer tokens, which a
	// browser never sends by itself.
	CSRF string
	// UserID and Username name the staff account of a user session; zero
	// and empty for tokens and devices.
	UserID   int64
	Username string
	// Department is the staff account's department, if any: its dossier
	// lists are that department's.
	Department string
}

// Is reports whether p has one of roles; admin has every role.
func (p *Principal) Is(roles ...string) bool {
	if p == nil {
		return false
	}
	if p.Role == RoleAdmin {
		return true
	}
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// ErrNotFound is returned for an unknown, expired or revoked credential.
var ErrNotFound = errors.New("credential not found")

// Secret returns n random bytes as unpadded base64url.
func Secret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Equal compares secrets in constant time.
func Equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// CreateToken stores a new bearer token and returns its secret, shown once.
func CreateToken(ctx context.Context, db *store.DB, role, name, counter string, now time.Time) (string, error) {
	if !ValidRole(role) {
		return "", fmt.Errorf("auth: unknown role %q (kiosk, display, official, supervisor, admin)", role)
	}
	if strings.TrimSpace(name) == "" {
		return "", errors.New("auth: a token needs a name")
	}
	secret := "mc_" + Secret(32)
	if _, err := db.W.ExecContext(ctx, "INSERT INTO tokens (hash, role, name, counter, created_at) VALUES (?,?,?,?,?)",
		hash(secret), role, name, counter, now.UnixMilli()); err != nil {
		return "", fmt.Errorf("auth: store token: %w", err)
	}
	return secret, nil
}

// LookupToken finds the principal of a bearer token.
func LookupToken(ctx context.Context, db *store.DB, secret string) (*Principal, error) {
	p := &Principal{Kind: "token"}
	err := db.R.QueryRowContext(ctx, "SELECT role, name, counter FROM tokens WHERE hash = ? AND revoked_at IS NULL", hash(secret)).
		Scan(&p.Role, &p.Name, &p.Place)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("auth: token: %w", err)
	}
	return p, nil
}

// User is a staff account.
type User struct {
	ID         int64
	Username   string
	Name       string
	Role       string
	Counter    string
	Department string
}

// CreateUser adds a staff account; it fails if the username is taken.
func CreateUser(ctx context.Context, db *store.DB, u User, password string, now time.Time) (int64, error) {
	if u.Role != RoleOfficial && u.Role != RoleSupervisor && u.Role != RoleAdmin {
		return 0, fmt.Errorf("auth: staff role must be official, supervisor or admin, not %q", u.Role)
	}
	if len(password) < 10 {
		return 0, errors.New("auth: a password needs at least 10 characters")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return 0, fmt.Errorf("auth: hash password: %w", err)
	}
	res, err := db.W.ExecContext(ctx, "INSERT INTO users (username, name, role, counter, department, password_hash, created_at) VALUES (?,?,?,?,?,?,?)",
		u.Username, u.Name, u.Role, u.Counter, u.Department, string(h), now.UnixMilli())
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return 0, fmt.Errorf("auth: user %q exists", u.Username)
		}
		return 0, fmt.Errorf("auth: store user: %w", err)
	}
	return res.LastInsertId()
}

// UserExists reports whether username is taken.
func UserExists(ctx context.Context, db *store.DB, username string) (bool, error) {
	var n int
	err := db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE username = ?", username).Scan(&n)
	return n > 0, err
}

// PasswordCost is bcrypt's cost for new passwords. Tests lower it: at the
// default a daemon's first start hashes ten demo passwords, seconds under
// the race detector.
var PasswordCost = bcrypt.DefaultCost

// dummyHash keeps a failed sign-in for an unknown user as slow as one for a
// known user, so timing does not tell which usernames exist.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("motcua-no-such-user"), bcrypt.DefaultCost)

// CheckPassword returns the user when username and password match.
func CheckPassword(ctx context.Context, db *store.DB, username, password string) (User, error) {
	var u User
	var h string
	var disabled int
	err := db.R.QueryRowContext(ctx, "SELECT id, username, name, role, counter, password_hash, disabled FROM users WHERE username = ?", username).
		Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.Counter, &h, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: user: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(h), []byte(password)) != nil || disabled != 0 {
		return User{}, ErrNotFound
	}
	return u, nil
}

// Session is a new cookie session: the cookie value and the CSRF secret.
type Session struct {
	Cookie  string
	CSRF    string
	Expires time.Time
}

// CreateSession starts a cookie session for a user (userID > 0) or a device.
func CreateSession(ctx context.Context, db *store.DB, p Principal, userID int64, now time.Time, ttl time.Duration) (Session, error) {
	s := Session{Cookie: Secret(32), CSRF: Secret(24), Expires: now.Add(ttl)}
	var uid any
	kind := "device"
	if userID > 0 {
		uid, kind = userID, "user"
	}
	if _, err := db.W.ExecContext(ctx, "INSERT INTO sessions (hash, kind, user_id, role, name, place, csrf, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?)",
		hash(s.Cookie), kind, uid, p.Role, p.Name, p.Place, s.CSRF, now.UnixMilli(), s.Expires.UnixMilli()); err != nil {
		return Session{}, fmt.Errorf("auth: store session: %w", err)
	}
	return s, nil
}

// LookupSession finds the principal of a session cookie. The session of a
// disabled account is not found: disabling someone signs them out.
func LookupSession(ctx context.Context, db *store.DB, cookie string, now time.Time) (*Principal, error) {
	p := &Principal{}
	err := db.R.QueryRowContext(ctx, `SELECT s.kind, s.role, s.name, s.place, s.csrf, COALESCE(s.user_id, 0), COALESCE(u.username, ''), COALESCE(u.department, '')
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id
		WHERE s.hash = ? AND s.expires_at > ? AND COALESCE(u.disabled, 0) = 0`, hash(cookie), now.UnixMilli()).
		Scan(&p.Kind, &p.Role, &p.Name, &p.Place, &p.CSRF, &p.UserID, &p.Username, &p.Department)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	return p, nil
}

// DeleteSession ends one session.
func DeleteSession(ctx context.Context, db *store.DB, cookie string) error {
	_, err := db.W.ExecContext(ctx, "DELETE FROM sessions WHERE hash = ?", hash(cookie))
	return err
}

// CreatePairing makes a one-time pairing code for a device.
func CreatePairing(ctx context.Context, db *store.DB, role, place string, now time.Time, ttl time.Duration) (string, error) {
	if role != RoleKiosk && role != RoleDisplay && role != RoleOfficial && role != RoleRatingpad {
		return "", fmt.Errorf("auth: devices pair as kiosk, display, official (counter PC) or ratingpad, not %q", role)
	}
	code := Secret(18)
	if _, err := db.W.ExecContext(ctx, "INSERT INTO pairings (hash, role, place, created_at, expires_at) VALUES (?,?,?,?,?)",
		hash(code), role, place, now.UnixMilli(), now.Add(ttl).UnixMilli()); err != nil {
		return "", fmt.Errorf("auth: store pairing: %w", err)
	}
	return code, nil
}

// UsePairing spends a pairing code and returns the device it names.
func UsePairing(ctx context.Context, db *store.DB, code string, now time.Time) (role, place string, err error) {
	err = db.W.QueryRowContext(ctx, `UPDATE pairings SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ? RETURNING role, place`,
		now.UnixMilli(), hash(code), now.UnixMilli()).Scan(&role, &place)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("auth: pairing: %w", err)
	}
	return role, place, nil
}
