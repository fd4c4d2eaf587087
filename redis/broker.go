package redis

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"meetpin.app"
	"meetpin.app/inmem"
)

const (
	// channelPrefix is put before a topic to name its Redis channel.
	channelPrefix = "meetpin:"
	// originLen is the length of the id of the publishing broker that
	// starts every message on the wire, so that a broker can skip its own
	// events, which it has delivered already.
	originLen = 16

	// healthInterval is how long the receive loop waits for traffic before
	// it pings Redis, and then for the answer before it gives the
	// connection up: a connection that died without a word (a host gone,
	// a partition) is noticed within twice this.
	healthInterval = 10 * time.Second
	// opTimeout bounds a SUBSCRIBE or UNSUBSCRIBE, reconnection included.
	opTimeout = 3 * time.Second
	// confirmWait bounds how long Subscribe waits for Redis to confirm a
	// new channel.
	confirmWait = 2 * time.Second
	// downBudget bounds a PUBLISH or SUBSCRIBE while the broker knows that
	// Redis is down. go-redis retries a refused connection for over 1.5s
	// (3 command retries of 5 dials each), which a Publish in a request
	// should not pay during an outage; 250ms still reaches a Redis that has
	// just come back.
	downBudget = 250 * time.Millisecond
	// Bounds of the pause between two attempts to reach Redis.
	minBackoff = 100 * time.Millisecond
	maxBackoff = time.Second
)

// ErrClosed is returned by Publish and Subscribe once the broker is closed.
var ErrClosed = errors.New("redis: broker closed")

// errNoTopics is returned by Subscribe when it is given no topic.
var errNoTopics = errors.New("redis: subscribe needs at least one topic")

// Broker is a meetpin.Broker across replicas. Each broker holds one Redis
// pub/sub connection, subscribed to the channels its local subscribers need
// (SUBSCRIBE with the first subscriber of a topic, UNSUBSCRIBE after the
// last), and hands what arrives to an inmem.Broker that does the local
// fan-out, with its buffers and drop rule.
//
// Publish delivers to the local subscribers itself, then publishes on
// Redis for the other replicas. So when Redis is down a replica still
// serves its own subscribers: Publish reports the failure, Subscribe does
// not fail, and the connection comes back by itself with its channels.
// Events published elsewhere while it was away are lost, which the
// meetpin.Broker contract allows.
type Broker struct {
	client *goredis.Client
	log    *slog.Logger
	origin string // this broker's id on the wire: originLen characters
	local  *inmem.Broker

	ctx      context.Context // ends with Close
	cancel   context.CancelFunc
	loopDone chan struct{}
	state    atomic.Int32 // stateUnknown, stateUp or stateDown

	mu     sync.Mutex // guards what follows, and orders (UN)SUBSCRIBE
	ps     *goredis.PubSub
	refs   map[string]int // local subscriptions per topic
	subs   map[*subscription]struct{}
	closed bool
	// waiters holds, per channel and oldest first, the Subscribe calls
	// waiting for Redis to confirm it; each "subscribe" reply wakes the
	// oldest. It is best effort: a late reply that crossed an UNSUBSCRIBE
	// of the same channel may wake the next waiter a moment early, which
	// costs at most one event, as a dropped event would.
	waiters map[string][]chan struct{}
}

var _ meetpin.Broker = (*Broker)(nil)

// subscription is one Subscribe call. Its local channel lives until
// release, so that the channel closes after the Redis side is settled.
type subscription struct {
	topics []string
	end    context.CancelFunc // closes the local channel
	stop   func() bool        // detaches the context.AfterFunc that releases it
}

// States of the pub/sub connection, for Healthy and for logging changes
// once.
const (
	stateUnknown int32 = iota
	stateUp
	stateDown
)

