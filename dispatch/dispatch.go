// Package dispatch is meetpin's unit of work and its after-commit
// dispatcher: the one place that turns what a write changed into cache
// invalidations and broker publishes.
//
// # How to use the seam
//
// A write is one unit of work. Run it with Do: fn gets a *Unit, which is the
// store inside one transaction (meetpin.Tx: every store method) plus Record.
// Write every row through the unit — the notifications the write causes
// included, as rows — and record, in the domain's words, what changed:
//
//	err := d.Do(ctx, func(u *dispatch.Unit) error {
//		if err := u.CreateMessage(ctx, msg); err != nil {
//			return err // nothing commits, nothing is dispatched
//		}
//		u.Record(meetpin.MatchMessaged{MatchID: msg.MatchID, MessageID: msg.ID})
//		if err := u.CreateNotification(ctx, n); err != nil {
//			return err
//		}
//		u.Record(meetpin.UserNotified{UserID: n.UserID})
//		return nil
//	})
//
// When fn returns nil the transaction commits and then, before Do returns,
// the dispatcher invalidates the cache scopes the facts name (on every
// replica, through the shared cache), publishes the broker topics they name
// (waking the streams of every replica) and calls the registered handlers.
// When fn returns an error nothing commits and nothing is dispatched. Inside
// fn use the unit only (on SQLite a write through the Store would wait for
// the writer the unit holds) and do nothing slow: no network calls.
//
// A new kind of change is a new fact type in the root package (fact.go) and
// a case in scopesAndTopics below; never call the cache's Invalidate or
// Clear, or a broker's Publish, anywhere else: TestOnlyDispatchInvalidates
// fails the build's tests when code outside this package does.
//
// # Subscribing to facts
//
// Register(h) calls h after every commit on this replica with the facts of
// the unit. RoomsChanged facts also travel to the other replicas through the
// broker (topic RoomsTopic): run Listen on each replica, and its handlers are
// called with the RoomsChanged facts committed elsewhere too, so an
// in-memory index (the map's) stays current on every replica. Handlers run
// on the writer's goroutine after the commit: they must be quick and must
// not block (hand work to a goroutine of your own if needed); a handler
// cannot undo or fail the write.
package dispatch

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"

	"meetpin.app"
	"meetpin.app/readcache"
)

// Broker topics. Streams subscribe to them; only the dispatcher publishes.
func MatchTopic(matchID string) string { return "match:" + matchID }

// UserTopic carries new notifications of a user.
func UserTopic(userID string) string { return "user:" + userID }

// SessionTopic carries the end of a session, by token hash.
func SessionTopic(tokenHash string) string { return "session:" + tokenHash }

// RoomsTopic carries the RoomsChanged facts to every replica's Listen.
const RoomsTopic = "facts:rooms"

// Handler is told the facts of a committed unit of work.
type Handler func(ctx context.Context, facts []meetpin.Fact)

// Options configure a Dispatcher.
type Options struct {
	// Store runs the units of work.
	Store meetpin.Store
	// Cache is invalidated after commits; nil means no cache.
	Cache *readcache.Store
	// Broker wakes streams after commits; nil means no realtime.
	Broker meetpin.Broker
	Log    *slog.Logger
}

// Dispatcher runs units of work and dispatches their facts after commit.
type Dispatcher struct {
	store  meetpin.Store
	cache  *readcache.Store
	broker meetpin.Broker
	log    *slog.Logger
	origin string // this replica, to skip its own replicated facts

	mu       sync.RWMutex
	handlers []Handler
}

// New returns a Dispatcher.
func New(o Options) *Dispatcher {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{store: o.Store, cache: o.Cache, broker: o.Broker, log: log, origin: rand.Text()}
}

// Unit is one unit of work: the store inside one transaction and the facts
// recorded so far.
type Unit struct {
	meetpin.Tx
	facts []meetpin.Fact
}

// Record notes what the unit changed, dispatched after it commits.
func (u *Unit) Record(facts ...meetpin.Fact) { u.facts = append(u.facts, facts...) }

// Do runs fn as one unit of work and, once it has committed, dispatches the
// facts fn recorded. It returns fn's error (nothing committed) or the
// commit's.
func (d *Dispatcher) Do(ctx context.Context, fn func(u *Unit) error) error {
	var facts []meetpin.Fact
	err := d.store.Tx(ctx, func(tx meetpin.Tx) error {
		u := &Unit{Tx: tx}
		if err := fn(u); err != nil {
			return err
		}
		facts = u.facts
		return nil
	})
	if err != nil {
		return err
	}
	d.Dispatch(ctx, facts...)
	return nil
}

