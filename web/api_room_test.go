package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/web"
)

// TestRoomJourney is the first user journey over HTTP, on each engine: A
// and B sign up; A opens a room in Gangnam; B and an anonymous client find
// it in a Seoul box and not in a Busan one; A edits it; B can neither edit
// nor delete it; A deletes it.
func TestRoomJourney(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		a, b := s.signup("hostA"), s.signup("guestB")

		var created struct {
			Room struct {
				meetpin.Room
				IsHost bool `json:"is_host"`
			} `json:"room"`
		}
		s.call("POST", "/api/rooms", roomBody(nil), a.Token).want(t, 201, "").into(t, &created)
		room := created.Room
		if room.HostID != a.ID || !room.IsHost || room.ParticipantsCount != 1 || room.Host == nil || room.Host.Nickname != "hostA" {
			t.Fatalf("created room = %+v", room)
		}
		if room.Description != "<b>편하게</b> 오세요" {
			t.Fatalf("description not stored as given: %q", room.Description)
		}

		for _, who := range []struct{ name, token string }{{"guest", b.Token}, {"anonymous", ""}} {
			var page struct {
				Rooms      []meetpin.Room `json:"rooms"`
				Pagination struct{ Total int }
			}
			s.call("GET", "/api/rooms?bbox="+seoulBBox, nil, who.token).want(t, 200, "").into(t, &page)
			if len(page.Rooms) != 1 || page.Rooms[0].ID != room.ID || page.Pagination.Total != 1 {
				t.Fatalf("%s: Seoul box = %+v", who.name, page)
			}
			s.call("GET", "/api/rooms?bbox="+busanBBox, nil, who.token).want(t, 200, "").into(t, &page)
			if len(page.Rooms) != 0 {
				t.Fatalf("%s: Busan box found %d rooms", who.name, len(page.Rooms))
			}
		}
		// Escaped on output: the raw JSON never carries a literal <b>.
		if raw := s.call("GET", "/api/rooms/"+room.ID, nil, b.Token).want(t, 200, "").Raw; strings.Contains(raw, "<b>") {
			t.Fatalf("HTML not escaped in JSON: %s", raw)
		}

		s.call("PATCH", "/api/rooms/"+room.ID, map[string]any{"title": "장소 변경: 역삼", "max_people": 6}, a.Token).want(t, 200, "")
		var got struct{ Room meetpin.Room }
		s.call("GET", "/api/rooms/"+room.ID, nil, "").want(t, 200, "").into(t, &got)
		if got.Room.Title != "장소 변경: 역삼" || got.Room.MaxPeople != 6 || got.Room.Category != "drink" {
			t.Fatalf("after edit: %+v", got.Room)
		}

		s.call("PATCH", "/api/rooms/"+room.ID, map[string]any{"title": "hijack"}, b.Token).want(t, 403, meetpin.EFORBIDDEN)
		s.call("DELETE", "/api/rooms/"+room.ID, nil, b.Token).want(t, 403, meetpin.EFORBIDDEN)
		s.call("PATCH", "/api/rooms/"+room.ID, map[string]any{"title": "anon"}, "").want(t, 401, meetpin.EUNAUTHORIZED)
		s.call("DELETE", "/api/rooms/"+room.ID, nil, "").want(t, 401, meetpin.EUNAUTHORIZED)
		s.call("GET", "/api/rooms/"+room.ID, nil, "").want(t, 200, "").into(t, &got)
		if got.Room.Title != "장소 변경: 역삼" {
			t.Fatalf("a refused edit changed the room: %+v", got.Room)
		}

		s.call("DELETE", "/api/rooms/"+room.ID, nil, a.Token).want(t, 200, "")
		s.call("GET", "/api/rooms/"+room.ID, nil, a.Token).want(t, 404, meetpin.ENOTFOUND)
	})
}

