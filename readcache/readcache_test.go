package readcache

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/inmem"
)

// breakable is the in-process cache with a switch that makes every call
// fail, as a Redis outage would: a fault injector, not a fake.
type breakable struct {
	*inmem.Cache
	broken atomic.Bool
}

var errBroken = errors.New("cache broken by the test")

func (b *breakable) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if b.broken.Load() {
		return nil, false, errBroken
	}
	return b.Cache.Get(ctx, key)
}

func (b *breakable) Peek(ctx context.Context, key string) ([]byte, bool, error) {
	if b.broken.Load() {
		return nil, false, errBroken
	}
	return b.Cache.Peek(ctx, key)
}

func (b *breakable) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if b.broken.Load() {
		return errBroken
	}
	return b.Cache.Set(ctx, key, val, ttl)
}

func (b *breakable) Delete(ctx context.Context, keys ...string) error {
	if b.broken.Load() {
		return errBroken
	}
	return b.Cache.Delete(ctx, keys...)
}

func (b *breakable) DeletePrefix(ctx context.Context, prefix string) (int, error) {
	if b.broken.Load() {
		return 0, errBroken
	}
	return b.Cache.DeletePrefix(ctx, prefix)
}

// logCounter counts the log records at Warn and above.
type logCounter struct {
	mu      sync.Mutex
	records []string
}

func (l *logCounter) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelWarn }
func (l *logCounter) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r.Message)
	return nil
}
func (l *logCounter) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCounter) WithGroup(string) slog.Handler      { return l }
func (l *logCounter) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.records)
}

// replica is the cache layer of one replica over a shared cache, with a counter as
// its "database": every load returns the counter's current value.
type replica struct {
	cl    *layer
	logs  *logCounter
	loads atomic.Int64
}

type value struct{ N int64 }

func newReplica(c meetpin.Cache) *replica {
	logs := &logCounter{}
	return &replica{cl: newLayer(c, slog.New(logs)), logs: logs}
}

// read is a cached read of scope sc, loading the "database" value db.
func (r *replica) read(t *testing.T, sc Scope, db *atomic.Int64) int64 {
	t.Helper()
	v, err := cached(t.Context(), r.cl, sc, "page", fixedTTL[value](time.Minute), func() (*value, error) {
		r.loads.Add(1)
		return &value{N: db.Load()}, nil
	})
	if err != nil {
		t.Fatalf("cached read: %v", err)
	}
	return v.N
}

// TestCacheErrorIsAMiss: with the cache down, reads go to the database and
// answer, and the failure is logged once, not once per read.
func TestCacheErrorIsAMiss(t *testing.T) {
	c := &breakable{Cache: inmem.NewCache(1 << 20)}
	r := newReplica(c)
	var db atomic.Int64
	db.Store(7)
	c.broken.Store(true)
	for range 50 {
		if got := r.read(t, Rooms(), &db); got != 7 {
			t.Fatalf("read = %d, want 7", got)
		}
	}
	if n := r.loads.Load(); n != 50 {
		t.Errorf("loads = %d, want 50", n)
	}
	r.cl.invalidate(t.Context(), Rooms()) // fails too, quietly
	if n := r.logs.count(); n != 1 {
		t.Errorf("%d warnings logged for 51 failures within a minute, want 1: %v", n, r.logs.records)
	}

	c.broken.Store(false)
	r.read(t, Rooms(), &db)
	r.read(t, Rooms(), &db)
	if n := r.loads.Load(); n != 51 {
		t.Errorf("loads after the cache is back = %d, want 51 (one miss, then a hit)", n)
	}
}

// TestFailedInvalidationIsRetried: an invalidation that fails while the
// cache is down must not leave the old entry readable once the cache is
// back: not by the writer's replica, nor, after its retry, by another.
func TestFailedInvalidationIsRetried(t *testing.T) {
	c := &breakable{Cache: inmem.NewCache(1 << 20)}
	writer, other := newReplica(c), newReplica(c)
	var db atomic.Int64
	db.Store(1)
	sc := Messages("m1")
	if writer.read(t, sc, &db) != 1 || other.read(t, sc, &db) != 1 {
		t.Fatal("warm-up")
	}

	// A write commits while the cache is unreachable: its invalidation fails.
	c.broken.Store(true)
	db.Store(2)
	writer.cl.invalidate(t.Context(), sc)
	c.broken.Store(false)

	// The cache is back with the old entry in it. The writer's replica does
	// not read the scope from the cache until its retry has succeeded, and
	// the retry (made by that read) removes the old entry for everyone.
	if got := writer.read(t, sc, &db); got != 2 {
		t.Fatalf("writer's replica read %d after its failed invalidation, want 2", got)
	}
	if got := other.read(t, sc, &db); got != 2 {
		t.Fatalf("other replica read %d after the retry, want 2", got)
	}
	if writer.cl.pendingN.Load() != 0 {
		t.Error("the scope is still pending after a successful retry")
	}
	// Other scopes were never affected.
	if got := writer.read(t, Rooms(), &db); got != 2 {
		t.Fatalf("rooms read %d", got)
	}
}

