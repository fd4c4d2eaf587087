package web_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/meetpintest"
	"meetpin.app/stripe"
	"meetpin.app/web"
)

const webhookSecret = "whsec_test_meetpin_0123456789"

// formRecorder passes requests on to stripe-mock and keeps the form body
// of the last one: stripe-mock answers fixtures, so what we sent (the
// metadata above all) is only visible here.
type formRecorder struct {
	mu   sync.Mutex
	last url.Values
}

func (r *formRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		form, _ := url.ParseQuery(string(b))
		r.mu.Lock()
		r.last = form
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (r *formRecorder) metadata() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[string]string{}
	for k, v := range r.last {
		if name, ok := strings.CutPrefix(k, "metadata["); ok {
			m[strings.TrimSuffix(name, "]")] = v[0]
		}
	}
	return m
}

// stripeMockPayments is the real Stripe client against stripe-mock.
func stripeMockPayments(t *testing.T, store meetpin.Store) (*stripe.Client, *formRecorder) {
	base := meetpintest.Require(t, meetpintest.EnvStripeMock, "stripe-mock")
	rec := &formRecorder{}
	return stripe.New(stripe.Config{
		SecretKey: "sk_test_123", WebhookSecret: webhookSecret, APIBase: base, LastEvent: store.LastStripeEvent,
		HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: rec},
	}), rec
}

// deliver posts a webhook body with a Stripe-Signature header ("" for none).
func (s *testServer) deliver(payload []byte, signature string) *reply {
	s.t.Helper()
	req, err := http.NewRequest("POST", s.URL+"/api/payments/stripe/webhook", bytes.NewReader(payload))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
	if signature != "" {
		req.Header.Set("Stripe-Signature", signature)
	}
	return s.do(req)
}

func signed(payload []byte) string { return stripe.SignPayload(payload, webhookSecret, time.Now()) }

func evtID() string { return "evt_test_" + strings.ToLower(rand.Text()) }

// roomView is a room as the API shows it.
type roomView struct {
	meetpin.Room
	Boosted bool `json:"is_boosted"`
}

func (s *testServer) room(t *testing.T, id string) roomView {
	t.Helper()
	var d struct{ Room roomView }
	s.call("GET", "/api/rooms/"+id, nil, "").want(t, 200, "").into(t, &d)
	return d.Room
}

func (s *testServer) seoulRooms(t *testing.T) []meetpin.Room {
	t.Helper()
	var page struct{ Rooms []meetpin.Room }
	s.call("GET", "/api/rooms?bbox="+seoulBBox, nil, "").want(t, 200, "").into(t, &page)
	return page.Rooms
}

type checkout struct {
	URL       string `json:"checkout_url"`
	SessionID string `json:"session_id"`
}