// NewBroker returns a broker that talks to Redis through client and starts
// its receive loop. Close stops the loop; the client stays the caller's to
// close, after the broker. log may be nil.
func NewBroker(client *goredis.Client, log *slog.Logger) *Broker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &Broker{
		client:   client,
		log:      log,
		origin:   strings.ToLower(rand.Text()[:originLen]),
		local:    inmem.NewBroker(),
		ctx:      ctx,
		cancel:   cancel,
		loopDone: make(chan struct{}),
		ps:       client.Subscribe(ctx), // no channel yet: does not connect
		refs:     make(map[string]int),
		subs:     make(map[*subscription]struct{}),
		waiters:  make(map[string][]chan struct{}),
	}
	go b.loop()
	return b
}

// Publish delivers payload to the subscribers of topic on this replica,
// then publishes it on Redis for the others. An error means that the other
// replicas may not have it; the local subscribers have it all the same.
func (b *Broker) Publish(ctx context.Context, topic string, payload []byte) error {
	if err := b.local.Publish(ctx, topic, payload); err != nil {
		return ErrClosed
	}
	msg := make([]byte, 0, originLen+len(payload))
	msg = append(append(msg, b.origin...), payload...)
	down := b.state.Load() == stateDown
	if down {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, downBudget)
		defer cancel()
	}
	if err := b.client.Publish(ctx, channelPrefix+topic, msg).Err(); err != nil {
		if down {
			return fmt.Errorf("redis: publish on %s: Redis is down: %w", topic, err)
		}
		return fmt.Errorf("redis: publish on %s: %w", topic, err)
	}
	return nil
}

// Subscribe returns a channel of the events of topics, published on any
// replica, closed when ctx ends or the broker is closed. While Redis works,
// it returns once Redis has confirmed the new channels (or after a couple
// of seconds), so that an event published anywhere after Subscribe returns
// reaches it. While Redis is down, Subscribe still succeeds: the channel
// gets this replica's events at once, the others' once Redis is back.
func (b *Broker) Subscribe(ctx context.Context, topics ...string) (<-chan meetpin.Event, error) {
	if len(topics) == 0 {
		return nil, errNoTopics
	}
	localCtx, end := context.WithCancel(context.Background())
	ch, err := b.local.Subscribe(localCtx, topics...)
	if err != nil {
		end()
		return nil, ErrClosed
	}
	s := &subscription{topics: unique(topics), end: end}

	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		end()
		return nil, ErrClosed
	}
	var added []string
	for _, t := range s.topics {
		b.refs[t]++
		if b.refs[t] == 1 {
			added = append(added, channelPrefix+t)
		}
	}
	var wait []chan struct{}
	var subErr error
	if len(added) > 0 {
		for _, c := range added {
			w := make(chan struct{})
			b.waiters[c] = append(b.waiters[c], w)
			wait = append(wait, w)
		}
		// The PubSub remembers the channels even when this fails, and
		// subscribes them again on every reconnection.
		opCtx, cancel := context.WithTimeout(b.ctx, b.opBudget())
		subErr = b.ps.Subscribe(opCtx, added...)
		cancel()
	}
	b.subs[s] = struct{}{}
	s.stop = context.AfterFunc(ctx, func() { b.release(s) })
	b.mu.Unlock()

	if subErr != nil {
		b.down(subErr)
		return ch, nil
	}
	b.awaitConfirmation(ctx, wait)
	return ch, nil
}

// awaitConfirmation waits until Redis has confirmed the subscriptions of
// wait, the broker has given up on them, or confirmWait has passed.
func (b *Broker) awaitConfirmation(ctx context.Context, wait []chan struct{}) {
	if len(wait) == 0 {
		return
	}
	timer := time.NewTimer(confirmWait)
	defer timer.Stop()
	for _, w := range wait {
		select {
		case <-w:
		case <-timer.C:
			b.log.Warn("redis: subscription not confirmed in time; events from other replicas may be late", "wait", confirmWait)
			return
		case <-ctx.Done():
			return
		case <-b.ctx.Done():
			return
		}
	}
}