// Dispatch dispatches the facts of a write that committed on its own: a
// single store call outside Do (an atomic store method is its own unit).
// Call it right after that call returned without error.
func (d *Dispatcher) Dispatch(ctx context.Context, facts ...meetpin.Fact) {
	if len(facts) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx) // the write is done: finish its effects
	scopes, topics, purge := scopesAndTopics(facts)
	if d.cache != nil {
		d.cache.Invalidate(ctx, scopes...)
		if len(purge) > 0 {
			if _, err := d.cache.Clear(ctx, purge...); err != nil {
				d.log.WarnContext(ctx, "cache clear failed: retried on the next read", slog.Any("error", err))
			}
		}
	}
	for _, t := range topics {
		d.publish(ctx, t, nil)
	}
	if ids, any := roomIDs(facts); any {
		b, _ := json.Marshal(roomsEvent{Origin: d.origin, RoomIDs: ids})
		d.publish(ctx, RoomsTopic, b)
	}
	d.mu.RLock()
	hs := d.handlers
	d.mu.RUnlock()
	for _, h := range hs {
		h(ctx, facts)
	}
}

// scopesAndTopics maps facts to the cache scopes they invalidate, the
// broker topics they wake and the cache namespaces they clear, each once.
func scopesAndTopics(facts []meetpin.Fact) (scopes []readcache.Scope, topics, purge []string) {
	addScope := func(s readcache.Scope) {
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	addTopic := func(t string) {
		if !slices.Contains(topics, t) {
			topics = append(topics, t)
		}
	}
	for _, f := range facts {
		switch f := f.(type) {
		case meetpin.RoomsChanged, meetpin.ProfileChanged, meetpin.BlocksChanged:
			// Room lists show rooms, their hosts' profiles, and hide the
			// rooms of blocked hosts.
			addScope(readcache.Rooms())
		case meetpin.MatchMessaged:
			addScope(readcache.Messages(f.MatchID))
			addTopic(MatchTopic(f.MatchID))
		case meetpin.UserNotified:
			addScope(readcache.Notifications(f.UserID))
			addTopic(UserTopic(f.UserID))
		case meetpin.NotificationsChanged:
			addScope(readcache.Notifications(f.UserID))
		case meetpin.NotificationsPurged:
			if !slices.Contains(purge, readcache.NamespaceNotifications) {
				purge = append(purge, readcache.NamespaceNotifications)
			}
		case meetpin.SessionEnded:
			addTopic(SessionTopic(f.TokenHash))
		}
	}
	return scopes, topics, purge
}

// roomIDs gathers the room ids of the RoomsChanged facts; any reports that
// there was one.
func roomIDs(facts []meetpin.Fact) (ids []string, any bool) {
	for _, f := range facts {
		if rc, ok := f.(meetpin.RoomsChanged); ok {
			any = true
			ids = append(ids, rc.RoomIDs...)
		}
	}
	return ids, any
}

// publish wakes the subscribers of topic. A failure is logged, not
// returned: the rows are committed, and streams also poll, so nothing is
// lost.
func (d *Dispatcher) publish(ctx context.Context, topic string, payload []byte) {
	if d.broker == nil {
		return
	}
	if err := d.broker.Publish(ctx, topic, payload); err != nil {
		d.log.WarnContext(ctx, "publish failed", slog.String("topic", topic), slog.Any("error", err))
	}
}

// Register adds h to the handlers called after every commit (see the
// package doc). Register before serving.
func (d *Dispatcher) Register(h Handler) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.handlers = append(slices.Clip(d.handlers), h)
}

// roomsEvent is the payload of RoomsTopic.
type roomsEvent struct {
	Origin  string   `json:"origin"`
	RoomIDs []string `json:"room_ids"`
}

// Listen calls the handlers with the RoomsChanged facts committed on other
// replicas, until ctx ends. Without a broker it returns at once. A dropped
// event is not replayed: a handler that must not miss one also reloads on a
// schedule of its own.
func (d *Dispatcher) Listen(ctx context.Context) error {
	if d.broker == nil {
		return nil
	}
	ch, err := d.broker.Subscribe(ctx, RoomsTopic)
	if err != nil {
		return err
	}
	for ev := range ch {
		var re roomsEvent
		if err := json.Unmarshal(ev.Payload, &re); err != nil || re.Origin == d.origin {
			continue
		}
		d.mu.RLock()
		hs := d.handlers
		d.mu.RUnlock()
		facts := []meetpin.Fact{meetpin.RoomsChanged{RoomIDs: re.RoomIDs}}
		for _, h := range hs {
			h(ctx, facts)
		}
	}
	return ctx.Err()
}

// ClearCache deletes every cached entry of the namespaces
// (readcache.Namespace*; all when none is given), for operators, and
// returns how many keys it removed.
func (d *Dispatcher) ClearCache(ctx context.Context, namespaces ...string) (int, error) {
	if d.cache == nil {
		return 0, nil
	}
	return d.cache.Clear(ctx, namespaces...)
}
