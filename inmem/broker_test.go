package inmem_test

import (
	"context"
	"testing"

	"meetpin.app"
	"meetpin.app/inmem"
	"meetpin.app/meetpintest"
)

func TestBroker(t *testing.T) {
	meetpintest.RunBroker(t, func(t *testing.T) meetpin.Broker {
		b := inmem.NewBroker()
		t.Cleanup(func() { b.Close() })
		return b
	})
}

// TestBrokerStats checks the figures of a flood that overflows a
// subscriber's buffer.
func TestBrokerStats(t *testing.T) {
	b := inmem.NewBroker()
	defer b.Close()
	ctx, cancel := context.WithCancel(t.Context())
	slow := meetpintest.MustSubscribe(t, ctx, b, "a")
	meetpintest.MustSubscribe(t, t.Context(), b, "b")

	const n = inmem.SubscriberBuffer + 10
	for range n {
		meetpintest.MustPublish(t, b, "a", "x")
	}
	want := inmem.BrokerStats{Subscribers: 2, Published: n, Dropped: 10}
	if got := b.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
	for range inmem.SubscriberBuffer { // what was kept is still there
		meetpintest.NextEvent(t, slow)
	}

	cancel()
	meetpintest.ExpectClosed(t, slow)
	if got := b.Stats().Subscribers; got != 1 {
		t.Errorf("Stats().Subscribers after cancel = %d, want 1", got)
	}
	b.Close()
	if got := b.Stats().Subscribers; got != 0 {
		t.Errorf("Stats().Subscribers after Close = %d, want 0", got)
	}
}
