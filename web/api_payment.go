package web

import (
	"errors"
	"io"
	"log/slog"
	"net/http"

	"meetpin.app"
	"meetpin.app/app"
)

// maxWebhookBody bounds a webhook delivery; Stripe's events are far smaller.
const maxWebhookBody = 512 << 10

// handleBoostCheckout: POST /api/payments/stripe/checkout {room_id, days}
// → {checkout_url, session_id}, for the room's host only.
func (s *Server) handleBoostCheckout(w http.ResponseWriter, r *http.Request) {
	var in app.BoostInput
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	session, err := s.app.CreateBoostCheckout(r.Context(), userOf(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, session, "")
}

// handleStripeWebhook: POST /api/payments/stripe/webhook, signed by Stripe
// (Stripe-Signature over the raw body). 400 for anything unsigned or
// tampered with; 2xx {"received":true} once processed, also for an event
// processed before; 5xx makes Stripe retry.
func (s *Server) handleStripeWebhook(w http.ResponseWriter, r *http.Request) {
	payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.writeError(w, r, meetpin.Errorf(meetpin.EPAYLOADTOOLARGE, "the event is larger than %d bytes", maxWebhookBody))
			return
		}
		s.writeError(w, r, meetpin.Errorf(meetpin.EVALIDATION, "the event body could not be read"))
		return
	}
	if err := s.app.HandlePaymentWebhook(r.Context(), payload, r.Header.Get("Stripe-Signature")); err != nil {
		if meetpin.ErrorCode(err) == meetpin.EVALIDATION {
			// The operator's first clue when deliveries fail: a wrong
			// STRIPE_WEBHOOK_SECRET, a skewed clock, a proxy that rewrites bodies.
			s.log.WarnContext(r.Context(), "stripe webhook refused", slog.String("request_id", requestIDOf(r)),
				slog.String("reason", meetpin.ErrorMessage(err)))
		}
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, map[string]bool{"received": true}, "")
}
