package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/inmem"
	"meetpin.app/sqlite/sqlitetest"
)

const cacheAdminToken = "admin-token-for-cache-tests"

// cacheStats reads GET /api/cache/stats as the operator.
func (s *testServer) cacheStats() meetpin.CacheStats {
	s.t.Helper()
	var st meetpin.CacheStats
	s.call("GET", "/api/cache/stats", nil, cacheAdminToken).want(s.t, 200, "").into(s.t, &st)
	return st
}

// roomPage is GET /api/rooms as seen by a client.
type roomPage struct {
	Rooms      []meetpin.Room `json:"rooms"`
	Pagination struct{ Total int }
}

func (s *testServer) rooms(token string) roomPage {
	s.t.Helper()
	var p roomPage
	s.call("GET", "/api/rooms?bbox="+seoulBBox, nil, token).want(s.t, 200, "").into(s.t, &p)
	return p
}

// cachedRooms reads the room list twice and checks that the second read
// was a hit: the cache is really in the way of what the test checks next.
func (s *testServer) cachedRooms(token string) roomPage {
	s.t.Helper()
	s.rooms(token)
	before := s.cacheStats().Hits
	p := s.rooms(token)
	if after := s.cacheStats().Hits; after != before+1 {
		s.t.Fatalf("second read of the room list: hits %d → %d, want a hit", before, after)
	}
	return p
}

func (p roomPage) find(id string) *meetpin.Room {
	for i := range p.Rooms {
		if p.Rooms[i].ID == id {
			return &p.Rooms[i]
		}
	}
	return nil
}

