package meetpintest

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"meetpin.app"
)

// RunBroker is the contract of meetpin.Broker: the inmem and redis packages
// both call it from their tests. open must return a fresh broker for the
// (sub)test it is given and register its own clean-up, which closes the
// broker (Close may then run twice and must not mind). The subtests run in
// parallel, so run the suite under -race.
//
// Topics are unique per subtest, so that brokers sharing a server do not
// hear each other. A subscriber that reads may only miss events when it
// falls behind; the suite never lets one fall more than 32 events behind.
// Waits are bounded by brokerWait, a guard against hangs and not a measure
// of speed: nothing here asserts how long an operation takes.
func RunBroker(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	t.Run("OneSubscriber", func(t *testing.T) { t.Parallel(); testBrokerOne(t, open) })
	t.Run("ManySubscribers", func(t *testing.T) { t.Parallel(); testBrokerMany(t, open) })
	t.Run("TopicIsolation", func(t *testing.T) { t.Parallel(); testBrokerIsolation(t, open) })
	t.Run("MultipleTopics", func(t *testing.T) { t.Parallel(); testBrokerMultipleTopics(t, open) })
	t.Run("Payload", func(t *testing.T) { t.Parallel(); testBrokerPayload(t, open) })
	t.Run("Order", func(t *testing.T) { t.Parallel(); testBrokerOrder(t, open) })
	t.Run("Unsubscribe", func(t *testing.T) { t.Parallel(); testBrokerUnsubscribe(t, open) })
	t.Run("SlowSubscriber", func(t *testing.T) { t.Parallel(); testBrokerSlowSubscriber(t, open) })
	t.Run("Close", func(t *testing.T) { t.Parallel(); testBrokerClose(t, open) })
	t.Run("Concurrent", func(t *testing.T) { t.Parallel(); testBrokerConcurrent(t, open) })
	t.Run("ConcurrentClose", func(t *testing.T) { t.Parallel(); testBrokerConcurrentClose(t, open) })
}

// brokerWait bounds every wait of the broker suite.
const brokerWait = 10 * time.Second

// BrokerTopic returns a topic named after name that no other test uses.
func BrokerTopic(name string) string {
	return "test:" + name + ":" + strings.ToLower(rand.Text()[:10])
}

// MustSubscribe subscribes to topics or fails the test now.
func MustSubscribe(t testing.TB, ctx context.Context, b meetpin.Broker, topics ...string) <-chan meetpin.Event {
	t.Helper()
	ch, err := b.Subscribe(ctx, topics...)
	if err != nil {
		t.Fatalf("Subscribe(%q): %v", topics, err)
	}
	return ch
}

// MustPublish publishes payload on topic or fails the test now.
func MustPublish(t testing.TB, b meetpin.Broker, topic, payload string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), brokerWait)
	defer cancel()
	if err := b.Publish(ctx, topic, []byte(payload)); err != nil {
		t.Fatalf("Publish(%q, %q): %v", topic, payload, err)
	}
}

// NextEvent returns the next event of ch, failing the test now if ch is
// closed or stays empty for brokerWait.
func NextEvent(t testing.TB, ch <-chan meetpin.Event) meetpin.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed, want an event")
		}
		return ev
	case <-time.After(brokerWait):
		t.Fatalf("no event within %s", brokerWait)
	}
	panic("unreachable")
}

// ExpectEvent fails the test now unless the next event of ch is payload on
// topic.
func ExpectEvent(t testing.TB, ch <-chan meetpin.Event, topic, payload string) {
	t.Helper()
	ev := NextEvent(t, ch)
	if ev.Topic != topic || string(ev.Payload) != payload {
		t.Fatalf("got event %q on %q, want %q on %q", ev.Payload, ev.Topic, payload, topic)
	}
}

// ExpectClosed drains ch and fails the test now unless it is closed within
// brokerWait.
func ExpectClosed(t testing.TB, ch <-chan meetpin.Event) {
	t.Helper()
	if err := awaitClosed(ch); err != nil {
		t.Fatal(err)
	}
}

// awaitClosed drains ch until it is closed, or gives up after brokerWait.
// It is ExpectClosed for other goroutines than the test's.
func awaitClosed(ch <-chan meetpin.Event) error {
	timeout := time.After(brokerWait)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("subscription not closed within %s", brokerWait)
		}
	}
}

