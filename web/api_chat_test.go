package web_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"meetpin.app"
)

// createRoom creates a room as u and returns its id.
func (s *testServer) createRoom(u user, edits map[string]any) string {
	s.t.Helper()
	var d struct{ Room meetpin.Room }
	s.call("POST", "/api/rooms", roomBody(edits), u.Token).want(s.t, 201, "").into(s.t, &d)
	return d.Room.ID
}

// joinRoom makes u ask to join room and returns the request id.
func (s *testServer) joinRoom(u user, room string) string {
	s.t.Helper()
	var d struct{ Request meetpin.Request }
	s.call("POST", "/api/requests", map[string]any{"room_id": room, "message": "같이 가요!"}, u.Token).want(s.t, 201, "").into(s.t, &d)
	return d.Request.ID
}

// accept makes host accept req and returns the match id.
func (s *testServer) accept(host user, req string) string {
	s.t.Helper()
	var d struct{ Match meetpin.Match }
	s.call("PATCH", "/api/requests/"+req, map[string]any{"status": "accepted"}, host.Token).want(s.t, 200, "").into(s.t, &d)
	return d.Match.ID
}

// TestChatJourney: B requests → A's open stream shows the request → A
// accepts → B's stream gets match_success → they chat, each message arriving
// on the other's stream → B drops, A sends three → B reconnects with
// Last-Event-ID and gets exactly those three, in order.
func TestChatJourney(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		a, b := s.signup("hostA"), s.signup("guestB")
		room := s.createRoom(a, nil)

		aNotes := s.openStream("/api/notifications/stream", a.Token, -1)
		bNotes := s.openStream("/api/notifications/stream", b.Token, -1)

		req := s.joinRoom(b, room)
		n := decodeJSON[meetpin.Notification](t, aNotes.next("notification").Data)
		if n.Type != meetpin.NotifyRoomRequest || n.Metadata["requestId"] != req {
			t.Fatalf("host got %+v", n)
		}

		match := s.accept(a, req)
		n = decodeJSON[meetpin.Notification](t, bNotes.next("notification").Data)
		if n.Type != meetpin.NotifyMatchSuccess || n.Metadata["actionUrl"] != "/chat/"+match {
			t.Fatalf("guest got %+v", n)
		}

		aChat := s.openStream("/api/matches/"+match+"/events", a.Token, -1)
		bChat := s.openStream("/api/matches/"+match+"/events", b.Token, -1)
		s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": "안녕하세요!"}, a.Token).want(t, 201, "")
		if m := decodeJSON[meetpin.Message](t, bChat.next("message").Data); m.Text != "안녕하세요!" || m.SenderID != a.ID {
			t.Fatalf("B got %+v", m)
		}
		aChat.next("message") // A's own message arrives on A's stream too
		s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": "  반가워요  "}, b.Token).want(t, 201, "")
		last := aChat.next("message")
		if m := decodeJSON[meetpin.Message](t, last.Data); m.Text != "반가워요" || m.SenderID != b.ID {
			t.Fatalf("A got %+v", m)
		}
		seen := bChat.next("message").ID // B's own message: B has seen up to here

		bChat.close()
		var sent []int64
		for i := range 3 {
			var d struct{ Message meetpin.Message }
			s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": fmt.Sprintf("missed %d", i)}, a.Token).want(t, 201, "").into(t, &d)
			sent = append(sent, d.Message.ID)
		}
		again := s.openStream("/api/matches/"+match+"/events", b.Token, seen)
		for i, id := range sent {
			ev := again.next("message")
			m := decodeJSON[meetpin.Message](t, ev.Data)
			if ev.ID != id || m.Text != fmt.Sprintf("missed %d", i) {
				t.Fatalf("replay %d: got id %d %q, want id %d", i, ev.ID, m.Text, id)
			}
		}
		again.none("message", 300*time.Millisecond)

		// History: newest page first, with a cursor to the older page.
		var page struct {
			Messages   []meetpin.Message
			NextCursor *string `json:"next_cursor"`
		}
		s.call("GET", "/api/matches/"+match+"/messages?limit=3", nil, b.Token).want(t, 200, "").into(t, &page)
		if len(page.Messages) != 3 || page.Messages[0].Text != "missed 2" || page.NextCursor == nil {
			t.Fatalf("first page = %+v", page)
		}
		s.call("GET", "/api/matches/"+match+"/messages?limit=3&before="+*page.NextCursor, nil, b.Token).want(t, 200, "").into(t, &page)
		if len(page.Messages) != 2 || page.Messages[1].Text != "안녕하세요!" {
			t.Fatalf("second page = %+v", page)
		}

		// Unread count, then read.
		var matches struct {
			Matches []struct {
				ID     string
				Unread int `json:"unread_count"`
				Other  meetpin.PublicProfile
			}
		}
		s.call("GET", "/api/matches/my", nil, b.Token).want(t, 200, "").into(t, &matches)
		if len(matches.Matches) != 1 || matches.Matches[0].Unread != 4 || matches.Matches[0].Other.ID != a.ID {
			t.Fatalf("B's matches = %+v", matches)
		}
		s.call("POST", "/api/matches/"+match+"/read", nil, b.Token).want(t, 200, "")
		s.call("GET", "/api/matches/my", nil, b.Token).want(t, 200, "").into(t, &matches)
		if matches.Matches[0].Unread != 0 {
			t.Fatalf("unread after read = %d", matches.Matches[0].Unread)
		}

		// B's notifications list match_success and the messages.
		var notes struct {
			Notifications []meetpin.Notification
			UnreadCount   int `json:"unread_count"`
		}
		s.call("GET", "/api/notifications", nil, b.Token).want(t, 200, "").into(t, &notes)
		if notes.UnreadCount != 5 || notes.Notifications[len(notes.Notifications)-1].Type != meetpin.NotifyMatchSuccess {
			t.Fatalf("B's notifications = %+v", notes)
		}

		// Logout ends B's open streams.
		s.call("POST", "/api/auth/logout", nil, b.Token).want(t, 200, "")
		again.ended()
		bNotes.ended()
	})
}

