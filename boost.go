package meetpin

import (
	"context"
	"time"
)

// BoostPrices are the prices of a boost in KRW (no minor unit), by days.
var BoostPrices = map[int]int64{1: 1000, 3: 2500, 7: 5000}

// BoostPayment is one paid boost: the Stripe event and Checkout Session that
// paid for it, and what it bought.
type BoostPayment struct {
	ID        string `json:"id"`
	EventID   string `json:"stripe_event_id"`
	EventType string `json:"-"`
	SessionID string `json:"stripe_session_id"`
	// RoomID and UserID come from the session's metadata; they are "" when
	// read back after the room or the user was deleted.
	RoomID   string `json:"room_id"`
	UserID   string `json:"user_id"`
	Days     int    `json:"days"`
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	// BoostUntil is the room's boost end right after this payment.
	BoostUntil time.Time `json:"boost_until"`
	CreatedAt  time.Time `json:"created_at"`
}

// BoostOutcome is what ApplyBoost did.
type BoostOutcome struct {
	// Applied is false when the event, or another event of the same
	// Checkout Session, was processed before: then nothing changed.
	Applied bool
	// RoomFound is false when the room no longer exists: the payment is
	// recorded without a room, for a refund.
	RoomFound bool
	// BoostUntil is the room's new boost end (when Applied and RoomFound).
	BoostUntil time.Time
}

// BoostStore stores paid boosts and the Stripe events that bought them.
type BoostStore interface {
	// ApplyBoost processes a paid boost exactly once, in one transaction:
	// it claims p.EventID (a claimed id changes nothing: Applied false),
	// refuses a session already paid for (Applied false, the event id
	// stays claimed), extends the room's boost_until by p.Days from
	// max(p.CreatedAt, boost_until), and records the payment with the new
	// end in p.BoostUntil. When the new end is within remindWithin of
	// p.CreatedAt, the boost counts as reminded already (the host's
	// confirmation says when it ends), so SendBoostReminders skips it.
	// Concurrent calls with one event id apply it once.
	ApplyBoost(ctx context.Context, p *BoostPayment, remindWithin time.Duration) (*BoostOutcome, error)
	// RecordStripeEvent claims an event id that changes nothing else (an
	// event of another type, or one that is ignored); false when the id was
	// claimed before.
	RecordStripeEvent(ctx context.Context, eventID, eventType string, at time.Time) (bool, error)
	// LastStripeEvent returns when the newest Stripe event was processed;
	// ok is false when none was.
	LastStripeEvent(ctx context.Context) (at time.Time, ok bool, err error)
	// BoostPaymentsByRoom lists the payments for a room, newest first.
	BoostPaymentsByRoom(ctx context.Context, roomID string) ([]*BoostPayment, error)
	// ClaimBoostReminders marks and returns up to limit active, upcoming
	// rooms whose boost ends after now and within `within`, and whose host
	// was not reminded of that end yet. A room is returned once per boost
	// end, however many callers run at once (at most once: a caller that
	// dies after the claim loses those reminders).
	ClaimBoostReminders(ctx context.Context, now time.Time, within time.Duration, limit int) ([]*Room, error)
}

// CheckoutRequest is a boost purchase to send to the payment provider.
type CheckoutRequest struct {
	RoomID    string
	RoomTitle string
	UserID    string
	Days      int
	Amount    int64 // KRW
	// SuccessURL and CancelURL are where the provider's page sends the
	// buyer back.
	SuccessURL string
	CancelURL  string
	// ExpiresAt is when the unpaid session expires.
	ExpiresAt time.Time
}

// CheckoutSession is a payment page created by the provider.
type CheckoutSession struct {
	ID  string `json:"session_id"`
	URL string `json:"checkout_url"`
}

// PaymentEvent is a verified webhook event of the payment provider, with
// the fields of its Checkout Session when it is about one.
type PaymentEvent struct {
	ID            string
	Type          string
	SessionID     string
	PaymentStatus string // "paid", "unpaid", "no_payment_required"
	AmountTotal   int64
	Currency      string
	Metadata      map[string]string
}

// Payment event types that complete a boost purchase.
const (
	EventCheckoutCompleted      = "checkout.session.completed"
	EventCheckoutAsyncSucceeded = "checkout.session.async_payment_succeeded"
)

// Payments is a payment provider (Stripe; or, in development only, a local
// fake that signs its events the same way).
type Payments interface {
	// CreateCheckout creates a hosted payment page for req; its metadata
	// carries type "boost", room_id, user_id and days.
	CreateCheckout(ctx context.Context, req CheckoutRequest) (*CheckoutSession, error)
	// VerifyWebhook checks the signature header over the raw payload (with
	// a tolerance of five minutes) and decodes the event. EVALIDATION when
	// the payload is unsigned, tampered with, too old or malformed.
	VerifyWebhook(payload []byte, signature string) (*PaymentEvent, error)
}