// TestCacheEndpoints: the operator endpoints answer only with ADMIN_TOKEN,
// report the counters, and clear what they are told to, refusing any other
// pattern.
func TestCacheEndpoints(t *testing.T) {
	t.Parallel()
	s := newServerWith(t, sqlitetest.New(t), map[string]string{"ADMIN_TOKEN": cacheAdminToken}, inmem.NewCache(1<<20))
	for _, path := range []string{"GET /api/cache/stats", "POST /api/cache/clear"} {
		method, p, _ := strings.Cut(path, " ")
		s.call(method, p, nil, "").want(t, 401, meetpin.EUNAUTHORIZED)
		s.call(method, p, nil, "wrong-token-wrong-token").want(t, 401, meetpin.EUNAUTHORIZED)
		s.call(method, p, nil, cacheAdminToken+"x").want(t, 401, meetpin.EUNAUTHORIZED)
		// A user's session token is no admin token.
		s.call(method, p, nil, s.signup("user"+method).Token).want(t, 401, meetpin.EUNAUTHORIZED)
	}

	st := s.cacheStats()
	if st.Backend != "inmem" || !st.Connected || st.Hits != 0 || st.Misses != 0 || st.KeyCount != 0 {
		t.Fatalf("fresh stats = %+v", st)
	}
	raw := s.call("GET", "/api/cache/stats", nil, cacheAdminToken).Raw
	for _, field := range []string{`"backend"`, `"connected"`, `"hits"`, `"misses"`, `"hitRate"`, `"keyCount"`} {
		if !strings.Contains(raw, field) {
			t.Errorf("stats lack %s: %s", field, raw)
		}
	}

	// Warm one entry of each namespace.
	host, guest := s.signup("cacheHost"), s.signup("cacheGuest")
	match := s.accept(host, s.joinRoom(guest, s.createRoom(host, nil)))
	warm := func() {
		s.rooms("")
		s.rooms("")
		s.call("GET", "/api/matches/"+match+"/messages", nil, guest.Token).want(t, 200, "")
		s.call("GET", "/api/notifications", nil, guest.Token).want(t, 200, "")
	}
	warm()
	st = s.cacheStats()
	if st.Hits != 1 || st.Misses != 3 || st.HitRate != 0.25 {
		t.Fatalf("after 1 hit and 3 misses: %+v", st)
	}
	// Entries and the generations of their scopes.
	if st.KeyCount != 6 {
		t.Fatalf("keyCount = %d, want 6 (3 entries, 3 generations)", st.KeyCount)
	}

	type cleared struct {
		Deleted  int      `json:"deleted"`
		Patterns []string `json:"patterns"`
	}
	var c cleared
	s.call("POST", "/api/cache/clear", map[string]any{"pattern": "rooms:*"}, cacheAdminToken).want(t, 200, "").into(t, &c)
	if c.Deleted != 2 || len(c.Patterns) != 1 || c.Patterns[0] != "rooms:*" {
		t.Fatalf("clear rooms:* = %+v", c)
	}
	if n := s.cacheStats().KeyCount; n != 4 {
		t.Fatalf("keyCount after clearing rooms = %d, want 4", n)
	}
	for _, p := range []string{"messages:*", "notifications:*"} {
		s.call("POST", "/api/cache/clear", map[string]any{"pattern": p}, cacheAdminToken).want(t, 200, "").into(t, &c)
		if c.Deleted != 2 {
			t.Fatalf("clear %s deleted %d, want 2", p, c.Deleted)
		}
	}
	warm()
	// No body clears all three namespaces; so does an empty body.
	s.call("POST", "/api/cache/clear", nil, cacheAdminToken).want(t, 200, "").into(t, &c)
	if c.Deleted != 6 || len(c.Patterns) != 3 {
		t.Fatalf("clear without a body = %+v", c)
	}
	if n := s.cacheStats().KeyCount; n != 0 {
		t.Fatalf("keyCount after clearing all = %d", n)
	}
	s.call("POST", "/api/cache/clear", "  \n", cacheAdminToken).want(t, 200, "")

	// Anything else is refused, and nothing is cleared.
	warm()
	for _, body := range []any{
		map[string]any{"pattern": "*"},
		map[string]any{"pattern": "rooms:"},
		map[string]any{"pattern": "sessions:*"},
		map[string]any{"pattern": "messages:123:*"},
		map[string]any{"pattern": ""},
		map[string]any{},
		map[string]any{"pattern": 5},
	} {
		s.call("POST", "/api/cache/clear", body, cacheAdminToken).want(t, 400, meetpin.EVALIDATION)
	}
	s.call("POST", "/api/cache/clear", map[string]any{"pattern": "rooms:*", "all": true}, cacheAdminToken).want(t, 400, meetpin.EVALIDATION)
	s.call("POST", "/api/cache/clear", `{"pattern":`, cacheAdminToken).want(t, 400, meetpin.EINVALIDJSON)
	s.call("POST", "/api/cache/clear", `["rooms:*"]`, cacheAdminToken).want(t, 400, meetpin.EINVALIDJSON)
	s.call("POST", "/api/cache/clear", `{"pattern":"rooms:*"} {}`, cacheAdminToken).want(t, 400, meetpin.EINVALIDJSON)
	req, _ := http.NewRequest("POST", s.URL+"/api/cache/clear", strings.NewReader("pattern=rooms:*"))
	req.Header.Set("Authorization", "Bearer "+cacheAdminToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s.do(req).want(t, 415, meetpin.EUNSUPPORTEDMEDIA)
	if n := s.cacheStats().KeyCount; n != 6 {
		t.Fatalf("keyCount after refused clears = %d, want 6", n)
	}
	s.call("POST", "/api/cache/clear", strings.Repeat(" ", 70<<10)+"{}", cacheAdminToken).want(t, 413, meetpin.EPAYLOADTOOLARGE)
	s.call("GET", "/api/cache/clear", nil, cacheAdminToken).want(t, 405, meetpin.EMETHODNOTALLOWED)
}

// TestCacheStatsWithoutCache: a server without a cache says so.
func TestCacheStatsWithoutCache(t *testing.T) {
	t.Parallel()
	s := newServerWith(t, sqlitetest.New(t), map[string]string{"ADMIN_TOKEN": cacheAdminToken}, nil)
	st := s.cacheStats()
	if st.Backend != "none" || st.Connected {
		t.Fatalf("stats = %+v", st)
	}
	s.rooms("")
	s.call("POST", "/api/cache/clear", nil, cacheAdminToken).want(t, 200, "")
}

// TestRoomListInvalidation: every write that changes the map's list shows
// in the next read, although the list was cached just before.
func TestRoomListInvalidation(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServerWith(t, store, map[string]string{"ADMIN_TOKEN": cacheAdminToken}, inmem.NewCache(8<<20))
		host, guest, other := s.signup("listHost"), s.signup("listGuest"), s.signup("listOther")
		viewers := []struct{ name, token string }{{"anonymous", ""}, {"guest", guest.Token}, {"host", host.Token}}
		for _, v := range viewers {
			if p := s.cachedRooms(v.token); len(p.Rooms) != 0 {
				t.Fatalf("%s: %d rooms before any was created", v.name, len(p.Rooms))
			}
		}

		// Create.
		room := s.createRoom(host, nil)
		for _, v := range viewers {
			if s.rooms(v.token).find(room) == nil {
				t.Fatalf("%s: the new room is missing from the list", v.name)
			}
		}

		// Edit.
		s.cachedRooms("")
		s.call("PATCH", "/api/rooms/"+room, map[string]any{"title": "제목 변경"}, host.Token).want(t, 200, "")
		for _, v := range viewers {
			if r := s.rooms(v.token).find(room); r == nil || r.Title != "제목 변경" {
				t.Fatalf("%s: after the edit the list shows %+v", v.name, r)
			}
		}

		// Accepting a request changes participants_count.
		s.cachedRooms("")
		s.accept(host, s.joinRoom(guest, room))
		if r := s.rooms("").find(room); r == nil || r.ParticipantsCount != 2 {
			t.Fatalf("after the accept the list shows %+v", r)
		}

		// The host's new nickname shows on the room.
		s.cachedRooms("")
		s.call("PATCH", "/api/profile", map[string]any{"nickname": "새닉네임"}, host.Token).want(t, 200, "")
		if r := s.rooms("").find(room); r == nil || r.Host == nil || r.Host.Nickname != "새닉네임" {
			t.Fatalf("after the profile edit the list shows host %+v", r.Host)
		}

		// So does the host's avatar, uploaded and removed.
		s.cachedRooms("")
		s.upload(host.Token, "avatar", "me.png", "image/png", pngBytes(t, 64, 64)).want(t, 200, "")
		if r := s.rooms("").find(room); r == nil || r.Host == nil || r.Host.AvatarURL == nil {
			t.Fatalf("after the avatar upload the list shows host %+v", r.Host)
		}
		s.cachedRooms("")
		s.call("DELETE", "/api/profile/avatar", nil, host.Token).want(t, 200, "")
		if r := s.rooms("").find(room); r == nil || r.Host == nil || r.Host.AvatarURL != nil {
			t.Fatalf("after the avatar removal the list shows host %+v", r.Host)
		}

		// Blocks hide rooms per viewer: never one viewer's list for another.
		second := s.createRoom(other, map[string]any{"title": "다른 방"})
		s.cachedRooms(host.Token)
		s.cachedRooms(other.Token)
		s.cachedRooms("")
		s.call("POST", "/api/block", map[string]any{"blocked_uid": other.ID}, host.Token).want(t, 201, "")
		if p := s.rooms(host.Token); p.find(second) != nil || p.find(room) == nil {
			t.Fatalf("blocker's list after the block: %+v", p.Rooms)
		}
		if p := s.rooms(other.Token); p.find(room) != nil || p.find(second) == nil {
			t.Fatalf("blocked user's list after the block: %+v", p.Rooms)
		}
		if p := s.cachedRooms(""); p.find(room) == nil || p.find(second) == nil || p.Pagination.Total != 2 {
			t.Fatalf("anonymous list after the block: %+v", p.Rooms)
		}
		s.call("DELETE", "/api/block/"+other.ID, nil, host.Token).want(t, 200, "")
		if p := s.rooms(host.Token); p.find(second) == nil {
			t.Fatalf("blocker's list after the unblock lacks the room")
		}

		// Delete (the second room: the first has a guest).
		s.cachedRooms("")
		s.call("DELETE", "/api/rooms/"+second, nil, other.Token).want(t, 200, "")
		for _, v := range viewers {
			if p := s.rooms(v.token); p.find(second) != nil || p.Pagination.Total != 1 {
				t.Fatalf("%s: after the delete the list shows %+v", v.name, p.Rooms)
			}
		}

		// Refused writes change nothing and keep the cache.
		s.cachedRooms("")
		s.call("PATCH", "/api/rooms/"+room, map[string]any{"title": "hijack"}, guest.Token).want(t, 403, meetpin.EFORBIDDEN)
		before := s.cacheStats().Hits
		if r := s.rooms("").find(room); r.Title != "제목 변경" {
			t.Fatalf("after a refused edit: %+v", r)
		}
		if s.cacheStats().Hits != before+1 {
			t.Error("a refused edit invalidated the room lists")
		}
	})
}