// TestAcceptCapacityHTTP: 30 concurrent accepts over HTTP on a room with 3
// free places: exactly 3 matches, the others ROOM_FULL, one room_full
// notification for the host.
func TestAcceptCapacityHTTP(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		host := s.signup("capHost")
		room := s.createRoom(host, map[string]any{"max_people": 4})
		var reqs []string
		for i := range 30 {
			reqs = append(reqs, s.joinRoom(s.signup(fmt.Sprintf("cap%02d", i)), room))
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		codes := make([]meetpin.Code, len(reqs))
		statuses := make([]int, len(reqs))
		for i, id := range reqs {
			wg.Go(func() {
				<-start
				r := s.call("PATCH", "/api/requests/"+id, map[string]any{"status": "accepted"}, host.Token)
				codes[i], statuses[i] = r.Code, r.Status
			})
		}
		close(start)
		wg.Wait()
		ok, full := 0, 0
		for i := range reqs {
			switch {
			case statuses[i] == 200:
				ok++
			case codes[i] == meetpin.EROOMFULL && statuses[i] == 409:
				full++
			default:
				t.Errorf("accept %d: %d %s", i, statuses[i], codes[i])
			}
		}
		if ok != 3 || full != 27 {
			t.Fatalf("accepted %d, full %d; want 3 and 27", ok, full)
		}
		var d struct{ Room meetpin.Room }
		s.call("GET", "/api/rooms/"+room, nil, host.Token).want(t, 200, "").into(t, &d)
		if d.Room.ParticipantsCount != 4 {
			t.Fatalf("participants = %d", d.Room.ParticipantsCount)
		}
		var notes struct{ Notifications []meetpin.Notification }
		s.call("GET", "/api/notifications?limit=100", nil, host.Token).want(t, 200, "").into(t, &notes)
		fulls := 0
		for _, n := range notes.Notifications {
			if n.Type == meetpin.NotifyRoomFull {
				fulls++
			}
		}
		if fulls != 1 {
			t.Fatalf("room_full notifications = %d, want 1", fulls)
		}
		// A new request to the full room is refused.
		r := s.call("POST", "/api/requests", map[string]any{"room_id": room}, s.signup("late").Token)
		r.want(t, 409, meetpin.EROOMFULL)
	})
}

