package dispatch_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/dispatch"
	"meetpin.app/inmem"
	"meetpin.app/readcache"
	"meetpin.app/sqlite/sqlitetest"
)

// recorder is a Handler that keeps what it was told.
type recorder struct {
	mu    sync.Mutex
	facts []meetpin.Fact
	got   chan struct{}
}

func newRecorder() *recorder { return &recorder{got: make(chan struct{}, 16)} }

func (r *recorder) handle(_ context.Context, facts []meetpin.Fact) {
	r.mu.Lock()
	r.facts = append(r.facts, facts...)
	r.mu.Unlock()
	r.got <- struct{}{}
}

func (r *recorder) all() []meetpin.Fact {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.facts)
}

type fixture struct {
	store  *readcache.Store
	cache  *inmem.Cache
	broker *inmem.Broker
	d      *dispatch.Dispatcher
	user   *meetpin.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{cache: inmem.NewCache(1 << 20), broker: inmem.NewBroker()}
	t.Cleanup(func() { f.broker.Close() })
	f.store = readcache.Wrap(sqlitetest.New(t), f.cache, nil)
	f.d = dispatch.New(dispatch.Options{Store: f.store, Cache: f.store, Broker: f.broker})
	now := time.Now().UTC().Truncate(time.Millisecond)
	id := uuid.NewString()
	f.user = &meetpin.User{ID: id, Email: id + "@example.com", PasswordHash: "x", Role: meetpin.RoleUser, CreatedAt: now, UpdatedAt: now}
	if err := f.store.CreateUser(t.Context(), f.user, &meetpin.Profile{Nickname: "n" + id[:8], CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) notification() *meetpin.Notification {
	return &meetpin.Notification{UserID: f.user.ID, Type: meetpin.NotifyMessage, Title: "t", Message: "m", CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
}

// unread reads the user's notification count through the cache.
func (f *fixture) unread(t *testing.T) int {
	t.Helper()
	l, err := f.store.Notifications(t.Context(), f.user.ID, false, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	return l.Unread
}

func receive(t *testing.T, ch <-chan meetpin.Event) (meetpin.Event, bool) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		return ev, ok
	case <-time.After(5 * time.Second):
		return meetpin.Event{}, false
	}
}

// TestDoDispatchesAfterCommit: a unit's rows commit together, and then its
// facts invalidate the cache, wake the broker's subscribers and reach the
// handlers, before Do returns.
func TestDoDispatchesAfterCommit(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	rec := newRecorder()
	f.d.Register(rec.handle)
	sub, err := f.broker.Subscribe(ctx, dispatch.UserTopic(f.user.ID))
	if err != nil {
		t.Fatal(err)
	}
	if first, second := f.unread(t), f.unread(t); first != 0 || second != 0 { // the second read is cached
		t.Fatal("unread before")
	}
	hits := f.cache.Stats(ctx).Hits
	facts := []meetpin.Fact{meetpin.UserNotified{UserID: f.user.ID}, meetpin.RoomsChanged{RoomIDs: []string{"r1"}}}
	err = f.d.Do(ctx, func(u *dispatch.Unit) error {
		for range 2 {
			if err := u.CreateNotification(ctx, f.notification()); err != nil {
				return err
			}
		}
		u.Record(facts...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.all(); len(got) != 2 || got[0] != facts[0] {
		t.Fatalf("handler got %v, want %v", got, facts)
	}
	if n := f.unread(t); n != 2 {
		t.Fatalf("unread after the unit = %d, want 2 (the cached page was not invalidated)", n)
	}
	if f.cache.Stats(ctx).Hits != hits {
		t.Fatal("the read after the unit was a cache hit")
	}
	if ev, ok := receive(t, sub); !ok || ev.Topic != dispatch.UserTopic(f.user.ID) {
		t.Fatalf("broker event = %+v, %v", ev, ok)
	}
}

// TestDoErrorDispatchesNothing: when fn fails nothing commits and no fact
// is dispatched, though fn recorded some before failing.
func TestDoErrorDispatchesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	rec := newRecorder()
	f.d.Register(rec.handle)
	sub, err := f.broker.Subscribe(ctx, dispatch.UserTopic(f.user.ID))
	if err != nil {
		t.Fatal(err)
	}
	f.unread(t)
	boom := errors.New("no")
	err = f.d.Do(ctx, func(u *dispatch.Unit) error {
		if err := u.CreateNotification(ctx, f.notification()); err != nil {
			return err
		}
		u.Record(meetpin.UserNotified{UserID: f.user.ID})
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Do = %v", err)
	}
	if got := rec.all(); len(got) != 0 {
		t.Fatalf("handler called with %v", got)
	}
	l, err := f.store.Unwrap().Notifications(ctx, f.user.ID, false, 0, 10)
	if err != nil || len(l.Items) != 0 {
		t.Fatalf("rows after a failed unit: %v, %v", l, err)
	}
	// The first event the topic sees is that of a later, committed write.
	f.d.Dispatch(ctx, meetpin.UserNotified{UserID: f.user.ID})
	if _, ok := receive(t, sub); !ok {
		t.Fatal("no event")
	}
	if len(rec.all()) != 1 {
		t.Fatal("handler not called for the later write")
	}
	select {
	case ev := <-sub:
		t.Fatalf("a second event %+v: the failed unit published", ev)
	default:
	}
}

// TestListenCarriesRoomsToOtherReplicas: RoomsChanged committed on one
// replica reaches the handlers of another through the broker, with its
// room ids, and the writing replica's handlers are called once, not again
// by its own Listen.
func TestListenCarriesRoomsToOtherReplicas(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	other := dispatch.New(dispatch.Options{Store: f.store, Broker: f.broker})
	here, there := newRecorder(), newRecorder()
	f.d.Register(here.handle)
	other.Register(there.handle)
	listening := make(chan struct{})
	for _, d := range []*dispatch.Dispatcher{f.d, other} {
		go func() { _ = d.Listen(ctx) }()
	}
	// Wait until both Listens are subscribed: publish probes until the
	// other replica's handler sees one.
	go func() {
		defer close(listening)
		for {
			select {
			case <-there.got:
				return
			case <-ctx.Done():
				return
			case <-time.After(20 * time.Millisecond):
				b, _ := json.Marshal(map[string]any{"origin": "probe", "room_ids": []string{}})
				_ = f.broker.Publish(ctx, dispatch.RoomsTopic, b) // test set-up, not app code
			}
		}
	}()
	<-listening
	there.mu.Lock()
	there.facts = nil
	there.mu.Unlock()

	err := f.d.Do(ctx, func(u *dispatch.Unit) error {
		u.Record(meetpin.RoomsChanged{RoomIDs: []string{"a", "b"}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := meetpin.RoomsChanged{RoomIDs: []string{"a", "b"}}
	for {
		got := there.all()
		if len(got) > 0 && slices.Equal(got[len(got)-1].(meetpin.RoomsChanged).RoomIDs, want.RoomIDs) {
			break
		}
		select { // late probes may come first
		case <-there.got:
		case <-time.After(5 * time.Second):
			t.Fatalf("other replica got %v, want %v last", got, want)
		}
	}
	// Events reach each subscriber in order: once this replica's Listen has
	// handed on a later event from elsewhere, it has seen (and must have
	// skipped) its own.
	b, _ := json.Marshal(map[string]any{"origin": "elsewhere", "room_ids": []string{"end"}})
	_ = f.broker.Publish(ctx, dispatch.RoomsTopic, b) // test set-up, not app code
	deadline := time.After(5 * time.Second)
	count := func(id string) (n int) {
		for _, f := range here.all() {
			if rc, ok := f.(meetpin.RoomsChanged); ok && slices.Contains(rc.RoomIDs, id) {
				n++
			}
		}
		return n
	}
	for count("end") == 0 {
		select {
		case <-here.got:
		case <-deadline:
			t.Fatal("this replica's Listen handed on nothing from elsewhere")
		}
	}
	if n := count("a"); n != 1 {
		t.Fatalf("writing replica's handler got its own facts %d times, want once: %v", n, here.all())
	}
}
