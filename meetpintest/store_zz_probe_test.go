package meetpintest_test

// TEMPORARY probe: deleted before hand-off.

import (
	"math"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin"
	"meetpin/postgres/postgrestest"
	"meetpin/sqlite/sqlitetest"
)

func probe(t *testing.T, s meetpin.Store) {
	ctx := t.Context()
	n := time.Now().UTC().Truncate(time.Millisecond)
	uid := uuid.NewString()
	u := &meetpin.User{ID: uid, Email: "p-" + uid[:8] + "@x.com", PasswordHash: "h", Role: "user", CreatedAt: n, UpdatedAt: n}
	p := &meetpin.Profile{UserID: uid, Nickname: "probe" + uid[:4], Role: "user", CreatedAt: n, UpdatedAt: n}
	if err := s.CreateUser(ctx, u, p); err != nil {
		t.Fatal(err)
	}
	room := func(mod func(*meetpin.Room)) error {
		r := &meetpin.Room{ID: uuid.NewString(), HostID: uid, Title: "t", Category: "drink", Lat: 37, Lng: 127, PlaceText: "p", StartAt: n.Add(time.Hour), MaxPeople: 4, Visibility: "public", Status: "active", CreatedAt: n, UpdatedAt: n}
		mod(r)
		return s.CreateRoom(ctx, r)
	}
	log := func(name string, err error) { t.Logf("%-28s code=%q err=%v", name, meetpin.ErrorCode(err), err) }
	log("LatNaN", room(func(r *meetpin.Room) { r.Lat = math.NaN() }))
	log("LngInf", room(func(r *meetpin.Room) { r.Lng = math.Inf(1) }))
	log("FeeHuge", room(func(r *meetpin.Room) { r.Fee = 1 << 40 }))
	log("MaxHuge", room(func(r *meetpin.Room) { r.MaxPeople = 1 << 40 }))
	log("TitleNUL", room(func(r *meetpin.Room) { r.Title = "a\x00b" }))
	log("TitleBadUTF8", room(func(r *meetpin.Room) { r.Title = "a\xffb" }))
	log("StatusEmpty", room(func(r *meetpin.Room) { r.Status = "" }))
	log("StatusCancelled", room(func(r *meetpin.Room) { r.Status = "cancelled" }))
	rs, err := s.RoomsByHost(ctx, "not-a-uuid")
	log("RoomsByHost(malformed)", err)
	_ = rs
	_, err = s.ListBlocks(ctx, "not-a-uuid")
	log("ListBlocks(malformed)", err)
	_, err = s.IsBlocked(ctx, "not-a-uuid", uid)
	log("IsBlocked(malformed)", err)
	_, _, err = s.ListRooms(ctx, meetpin.RoomFilter{BBox: meetpin.BBox{South: -90, West: -180, North: 90, East: 180}, Now: n, ViewerID: "not-a-uuid", Limit: 10})
	log("ListRooms(viewer malformed)", err)
	_, _, err = s.ListRooms(ctx, meetpin.RoomFilter{BBox: meetpin.BBox{South: -90, West: -180, North: 90, East: 180}, Now: n, Limit: 0})
	log("ListRooms(limit 0)", err)
	rooms, _, err := s.ListRooms(ctx, meetpin.RoomFilter{BBox: meetpin.BBox{South: -90, West: -180, North: 90, East: 180}, Now: n, Limit: 0})
	t.Logf("limit 0 -> %d rooms", len(rooms))
	_, _, err = s.ListRooms(ctx, meetpin.RoomFilter{BBox: meetpin.BBox{South: -90, West: -180, North: 90, East: 180}, Now: n, Limit: -1})
	log("ListRooms(limit -1)", err)
	_, _, err = s.ListRooms(ctx, meetpin.RoomFilter{BBox: meetpin.BBox{South: -90, West: -180, North: 90, East: 180}, Now: n, Limit: 5, Offset: -1})
	log("ListRooms(offset -1)", err)
	log("TouchSession(unknown)", s.TouchSession(ctx, "nope", n, n.Add(time.Hour)))
	log("DeleteSession(\"\")", s.DeleteSession(ctx, ""))
	pr, err := s.UpdateProfile(ctx, uid, meetpin.ProfileUpdate{}, n.Add(time.Second))
	log("UpdateProfile(empty)", err)
	if pr != nil {
		t.Logf("  updated_at after empty update: %v (was %v)", pr.UpdatedAt, n)
	}
	_, err = s.UpdateProfile(ctx, uid, meetpin.ProfileUpdate{AgeRange: ptr("40s"), ClearAgeRange: true}, n.Add(time.Second))
	log("UpdateProfile(set+clear)", err)
	pp, _ := s.ProfileByID(ctx, uid)
	t.Logf("  age after set+clear: %v", pp.AgeRange)
	_, err = s.UpdateProfile(ctx, uid, meetpin.ProfileUpdate{Nickname: ptr("a\x00b")}, n)
	log("UpdateProfile(NUL nick)", err)
	u2 := *u
	u2.ID = uuid.NewString()
	u2.Email = "Other@X.com"
	p2 := *p
	p2.UserID, p2.Nickname = u2.ID, "nick"+u2.ID[:4]
	log("CreateUser(upper email)", s.CreateUser(ctx, &u2, &p2))
	_, err = s.UserByEmail(ctx, "OTHER@x.com")
	log("UserByEmail(upper)", err)
	_, err = s.UserByEmail(ctx, "P-"+uid[:8]+"@X.COM")
	log("UserByEmail(upper, exists lower)", err)
	// profile with user id mismatch
	u3 := *u
	u3.ID = uuid.NewString()
	u3.Email = "m-" + u3.ID[:8] + "@x.com"
	p3 := *p
	p3.UserID, p3.Nickname = uuid.NewString(), "mm"+u3.ID[:4]
	log("CreateUser(p.UserID mismatch)", s.CreateUser(ctx, &u3, &p3))
	// session with zero times
	log("SetUserRole(\"\")", s.SetUserRole(ctx, uid, ""))
	rid := uuid.NewString()
	r := &meetpin.Room{ID: rid, HostID: uid, Title: "t", Category: "drink", Lat: 37, Lng: 127, PlaceText: "p", StartAt: n.Add(time.Hour), MaxPeople: 3, Visibility: "public", Status: "active", CreatedAt: n, UpdatedAt: n}
	if err := s.CreateRoom(ctx, r); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		g := uuid.NewString()
		if err := s.CreateUser(ctx, &meetpin.User{ID: g, Email: "g-" + g[:8] + "@x.com", PasswordHash: "h", Role: "user", CreatedAt: n, UpdatedAt: n}, &meetpin.Profile{UserID: g, Nickname: "g" + g[:6], Role: "user", CreatedAt: n, UpdatedAt: n}); err != nil {
			t.Fatal(err)
		}
		q := &meetpin.Request{ID: uuid.NewString(), RoomID: rid, RequesterID: g, Status: "pending", CreatedAt: n, UpdatedAt: n}
		if err := s.CreateRequest(ctx, q); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AcceptRequest(ctx, q.ID, uuid.NewString(), n); err != nil {
			t.Fatal(err)
		}
	}
	ur, err := s.UpdateRoom(ctx, rid, meetpin.RoomUpdate{MaxPeople: ptr(2)}, n)
	log("UpdateRoom(max below accepted)", err)
	if ur != nil {
		t.Logf("  UpdateRoom returned Host=%v ParticipantsCount=%d", ur.Host != nil, ur.ParticipantsCount)
	}
	ur, err = s.UpdateRoom(ctx, rid, meetpin.RoomUpdate{StartAt: ptr(n.Add(-time.Minute))}, n)
	log("UpdateRoom(start before created)", err)
	ur, err = s.UpdateRoom(ctx, rid, meetpin.RoomUpdate{}, n.Add(time.Second))
	log("UpdateRoom(empty)", err)
	pr2, err := s.ProfileByID(ctx, uid)
	t.Logf("  profile userID=%s", pr2.UserID)
}

func ptr[T any](v T) *T { return &v }

func TestProbeSQLite(t *testing.T) { probe(t, sqlitetest.New(t)) }
func TestProbePG(t *testing.T)     { probe(t, postgrestest.New(t)) }
