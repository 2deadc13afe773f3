package config

// Lookups by id. A center has tens of items at most, so a scan is as fast as
// a map and needs no index kept in step with edits.

// Department returns the department with the given id.
func (c *Config) Department(id string) (Department, bool) {
	for _, d := range c.Departments {
		if d.ID == id {
			return d, true
		}
	}
	return Department{}, false
}

// Service returns the service with the given id.
func (c *Config) Service(id string) (Service, bool) {
	for _, s := range c.Services {
		if s.ID == id {
			return s, true
		}
	}
	return Service{}, false
}

// Counter returns the counter with the given id.
func (c *Config) Counter(id string) (Counter, bool) {
	for _, co := range c.Counters {
		if co.ID == id {
			return co, true
		}
	}
	return Counter{}, false
}

// Kiosk returns the kiosk with the given id.
func (c *Config) Kiosk(id string) (Kiosk, bool) {
	for _, k := range c.Kiosks {
		if k.ID == id {
			return k, true
		}
	}
	return Kiosk{}, false
}

// Screen returns the screen with the given id.
func (c *Config) Screen(id string) (Screen, bool) {
	for _, s := range c.Screens {
		if s.ID == id {
			return s, true
		}
	}
	return Screen{}, false
}

// Priority returns the priority category with the given id.
func (c *Config) Priority(id string) (Priority, bool) {
	for _, p := range c.Priorities {
		if p.ID == id {
			return p, true
		}
	}
	return Priority{}, false
}
