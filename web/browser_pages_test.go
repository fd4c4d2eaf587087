package web_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"meetpin/meetpintest"
	"meetpin/sqlite/sqlitetest"
)

// TestBrowserForms: the login and signup pages show the API's errors
// inline, next to the field, in the page's language, with focus moved.
func TestBrowserForms(t *testing.T) {
	s := newServer(t, sqlitetest.New(t))
	s.signup("formUser")
	b := newTab(t, newBrowser(t), s.URL)

	b.open("/auth/login?lang=ko")
	b.fill("email", "formuser@example.com")
	b.fill("password", "wrong password")
	b.click(`form button[type="submit"]`)
	b.waitJS(`!document.querySelector(".form-error").hidden`)
	if got := b.text(".form-error"); got != "이메일 또는 비밀번호가 올바르지 않아요." {
		t.Fatalf("login error %q", got)
	}
	if b.path() != "/auth/login" {
		t.Fatalf("a failed login left the page: %s", b.path())
	}
	// The right password signs in and goes to next.
	b.open("/auth/login?next=/requests")
	b.fill("email", "formuser@example.com")
	b.fill("password", "correct horse")
	b.click(`form button[type="submit"]`)
	b.waitJS(`location.pathname === "/requests"`)

	// Signup: each bad field gets its own message under it.
	s2 := newTab(t, newBrowser(t), s.URL)
	s2.open("/auth/signup?lang=ko")
	s2.fill("email", "not-an-email")
	s2.fill("password", "short")
	s2.fill("nickname", "운영자")
	s2.click(`form button[type="submit"]`)
	s2.waitJS(`document.getElementById("password-error").textContent !== ""`)
	for id, want := range map[string]string{"email-error": "올바른 이메일", "password-error": "8자 이상", "nickname-error": "사용할 수 없는 단어"} {
		if got := s2.text("#" + id); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to say %q", id, got, want)
		}
	}
	if got := eval[string](s2, `document.activeElement.id`); got != "email" {
		t.Errorf("focus on %q, want the first bad field", got)
	}
	if got := eval[string](s2, `document.getElementById("password").getAttribute("aria-invalid")`); got != "true" {
		t.Errorf("password aria-invalid = %q", got)
	}
	// In English the API's own words are shown.
	s2.open("/auth/signup?lang=en")
	s2.fill("email", "x@example.com")
	s2.fill("password", "short")
	s2.fill("nickname", "englishUser")
	s2.click(`form button[type="submit"]`)
	s2.waitJS(`document.getElementById("password-error").textContent !== ""`)
	if got := s2.text("#password-error"); got != "Must be at least 8 characters." {
		t.Errorf("English password error %q", got)
	}

	// The room form shows the API's field errors inline too.
	b.open("/room/new")
	b.fill("title", "")
	b.click(`#room-form button[type="submit"]`)
	b.waitJS(`document.getElementById("title-error").textContent !== ""`)
	for _, id := range []string{"title-error", "lat-error", "place_text-error"} {
		if b.text("#"+id) == "" {
			t.Errorf("%s is empty", id)
		}
	}
}

// TestBrowserAdmin: the admin page refuses a normal user and shows an
// admin the counts and the charts; screenshots of the main pages.
func TestBrowserAdmin(t *testing.T) {
	s := browserServer(t, sqlitetest.New(t))
	w := newWorld(t, s)
	browser := newBrowser(t)
	normal := newTab(t, browser, s.URL)
	normal.setSession(w.other.Token)
	normal.open("/admin")
	if got := normal.text("h1"); got != "접근 권한이 없어요" {
		t.Fatalf("normal user on /admin sees %q", got)
	}
	if strings.Contains(normal.text("main"), "신고 처리 대기열") {
		t.Fatal("a normal user sees the admin page")
	}

	admin := newTab(t, browser, s.URL)
	admin.setSession(w.admin.Token)
	admin.open("/admin")
	if got := admin.text(`[data-count="users"]`); got == "" || got == "0" {
		t.Fatalf("user count %q", got)
	}
	if n := eval[int](admin, `document.querySelectorAll(".chart svg polyline").length`); n != 3 {
		t.Fatalf("%d charts, want 3", n)
	}
	admin.screenshot("admin")

	// Screenshots of the landing page and the map with the demo rooms.
	admin.open("/")
	admin.screenshot("home")
	admin.open("/map?lat=37.5172&lng=127.0473&z=13")
	admin.waitJS(`document.querySelectorAll(".leaflet-marker-icon").length > 0`)
	admin.screenshot("map")
}

// setSession gives the tab a signed-in session cookie.
func (b *tab) setSession(token string) {
	b.t.Helper()
	b.open("/help")
	eval[bool](b, `document.cookie = "meetpin_session=`+token+`; path=/"; true`)
}

// axeImpactful are the axe-core impacts that fail the test.
var axeImpactful = map[string]bool{"serious": true, "critical": true}

// TestBrowserAxe runs axe-core (from web/frontend/node_modules) on the main
// pages: no serious or critical violation.
func TestBrowserAxe(t *testing.T) {
	src, err := os.ReadFile("frontend/node_modules/axe-core/axe.min.js")
	if err != nil {
		if meetpintest.InCI() {
			t.Fatalf("axe-core is not installed (make assets runs npm ci): %v", err)
		}
		t.Skipf("needs axe-core: run make assets (%v)", err)
	}
	s := browserServer(t, sqlitetest.New(t))
	w := newWorld(t, s)
	browser := newBrowser(t)
	anon := newTab(t, browser, s.URL)
	host := newTab(t, browser, s.URL)
	host.setSession(w.host.Token)
	admin := newTab(t, browser, s.URL)
	admin.setSession(w.admin.Token)
	pages := []struct {
		tab  *tab
		path string
	}{
		{anon, "/"}, {anon, "/map"}, {anon, "/auth/login"}, {anon, "/auth/signup"}, {anon, "/room/" + w.room}, {anon, "/help"},
		{anon, "/legal/privacy"}, {anon, "/status"}, {anon, "/no/such/page"}, {anon, "/map?lang=en"},
		{host, "/room/new"}, {host, "/room/" + w.room}, {host, "/room/" + w.room + "/requests"}, {host, "/requests"},
		{host, "/chat/" + w.match}, {host, "/notifications"}, {host, "/profile"}, {host, "/settings/notifications"},
		{admin, "/admin"},
	}
	for _, p := range pages {
		p.tab.open(p.path)
		if strings.HasPrefix(p.path, "/map") {
			p.tab.waitJS(`document.getElementById("map").dataset.loaded !== undefined`)
		}
		eval[bool](p.tab, string(src)+";true")
		raw := eval[string](p.tab, `axe.run(document, { resultTypes: ["violations"] }).then(function (r) { return JSON.stringify(r.violations); })`)
		var violations []struct {
			ID, Impact, Help string
			Nodes            []struct{ Target []any }
		}
		if err := json.Unmarshal([]byte(raw), &violations); err != nil {
			t.Fatal(err)
		}
		for _, v := range violations {
			if axeImpactful[v.Impact] {
				t.Errorf("%s: axe %s (%s): %s; %d nodes, first %v", p.path, v.ID, v.Impact, v.Help, len(v.Nodes), v.Nodes[0].Target)
			} else {
				t.Logf("%s: axe %s (%s): %s", p.path, v.ID, v.Impact, v.Help)
			}
		}
	}
	t.Logf("axe: %d pages checked", len(pages))
}
