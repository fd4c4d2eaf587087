package web_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"testing"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/postgres/postgrestest"
	"meetpin.app/sqlite/sqlitetest"
	"meetpin.app/stripe"
	"meetpin.app/web"
)

// BenchmarkStripeWebhook measures one signed checkout.session.completed
// delivery over HTTP end to end: signature check, the claim of the event
// id and the boost in one transaction, and the host's notification. Each
// iteration is a new purchase of the same room; the redelivery case sends
// one event again and again (claim refused, nothing written).
func BenchmarkStripeWebhook(b *testing.B) {
	for _, engine := range []string{meetpin.EngineSQLite, meetpin.EnginePostgres} {
		b.Run(engine, func(b *testing.B) {
			var store meetpin.Store
			if engine == meetpin.EngineSQLite {
				store = sqlitetest.New(b)
			} else {
				if os.Getenv("MEETPIN_TEST_DATABASE_URL") == "" {
					b.Skip("needs MEETPIN_TEST_DATABASE_URL")
				}
				store = postgrestest.New(b)
			}
			pay := stripe.New(stripe.Config{SecretKey: "sk_test_123", WebhookSecret: webhookSecret})
			s := newServerEdit(b, store, func(ao *app.Options, _ *web.Options) { ao.Payments = pay })
			host := s.signup("host")
			room := s.createRoom(host, nil)
			meta := map[string]string{"type": "boost", "room_id": room, "user_id": host.ID, "days": "1"}
			post := func(payload []byte) {
				req, _ := http.NewRequest("POST", s.URL+"/api/payments/stripe/webhook", bytes.NewReader(payload))
				req.Header.Set("Stripe-Signature", signed(payload))
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
			b.Run("new", func(b *testing.B) {
				payloads := make([][]byte, b.N)
				for i := range payloads {
					payloads[i] = stripe.SessionEvent{EventID: evtID(), SessionID: "cs_" + evtID(), AmountTotal: 1000, Metadata: meta}.Payload()
				}
				b.ResetTimer()
				for i := range b.N {
					post(payloads[i])
				}
			})
			b.Run("redelivered", func(b *testing.B) {
				payload := stripe.SessionEvent{EventID: evtID(), SessionID: "cs_" + evtID(), AmountTotal: 1000, Metadata: meta}.Payload()
				post(payload)
				b.ResetTimer()
				for range b.N {
					post(payload)
				}
			})
		})
	}
}
