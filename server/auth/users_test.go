package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestUpdateUserEndsSessions(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	str := func(s string) *string { return &s }
	yes, no := true, false
	tests := []struct {
		name     string
		change   UserChange
		sessions bool // the sessions survive
		check    func(u UserInfo) bool
	}{
		{"name only", UserChange{Name: str("Trần Thị B")}, true, func(u UserInfo) bool { return u.Name == "Trần Thị B" }},
		{"enable", UserChange{Disabled: &no}, true, func(u UserInfo) bool { return !u.Disabled }},
		{"role", UserChange{Role: str(RoleSupervisor)}, false, func(u UserInfo) bool { return u.Role == RoleSupervisor }},
		{"counter", UserChange{Counter: str("quay-2")}, false, func(u UserInfo) bool { return u.Counter == "quay-2" }},
		{"password", UserChange{Password: str("mot-mat-khau-moi")}, false, func(UserInfo) bool { return true }},
		{"disable", UserChange{Disabled: &yes}, false, func(u UserInfo) bool { return u.Disabled }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			id, err := CreateUser(ctx, db, User{Username: "cb1", Name: "Nguyễn Văn A", Role: RoleOfficial, Counter: "quay-1"}, "mat-khau-ban-dau", now)
			if err != nil {
				t.Fatal(err)
			}
			s, err := CreateSession(ctx, db, Principal{Role: RoleOfficial, Name: "A", Place: "quay-1"}, id, now, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if err := UpdateUser(ctx, db, "cb1", tt.change); err != nil {
				t.Fatal(err)
			}
			_, err = LookupSession(ctx, db, s.Cookie, now)
			if got := err == nil; got != tt.sessions {
				t.Errorf("session survives: got %v, want %v (err %v)", got, tt.sessions, err)
			}
			u, err := GetUser(ctx, db, "cb1", now)
			if err != nil || !tt.check(u) {
				t.Errorf("after the change: %+v, %v", u, err)
			}
			wantSessions := 0
			if tt.sessions {
				wantSessions = 1
			}
			if u.Sessions != wantSessions {
				t.Errorf("sessions counted: %d, want %d", u.Sessions, wantSessions)
			}
		})
	}
}

func TestUpdateUserRefuses(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	now := time.Now()
	if _, err := CreateUser(ctx, db, User{Username: "cb1", Name: "A", Role: RoleOfficial}, "mat-khau-ban-dau", now); err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	for name, c := range map[string]UserChange{
		"kiosk role":     {Role: str(RoleKiosk)},
		"short password": {Password: str("ngan")},
		"empty name":     {Name: str("  ")},
	} {
		if err := UpdateUser(ctx, db, "cb1", c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := UpdateUser(ctx, db, "khong-co", UserChange{Name: str("x")}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v, want ErrNotFound", err)
	}
	// the new password works, the old does not
	if err := UpdateUser(ctx, db, "cb1", UserChange{Password: str("mat-khau-moi-hon")}); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckPassword(ctx, db, "cb1", "mat-khau-ban-dau"); !errors.Is(err, ErrNotFound) {
		t.Errorf("old password still works: %v", err)
	}
	if _, err := CheckPassword(ctx, db, "cb1", "mat-khau-moi-hon"); err != nil {
		t.Errorf("new password: %v", err)
	}
}

func TestActiveOfficials(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	mk := func(username, counter string) int64 {
		id, err := CreateUser(ctx, db, User{Username: username, Name: "Cán bộ " + username, Role: RoleOfficial, Counter: counter}, "mat-khau-ban-dau", now)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, b, c := mk("a", "quay-1"), mk("b", ""), mk("c", "quay-3")
	sess := func(id int64, place string, at time.Time, ttl time.Duration) {
		if _, err := CreateSession(ctx, db, Principal{Role: RoleOfficial, Name: "x", Place: place}, id, at, ttl); err != nil {
			t.Fatal(err)
		}
	}
	sess(a, "quay-1", now, time.Hour)
	sess(b, "quay-2", now.Add(-time.Hour), 8*time.Hour)
	sess(b, "quay-5", now.Add(-time.Minute), 8*time.Hour) // b moved to counter 5
	sess(c, "quay-3", now.Add(-9*time.Hour), 8*time.Hour) // expired
	got, err := ActiveOfficials(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []Official{{"a", "Cán bộ a", "quay-1"}, {"b", "Cán bộ b", "quay-5"}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("official %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
