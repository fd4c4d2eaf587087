package web_test

import (
	"strconv"
	"strings"
	"testing"

	"meetpin.app"
)

// fixture is the world of the authorization matrix: host A hosts room R
// (where guest B is accepted, so they share match M) and room R2 (where B
// has a pending request P); B wrote host message H to A; B has notification
// N; C is a signed-in stranger.
type fixture struct {
	host, guest, stranger user
	room, room2           string
	match, pending, hm    string
	note                  int64
}

func newFixture(s *testServer, n int) *fixture {
	tag := strconv.Itoa(n)
	f := &fixture{host: s.signup("mxHost" + tag), guest: s.signup("mxGuest" + tag), stranger: s.signup("mxStranger" + tag)}
	f.room = s.createRoom(f.host, nil)
	f.room2 = s.createRoom(f.host, map[string]any{"title": "second"})
	f.match = s.accept(f.host, s.joinRoom(f.guest, f.room))
	f.pending = s.joinRoom(f.guest, f.room2)
	var hm meetpin.HostMessage
	s.call("POST", "/api/host-messages", map[string]any{"roomId": f.room, "message": "질문 있어요"}, f.guest.Token).want(s.t, 201, "").into(s.t, &hm)
	f.hm = hm.ID
	var notes struct{ Notifications []meetpin.Notification }
	s.call("GET", "/api/notifications", nil, f.guest.Token).want(s.t, 200, "").into(s.t, &notes)
	f.note = notes.Notifications[0].ID
	return f
}

