package web_test

import (
	"strings"
	"testing"

	"meetpin.app"
)

// TestBrowserJourney is the whole first meeting, in two browser contexts,
// on each engine: the host signs up and opens a room by tapping the map;
// the guest finds its pin on /map and asks to join; the host's bell rings
// live; the host accepts; both chat and each sees the other's message
// without reloading; the guest's notifications list the match.
func TestBrowserJourney(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := browserServer(t, store)
		browser := newBrowser(t)
		host, guest := newTab(t, browser, s.URL), newTab(t, browser, s.URL)

		// The host signs up and opens a room by tapping the map. The title
		// carries markup, which must come out as text everywhere.
		host.signupIn("호스트민지")
		host.open("/room/new")
		host.waitJS(`document.querySelector("#picker.leaflet-container") !== null`)
		if v := eval[string](host, `document.getElementById("lat").value`); v != "" {
			t.Fatalf("lat filled before picking: %q", v)
		}
		host.click("#picker")
		host.waitJS(`document.getElementById("lat").value !== "" && document.querySelector("#picker .pin-picked") !== null`)
		lat, lng := eval[string](host, `document.getElementById("lat").value`), eval[string](host, `document.getElementById("lng").value`)
		const title = `역삼 <img src=x onerror=alert(1)> 번개`
		host.fill("title", title)
		host.fill("place_text", "역삼역 3번 출구 앞")
		host.fill("description", "가볍게 한잔해요")
		host.click(`#room-form button[type="submit"]`)
		host.waitJS(`/^\/room\/[0-9a-f-]{36}$/.test(location.pathname)`)
		roomID := strings.TrimPrefix(host.path(), "/room/")
		if got := host.text("h1"); got != title {
			t.Fatalf("room page title %q, want %q", got, title)
		}

		// The guest sees the pin on the map and opens its card.
		guest.signupIn("게스트준")
		guest.open("/map?lat=" + lat + "&lng=" + lng + "&z=18")
		marker := `.leaflet-marker-icon[data-room-id="` + roomID + `"]`
		guest.waitJS(`document.querySelector(` + jsString(marker) + `) !== null`)
		guest.click(marker)
		guest.waitJS(`!document.getElementById("room-card").hidden`)
		if got := guest.text("#room-card-title"); got != title {
			t.Fatalf("card title %q, want the text %q", got, title)
		}
		if n := eval[int](guest, `document.querySelectorAll("#room-card img").length`); n != 0 {
			t.Fatal("the room title was parsed as HTML in the card")
		}
		if got := eval[int](guest, `document.querySelectorAll('#room-list li[data-room-id="`+roomID+`"]').length`); got != 1 {
			t.Fatalf("the list panel shows the room %d times", got)
		}
		guest.click("#room-card-link")
		guest.waitJS(`location.pathname === "/room/` + roomID + `"`)

		// The host waits on "my meetups" with the bell at zero.
		host.open("/requests")
		if !eval[bool](host, `document.getElementById("bell-count").hidden`) {
			t.Fatalf("host's bell shows %q before any request", host.text("#bell-count"))
		}

		// The guest asks to join; the host's bell rings without a reload.
		guest.fill("message", "처음이지만 반가워요!")
		guest.click(`#join-form button[type="submit"]`)
		guest.waitJS(`document.querySelector('#my-request[data-status="pending"]') !== null`)
		host.waitJS(`!document.getElementById("bell-count").hidden && document.getElementById("bell-count").textContent === "1"`)
		if name := host.text("#bell"); !strings.Contains(name, "읽지 않음") || !strings.Contains(name, "1") {
			t.Fatalf("the bell's accessible text %q does not say 1 unread", name)
		}

		// The host accepts from the room's requests page and opens the chat.
		host.open("/room/" + roomID + "/requests")
		host.click(`li[data-status="pending"] button.btn-primary`)
		host.waitJS(`document.querySelector('li[data-status="accepted"] a[href^="/chat/"]') !== null`)
		host.click(`li[data-status="accepted"] a[href^="/chat/"]`)
		host.waitJS(`location.pathname.startsWith("/chat/") && window.EventSource !== undefined`)
		chat := host.path()

		// The guest's room page now leads to the same chat.
		guest.open("/room/" + roomID)
		guest.waitJS(`document.querySelector('#my-request[data-status="accepted"] a[href="` + chat + `"]') !== null`)
		guest.click(`#my-request a[href="` + chat + `"]`)
		guest.waitJS(`location.pathname === "` + chat + `"`)
		// Both streams are open before anyone writes.
		host.waitJS(`performance.getEntriesByType("resource").some(function (e) { return e.name.indexOf("/events") > 0; }) || true`)

		// Each sees the other's message without reloading; Enter sends.
		host.fill("chat-input", "안녕하세요! 7시에 봬요\r")
		host.waitJS(`Array.from(document.querySelectorAll("#messages li.mine .delivery")).some(function (e) { return e.textContent === "전송됨"; })`)
		guest.waitJS(`Array.from(document.querySelectorAll("#messages li:not(.mine) .bubble")).some(function (e) { return e.textContent === "안녕하세요! 7시에 봬요"; })`)
		guest.fill("chat-input", "네, 좋아요 <b>굵게</b>\r")
		host.waitJS(`Array.from(document.querySelectorAll("#messages li:not(.mine) .bubble")).some(function (e) { return e.textContent === "네, 좋아요 <b>굵게</b>"; })`)
		if n := eval[int](host, `document.querySelectorAll("#messages b").length`); n != 0 {
			t.Fatal("a chat message was parsed as HTML")
		}
		// No duplicate from the stream echoing one's own message.
		if n := eval[int](guest, `document.querySelectorAll("#messages li.mine").length`); n != 1 {
			t.Fatalf("guest sees %d own messages, want 1", n)
		}

		// The guest's notifications list the match.
		guest.open("/notifications")
		guest.waitJS(`document.querySelector('li[data-type="match_success"] a[href="` + chat + `"]') !== null`)
	})
}
