package app

import (
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/kakao"
	"meetpin.app/kakao/kakaotest"
	"meetpin.app/stripe"
)

const webhookSecret = "whsec_app_test"

// TestBoostCheckoutRules: only the host boosts, only an upcoming room, only
// for 1, 3 or 7 days, and only with payments enabled.
func TestBoostCheckoutRules(t *testing.T) {
	off := newFixture(t)
	host := off.user()
	room := off.room(host, 3*time.Hour)
	if off.app.PaymentsEnabled() {
		t.Fatal("payments enabled without a provider")
	}
	_, err := off.app.CreateBoostCheckout(off.ctx, host, BoostInput{RoomID: room.ID, Days: "1"})
	wantCode(t, "checkout without payments", err, meetpin.EPAYMENTSDISABLED)
	wantCode(t, "webhook without payments", off.app.HandlePaymentWebhook(off.ctx, []byte(`{}`), "t=1,v1=x"), meetpin.EPAYMENTSDISABLED)

	f := newFixture(t, func(o *Options) { o.Payments = stripe.NewFake("http://meetpin.test", webhookSecret) })
	host, other := f.user(), f.user()
	room = f.room(host, 3*time.Hour)
	private := f.room(other, 3*time.Hour, func(in *RoomInput) { in.Visibility = ptr(meetpin.VisibilityPrivate) })
	soon := f.room(host, time.Hour)
	for _, tc := range []struct {
		name string
		u    *meetpin.User
		in   BoostInput
		code meetpin.Code
	}{
		{"no room", host, BoostInput{Days: "1"}, meetpin.EVALIDATION},
		{"2 days", host, BoostInput{RoomID: room.ID, Days: "2"}, meetpin.EVALIDATION},
		{"days as a word", host, BoostInput{RoomID: room.ID, Days: "seven"}, meetpin.EVALIDATION},
		{"someone else's public room", other, BoostInput{RoomID: room.ID, Days: "1"}, meetpin.EFORBIDDEN},
		{"someone else's private room", host, BoostInput{RoomID: private.ID, Days: "1"}, meetpin.ENOTFOUND},
		{"1 day", host, BoostInput{RoomID: room.ID, Days: "1"}, ""},
		{"7 days", host, BoostInput{RoomID: room.ID, Days: "7"}, ""},
	} {
		s, err := f.app.CreateBoostCheckout(f.ctx, tc.u, tc.in)
		wantCode(t, tc.name, err, tc.code)
		if err == nil && (s.ID == "" || !strings.HasPrefix(s.URL, "http://meetpin.test/")) {
			t.Errorf("%s: session %+v", tc.name, s)
		}
	}
	f.advance(time.Hour)
	_, err = f.app.CreateBoostCheckout(f.ctx, host, BoostInput{RoomID: soon.ID, Days: "1"})
	wantCode(t, "a room that has started", err, meetpin.ECONFLICT)
}

// TestBoostWebhook: a paid boost event boosts the room once, whatever the
// number of deliveries, and tells the host; a reminder follows a day before
// the end, once.
func TestBoostWebhook(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Payments = stripe.NewFake("http://meetpin.test", webhookSecret) })
	host := f.user()
	room := f.room(host, 5*24*time.Hour)
	deliver := func(ev stripe.SessionEvent) error {
		payload := ev.Payload()
		return f.app.HandlePaymentWebhook(f.ctx, payload, stripe.SignPayload(payload, webhookSecret, time.Now()))
	}
	boost := stripe.SessionEvent{EventID: "evt_boost_1", SessionID: "cs_1", AmountTotal: 2500,
		Metadata: map[string]string{"type": "boost", "room_id": room.ID, "user_id": host.ID, "days": "3"}}

	payload := boost.Payload()
	wantCode(t, "unsigned", f.app.HandlePaymentWebhook(f.ctx, payload, ""), meetpin.EVALIDATION)
	wantCode(t, "signed with another secret", f.app.HandlePaymentWebhook(f.ctx, payload, stripe.SignPayload(payload, "whsec_other", time.Now())), meetpin.EVALIDATION)
	wantCode(t, "another event type", deliver(stripe.SessionEvent{EventID: "evt_expired", Type: "checkout.session.expired", SessionID: "cs_0"}), "")
	wantCode(t, "not paid", deliver(stripe.SessionEvent{EventID: "evt_unpaid", SessionID: "cs_2", PaymentStatus: "unpaid", Metadata: boost.Metadata}), "")
	if v, _ := f.app.GetRoom(f.ctx, nil, room.ID); v.Boosted {
		t.Fatal("boosted by an unpaid event")
	}

	for range 2 { // Stripe may deliver an event more than once
		wantCode(t, "a paid boost", deliver(boost), "")
	}
	v, err := f.app.GetRoom(f.ctx, nil, room.ID)
	if err != nil || !v.Boosted || v.BoostUntil == nil || !v.BoostUntil.Equal(f.clock().Add(3*24*time.Hour)) {
		t.Fatalf("after the boost: %+v, %v", v, err)
	}
	notes, err := f.app.Notifications(f.ctx, host, "", "", "")
	if err != nil || len(notes.Notifications) != 1 || notes.Notifications[0].Type != meetpin.NotifyBoostReminder {
		t.Fatalf("the host was told %d times: %+v, %v", len(notes.Notifications), notes.Notifications, err)
	}

	// The reminder: not before a day ahead of the end, then once.
	f.advance(2*24*time.Hour - time.Minute)
	if n, err := f.app.SendBoostReminders(f.ctx); n != 0 || err != nil {
		t.Errorf("reminders a day and a minute before the end: %d, %v", n, err)
	}
	f.advance(2 * time.Minute)
	if n, err := f.app.SendBoostReminders(f.ctx); n != 1 || err != nil {
		t.Errorf("reminders within a day of the end: %d, %v", n, err)
	}
	if n, err := f.app.SendBoostReminders(f.ctx); n != 0 || err != nil {
		t.Errorf("reminders again: %d, %v", n, err)
	}
	notes, _ = f.app.Notifications(f.ctx, host, "", "", "")
	if len(notes.Notifications) != 2 || !strings.Contains(notes.Notifications[0].Message, "끝나요") {
		t.Errorf("the host's notifications: %+v", notes.Notifications)
	}

	// A boost of a room deleted meanwhile is acknowledged, not retried.
	gone := f.room(host, 3*time.Hour)
	if err := f.app.DeleteRoom(f.ctx, host, gone.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "a boost of a deleted room", deliver(stripe.SessionEvent{EventID: "evt_gone", SessionID: "cs_gone",
		Metadata: map[string]string{"type": "boost", "room_id": gone.ID, "user_id": host.ID, "days": "1"}}), "")
}

