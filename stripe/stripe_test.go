package stripe_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/stripe"
)

const secret = "whsec_test_0123456789abcdef"

// recorder passes requests on to the real server and keeps their form
// bodies, so a test can check what was sent to stripe-mock.
type recorder struct {
	mu    sync.Mutex
	forms []url.Values
	paths []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	form, _ := url.ParseQuery(string(body))
	r.mu.Lock()
	r.forms = append(r.forms, form)
	r.paths = append(r.paths, req.Method+" "+req.URL.Path)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) last() (string, url.Values) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.paths[len(r.paths)-1], r.forms[len(r.forms)-1]
}

func newClient(t *testing.T, key string, prices map[int]string) (*stripe.Client, *recorder) {
	base := meetpintest.Require(t, meetpintest.EnvStripeMock, "stripe-mock")
	rec := &recorder{}
	return stripe.New(stripe.Config{
		SecretKey: key, WebhookSecret: secret, APIBase: base, PriceIDs: prices,
		HTTPClient: &http.Client{Timeout: 5 * time.Second, Transport: rec},
	}), rec
}

func checkoutRequest(days int) meetpin.CheckoutRequest {
	return meetpin.CheckoutRequest{
		RoomID: "0196f5b0-0000-7000-8000-000000000001", RoomTitle: "강남 맥주", UserID: "0196f5b0-0000-7000-8000-0000000000aa",
		Days: days, Amount: meetpin.BoostPrices[days],
		SuccessURL: "http://localhost:8080/room/x?payment=success", CancelURL: "http://localhost:8080/room/x?payment=canceled",
		ExpiresAt: time.Now().Add(31 * time.Minute),
	}
}

func TestCheckoutAgainstStripeMock(t *testing.T) {
	t.Parallel()
	c, rec := newClient(t, "sk_test_123", nil)
	s, err := c.CreateCheckout(t.Context(), checkoutRequest(3))
	if err != nil {
		t.Fatalf("CreateCheckout: %v", err)
	}
	if !strings.HasPrefix(s.ID, "cs_") || !strings.HasPrefix(s.URL, "https://") {
		t.Fatalf("session %+v", s)
	}
	path, form := rec.last()
	if path != "POST /v1/checkout/sessions" {
		t.Fatalf("called %s", path)
	}
	for k, want := range map[string]string{
		"mode":                                   "payment",
		"metadata[type]":                         "boost",
		"metadata[room_id]":                      "0196f5b0-0000-7000-8000-000000000001",
		"metadata[user_id]":                      "0196f5b0-0000-7000-8000-0000000000aa",
		"metadata[days]":                         "3",
		"line_items[0][price_data][currency]":    "krw",
		"line_items[0][price_data][unit_amount]": "2500",
		"line_items[0][price_data][product_data][name]": "3일 부스트",
		"line_items[0][quantity]":                       "1",
		"success_url":                                   "http://localhost:8080/room/x?payment=success",
		"cancel_url":                                    "http://localhost:8080/room/x?payment=canceled",
		"client_reference_id":                           "0196f5b0-0000-7000-8000-000000000001",
	} {
		if got := form.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if form.Get("expires_at") == "" {
		t.Error("no expires_at sent")
	}
}

func TestCheckoutWithPriceIDs(t *testing.T) {
	t.Parallel()
	c, rec := newClient(t, "sk_test_123", map[int]string{7: "price_1SevenDays"})
	if _, err := c.CreateCheckout(t.Context(), checkoutRequest(7)); err != nil {
		t.Fatalf("CreateCheckout: %v", err)
	}
	_, form := rec.last()
	if form.Get("line_items[0][price]") != "price_1SevenDays" || form.Get("line_items[0][price_data][unit_amount]") != "" {
		t.Fatalf("a configured price was not used: %v", form)
	}
	// Days without a configured price fall back to the inline KRW price.
	if _, err := c.CreateCheckout(t.Context(), checkoutRequest(1)); err != nil {
		t.Fatal(err)
	}
	if _, form := rec.last(); form.Get("line_items[0][price_data][unit_amount]") != "1000" {
		t.Fatalf("1 day: %v", form)
	}
}

func TestCheckoutRefusedKey(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, "not-a-key", nil)
	if _, err := c.CreateCheckout(t.Context(), checkoutRequest(1)); err == nil {
		t.Fatal("stripe-mock accepted a malformed key")
	}
	h := c.Health(t.Context())
	if h.Status != meetpin.StatusUnhealthy || !strings.Contains(h.Details["error"].(string), "STRIPE_SECRET_KEY") {
		t.Fatalf("health after a refused key: %+v", h)
	}
	if strings.Contains(h.Details["error"].(string), "not-a-key") {
		t.Fatal("health leaks the key")
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	last := time.Date(2026, 5, 1, 3, 4, 5, 0, time.UTC)
	base := meetpintest.Require(t, meetpintest.EnvStripeMock, "stripe-mock")
	rec := &recorder{}
	c := stripe.New(stripe.Config{SecretKey: "sk_test_123", WebhookSecret: secret, APIBase: base,
		HTTPClient: &http.Client{Timeout: 5 * time.Second, Transport: rec},
		LastEvent:  func(context.Context) (time.Time, bool, error) { return last, true, nil }})
	if c.Name() != "stripe" {
		t.Fatalf("name %q", c.Name())
	}
	for range 20 {
		h := c.Health(t.Context())
		if h.Status != meetpin.StatusHealthy || h.Details["lastWebhookAt"] != last || h.Details["mode"] != "test" {
			t.Fatalf("health %+v", h)
		}
	}
	if n := len(rec.paths); n != 1 {
		t.Fatalf("20 health probes made %d calls to Stripe, want 1", n)
	}

	// Nothing listens: unhealthy, within the probe's short timeout.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String()
	ln.Close()
	down := stripe.New(stripe.Config{SecretKey: "sk_live_123", WebhookSecret: secret, APIBase: dead})
	h := down.Health(t.Context())
	if h.Status != meetpin.StatusUnhealthy || h.Details["mode"] != "live" || h.Details["lastWebhookAt"] != nil {
		t.Fatalf("health of an unreachable API: %+v", h)
	}

	if h := stripe.NotConfigured(true).Health(t.Context()); h.Status != meetpin.StatusNotConfigured || h.Details["fakePayments"] != true {
		t.Fatalf("not configured: %+v", h)
	}
}

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	c := stripe.New(stripe.Config{SecretKey: "sk_test_123", WebhookSecret: secret})
	meta := map[string]string{"type": "boost", "room_id": "r1", "user_id": "u1", "days": "3"}
	payload := stripe.SessionEvent{EventID: "evt_1", SessionID: "cs_test_1", AmountTotal: 2500, Metadata: meta}.Payload()
	now := time.Now()

	ev, err := c.VerifyWebhook(payload, stripe.SignPayload(payload, secret, now))
	if err != nil {
		t.Fatalf("valid event: %v", err)
	}
	if ev.ID != "evt_1" || ev.Type != meetpin.EventCheckoutCompleted || ev.SessionID != "cs_test_1" || ev.PaymentStatus != "paid" ||
		ev.AmountTotal != 2500 || ev.Currency != "krw" || ev.Metadata["days"] != "3" || ev.Metadata["room_id"] != "r1" {
		t.Fatalf("decoded %+v", ev)
	}

	tampered := bytes.Replace(payload, []byte(`"days":"3"`), []byte(`"days":"7"`), 1)
	if bytes.Equal(tampered, payload) {
		t.Fatal("tampering changed nothing")
	}
	other := stripe.SessionEvent{EventID: "evt_2", Type: "payment_intent.succeeded"}.Payload()
	for name, tc := range map[string]struct {
		payload []byte
		header  string
	}{
		"unsigned":        {payload, ""},
		"tampered":        {tampered, stripe.SignPayload(payload, secret, now)},
		"wrong secret":    {payload, stripe.SignPayload(payload, "whsec_other", now)},
		"too old":         {payload, stripe.SignPayload(payload, secret, now.Add(-stripe.Tolerance-time.Minute))},
		"garbage header":  {payload, "t=abc,v1=zz"},
		"no v1":           {payload, "t=" + "1700000000"},
		"not json":        {[]byte("{nope"), stripe.SignPayload([]byte("{nope"), secret, now)},
		"session missing": {[]byte(`{"id":"evt_3","type":"checkout.session.completed","data":{"object":"x"}}`), ""},
	} {
		t.Run(name, func(t *testing.T) {
			h := tc.header
			if name == "session missing" {
				h = stripe.SignPayload(tc.payload, secret, now)
			}
			if _, err := c.VerifyWebhook(tc.payload, h); meetpin.ErrorCode(err) != meetpin.EVALIDATION {
				t.Fatalf("got %v, want EVALIDATION", err)
			}
		})
	}
	// An event of another type verifies, without session fields.
	ev, err = c.VerifyWebhook(other, stripe.SignPayload(other, secret, now))
	if err != nil || ev.Type != "payment_intent.succeeded" || ev.SessionID != "" {
		t.Fatalf("other event: %+v %v", ev, err)
	}
}

