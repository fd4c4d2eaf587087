package web_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"         //nolint:depguard // the round-trip count needs a pgx tracer
	"github.com/jackc/pgx/v5/pgxpool" //nolint:depguard // the round-trip count needs a pgx tracer

	"meetpin.app/app"
	"meetpin.app/postgres"
	"meetpin.app/postgres/postgrestest"
	"meetpin.app/web"
)

// queryCounter is a pgx tracer that counts the statements sent to
// PostgreSQL, BEGIN and COMMIT included: the database round trips.
type queryCounter struct {
	n   atomic.Int64
	mu  sync.Mutex
	log []string
}

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	c.mu.Lock()
	c.log = append(c.log, strings.Join(strings.Fields(d.SQL), " ")[:min(60, len(strings.Join(strings.Fields(d.SQL), " ")))])
	c.mu.Unlock()
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *queryCounter) reset() {
	c.n.Store(0)
	c.mu.Lock()
	c.log = nil
	c.mu.Unlock()
}

func (c *queryCounter) queries() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.log...)
}

// TestChatRoundTrips counts the PostgreSQL round trips of a chat POST, and
// of one message delivered (the POST, both participants' chat streams and
// the receiver's notification stream), without a cache. The bounds are the
// figures in docs/benchmarks.md: a change that adds a round trip to the hot
// path fails here and must say why.
func TestChatRoundTrips(t *testing.T) {
	url := postgrestest.URL(t)
	counter := &queryCounter{}
	store, err := postgres.OpenWith(t.Context(), url, func(c *pgxpool.Config) { c.ConnConfig.Tracer = counter })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	m, err := store.Migrator()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(t.Context()); err != nil {
		t.Fatal(err)
	}
	s := newServerEdit(t, store, func(ao *app.Options, wo *web.Options) {
		ao.Cache, wo.Cache = nil, nil
		wo.Heartbeat = time.Hour // no polls during the count
	})
	host, guest := s.signup("rtHost"), s.signup("rtGuest")
	match := s.accept(host, s.joinRoom(guest, s.createRoom(host, nil)))
	post := func(text string) {
		t.Helper()
		s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": text}, host.Token).want(t, 201, "")
	}
	post("warm-up") // sessions touched, statements prepared

	counter.reset()
	post("counted")
	postTrips := counter.n.Load()
	t.Logf("chat POST: %d round trips: %q", postTrips, counter.queries())

	// Streams: both people's chat streams and the guest's notifications.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type stream struct{ lines chan string }
	open := func(path, token string) stream {
		st := stream{lines: make(chan string, 64)}
		req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("stream %s: %v %v", path, res, err)
		}
		go func() {
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				st.lines <- sc.Text()
			}
		}()
		// The first bytes come once the stream has subscribed and sent
		// its backlog.
		if l := <-st.lines; !strings.HasPrefix(l, "retry:") {
			t.Fatalf("stream %s began with %q", path, l)
		}
		return st
	}
	streams := []stream{
		open("/api/matches/"+match+"/events", host.Token),
		open("/api/matches/"+match+"/events", guest.Token),
		open("/api/notifications/stream", guest.Token),
	}
	counter.reset()
	post("delivered")
	for i, st := range streams {
		deadline := time.After(10 * time.Second)
		for got := false; !got; {
			select {
			case l := <-st.lines:
				got = strings.HasPrefix(l, "data: ") && strings.Contains(l, "delivered")
			case <-deadline:
				t.Fatalf("stream %d did not deliver the message", i)
			}
		}
	}
	time.Sleep(200 * time.Millisecond) // a fetch after the last event would count too
	deliveredTrips := counter.n.Load()
	t.Logf("delivered message: %d round trips: %q", deliveredTrips, counter.queries())

	if postTrips > 6 {
		t.Errorf("a chat POST took %d round trips, want at most 6", postTrips)
	}
	if deliveredTrips > postTrips+3 {
		t.Errorf("a delivered message took %d round trips, want at most %d (the POST and one read per stream)", deliveredTrips, postTrips+3)
	}
}
