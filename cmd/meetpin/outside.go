package main

import (
	"log/slog"

	"meetpin.app"
	"meetpin.app/config"
	"meetpin.app/kakao"
	"meetpin.app/stripe"
	"meetpin.app/web"
)

// outside are the services meetpin calls out to: Stripe for paid boosts and
// Kakao Local for addresses and place search, each with its
// meetpin.HealthChecker ("stripe", "kakaoMaps") for /api/health.
type outside struct {
	payments meetpin.Payments // nil: payments disabled
	fake     web.FakeCheckout // non-nil only with MEETPIN_FAKE_PAYMENTS (development)
	places   meetpin.Places   // nil: coordinates only, no search
	checkers []meetpin.HealthChecker
}

// openOutside builds the clients that cfg configures. Nothing is dialled
// here: an unreachable service shows up in /api/health and in the answers
// of its endpoints, not as a failed start.
func openOutside(cfg config.Config, store meetpin.Store, log *slog.Logger) *outside {
	o := &outside{}
	switch {
	case cfg.StripeSecretKey != "":
		c := stripe.New(stripe.Config{
			SecretKey: cfg.StripeSecretKey, WebhookSecret: cfg.StripeWebhookSecret,
			APIBase: cfg.StripeAPIBase, PriceIDs: cfg.StripePriceIDs(), LastEvent: store.LastStripeEvent,
		})
		o.payments = c
		o.checkers = append(o.checkers, c)
	case cfg.FakePayments:
		f := stripe.NewFake(cfg.SiteURL, cfg.StripeWebhookSecret)
		o.payments, o.fake = f, f
		o.checkers = append(o.checkers, stripe.NotConfigured(true))
		log.Warn("fake payments: boosts are paid on a local test page, no money moves (MEETPIN_FAKE_PAYMENTS)")
	default:
		o.checkers = append(o.checkers, stripe.NotConfigured(false))
	}
	if cfg.KakaoRESTAPIKey != "" {
		c := kakao.New(kakao.Config{Key: cfg.KakaoRESTAPIKey, BaseURL: cfg.KakaoAPIBase})
		o.places = c
		o.checkers = append(o.checkers, c)
	} else {
		o.checkers = append(o.checkers, kakao.NotConfigured())
	}
	payments, places := "disabled", "disabled (coordinates only)"
	switch {
	case cfg.StripeSecretKey != "":
		payments = "stripe"
	case cfg.FakePayments:
		payments = "fake (MEETPIN_FAKE_PAYMENTS)"
	}
	if o.places != nil {
		places = "kakao"
	}
	log.Info("outside services", slog.String("payments", payments), slog.String("places", places))
	return o
}
