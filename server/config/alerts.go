package config

import "time"

// Alerts sets when the supervisor's monitor raises an alert. Each threshold
// is in minutes; 0 takes the default, a negative value turns that alert off.
type Alerts struct {
	// WaitMinutes: a citizen has waited longer than this (default 30).
	WaitMinutes int `toml:"wait_minutes"`
	// UnservedMinutes: people have waited this long for a service that no
	// open counter serves (default 5).
	UnservedMinutes int `toml:"unserved_minutes"`
	// IdleMinutes: an open counter has been free this long while people
	// wait for its services (default 5).
	IdleMinutes int `toml:"idle_minutes"`
	// ScreenOfflineS: a screen that was connected has been without a
	// connection this many seconds (default 60).
	ScreenOfflineS int `toml:"screen_offline_s"`
}

func threshold(v, def int, unit time.Duration) time.Duration {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return time.Duration(def) * unit
	}
	return time.Duration(v) * unit
}

// Wait is the wait threshold, 0 when the alert is off.
func (a Alerts) Wait() time.Duration { return threshold(a.WaitMinutes, 30, time.Minute) }

// Unserved is the unserved-service threshold, 0 when off.
func (a Alerts) Unserved() time.Duration { return threshold(a.UnservedMinutes, 5, time.Minute) }

// Idle is the idle-counter threshold, 0 when off.
func (a Alerts) Idle() time.Duration { return threshold(a.IdleMinutes, 5, time.Minute) }

// ScreenOffline is the offline-screen threshold, 0 when off.
func (a Alerts) ScreenOffline() time.Duration { return threshold(a.ScreenOfflineS, 60, time.Second) }

// Reports sets the reporting periods.
type Reports struct {
	// CloseDay is the day of the last month of each quarter on which the
	// statutory reporting period closes: the period runs from that day of
	// the month before the quarter to the day before it in its last month
	// (Circular 01/2020/TT-VPCP: from the 15th). Default 15.
	CloseDay int `toml:"close_day"`
}
