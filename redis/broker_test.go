package redis_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/redis"
)

// testLog returns a logger that writes into the test's output.
func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// openClient returns a client of the test Redis server, closed when the
// test ends.
func openClient(t testing.TB) *goredis.Client {
	t.Helper()
	return openClientURL(t, meetpintest.RequireRedis(t))
}

// openClientURL returns a client of the Redis server at url, closed when
// the test ends.
func openClientURL(t testing.TB, url string) *goredis.Client {
	t.Helper()
	c, err := redis.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// openBroker returns a broker of the test Redis server on a client of its
// own, like a replica, closed when the test ends (before its client).
func openBroker(t testing.TB) *redis.Broker {
	t.Helper()
	return openBrokerURL(t, meetpintest.RequireRedis(t))
}

// openBrokerURL is openBroker for the Redis server at url.
func openBrokerURL(t testing.TB, url string) *redis.Broker {
	t.Helper()
	b := redis.NewBroker(openClientURL(t, url), testLog(t))
	t.Cleanup(func() { b.Close() })
	return b
}

func TestBroker(t *testing.T) {
	meetpintest.RequireRedis(t)
	meetpintest.RunBroker(t, func(t *testing.T) meetpin.Broker { return openBroker(t) })
}

// replicas is a meetpin.Broker made of two replicas: it subscribes on one
// and publishes on the other, so that every event of the suite crosses
// Redis.
type replicas struct{ sub, pub *redis.Broker }

func (r replicas) Publish(ctx context.Context, topic string, payload []byte) error {
	return r.pub.Publish(ctx, topic, payload)
}

func (r replicas) Subscribe(ctx context.Context, topics ...string) (<-chan meetpin.Event, error) {
	return r.sub.Subscribe(ctx, topics...)
}

func (r replicas) Close() error { return errors.Join(r.sub.Close(), r.pub.Close()) }

func TestBrokerAcrossReplicas(t *testing.T) {
	meetpintest.RequireRedis(t)
	meetpintest.RunBroker(t, func(t *testing.T) meetpin.Broker {
		return replicas{sub: openBroker(t), pub: openBroker(t)}
	})
}

// TestBrokerReplicas checks what the suite cannot see from outside: the
// Redis subscriptions behind the local ones, and that a replica does not
// deliver its own events twice.
func TestBrokerReplicas(t *testing.T) {
	t.Parallel()
	a, b := openBroker(t), openBroker(t)
	admin := openClient(t)
	topic := meetpintest.BrokerTopic("replicas")
	channel := "meetpin:" + topic

	// Three local subscribers share one Redis subscription.
	ctx1, cancel1 := context.WithCancel(t.Context())
	ctx2, cancel2 := context.WithCancel(t.Context())
	ch1 := meetpintest.MustSubscribe(t, ctx1, a, topic)
	ch2 := meetpintest.MustSubscribe(t, ctx2, a, topic)
	ch3 := meetpintest.MustSubscribe(t, ctx2, a, topic)
	awaitNumSub(t, admin, channel, 1)

	meetpintest.MustPublish(t, b, topic, "from b")
	for _, ch := range []<-chan meetpin.Event{ch1, ch2, ch3} {
		meetpintest.ExpectEvent(t, ch, topic, "from b")
	}

	// a's own event comes back from Redis before b's next one, and is
	// skipped: a's subscribers see it once.
	meetpintest.MustPublish(t, a, topic, "from a")
	meetpintest.MustPublish(t, b, topic, "from b again")
	meetpintest.ExpectEvent(t, ch1, topic, "from a")
	meetpintest.ExpectEvent(t, ch1, topic, "from b again")

	// The Redis subscription stays while a local subscriber is left.
	cancel2()
	meetpintest.ExpectClosed(t, ch2)
	meetpintest.ExpectClosed(t, ch3)
	meetpintest.MustPublish(t, b, topic, "still there")
	meetpintest.ExpectEvent(t, ch1, topic, "still there")
	awaitNumSub(t, admin, channel, 1)

	// And goes with the last one.
	cancel1()
	meetpintest.ExpectClosed(t, ch1)
	awaitNumSub(t, admin, channel, 0)

	if !a.Healthy() || !b.Healthy() {
		t.Errorf("Healthy() = %v, %v, want true, true", a.Healthy(), b.Healthy())
	}
}

// awaitNumSub waits until Redis counts want subscribers of channel.
func awaitNumSub(t *testing.T, c *goredis.Client, channel string, want int64) {
	t.Helper()
	var got int64
	for range 100 {
		n, err := c.PubSubNumSub(t.Context(), channel).Result()
		if err != nil {
			t.Fatal(err)
		}
		if got = n[channel]; got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("PUBSUB NUMSUB %s = %d, want %d", channel, got, want)
}

// TestBrokerRedisRestart runs a Redis server of its own, stops it under a
// subscribed broker and starts it again: the broker keeps serving its
// local subscribers meanwhile, then hears the other replica again.
func TestBrokerRedisRestart(t *testing.T) {
	t.Parallel()
	meetpintest.RequireRedis(t)
	srv := meetpintest.NewRedisServer(t)
	srv.Start()
	a, b := openBrokerURL(t, srv.URL()), openBrokerURL(t, srv.URL())
	topic := meetpintest.BrokerTopic("restart")
	ch := meetpintest.MustSubscribe(t, t.Context(), a, topic)
	meetpintest.MustPublish(t, b, topic, "before")
	meetpintest.ExpectEvent(t, ch, topic, "before")
	awaitHealthy(t, a, true)

	srv.Stop()
	awaitHealthy(t, a, false)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for range 3 {
		begin := time.Now()
		if err := a.Publish(ctx, topic, []byte("during")); err == nil {
			t.Error("Publish with Redis down: no error")
		} else {
			t.Logf("Publish with Redis down: %v (%s)", err, time.Since(begin).Round(time.Millisecond))
		}
		meetpintest.ExpectEvent(t, ch, topic, "during")
	}

	// Subscribing while Redis is down works locally at once...
	later := meetpintest.BrokerTopic("restart-later")
	chLater, err := a.Subscribe(t.Context(), later)
	if err != nil {
		t.Fatalf("Subscribe with Redis down: %v", err)
	}
	if err := a.Publish(ctx, later, []byte("local")); err == nil {
		t.Error("Publish with Redis down: no error")
	}
	meetpintest.ExpectEvent(t, chLater, later, "local")

	// ...and across replicas once Redis is back, for both topics.
	srv.Start()
	start := time.Now()
	awaitFrom(t, b, ch, topic)
	t.Logf("first event from the other replica %s after the restart", time.Since(start).Round(time.Millisecond))
	awaitFrom(t, b, chLater, later)
	awaitHealthy(t, a, true)
	meetpintest.MustPublish(t, a, topic, "after") // Publish works again too
	meetpintest.ExpectEvent(t, ch, topic, "after")
}

// TestBrokerSilentConnection freezes the pub/sub connection of a broker
// without closing it, as a vanished host or a partition would: the broker
// must notice from its unanswered ping and open another connection.
func TestBrokerSilentConnection(t *testing.T) {
	t.Parallel()
	url := meetpintest.RequireRedis(t)
	if testing.Short() {
		t.Skip("waits up to 20s for the broker's health check")
	}
	opt, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	px := newProxy(t, opt.Addr)
	opt.Addr = px.addr()
	viaProxy := redis.NewBroker(openClientOpt(t, opt), testLog(t))
	t.Cleanup(func() { viaProxy.Close() })
	direct := openBroker(t)

	topic := meetpintest.BrokerTopic("silent")
	ch := meetpintest.MustSubscribe(t, t.Context(), viaProxy, topic)
	meetpintest.MustPublish(t, direct, topic, "before")
	meetpintest.ExpectEvent(t, ch, topic, "before")

	px.freeze() // every connection so far; new ones work
	start := time.Now()
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; ; i++ {
		if time.Now().After(deadline) {
			t.Fatal("the broker did not replace its silent connection within 30s")
		}
		meetpintest.MustPublish(t, direct, topic, "after "+strconv.Itoa(i))
		select {
		case ev := <-ch:
			if strings.HasPrefix(string(ev.Payload), "after ") {
				t.Logf("events flow again %s after the freeze", time.Since(start).Round(time.Millisecond))
				return
			}
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// openClientOpt returns a client with opt, closed when the test ends.
func openClientOpt(t testing.TB, opt *goredis.Options) *goredis.Client {
	c := goredis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(t.Context()).Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

// proxy forwards TCP connections to a server until it freezes them: a
// frozen connection stays open but carries nothing more either way.
type proxy struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	conns  []*proxyConn
}

type proxyConn struct {
	frozen      atomic.Bool
	client, srv net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, target: target}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		l.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.client.Close()
			c.srv.Close()
		}
		p.mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			client, err := l.Accept()
			if err != nil {
				return
			}
			srv, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			c := &proxyConn{client: client, srv: srv}
			p.mu.Lock()
			p.conns = append(p.conns, c)
			p.mu.Unlock()
			wg.Go(func() { c.pump(srv, client) })
			wg.Go(func() { c.pump(client, srv) })
		}
	})
	return p
}

