package auth

import (
	"context"
	"sync"
	"time"

	"github.com/motcua/motcua/server/store"
)

// TokenCache remembers bearer tokens looked up recently, so a kiosk or a
// script calling many times a second costs one database read per ttl, not
// one per request. Only found tokens are kept (an unknown one is asked
// again), and at most 1024 of them. A revoked token stops working within
// ttl at most.
type TokenCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cached
}

type cached struct {
	p       Principal
	expires time.Time
}

// NewTokenCache returns a cache keeping entries for ttl.
func NewTokenCache(ttl time.Duration) *TokenCache {
	return &TokenCache{ttl: ttl, m: map[string]cached{}}
}

func (c *TokenCache) lookup(ctx context.Context, db *store.DB, secret string, now time.Time) (*Principal, error) {
	key := hash(secret)
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		p := e.p
		return &p, nil
	}
	p, err := LookupToken(ctx, db, secret)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= 1024 {
		clear(c.m)
	}
	c.m[key] = cached{p: *p, expires: now.Add(c.ttl)}
	c.mu.Unlock()
	return p, nil
}

// Lookup finds a token's principal through the cache.
func (c *TokenCache) Lookup(ctx context.Context, db *store.DB, secret string, now time.Time) (*Principal, error) {
	return c.lookup(ctx, db, secret, now)
}
