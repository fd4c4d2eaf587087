package main

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"meetpin.app/meetpintest"
	"meetpin.app/postgres/postgrestest"
)

// answer is a replica's reply with what the rate-limit tests look at.
type answer struct {
	status    int
	code      string
	limit     string
	remaining string
	retry     string
	data      json.RawMessage
}

// send calls a replica as the client xff (a proxy in front of it says so
// in X-Forwarded-For; "" sends no header).
func send(t *testing.T, base, method, path, token, xff string, body any) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var env struct {
		Code string          `json:"code"`
		Data json.RawMessage `json:"data"`
	}
	json.NewDecoder(res.Body).Decode(&env)
	return answer{status: res.StatusCode, code: env.Code, data: env.Data, limit: res.Header.Get("RateLimit-Limit"),
		remaining: res.Header.Get("RateLimit-Remaining"), retry: res.Header.Get("Retry-After")}
}

// randomClient returns an address in a /64 of 2001:db8::/32 that no other
// test run uses, so that tests sharing the test Redis never share a count.
func randomClient() string {
	var b [16]byte
	rand.Read(b[:])
	copy(b[:4], []byte{0x20, 0x01, 0x0d, 0xb8})
	binary.BigEndian.PutUint64(b[8:], 1)
	return netip.AddrFrom16(b).String()
}

// TestReplicasShareRateLimits: two replicas on one Redis hold one limit.
// Requests of one client through either replica add up, and the limit is
// reached at exactly the configured total, whichever replica sees the last
// request: for the per-IP api class (behind a trusted proxy, the client
// named by X-Forwarded-For) and for the per-user rooms class.
func TestReplicasShareRateLimits(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL": postgrestest.URL(t), "REDIS_URL": meetpintest.RequireRedis(t),
		"MEETPIN_RATELIMIT": "on", "MEETPIN_TRUSTED_PROXIES": "127.0.0.1",
		"MEETPIN_RATELIMIT_API": "6/1m", "MEETPIN_RATELIMIT_ROOMS": "4/1m",
	}
	r1 := startReplica(t, env)
	r2 := startReplica(t, env)

	client := randomClient()
	for i, r := range []replica{r1, r1, r1, r2, r2, r2} {
		a := send(t, r.base, "GET", "/api/rooms?bbox=37.4,126.8,37.7,127.2", "", client, nil)
		if a.status != 200 || a.limit != "6" || a.remaining != strconv.Itoa(5-i) {
			t.Fatalf("request %d: %d, RateLimit-Limit %q, -Remaining %q; want 200, 6, %d", i+1, a.status, a.limit, a.remaining, 5-i)
		}
	}
	for _, r := range []replica{r1, r2} {
		if a := send(t, r.base, "GET", "/api/rooms?bbox=37.4,126.8,37.7,127.2", "", client, nil); a.status != 429 || a.code != "RATE_LIMIT_EXCEEDED" || a.retry == "" {
			t.Fatalf("request 7 on %s: %+v, want 429 with Retry-After", r.base, a)
		}
	}
	// Another client is not affected.
	if a := send(t, r2.base, "GET", "/api/livez", "", client, nil); a.status != 200 {
		t.Fatalf("probe refused: %+v", a)
	}
	if a := send(t, r2.base, "GET", "/api/rooms?bbox=37.4,126.8,37.7,127.2", "", randomClient(), nil); a.status != 200 || a.remaining != "5" {
		t.Fatalf("another client: %+v", a)
	}

	// Rooms per user: each request from a fresh address, so only the user
	// adds up.
	var auth struct{ Token string }
	nick := "rl" + strings.ToLower(rand.Text()[:8])
	signup := send(t, r1.base, "POST", "/api/auth/signup", "", randomClient(),
		map[string]any{"email": nick + "@example.com", "password": "correct horse", "nickname": nick})
	if signup.status != 201 {
		t.Fatalf("signup: %+v", signup)
	}
	json.Unmarshal(signup.data, &auth)
	room := map[string]any{"title": "limits", "category": "other", "lat": 37.5, "lng": 127.0,
		"place_text": "Seoul", "start_at": time.Now().Add(3 * time.Hour).Format(time.RFC3339)}
	for i, r := range []replica{r2, r1, r2, r1} {
		if a := send(t, r.base, "POST", "/api/rooms", auth.Token, randomClient(), room); a.status != 201 || a.limit != "4" || a.remaining != strconv.Itoa(3-i) {
			t.Fatalf("room %d: %+v, want 201 with 4 and %d", i+1, a, 3-i)
		}
	}
	for _, r := range []replica{r2, r1} {
		if a := send(t, r.base, "POST", "/api/rooms", auth.Token, randomClient(), room); a.status != 429 || a.code != "RATE_LIMIT_EXCEEDED" || a.limit != "4" {
			t.Fatalf("room 5 on %s: %+v, want 429", r.base, a)
		}
	}
}

// TestServeRateLimitDefault: `meetpin serve` limits by default: the sixth
// signup from one address within 15 minutes is refused.
func TestServeRateLimitDefault(t *testing.T) {
	r := startReplica(t, map[string]string{"MEETPIN_RATELIMIT": ""})
	for i := range 6 {
		nick := fmt.Sprint("default", i)
		a := send(t, r.base, "POST", "/api/auth/signup", "", "", map[string]any{"email": nick + "@example.com", "password": "correct horse", "nickname": nick})
		want := 201
		if i == 5 {
			want = 429
		}
		if a.status != want || a.limit != "5" {
			t.Fatalf("signup %d: %+v, want %d with RateLimit-Limit 5", i+1, a, want)
		}
	}
	if strings.Contains(r.out.String(), "rate limiting is off") {
		t.Fatalf("default start warns that limiting is off:\n%s", r.out)
	}
}

// TestServeRateLimitOff: MEETPIN_RATELIMIT=off limits nothing and says so
// at start, as a warning.
func TestServeRateLimitOff(t *testing.T) {
	r := startReplica(t, map[string]string{"MEETPIN_RATELIMIT": "off"})
	for i := range 8 {
		nick := fmt.Sprint("off", i)
		a := send(t, r.base, "POST", "/api/auth/signup", "", "", map[string]any{"email": nick + "@example.com", "password": "correct horse", "nickname": nick})
		if a.status != 201 || a.limit != "" {
			t.Fatalf("signup %d: %+v, want 201 without RateLimit headers", i+1, a)
		}
	}
	var warned bool
	for line := range strings.Lines(r.out.String()) {
		warned = warned || (strings.Contains(line, `"level":"WARN"`) && strings.Contains(line, "MEETPIN_RATELIMIT=off"))
	}
	if !warned {
		t.Fatalf("no WARN line about MEETPIN_RATELIMIT=off in the log:\n%s", r.out)
	}
}
