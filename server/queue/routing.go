package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/config"
)

// routing is which services each counter serves now. It is immutable: a
// change builds a new one and swaps the engine's pointer after the commit,
// so HTTP goroutines (Counter, CounterQueue, the estimate) read a
// consistent routing without a lock while the writer changes it.
type routing struct {
	services map[string][]string // counter → its services, in the order it serves them
	servedBy map[string][]string // service → counters serving it, in config order
}

// newRouting is the configured routing with over's lists (counter →
// services) in place of the configured ones.
func newRouting(cfg *config.Config, over map[string][]string) *routing {
	r := &routing{services: map[string][]string{}, servedBy: map[string][]string{}}
	for _, c := range cfg.Counters {
		ss := c.Services
		if o, ok := over[c.ID]; ok {
			ss = o
		}
		r.services[c.ID] = slices.Clone(ss)
		for _, s := range ss {
			r.servedBy[s] = append(r.servedBy[s], c.ID)
		}
	}
	return r
}

// with is r with counter serving services.
func (r *routing) with(cfg *config.Config, counter string, services []string) *routing {
	over := map[string][]string{}
	for c, ss := range r.services {
		over[c] = ss
	}
	over[counter] = services
	return newRouting(cfg, over)
}

// route is the committed routing.
func (e *Engine) route() *routing { return e.rt.Load() }

// route is the routing as this transaction sees it: a change earlier in
// the batch counts before it is committed.
func (t *txn) route() *routing {
	if t.rt != nil {
		return t.rt
	}
	return t.e.route()
}

// loadRouting reads the services changes stored by SetCounterServices. A
// row naming a counter or service no longer in the config is a leftover of
// an older config: what is unknown is dropped with a warning, so the
// center still starts.
func (e *Engine) loadRouting(ctx context.Context) error {
	rows, err := e.db.W.QueryContext(ctx, "SELECT counter, services FROM counter_services")
	if err != nil {
		return fmt.Errorf("queue: read counter services: %w", err)
	}
	defer rows.Close()
	over := map[string][]string{}
	for rows.Next() {
		var counter, raw string
		if err := rows.Scan(&counter, &raw); err != nil {
			return fmt.Errorf("queue: read counter services: %w", err)
		}
		if _, ok := e.counters[counter]; !ok {
			e.log.Warn("stored services of a counter not in the config; ignored", "counter", counter)
			continue
		}
		var ss []string
		if err := json.Unmarshal([]byte(raw), &ss); err != nil {
			e.log.Warn("stored counter services unreadable; using the configured ones", "counter", counter, "err", err)
			continue
		}
		var keep []string
		for _, s := range ss {
			if _, ok := e.services[s]; !ok || slices.Contains(keep, s) {
				e.log.Warn("stored counter service not in the config; dropped", "counter", counter, "service", s)
				continue
			}
			keep = append(keep, s)
		}
		if len(keep) == 0 {
			e.log.Warn("no stored counter service left; using the configured ones", "counter", counter)
			continue
		}
		over[counter] = keep
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("queue: read counter services: %w", err)
	}
	e.rt.Store(newRouting(e.cfg, over))
	return nil
}

// CounterServices is the services counter id serves now (a copy), and
// false for an unknown counter.
func (e *Engine) CounterServices(id string) ([]string, bool) {
	ss, ok := e.route().services[id]
	return slices.Clone(ss), ok
}

func errCounterServices(title, format string, args ...any) error {
	return apperr.New(apperr.Invalid, "counter-services", title, format, args...)
}

// SetCounterServices makes counter serve services, in that order (a "list"
// counter serves them in it), from its next call on: a supervisor moves
// officials to a long queue. The change is stored and outlives a restart;
// setting exactly the configured list removes the stored change. The
// waiting counts are per service, so they need no change; the estimates
// read the new routing at once.
func (e *Engine) SetCounterServices(ctx context.Context, counter string, services []string, a Actor) (CounterStatus, error) {
	cfgc, ok := e.counters[counter]
	if !ok {
		return CounterStatus{}, errCounterNotFound
	}
	if len(services) == 0 {
		return CounterStatus{}, errCounterServices("Hãy chọn ít nhất một dịch vụ cho quầy", "no services")
	}
	for i, s := range services {
		if _, ok := e.services[s]; !ok {
			return CounterStatus{}, errCounterServices(fmt.Sprintf("Không có dịch vụ %q", s), "unknown service %q", s)
		}
		if slices.Contains(services[:i], s) {
			name := e.services[s].Name
			return CounterStatus{}, errCounterServices(fmt.Sprintf("Dịch vụ %s được chọn hai lần", name), "service %q twice", s)
		}
	}
	services = slices.Clone(services)
	_, err := e.do(ctx, func(t *txn) (any, error) {
		rt := t.route()
		from := rt.services[counter]
		if slices.Equal(from, services) {
			return nil, nil // nothing changes; no event
		}
		if slices.Equal(services, cfgc.Services) {
			if _, err := t.exec("DELETE FROM counter_services WHERE counter = ?", counter); err != nil {
				return nil, fmt.Errorf("queue: counter services: %w", err)
			}
		} else {
			raw, err := json.Marshal(services)
			if err != nil {
				return nil, fmt.Errorf("queue: counter services: %w", err)
			}
			if _, err := t.exec(`INSERT INTO counter_services (counter, services, updated_at, updated_by) VALUES (?,?,?,?)
				ON CONFLICT (counter) DO UPDATE SET services = excluded.services, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
				counter, string(raw), t.now.UnixMilli(), a.Name); err != nil {
				return nil, fmt.Errorf("queue: counter services: %w", err)
			}
		}
		t.rt = rt.with(e.cfg, counter, services)
		return nil, t.emit(EvServices, nil, counter, a.Name, map[string]any{"from": from, "to": services})
	})
	if err != nil {
		return CounterStatus{}, err
	}
	return e.Counter(ctx, counter)
}