// TestRoomListTTLStopsAtStart: a list is not kept past the start of one of
// its rooms, when the room leaves the map.
func TestRoomListTTLStopsAtStart(t *testing.T) {
	t.Parallel()
	cache := inmem.NewCache(1 << 20)
	s := newServerWith(t, sqlitetest.New(t), map[string]string{"ADMIN_TOKEN": cacheAdminToken}, cache)
	host := s.signup("soonHost")
	// The app refuses rooms that start within 30 minutes: move one to start
	// in a few seconds straight in the store, and invalidate as the app
	// would.
	room := s.createRoom(host, nil)
	soon := time.Now().Add(3 * time.Second).UTC().Truncate(time.Millisecond)
	if _, err := s.Store.UpdateRoom(t.Context(), room, meetpin.RoomUpdate{StartAt: &soon}, time.Now().UTC().Truncate(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	s.App.Dispatcher().Dispatch(t.Context(), meetpin.RoomsChanged{RoomIDs: []string{room}})
	if s.cachedRooms("").find(room) == nil {
		t.Fatal("the room is missing before its start")
	}
	deadline := time.Now().Add(10 * time.Second)
	// Nothing else writes: only the entry's TTL can make the room go.
	for s.rooms("").find(room) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the room stayed on the cached map 10s after its start")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestMessagePageInvalidation: a new message, a block and an unblock show
// in the next page read; outsiders never get a cached page.
func TestMessagePageInvalidation(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServerWith(t, store, map[string]string{"ADMIN_TOKEN": cacheAdminToken}, inmem.NewCache(8<<20))
		host, guest, outsider := s.signup("msgHost"), s.signup("msgGuest"), s.signup("msgOutsider")
		match := s.accept(host, s.joinRoom(guest, s.createRoom(host, nil)))
		type page struct {
			Messages []meetpin.Message
			ReadOnly bool `json:"read_only"`
		}
		read := func(u user) page {
			t.Helper()
			var p page
			s.call("GET", "/api/matches/"+match+"/messages", nil, u.Token).want(t, 200, "").into(t, &p)
			return p
		}
		cachedRead := func(u user) page {
			t.Helper()
			read(u)
			before := s.cacheStats().Hits
			p := read(u)
			if s.cacheStats().Hits != before+1 {
				t.Fatal("second read of the page was not a hit")
			}
			return p
		}
		if p := cachedRead(guest); len(p.Messages) != 0 {
			t.Fatalf("page before any message: %+v", p)
		}
		s.call("GET", "/api/matches/"+match+"/messages", nil, outsider.Token).want(t, 404, meetpin.ENOTFOUND)
		s.call("GET", "/api/matches/"+match+"/messages", nil, "").want(t, 401, meetpin.EUNAUTHORIZED)

		for i, u := range []user{host, guest, host} {
			cachedRead(guest)
			text := "메시지 " + strings.Repeat("!", i+1)
			s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": text}, u.Token).want(t, 201, "")
			for _, reader := range []user{host, guest} {
				if p := read(reader); len(p.Messages) != i+1 || p.Messages[0].Text != text {
					t.Fatalf("%s after message %d: %+v", reader.Nickname, i, p.Messages)
				}
			}
		}
		// Other pages of the same chat are invalidated too.
		s.call("GET", "/api/matches/"+match+"/messages?limit=1", nil, guest.Token).want(t, 200, "")
		s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": "last"}, host.Token).want(t, 201, "")
		var p page
		s.call("GET", "/api/matches/"+match+"/messages?limit=1", nil, guest.Token).want(t, 200, "").into(t, &p)
		if len(p.Messages) != 1 || p.Messages[0].Text != "last" {
			t.Fatalf("limit=1 page after a message: %+v", p.Messages)
		}

		cachedRead(host)
		s.call("POST", "/api/block", map[string]any{"blocked_uid": host.ID}, guest.Token).want(t, 201, "")
		for _, u := range []user{host, guest} {
			if p := read(u); !p.ReadOnly {
				t.Fatalf("%s: page after the block is not read-only", u.Nickname)
			}
		}
		cachedRead(host)
		s.call("DELETE", "/api/block/"+host.ID, nil, guest.Token).want(t, 200, "")
		if p := read(host); p.ReadOnly {
			t.Fatal("page after the unblock is still read-only")
		}
		s.call("GET", "/api/matches/"+match+"/messages", nil, outsider.Token).want(t, 404, meetpin.ENOTFOUND)
	})
}

// TestNotificationInvalidation: a new notification, read, read-all and
// delete show in the next read of the cached list.
func TestNotificationInvalidation(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServerWith(t, store, map[string]string{"ADMIN_TOKEN": cacheAdminToken}, inmem.NewCache(8<<20))
		host, guest, other := s.signup("notiHost"), s.signup("notiGuest"), s.signup("notiOther")
		type page struct {
			Notifications []meetpin.Notification
			Unread        int `json:"unread_count"`
		}
		read := func(u user, query string) page {
			t.Helper()
			var p page
			s.call("GET", "/api/notifications"+query, nil, u.Token).want(t, 200, "").into(t, &p)
			return p
		}
		cachedRead := func(u user, query string) page {
			t.Helper()
			read(u, query)
			before := s.cacheStats().Hits
			p := read(u, query)
			if s.cacheStats().Hits != before+1 {
				t.Fatal("second read of the notifications was not a hit")
			}
			return p
		}
		if p := cachedRead(host, ""); len(p.Notifications) != 0 {
			t.Fatalf("before: %+v", p)
		}
		cachedRead(host, "?unread=true")
		room := s.createRoom(host, nil)
		s.joinRoom(guest, room)
		s.joinRoom(other, room)
		p := read(host, "")
		if len(p.Notifications) != 2 || p.Unread != 2 {
			t.Fatalf("after two requests: %+v", p)
		}
		if u := read(host, "?unread=true"); len(u.Notifications) != 2 {
			t.Fatalf("unread filter after two requests: %+v", u)
		}
		// Another user's list is their own.
		if g := read(guest, ""); len(g.Notifications) != 0 {
			t.Fatalf("guest sees %+v", g)
		}

		first := p.Notifications[0].ID
		cachedRead(host, "")
		s.call("PATCH", "/api/notifications/"+strconv.FormatInt(first, 10)+"/read", nil, host.Token).want(t, 200, "")
		if p := read(host, ""); p.Unread != 1 || !p.Notifications[0].IsRead {
			t.Fatalf("after read: %+v", p)
		}
		// Someone else cannot touch it, and that changes nothing.
		cachedRead(host, "")
		s.call("DELETE", "/api/notifications/"+strconv.FormatInt(first, 10), nil, guest.Token).want(t, 404, meetpin.ENOTFOUND)
		if p := read(host, ""); len(p.Notifications) != 2 {
			t.Fatalf("after another user's delete: %+v", p)
		}

		cachedRead(host, "")
		s.call("POST", "/api/notifications/read-all", nil, host.Token).want(t, 200, "")
		if p := read(host, ""); p.Unread != 0 {
			t.Fatalf("after read-all: %+v", p)
		}
		cachedRead(host, "")
		s.call("DELETE", "/api/notifications/"+strconv.FormatInt(first, 10), nil, host.Token).want(t, 200, "")
		if p := read(host, ""); len(p.Notifications) != 1 || p.Notifications[0].ID == first {
			t.Fatalf("after delete: %+v", p)
		}
	})
}