// TestRoomValidation sends every bad value and expects a 400 that names the
// field, with nothing written.
func TestRoomValidation(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		a := s.signup("validator")
		long := func(n int) string { return strings.Repeat("가", n) }
		at := func(d time.Duration) string { return time.Now().Add(d).Format(time.RFC3339) }
		cases := []struct {
			field string
			edit  map[string]any
		}{
			{"title", map[string]any{"title": ""}},
			{"title", map[string]any{"title": "   "}},
			{"title", map[string]any{"title": long(101)}},
			{"title", map[string]any{"title": nil}},
			{"category", map[string]any{"category": "party"}},
			{"category", map[string]any{"category": nil}},
			{"lat", map[string]any{"lat": 90.5}},
			{"lat", map[string]any{"lat": -91}},
			{"lat", map[string]any{"lat": "37.5"}},
			{"lng", map[string]any{"lng": 180.01}},
			{"lng", map[string]any{"lng": nil}},
			{"place_text", map[string]any{"place_text": ""}},
			{"place_text", map[string]any{"place_text": long(201)}},
			{"start_at", map[string]any{"start_at": "tomorrow evening"}},
			{"start_at", map[string]any{"start_at": at(10 * time.Minute)}},
			{"start_at", map[string]any{"start_at": at(-time.Hour)}},
			{"start_at", map[string]any{"start_at": at(8 * 24 * time.Hour)}},
			{"start_at", map[string]any{"start_at": nil}},
			{"max_people", map[string]any{"max_people": 1}},
			{"max_people", map[string]any{"max_people": 21}},
			{"max_people", map[string]any{"max_people": 2.5}},
			{"fee", map[string]any{"fee": -1}},
			{"fee", map[string]any{"fee": 1_000_001}},
			{"visibility", map[string]any{"visibility": "secret"}},
			{"description", map[string]any{"description": long(1001)}},
			{"unknown_field", map[string]any{"unknown_field": 1}},
		}
		for _, c := range cases {
			name, _ := json.Marshal(c.edit)
			t.Run(string(name), func(t *testing.T) {
				r := s.call("POST", "/api/rooms", roomBody(c.edit), a.Token).want(t, 400, meetpin.EVALIDATION)
				if !strings.Contains(r.Message, c.field) {
					t.Fatalf("message %q does not name %s", r.Message, c.field)
				}
			})
		}
		// And the same rules on a partial edit.
		var created struct{ Room meetpin.Room }
		s.call("POST", "/api/rooms", roomBody(nil), a.Token).want(t, 201, "").into(t, &created)
		for _, c := range cases {
			if c.edit[c.field] == nil {
				continue // "missing" is fine on a partial edit
			}
			r := s.call("PATCH", "/api/rooms/"+created.Room.ID, c.edit, a.Token).want(t, 400, meetpin.EVALIDATION)
			if !strings.Contains(r.Message, c.field) {
				t.Fatalf("PATCH %v: message %q does not name %s", c.edit, r.Message, c.field)
			}
		}
		rooms, err := store.RoomsByHost(t.Context(), a.ID)
		if err != nil || len(rooms) != 1 || rooms[0].Title != "강남 맥주 한잔" {
			t.Fatalf("rejected requests wrote something: %d rooms, %v", len(rooms), err)
		}
	})
}

func TestRoomListQuery(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		for _, q := range []string{
			"", "bbox=", "bbox=1,2,3", "bbox=a,b,c,d", "bbox=37.6,126.8,37.4,127.1", "bbox=-91,0,0,1",
			"bbox=0,-181,1,0", "bbox=NaN,0,1,1", "bbox=" + seoulBBox + "&limit=101", "bbox=" + seoulBBox + "&page=0",
			"bbox=" + seoulBBox + "&category=party",
		} {
			r := s.call("GET", "/api/rooms?"+q, nil, "").want(t, 400, meetpin.EVALIDATION)
			if strings.Contains(q, "bbox=") && !strings.Contains(q, "limit") && !strings.Contains(q, "page") && !strings.Contains(q, "category") &&
				!strings.Contains(r.Message, "south,west,north,east") {
				t.Fatalf("%q: message %q does not give the expected format", q, r.Message)
			}
		}
		// A box across the antimeridian is valid.
		s.call("GET", "/api/rooms?bbox=-10,170,10,-170", nil, "").want(t, 200, "")
	})
}

// TestUpcomingRoomsCap is the room flood of issue 14: a host could open
// rooms without bound. At MEETPIN_MAX_UPCOMING_ROOMS (10 here) upcoming
// rooms the next is 409 TOO_MANY_ROOMS; deleting one makes room again, and
// another host is not affected.
func TestUpcomingRoomsCap(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServerEdit(t, store, func(ao *app.Options, _ *web.Options) { ao.MaxUpcomingRooms = 10 })
		host, other := s.signup("busyHost"), s.signup("calmHost")
		var first string
		for i := range 10 {
			var d struct {
				Room struct {
					ID string `json:"id"`
				} `json:"room"`
			}
			s.call("POST", "/api/rooms", roomBody(map[string]any{"title": fmt.Sprintf("room %d", i)}), host.Token).want(t, 201, "").into(t, &d)
			if i == 0 {
				first = d.Room.ID
			}
		}
		s.call("POST", "/api/rooms", roomBody(nil), host.Token).wantError(t, 409, meetpin.ETOOMANYROOMS)
		s.call("POST", "/api/rooms", roomBody(nil), other.Token).want(t, 201, "")
		s.call("DELETE", "/api/rooms/"+first, nil, host.Token).want(t, 200, "")
		s.call("POST", "/api/rooms", roomBody(nil), host.Token).want(t, 201, "")
		s.call("POST", "/api/rooms", roomBody(nil), host.Token).wantError(t, 409, meetpin.ETOOMANYROOMS)
	})
}
