package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/locale"
	"meetpin.app/sqlite/sqlitetest"
)

// TestPages is the pages' authorization and content matrix, on each engine:
// who gets which status, and what the page must say.
func TestPages(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		w := newWorld(t, s)
		escapedTitle := "페이지 &lt;script&gt;alert(1)&lt;/script&gt; 모임"
		login := func(next string) string { return "/auth/login?next=" + strings.ReplaceAll(next, "/", "%2F") }
		cases := []struct {
			name, path, token string
			status            int
			location          string // for redirects
			contains          []string
		}{
			{"landing", "/", "", 200, "", []string{"지금, 근처에서 만나요", escapedTitle, `href="/room/` + w.room + `"`}},
			{"map", "/map", "", 200, "", []string{`id="category-filter"`, `id="room-panel"`}},
			{"room anonymous", "/room/" + w.room, "", 200, "", []string{escapedTitle, "로그인하고 참가 신청하기", "hostPage"}},
			{"room guest", "/room/" + w.room, w.guest.Token, 200, "", []string{"참가가 확정되었어요", `href="/chat/` + w.match + `"`}},
			{"room other", "/room/" + w.room, w.other.Token, 200, "", []string{`id="join-form"`, `name="room_id" value="` + w.room + `"`}},
			{"room host", "/room/" + w.room, w.host.Token, 200, "", []string{`href="/room/` + w.room + `/requests"`, `href="/room/` + w.room + `/edit"`}},
			{"room unknown", "/room/" + uuid.NewString(), "", 404, "", []string{"페이지를 찾을 수 없어요"}},
			{"room malformed", "/room/not-a-uuid", w.guest.Token, 404, "", []string{"페이지를 찾을 수 없어요"}},
			{"room new anonymous", "/room/new", "", 303, login("/room/new"), nil},
			{"room new", "/room/new", w.other.Token, 200, "", []string{`data-api="/api/rooms"`, `name="start_at"`, `data-error-for="title"`}},
			{"edit anonymous", "/room/" + w.room + "/edit", "", 303, login("/room/" + w.room + "/edit"), nil},
			{"edit guest", "/room/" + w.room + "/edit", w.guest.Token, 403, "", []string{"접근 권한이 없어요"}},
			{"edit host", "/room/" + w.room + "/edit", w.host.Token, 200, "", []string{`data-method="PATCH"`, escapedTitle}},
			{"requests of room, guest", "/room/" + w.room + "/requests", w.guest.Token, 403, "", nil},
			{"requests of room, host", "/room/" + w.room + "/requests", w.host.Token, 200, "", []string{"guestPage", "같이 가요", `data-status="accepted"`}},
			{"mine anonymous", "/requests", "", 303, login("/requests"), nil},
			{"mine guest", "/requests", w.guest.Token, 200, "", []string{escapedTitle, `href="/chat/` + w.match + `"`, "hostPage"}},
			{"chat guest", "/chat/" + w.match, w.guest.Token, 200, "", []string{"반가워요 &lt;b&gt;굵게&lt;/b&gt;", `data-match="` + w.match + `"`}},
			{"chat host", "/chat/" + w.match, w.host.Token, 200, "", []string{"guestPage", "반가워요"}},
			{"chat other", "/chat/" + w.match, w.other.Token, 404, "", nil},
			{"chat anonymous", "/chat/" + w.match, "", 303, login("/chat/" + w.match), nil},
			{"notifications host", "/notifications", w.host.Token, 200, "", []string{`data-type="room_request"`, `href="/room/` + w.room + `/requests"`}},
			{"notifications guest", "/notifications", w.guest.Token, 200, "", []string{`data-type="match_success"`, `href="/chat/` + w.match + `"`}},
			{"notifications anonymous", "/notifications", "", 303, login("/notifications"), nil},
			{"settings", "/settings/notifications", w.guest.Token, 200, "", []string{`id="setting-browser"`}},
			{"profile", "/profile", w.guest.Token, 200, "", []string{`value="guestPage"`, "guestpage@example.com"}},
			{"profile anonymous", "/profile", "", 303, login("/profile"), nil},
			{"public profile", "/profile/" + w.host.ID, "", 200, "", []string{"hostPage"}},
			{"public profile unknown", "/profile/" + uuid.NewString(), "", 404, "", nil},
			{"admin anonymous", "/admin", "", 303, login("/admin"), nil},
			{"admin normal user", "/admin", w.guest.Token, 403, "", []string{"접근 권한이 없어요"}},
			{"admin", "/admin", w.admin.Token, 200, "", []string{`data-count="users">4<`, `data-count="matches">1<`, `data-count="messages">1<`, "<svg", "신고 처리 대기열"}},
			{"login", "/auth/login", "", 200, "", []string{`data-api="/api/auth/login"`, `data-next="/map"`}},
			{"login keeps next", "/auth/login?next=/room/" + w.room, "", 200, "", []string{`data-next="/room/` + w.room + `"`}},
			{"login signed in", "/auth/login?next=/requests", w.guest.Token, 303, "/requests", nil},
			{"login refuses open redirect", "/auth/login?next=//evil.example", w.guest.Token, 303, "/map", nil},
			{"login refuses backslash redirect", "/auth/login?next=/%5Cevil.example", w.guest.Token, 303, "/map", nil},
			{"signup", "/auth/signup", "", 200, "", []string{`data-api="/api/auth/signup"`, `value="20s_early"`}},
			{"help", "/help", "", 200, "", []string{"밋핀은 어떤 서비스인가요?"}},
			{"terms", "/legal/terms", "", 200, "", []string{"이용약관", "제1조"}},
			{"privacy", "/legal/privacy", "", 200, "", []string{"개인정보처리방침"}},
			{"location", "/legal/location", "", 200, "", []string{"위치정보 이용약관"}},
			{"legal unknown", "/legal/cookies", "", 404, "", nil},
			{"status", "/status", "", 200, "", []string{"정상적으로 운영 중", `id="status-detail"`}},
			{"unknown path", "/no/such/page", "", 404, "", []string{"페이지를 찾을 수 없어요", `href="/map"`}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := s.with(t).get(c.path, c.token).want(t, c.status, c.contains...)
				if c.location != "" && p.Header.Get("Location") != c.location {
					t.Fatalf("Location %q, want %q", p.Header.Get("Location"), c.location)
				}
				if c.status == 200 || c.status == 403 || c.status == 404 {
					if ct := p.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
						t.Fatalf("Content-Type %q", ct)
					}
					if strings.Contains(p.Body, "<script>alert(1)") || strings.Contains(p.Body, "<b>굵게") {
						t.Fatal("user text reached the page unescaped")
					}
				}
			})
		}
		// Unknown API paths stay JSON.
		s.call("GET", "/api/no/such/route", nil, "").want(t, 404, meetpin.ENOTFOUND)
	})
}