// AwaitMarker publishes a fresh marker on topic every 100ms and reads ch,
// skipping other events, until one of its markers arrives. It is how a test
// knows that a subscriber has caught up after a flood that may have cost it
// events; it fails the test now after brokerWait.
func AwaitMarker(t testing.TB, b meetpin.Broker, ch <-chan meetpin.Event, topic string) {
	t.Helper()
	prefix := "marker-" + rand.Text()[:8] + "-"
	timeout := time.After(brokerWait)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		MustPublish(t, b, topic, prefix+strconv.Itoa(i))
		for waiting := true; waiting; {
			select {
			case ev, ok := <-ch:
				if !ok {
					t.Fatal("subscription closed while waiting for a marker")
				}
				if ev.Topic == topic && strings.HasPrefix(string(ev.Payload), prefix) {
					return
				}
			case <-tick.C:
				waiting = false
			case <-timeout:
				t.Fatalf("no marker on %q within %s", topic, brokerWait)
			}
		}
	}
}

func testBrokerOne(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	topic := BrokerTopic("one")
	ch := MustSubscribe(t, t.Context(), b, topic)
	MustPublish(t, b, topic, "hello")
	ExpectEvent(t, ch, topic, "hello")
}

func testBrokerMany(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	topic := BrokerTopic("many")
	var chs []<-chan meetpin.Event
	for range 5 {
		chs = append(chs, MustSubscribe(t, t.Context(), b, topic))
	}
	MustPublish(t, b, topic, "all")
	MustPublish(t, b, topic, "end")
	for i, ch := range chs {
		t.Logf("subscriber %d", i)
		ExpectEvent(t, ch, topic, "all") // once, then the next one
		ExpectEvent(t, ch, topic, "end")
	}
}

func testBrokerIsolation(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	// Prefixes of one another, and a glob that a pattern subscription
	// would expand: topics are names, compared whole.
	base := BrokerTopic("iso")
	topics := []string{base + ":1", base + ":10", base + ":*", base + ":[1]"}
	chs := make([]<-chan meetpin.Event, len(topics))
	for i, topic := range topics {
		chs[i] = MustSubscribe(t, t.Context(), b, topic)
	}
	for _, topic := range topics {
		MustPublish(t, b, topic, "for "+topic)
	}
	for _, topic := range topics {
		MustPublish(t, b, topic, "end "+topic)
	}
	// Each subscriber sees its own two events back to back: none of the
	// others came in between.
	for i, topic := range topics {
		ExpectEvent(t, chs[i], topic, "for "+topic)
		ExpectEvent(t, chs[i], topic, "end "+topic)
	}
}

func testBrokerMultipleTopics(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	a, bb, c := BrokerTopic("multi-a"), BrokerTopic("multi-b"), BrokerTopic("multi-c")
	ch := MustSubscribe(t, t.Context(), b, a, bb, a) // a repeated topic still means one delivery
	MustPublish(t, b, a, "1")
	MustPublish(t, b, c, "not subscribed")
	MustPublish(t, b, bb, "2")
	MustPublish(t, b, a, "3")
	MustPublish(t, b, bb, "end")
	ExpectEvent(t, ch, a, "1")
	ExpectEvent(t, ch, bb, "2")
	ExpectEvent(t, ch, a, "3")
	ExpectEvent(t, ch, bb, "end")
}

func testBrokerPayload(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	cases := []struct {
		name    string
		payload []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"json", []byte(`{"type":"message","id":"0192","body":"안녕\n👋"}`)},
		{"every byte", all},
		{"invalid UTF-8", []byte{0xff, 0xfe, 0x00, 0xc3}},
		{"64 KiB", bytes.Repeat([]byte("meetpin "), 8<<10)},
	}
	topic := BrokerTopic("payload")
	ch := MustSubscribe(t, t.Context(), b, topic)
	for _, tc := range cases {
		ctx, cancel := context.WithTimeout(t.Context(), brokerWait)
		buf := bytes.Clone(tc.payload)
		err := b.Publish(ctx, topic, buf)
		cancel()
		if err != nil {
			t.Fatalf("%s: Publish: %v", tc.name, err)
		}
		for i := range buf { // the publisher reuses its buffer at once
			buf[i] = 'x'
		}
		ev := NextEvent(t, ch)
		if ev.Topic != topic {
			t.Errorf("%s: topic = %q, want %q", tc.name, ev.Topic, topic)
		}
		if !bytes.Equal(ev.Payload, tc.payload) {
			t.Errorf("%s: payload = %q, want %q", tc.name, abbrev(ev.Payload), abbrev(tc.payload))
		}
	}
}

