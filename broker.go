package meetpin

import "context"

// Event is one published message.
type Event struct {
	Topic   string
	Payload []byte
}

// Broker fans small events out to subscribers, within one process (inmem)
// or across the replicas of a deployment (redis). The database stays the
// source of truth: events only wake streams up, which then read what is new,
// so a dropped event delays nothing for longer than a stream's poll interval
// and loses nothing.
type Broker interface {
	// Publish sends payload to every current subscriber of topic, on every
	// replica. It does not wait for subscribers to read it.
	Publish(ctx context.Context, topic string, payload []byte) error
	// Subscribe returns a channel of the events of the given topics. It is
	// closed when ctx ends. A subscriber that does not keep up loses events
	// rather than slowing publishers down.
	Subscribe(ctx context.Context, topics ...string) (<-chan Event, error)
	// Close stops the broker; open subscriptions are closed.
	Close() error
}
