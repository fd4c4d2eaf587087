// Package stripe is meetpin's payment provider on Stripe Checkout: it
// creates the Checkout Session of a boost and verifies and decodes the
// webhook events that report its payment. It is the only importer of
// stripe-go. Fake, for local development without a Stripe account, signs its
// events with the same library, so they take the same webhook path.
package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	stripego "github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"meetpin.app"
	"meetpin.app/healthcache"
)

// Tolerance is how old a signed webhook may be.
const Tolerance = 5 * time.Minute

// Config configures a Client.
type Config struct {
	SecretKey     string // sk_test_…, sk_live_… or a restricted rk_… key
	WebhookSecret string // whsec_…
	// APIBase is the API's base URL; "" means Stripe's. Tests point it at
	// stripe-mock.
	APIBase string
	// PriceIDs are configured Price IDs by days; days without one are
	// charged with an inline KRW price.
	PriceIDs map[int]string
	// HTTPClient makes the API calls; nil means a client with a 10 s
	// timeout.
	HTTPClient *http.Client
	// LastEvent reports when the newest webhook event was processed, for
	// the health details; nil leaves it out.
	LastEvent func(ctx context.Context) (time.Time, bool, error)
}

// Client is the Stripe payment provider. It implements meetpin.Payments
// and meetpin.HealthChecker.
type Client struct {
	sc     *stripego.Client
	cfg    Config
	health healthcache.Check
}

var (
	_ meetpin.Payments      = (*Client)(nil)
	_ meetpin.HealthChecker = (*Client)(nil)
)

// New returns a Client.
func New(cfg Config) *Client {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	bc := &stripego.BackendConfig{
		HTTPClient:        hc,
		MaxNetworkRetries: stripego.Int64(1),
		// Errors are returned and logged by the caller, once.
		LeveledLogger: &stripego.LeveledLogger{Level: stripego.LevelNull},
	}
	if cfg.APIBase != "" {
		bc.URL = stripego.String(strings.TrimRight(cfg.APIBase, "/"))
	}
	c := &Client{
		sc:  stripego.NewClient(cfg.SecretKey, stripego.WithBackends(stripego.NewBackendsWithConfig(bc))),
		cfg: cfg,
	}
	c.health.Probe = c.probe
	return c
}

// CreateCheckout implements meetpin.Payments: a one-off card payment in KRW
// whose session and metadata name the boost.
func (c *Client) CreateCheckout(ctx context.Context, req meetpin.CheckoutRequest) (*meetpin.CheckoutSession, error) {
	item := &stripego.CheckoutSessionCreateLineItemParams{Quantity: stripego.Int64(1)}
	if id := c.cfg.PriceIDs[req.Days]; id != "" {
		item.Price = stripego.String(id)
	} else {
		item.PriceData = &stripego.CheckoutSessionCreateLineItemPriceDataParams{
			Currency:    stripego.String("krw"),
			UnitAmount:  stripego.Int64(req.Amount),
			ProductData: &stripego.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripego.String(ProductName(req.Days))},
		}
	}
	params := &stripego.CheckoutSessionCreateParams{
		Mode:               stripego.String(string(stripego.CheckoutSessionModePayment)),
		PaymentMethodTypes: []*string{stripego.String("card")},
		LineItems:          []*stripego.CheckoutSessionCreateLineItemParams{item},
		SuccessURL:         stripego.String(req.SuccessURL),
		CancelURL:          stripego.String(req.CancelURL),
		ClientReferenceID:  stripego.String(req.RoomID),
		Locale:             stripego.String("ko"),
		Metadata:           Metadata(req),
	}
	if !req.ExpiresAt.IsZero() {
		params.ExpiresAt = stripego.Int64(req.ExpiresAt.Unix())
	}
	start := time.Now()
	s, err := c.sc.V1CheckoutSessions.Create(ctx, params)
	c.health.Observe(unreachable(err), time.Since(start))
	if err != nil {
		return nil, fmt.Errorf("stripe: creating a checkout session: %w", err)
	}
	return &meetpin.CheckoutSession{ID: s.ID, URL: s.URL}, nil
}

// ProductName is the name of a boost on the payment page.
func ProductName(days int) string { return strconv.Itoa(days) + "일 부스트" }

// Metadata is the metadata of a boost's Checkout Session, which its
// webhook events carry back.
func Metadata(req meetpin.CheckoutRequest) map[string]string {
	return map[string]string{"type": "boost", "room_id": req.RoomID, "user_id": req.UserID, "days": strconv.Itoa(req.Days)}
}

// VerifyWebhook implements meetpin.Payments.
func (c *Client) VerifyWebhook(payload []byte, signature string) (*meetpin.PaymentEvent, error) {
	return verify(payload, signature, c.cfg.WebhookSecret)
}

