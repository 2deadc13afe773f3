package server

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
)

// The staff accounts API of the admin page. Answers carry auth.UserInfo,
// which has no password hash: a hash never leaves the server.

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

type userBody struct {
	Username   string  `json:"username"`
	Name       *string `json:"name"`
	Role       *string `json:"role"`
	Counter    *string `json:"counter"`
	Department *string `json:"department"`
	Disabled   *bool   `json:"disabled"`
	Password   *string `json:"password"`
}

// checkUser validates the fields of a new or edited account; it returns a
// problem the admin page shows as is.
func (a *App) checkUser(b userBody) error {
	if b.Role != nil && *b.Role != auth.RoleOfficial && *b.Role != auth.RoleSupervisor && *b.Role != auth.RoleAdmin {
		return apperr.New(apperr.Invalid, "bad-role", "Vai trò phải là cán bộ, giám sát hoặc quản trị", "role must be official, supervisor or admin")
	}
	if b.Counter != nil && *b.Counter != "" {
		if _, ok := a.Cfg.Counter(*b.Counter); !ok {
			return placeErrors[placeCounter].notFound(*b.Counter)
		}
	}
	if b.Department != nil && *b.Department != "" {
		if _, ok := a.Cfg.Department(*b.Department); !ok {
			return apperr.New(apperr.Invalid, "bad-department", "Không có sở, ngành này trong cấu hình", "unknown department %q", *b.Department)
		}
	}
	if b.Name != nil && (strings.TrimSpace(*b.Name) == "" || len(*b.Name) > 120) {
		return apperr.New(apperr.Invalid, "bad-name", "Hãy nhập họ tên (tối đa 120 ký tự)", "name empty or too long")
	}
	if b.Password != nil && (len(*b.Password) < 10 || len(*b.Password) > 200) {
		return apperr.New(apperr.Invalid, "weak-password", "Mật khẩu cần ít nhất 10 ký tự", "password shorter than 10 or longer than 200 bytes")
	}
	return nil
}

func (a *App) handleUsers(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	us, err := auth.ListUsers(r.Context(), a.DB, a.clock.Now())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": us})
}

func (a *App) handleCreateUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var b userBody
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	b.Username = strings.ToLower(strings.TrimSpace(b.Username))
	if !usernameRE.MatchString(b.Username) {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-username", "Tên đăng nhập gồm 2–32 chữ thường không dấu, số, dấu chấm, gạch", "username must match %s", usernameRE))
		return
	}
	if b.Name == nil || b.Role == nil || b.Password == nil {
		a.writeError(w, r, apperr.New(apperr.Invalid, "user-fields", "Hãy nhập họ tên, vai trò và mật khẩu", "name, role and password are required"))
		return
	}
	if err := a.checkUser(b); err != nil {
		a.writeError(w, r, err)
		return
	}
	counter, dept := "", ""
	if b.Counter != nil {
		counter = *b.Counter
	}
	if b.Department != nil {
		dept = *b.Department
	}
	if exists, err := auth.UserExists(r.Context(), a.DB, b.Username); err != nil || exists {
		if err == nil {
			err = apperr.New(apperr.Conflict, "user-exists", "Tên đăng nhập này đã có", "user %s exists", b.Username)
		}
		a.writeError(w, r, err)
		return
	}
	if _, err := auth.CreateUser(r.Context(), a.DB, auth.User{Username: b.Username, Name: strings.TrimSpace(*b.Name), Role: *b.Role, Counter: counter, Department: dept}, *b.Password, a.clock.Now()); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.log.Info("user added", "component", "auth", "user", b.Username, "role", *b.Role, "by", p.Name)
	u, err := auth.GetUser(r.Context(), a.DB, b.Username, a.clock.Now())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

var errUserNotFound = apperr.New(apperr.NotFound, "user-not-found", "Không có tài khoản này", "no such user")

func (a *App) handleUpdateUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var b userBody
	if err := decode(w, r, &b); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.checkUser(b); err != nil {
		a.writeError(w, r, err)
		return
	}
	username := r.PathValue("username")
	// an admin cannot lock themselves out by a slip of the mouse
	if username == p.Username && ((b.Disabled != nil && *b.Disabled) || (b.Role != nil && *b.Role != auth.RoleAdmin)) {
		a.writeError(w, r, apperr.New(apperr.Conflict, "self-lockout", "Không thể tự khoá hoặc tự bỏ quyền quản trị của chính mình", "an admin cannot disable or demote themselves"))
		return
	}
	err := auth.UpdateUser(r.Context(), a.DB, username, auth.UserChange{Name: b.Name, Role: b.Role, Counter: b.Counter, Department: b.Department, Disabled: b.Disabled, Password: b.Password})
	if errors.Is(err, auth.ErrNotFound) {
		err = errUserNotFound
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.log.Info("user changed", "component", "auth", "user", username, "by", p.Name)
	u, err := auth.GetUser(r.Context(), a.DB, username, a.clock.Now())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (a *App) handleUserSessions(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	u, err := auth.GetUser(r.Context(), a.DB, r.PathValue("username"), a.clock.Now())
	if errors.Is(err, auth.ErrNotFound) {
		err = errUserNotFound
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if _, err := auth.DeleteUserSessions(r.Context(), a.DB, u.ID); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.log.Info("user signed out everywhere", "component", "auth", "user", u.Username, "by", p.Name)
	w.WriteHeader(http.StatusNoContent)
}