func (p *proxy) addr() string { return p.l.Addr().String() }

func (p *proxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.frozen.Store(true)
	}
}

// pump copies from src to dst, dropping what it reads once frozen.
func (c *proxyConn) pump(dst, src net.Conn) {
	defer c.client.Close()
	defer c.srv.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		if c.frozen.Load() {
			continue
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

// TestGoRedisResubscribes pins down the go-redis behaviour the broker
// relies on, without the broker: a PubSub whose server restarts connects
// again by itself when it is next used and subscribes again to its
// channels. (The broker also subscribes them again itself after every
// reconnection, so this test is the only one that would notice go-redis
// ceasing to.)
func TestGoRedisResubscribes(t *testing.T) {
	t.Parallel()
	meetpintest.RequireRedis(t)
	srv := meetpintest.NewRedisServer(t)
	srv.Start()
	sub, pub := openClientURL(t, srv.URL()), openClientURL(t, srv.URL())
	channel := meetpintest.BrokerTopic("goredis")
	ps := sub.Subscribe(t.Context(), channel)
	defer ps.Close()

	got := make(chan string, 100)
	go func() { // the receive loop of the test: a pause after each error
		defer close(got)
		for {
			msg, err := ps.ReceiveTimeout(context.Background(), time.Second)
			switch {
			case errors.Is(err, goredis.ErrClosed):
				return
			case err != nil:
				time.Sleep(50 * time.Millisecond)
			default:
				if m, ok := msg.(*goredis.Message); ok {
					got <- m.Payload
				}
			}
		}
	}()
	await := func(what string) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for i := 0; time.Now().Before(deadline); i++ {
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			pub.Publish(ctx, channel, what+" "+strconv.Itoa(i))
			cancel()
			select {
			case p := <-got:
				if strings.HasPrefix(p, what+" ") {
					return
				}
			case <-time.After(200 * time.Millisecond):
			}
		}
		t.Fatalf("no %q within 15s", what)
	}
	await("before")
	srv.Stop()
	srv.Start()
	start := time.Now()
	await("after")
	t.Logf("go-redis subscribed again %s after the restart", time.Since(start).Round(time.Millisecond))
}

// awaitFrom publishes on topic through pub every 200ms, ignoring errors,
// until ch receives one of those events; it fails the test after 15s.
func awaitFrom(t *testing.T, pub meetpin.Broker, ch <-chan meetpin.Event, topic string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		err := pub.Publish(ctx, topic, []byte("again "+strconv.Itoa(i)))
		cancel()
		if err != nil {
			t.Logf("Publish #%d: %v", i, err)
		}
		timeout := time.After(200 * time.Millisecond)
		for waiting := true; waiting; {
			select {
			case ev, ok := <-ch:
				if !ok {
					t.Fatal("subscription closed")
				}
				if strings.HasPrefix(string(ev.Payload), "again ") {
					return
				}
			case <-timeout:
				waiting = false
			}
		}
	}
	t.Fatalf("no event on %q from the other replica within 15s of the restart", topic)
}