// TestBoostJourney is the paid boost end to end, on each engine: the host
// checks out against stripe-mock, a signed checkout.session.completed
// reaches the webhook, the room sorts first in the Seoul box, the same event
// delivered again and concurrently moves boost_until once, and tampered or
// unsigned deliveries are refused with 400 and change nothing.
func TestBoostJourney(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		pay, rec := stripeMockPayments(t, store)
		s := newServerEdit(t, store, func(ao *app.Options, _ *web.Options) { ao.Payments = pay })
		host, other, stranger := s.signup("host"), s.signup("other"), s.signup("stranger")
		boosted := s.createRoom(host, map[string]any{"title": "부스트할 모임"})
		newer := s.createRoom(other, map[string]any{"title": "나중에 만든 모임"})
		if rooms := s.seoulRooms(t); len(rooms) != 2 || rooms[0].ID != newer {
			t.Fatalf("before the boost the newest room is first: %+v", rooms)
		}

		// Only the host may buy, with a valid body.
		body := map[string]any{"room_id": boosted, "days": "3"}
		s.call("POST", "/api/payments/stripe/checkout", body, "").want(t, 401, meetpin.EUNAUTHORIZED)
		s.call("POST", "/api/payments/stripe/checkout", body, stranger.Token).want(t, 403, meetpin.EFORBIDDEN)
		s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": boosted, "days": "2"}, host.Token).want(t, 400, meetpin.EVALIDATION)
		s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": boosted, "days": 3}, host.Token).want(t, 400, meetpin.EVALIDATION)
		s.call("POST", "/api/payments/stripe/checkout", map[string]any{"days": "3"}, host.Token).want(t, 400, meetpin.EVALIDATION)
		s.call("POST", "/api/payments/stripe/checkout", `{"room_id":`, host.Token).want(t, 400, meetpin.EINVALIDJSON)
		s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": "0196f5b0-0000-7000-8000-000000000000", "days": "3"}, host.Token).want(t, 404, meetpin.ENOTFOUND)

		var co checkout
		s.call("POST", "/api/payments/stripe/checkout", body, host.Token).want(t, 200, "").into(t, &co)
		if !strings.HasPrefix(co.SessionID, "cs_") || !strings.HasPrefix(co.URL, "https://") {
			t.Fatalf("checkout %+v", co)
		}
		meta := rec.metadata()
		if meta["type"] != "boost" || meta["room_id"] != boosted || meta["user_id"] != host.ID || meta["days"] != "3" {
			t.Fatalf("metadata sent to Stripe: %v", meta)
		}

		// Stripe reports the payment.
		start := time.Now().UTC()
		payload := stripe.SessionEvent{EventID: evtID(), SessionID: co.SessionID, AmountTotal: 2500, Metadata: meta}.Payload()
		r := s.deliver(payload, signed(payload)).want(t, 200, "")
		if string(r.Data) != `{"received":true}` {
			t.Fatalf("webhook answer %s", r.Raw)
		}
		room := s.room(t, boosted)
		if !room.Boosted || room.BoostUntil == nil || room.BoostUntil.Before(start.Add(72*time.Hour-time.Second)) ||
			room.BoostUntil.After(time.Now().Add(72*time.Hour)) {
			t.Fatalf("after the payment: boosted=%v until=%v", room.Boosted, room.BoostUntil)
		}
		until := *room.BoostUntil
		if rooms := s.seoulRooms(t); rooms[0].ID != boosted {
			t.Fatalf("the boosted room is not first: %s", rooms[0].Title)
		}
		var notes struct{ Notifications []meetpin.Notification }
		s.call("GET", "/api/notifications", nil, host.Token).want(t, 200, "").into(t, &notes)
		if len(notes.Notifications) != 1 || notes.Notifications[0].Type != meetpin.NotifyBoostReminder ||
			notes.Notifications[0].Metadata["kind"] != "boost_applied" || !strings.Contains(notes.Notifications[0].Message, "부스트할 모임") {
			t.Fatalf("host notifications %+v", notes.Notifications)
		}

		// The same event again, then eight times at once: nothing moves.
		s.deliver(payload, signed(payload)).want(t, 200, "")
		deliverTogether(t, s, 8, payload)
		if got := s.room(t, boosted).BoostUntil; !got.Equal(until) {
			t.Fatalf("a redelivered event moved boost_until from %v to %v", until, got)
		}

		// A second purchase (1 day), its event delivered eight times at once:
		// the boost moves by one day, once.
		s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": boosted, "days": "1"}, host.Token).want(t, 200, "").into(t, &co)
		second := stripe.SessionEvent{EventID: evtID(), SessionID: co.SessionID + "_2", AmountTotal: 1000, Metadata: rec.metadata()}.Payload()
		deliverTogether(t, s, 8, second)
		if got := s.room(t, boosted).BoostUntil; !got.Equal(until.Add(24 * time.Hour)) {
			t.Fatalf("after a second purchase delivered 8 times: %v, want %v", got, until.Add(24*time.Hour))
		}
		until = until.Add(24 * time.Hour)

		// Refused with 400, changing nothing: tampered, unsigned, stale, or
		// signed with another secret.
		third := stripe.SessionEvent{EventID: evtID(), SessionID: "cs_test_third", AmountTotal: 1000,
			Metadata: map[string]string{"type": "boost", "room_id": newer, "user_id": other.ID, "days": "1"}}.Payload()
		tampered := bytes.Replace(third, []byte(`"days":"1"`), []byte(`"days":"7"`), 1)
		s.deliver(tampered, signed(third)).want(t, 400, meetpin.EVALIDATION)
		s.deliver(third, "").want(t, 400, meetpin.EVALIDATION)
		s.deliver(third, stripe.SignPayload(third, webhookSecret, time.Now().Add(-6*time.Minute))).want(t, 400, meetpin.EVALIDATION)
		s.deliver(third, stripe.SignPayload(third, "whsec_someone_else", time.Now())).want(t, 400, meetpin.EVALIDATION)
		s.deliver(third, "t=1,v1=deadbeef").want(t, 400, meetpin.EVALIDATION)
		s.deliver([]byte("not json"), signed([]byte("not json"))).want(t, 400, meetpin.EVALIDATION)
		if got := s.room(t, boosted).BoostUntil; !got.Equal(until) {
			t.Fatalf("a refused delivery moved boost_until to %v", got)
		}
		if s.room(t, newer).Boosted {
			t.Fatal("a tampered event boosted a room")
		}

		// Acknowledged without effect: another event type, an unpaid session,
		// metadata that is not a boost.
		other1 := stripe.SessionEvent{EventID: evtID(), Type: "payment_intent.succeeded"}.Payload()
		unpaid := stripe.SessionEvent{EventID: evtID(), SessionID: "cs_test_unpaid", PaymentStatus: "unpaid",
			Metadata: map[string]string{"type": "boost", "room_id": newer, "user_id": other.ID, "days": "7"}}.Payload()
		notBoost := stripe.SessionEvent{EventID: evtID(), SessionID: "cs_test_other",
			Metadata: map[string]string{"type": "donation", "room_id": newer, "user_id": other.ID, "days": "7"}}.Payload()
		badDays := stripe.SessionEvent{EventID: evtID(), SessionID: "cs_test_days",
			Metadata: map[string]string{"type": "boost", "room_id": newer, "user_id": other.ID, "days": "30"}}.Payload()
		for _, p := range [][]byte{other1, unpaid, notBoost, badDays} {
			s.deliver(p, signed(p)).want(t, 200, "")
		}
		if s.room(t, newer).Boosted {
			t.Fatal("an unpaid or foreign event boosted a room")
		}
		pays, err := store.BoostPaymentsByRoom(t.Context(), boosted)
		if err != nil || len(pays) != 2 || pays[0].Days != 1 || pays[1].Days != 3 || pays[1].Amount != 2500 || pays[1].UserID != host.ID {
			t.Fatalf("payments %+v %v", pays, err)
		}
		if h := pay.Health(t.Context()); h.Status != meetpin.StatusHealthy || h.Details["lastWebhookAt"] == nil {
			t.Fatalf("stripe health %+v", h)
		}
	})
}

