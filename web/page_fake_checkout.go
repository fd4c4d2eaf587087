package web

import (
	"html/template"
	"net/http"
	"strconv"

	"meetpin.app"
)

// FakeCheckout is the development stand-in for Stripe's hosted payment
// page (stripe.Fake): it knows its open sessions and signs the event that
// paying one sends.
type FakeCheckout interface {
	Session(id string) (meetpin.CheckoutRequest, bool)
	Complete(id string) (payload []byte, signature string, err error)
}

var fakeCheckoutPage = template.Must(template.New("fake-checkout").Parse(`<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>테스트 결제 (개발용) · 밋핀</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#111}
.warn{background:#fef3c7;border:2px solid #f59e0b;padding:.75rem 1rem;border-radius:.5rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}
button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem;border-radius:.4rem;border:1px solid #999}
button[value=pay]{background:#f59e0b;border-color:#b45309;color:#fff}
</style>
</head>
<body>
<p class="warn" role="alert"><strong>테스트 결제 페이지입니다.</strong> 개발용(MEETPIN_FAKE_PAYMENTS)이며 실제로 돈이 결제되지 않습니다.<br>
<span lang="en">Development only: no real payment is made.</span></p>
{{if .Found}}
<h1>{{.Product}}</h1>
<dl>
<dt>모임</dt><dd>{{.Req.RoomTitle}}</dd>
<dt>기간</dt><dd>{{.Req.Days}}일</dd>
<dt>금액</dt><dd>{{.Amount}}원</dd>
</dl>
<form method="post" action="/payments/fake-checkout">
<input type="hidden" name="session" value="{{.Session}}">
<button type="submit" name="action" value="pay">결제 완료 (테스트)</button>
<button type="submit" name="action" value="cancel">취소</button>
</form>
{{else}}
<h1>결제 세션을 찾을 수 없어요</h1>
<p>만료되었거나(30분) 서버가 다시 시작되었어요. 모임 페이지에서 다시 시도해 주세요.</p>
{{end}}
</body>
</html>
`))

type fakeCheckoutData struct {
	Found   bool
	Session string
	Req     meetpin.CheckoutRequest
	Product string
	Amount  string
}

// handleFakeCheckoutPage: GET /payments/fake-checkout?session=… (only with
// MEETPIN_FAKE_PAYMENTS in development; 404 otherwise).
func (s *Server) handleFakeCheckoutPage(w http.ResponseWriter, r *http.Request) {
	if s.fake == nil {
		http.NotFound(w, r)
		return
	}
	id := r.URL.Query().Get("session")
	req, ok := s.fake.Session(id)
	d := fakeCheckoutData{Found: ok, Session: id, Req: req, Product: strconv.Itoa(req.Days) + "일 부스트", Amount: won(req.Amount)}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		w.WriteHeader(http.StatusNotFound)
	}
	fakeCheckoutPage.Execute(w, d)
}

// handleFakeCheckoutSubmit: POST /payments/fake-checkout (session, action).
// Paying hands the signed checkout.session.completed event to the same
// code as POST /api/payments/stripe/webhook, then returns to the room.
func (s *Server) handleFakeCheckoutSubmit(w http.ResponseWriter, r *http.Request) {
	if s.fake == nil {
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	id := r.PostForm.Get("session")
	req, ok := s.fake.Session(id)
	if !ok {
		http.Error(w, "결제 세션을 찾을 수 없어요 (no such session)", http.StatusNotFound)
		return
	}
	if r.PostForm.Get("action") != "pay" {
		http.Redirect(w, r, req.CancelURL, http.StatusSeeOther)
		return
	}
	payload, sig, err := s.fake.Complete(id)
	if err == nil {
		err = s.app.HandlePaymentWebhook(r.Context(), payload, sig)
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "fake payment failed", "error", err)
		http.Error(w, "결제를 처리하지 못했어요 (payment not processed)", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, req.SuccessURL, http.StatusSeeOther)
}

// won formats an amount of KRW with thousands separators: 2,500.
func won(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