// TestPageLanguage: Korean by default; English by ?lang=en (remembered in
// a cookie) or by Accept-Language.
func TestPageLanguage(t *testing.T) {
	s := newServer(t, sqlitetest.New(t))
	s.get("/", "").want(t, 200, `<html lang="ko">`, "지금, 근처에서 만나요")
	p := s.get("/?lang=en", "").want(t, 200, `<html lang="en">`, "Meet up nearby, right now")
	var c *http.Cookie
	for _, k := range (&http.Response{Header: p.Header}).Cookies() {
		if k.Name == "meetpin_lang" {
			c = k
		}
	}
	if c == nil || c.Value != "en" {
		t.Fatalf("language cookie %+v", c)
	}
	s.get("/help", "", "Cookie", "meetpin_lang=en").want(t, 200, `<html lang="en">`, "What is MeetPin?")
	s.get("/help", "", "Accept-Language", "en-US,en;q=0.9").want(t, 200, `<html lang="en">`)
	s.get("/help", "", "Accept-Language", "ko-KR,en;q=0.5").want(t, 200, `<html lang="ko">`)
	s.get("/help?lang=ko", "", "Cookie", "meetpin_lang=en").want(t, 200, `<html lang="ko">`)
	s.get("/no/such/page", "", "Accept-Language", "en").want(t, 404, "Page not found")
	// The scripts' messages follow the language.
	s.get("/map?lang=en", "").want(t, 200, `"map.loading":"Loading meetups…"`)
	s.get("/map", "").want(t, 200, `"map.loading":"모임을 불러오는 중…"`)
}