// release ends s: it drops the Redis channels that no local subscriber
// needs any longer, then closes the channel of s.
func (b *Broker) release(s *subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[s]; !ok { // the broker is closed
		return
	}
	delete(b.subs, s)
	defer s.end()
	var removed []string
	for _, t := range s.topics {
		b.refs[t]--
		if b.refs[t] == 0 {
			delete(b.refs, t)
			removed = append(removed, channelPrefix+t)
		}
	}
	if len(removed) == 0 {
		return
	}
	for _, c := range removed { // whoever waits for them has gone too
		for _, w := range b.waiters[c] {
			close(w)
		}
		delete(b.waiters, c)
	}
	// The PubSub forgets the channels even when this fails, so they are
	// not subscribed again on reconnection.
	opCtx, cancel := context.WithTimeout(b.ctx, b.opBudget())
	defer cancel()
	if err := b.ps.Unsubscribe(opCtx, removed...); err != nil {
		b.log.Debug("redis: unsubscribe failed", "err", err)
	}
}

// opBudget is the time a SUBSCRIBE or UNSUBSCRIBE may take.
func (b *Broker) opBudget() time.Duration {
	if b.state.Load() == stateDown {
		return downBudget
	}
	return opTimeout
}

// Healthy reports whether the pub/sub connection to Redis worked the last
// time it was used: false until it first works, and from a failure until
// Redis answers again.
func (b *Broker) Healthy() bool { return b.state.Load() == stateUp }

// Stats returns the figures of the local fan-out.
func (b *Broker) Stats() inmem.BrokerStats { return b.local.Stats() }

// Close stops the receive loop, closes the pub/sub connection and every
// open subscription. Later calls to Publish and Subscribe return ErrClosed.
// It leaves the client open.
func (b *Broker) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	for s := range b.subs {
		s.stop()
		s.end() // b.local is closed below anyway
	}
	clear(b.subs)
	b.wakeWaiters()
	ps := b.ps
	b.mu.Unlock()

	b.cancel() // aborts a dial of the loop
	err := ps.Close()
	<-b.loopDone
	b.local.Close()
	if err != nil && !errors.Is(err, goredis.ErrClosed) {
		return fmt.Errorf("redis: close pub/sub: %w", err)
	}
	return nil
}

// loop receives from Redis until Close. go-redis reconnects the PubSub by
// itself after an error and subscribes it again to the channels it knows;
// the loop paces the attempts while Redis is away, tracks health, asserts
// every channel again on the new connection (go-redis misses the ones
// whose SUBSCRIBE failed with the old one) and replaces the PubSub when a
// ping goes unanswered.
func (b *Broker) loop() {
	defer close(b.loopDone)
	ps := b.pubSub()
	ping := true    // ping before the next receive
	pinged := false // a ping is waiting for its answer
	resync := false // subscribe every channel again after the next ping
	var backoff time.Duration
	for b.ctx.Err() == nil {
		if ping {
			ctx, cancel := context.WithTimeout(b.ctx, opTimeout)
			err := ps.Ping(ctx)
			cancel()
			if err != nil {
				b.down(err)
				backoff = b.pause(backoff)
				continue
			}
			ping, pinged = false, true
			if resync {
				b.resubscribe(ps)
				resync = false
			}
		}
		msg, err := ps.ReceiveTimeout(b.ctx, healthInterval)
		switch {
		case b.ctx.Err() != nil:
			return
		case err == nil:
			backoff, pinged = 0, false
			b.up()
			b.handle(msg)
		case isTimeout(err) && !pinged:
			ping = true
		case isTimeout(err):
			b.down(errors.New("no answer to ping within " + healthInterval.String()))
			if ps = b.renew(); ps == nil {
				return
			}
			ping = true
		default:
			// go-redis has closed the connection and tried once to
			// open another.
			b.down(err)
			backoff = b.pause(backoff)
			ping, resync = true, true
		}
	}
}