// abbrev shortens a payload for an error message.
func abbrev(p []byte) []byte {
	if len(p) > 40 {
		return append(p[:40:40], "…"...)
	}
	return p
}

func testBrokerOrder(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	a, c := BrokerTopic("order-a"), BrokerTopic("order-b")
	ch := MustSubscribe(t, t.Context(), b, a, c)
	// n fits any subscriber's buffer: nothing may be dropped.
	const n = 32
	topicOf := func(i int) string { // a a b a a b …
		if i%3 == 2 {
			return c
		}
		return a
	}
	for i := range n {
		MustPublish(t, b, topicOf(i), strconv.Itoa(i))
	}
	for i := range n {
		ExpectEvent(t, ch, topicOf(i), strconv.Itoa(i))
	}
}

func testBrokerUnsubscribe(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	topic := BrokerTopic("unsub")

	ctx, cancel := context.WithCancel(t.Context())
	gone := MustSubscribe(t, ctx, b, topic)
	stays := MustSubscribe(t, t.Context(), b, topic)
	MustPublish(t, b, topic, "before")
	cancel()
	ExpectClosed(t, gone)
	for i := range 10 { // publishing to a cancelled subscriber must not panic
		MustPublish(t, b, topic, "after "+strconv.Itoa(i))
	}
	// The other subscriber of the topic is untouched.
	ExpectEvent(t, stays, topic, "before")
	for i := range 10 {
		ExpectEvent(t, stays, topic, "after "+strconv.Itoa(i))
	}

	// The last subscriber of a topic leaving, then a new one coming.
	ctx2, cancel2 := context.WithCancel(t.Context())
	other := BrokerTopic("unsub-other")
	ch := MustSubscribe(t, ctx2, b, other)
	cancel2()
	ExpectClosed(t, ch)
	MustPublish(t, b, other, "nobody listens")
	ch = MustSubscribe(t, t.Context(), b, other)
	MustPublish(t, b, other, "back")
	// An event published before Subscribe returned may still arrive from
	// another replica, but only before the later ones.
	if ev := NextEvent(t, ch); string(ev.Payload) == "nobody listens" {
		t.Log(`got "nobody listens" from before the Subscribe`)
		ExpectEvent(t, ch, other, "back")
	} else if string(ev.Payload) != "back" {
		t.Fatalf("got %q, want %q", ev.Payload, "back")
	}

	// A context that has already ended gives an error or a closed channel.
	done, cancel3 := context.WithCancel(t.Context())
	cancel3()
	if ch, err := b.Subscribe(done, topic); err == nil {
		ExpectClosed(t, ch)
	}

	if _, err := b.Subscribe(t.Context()); err == nil {
		t.Error("Subscribe without a topic: no error")
	}
}

func testBrokerSlowSubscriber(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	topic := BrokerTopic("slow")
	slowCtx, stopSlow := context.WithCancel(t.Context())
	slow := MustSubscribe(t, slowCtx, b, topic) // never read
	fast := MustSubscribe(t, t.Context(), b, topic)

	// Publish must return for every event although slow's buffer filled up
	// long ago. The deadline is handed to Publish; the test only waits a
	// little longer for the goroutine, so that a Publish that ignores its
	// context and blocks fails the test instead of hanging it.
	const n = 1000
	ctx, cancel := context.WithTimeout(t.Context(), 2*brokerWait)
	defer cancel()
	var returned atomic.Int64
	done := make(chan error, 1)
	go func() {
		for i := range n {
			if err := b.Publish(ctx, topic, []byte(strconv.Itoa(i))); err != nil {
				done <- fmt.Errorf("Publish #%d: %w", i, err)
				return
			}
			returned.Add(1)
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * brokerWait):
		// Unblock the publisher, so that the clean-up can close the broker.
		go func() {
			for range slow {
			}
		}()
		go func() {
			for range fast {
			}
		}()
		t.Fatalf("Publish blocked: %d of %d calls returned", returned.Load(), n)
	}
	if got := returned.Load(); got != n {
		t.Fatalf("%d of %d Publish calls returned", got, n)
	}

	// A subscriber that reads again catches up with what is new.
	AwaitMarker(t, b, fast, topic)
	// Cancelling a subscriber with a full buffer closes it all the same.
	stopSlow()
	ExpectClosed(t, slow)
}