// deliverTogether sends payload n times at the same moment; every delivery
// must be acknowledged.
func deliverTogether(t *testing.T, s *testServer, n int, payload []byte) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest("POST", s.URL+"/api/payments/stripe/webhook", bytes.NewReader(payload))
			req.Header.Set("Stripe-Signature", signed(payload))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			codes[i] = res.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Fatalf("concurrent delivery %d answered %d", i, c)
		}
	}
}

// TestPaymentsDisabled: without Stripe both endpoints answer 503
// PAYMENTS_DISABLED, and the fake page does not exist.
func TestPaymentsDisabled(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		host := s.signup("host")
		room := s.createRoom(host, map[string]any{"title": "무료 모임"})
		r := s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": room, "days": "1"}, host.Token).want(t, 503, meetpin.EPAYMENTSDISABLED)
		if r.Message != "payments are not enabled on this server" {
			t.Fatalf("message %q", r.Message)
		}
		payload := stripe.SessionEvent{EventID: evtID(), SessionID: "cs_x", Metadata: map[string]string{}}.Payload()
		s.deliver(payload, signed(payload)).want(t, 503, meetpin.EPAYMENTSDISABLED)
		res, err := http.Get(s.URL + "/payments/fake-checkout?session=cs_fake_x")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 404 {
			t.Fatalf("fake checkout without MEETPIN_FAKE_PAYMENTS: %d", res.StatusCode)
		}
	})
}

// TestCheckoutStripeDown: a Stripe that does not answer is a 503, and
// nothing leaks.
func TestCheckoutStripeDown(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String()
	ln.Close()
	engines(t, func(t *testing.T, store meetpin.Store) {
		pay := stripe.New(stripe.Config{SecretKey: "sk_test_123", WebhookSecret: webhookSecret, APIBase: dead})
		s := newServerEdit(t, store, func(ao *app.Options, _ *web.Options) { ao.Payments = pay })
		host := s.signup("host")
		room := s.createRoom(host, map[string]any{"title": "모임"})
		r := s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": room, "days": "7"}, host.Token).want(t, 503, meetpin.EUNAVAILABLE)
		if strings.Contains(r.Raw, "127.0.0.1") || strings.Contains(r.Raw, "sk_test") || !strings.Contains(r.Message, "try again later") {
			t.Fatalf("internals leak: %s", r.Raw)
		}
	})
}

