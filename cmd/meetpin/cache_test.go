package main

import (
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/postgres/postgrestest"
)

const testAdminToken = "cache-test-admin-token"

type testAuth struct {
	User  struct{ ID string } `json:"user"`
	Token string              `json:"token"`
}

type testRoomList struct {
	Rooms []struct {
		ID                string
		Title             string
		ParticipantsCount int `json:"participants_count"`
	}
}

func (l testRoomList) title(id string) (string, bool) {
	for _, r := range l.Rooms {
		if r.ID == id {
			return r.Title, true
		}
	}
	return "", false
}

const seoul = "/api/rooms?bbox=37.4,126.8,37.7,127.2"

func stats(t *testing.T, base string) meetpin.CacheStats {
	t.Helper()
	var st meetpin.CacheStats
	api(t, base, "GET", "/api/cache/stats", testAdminToken, nil, 200, &st)
	return st
}

// warmRooms reads the room list through base twice and checks that the
// second read was a hit of that replica.
func warmRooms(t *testing.T, base, token string) testRoomList {
	t.Helper()
	var l testRoomList
	api(t, base, "GET", seoul, token, nil, 200, &l)
	before := stats(t, base).Hits
	api(t, base, "GET", seoul, token, nil, 200, &l)
	if after := stats(t, base).Hits; after != before+1 {
		t.Fatalf("second read of the room list on %s: hits %d → %d, want a hit", base, before, after)
	}
	return l
}

// TestCacheAcrossReplicas: two replicas on one PostgreSQL share a Redis
// cache. What a user changes through replica 1 shows at once in replica 2's
// cached reads: the room list, a chat page and a notification list.
func TestCacheAcrossReplicas(t *testing.T) {
	// A Redis of the test's own: cached room lists of other tests' databases
	// could otherwise answer for this one's.
	srv := meetpintest.StartRedisServer(t)
	env := map[string]string{"DATABASE_URL": postgrestest.URL(t), "REDIS_URL": srv.URL(), "ADMIN_TOKEN": testAdminToken}
	r1 := startReplica(t, env)
	r2 := startReplica(t, env)
	if st := stats(t, r2.base); st.Backend != "redis" || !st.Connected {
		t.Fatalf("replica 2 cache: %+v", st)
	}

	var host, guest testAuth
	api(t, r1.base, "POST", "/api/auth/signup", "", map[string]any{"email": "host@example.com", "password": "correct horse", "nickname": "cacheHost"}, 201, &host)
	api(t, r2.base, "POST", "/api/auth/signup", "", map[string]any{"email": "guest@example.com", "password": "correct horse", "nickname": "cacheGuest"}, 201, &guest)
	var room struct{ Room struct{ ID string } }
	api(t, r1.base, "POST", "/api/rooms", host.Token, map[string]any{"title": "before", "category": "drink", "lat": 37.5, "lng": 127.0,
		"place_text": "Seoul", "start_at": time.Now().Add(3 * time.Hour).Format(time.RFC3339)}, 201, &room)
	id := room.Room.ID

	// The room list, anonymous and the host's own.
	for _, token := range []string{"", host.Token} {
		if title, ok := warmRooms(t, r2.base, token).title(id); !ok || title != "before" {
			t.Fatalf("replica 2 list before the edit: %q %v", title, ok)
		}
	}
	api(t, r1.base, "PATCH", "/api/rooms/"+id, host.Token, map[string]any{"title": "after"}, 200, nil)
	for _, token := range []string{"", host.Token} {
		var l testRoomList
		api(t, r2.base, "GET", seoul, token, nil, 200, &l)
		if title, ok := l.title(id); !ok || title != "after" {
			t.Fatalf("replica 2 list right after the edit on replica 1: %q %v", title, ok)
		}
	}

	// Accepting on replica 1 changes participants_count on replica 2.
	warmRooms(t, r2.base, "")
	var req struct{ Request struct{ ID string } }
	api(t, r2.base, "POST", "/api/requests", guest.Token, map[string]any{"room_id": id}, 201, &req)
	var dec struct{ Match struct{ ID string } }
	api(t, r1.base, "PATCH", "/api/requests/"+req.Request.ID, host.Token, map[string]any{"status": "accepted"}, 200, &dec)
	var l testRoomList
	api(t, r2.base, "GET", seoul, "", nil, 200, &l)
	if len(l.Rooms) != 1 || l.Rooms[0].ParticipantsCount != 2 {
		t.Fatalf("replica 2 list after the accept: %+v", l)
	}

	// A chat page cached on replica 2, a message posted on replica 1.
	match := "/api/matches/" + dec.Match.ID + "/messages"
	var page struct{ Messages []struct{ Text string } }
	api(t, r2.base, "GET", match, guest.Token, nil, 200, &page)
	api(t, r2.base, "GET", match, guest.Token, nil, 200, &page)
	api(t, r1.base, "POST", match, host.Token, map[string]any{"text": "across replicas"}, 201, nil)
	api(t, r2.base, "GET", match, guest.Token, nil, 200, &page)
	if len(page.Messages) != 1 || page.Messages[0].Text != "across replicas" {
		t.Fatalf("replica 2 chat page after a message on replica 1: %+v", page)
	}

	// The guest's notifications: cached on replica 2, read on replica 1.
	var notes struct {
		Notifications []struct{ ID int64 }
		Unread        int `json:"unread_count"`
	}
	api(t, r2.base, "GET", "/api/notifications", guest.Token, nil, 200, &notes)
	api(t, r2.base, "GET", "/api/notifications", guest.Token, nil, 200, &notes)
	if notes.Unread == 0 {
		t.Fatalf("the guest has no unread notification: %+v", notes)
	}
	api(t, r1.base, "POST", "/api/notifications/read-all", guest.Token, nil, 200, nil)
	api(t, r2.base, "GET", "/api/notifications", guest.Token, nil, 200, &notes)
	if notes.Unread != 0 {
		t.Fatalf("replica 2 notifications after read-all on replica 1: %+v", notes)
	}

	// Both replicas see the same keys; an operator's clear on one is a
	// clear for both.
	if k1, k2 := stats(t, r1.base).KeyCount, stats(t, r2.base).KeyCount; k1 == 0 || k1 != k2 {
		t.Fatalf("keyCount %d on replica 1, %d on replica 2", k1, k2)
	}
	api(t, r1.base, "POST", "/api/cache/clear", testAdminToken, nil, 200, nil)
	if k := stats(t, r2.base).KeyCount; k != 0 {
		t.Fatalf("keyCount on replica 2 after a clear on replica 1: %d", k)
	}
}

