package config

import (
	"testing"
	"time"
)

func TestAlertThresholds(t *testing.T) {
	tests := []struct {
		name                          string
		text                          string
		wait, unserved, idle, offline time.Duration
	}{
		{"defaults", "", 30 * time.Minute, 5 * time.Minute, 5 * time.Minute, time.Minute},
		{"set", "[alerts]\nwait_minutes = 20\nunserved_minutes = 2\nidle_minutes = 3\nscreen_offline_s = 30\n", 20 * time.Minute, 2 * time.Minute, 3 * time.Minute, 30 * time.Second},
		{"off", "[alerts]\nwait_minutes = -1\nidle_minutes = -1\n", 0, 5 * time.Minute, 0, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(append(append([]byte{}, demoTOML...), "\n"+tt.text...), "center.toml")
			if err != nil {
				t.Fatal(err)
			}
			a := c.Alerts
			if a.Wait() != tt.wait || a.Unserved() != tt.unserved || a.Idle() != tt.idle || a.ScreenOffline() != tt.offline {
				t.Errorf("got wait %v unserved %v idle %v offline %v, want %v %v %v %v",
					a.Wait(), a.Unserved(), a.Idle(), a.ScreenOffline(), tt.wait, tt.unserved, tt.idle, tt.offline)
			}
		})
	}
}