// TestCheckoutRoomState: a room that has started or was cancelled cannot
// be boosted; a private room can, by its host.
func TestCheckoutRoomState(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		fake := stripe.NewFake("", "")
		s := newServerEdit(t, store, func(ao *app.Options, wo *web.Options) { ao.Payments, wo.FakeCheckout = fake, fake })
		host := s.signup("host")
		now := time.Now().UTC().Truncate(time.Millisecond)
		mk := func(title string, start time.Time, status, visibility string) string {
			r := &meetpin.Room{ID: uuid.NewString(), HostID: host.ID, Title: title, Category: meetpin.CategoryOther,
				Lat: 37.5, Lng: 127, PlaceText: "서울", StartAt: start, MaxPeople: 4, Visibility: visibility, Status: status,
				CreatedAt: now.Add(-3 * time.Hour), UpdatedAt: now.Add(-3 * time.Hour)}
			if err := store.CreateRoom(t.Context(), r); err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		started := mk("시작함", now.Add(-time.Hour), meetpin.RoomActive, meetpin.VisibilityPublic)
		cancelled := mk("취소됨", now.Add(5*time.Hour), meetpin.RoomCancelled, meetpin.VisibilityPublic)
		private := mk("비공개", now.Add(5*time.Hour), meetpin.RoomActive, meetpin.VisibilityPrivate)
		buy := func(room string) *reply {
			return s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": room, "days": "1"}, host.Token)
		}
		buy(started).want(t, 409, meetpin.ECONFLICT)
		buy(cancelled).want(t, 409, meetpin.ECONFLICT)
		buy(private).want(t, 200, "")
		// A stranger does not learn that the private room exists.
		stranger := s.signup("stranger")
		s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": private, "days": "1"}, stranger.Token).want(t, 404, meetpin.ENOTFOUND)
	})
}