// TestCacheRedisOutage is the fault test: a server on SQLite with its cache
// in a Redis of the test's own. Redis stops (SIGTERM): every request still
// answers from the database, writes included, and the stats say
// disconnected. Redis starts again on the same port: the server reconnects
// by itself and serves hits again.
func TestCacheRedisOutage(t *testing.T) {
	srv := meetpintest.StartRedisServer(t)
	r := startReplica(t, map[string]string{"REDIS_URL": srv.URL(), "ADMIN_TOKEN": testAdminToken})
	var host testAuth
	api(t, r.base, "POST", "/api/auth/signup", "", map[string]any{"email": "outage@example.com", "password": "correct horse", "nickname": "outage"}, 201, &host)
	newRoom := func(title string) string {
		t.Helper()
		var room struct{ Room struct{ ID string } }
		api(t, r.base, "POST", "/api/rooms", host.Token, map[string]any{"title": title, "category": "drink", "lat": 37.5, "lng": 127.0,
			"place_text": "Seoul", "start_at": time.Now().Add(3 * time.Hour).Format(time.RFC3339)}, 201, &room)
		return room.Room.ID
	}
	id := newRoom("warm")
	warmRooms(t, r.base, "")
	api(t, r.base, "GET", "/api/notifications", host.Token, nil, 200, nil)
	before := stats(t, r.base)
	if !before.Connected || before.KeyCount == 0 {
		t.Fatalf("stats before the outage: %+v", before)
	}

	srv.Stop()
	start := time.Now()
	for i := range 5 {
		var l testRoomList
		api(t, r.base, "GET", seoul, "", nil, 200, &l)
		if _, ok := l.title(id); !ok {
			t.Fatalf("read %d during the outage: %+v", i, l)
		}
		api(t, r.base, "GET", "/api/notifications", host.Token, nil, 200, nil)
	}
	t.Logf("10 reads during the outage took %s", time.Since(start).Round(time.Millisecond))
	// Writes answer too, and what they change shows in the next read.
	api(t, r.base, "PATCH", "/api/rooms/"+id, host.Token, map[string]any{"title": "edited during the outage"}, 200, nil)
	second := newRoom("created during the outage")
	var l testRoomList
	api(t, r.base, "GET", seoul, "", nil, 200, &l)
	if title, _ := l.title(id); title != "edited during the outage" || len(l.Rooms) != 2 {
		t.Fatalf("list during the outage: %+v", l)
	}
	st := stats(t, r.base)
	if st.Connected || st.Backend != "redis" || st.KeyCount != 0 {
		t.Fatalf("stats during the outage: %+v", st)
	}
	// The reads that tried the cache count as misses (the last list read
	// did not try: its scope waits for a failed invalidation's retry).
	if st.Misses < before.Misses+10 || st.Hits != before.Hits {
		t.Fatalf("hits/misses %d/%d before, %d/%d after 10 reads during the outage", before.Hits, before.Misses, st.Hits, st.Misses)
	}
	t.Logf("stats during the outage: %+v", st)

	srv.Start()
	start = time.Now()
	deadline := start.Add(20 * time.Second)
	for !stats(t, r.base).Connected {
		if time.Now().After(deadline) {
			t.Fatal("the cache did not reconnect within 20s of the restart")
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("connected again %s after the restart", time.Since(start).Round(time.Millisecond))
	// The invalidations that failed during the outage are retried first
	// (at most once a second); until then the room lists come from the
	// database. Then reads hit again.
	hits := stats(t, r.base).Hits
	for {
		api(t, r.base, "GET", seoul, "", nil, 200, &l)
		if title, _ := l.title(id); title != "edited during the outage" || len(l.Rooms) != 2 {
			t.Fatalf("list after the outage: %+v", l)
		}
		if stats(t, r.base).Hits > hits {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no cache hit within 20s of the restart")
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("hits again %s after the restart", time.Since(start).Round(time.Millisecond))
	// And invalidation works again.
	api(t, r.base, "DELETE", "/api/rooms/"+second, host.Token, nil, 200, nil)
	api(t, r.base, "GET", seoul, "", nil, 200, &l)
	if len(l.Rooms) != 1 {
		t.Fatalf("list after a delete following the outage: %+v", l)
	}
}