// TestPlaces: addresses never fail for a valid point (coordinates stand in),
// place search says when it is unavailable, and both are cached by rounded
// coordinates.
func TestPlaces(t *testing.T) {
	none := newFixture(t)
	a, err := none.app.Coord2Address(none.ctx, "37.4979", "127.0276")
	if err != nil || a.Source != "none" || a.Address != CoordinateText(37.4979, 127.0276) {
		t.Errorf("without Kakao: %+v, %v", a, err)
	}
	_, err = none.app.SearchPlaces(none.ctx, "카페", "", "", "")
	wantCode(t, "search without Kakao", err, meetpin.EPLACESUNAVAILABLE)

	fake := kakaotest.NewFake(t)
	f := newFixture(t, func(o *Options) {
		o.Places = kakao.New(kakao.Config{Key: kakaotest.GoodKey, BaseURL: fake.URL, Timeout: 5 * time.Second})
	})
	a, err = f.app.Coord2Address(f.ctx, "37.49794", "127.02761")
	if err != nil || a.Source != "kakao" || a.RoadAddress == nil || a.Address != *a.RoadAddress || a.LotAddress == nil {
		t.Fatalf("Coord2Address: %+v, %v", a, err)
	}
	calls := fake.Calls()
	if again, err := f.app.Coord2Address(f.ctx, "37.497941", "127.027609"); err != nil || again.Address != a.Address || fake.Calls() != calls {
		t.Errorf("a point 1 m away called Kakao again (%d calls): %+v, %v", fake.Calls()-calls, again, err)
	}
	jeju, err := f.app.Coord2Address(f.ctx, "33.12", "126.27")
	if err != nil || jeju.RoadAddress != nil || jeju.LotAddress == nil || jeju.Address != *jeju.LotAddress {
		t.Errorf("a lot address only: %+v, %v", jeju, err)
	}
	sea, err := f.app.Coord2Address(f.ctx, "0", "0")
	if err != nil || sea.Source != "none" {
		t.Errorf("no address: %+v, %v", sea, err)
	}
	_, err = f.app.Coord2Address(f.ctx, "", "127")
	wantCode(t, "no lat", err, meetpin.EVALIDATION)

	for _, tc := range []struct {
		name                    string
		query, lat, lng, radius string
		code                    meetpin.Code
		n                       int
	}{
		{"empty query", " ", "", "", "", meetpin.EVALIDATION, 0},
		{"query of 101", strings.Repeat("가", 101), "", "", "", meetpin.EVALIDATION, 0},
		{"lat without lng", "카페", "37.5", "", "", meetpin.EVALIDATION, 0},
		{"radius without a point", "카페", "", "", "500", meetpin.EVALIDATION, 0},
		{"radius 0", "카페", "37.5", "127", "0", meetpin.EVALIDATION, 0},
		{"radius 20001", "카페", "37.5", "127", "20001", meetpin.EVALIDATION, 0},
		{"keyword", "강남역", "", "", "", "", 2},
		{"near a point", "강남역", "37.4979", "127.0276", "20000", "", 2},
		{"a broken answer", "깨진", "", "", "", meetpin.EPLACESUNAVAILABLE, 0},
	} {
		res, err := f.app.SearchPlaces(f.ctx, tc.query, tc.lat, tc.lng, tc.radius)
		wantCode(t, "search: "+tc.name, err, tc.code)
		if err == nil && (len(res.Places) != tc.n || res.Source != "kakao") {
			t.Errorf("search %s: %+v", tc.name, res)
		}
	}
	calls = fake.Calls()
	if _, err := f.app.SearchPlaces(f.ctx, "강남역", "", "", ""); err != nil || fake.Calls() != calls {
		t.Errorf("a repeated search called Kakao again: %v", err)
	}

	fake.SetDown(true)
	if a, err := f.app.Coord2Address(f.ctx, "37.56", "126.97"); err != nil || a.Source != "none" {
		t.Errorf("Kakao down: %+v, %v", a, err)
	}
	_, err = f.app.SearchPlaces(f.ctx, "카페", "", "", "")
	wantCode(t, "search with Kakao down", err, meetpin.EPLACESUNAVAILABLE)
}
