package inmem

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"meetpin.app"
)

// SubscriberBuffer is how many events a subscriber may fall behind before
// it starts losing new ones.
const SubscriberBuffer = 64

// ErrClosed is returned by Publish and Subscribe once the broker is closed.
var ErrClosed = errors.New("inmem: broker closed")

// errNoTopics is returned by Subscribe when it is given no topic.
var errNoTopics = errors.New("inmem: subscribe needs at least one topic")

// Broker is an in-process meetpin.Broker. Publish never blocks: an event
// that does not fit in a subscriber's buffer is dropped for that subscriber
// alone and counted in BrokerStats.Dropped.
type Broker struct {
	// mu guards the maps and closed. Publish sends under the read lock and
	// channels are closed under the write lock, so no send can meet a
	// closed channel.
	mu     sync.RWMutex
	topics map[string]map[*subscription]struct{}
	subs   map[*subscription]struct{}
	closed bool

	published atomic.Uint64
	dropped   atomic.Uint64
}

var _ meetpin.Broker = (*Broker)(nil)

// subscription is one Subscribe call.
type subscription struct {
	ch     chan meetpin.Event
	topics []string
	stop   func() bool // detaches the context.AfterFunc that ends it
}

// BrokerStats are a broker's figures since it was created.
type BrokerStats struct {
	Subscribers int    // open subscriptions
	Published   uint64 // Publish calls that reached the broker
	Dropped     uint64 // deliveries skipped because a subscriber's buffer was full
}

// NewBroker returns an empty broker.
func NewBroker() *Broker {
	return &Broker{
		topics: make(map[string]map[*subscription]struct{}),
		subs:   make(map[*subscription]struct{}),
	}
}

// Publish hands a copy of payload to every subscriber of topic that has
// room for it and returns without waiting. All subscribers share that copy:
// they must not modify Event.Payload. ctx is not used: Publish never blocks.
func (b *Broker) Publish(_ context.Context, topic string, payload []byte) error {
	ev := meetpin.Event{Topic: topic, Payload: bytes.Clone(payload)}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return ErrClosed
	}
	b.published.Add(1)
	for s := range b.topics[topic] {
		select {
		case s.ch <- ev:
		default:
			b.dropped.Add(1)
		}
	}
	return nil
}

// Subscribe returns a channel that receives the events of topics from the
// moment Subscribe returns, each event once even if a topic is repeated. The
// channel is closed when ctx ends or the broker is closed.
func (b *Broker) Subscribe(ctx context.Context, topics ...string) (<-chan meetpin.Event, error) {
	if len(topics) == 0 {
		return nil, errNoTopics
	}
	s := &subscription{
		ch:     make(chan meetpin.Event, SubscriberBuffer),
		topics: unique(topics),
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	for _, t := range s.topics {
		set := b.topics[t]
		if set == nil {
			set = make(map[*subscription]struct{})
			b.topics[t] = set
		}
		set[s] = struct{}{}
	}
	b.subs[s] = struct{}{}
	// Registered under the lock, so that Close always finds stop set. When
	// ctx is already done, remove runs at once and waits for the lock.
	s.stop = context.AfterFunc(ctx, func() { b.remove(s) })
	return s.ch, nil
}

// remove unregisters s and closes its channel, unless Close did already.
func (b *Broker) remove(s *subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[s]; !ok {
		return
	}
	delete(b.subs, s)
	for _, t := range s.topics {
		delete(b.topics[t], s)
		if len(b.topics[t]) == 0 {
			delete(b.topics, t)
		}
	}
	close(s.ch)
}

// Close closes every open subscription. Later calls to Publish and
// Subscribe return ErrClosed; closing again does nothing.
func (b *Broker) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	for s := range b.subs {
		s.stop()
		close(s.ch)
	}
	clear(b.subs)
	clear(b.topics)
	return nil
}

// Stats returns the broker's figures.
func (b *Broker) Stats() BrokerStats {
	b.mu.RLock()
	n := len(b.subs)
	b.mu.RUnlock()
	return BrokerStats{Subscribers: n, Published: b.published.Load(), Dropped: b.dropped.Load()}
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
