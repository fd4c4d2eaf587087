package web_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/sqlite/sqlitetest"
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
	// Web Vitals leave with a beacon when the page goes away.
	beacon := eval[string](b, `new Promise(function (resolve) {
		navigator.sendBeacon = function (url, blob) { blob.text().then(function (body) { resolve(url + " " + body); }); return true; };
		window.dispatchEvent(new Event("pagehide"));
	})`)
	if !strings.HasPrefix(beacon, "/api/telemetry/web-vitals ") || !strings.Contains(beacon, `"name":"TTFB"`) || !strings.Contains(beacon, `"page":"/auth/login"`) {
		t.Fatalf("web vitals beacon: %s", beacon)
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
// admin the counts, the report queue and the charts. With
// MEETPIN_SCREENSHOTS=1 it also saves phone-size screenshots of /, /map,
// /room/{id}, /chat/{id} and /admin, with tidy data, to docs/screenshots/.
func TestBrowserAdmin(t *testing.T) {
	s := browserServer(t, sqlitetest.New(t))
	host, guest, other := s.signup("지현"), s.signup("태오"), s.signup("민수")
	admin := s.makeAdmin("bossKim")
	var created struct{ Room meetpin.Room }
	s.call("POST", "/api/rooms", roomBody(map[string]any{
		"title": "퇴근 후 역삼 맥주 한잔", "place_text": "역삼역 3번 출구 앞 호프", "lat": 37.5006, "lng": 127.0366,
		"fee": 15000, "description": "일 끝나고 가볍게 한잔해요. 처음 오시는 분도 환영해요!",
	}), host.Token).want(t, 201, "").into(t, &created)
	room := created.Room.ID
	var req struct{ Request meetpin.Request }
	s.call("POST", "/api/requests", map[string]any{"room_id": room, "message": "처음인데 참가해도 될까요?"}, guest.Token).want(t, 201, "").into(t, &req)
	var dec struct{ Match meetpin.Match }
	s.call("PATCH", "/api/requests/"+req.Request.ID, map[string]any{"status": "accepted"}, host.Token).want(t, 200, "").into(t, &dec)
	for _, m := range []struct{ token, text string }{
		{guest.Token, "안녕하세요! 수락해 주셔서 감사해요"}, {host.Token, "반가워요 😊 7시에 3번 출구에서 봬요"},
		{guest.Token, "네 좋아요! 조금 일찍 도착할게요"}, {host.Token, "천천히 오세요~"},
	} {
		s.call("POST", "/api/matches/"+dec.Match.ID+"/messages", map[string]any{"text": m.text}, m.token).want(t, 201, "")
	}
	s.call("POST", "/api/reports", map[string]any{"target_uid": host.ID, "reason": "약속 장소에 나타나지 않았어요"}, other.Token).want(t, 201, "")

	browser := newBrowser(t)
	normal := newTab(t, browser, s.URL)
	normal.setSession(guest.Token)
	normal.open("/admin")
	if got := normal.text("h1"); got != "접근 권한이 없어요" {
		t.Fatalf("normal user on /admin sees %q", got)
	}
	if strings.Contains(normal.text("main"), "신고 처리 대기열") || strings.Contains(normal.text("main"), "약속 장소에") {
		t.Fatal("a normal user sees the admin page")
	}
	normal.open("/")
	normal.screenshot("home")
	normal.open("/map?lat=37.5006&lng=127.0366&z=14")
	normal.waitJS(`document.querySelector('.leaflet-marker-icon[data-room-id="` + room + `"]') !== null`)
	normal.screenshot("map")
	// The map works from the keyboard: Enter on a focused pin opens its
	// card, Escape closes it and gives the focus back to the pin.
	pin := `.leaflet-marker-icon[data-room-id="` + room + `"]`
	normal.do(chromedp.SendKeys(chromedp.CSS(pin), kb.Enter))
	normal.waitJS(`!document.getElementById("room-card").hidden && document.activeElement.id === "room-card-link"`)
	if got := normal.text("#room-card-title"); got != "퇴근 후 역삼 맥주 한잔" {
		t.Fatalf("card title %q", got)
	}
	normal.do(chromedp.SendKeys(chromedp.ID("room-card-link"), kb.Escape))
	normal.waitJS(`document.getElementById("room-card").hidden && document.activeElement.dataset.roomId === "` + room + `"`)
	normal.open("/room/" + room)
	normal.screenshot("room")
	normal.open("/chat/" + dec.Match.ID)
	normal.screenshot("chat")

	adm := newTab(t, browser, s.URL)
	adm.setSession(admin.Token)
	adm.open("/admin")
	if got := adm.text(`[data-count="users"]`); got == "" || got == "0" {
		t.Fatalf("user count %q", got)
	}
	if !strings.Contains(adm.text("#report-queue"), "약속 장소에 나타나지 않았어요") {
		t.Fatal("the report is not in the queue")
	}
	if n := eval[int](adm, `document.querySelectorAll(".chart svg polyline").length`); n != 3 {
		t.Fatalf("%d charts, want 3", n)
	}
	adm.screenshot("admin")
	// Resolving the report empties the queue.
	adm.click(`#report-queue button.btn-primary`)
	adm.waitJS(`document.getElementById("report-queue") === null`)
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

// TestBrowserChatHistory: the chat opens on the newest messages and loads
// the older ones, following next_cursor, when scrolled to the top.
func TestBrowserChatHistory(t *testing.T) {
	s := newServer(t, sqlitetest.New(t))
	w := newWorld(t, s) // one message already
	for i := 1; i <= 44; i++ {
		s.call("POST", "/api/matches/"+w.match+"/messages", map[string]any{"text": fmt.Sprintf("메시지 %02d", i)}, w.host.Token).want(t, 201, "")
	}
	b := newTab(t, newBrowser(t), s.URL)
	b.setSession(w.guest.Token)
	b.open("/chat/" + w.match)
	if n := eval[int](b, `document.querySelectorAll("#messages li").length`); n != 30 {
		t.Fatalf("the chat opens with %d messages, want 30", n)
	}
	if got := eval[string](b, `document.querySelector("#messages li:last-child .bubble").textContent`); got != "메시지 44" {
		t.Fatalf("newest message %q", got)
	}
	eval[bool](b, `document.getElementById("chat-log").scrollTop = 0; document.getElementById("chat-log").dispatchEvent(new Event("scroll")); true`)
	b.waitJS(`document.querySelectorAll("#messages li").length === 45`)
	if got := eval[string](b, `document.querySelector("#messages li:first-child .bubble").textContent`); got != "반가워요 <b>굵게</b>" {
		t.Fatalf("oldest message %q", got)
	}
	b.waitJS(`document.getElementById("chat-older").hidden`)
	// Ids are unique and in order.
	if ok := eval[bool](b, `(function () { var ids = Array.from(document.querySelectorAll("#messages li")).map(function (l) { return +l.dataset.id; }); return ids.every(function (v, i) { return i === 0 || v > ids[i - 1]; }); })()`); !ok {
		t.Fatal("messages out of order after loading older ones")
	}
}
