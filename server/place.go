package server

import (
	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
)

// A place is a configured kiosk, counter or lobby screen. A credential
// bound to a place of a kind (a kiosk's device cookie, an official's
// counter, a screen's pairing) acts there only.
const (
	placeKiosk   = "kiosk"
	placeCounter = "counter"
	placeScreen  = "screen"
)

// place checks that id names a configured place of kind and that p, when
// bound to a place of that kind, is bound to this one.
func (a *App) place(p *auth.Principal, kind, id string) error {
	var exists bool
	var role string
	switch kind {
	case placeKiosk:
		_, exists = a.Cfg.Kiosk(id)
		role = auth.RoleKiosk
	case placeCounter:
		_, exists = a.Cfg.Counter(id)
		role = auth.RoleOfficial
	case placeScreen:
		_, exists = a.Cfg.Screen(id)
		role = auth.RoleDisplay
	}
	// the binding first: a bound credential learns nothing about other places
	bound := p != nil && (p.Role == role || kind == placeCounter && p.Role == auth.RoleRatingpad)
	if bound && p.Place != "" && p.Place != id {
		return placeErrors[kind].other(p.Place)
	}
	if !exists {
		return placeErrors[kind].notFound(id)
	}
	return nil
}

type placeError struct {
	notFound func(id string) error
	other    func(bound string) error
}

var placeErrors = map[string]placeError{
	placeKiosk: {
		func(id string) error {
			return apperr.New(apperr.NotFound, "kiosk-not-found", "Không có kiosk này", "no kiosk %q", id)
		},
		func(b string) error {
			return apperr.New(apperr.Forbidden, "other-kiosk", "Thiết bị này không phải là kiosk đó", "credential is bound to kiosk %s", b)
		},
	},
	placeCounter: {
		func(id string) error {
			return apperr.New(apperr.NotFound, "counter-not-found", "Không có quầy này", "no counter %q", id)
		},
		func(b string) error {
			return apperr.New(apperr.Forbidden, "other-counter", "Bạn chỉ được thao tác trên quầy của mình", "credential is bound to counter %s", b)
		},
	},
	placeScreen: {
		func(id string) error {
			return apperr.New(apperr.NotFound, "screen-not-found", "Không có màn hình này", "no screen %q", id)
		},
		func(b string) error {
			return apperr.New(apperr.Forbidden, "other-screen", "Thiết bị này không phải là màn hình đó", "credential is bound to screen %s", b)
		},
	},
}
