package web_test

import (
	"strings"
	"testing"

	"meetpin.app/sqlite/sqlitetest"
)

// TestBrowserOpenRedirect is the open redirect of issue 14 in a real
// browser: /auth/login?next=/%09/evil.example used to send a signed-in
// person to http://evil.example/ (Chromium drops the tab of "/\t/evil" and
// reads "//evil.example"), both through the server's 303 and through the
// script's location.assign after the login form. Every road now ends on
// this site's /map.
func TestBrowserOpenRedirect(t *testing.T) {
	s := newServer(t, sqlitetest.New(t))
	s.signup("redirected")
	browser := newBrowser(t)
	onSite := func(b *tab, step string) {
		t.Helper()
		b.waitJS(`location.pathname === "/map"`)
		if origin := eval[string](b, `location.origin`); origin != s.URL {
			t.Fatalf("%s: ended on %s, want %s", step, origin, s.URL)
		}
	}
	login := func(b *tab) {
		t.Helper()
		b.fill("email", "redirected@example.com")
		b.fill("password", "correct horse")
		b.click(`form button[type="submit"]`)
	}

	// The login form's next, as the server renders it.
	b := newTab(t, browser, s.URL)
	b.open("/auth/login?next=/%09/evil.example")
	if next := eval[string](b, `document.querySelector("form[data-next]").dataset.next`); next != "/map" {
		t.Fatalf("the form carries next %q", next)
	}
	login(b)
	onSite(b, "login form")

	// Signed in, the login page redirects at once (303).
	for _, next := range []string{"/%09/evil.example", "//evil.example", "/%5C/evil.example", "/%2F/evil.example", "https:evil.example", "/%EF%BC%8Fevil.example"} {
		b.open("/auth/login?next=" + next)
		onSite(b, "303 for "+next)
	}

	// The script checks next itself, whatever the page says.
	b2 := newTab(t, newBrowser(t), s.URL)
	for _, next := range []string{"/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)"} {
		b2.open("/auth/login?next=/requests")
		eval[any](b2, `document.querySelector("form[data-next]").dataset.next = `+jsString(next)+`, null`)
		login(b2)
		onSite(b2, "script with next "+strings.ReplaceAll(next, "\t", `\t`))
		eval[any](b2, `fetch("/api/auth/logout", {method: "POST", credentials: "same-origin"}).then(function () { return null; })`)
	}
}
