package main

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"meetpin.app/kakao/kakaotest"
	"meetpin.app/meetpintest"
	"meetpin.app/stripe"
)

// signupAndRoom signs a host up on a replica and opens a room in Gangnam.
func signupAndRoom(t *testing.T, base string) (token, hostID, roomID string) {
	var auth struct {
		Token string
		User  struct{ ID string }
	}
	api(t, base, "POST", "/api/auth/signup", "", map[string]any{"email": "host@example.com", "password": "correct horse", "nickname": "host"}, 201, &auth)
	var created struct{ Room struct{ ID string } }
	api(t, base, "POST", "/api/rooms", auth.Token, map[string]any{
		"title": "부스트 모임", "category": "drink", "lat": 37.4979, "lng": 127.0276, "place_text": "강남역",
		"start_at": time.Now().Add(3 * time.Hour).Format(time.RFC3339),
	}, 201, &created)
	return auth.Token, auth.User.ID, created.Room.ID
}

func boostedFirst(t *testing.T, base, roomID string) bool {
	var page struct {
		Rooms []struct {
			ID      string
			Boosted bool `json:"is_boosted"`
		}
	}
	api(t, base, "GET", "/api/rooms?bbox=37.45,126.82,37.68,127.18", "", nil, 200, &page)
	var room struct {
		Room struct {
			Boosted bool `json:"is_boosted"`
		}
	}
	api(t, base, "GET", "/api/rooms/"+roomID, "", nil, 200, &room)
	return len(page.Rooms) > 0 && page.Rooms[0].ID == roomID && room.Room.Boosted
}

// TestServeFakePaymentsAndPlaces: `meetpin serve` with MEETPIN_FAKE_PAYMENTS
// and a Kakao key: the fake page pays a boost through the webhook code, and
// addresses come from Kakao.
func TestServeFakePaymentsAndPlaces(t *testing.T) {
	serveEngines(t, func(t *testing.T, env map[string]string) {
		kakao := kakaotest.NewFake(t)
		env["MEETPIN_FAKE_PAYMENTS"] = "1"
		env["KAKAO_REST_API_KEY"] = kakaotest.GoodKey
		env["KAKAO_API_BASE"] = kakao.URL
		r := startReplica(t, env)
		token, _, room := signupAndRoom(t, r.base)

		var addr struct{ Address, Source string }
		api(t, r.base, "GET", "/api/kakao/coord2address?lat=37.4979&lng=127.0276", "", nil, 200, &addr)
		if addr.Source != "kakao" || addr.Address != "서울특별시 강남구 강남대로 396" {
			t.Fatalf("address %+v", addr)
		}

		var co struct {
			URL string `json:"checkout_url"`
		}
		api(t, r.base, "POST", "/api/payments/stripe/checkout", token, map[string]any{"room_id": room, "days": "7"}, 200, &co)
		u, err := url.Parse(co.URL)
		if err != nil || u.Path != "/payments/fake-checkout" {
			t.Fatalf("checkout URL %q", co.URL)
		}
		res, err := http.Get(r.base + u.RequestURI())
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("fake page: %v %v", res, err)
		}
		res.Body.Close()
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err = noRedirect.PostForm(r.base+"/payments/fake-checkout", url.Values{"session": {u.Query().Get("session")}, "action": {"pay"}})
		if err != nil || res.StatusCode != http.StatusSeeOther {
			t.Fatalf("pay: %v %v", res, err)
		}
		res.Body.Close()
		if !boostedFirst(t, r.base, room) {
			t.Fatal("the fake payment did not boost the room to the top")
		}
	})
}

// TestServeStripe: `meetpin serve` with a Stripe key (against stripe-mock)
// creates the checkout and applies a signed webhook event.
func TestServeStripe(t *testing.T) {
	mock := meetpintest.Require(t, meetpintest.EnvStripeMock, "stripe-mock")
	const secret = "whsec_serve_test_0123"
	serveEngines(t, func(t *testing.T, env map[string]string) {
		env["STRIPE_SECRET_KEY"] = "sk_test_123"
		env["STRIPE_WEBHOOK_SECRET"] = secret
		env["STRIPE_API_BASE"] = mock
		r := startReplica(t, env)
		token, hostID, room := signupAndRoom(t, r.base)
		var co struct {
			URL string `json:"checkout_url"`
			ID  string `json:"session_id"`
		}
		api(t, r.base, "POST", "/api/payments/stripe/checkout", token, map[string]any{"room_id": room, "days": "1"}, 200, &co)
		if !strings.HasPrefix(co.ID, "cs_") {
			t.Fatalf("checkout %+v", co)
		}
		payload := stripe.SessionEvent{EventID: "evt_" + rand.Text(), SessionID: co.ID, AmountTotal: 1000,
			Metadata: map[string]string{"type": "boost", "room_id": room, "user_id": hostID, "days": "1"}}.Payload()
		for _, sig := range []string{"", stripe.SignPayload(payload, "whsec_wrong", time.Now())} {
			req, _ := http.NewRequest("POST", r.base+"/api/payments/stripe/webhook", strings.NewReader(string(payload)))
			req.Header.Set("Stripe-Signature", sig)
			res, err := http.DefaultClient.Do(req)
			if err != nil || res.StatusCode != 400 {
				t.Fatalf("bad signature %q: %v %v", sig, res, err)
			}
			res.Body.Close()
		}
		if boostedFirst(t, r.base, room) {
			t.Fatal("an unsigned event boosted the room")
		}
		req, _ := http.NewRequest("POST", r.base+"/api/payments/stripe/webhook", strings.NewReader(string(payload)))
		req.Header.Set("Stripe-Signature", stripe.SignPayload(payload, secret, time.Now()))
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("webhook: %v %v", res, err)
		}
		res.Body.Close()
		if !boostedFirst(t, r.base, room) {
			t.Fatal("the paid event did not boost the room")
		}
	})
}