// TestAuthorizationMatrix: for every route of requests, matches, chat, host
// messages, notifications, blocks and reports, an anonymous client, an
// unrelated user, the guest and the host each get exactly what they should.
// Actors run in the order given, so the one whose call changes state goes
// last.
func TestAuthorizationMatrix(t *testing.T) {
	type try struct {
		who    string // anon, stranger, guest, host
		status int
		code   meetpin.Code
	}
	rows := []struct {
		method, path string
		body         func(f *fixture) any
		tries        []try
	}{
		{"GET", "/api/requests/my", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 200, ""}, {"guest", 200, ""}, {"host", 200, ""}}},
		{"GET", "/api/rooms/{room}/requests", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 403, "FORBIDDEN"}, {"guest", 403, "FORBIDDEN"}, {"host", 200, ""}}},
		{"POST", "/api/requests", func(f *fixture) any { return map[string]any{"room_id": f.room} },
			[]try{{"anon", 401, "UNAUTHORIZED"}, {"host", 400, "OWN_ROOM"}, {"guest", 409, "CONFLICT"}, {"stranger", 201, ""}}},
		{"PATCH", "/api/requests/{pending}", func(*fixture) any { return map[string]any{"status": "accepted"} },
			[]try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}, {"guest", 403, "FORBIDDEN"}, {"host", 200, ""}}},
		{"DELETE", "/api/requests/{pending}", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}, {"host", 403, "FORBIDDEN"}, {"guest", 200, ""}}},
		{"GET", "/api/matches/my", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 200, ""}, {"guest", 200, ""}, {"host", 200, ""}}},
		{"GET", "/api/matches/{match}/messages", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}, {"guest", 200, ""}, {"host", 200, ""}}},
		{"POST", "/api/matches/{match}/messages", func(*fixture) any { return map[string]any{"text": "hello"} },
			[]try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}, {"guest", 201, ""}, {"host", 201, ""}}},
		{"POST", "/api/matches/{match}/read", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}, {"guest", 200, ""}, {"host", 200, ""}}},
		{"GET", "/api/matches/{match}/events", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}}},
		{"GET", "/api/notifications", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 200, ""}, {"guest", 200, ""}, {"host", 200, ""}}},
		{"GET", "/api/notifications/stream", nil, []try{{"anon", 401, "UNAUTHORIZED"}}},
		{"PATCH", "/api/notifications/{note}/read", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}, {"host", 404, "NOT_FOUND"}, {"guest", 200, ""}}},
		{"DELETE", "/api/notifications/{note}", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}, {"host", 404, "NOT_FOUND"}, {"guest", 200, ""}}},
		{"POST", "/api/notifications/read-all", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 200, ""}, {"guest", 200, ""}, {"host", 200, ""}}},
		{"POST", "/api/host-messages", func(f *fixture) any { return map[string]any{"roomId": f.room, "message": "hi"} },
			[]try{{"anon", 401, "UNAUTHORIZED"}, {"host", 400, "VALIDATION_ERROR"}, {"stranger", 201, ""}, {"guest", 201, ""}}},
		{"POST", "/api/host-messages", func(f *fixture) any {
			return map[string]any{"roomId": f.room, "message": "hi", "receiverId": f.stranger.ID}
		},
			[]try{{"host", 403, "FORBIDDEN"}, {"guest", 403, "FORBIDDEN"}}},
		{"POST", "/api/host-messages", func(f *fixture) any {
			return map[string]any{"roomId": f.room, "message": "reply", "receiverId": f.guest.ID}
		},
			[]try{{"stranger", 403, "FORBIDDEN"}, {"host", 201, ""}}},
		{"GET", "/api/host-messages", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 200, ""}, {"guest", 200, ""}, {"host", 200, ""}}},
		{"GET", "/api/host-messages/{hm}", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}, {"guest", 200, ""}, {"host", 200, ""}}},
		{"PATCH", "/api/host-messages/{hm}/read", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}, {"guest", 403, "FORBIDDEN"}, {"host", 200, ""}}},
		{"POST", "/api/block", func(f *fixture) any { return map[string]any{"blocked_uid": f.host.ID} },
			[]try{{"anon", 401, "UNAUTHORIZED"}, {"host", 400, "VALIDATION_ERROR"}, {"stranger", 201, ""}}},
		{"GET", "/api/block", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 200, ""}, {"guest", 200, ""}, {"host", 200, ""}}},
		{"DELETE", "/api/block/{host}", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 404, "NOT_FOUND"}}},
		{"POST", "/api/reports", func(f *fixture) any {
			return map[string]any{"target_uid": f.host.ID, "reason": "불쾌한 메시지를 보냈어요"}
		},
			[]try{{"anon", 401, "UNAUTHORIZED"}, {"host", 400, "VALIDATION_ERROR"}, {"stranger", 201, ""}, {"stranger", 409, "CONFLICT"}}},
		{"GET", "/api/reports", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 200, ""}}},
		{"PATCH", "/api/rooms/{room}", func(*fixture) any { return map[string]any{"title": "new"} },
			[]try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 403, "FORBIDDEN"}, {"guest", 403, "FORBIDDEN"}, {"host", 200, ""}}},
		{"DELETE", "/api/rooms/{room}", nil, []try{{"anon", 401, "UNAUTHORIZED"}, {"stranger", 403, "FORBIDDEN"}, {"guest", 403, "FORBIDDEN"}, {"host", 409, "ROOM_HAS_PARTICIPANTS"}}},
	}
	engines(t, func(t *testing.T, store meetpin.Store) {
		srv := newServer(t, store)
		for i, row := range rows {
			t.Run(row.method+" "+row.path, func(t *testing.T) {
				s := srv.with(t)
				f := newFixture(s, i)
				path := strings.NewReplacer("{room}", f.room, "{pending}", f.pending, "{match}", f.match,
					"{hm}", f.hm, "{note}", strconv.FormatInt(f.note, 10), "{host}", f.host.ID).Replace(row.path)
				for _, tr := range row.tries {
					token := map[string]string{"anon": "", "stranger": f.stranger.Token, "guest": f.guest.Token, "host": f.host.Token}[tr.who]
					var body any
					if row.body != nil {
						body = row.body(f)
					}
					r := s.call(row.method, path, body, token)
					if r.Status != tr.status || r.Code != tr.code {
						t.Fatalf("%s: got %d %q (%s), want %d %q", tr.who, r.Status, r.Code, r.Raw, tr.status, tr.code)
					}
					if tr.status >= 400 && strings.Contains(r.Raw, "질문 있어요") {
						t.Fatalf("%s: a refused answer leaks content: %s", tr.who, r.Raw)
					}
				}
			})
		}
	})
}
