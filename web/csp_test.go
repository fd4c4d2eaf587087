package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"meetpin.app/config"
)

// TestCSPNonce: the nonce a handler gets from CSPNonce is the one in the
// response's policy; /api/ has none, and neither has a request that did
// not pass through the chain.
func TestCSPNonce(t *testing.T) {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: cfg}
	h := s.securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, CSPNonce(r))
	}))
	serve := func(path string) (nonce, policy string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Body.String(), rec.Header().Get("Content-Security-Policy")
	}

	nonce, policy := serve("/rooms/new")
	if len(nonce) < 22 {
		t.Fatalf("CSPNonce = %q, want at least 128 bits", nonce)
	}
	if strings.Count(policy, "'nonce-"+nonce+"'") != 2 {
		t.Fatalf("policy %q does not carry the handler's nonce %q in script-src and style-src", policy, nonce)
	}
	if again, _ := serve("/rooms/new"); again == nonce {
		t.Fatal("the same nonce twice")
	}
	if nonce, policy := serve("/api/rooms"); nonce != "" || policy != apiPolicy {
		t.Fatalf("/api/: nonce %q, policy %q", nonce, policy)
	}
	if got := CSPNonce(httptest.NewRequest("GET", "/", nil)); got != "" {
		t.Fatalf("CSPNonce outside the chain = %q", got)
	}
}
