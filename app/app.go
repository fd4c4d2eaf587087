// Package app holds meetpin's use cases: sign-up and sessions, profiles,
// rooms, join requests, chat, notifications, blocks and reports, boosts and
// places. It owns the business rules and the authorization of every object,
// so that neither the web layer nor a storage engine can forget them. It
// keeps rules only: a write runs as one unit of work (package dispatch)
// that records facts, and the dispatcher alone invalidates the cache and
// wakes streams; the hot reads are cached by the store decorator of package
// readcache.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"meetpin.app"
	"meetpin.app/dispatch"
	"meetpin.app/readcache"
)

// Options configure an App.
type Options struct {
	// SessionTTL is how long a session lives without use.
	SessionTTL time.Duration
	// PasswordCost is the bcrypt cost; 0 means bcrypt.DefaultCost. Tests
	// lower it to bcrypt.MinCost.
	PasswordCost int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Broker wakes realtime streams; nil means no realtime.
	Broker meetpin.Broker

	// Payments (Stripe) and places (Kakao Local).
	// Payments sells boosts; nil means payments are disabled.
	Payments meetpin.Payments
	// Places finds addresses and places; nil means coordinates only.
	Places meetpin.Places
	// SiteURL is the public origin, for the payment page's return URLs.
	SiteURL string
	// Cache keeps room lists, chat pages and notification pages; nil means
	// no caching (package readcache).
	Cache meetpin.Cache
	// MaxUpcomingRooms bounds the rooms a host may have open and not yet
	// started (MEETPIN_MAX_UPCOMING_ROOMS); 0 means no bound.
	MaxUpcomingRooms int
}

// App is the use-case layer over a store.
type App struct {
	store       meetpin.Store // the cached store (readcache.Store)
	disp        *dispatch.Dispatcher
	broker      meetpin.Broker // for streams' subscriptions; only disp publishes
	log         *slog.Logger
	now         func() time.Time
	sessionTTL  time.Duration
	maxUpcoming int // Options.MaxUpcomingRooms
	cost        int
	payments    meetpin.Payments
	places      meetpin.Places
	placeCache  *ttlCache
	siteURL     string
	// dummyHash is compared against when an email is unknown, so that a wrong
	// email and a wrong password take comparable time.
	dummyHash []byte
}

// New returns an App.
func New(store meetpin.Store, log *slog.Logger, o Options) *App {
	cached := readcache.Wrap(store, o.Cache, log)
	a := &App{store: cached, broker: o.Broker, log: log, now: o.Now, sessionTTL: o.SessionTTL, cost: o.PasswordCost, maxUpcoming: o.MaxUpcomingRooms,
		payments: o.Payments, places: o.Places, placeCache: newTTLCache(placeCacheSize), siteURL: o.SiteURL}
	a.disp = dispatch.New(dispatch.Options{Store: cached, Cache: cached, Broker: o.Broker, Log: log})
	if a.now == nil {
		a.now = time.Now
	}
	if a.sessionTTL <= 0 {
		a.sessionTTL = 30 * 24 * time.Hour
	}
	if a.cost == 0 {
		a.cost = bcrypt.DefaultCost
	}
	a.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("meetpin-timing-equaliser"), a.cost)
	return a
}

// Store returns the store, its hot reads cached.
func (a *App) Store() meetpin.Store { return a.store }

// Dispatcher runs units of work over the app's store and dispatches their
// facts: the cron jobs and every other writer outside app use it, and
// packages that follow the facts Register with it.
func (a *App) Dispatcher() *dispatch.Dispatcher { return a.disp }

// ClearCache deletes every cached entry of the namespaces
// (readcache.Namespace*; all when none is given), for operators.
func (a *App) ClearCache(ctx context.Context, namespaces ...string) (int, error) {
	return a.disp.ClearCache(ctx, namespaces...)
}

// Now returns the current time as stored: UTC, millisecond precision.
func (a *App) Now() time.Time { return a.now().UTC().Truncate(time.Millisecond) }

// newID returns a time-ordered UUID (v7), kind to B-tree indexes.
func newID() string { return uuid.Must(uuid.NewV7()).String() }
