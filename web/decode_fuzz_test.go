package web

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"meetpin.app"
	"meetpin.app/app"
)

// FuzzDecode: the request decoder turns any body into a room input or a
// client error (INVALID_JSON, VALIDATION_ERROR, 413 or 415), never a
// panic or an internal error.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"title":"x","lat":37.5}`, `{}`, `{"title":1}`, `{"nope":1}`, `{} {}`, `[`, ``, `null`, `{"max_people":1e400}`, "\xff\xfe"} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte(`{}`), "text/plain")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		r := httptest.NewRequest("POST", "/api/rooms", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		var in app.RoomInput
		err := decode(httptest.NewRecorder(), r, &in, 1<<10)
		if err == nil {
			return
		}
		status, ok := statusOf[meetpin.ErrorCode(err)]
		if !ok || status >= 500 || status < 400 {
			t.Fatalf("decode(%q, %q) = %v (status %d)", body, contentType, err, status)
		}
	})
}