// verify checks a Stripe-Signature header over the raw payload and decodes
// the event. Events of any API version are accepted: only fields that are
// stable across versions are read.
func verify(payload []byte, signature, secret string) (*meetpin.PaymentEvent, error) {
	ev, err := webhook.ConstructEventWithOptions(payload, signature, secret, webhook.ConstructEventOptions{
		Tolerance: Tolerance, IgnoreAPIVersionMismatch: true,
	})
	switch {
	case errors.Is(err, webhook.ErrNotSigned):
		return nil, meetpin.Errorf(meetpin.EVALIDATION, "the Stripe-Signature header is missing")
	case errors.Is(err, webhook.ErrTooOld):
		return nil, meetpin.Errorf(meetpin.EVALIDATION, "the Stripe-Signature timestamp is older than %s", Tolerance)
	case errors.Is(err, webhook.ErrInvalidHeader), errors.Is(err, webhook.ErrNoValidSignature):
		return nil, meetpin.Errorf(meetpin.EVALIDATION, "the Stripe-Signature does not match the payload")
	case err != nil:
		return nil, meetpin.Errorf(meetpin.EVALIDATION, "the event is not valid JSON")
	case ev.ID == "" || ev.Type == "":
		return nil, meetpin.Errorf(meetpin.EVALIDATION, "the event has no id or type")
	}
	out := &meetpin.PaymentEvent{ID: ev.ID, Type: string(ev.Type)}
	if strings.HasPrefix(out.Type, "checkout.session.") {
		var s stripego.CheckoutSession
		if ev.Data == nil || json.Unmarshal(ev.Data.Raw, &s) != nil {
			return nil, meetpin.Errorf(meetpin.EVALIDATION, "the event holds no checkout session")
		}
		out.SessionID, out.PaymentStatus = s.ID, string(s.PaymentStatus)
		out.AmountTotal, out.Currency, out.Metadata = s.AmountTotal, string(s.Currency), s.Metadata
	}
	return out, nil
}

// Name implements meetpin.HealthChecker.
func (c *Client) Name() string { return "stripe" }

// Health implements meetpin.HealthChecker: whether the API answered the
// last call or probe (at most one probe a minute), the key's mode, and when
// the last webhook event was processed.
func (c *Client) Health(ctx context.Context) meetpin.ServiceHealth {
	h := c.health.Get(ctx)
	details := map[string]any{"mode": "test"}
	if strings.Contains(c.cfg.SecretKey, "_live_") {
		details["mode"] = "live"
	}
	for k, v := range h.Details {
		details[k] = v
	}
	details["lastWebhookAt"] = nil
	if c.cfg.LastEvent != nil {
		if at, ok, err := c.cfg.LastEvent(ctx); err == nil && ok {
			details["lastWebhookAt"] = at
		}
	}
	h.Details = details
	return h
}

// probe asks for a session that does not exist: "not found" proves that the
// API answers and accepts the key, without creating anything.
func (c *Client) probe(ctx context.Context) error {
	_, err := c.sc.V1CheckoutSessions.Retrieve(ctx, "cs_meetpin_health_probe", nil)
	return unreachable(err)
}

// unreachable keeps the errors that say Stripe cannot be used: no answer,
// a refused key, a server error. An answer about the request itself (not
// found, invalid parameter) proves that Stripe works.
func unreachable(err error) error {
	var se *stripego.Error
	if err == nil {
		return nil
	} else if !errors.As(err, &se) {
		return errors.New("no answer from the Stripe API: " + shortError(err))
	}
	switch {
	case se.HTTPStatusCode == http.StatusUnauthorized:
		return errors.New("the Stripe API refused the key (check STRIPE_SECRET_KEY)")
	case se.HTTPStatusCode == http.StatusForbidden:
		return errors.New("the key may not use Checkout Sessions")
	case se.HTTPStatusCode == http.StatusTooManyRequests || se.HTTPStatusCode >= 500:
		return fmt.Errorf("the Stripe API answered %d", se.HTTPStatusCode)
	}
	return nil
}

// shortError is the innermost cause of a transport error, without the URL.
func shortError(err error) string {
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(err) {
		err = u
	}
	return err.Error()
}

// NotConfigured is the health of payments without Stripe: fake tells
// whether the development fake stands in.
func NotConfigured(fake bool) meetpin.HealthChecker { return notConfigured{fake} }

type notConfigured struct{ fake bool }

func (notConfigured) Name() string { return "stripe" }

func (n notConfigured) Health(context.Context) meetpin.ServiceHealth {
	return meetpin.ServiceHealth{Status: meetpin.StatusNotConfigured, Details: map[string]any{"fakePayments": n.fake}}
}