func TestRequestRules(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		host, guest := s.signup("ruleHost"), s.signup("ruleGuest")
		room := s.createRoom(host, nil)
		s.call("POST", "/api/requests", map[string]any{"room_id": room}, host.Token).want(t, 400, meetpin.EOWNROOM)
		soon := s.createRoom(host, map[string]any{"start_at": time.Now().Add(45 * time.Minute).Format(time.RFC3339)})
		s.call("POST", "/api/requests", map[string]any{"room_id": soon}, guest.Token).want(t, 400, meetpin.EREQUESTCLOSED)
		s.call("POST", "/api/requests", map[string]any{"room_id": room, "message": strings.Repeat("a", 501)}, guest.Token).want(t, 400, meetpin.EVALIDATION)
		s.call("POST", "/api/requests", map[string]any{"room_id": "00000000-0000-4000-8000-000000000000"}, guest.Token).want(t, 404, meetpin.ENOTFOUND)
		req := s.joinRoom(guest, room)
		s.call("POST", "/api/requests", map[string]any{"room_id": room}, guest.Token).want(t, 409, meetpin.ECONFLICT)
		// Withdraw, then ask again.
		s.call("DELETE", "/api/requests/"+req, nil, guest.Token).want(t, 200, "")
		s.call("DELETE", "/api/requests/"+req, nil, guest.Token).want(t, 409, meetpin.ECONFLICT)
		if again := s.joinRoom(guest, room); again != req {
			t.Fatalf("re-request got a new id %s, want %s", again, req)
		}
		// Blocks, both directions.
		other := s.signup("blocker")
		s.call("POST", "/api/block", map[string]any{"blocked_uid": host.ID}, other.Token).want(t, 201, "")
		s.call("POST", "/api/requests", map[string]any{"room_id": room}, other.Token).want(t, 403, meetpin.EBLOCKED)
		var page struct{ Rooms []meetpin.Room }
		s.call("GET", "/api/rooms?bbox="+seoulBBox, nil, other.Token).want(t, 200, "").into(t, &page)
		if len(page.Rooms) != 0 {
			t.Fatalf("blocked host's rooms visible: %d", len(page.Rooms))
		}
		s.call("GET", "/api/rooms/"+room, nil, other.Token).want(t, 404, meetpin.ENOTFOUND)
		s.call("DELETE", "/api/block/"+host.ID, nil, other.Token).want(t, 200, "")
		s.call("GET", "/api/rooms/"+room, nil, other.Token).want(t, 200, "")
		// Reject notifies the guest.
		s.call("PATCH", "/api/requests/"+req, map[string]any{"status": "rejected"}, host.Token).want(t, 200, "")
		s.call("PATCH", "/api/requests/"+req, map[string]any{"status": "accepted"}, host.Token).want(t, 409, meetpin.ECONFLICT)
		s.call("PATCH", "/api/requests/"+req, map[string]any{"status": "maybe"}, host.Token).want(t, 400, meetpin.EVALIDATION)
	})
}

// TestBlockedChatIsReadOnly: a block keeps an existing chat readable but
// refuses new messages in both directions.
func TestBlockedChatIsReadOnly(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		host, guest := s.signup("roHost"), s.signup("roGuest")
		match := s.accept(host, s.joinRoom(guest, s.createRoom(host, nil)))
		s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": "hi"}, guest.Token).want(t, 201, "")
		s.call("POST", "/api/block", map[string]any{"blocked_uid": guest.ID}, host.Token).want(t, 201, "")
		for _, u := range []user{host, guest} {
			s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": "still there?"}, u.Token).want(t, 403, meetpin.EBLOCKED)
			var page struct {
				Messages []meetpin.Message
				ReadOnly bool `json:"read_only"`
			}
			s.call("GET", "/api/matches/"+match+"/messages", nil, u.Token).want(t, 200, "").into(t, &page)
			if len(page.Messages) != 1 || !page.ReadOnly {
				t.Fatalf("%s: %+v", u.Nickname, page)
			}
		}
	})
}