// awaitHealthy waits until b.Healthy() is want.
func awaitHealthy(t *testing.T, b *redis.Broker, want bool) {
	t.Helper()
	for range 200 {
		if b.Healthy() == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("Healthy() stayed %v for 10s", !want)
}

func TestOpen(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String() // nothing listens there once l is closed
	l.Close()

	tests := []struct {
		name, url, want string
	}{
		{"bad scheme", "http://user:s3cret@localhost:6379/0", "redis: invalid URL: invalid URL scheme: http"},
		{"bad db", "redis://:s3cret@localhost:6379/x", `redis: invalid URL: invalid database number: "x"`},
		{"unparsable", "redis://:s3cret@local host:6379/0", "redis: invalid URL: "},
		{"unknown option", "redis://:s3cret@localhost:6379/0?colour=blue", "redis: invalid URL: unexpected option: colour"},
		{"nothing listens", "redis://:s3cret@" + closed + "/0", "redis: cannot connect to " + closed + ": connection refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := redis.Open(t.Context(), tc.url)
			if err == nil {
				c.Close()
				t.Fatal("no error")
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.HasPrefix(msg, tc.want) {
				t.Errorf("error = %q, want it to start with %q", msg, tc.want)
			}
			if strings.Contains(msg, "s3cret") || strings.Contains(msg, "\n") {
				t.Errorf("error = %q: it holds the password or several lines", msg)
			}
		})
	}

	t.Run("wrong password", func(t *testing.T) {
		meetpintest.RequireRedis(t)
		srv := meetpintest.NewRedisServer(t, "--requirepass", "right-one")
		srv.Start()
		addr := srv.Addr()
		_, err := redis.Open(t.Context(), "redis://:s3cret@"+addr+"/0")
		if err == nil {
			t.Fatal("no error")
		}
		msg := err.Error()
		t.Log(msg)
		if strings.Contains(msg, "s3cret") || !strings.HasPrefix(msg, "redis: cannot connect to "+addr+": ") {
			t.Errorf("error = %q", msg)
		}
		c, err := redis.Open(t.Context(), "redis://:right-one@"+addr+"/0")
		if err != nil {
			t.Fatalf("right password: %v", err)
		}
		c.Close()
	})
}
