package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/motcua/motcua/server/store"
)

// UserInfo is a staff account as the admin page lists it: never its
// password hash.
type UserInfo struct {
	ID         int64     `json:"id"`
	Username   string    `json:"username"`
	Name       string    `json:"name"`
	Role       string    `json:"role"`
	Counter    string    `json:"counter"`
	Department string    `json:"department"`
	Disabled   bool      `json:"disabled"`
	CreatedAt  time.Time `json:"created_at"`
	// Sessions is how many sign-ins of this account are active now.
	Sessions int `json:"sessions"`
}

const userInfoQuery = `SELECT u.id, u.username, u.name, u.role, u.counter, u.department, u.disabled, u.created_at,
	(SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > ?)
	FROM users u`

func scanUserInfo(r interface{ Scan(...any) error }) (UserInfo, error) {
	var u UserInfo
	var disabled int
	var created int64
	if err := r.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.Counter, &u.Department, &disabled, &created, &u.Sessions); err != nil {
		return u, err
	}
	u.Disabled = disabled != 0
	u.CreatedAt = time.UnixMilli(created).UTC()
	return u, nil
}

// ListUsers returns every staff account by username.
func ListUsers(ctx context.Context, db *store.DB, now time.Time) ([]UserInfo, error) {
	rows, err := db.R.QueryContext(ctx, userInfoQuery+" ORDER BY u.username", now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("auth: users: %w", err)
	}
	defer rows.Close()
	out := []UserInfo{}
	for rows.Next() {
		u, err := scanUserInfo(rows)
		if err != nil {
			return nil, fmt.Errorf("auth: users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// GetUser returns one staff account, ErrNotFound when there is none.
func GetUser(ctx context.Context, db *store.DB, username string, now time.Time) (UserInfo, error) {
	u, err := scanUserInfo(db.R.QueryRowContext(ctx, userInfoQuery+" WHERE u.username = ?", now.UnixMilli(), username))
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("auth: user %s: %w", username, err)
	}
	return u, nil
}

// UserChange is an edit of a staff account; nil fields stay as they are.
type UserChange struct {
	Name       *string
	Role       *string
	Counter    *string
	Department *string
	Disabled   *bool
	Password   *string
}

// UpdateUser applies c to username. Any change of role, counter, password
// or a disabling ends the account's sessions in the same transaction: a
// session carries the role and counter it was opened with, so it must not
// outlive them.
func UpdateUser(ctx context.Context, db *store.DB, username string, c UserChange) error {
	if c.Role != nil && *c.Role != RoleOfficial && *c.Role != RoleSupervisor && *c.Role != RoleAdmin {
		return fmt.Errorf("auth: staff role must be official, supervisor or admin, not %q", *c.Role)
	}
	if c.Name != nil && strings.TrimSpace(*c.Name) == "" {
		return errors.New("auth: a user needs a name")
	}
	var newHash string
	if c.Password != nil {
		if len(*c.Password) < 10 {
			return errors.New("auth: a password needs at least 10 characters")
		}
		h, err := bcrypt.GenerateFromPassword([]byte(*c.Password), PasswordCost)
		if err != nil {
			return fmt.Errorf("auth: hash password: %w", err)
		}
		newHash = string(h)
	}
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("auth: update user: %w", err)
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx, "SELECT id FROM users WHERE username = ?", username).Scan(&id); errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	} else if err != nil {
		return fmt.Errorf("auth: update user: %w", err)
	}
	set := func(col string, v any) error {
		_, err := tx.ExecContext(ctx, "UPDATE users SET "+col+" = ? WHERE id = ?", v, id)
		return err
	}
	var errs []error
	if c.Name != nil {
		errs = append(errs, set("name", strings.TrimSpace(*c.Name)))
	}
	if c.Role != nil {
		errs = append(errs, set("role", *c.Role))
	}
	if c.Counter != nil {
		errs = append(errs, set("counter", *c.Counter))
	}
	if c.Department != nil {
		errs = append(errs, set("department", *c.Department))
	}
	if c.Disabled != nil {
		d := 0
		if *c.Disabled {
			d = 1
		}
		errs = append(errs, set("disabled", d))
	}
	if c.Password != nil {
		errs = append(errs, set("password_hash", newHash))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("auth: update user: %w", err)
	}
	if c.Role != nil || c.Counter != nil || c.Department != nil || c.Password != nil || (c.Disabled != nil && *c.Disabled) {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
			return fmt.Errorf("auth: end sessions: %w", err)
		}
	}
	return tx.Commit()
}

// DeleteUserSessions signs a staff account out everywhere; it returns how
// many sessions ended.
func DeleteUserSessions(ctx context.Context, db *store.DB, userID int64) (int64, error) {
	res, err := db.W.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	if err != nil {
		return 0, fmt.Errorf("auth: end sessions: %w", err)
	}
	return res.RowsAffected()
}

// Official is a staff member signed in at a counter now.
type Official struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Counter  string `json:"counter"`
}

// ActiveOfficials lists who is signed in at which counter, by their latest
// sign-in: the people a ticket can be transferred to.
func ActiveOfficials(ctx context.Context, db *store.DB, now time.Time) ([]Official, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT u.username, u.name, s.place FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.kind = 'user' AND s.place <> '' AND s.expires_at > ? AND u.disabled = 0
		AND s.created_at = (SELECT MAX(created_at) FROM sessions s2 WHERE s2.user_id = s.user_id AND s2.place <> '' AND s2.expires_at > ?)
		ORDER BY s.place, u.username`, now.UnixMilli(), now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("auth: officials: %w", err)
	}
	defer rows.Close()
	out := []Official{}
	seen := map[string]bool{}
	for rows.Next() {
		var o Official
		if err := rows.Scan(&o.Username, &o.Name, &o.Counter); err != nil {
			return nil, fmt.Errorf("auth: officials: %w", err)
		}
		if !seen[o.Username] {
			seen[o.Username] = true
			out = append(out, o)
		}
	}
	return out, rows.Err()
}
