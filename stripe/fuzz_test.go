package stripe

import (
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"meetpin.app"
)

// FuzzVerify: any payload, correctly signed (so that the JSON is parsed)
// or with any header, gives an event or a VALIDATION_ERROR, never a panic.
func FuzzVerify(f *testing.F) {
	const secret = "whsec_fuzz"
	for _, s := range []string{
		`{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1","payment_status":"paid","amount_total":1000,"currency":"krw","metadata":{"room_id":"r","days":"1"}}}}`,
		`{"id":"evt_2","type":"checkout.session.completed","data":{}}`,
		`{"id":"","type":""}`, `[]`, `null`, `{"id":"evt_3","type":"customer.created","data":{"object":{}}}`,
	} {
		f.Add([]byte(s), "")
	}
	f.Add([]byte(`{}`), "t=1,v1=00")
	f.Fuzz(func(t *testing.T, payload []byte, header string) {
		if header == "" {
			header = webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now()}).Header
		}
		ev, err := verify(payload, header, secret)
		if err != nil {
			if meetpin.ErrorCode(err) != meetpin.EVALIDATION {
				t.Fatalf("error %v is not a validation error", err)
			}
			return
		}
		if ev == nil || ev.ID == "" || ev.Type == "" {
			t.Fatalf("event %+v", ev)
		}
	})
}
