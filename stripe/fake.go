package stripe

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"sync"
	"time"

	stripego "github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"meetpin.app"
)

// SignPayload returns the Stripe-Signature header of payload signed with
// secret at time at, the way Stripe signs its webhooks (the library's test
// signing helper).
func SignPayload(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
}

// SessionEvent is a checkout.session.* event as Stripe sends it, reduced
// to the fields meetpin reads.
type SessionEvent struct {
	EventID       string
	Type          string // default checkout.session.completed
	SessionID     string
	PaymentStatus string // default "paid"
	AmountTotal   int64
	Currency      string // default "krw"
	Metadata      map[string]string
	Created       time.Time // default now
}

// Payload encodes the event as the JSON body of a webhook.
func (e SessionEvent) Payload() []byte {
	if e.Type == "" {
		e.Type = meetpin.EventCheckoutCompleted
	}
	if e.PaymentStatus == "" {
		e.PaymentStatus = string(stripego.CheckoutSessionPaymentStatusPaid)
	}
	if e.Currency == "" {
		e.Currency = "krw"
	}
	if e.Created.IsZero() {
		e.Created = time.Now()
	}
	b, _ := json.Marshal(map[string]any{
		"id": e.EventID, "object": "event", "api_version": stripego.APIVersion, "type": e.Type,
		"created": e.Created.Unix(), "livemode": false, "pending_webhooks": 1,
		"data": map[string]any{"object": map[string]any{
			"id": e.SessionID, "object": "checkout.session", "mode": "payment", "status": "complete",
			"payment_status": e.PaymentStatus, "amount_total": e.AmountTotal, "currency": e.Currency,
			"metadata": e.Metadata, "client_reference_id": e.Metadata["room_id"],
		}},
	})
	return b
}

// Fake is a local stand-in for Stripe Checkout, for development only: its
// sessions are paid on a plain page of our own (/payments/fake-checkout),
// which hands a correctly signed checkout.session.completed event to the
// same webhook code that Stripe's events take. Sessions live in memory for
// 30 minutes.
type Fake struct {
	siteURL string
	secret  string

	mu       sync.Mutex
	sessions map[string]*fakeSession
}

type fakeSession struct {
	req     meetpin.CheckoutRequest
	eventID string // set once paid; a second payment resends the same event
	expires time.Time
}

var _ meetpin.Payments = (*Fake)(nil)

// NewFake returns a fake whose pages live under siteURL and whose events
// are signed with webhookSecret (a random one when "").
func NewFake(siteURL, webhookSecret string) *Fake {
	if webhookSecret == "" {
		webhookSecret = "whsec_fake_" + rand.Text()
	}
	return &Fake{siteURL: siteURL, secret: webhookSecret, sessions: map[string]*fakeSession{}}
}

// CreateCheckout implements meetpin.Payments: the URL is the local page.
func (f *Fake) CreateCheckout(ctx context.Context, req meetpin.CheckoutRequest) (*meetpin.CheckoutSession, error) {
	id := "cs_fake_" + rand.Text()
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	for k, s := range f.sessions {
		if now.After(s.expires) {
			delete(f.sessions, k)
		}
	}
	f.sessions[id] = &fakeSession{req: req, expires: now.Add(30 * time.Minute)}
	return &meetpin.CheckoutSession{ID: id, URL: f.siteURL + "/payments/fake-checkout?session=" + id}, nil
}

// VerifyWebhook implements meetpin.Payments with the fake's secret.
func (f *Fake) VerifyWebhook(payload []byte, signature string) (*meetpin.PaymentEvent, error) {
	return verify(payload, signature, f.secret)
}

// Session returns an open session's request.
func (f *Fake) Session(id string) (meetpin.CheckoutRequest, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok || time.Now().After(s.expires) {
		return meetpin.CheckoutRequest{}, false
	}
	return s.req, true
}

// ErrNoSession is returned for an unknown or expired session.
var ErrNoSession = errors.New("stripe: no such fake checkout session")

// Complete pays a session: it returns the signed webhook (body and
// Stripe-Signature header) that Stripe would send. Paying again returns
// the same event, as a redelivery.
func (f *Fake) Complete(id string) (payload []byte, signature string, err error) {
	f.mu.Lock()
	s, ok := f.sessions[id]
	if !ok || time.Now().After(s.expires) {
		f.mu.Unlock()
		return nil, "", ErrNoSession
	}
	if s.eventID == "" {
		s.eventID = "evt_fake_" + rand.Text()
	}
	ev := SessionEvent{EventID: s.eventID, SessionID: id, AmountTotal: s.req.Amount, Metadata: Metadata(s.req)}
	f.mu.Unlock()
	payload = ev.Payload()
	return payload, SignPayload(payload, f.secret, time.Now()), nil
}