// handle hands a message from Redis to the local subscribers, and a
// subscription confirmation to the Subscribe call waiting for it.
func (b *Broker) handle(msg any) {
	switch msg := msg.(type) {
	case *goredis.Message:
		topic, ok := strings.CutPrefix(msg.Channel, channelPrefix)
		if !ok || len(msg.Payload) < originLen {
			b.log.Debug("redis: ignored a message in an unknown format", "channel", msg.Channel)
			return
		}
		if msg.Payload[:originLen] == b.origin {
			return // published here, and delivered by Publish already
		}
		_ = b.local.Publish(b.ctx, topic, []byte(msg.Payload[originLen:]))
	case *goredis.Subscription:
		if msg.Kind != "subscribe" {
			return
		}
		b.mu.Lock()
		if q := b.waiters[msg.Channel]; len(q) > 0 {
			close(q[0])
			if len(q) == 1 {
				delete(b.waiters, msg.Channel)
			} else {
				b.waiters[msg.Channel] = q[1:]
			}
		}
		b.mu.Unlock()
	}
}

// pause waits before the next attempt to reach Redis, for longer each
// time up to maxBackoff, and returns the new pause.
func (b *Broker) pause(last time.Duration) time.Duration {
	next := min(max(2*last, minBackoff), maxBackoff)
	select {
	case <-time.After(next):
	case <-b.ctx.Done():
	}
	return next
}

// pubSub returns the current PubSub.
func (b *Broker) pubSub() *goredis.PubSub {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ps
}

// renew replaces the PubSub, whose connection is silently dead, by a new
// one subscribed to the same channels. It returns nil once the broker is
// closed.
func (b *Broker) renew() *goredis.PubSub {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	_ = b.ps.Close()
	b.ps = b.client.Subscribe(b.ctx)
	ps := b.ps
	b.wakeWaiters()
	b.mu.Unlock()
	b.resubscribe(ps)
	return ps
}

// resubscribe subscribes ps to the channel of every topic with local
// subscribers. SUBSCRIBE is idempotent, and ps remembers the channels even
// when it fails.
func (b *Broker) resubscribe(ps *goredis.PubSub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.refs) == 0 || ps != b.ps {
		return
	}
	channels := make([]string, 0, len(b.refs))
	for t := range b.refs {
		channels = append(channels, channelPrefix+t)
	}
	opCtx, cancel := context.WithTimeout(b.ctx, opTimeout)
	defer cancel()
	if err := ps.Subscribe(opCtx, channels...); err != nil {
		b.log.Debug("redis: subscribe again failed", "err", err)
	}
}

// wakeWaiters lets every Subscribe call waiting for a confirmation return:
// the connection they wrote to is gone. b.mu must be held.
func (b *Broker) wakeWaiters() {
	for _, q := range b.waiters {
		for _, w := range q {
			close(w)
		}
	}
	clear(b.waiters)
}

// up records that Redis answered.
func (b *Broker) up() {
	switch b.state.Swap(stateUp) {
	case stateDown:
		b.log.Info("redis: pub/sub connection restored")
	case stateUnknown:
		b.log.Debug("redis: pub/sub connected")
	}
}

// down records that Redis failed, logging only the change.
func (b *Broker) down(err error) {
	if b.ctx.Err() != nil {
		return // Close in progress: failures are expected
	}
	if b.state.Swap(stateDown) != stateDown {
		b.log.Warn("redis: pub/sub connection lost; events reach this replica's subscribers only until it is back", "err", err)
	}
	b.mu.Lock()
	b.wakeWaiters()
	b.mu.Unlock()
}

// isTimeout reports whether err is a read that timed out, as opposed to a
// broken connection.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// unique returns topics without repeats, in their first order.
func unique(topics []string) []string {
	out := make([]string, 0, len(topics))
	for _, t := range topics {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
