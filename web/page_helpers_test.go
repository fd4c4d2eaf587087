package web_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/app"
)

// page is a fetched HTML page.
type page struct {
	Status int
	Header http.Header
	Body   string
	URL    string // after redirects
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}

// get fetches a page as the holder of token's session cookie ("" for an
// anonymous visitor), with extra headers, without following redirects.
func (s *testServer) get(path, token string, header ...string) *page {
	s.t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Cookie", "meetpin_session="+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &page{Status: res.StatusCode, Header: res.Header, Body: string(b), URL: res.Request.URL.String()}
}

// wantPage fails unless the page has the status and contains every string.
func (p *page) want(t testing.TB, status int, contains ...string) *page {
	t.Helper()
	if p.Status != status {
		t.Fatalf("status %d, want %d; body: %.400s", p.Status, status, p.Body)
	}
	for _, c := range contains {
		if !strings.Contains(p.Body, c) {
			t.Fatalf("page lacks %q; body: %.2000s", c, p.Body)
		}
	}
	return p
}

var scriptSrc = regexp.MustCompile(`<script[^>]*\ssrc="([^"]+)"[^>]*>`)
var styleHref = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"`)

// scripts returns the src of every script tag of a page.
func (p *page) scripts() []string { return submatches(scriptSrc, p.Body) }

// styles returns the href of every stylesheet of a page.
func (p *page) styles() []string { return submatches(styleHref, p.Body) }

func submatches(re *regexp.Regexp, s string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out = append(out, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	return out
}

// world is a small set of data every page can show: a host with a room,
// a guest accepted into it (so there is a chat), an admin.
type world struct {
	host, guest, other, admin user
	room                      string
	match                     string
	request                   string
}

func newWorld(t testing.TB, s *testServer) world {
	t.Helper()
	w := world{host: s.signup("hostPage"), guest: s.signup("guestPage"), other: s.signup("otherPage")}
	var created struct{ Room meetpin.Room }
	s.call("POST", "/api/rooms", roomBody(map[string]any{"title": "페이지 <script>alert(1)</script> 모임"}), w.host.Token).want(t, 201, "").into(t, &created)
	w.room = created.Room.ID
	var req struct{ Request meetpin.Request }
	s.call("POST", "/api/requests", map[string]any{"room_id": w.room, "message": "같이 가요"}, w.guest.Token).want(t, 201, "").into(t, &req)
	w.request = req.Request.ID
	var dec struct{ Match meetpin.Match }
	s.call("PATCH", "/api/requests/"+w.request, map[string]any{"status": "accepted"}, w.host.Token).want(t, 200, "").into(t, &dec)
	w.match = dec.Match.ID
	s.call("POST", "/api/matches/"+w.match+"/messages", map[string]any{"text": "반가워요 <b>굵게</b>"}, w.guest.Token).want(t, 201, "")
	w.admin = s.makeAdmin("bossPage")
	return w
}

// makeAdmin creates an admin account and signs it in.
func (s *testServer) makeAdmin(nick string) user {
	s.t.Helper()
	email := strings.ToLower(nick) + "@example.com"
	u, err := s.App.CreateUser(s.t.Context(), app.SignupInput{Email: email, Password: "correct horse", Nickname: nick}, meetpin.RoleAdmin)
	if err != nil {
		s.t.Fatal(err)
	}
	var d struct{ Token string }
	s.call("POST", "/api/auth/login", map[string]any{"email": email, "password": "correct horse"}, "").want(s.t, 200, "").into(s.t, &d)
	return user{ID: u.ID, Token: d.Token, Nickname: nick}
}