// TestRetryWaitsWhileDown: while a failed invalidation waits for its
// retry, the replica reads the scope from the database, even when the cache
// is back with the stale entry; retries are paced; afterwards the scope is
// cached again.
func TestRetryWaitsWhileDown(t *testing.T) {
	c := &breakable{Cache: inmem.NewCache(1 << 20)}
	r := newReplica(c)
	sc := Notifications("u1")
	var db atomic.Int64
	db.Store(1)
	r.read(t, sc, &db) // warm: the entry holds 1

	c.broken.Store(true)
	db.Store(2)
	r.cl.invalidate(t.Context(), sc)
	for range 5 { // the first read retries, in vain
		if got := r.read(t, sc, &db); got != 2 {
			t.Fatalf("read %d with the cache down, want 2", got)
		}
	}
	if !r.cl.isPending(sc) {
		t.Fatal("the scope is not pending while the cache is down")
	}

	c.broken.Store(false)
	// The last retry was less than retryPendingEvery ago: no retry yet, so
	// the stale entry is still in the cache, and must not be read.
	if got := r.read(t, sc, &db); got != 2 || !r.cl.isPending(sc) {
		t.Fatalf("read %d (pending %v) before the retry, want 2 from the database", got, r.cl.isPending(sc))
	}
	r.cl.mu.Lock()
	r.cl.lastRetry = time.Time{} // the pause has passed
	r.cl.mu.Unlock()
	if got := r.read(t, sc, &db); got != 2 || r.cl.isPending(sc) {
		t.Fatalf("read %d (pending %v) after the retry", got, r.cl.isPending(sc))
	}
	loads := r.loads.Load()
	if got := r.read(t, sc, &db); got != 2 || r.loads.Load() != loads {
		t.Fatal("the scope is not cached again after the retry")
	}
}

// TestTooManyPendingClearsAll: beyond maxPending failed scopes, the retry
// clears every namespace instead.
func TestTooManyPendingClearsAll(t *testing.T) {
	c := &breakable{Cache: inmem.NewCache(1 << 20)}
	r := newReplica(c)
	var db atomic.Int64
	db.Store(1)
	r.read(t, Messages("kept-stale"), &db)
	c.broken.Store(true)
	db.Store(2)
	for i := range maxPending + 1 {
		r.cl.invalidate(t.Context(), Messages("m"+strconv.Itoa(i)))
	}
	r.cl.invalidate(t.Context(), Messages("kept-stale"))
	if !r.cl.isPending(Rooms()) {
		t.Fatal("every scope should be pending once too many are")
	}
	c.broken.Store(false)
	if got := r.read(t, Messages("kept-stale"), &db); got != 2 {
		t.Fatalf("read %d, want 2", got)
	}
	if r.cl.isPending(Rooms()) {
		t.Fatal("still pending after the clear")
	}
	if n := c.Stats(t.Context()).KeyCount; n != 2 {
		t.Fatalf("keyCount = %d, want the 2 keys of the read after the clear", n)
	}
}

// TestRoomListTTL: a list is kept a minute at most, and not past the start
// of one of its rooms or the end of one of its boosts.
func TestRoomListTTL(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return now.Add(d) }
	ptr := func(t time.Time) *time.Time { return &t }
	cases := []struct {
		name  string
		rooms []*meetpin.Room
		want  time.Duration
	}{
		{"empty", nil, RoomListTTL},
		{"far", []*meetpin.Room{{StartAt: at(3 * time.Hour)}}, RoomListTTL},
		{"starts soon", []*meetpin.Room{{StartAt: at(time.Hour)}, {StartAt: at(20 * time.Second)}}, 20 * time.Second},
		{"boost ends", []*meetpin.Room{{StartAt: at(time.Hour), BoostUntil: ptr(at(5 * time.Second))}}, 5 * time.Second},
		{"boost ended", []*meetpin.Room{{StartAt: at(time.Hour), BoostUntil: ptr(at(-time.Second))}}, RoomListTTL},
		{"started", []*meetpin.Room{{StartAt: at(0)}}, 0},
	}
	for _, tc := range cases {
		if got := roomListTTL(now)(&roomList{Rooms: tc.rooms}); got != tc.want {
			t.Errorf("%s: TTL %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestRoomListKey: equal queries share a key whatever the time;
// different viewers and queries never do.
func TestRoomListKey(t *testing.T) {
	box := func(s, w, n, e float64) meetpin.BBox { return meetpin.BBox{South: s, West: w, North: n, East: e} }
	base := meetpin.RoomFilter{BBox: box(37.45, 126.82, 37.68, 127.18), Limit: 20, Now: time.Unix(1, 0)}
	same := meetpin.RoomFilter{BBox: box(37.450, 126.820, 37.68, 127.180), Limit: 20, Now: time.Unix(2, 0)}
	if roomListKey(base) != roomListKey(same) {
		t.Errorf("%q != %q: the time must not be part of the key", roomListKey(base), roomListKey(same))
	}
	user := base
	user.ViewerID = "0192-user"
	keys := map[string]string{}
	for name, k := range map[string]string{
		"anonymous": roomListKey(base),
		"user":      roomListKey(user),
		"other box": roomListKey(meetpin.RoomFilter{BBox: box(37.45, 126.82, 37.68, 127.19), Limit: 20}),
		"category":  roomListKey(meetpin.RoomFilter{BBox: base.BBox, Category: "drink", Limit: 20}),
		"page 2":    roomListKey(meetpin.RoomFilter{BBox: base.BBox, Offset: 20, Limit: 20}),
		"limit":     roomListKey(meetpin.RoomFilter{BBox: base.BBox, Limit: 21}),
	} {
		if other, dup := keys[k]; dup {
			t.Errorf("%s and %s share the key %q", name, other, k)
		}
		keys[k] = name
	}
}