var (
	cspNonce    = regexp.MustCompile(`script-src 'self' 'nonce-([A-Za-z0-9_-]+)' 'strict-dynamic';`)
	scriptTag   = regexp.MustCompile(`<script[^>]*>`)
	inlineEvent = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+=`)
	styleAttr   = regexp.MustCompile(`(?i)<[^>]+\sstyle=`)
)

// TestPageCSP: each page has a strict policy with a fresh nonce, every
// script carries it, and no markup needs 'unsafe-inline' (no inline event
// handlers, no style attributes).
func TestPageCSP(t *testing.T) {
	s := newServer(t, sqlitetest.New(t))
	w := newWorld(t, s)
	seen := map[string]bool{}
	for _, c := range []struct{ path, token string }{
		{"/", ""}, {"/map", ""}, {"/room/" + w.room, w.other.Token}, {"/room/new", w.host.Token}, {"/chat/" + w.match, w.guest.Token},
		{"/requests", w.guest.Token}, {"/notifications", w.guest.Token}, {"/profile", w.guest.Token}, {"/admin", w.admin.Token},
		{"/auth/login", ""}, {"/auth/signup", ""}, {"/status", ""}, {"/no/such/page", ""}, {"/room/" + w.room + "/requests", w.host.Token},
	} {
		p := s.get(c.path, c.token)
		csp := p.Header.Get("Content-Security-Policy")
		m := cspNonce.FindStringSubmatch(csp)
		if m == nil || !strings.Contains(csp, "object-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-eval") {
			t.Fatalf("%s: policy %q", c.path, csp)
		}
		if seen[m[1]] {
			t.Fatalf("%s: nonce %q reused", c.path, m[1])
		}
		seen[m[1]] = true
		tags := scriptTag.FindAllString(p.Body, -1)
		if len(tags) < 2 {
			t.Fatalf("%s: only %d script tags", c.path, len(tags))
		}
		for _, tag := range tags {
			if !strings.Contains(tag, `nonce="`+m[1]+`"`) {
				t.Fatalf("%s: script without the nonce: %s", c.path, tag)
			}
		}
		if inlineEvent.MatchString(p.Body) || styleAttr.MatchString(p.Body) {
			t.Fatalf("%s: inline handler or style attribute in %s", c.path, p.Body)
		}
	}
}

// TestStaticAssets: hashed URLs are immutable, text is gzipped, anything
// else is a 404 page.
func TestStaticAssets(t *testing.T) {
	s := newServer(t, sqlitetest.New(t))
	home := s.get("/", "")
	var appJS string
	for _, src := range home.scripts() {
		if strings.HasPrefix(src, "/static/js/app.js?v=") {
			appJS = src
		}
	}
	if appJS == "" {
		t.Fatalf("no versioned app.js in %v", home.scripts())
	}
	p := s.get(appJS, "")
	if p.Status != 200 || p.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.Contains(p.Body, "MeetPin") {
		t.Fatalf("app.js: %d %q", p.Status, p.Header.Get("Cache-Control"))
	}
	if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Fatalf("app.js Content-Type %q", ct)
	}
	if cc := s.get("/static/js/app.js?v=old", "").Header.Get("Cache-Control"); cc != "public, max-age=60" {
		t.Fatalf("stale version cached as %q", cc)
	}
	req, _ := http.NewRequest("GET", s.URL+appJS, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" || res.ContentLength <= 0 || res.ContentLength >= int64(len(p.Body)) {
		t.Fatalf("gzip: %q, %d bytes of %d", res.Header.Get("Content-Encoding"), res.ContentLength, len(p.Body))
	}
	for _, bad := range []string{"/static/nope.js", "/static/%2e%2e/page.go", "/static/"} {
		if got := s.get(bad, ""); got.Status != 404 {
			t.Fatalf("%s: %d", bad, got.Status)
		}
	}
	s.get("/robots.txt", "").want(t, 200, "Disallow: /api/", "Sitemap: ")
	s.get("/sitemap.xml", "").want(t, 200, "<urlset", "/legal/privacy</loc>")
	s.get("/manifest.webmanifest", "").want(t, 200, `"start_url":"/map"`, `"name":"밋핀 MeetPin"`)
}

// TestTemplateKeys: every message key a template names exists in every
// language.
func TestTemplateKeys(t *testing.T) {
	key := regexp.MustCompile(`\.T "([a-z_.0-9]+)"`)
	files, _ := filepath.Glob("templates/*/*.html")
	files = append(files, "templates/layout.html")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			n++
			for _, lang := range locale.Supported {
				if !locale.Has(lang, m[1]) {
					t.Errorf("%s: key %q missing in %s", f, m[1], lang)
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("found only %d keys", n)
	}
}

// TestAdminReportAPI: only an admin's session moves a report through the
// queue.
func TestAdminReportAPI(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		w := newWorld(t, s)
		var rep struct{ Report meetpin.Report }
		s.call("POST", "/api/reports", map[string]any{"target_uid": w.host.ID, "reason": "불쾌한 메시지를 보냈어요"}, w.other.Token).want(t, 201, "").into(t, &rep)
		path := "/api/admin/reports/" + rep.Report.ID
		s.call("PATCH", path, map[string]any{"status": "resolved"}, "").want(t, 401, meetpin.EUNAUTHORIZED)
		s.call("PATCH", path, map[string]any{"status": "resolved"}, w.other.Token).want(t, 403, meetpin.EFORBIDDEN)
		s.call("PATCH", path, map[string]any{"status": "deleted"}, w.admin.Token).want(t, 400, meetpin.EVALIDATION)
		s.call("PATCH", path, map[string]any{"status": 1}, w.admin.Token).want(t, 400, meetpin.EVALIDATION)
		s.call("PATCH", "/api/admin/reports/"+uuid.NewString(), map[string]any{"status": "resolved"}, w.admin.Token).want(t, 404, meetpin.ENOTFOUND)
		s.get("/admin", w.admin.Token).want(t, 200, "불쾌한 메시지를 보냈어요", `data-count="reports">1 `)
		var got struct{ Report meetpin.Report }
		s.call("PATCH", path, map[string]any{"status": "resolved"}, w.admin.Token).want(t, 200, "").into(t, &got)
		if got.Report.Status != meetpin.ReportResolved || got.Report.ID != rep.Report.ID {
			t.Fatalf("report after resolve: %+v", got.Report)
		}
		if p := s.get("/admin", w.admin.Token).want(t, 200, "처리할 신고가 없어요"); strings.Contains(p.Body, "불쾌한 메시지를 보냈어요") {
			t.Fatal("a resolved report is still queued")
		}
	})
}
