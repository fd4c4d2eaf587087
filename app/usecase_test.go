package app

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"meetpin.app"
	"meetpin.app/inmem"
	"meetpin.app/sqlite"
	"meetpin.app/sqlite/sqlitetest"
)

// fixture is an App over a real SQLite store in a temporary directory, with
// the in-process cache and broker, and a clock the test moves.
type fixture struct {
	t     *testing.T
	app   *App
	store *sqlite.DB
	ctx   context.Context

	mu  sync.Mutex
	now time.Time
	n   int
}

func newFixture(t *testing.T, opts ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, store: sqlitetest.New(t), ctx: t.Context(), now: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)}
	o := Options{PasswordCost: bcrypt.MinCost, Now: f.clock, Broker: inmem.NewBroker(), Cache: inmem.NewCache(1 << 20), SiteURL: "http://meetpin.test"}
	for _, opt := range opts {
		opt(&o)
	}
	f.app = New(f.store, slog.New(slog.DiscardHandler), o)
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// advance moves the clock forward by d.
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// user signs up a new user.
func (f *fixture) user() *meetpin.User {
	f.t.Helper()
	f.n++
	u, err := f.app.CreateUser(f.ctx, SignupInput{Email: "u" + strconv.Itoa(f.n) + "@example.com", Password: "password-1", Nickname: "user_" + strconv.Itoa(f.n)}, meetpin.RoleUser)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// room opens a public room of host starting in lead, with edit applied to
// the body first.
func (f *fixture) room(host *meetpin.User, lead time.Duration, edit ...func(*RoomInput)) *RoomView {
	f.t.Helper()
	in := validRoom(f.clock().Add(lead))
	for _, e := range edit {
		e(&in)
	}
	r, err := f.app.CreateRoom(f.ctx, host, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// ask sends guest's join request to room.
func (f *fixture) ask(guest *meetpin.User, roomID string) *meetpin.Request {
	f.t.Helper()
	req, err := f.app.CreateRequest(f.ctx, guest, RequestInput{RoomID: roomID})
	if err != nil {
		f.t.Fatal(err)
	}
	return req
}

// match makes guest an accepted participant of a new room of host and
// returns the match.
func (f *fixture) match(host, guest *meetpin.User) *meetpin.Match {
	f.t.Helper()
	room := f.room(host, 3*time.Hour)
	d, err := f.app.DecideRequest(f.ctx, host, f.ask(guest, room.ID).ID, meetpin.RequestAccepted)
	if err != nil {
		f.t.Fatal(err)
	}
	return d.Match
}

func (f *fixture) block(u, target *meetpin.User) {
	f.t.Helper()
	if _, err := f.app.Block(f.ctx, u, target.ID); err != nil {
		f.t.Fatal(err)
	}
}

// wantCode fails unless err carries code ("" for no error).
func wantCode(t *testing.T, what string, err error, code meetpin.Code) {
	t.Helper()
	if got := meetpin.ErrorCode(err); got != code {
		t.Errorf("%s: %v (code %q), want code %q", what, err, got, code)
	}
}

// TestRoomVisibility is the 404-versus-403 rule of rooms: someone who may
// not see a room (private, or across a block) learns nothing (NOT_FOUND);
// someone who sees it but does not host it is refused (FORBIDDEN).
func TestRoomVisibility(t *testing.T) {
	f := newFixture(t)
	host, other, blocked := f.user(), f.user(), f.user()
	public := f.room(host, 3*time.Hour)
	private := f.room(host, 3*time.Hour, func(in *RoomInput) { in.Visibility = ptr(meetpin.VisibilityPrivate) })
	f.block(blocked, host)

	edit := RoomInput{Title: ptr("새 제목")}
	for _, tc := range []struct {
		name   string
		viewer *meetpin.User
		room   string
		get    meetpin.Code // code of GetRoom
		change meetpin.Code // code of UpdateRoom, DeleteRoom and RoomRequests
	}{
		{"host, public", host, public.ID, "", ""},
		{"host, private", host, private.ID, "", ""},
		{"anonymous, public", nil, public.ID, "", ""},
		{"anonymous, private", nil, private.ID, meetpin.ENOTFOUND, ""},
		{"other, public", other, public.ID, "", meetpin.EFORBIDDEN},
		{"other, private", other, private.ID, meetpin.ENOTFOUND, meetpin.ENOTFOUND},
		{"blocked by the host's block, public", blocked, public.ID, meetpin.ENOTFOUND, meetpin.ENOTFOUND},
		{"anyone, unknown room", other, "0190e7a4-1111-7000-8000-000000000000", meetpin.ENOTFOUND, meetpin.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := f.app.GetRoom(f.ctx, tc.viewer, tc.room)
			wantCode(t, "GetRoom", err, tc.get)
			if err == nil && v.IsHost != (tc.viewer == host) {
				t.Errorf("IsHost = %v", v.IsHost)
			}
			if tc.viewer == nil {
				return
			}
			if tc.viewer != host {
				_, err = f.app.UpdateRoom(f.ctx, tc.viewer, tc.room, edit)
				wantCode(t, "UpdateRoom", err, tc.change)
				wantCode(t, "DeleteRoom", f.app.DeleteRoom(f.ctx, tc.viewer, tc.room), tc.change)
			}
			_, err = f.app.RoomRequests(f.ctx, tc.viewer, tc.room)
			if tc.viewer == host {
				wantCode(t, "RoomRequests", err, "")
			} else {
				wantCode(t, "RoomRequests", err, tc.change)
			}
		})
	}

	// The block hides the room from both sides' lists too.
	page, err := f.app.ListRooms(f.ctx, blocked, RoomQuery{BBox: "37,126,38,128"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Rooms {
		if r.HostID == host.ID {
			t.Errorf("a blocked user's map shows the blocker's room %s", r.ID)
		}
	}
	page, err = f.app.ListRooms(f.ctx, other, RoomQuery{BBox: "37,126,38,128"})
	if err != nil || page.Pagination.Total != 1 || page.Rooms[0].ID != public.ID {
		t.Errorf("other's map: %+v, %v; want the public room only", page, err)
	}
}

func TestListRoomsQuery(t *testing.T) {
	// Without the cache: its entries expire on the real clock, and this test
	// moves the App's clock (roomListTTL is tested on its own).
	f := newFixture(t, func(o *Options) { o.Cache = nil })
	host := f.user()
	for i := range 3 {
		f.room(host, time.Duration(i+1)*time.Hour, func(in *RoomInput) { in.Category = ptr(meetpin.CategoryExercise) })
	}
	f.room(host, 2*time.Hour)
	for _, tc := range []struct {
		q     RoomQuery
		code  meetpin.Code
		total int
		n     int
	}{
		{RoomQuery{BBox: "37,126,38,128"}, "", 4, 4},
		{RoomQuery{BBox: "37,126,38,128", Category: meetpin.CategoryExercise}, "", 3, 3},
		{RoomQuery{BBox: "37,126,38,128", Limit: "2", Page: "2"}, "", 4, 2},
		{RoomQuery{BBox: "37,126,38,128", Limit: "3", Page: "2"}, "", 4, 1},
		{RoomQuery{BBox: "35,126,36,128"}, "", 0, 0},
		{RoomQuery{BBox: "37,126,38,128", Category: "food"}, meetpin.EVALIDATION, 0, 0},
		{RoomQuery{BBox: ""}, meetpin.EVALIDATION, 0, 0},
		{RoomQuery{BBox: "37,126,38,128", Limit: "101"}, meetpin.EVALIDATION, 0, 0},
	} {
		page, err := f.app.ListRooms(f.ctx, nil, tc.q)
		wantCode(t, "ListRooms "+tc.q.BBox+" "+tc.q.Category, err, tc.code)
		if err == nil && (page.Pagination.Total != tc.total || len(page.Rooms) != tc.n) {
			t.Errorf("ListRooms(%+v): total %d, %d rooms; want %d, %d", tc.q, page.Pagination.Total, len(page.Rooms), tc.total, tc.n)
		}
	}
	// A room that has started leaves the map.
	f.advance(90 * time.Minute)
	page, err := f.app.ListRooms(f.ctx, nil, RoomQuery{BBox: "37,126,38,128"})
	if err != nil || page.Pagination.Total != 3 {
		t.Errorf("after 90 minutes: %+v, %v; want the 3 rooms that have not started", page, err)
	}
}

func TestUpdateRoomRules(t *testing.T) {
	f := newFixture(t)
	host, g1, g2 := f.user(), f.user(), f.user()
	room := f.room(host, 3*time.Hour)
	for _, g := range []*meetpin.User{g1, g2} {
		if _, err := f.app.DecideRequest(f.ctx, host, f.ask(g, room.ID).ID, meetpin.RequestAccepted); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.app.UpdateRoom(f.ctx, host, room.ID, RoomInput{MaxPeople: ptr(1)})
	wantCode(t, "max_people 1", err, meetpin.EVALIDATION)
	v, err := f.app.GetRoom(f.ctx, host, room.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.app.UpdateRoom(f.ctx, host, room.ID, RoomInput{MaxPeople: ptr(v.ParticipantsCount - 1)})
	var e *meetpin.Error
	if v.ParticipantsCount < 3 || !errorAs(err, &e) || e.Code != meetpin.EVALIDATION || e.Fields["max_people"] != "must be at least "+strconv.Itoa(v.ParticipantsCount) {
		t.Errorf("max_people %d below %d participants: %v", v.ParticipantsCount-1, v.ParticipantsCount, err)
	}
	got, err := f.app.UpdateRoom(f.ctx, host, room.ID, RoomInput{MaxPeople: ptr(v.ParticipantsCount), Title: ptr("  새 제목  ")})
	if err != nil || got.MaxPeople != v.ParticipantsCount || got.Title != "새 제목" {
		t.Errorf("max_people = participants: %+v, %v", got, err)
	}
	_, err = f.app.UpdateRoom(f.ctx, host, room.ID, RoomInput{StartAt: ptr(f.clock().Add(10 * time.Minute).Format(time.RFC3339))})
	wantCode(t, "moved to in 10 minutes", err, meetpin.EVALIDATION)

	// A room with accepted guests cannot be deleted.
	wantCode(t, "DeleteRoom with guests", f.app.DeleteRoom(f.ctx, host, room.ID), meetpin.EROOMHASPARTICIPANT)

	// Once started, a room cannot be edited.
	f.advance(3 * time.Hour)
	_, err = f.app.UpdateRoom(f.ctx, host, room.ID, RoomInput{Title: ptr("늦은 수정")})
	wantCode(t, "edit after the start", err, meetpin.ECONFLICT)

	empty := f.room(host, time.Hour)
	wantCode(t, "DeleteRoom without guests", f.app.DeleteRoom(f.ctx, host, empty.ID), "")
	_, err = f.app.GetRoom(f.ctx, host, empty.ID)
	wantCode(t, "GetRoom after delete", err, meetpin.ENOTFOUND)
	mine, err := f.app.MyRooms(f.ctx, host)
	if err != nil || len(mine) != 1 || mine[0].ID != room.ID {
		t.Errorf("MyRooms = %v, %v", mine, err)
	}
}

// TestCreateRequestRules: who may ask to join which room, and until when.
func TestCreateRequestRules(t *testing.T) {
	f := newFixture(t)
	host, guest, blocker := f.user(), f.user(), f.user()
	public := f.room(host, 3*time.Hour)
	private := f.room(host, 3*time.Hour, func(in *RoomInput) { in.Visibility = ptr(meetpin.VisibilityPrivate) })
	small := f.room(host, 3*time.Hour, func(in *RoomInput) { in.MaxPeople = ptr(2) })
	soon := f.room(host, RequestCutoff+time.Minute)
	blockerRoom := f.room(blocker, 3*time.Hour)
	f.block(blocker, guest)

	// Fill the small room: the host and one guest.
	filler := f.user()
	if _, err := f.app.DecideRequest(f.ctx, host, f.ask(filler, small.ID).ID, meetpin.RequestAccepted); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		u    *meetpin.User
		in   RequestInput
		code meetpin.Code
	}{
		{"no room id", guest, RequestInput{RoomID: "  "}, meetpin.EVALIDATION},
		{"message too long", guest, RequestInput{RoomID: public.ID, Message: ptr(strings.Repeat("x", 501))}, meetpin.EVALIDATION},
		{"unknown room", guest, RequestInput{RoomID: "0190e7a4-1111-7000-8000-000000000000"}, meetpin.ENOTFOUND},
		{"own room", host, RequestInput{RoomID: public.ID}, meetpin.EOWNROOM},
		{"private room", guest, RequestInput{RoomID: private.ID}, meetpin.ENOTFOUND},
		{"across a block (the host blocked the guest)", guest, RequestInput{RoomID: blockerRoom.ID}, meetpin.EBLOCKED},
		{"full room", guest, RequestInput{RoomID: small.ID}, meetpin.EROOMFULL},
		{"ok with a message", guest, RequestInput{RoomID: public.ID, Message: ptr(" 같이 가요 ")}, ""},
		{"asked twice", guest, RequestInput{RoomID: public.ID}, meetpin.ECONFLICT},
		{"61 minutes before the start", guest, RequestInput{RoomID: soon.ID}, ""},
	} {
		_, err := f.app.CreateRequest(f.ctx, tc.u, tc.in)
		wantCode(t, tc.name, err, tc.code)
	}

	// The cutoff: requests close exactly one hour before the start.
	late := f.user()
	f.advance(time.Minute)
	_, err := f.app.CreateRequest(f.ctx, late, RequestInput{RoomID: soon.ID})
	wantCode(t, "exactly one hour before the start", err, meetpin.EREQUESTCLOSED)

	// The host was told of each request, with the requester's nickname.
	page, err := f.app.Notifications(f.ctx, host, "true", "", "")
	if err != nil {
		t.Fatal(err)
	}
	// Three requests, and the small room filling up.
	if page.UnreadCount != 4 || page.Notifications[0].Type != meetpin.NotifyRoomRequest || !strings.Contains(page.Notifications[0].Message, "user_2") {
		t.Errorf("host's notifications: %d unread, first %+v", page.UnreadCount, page.Notifications[0])
	}
	mine, err := f.app.MyRequests(f.ctx, guest)
	if err != nil || len(mine) != 2 {
		t.Fatalf("MyRequests = %v, %v", mine, err)
	}
	for _, r := range mine {
		if r.Room == nil || r.MatchID != nil || r.Status != meetpin.RequestPending {
			t.Errorf("MyRequests: %+v", r)
		}
		if r.RoomID == public.ID && (r.Message == nil || *r.Message != "같이 가요") {
			t.Errorf("the message was not trimmed: %v", r.Message)
		}
	}
}

// TestDecideRequestRules: only the host decides; rejecting is possible
// until the start, accepting until 30 minutes before it; a block between
// them stops an acceptance.
func TestDecideRequestRules(t *testing.T) {
	f := newFixture(t)
	host, guest, stranger := f.user(), f.user(), f.user()
	room := f.room(host, 2*time.Hour, func(in *RoomInput) { in.MaxPeople = ptr(3) })
	req := f.ask(guest, room.ID)

	_, err := f.app.DecideRequest(f.ctx, host, req.ID, "maybe")
	wantCode(t, "status maybe", err, meetpin.EVALIDATION)
	_, err = f.app.DecideRequest(f.ctx, stranger, req.ID, meetpin.RequestAccepted)
	wantCode(t, "a stranger decides", err, meetpin.ENOTFOUND)
	_, err = f.app.DecideRequest(f.ctx, guest, req.ID, meetpin.RequestAccepted)
	wantCode(t, "the requester decides", err, meetpin.EFORBIDDEN)
	_, err = f.app.DecideRequest(f.ctx, host, "0190e7a4-1111-7000-8000-000000000000", meetpin.RequestAccepted)
	wantCode(t, "unknown request", err, meetpin.ENOTFOUND)
	wantCode(t, "a stranger cancels", f.app.CancelRequest(f.ctx, stranger, req.ID), meetpin.ENOTFOUND)
	wantCode(t, "the host cancels", f.app.CancelRequest(f.ctx, host, req.ID), meetpin.EFORBIDDEN)

	// "approved" is the original API's word for accepted.
	d, err := f.app.DecideRequest(f.ctx, host, req.ID, "approved")
	if err != nil || d.Match == nil || d.Request.Status != meetpin.RequestAccepted || d.Match.GuestID != guest.ID || d.Match.HostID != host.ID {
		t.Fatalf("accept: %+v, %v", d, err)
	}
	views, err := f.app.RoomRequests(f.ctx, host, room.ID)
	if err != nil || len(views) != 1 || views[0].MatchID == nil || *views[0].MatchID != d.Match.ID || views[0].Requester.ID != guest.ID {
		t.Errorf("RoomRequests after accepting: %+v, %v", views, err)
	}
	notes, err := f.app.Notifications(f.ctx, guest, "", "", "")
	if err != nil || len(notes.Notifications) != 1 || notes.Notifications[0].Type != meetpin.NotifyMatchSuccess {
		t.Errorf("the guest's notifications: %+v, %v", notes, err)
	}

	// The second accepted guest fills the room: the host is told.
	second := f.user()
	if _, err := f.app.DecideRequest(f.ctx, host, f.ask(second, room.ID).ID, meetpin.RequestAccepted); err != nil {
		t.Fatal(err)
	}
	notes, err = f.app.Notifications(f.ctx, host, "", "", "")
	if err != nil || notes.Notifications[0].Type != meetpin.NotifyRoomFull {
		t.Errorf("the host's newest notification: %+v, %v; want room_full", notes.Notifications, err)
	}

	// The cutoffs, on a second room starting in 2 hours.
	other := f.room(host, 2*time.Hour)
	pending := []*meetpin.Request{f.ask(f.user(), other.ID), f.ask(f.user(), other.ID), f.ask(f.user(), other.ID)}
	blockedGuest := f.user()
	blockedReq := f.ask(blockedGuest, other.ID)
	f.block(host, blockedGuest)
	_, err = f.app.DecideRequest(f.ctx, host, blockedReq.ID, meetpin.RequestAccepted)
	wantCode(t, "accept across a block", err, meetpin.EBLOCKED)

	f.advance(2*time.Hour - AcceptCutoff - time.Second) // 30 min 1 s before the start
	if _, err := f.app.DecideRequest(f.ctx, host, pending[0].ID, meetpin.RequestAccepted); err != nil {
		t.Errorf("accept 30 min 1 s before the start: %v", err)
	}
	f.advance(time.Second) // exactly 30 minutes before
	_, err = f.app.DecideRequest(f.ctx, host, pending[1].ID, meetpin.RequestAccepted)
	wantCode(t, "accept 30 minutes before the start", err, meetpin.EREQUESTCLOSED)
	rej, err := f.app.DecideRequest(f.ctx, host, pending[1].ID, meetpin.RequestRejected)
	if err != nil || rej.Match != nil || rej.Request.Status != meetpin.RequestRejected {
		t.Errorf("reject 30 minutes before the start: %+v, %v", rej, err)
	}
	f.advance(AcceptCutoff) // the start
	_, err = f.app.DecideRequest(f.ctx, host, pending[2].ID, meetpin.RequestRejected)
	wantCode(t, "reject at the start", err, meetpin.EREQUESTCLOSED)
}

func TestCancelRequest(t *testing.T) {
	f := newFixture(t)
	host, guest := f.user(), f.user()
	room := f.room(host, 3*time.Hour)
	req := f.ask(guest, room.ID)
	wantCode(t, "the requester cancels", f.app.CancelRequest(f.ctx, guest, req.ID), "")
	mine, err := f.app.MyRequests(f.ctx, guest)
	if err != nil || len(mine) != 1 || mine[0].Status != meetpin.RequestCancelled {
		t.Errorf("after cancelling: %+v, %v", mine, err)
	}
	_, err = f.app.DecideRequest(f.ctx, host, req.ID, meetpin.RequestAccepted)
	if err == nil {
		t.Error("a cancelled request was accepted")
	}
}

// TestChatRules: only the two participants see a match (others get
// NOT_FOUND); a block makes it read-only.
func TestChatRules(t *testing.T) {
	f := newFixture(t)
	host, guest, stranger := f.user(), f.user(), f.user()
	m := f.match(host, guest)

	for _, u := range []*meetpin.User{host, guest} {
		if _, err := f.app.Match(f.ctx, u, m.ID); err != nil {
			t.Errorf("participant: %v", err)
		}
	}
	_, err := f.app.Match(f.ctx, stranger, m.ID)
	wantCode(t, "Match by a stranger", err, meetpin.ENOTFOUND)
	_, err = f.app.Messages(f.ctx, stranger, m.ID, "", "")
	wantCode(t, "Messages by a stranger", err, meetpin.ENOTFOUND)
	_, err = f.app.PostMessage(f.ctx, stranger, m.ID, "hi")
	wantCode(t, "PostMessage by a stranger", err, meetpin.ENOTFOUND)
	_, err = f.app.MessagesAfter(f.ctx, stranger, m.ID, 0)
	wantCode(t, "MessagesAfter by a stranger", err, meetpin.ENOTFOUND)
	wantCode(t, "MarkRead by a stranger", f.app.MarkRead(f.ctx, stranger, m.ID), meetpin.ENOTFOUND)
	wantCode(t, "MarkRead of an empty chat", f.app.MarkRead(f.ctx, guest, m.ID), "")

	_, err = f.app.PostMessage(f.ctx, guest, m.ID, "   ")
	wantCode(t, "a blank message", err, meetpin.EVALIDATION)
	_, err = f.app.PostMessage(f.ctx, guest, m.ID, strings.Repeat("가", 1001))
	wantCode(t, "1001 characters", err, meetpin.EVALIDATION)

	for i := range 5 {
		if _, err := f.app.PostMessage(f.ctx, []*meetpin.User{host, guest}[i%2], m.ID, " 메시지 "+strconv.Itoa(i)+" "); err != nil {
			t.Fatal(err)
		}
	}
	page, err := f.app.Messages(f.ctx, guest, m.ID, "", "2")
	if err != nil || len(page.Messages) != 2 || page.Messages[0].Text != "메시지 4" || page.NextCursor == nil || page.ReadOnly {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	older, err := f.app.Messages(f.ctx, guest, m.ID, *page.NextCursor, "10")
	if err != nil || len(older.Messages) != 3 || older.Messages[0].Text != "메시지 2" || older.NextCursor != nil {
		t.Errorf("older page: %+v, %v", older, err)
	}
	for _, q := range [][2]string{{"x", ""}, {"0", ""}, {"-5", ""}, {"", "0"}, {"", "101"}, {"", "ten"}} {
		_, err := f.app.Messages(f.ctx, guest, m.ID, q[0], q[1])
		wantCode(t, "Messages before="+q[0]+" limit="+q[1], err, meetpin.EVALIDATION)
	}
	after, err := f.app.MessagesAfter(f.ctx, host, m.ID, page.Messages[1].ID)
	if err != nil || len(after) != 1 || after[0].Text != "메시지 4" {
		t.Errorf("MessagesAfter: %+v, %v", after, err)
	}
	if id, err := f.app.LatestMessageID(f.ctx, m.ID); err != nil || id != page.Messages[0].ID {
		t.Errorf("LatestMessageID = %d, %v", id, err)
	}
	wantCode(t, "MarkRead", f.app.MarkRead(f.ctx, guest, m.ID), "")
	matches, err := f.app.MyMatches(f.ctx, guest)
	if err != nil || len(matches) != 1 || matches[0].Other.ID != host.ID {
		t.Errorf("MyMatches = %+v, %v", matches, err)
	}
	// The host's messages reached the guest as notifications, with a preview.
	notes, err := f.app.Notifications(f.ctx, guest, "", "", "")
	if err != nil || notes.Notifications[0].Type != meetpin.NotifyMessage || notes.Notifications[0].Message != "메시지 4" {
		t.Errorf("guest's newest notification: %+v, %v", notes.Notifications[0], err)
	}

	// A block either way makes the chat read-only, and the cached page says so.
	f.block(host, guest)
	_, err = f.app.PostMessage(f.ctx, guest, m.ID, "여보세요?")
	wantCode(t, "post across a block", err, meetpin.EBLOCKED)
	page, err = f.app.Messages(f.ctx, guest, m.ID, "", "2")
	if err != nil || !page.ReadOnly {
		t.Errorf("after the block: read_only %v, %v", page != nil && page.ReadOnly, err)
	}
	wantCode(t, "Unblock", f.app.Unblock(f.ctx, host, guest.ID), "")
	page, err = f.app.Messages(f.ctx, guest, m.ID, "", "2")
	if err != nil || page.ReadOnly {
		t.Errorf("after the unblock: %+v, %v", page, err)
	}
}

// TestHostMessageRules: a guest writes to the host; the host replies only
// to someone who wrote first; blocks stop both.
func TestHostMessageRules(t *testing.T) {
	f := newFixture(t)
	host, guest, other, blocked := f.user(), f.user(), f.user(), f.user()
	room := f.room(host, 3*time.Hour)
	private := f.room(host, 3*time.Hour, func(in *RoomInput) { in.Visibility = ptr(meetpin.VisibilityPrivate) })
	f.block(host, blocked)

	send := func(u *meetpin.User, roomID, text, to string) (*meetpin.HostMessage, error) {
		return f.app.SendHostMessage(f.ctx, u, HostMessageInput{RoomID: roomID, Message: text, ReceiverID: to})
	}
	for _, tc := range []struct {
		name         string
		u            *meetpin.User
		room, to     string
		text         string
		code         meetpin.Code
		wantReceiver string
	}{
		{"no room", guest, "", "", "hi", meetpin.EVALIDATION, ""},
		{"no text", guest, room.ID, "", " ", meetpin.EVALIDATION, ""},
		{"private room", guest, private.ID, "", "hi", meetpin.ENOTFOUND, ""},
		{"blocked by the host", blocked, room.ID, "", "hi", meetpin.ENOTFOUND, ""},
		{"guest to someone else", guest, room.ID, other.ID, "hi", meetpin.EFORBIDDEN, ""},
		{"host without a receiver", host, room.ID, "", "hi", meetpin.EVALIDATION, ""},
		{"host to themselves", host, room.ID, host.ID, "hi", meetpin.EVALIDATION, ""},
		{"host writes first", host, room.ID, guest.ID, "hi", meetpin.EFORBIDDEN, ""},
		{"guest to the host", guest, room.ID, "", "질문 있어요", "", host.ID},
		{"guest names the host", guest, room.ID, host.ID, "또 질문", "", host.ID},
		{"host replies", host, room.ID, guest.ID, "네!", "", guest.ID},
	} {
		hm, err := send(tc.u, tc.room, tc.text, tc.to)
		wantCode(t, tc.name, err, tc.code)
		if err == nil && (hm.ReceiverID != tc.wantReceiver || hm.SenderID != tc.u.ID) {
			t.Errorf("%s: %+v", tc.name, hm)
		}
	}

	inbox, err := f.app.HostMessages(f.ctx, host)
	if err != nil || len(inbox.Messages) != 3 || inbox.UnreadCount != 2 {
		t.Fatalf("host's inbox: %+v, %v", inbox, err)
	}
	var fromGuest *meetpin.HostMessage
	for _, m := range inbox.Messages {
		if m.SenderID == guest.ID {
			fromGuest = m
		}
	}
	_, err = f.app.HostMessage(f.ctx, other, fromGuest.ID)
	wantCode(t, "a stranger reads", err, meetpin.ENOTFOUND)
	_, err = f.app.MarkHostMessageRead(f.ctx, other, fromGuest.ID)
	wantCode(t, "a stranger marks read", err, meetpin.ENOTFOUND)
	_, err = f.app.MarkHostMessageRead(f.ctx, guest, fromGuest.ID)
	wantCode(t, "the sender marks read", err, meetpin.EFORBIDDEN)
	read, err := f.app.MarkHostMessageRead(f.ctx, host, fromGuest.ID)
	if err != nil || !read.IsRead {
		t.Errorf("the receiver marks read: %+v, %v", read, err)
	}
	if inbox, _ := f.app.HostMessages(f.ctx, host); inbox.UnreadCount != 1 {
		t.Errorf("unread after marking one: %d", inbox.UnreadCount)
	}

	// After the guest blocks the host, the host can no longer reply.
	f.block(guest, host)
	_, err = send(host, room.ID, "안녕하세요?", guest.ID)
	wantCode(t, "reply across a block", err, meetpin.EBLOCKED)
}

func TestSafetyRules(t *testing.T) {
	f := newFixture(t)
	u, target := f.user(), f.user()
	room := f.room(target, 3*time.Hour)

	_, err := f.app.Block(f.ctx, u, " ")
	wantCode(t, "block nobody", err, meetpin.EVALIDATION)
	_, err = f.app.Block(f.ctx, u, u.ID)
	wantCode(t, "block oneself", err, meetpin.EVALIDATION)
	_, err = f.app.Block(f.ctx, u, "0190e7a4-1111-7000-8000-000000000000")
	wantCode(t, "block an unknown user", err, meetpin.ENOTFOUND)
	b, err := f.app.Block(f.ctx, u, target.ID)
	if err != nil || b.BlockedUser.ID != target.ID {
		t.Fatalf("block: %+v, %v", b, err)
	}
	_, err = f.app.Block(f.ctx, u, target.ID)
	wantCode(t, "block twice (idempotent)", err, "")
	list, err := f.app.Blocks(f.ctx, u)
	if err != nil || len(list) != 1 || list[0].BlockedUser.Nickname == "" {
		t.Errorf("Blocks = %+v, %v", list, err)
	}
	// A block hides profiles both ways, but never one's own.
	_, err = f.app.PublicProfile(f.ctx, u, target.ID)
	wantCode(t, "the blocked user's profile", err, meetpin.ENOTFOUND)
	_, err = f.app.PublicProfile(f.ctx, target, u.ID)
	wantCode(t, "the blocker's profile", err, meetpin.ENOTFOUND)
	_, err = f.app.PublicProfile(f.ctx, nil, u.ID)
	wantCode(t, "anonymous", err, "")
	_, err = f.app.PublicProfile(f.ctx, u, u.ID)
	wantCode(t, "one's own", err, "")
	wantCode(t, "unblock", f.app.Unblock(f.ctx, u, target.ID), "")
	wantCode(t, "unblock again", f.app.Unblock(f.ctx, u, target.ID), meetpin.ENOTFOUND)

	for _, tc := range []struct {
		name string
		in   ReportInput
		code meetpin.Code
	}{
		{"no target", ReportInput{Reason: "스팸이에요"}, meetpin.EVALIDATION},
		{"oneself", ReportInput{TargetUID: u.ID, Reason: "스팸이에요"}, meetpin.EVALIDATION},
		{"reason of 4 characters", ReportInput{TargetUID: target.ID, Reason: "스팸이야"}, meetpin.EVALIDATION},
		{"reason of 501 characters", ReportInput{TargetUID: target.ID, Reason: strings.Repeat("x", 501)}, meetpin.EVALIDATION},
		{"unknown user", ReportInput{TargetUID: "0190e7a4-1111-7000-8000-000000000000", Reason: "스팸이에요"}, meetpin.ENOTFOUND},
		{"unknown room", ReportInput{TargetUID: target.ID, RoomID: ptr("0190e7a4-1111-7000-8000-000000000000"), Reason: "스팸이에요"}, meetpin.ENOTFOUND},
		{"ok, about a room", ReportInput{TargetUID: target.ID, RoomID: &room.ID, Reason: "  스팸이에요  "}, ""},
		{"again within a day", ReportInput{TargetUID: target.ID, Reason: "또 스팸이에요"}, meetpin.ECONFLICT},
	} {
		_, err := f.app.Report(f.ctx, u, tc.in)
		wantCode(t, "report: "+tc.name, err, tc.code)
	}
	f.advance(ReportWindow)
	_, err = f.app.Report(f.ctx, u, ReportInput{TargetUID: target.ID, Reason: "하루 뒤 또 스팸"})
	wantCode(t, "report exactly a day later", err, meetpin.ECONFLICT)
	f.advance(time.Millisecond)
	if _, err := f.app.Report(f.ctx, u, ReportInput{TargetUID: target.ID, Reason: "하루 뒤 또 스팸"}); err != nil {
		t.Errorf("report a day later: %v", err)
	}
	reps, err := f.app.MyReports(f.ctx, u)
	if err != nil || len(reps) != 2 || reps[1].Reason != "스팸이에요" && reps[0].Reason != "스팸이에요" {
		t.Errorf("MyReports = %+v, %v", reps, err)
	}
}

func TestAuthRules(t *testing.T) {
	f := newFixture(t)
	in := SignupInput{Email: " Minji@Example.com ", Password: "password-1", Nickname: "민지"}
	res, err := f.app.Signup(f.ctx, in)
	if err != nil || res.Token == "" || res.User.Email != "minji@example.com" || res.User.Role != meetpin.RoleUser {
		t.Fatalf("Signup: %+v, %v", res, err)
	}
	for _, tc := range []struct {
		name string
		in   SignupInput
		code meetpin.Code
	}{
		{"same email", SignupInput{Email: "MINJI@example.com", Password: "password-1", Nickname: "민지2"}, meetpin.ECONFLICT},
		{"same nickname", SignupInput{Email: "other@example.com", Password: "password-1", Nickname: "민지"}, meetpin.ECONFLICT},
		{"bad everything", SignupInput{Email: "x", Password: "short", Nickname: "!"}, meetpin.EVALIDATION},
		{"bad age range", SignupInput{Email: "jun@example.com", Password: "password-1", Nickname: "준", AgeRange: ptr("teen")}, meetpin.EVALIDATION},
	} {
		_, err := f.app.Signup(f.ctx, tc.in)
		wantCode(t, "signup: "+tc.name, err, tc.code)
	}
	_, err = f.app.CreateUser(f.ctx, SignupInput{Email: "root@example.com", Password: "password-1", Nickname: "root_1"}, "superuser")
	wantCode(t, "an unknown role", err, meetpin.EVALIDATION)
	admin, err := f.app.CreateUser(f.ctx, SignupInput{Email: "root@example.com", Password: "password-1", Nickname: "root_1"}, meetpin.RoleAdmin)
	if err != nil || admin.Role != meetpin.RoleAdmin {
		t.Errorf("CreateUser admin: %+v, %v", admin, err)
	}

	// A wrong password and an unknown email are the same error.
	_, err1 := f.app.Login(f.ctx, "minji@example.com", "wrong-password")
	_, err2 := f.app.Login(f.ctx, "nobody@example.com", "password-1")
	if meetpin.ErrorCode(err1) != meetpin.EUNAUTHORIZED || err1.Error() != err2.Error() {
		t.Errorf("wrong password %v, unknown email %v: want the same UNAUTHORIZED", err1, err2)
	}
	login, err := f.app.Login(f.ctx, "  MINJI@example.com", "password-1")
	if err != nil || login.User.ID != res.User.ID || login.Token == res.Token {
		t.Fatalf("Login: %+v, %v", login, err)
	}

	for _, tok := range []string{"", strings.Repeat("a", 129), "not-a-token"} {
		_, _, err := f.app.Authenticate(f.ctx, tok)
		wantCode(t, "Authenticate "+tok[:min(len(tok), 12)], err, meetpin.EUNAUTHORIZED)
	}
	u, renewed, err := f.app.Authenticate(f.ctx, login.Token)
	if err != nil || u.ID != res.User.ID || renewed {
		t.Errorf("fresh session: %v, renewed %v, %v", u, renewed, err)
	}
	// The expiry slides forward at most once an hour.
	f.advance(sessionTouchEvery - time.Second)
	if _, renewed, _ := f.app.Authenticate(f.ctx, login.Token); renewed {
		t.Error("renewed before an hour")
	}
	f.advance(time.Second)
	if _, renewed, err := f.app.Authenticate(f.ctx, login.Token); !renewed || err != nil {
		t.Errorf("after an hour: renewed %v, %v", renewed, err)
	}
	// A session unused for its whole lifetime has expired.
	f.advance(f.app.sessionTTL)
	_, _, err = f.app.Authenticate(f.ctx, login.Token)
	wantCode(t, "an expired session", err, meetpin.EUNAUTHORIZED)

	// Logout ends the session and wakes its streams.
	events, err := f.app.broker.Subscribe(f.ctx, SessionTopic(res.Token))
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, "Logout", f.app.Logout(f.ctx, res.Token), "")
	select {
	case <-events:
	case <-time.After(5 * time.Second):
		t.Error("Logout published nothing on the session's topic")
	}
	_, _, err = f.app.Authenticate(f.ctx, res.Token)
	wantCode(t, "after logout", err, meetpin.EUNAUTHORIZED)
}

func TestProfileRules(t *testing.T) {
	f := newFixture(t)
	u, other := f.user(), f.user()
	p, err := f.app.UpdateProfile(f.ctx, u, ProfilePatch{Nickname: ptr(" 새이름 "), Intro: ptr(" 안녕하세요 "),
		AgeRange: Nullable[string]{Set: true, Value: "30s_early"}, AvatarURL: Nullable[string]{Set: true, Value: "https://cdn.example.com/a.png"}})
	if err != nil || p.Nickname != "새이름" || p.Intro != "안녕하세요" || p.AgeRange == nil || *p.AgeRange != "30s_early" || p.AvatarURL == nil {
		t.Fatalf("UpdateProfile: %+v, %v", p, err)
	}
	p, err = f.app.UpdateProfile(f.ctx, u, ProfilePatch{AgeRange: Nullable[string]{Set: true, Null: true}, AvatarURL: Nullable[string]{Set: true, Value: ""}})
	if err != nil || p.AgeRange != nil || p.AvatarURL != nil || p.Nickname != "새이름" {
		t.Errorf("clearing age range and avatar: %+v, %v", p, err)
	}
	for _, tc := range []struct {
		name  string
		in    ProfilePatch
		field string
		code  meetpin.Code
	}{
		{"taken nickname", ProfilePatch{Nickname: ptr("user_2")}, "nickname", meetpin.ECONFLICT},
		{"reserved nickname", ProfilePatch{Nickname: ptr("admin_kim")}, "nickname", meetpin.EVALIDATION},
		{"unknown age range", ProfilePatch{AgeRange: Nullable[string]{Set: true, Value: "10s"}}, "age_range", meetpin.EVALIDATION},
		{"intro of 501", ProfilePatch{Intro: ptr(strings.Repeat("x", 501))}, "intro", meetpin.EVALIDATION},
		{"private avatar", ProfilePatch{AvatarURL: Nullable[string]{Set: true, Value: "https://10.0.0.1/a.png"}}, "avatar_url", meetpin.EVALIDATION},
	} {
		_, err := f.app.UpdateProfile(f.ctx, u, tc.in)
		var e *meetpin.Error
		if !errorAs(err, &e) || e.Code != tc.code || e.Fields[tc.field] == "" {
			t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.code, tc.field)
		}
	}
	me, err := f.app.Me(f.ctx, u)
	if err != nil || me.Nickname != "새이름" {
		t.Errorf("a refused change changed the profile: %+v, %v", me, err)
	}

	if _, err := f.app.SetAvatar(f.ctx, u, MediaPrefix+"avatars/a.webp"); err != nil {
		t.Fatal(err)
	}
	prev, err := f.app.RemoveAvatar(f.ctx, u)
	if err != nil || prev == nil || *prev != MediaPrefix+"avatars/a.webp" {
		t.Errorf("RemoveAvatar = %v, %v", prev, err)
	}
	pub, err := f.app.PublicProfile(f.ctx, other, u.ID)
	if err != nil || pub.AvatarURL != nil || pub.Nickname != "새이름" {
		t.Errorf("PublicProfile = %+v, %v", pub, err)
	}
	if _, err := f.app.ProfileStats(f.ctx, u); err != nil {
		t.Errorf("ProfileStats: %v", err)
	}
}

// TestNotificationRules: a user reaches only their own notifications.
func TestNotificationRules(t *testing.T) {
	f := newFixture(t)
	host, guest := f.user(), f.user()
	room := f.room(host, 3*time.Hour)
	f.ask(guest, room.ID)
	page, err := f.app.Notifications(f.ctx, host, "", "", "")
	if err != nil || len(page.Notifications) != 1 || page.UnreadCount != 1 {
		t.Fatalf("host's notifications: %+v, %v", page, err)
	}
	id := strconv.FormatInt(page.Notifications[0].ID, 10)
	if latest, err := f.app.LatestNotificationID(f.ctx, host); err != nil || latest != page.Notifications[0].ID {
		t.Errorf("LatestNotificationID = %d, %v", latest, err)
	}
	if after, err := f.app.NotificationsAfter(f.ctx, host, 0); err != nil || len(after) != 1 {
		t.Errorf("NotificationsAfter = %v, %v", after, err)
	}

	for _, q := range []string{"yes", "1", "TRUE"} {
		_, err := f.app.Notifications(f.ctx, host, q, "", "")
		wantCode(t, "unread="+q, err, meetpin.EVALIDATION)
	}
	for _, bad := range []string{"", "x", "0", "-1", "1.5"} {
		wantCode(t, "mark read "+bad, f.app.MarkNotificationRead(f.ctx, host, bad), meetpin.ENOTFOUND)
		wantCode(t, "delete "+bad, f.app.DeleteNotification(f.ctx, host, bad), meetpin.ENOTFOUND)
	}
	wantCode(t, "guest marks the host's notification", f.app.MarkNotificationRead(f.ctx, guest, id), meetpin.ENOTFOUND)
	wantCode(t, "guest deletes the host's notification", f.app.DeleteNotification(f.ctx, guest, id), meetpin.ENOTFOUND)

	wantCode(t, "mark read", f.app.MarkNotificationRead(f.ctx, host, id), "")
	if page, _ := f.app.Notifications(f.ctx, host, "true", "", ""); page.UnreadCount != 0 || len(page.Notifications) != 0 {
		t.Errorf("unread after marking read: %+v", page)
	}
	f.ask(f.user(), room.ID)
	if n, err := f.app.MarkAllNotificationsRead(f.ctx, host); n != 1 || err != nil {
		t.Errorf("MarkAllNotificationsRead = %d, %v", n, err)
	}
	wantCode(t, "delete", f.app.DeleteNotification(f.ctx, host, id), "")
	if page, _ := f.app.Notifications(f.ctx, host, "false", "1", "10"); len(page.Notifications) != 1 {
		t.Errorf("after deleting one of two: %+v", page)
	}
}

func TestAdminRules(t *testing.T) {
	f := newFixture(t)
	u, target := f.user(), f.user()
	admin, err := f.app.CreateUser(f.ctx, SignupInput{Email: "admin1@example.com", Password: "password-1", Nickname: "boss_1"}, meetpin.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.app.Report(f.ctx, u, ReportInput{TargetUID: target.ID, Reason: "스팸이에요"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.app.AdminOverview(f.ctx, nil)
	wantCode(t, "overview, anonymous", err, meetpin.EUNAUTHORIZED)
	_, err = f.app.AdminOverview(f.ctx, u)
	wantCode(t, "overview, user", err, meetpin.EFORBIDDEN)
	_, err = f.app.SetReportStatus(f.ctx, u, rep.ID, meetpin.ReportResolved)
	wantCode(t, "set status, user", err, meetpin.EFORBIDDEN)
	_, err = f.app.SetReportStatus(f.ctx, admin, rep.ID, "closed")
	wantCode(t, "set status closed", err, meetpin.EVALIDATION)
	ov, err := f.app.AdminOverview(f.ctx, admin)
	if err != nil || len(ov.Reports) != 1 || ov.Counts == nil {
		t.Fatalf("overview: %+v, %v", ov, err)
	}
	if r, err := f.app.SetReportStatus(f.ctx, admin, rep.ID, meetpin.ReportResolved); err != nil || r.Status != meetpin.ReportResolved {
		t.Errorf("resolve: %+v, %v", r, err)
	}
	if ov, _ := f.app.AdminOverview(f.ctx, admin); len(ov.Reports) != 0 {
		t.Errorf("the queue still holds a resolved report: %+v", ov.Reports)
	}
}