// TestFakeCheckout: in development, the fake's page pays a boost through
// the real webhook code, once.
func TestFakeCheckout(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		fake := stripe.NewFake("", "")
		s := newServerEdit(t, store, func(ao *app.Options, wo *web.Options) { ao.Payments, wo.FakeCheckout = fake, fake })
		host := s.signup("host")
		room := s.createRoom(host, map[string]any{"title": "테스트 부스트"})
		var co checkout
		s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": room, "days": "3"}, host.Token).want(t, 200, "").into(t, &co)
		if !strings.HasPrefix(co.URL, "/payments/fake-checkout?session=cs_fake_") {
			t.Fatalf("fake checkout URL %q", co.URL)
		}
		page := fetch(t, s.URL+co.URL)
		if page.StatusCode != 200 || !strings.Contains(page.body, "테스트 결제") || !strings.Contains(page.body, "실제로 돈이 결제되지 않습니다") ||
			!strings.Contains(page.body, "3일 부스트") || !strings.Contains(page.body, "2,500원") || !strings.Contains(page.body, "테스트 부스트") {
			t.Fatalf("fake page %d:\n%s", page.StatusCode, page.body)
		}
		if fetch(t, s.URL+"/payments/fake-checkout?session=cs_fake_unknown").StatusCode != 404 {
			t.Fatal("an unknown session has a page")
		}

		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		pay := func(action string) *http.Response {
			res, err := noRedirect.PostForm(s.URL+"/payments/fake-checkout", url.Values{"session": {co.SessionID}, "action": {action}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		if res := pay("cancel"); res.StatusCode != 303 || !strings.HasSuffix(res.Header.Get("Location"), "/room/"+room+"?payment=canceled") {
			t.Fatalf("cancel: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if s.room(t, room).Boosted {
			t.Fatal("cancelling boosted the room")
		}
		if res := pay("pay"); res.StatusCode != 303 || !strings.HasSuffix(res.Header.Get("Location"), "/room/"+room+"?payment=success") {
			t.Fatalf("pay: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		first := s.room(t, room)
		if !first.Boosted {
			t.Fatal("the fake payment did not boost the room")
		}
		pay("pay") // a second click resends the same event
		if got := s.room(t, room).BoostUntil; !got.Equal(*first.BoostUntil) {
			t.Fatalf("a second click moved the boost: %v → %v", first.BoostUntil, got)
		}
		pays, _ := store.BoostPaymentsByRoom(t.Context(), room)
		if len(pays) != 1 || pays[0].Amount != 2500 || !strings.HasPrefix(pays[0].EventID, "evt_fake_") {
			t.Fatalf("payments %+v", pays)
		}
	})
}

// fetched is a plain GET's answer.
type fetched struct {
	StatusCode int
	body       string
}

func fetch(t *testing.T, u string) fetched {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return fetched{res.StatusCode, string(b)}
}

// TestBoostReminders: SendBoostReminders tells the host once, a day before
// the end; a one-day boost's confirmation is its reminder; an extension
// gets a reminder of its own.
func TestBoostReminders(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		fake := stripe.NewFake("", "")
		s := newServerEdit(t, store, func(ao *app.Options, wo *web.Options) { ao.Payments, wo.FakeCheckout = fake, fake })
		host := s.signup("host")
		long := s.createRoom(host, map[string]any{"title": "사흘 부스트"})
		short := s.createRoom(host, map[string]any{"title": "하루 부스트"})
		buy := func(room, days string) {
			var co checkout
			s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": room, "days": days}, host.Token).want(t, 200, "").into(t, &co)
			payload, sig, err := fake.Complete(co.SessionID)
			if err != nil {
				t.Fatal(err)
			}
			s.deliver(payload, sig).want(t, 200, "")
		}
		buy(long, "3")
		buy(short, "1")

		// The reminder job at a given moment, on the same store.
		at := func(d time.Duration) *app.App {
			now := time.Now().Add(d)
			return app.New(store, slog.New(slog.NewJSONHandler(io.Discard, nil)), app.Options{Now: func() time.Time { return now }, PasswordCost: bcrypt.MinCost})
		}
		reminders := func(a *app.App) int {
			t.Helper()
			n, err := a.SendBoostReminders(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// The rooms start in 3 hours: move them so the boosts end before.
		for _, id := range []string{long, short} {
			s.call("PATCH", "/api/rooms/"+id, map[string]any{"start_at": time.Now().Add(6 * 24 * time.Hour).Format(time.RFC3339)}, host.Token).want(t, 200, "")
		}
		if n := reminders(at(time.Hour)); n != 0 {
			t.Fatalf("an hour in: %d reminders, want 0 (the 1-day boost was confirmed with its end)", n)
		}
		if n := reminders(at(2*24*time.Hour + time.Hour)); n != 1 {
			t.Fatalf("a day before the 3-day boost ends: %d reminders, want 1", n)
		}
		if n := reminders(at(2*24*time.Hour + 2*time.Hour)); n != 0 {
			t.Fatalf("the reminder was sent again: %d", n)
		}
		var notes struct{ Notifications []meetpin.Notification }
		s.call("GET", "/api/notifications", nil, host.Token).want(t, 200, "").into(t, &notes)
		if n := notes.Notifications[0]; n.Type != meetpin.NotifyBoostReminder || n.Title != "부스트가 곧 끝나요" || !strings.Contains(n.Message, "사흘 부스트") {
			t.Fatalf("reminder %+v", n)
		}
		// Extending the 3-day boost by a day: reminded again before the new
		// end, and only then.
		buy(long, "1")
		if n := reminders(at(2*24*time.Hour + time.Hour)); n != 0 {
			t.Fatalf("after the extension, the old end reminded again: %d", n)
		}
		if n := reminders(at(3*24*time.Hour + time.Hour)); n != 1 {
			t.Fatalf("a day before the extended end: %d reminders, want 1", n)
		}
	})
}

// TestBoostRemindersSkipStartedRooms: a boost that outlives its room's start
// is not worth a reminder.
func TestBoostRemindersSkipStartedRooms(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		fake := stripe.NewFake("", "")
		s := newServerEdit(t, store, func(ao *app.Options, wo *web.Options) { ao.Payments, wo.FakeCheckout = fake, fake })
		host := s.signup("host")
		room := s.createRoom(host, map[string]any{"title": "곧 시작"}) // starts in 3 hours
		var co checkout
		s.call("POST", "/api/payments/stripe/checkout", map[string]any{"room_id": room, "days": "3"}, host.Token).want(t, 200, "").into(t, &co)
		payload, sig, _ := fake.Complete(co.SessionID)
		s.deliver(payload, sig).want(t, 200, "")
		later := time.Now().Add(2*24*time.Hour + time.Hour)
		a := app.New(store, slog.New(slog.NewJSONHandler(io.Discard, nil)), app.Options{Now: func() time.Time { return later }, PasswordCost: bcrypt.MinCost})
		if n, err := a.SendBoostReminders(t.Context()); err != nil || n != 0 {
			t.Fatalf("reminders for a started room: %d %v", n, err)
		}
	})
}