func TestFake(t *testing.T) {
	t.Parallel()
	f := stripe.NewFake("http://localhost:8080", "")
	req := checkoutRequest(7)
	s, err := f.CreateCheckout(t.Context(), req)
	if err != nil || !strings.HasPrefix(s.URL, "http://localhost:8080/payments/fake-checkout?session=cs_fake_") {
		t.Fatalf("fake session %+v %v", s, err)
	}
	if got, ok := f.Session(s.ID); !ok || got.RoomID != req.RoomID || got.Days != 7 {
		t.Fatalf("Session: %+v %v", got, ok)
	}
	payload, sig, err := f.Complete(s.ID)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := f.VerifyWebhook(payload, sig)
	if err != nil || ev.SessionID != s.ID || ev.Metadata["days"] != "7" || ev.AmountTotal != 5000 || ev.PaymentStatus != "paid" {
		t.Fatalf("fake event %+v %v", ev, err)
	}
	// Paying again resends the same event.
	payload2, _, _ := f.Complete(s.ID)
	ev2, _ := f.VerifyWebhook(payload2, stripe.SignPayload(payload2, "whsec_wrong", time.Now()))
	if ev2 != nil {
		t.Fatal("the fake accepted a wrong signature")
	}
	if !bytes.Contains(payload2, []byte(ev.ID)) {
		t.Fatal("a second payment made a new event")
	}
	// A real client with another secret does not accept the fake's events.
	real := stripe.New(stripe.Config{SecretKey: "sk_test_123", WebhookSecret: secret})
	if _, err := real.VerifyWebhook(payload, sig); err == nil {
		t.Fatal("an event signed with the fake's random secret verified elsewhere")
	}
	if _, _, err := f.Complete("cs_fake_unknown"); err != stripe.ErrNoSession {
		t.Fatalf("unknown session: %v", err)
	}
}
