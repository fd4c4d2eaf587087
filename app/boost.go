package app

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/dispatch"
)

// Boost rules.
const (
	// BoostReminderLead is how long before a boost ends its host is
	// reminded. A boost that ends within it when bought counts as reminded:
	// its confirmation already says when it ends.
	BoostReminderLead = 24 * time.Hour
	// checkoutTTL is how long an unpaid payment page stays open (Stripe
	// wants at least 30 minutes, counted on its side).
	checkoutTTL = 31 * time.Minute
	// reminderBatch is how many reminders one claim takes.
	reminderBatch = 100
)

// kst is Korean time, for the dates in notifications.
var kst = time.FixedZone("KST", 9*60*60)

// BoostInput is the body of POST /api/payments/stripe/checkout. Days is a
// string, "1", "3" or "7", as in the original API.
type BoostInput struct {
	RoomID string `json:"room_id"`
	Days   string `json:"days"`
}

// PaymentsEnabled reports whether boosts can be bought.
func (a *App) PaymentsEnabled() bool { return a.payments != nil }

// CreateBoostCheckout opens a payment page for a boost of a room the caller
// hosts. EPAYMENTSDISABLED without a payment provider, ENOTFOUND or
// EFORBIDDEN for a room that is not the caller's, ECONFLICT for a room that
// has started or was cancelled, EUNAVAILABLE when the provider fails.
func (a *App) CreateBoostCheckout(ctx context.Context, u *meetpin.User, in BoostInput) (*meetpin.CheckoutSession, error) {
	if a.payments == nil {
		return nil, meetpin.Errorf(meetpin.EPAYMENTSDISABLED, "payments are not enabled on this server")
	}
	var f meetpin.FieldErrors
	if strings.TrimSpace(in.RoomID) == "" {
		f.Add("room_id", "is required")
	}
	days, err := strconv.Atoi(in.Days)
	if _, ok := meetpin.BoostPrices[days]; err != nil || !ok {
		f.Add("days", `must be "1", "3" or "7"`)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	v, err := a.hostedRoom(ctx, u, in.RoomID)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	switch {
	case v.Status != meetpin.RoomActive:
		return nil, meetpin.Errorf(meetpin.ECONFLICT, "a cancelled room cannot be boosted")
	case !v.StartAt.After(now):
		return nil, meetpin.Errorf(meetpin.ECONFLICT, "the room has already started")
	}
	back := a.siteURL + "/room/" + v.ID + "?payment="
	s, err := a.payments.CreateCheckout(ctx, meetpin.CheckoutRequest{
		RoomID: v.ID, RoomTitle: v.Title, UserID: u.ID, Days: days, Amount: meetpin.BoostPrices[days],
		SuccessURL: back + "success", CancelURL: back + "canceled", ExpiresAt: now.Add(checkoutTTL),
	})
	if err != nil {
		a.log.ErrorContext(ctx, "checkout not created", slog.String("room_id", v.ID), slog.Any("error", err))
		return nil, meetpin.Errorf(meetpin.EUNAVAILABLE, "the payment service is not available; please try again later")
	}
	return s, nil
}

// HandlePaymentWebhook verifies and processes one webhook delivery of the
// payment provider, exactly once per event id. A paid boost extends the
// room's boost, records the payment and tells the host, all in one unit of
// work. Events of other kinds, and boosts with
// bad metadata, are acknowledged and recorded without effect. EVALIDATION
// for an unsigned, tampered with or stale delivery; EPAYMENTSDISABLED
// without a provider; other errors are worth a retry by the provider.
func (a *App) HandlePaymentWebhook(ctx context.Context, payload []byte, signature string) error {
	if a.payments == nil {
		return meetpin.Errorf(meetpin.EPAYMENTSDISABLED, "payments are not enabled on this server")
	}
	ev, err := a.payments.VerifyWebhook(payload, signature)
	if err != nil {
		return err
	}
	now := a.Now()
	log := a.log.With(slog.String("event_id", ev.ID), slog.String("event_type", ev.Type))
	if ev.Type != meetpin.EventCheckoutCompleted && ev.Type != meetpin.EventCheckoutAsyncSucceeded {
		_, err := a.store.RecordStripeEvent(ctx, ev.ID, ev.Type, now)
		return err
	}
	p, why := boostOf(ev, now)
	if why != "" {
		log.InfoContext(ctx, "payment event ignored", slog.String("reason", why), slog.String("session_id", ev.SessionID))
		_, err := a.store.RecordStripeEvent(ctx, ev.ID, ev.Type, now)
		return err
	}
	p.ID = newID()
	var out *meetpin.BoostOutcome
	err = a.disp.Do(ctx, func(w *dispatch.Unit) (err error) {
		if out, err = w.ApplyBoost(ctx, p, BoostReminderLead); err != nil || !out.Applied || !out.RoomFound {
			return err
		}
		// The room now sorts first on every replica's map.
		w.Record(meetpin.RoomsChanged{RoomIDs: []string{p.RoomID}})
		room, err := w.RoomByID(ctx, p.RoomID)
		if err != nil {
			return err
		}
		return a.notify(ctx, w, room.HostID, meetpin.NotifyBoostReminder, "부스트가 시작됐어요",
			"\""+room.Title+"\" 모임이 "+kstTime(out.BoostUntil)+"까지 지도 맨 위에 보여요.",
			"/room/"+room.ID, map[string]any{"roomId": room.ID, "boostUntil": out.BoostUntil, "days": p.Days, "kind": "boost_applied"})
	})
	switch {
	case meetpin.ErrorCode(err) == meetpin.ECONFLICT:
		// Two events of one session raced on a deleted room; one recorded it.
		log.InfoContext(ctx, "payment event already processed", slog.String("session_id", p.SessionID))
		return nil
	case err != nil:
		return err
	case !out.Applied:
		log.InfoContext(ctx, "payment event already processed", slog.String("session_id", p.SessionID))
		return nil
	case !out.RoomFound:
		log.WarnContext(ctx, "boost paid for a room that no longer exists: refund it",
			slog.String("session_id", p.SessionID), slog.String("room_id", p.RoomID), slog.Int64("amount", p.Amount))
		return nil
	}
	log.InfoContext(ctx, "boost applied", slog.String("room_id", p.RoomID), slog.Int("days", p.Days), slog.Time("boost_until", out.BoostUntil))
	return nil
}

// boostOf reads a paid boost out of a checkout event, or says why it is
// not one.
func boostOf(ev *meetpin.PaymentEvent, now time.Time) (*meetpin.BoostPayment, string) {
	m := ev.Metadata
	days, err := strconv.Atoi(m["days"])
	_, known := meetpin.BoostPrices[days]
	switch {
	case m["type"] != "boost":
		return nil, "not a boost"
	case ev.PaymentStatus != "paid":
		return nil, "payment status is " + strconv.Quote(ev.PaymentStatus)
	case ev.SessionID == "":
		return nil, "no session id"
	case !canonicalUUID(m["room_id"]) || !canonicalUUID(m["user_id"]):
		return nil, "room_id or user_id is not a UUID"
	case err != nil || !known:
		return nil, "days is not 1, 3 or 7"
	case !strings.EqualFold(ev.Currency, "krw"):
		return nil, "currency is " + strconv.Quote(ev.Currency) + ", not krw"
	}
	amount := ev.AmountTotal
	if amount <= 0 {
		amount = meetpin.BoostPrices[days]
	}
	return &meetpin.BoostPayment{
		EventID: ev.ID, EventType: ev.Type, SessionID: ev.SessionID, RoomID: m["room_id"], UserID: m["user_id"],
		Days: days, Amount: amount, Currency: "krw", CreatedAt: now,
	}, ""
}

// canonicalUUID reports whether s is a UUID in the form our ids take.
func canonicalUUID(s string) bool {
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s
}

// SendBoostReminders tells the hosts whose boost ends within a day, once per
// boost end, and returns how many it told. It is safe to run often and on
// every replica at once: each reminder is claimed in the database before it
// is sent. (For the cron engine: schedule it every few minutes.)
func (a *App) SendBoostReminders(ctx context.Context) (int, error) {
	sent := 0
	for {
		var rooms []*meetpin.Room
		err := a.disp.Do(ctx, func(w *dispatch.Unit) (err error) {
			if rooms, err = w.ClaimBoostReminders(ctx, a.Now(), BoostReminderLead, reminderBatch); err != nil {
				return err
			}
			for _, r := range rooms {
				if err := a.notify(ctx, w, r.HostID, meetpin.NotifyBoostReminder, "부스트가 곧 끝나요",
					"\""+r.Title+"\" 모임의 부스트가 "+kstTime(*r.BoostUntil)+"에 끝나요. 계속 맨 위에 보이려면 부스트를 연장하세요.",
					"/room/"+r.ID, map[string]any{"roomId": r.ID, "boostUntil": *r.BoostUntil, "kind": "boost_ending"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
		sent += len(rooms)
		if len(rooms) < reminderBatch {
			return sent, nil
		}
	}
}

// kstTime formats t as Koreans read it: "5월 3일 21:00".
func kstTime(t time.Time) string {
	t = t.In(kst)
	return strconv.Itoa(int(t.Month())) + "월 " + strconv.Itoa(t.Day()) + "일 " + t.Format("15:04")
}