func testBrokerClose(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	a, c := BrokerTopic("close-a"), BrokerTopic("close-b")
	ch1 := MustSubscribe(t, t.Context(), b, a)
	ch2 := MustSubscribe(t, t.Context(), b, a, c)
	MustPublish(t, b, a, "pending") // left unread in both buffers
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ExpectClosed(t, ch1)
	ExpectClosed(t, ch2)

	// After Close nothing panics: Publish may fail, Subscribe must.
	_ = b.Publish(t.Context(), a, []byte("after close"))
	if ch, err := b.Subscribe(t.Context(), a); err == nil {
		t.Error("Subscribe after Close: no error")
		ExpectClosed(t, ch)
	}
	_ = b.Close()
}

func testBrokerConcurrent(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	topics := []string{BrokerTopic("conc-a"), BrokerTopic("conc-b"), BrokerTopic("conc-c")}
	steady := MustSubscribe(t, t.Context(), b, topics...) // not read until the end

	const publishers, events = 4, 200
	const churners, rounds = 8, 25
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Go(func() {
			for i := range events {
				topic := topics[(p+i)%len(topics)]
				if err := b.Publish(t.Context(), topic, []byte(strconv.Itoa(i))); err != nil {
					t.Errorf("publisher %d: Publish: %v", p, err)
					return
				}
			}
		})
	}
	for c := range churners {
		wg.Go(func() {
			for r := range rounds {
				ctx, cancel := context.WithCancel(t.Context())
				ch, err := b.Subscribe(ctx, topics[(c+r)%len(topics)], topics[r%len(topics)])
				if err != nil {
					cancel()
					t.Errorf("churner %d: Subscribe: %v", c, err)
					return
				}
				for range r % 4 { // read a few, whether or not events come
					select {
					case <-ch:
					default:
					}
				}
				cancel()
				if err := awaitClosed(ch); err != nil {
					t.Errorf("churner %d: %v", c, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, topic := range topics {
		AwaitMarker(t, b, steady, topic)
	}
}

func testBrokerConcurrentClose(t *testing.T, open func(t *testing.T) meetpin.Broker) {
	b := open(t)
	topic := BrokerTopic("conc-close")
	stop := make(chan struct{})
	var warm sync.WaitGroup // every goroutine has done some work before Close
	var wg sync.WaitGroup
	var mu sync.Mutex
	var chs []<-chan meetpin.Event
	subscribe := func() error {
		ch, err := b.Subscribe(t.Context(), topic)
		if err == nil {
			mu.Lock()
			chs = append(chs, ch)
			mu.Unlock()
		}
		return err
	}

	for range 4 {
		warm.Add(1)
		wg.Go(func() {
			for range 50 {
				if err := b.Publish(t.Context(), topic, []byte("x")); err != nil {
					t.Errorf("Publish before Close: %v", err)
				}
			}
			warm.Done()
			for {
				select {
				case <-stop:
					return
				default:
					_ = b.Publish(t.Context(), topic, []byte("x")) // fails once closed
				}
			}
		})
	}
	for range 4 {
		warm.Add(1)
		wg.Go(func() {
			for range 5 {
				if err := subscribe(); err != nil {
					t.Errorf("Subscribe before Close: %v", err)
				}
			}
			warm.Done()
			for range 45 {
				select {
				case <-stop:
					return
				default:
				}
				if subscribe() != nil { // closed
					break
				}
			}
			<-stop
		})
	}
	warm.Wait()
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	close(stop)
	wg.Wait()
	for i, ch := range chs {
		if err := awaitClosed(ch); err != nil {
			t.Fatalf("subscription %d of %d: %v", i+1, len(chs), err)
		}
	}
	if _, err := b.Subscribe(t.Context(), topic); err == nil {
		t.Error("Subscribe after Close: no error")
	}
}
