package meetpintest

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

func testRooms(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("CreateAndGet", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host, hp := mustCreateUserProfile(t, s, func(_ *meetpin.User, p *meetpin.Profile) {
			p.Nickname = "밋핀호스트"
			p.AvatarURL = ptr("https://api.dicebear.com/host.svg")
			p.Intro = "I host."
		})
		room := mustCreateRoom(t, s, host, func(r *meetpin.Room) {
			r.Title = "강남 맥주 한잔"
			r.Category = meetpin.CategoryExercise
			r.MaxPeople = 6
			r.Fee = 15000
		})
		got := mustRoom(t, s, room.ID)
		assertRoom(t, "RoomByID", got, room)
		assertHost(t, "RoomByID", got, hp)
		assertEq(t, "ParticipantsCount", got.ParticipantsCount, 1)
	})

	t.Run("CreateBoosted", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		until := now().Add(72 * time.Hour)
		room := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.BoostUntil = &until })
		got := mustRoom(t, s, room.ID)
		assertRoom(t, "RoomByID", got, room)
		if got.BoostUntil == nil {
			t.Fatal("BoostUntil was not stored")
		}
	})

	t.Run("NonUTCTimes", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		kst := time.FixedZone("KST", 9*60*60)
		until := now().Add(time.Hour).In(kst)
		room := mustCreateRoom(t, s, host, func(r *meetpin.Room) {
			r.CreatedAt, r.UpdatedAt, r.StartAt = r.CreatedAt.In(kst), r.UpdatedAt.In(kst), r.StartAt.In(kst)
			r.BoostUntil = &until
		})
		// assertRoom checks the instants and that they come back in UTC.
		assertRoom(t, "RoomByID", mustRoom(t, s, room.ID), room)
	})

	t.Run("DuplicateID", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		dup := newRoom(host.ID, now())
		dup.ID, dup.Title = room.ID, "Duplicate"
		assertCode(t, s.CreateRoom(t.Context(), dup), meetpin.ECONFLICT)
		assertRoom(t, "first room", mustRoom(t, s, room.ID), room)
	})

	t.Run("Constraints", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name string
			mod  func(*meetpin.Room)
		}{
			{"TitleEmpty", func(r *meetpin.Room) { r.Title = "" }},
			{"Title101", func(r *meetpin.Room) { r.Title = strings.Repeat("t", 101) }},
			{"Title101Hangul", func(r *meetpin.Room) { r.Title = strings.Repeat("밋", 101) }},
			{"BadCategory", func(r *meetpin.Room) { r.Category = "food" }},
			{"Lat91", func(r *meetpin.Room) { r.Lat = 91 }},
			{"LatBelowMinus90", func(r *meetpin.Room) { r.Lat = -90.5 }},
			{"LngAbove180", func(r *meetpin.Room) { r.Lng = 180.5 }},
			{"LngMinus181", func(r *meetpin.Room) { r.Lng = -181 }},
			{"LatNaN", func(r *meetpin.Room) { r.Lat = math.NaN() }},
			{"LngInf", func(r *meetpin.Room) { r.Lng = math.Inf(1) }},
			{"PlaceEmpty", func(r *meetpin.Room) { r.PlaceText = "" }},
			{"Place201", func(r *meetpin.Room) { r.PlaceText = strings.Repeat("p", 201) }},
			{"MaxPeople1", func(r *meetpin.Room) { r.MaxPeople = 1 }},
			{"MaxPeople21", func(r *meetpin.Room) { r.MaxPeople = 21 }},
			{"FeeNegative", func(r *meetpin.Room) { r.Fee = -1 }},
			{"Fee1000001", func(r *meetpin.Room) { r.Fee = 1000001 }},
			{"FeeBeyondInt32", func(r *meetpin.Room) { r.Fee = 1 << 40 }},
			{"MaxPeopleBeyondInt32", func(r *meetpin.Room) { r.MaxPeople = 1<<32 + 4 }},
			{"BadVisibility", func(r *meetpin.Room) { r.Visibility = "friends" }},
			{"Description1001", func(r *meetpin.Room) { r.Description = strings.Repeat("d", 1001) }},
			{"Description1001Hangul", func(r *meetpin.Room) { r.Description = strings.Repeat("설", 1001) }},
			{"BadStatus", func(r *meetpin.Room) { r.Status = "deleted" }},
			{"StartAtCreatedAt", func(r *meetpin.Room) { r.StartAt = r.CreatedAt }},
			{"StartBeforeCreated", func(r *meetpin.Room) { r.StartAt = r.CreatedAt.Add(-time.Hour) }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				s := open(t)
				ctx := t.Context()
				host := mustCreateUser(t, s)
				r := newRoom(host.ID, now())
				tc.mod(r)
				assertCode(t, s.CreateRoom(ctx, r), meetpin.EVALIDATION)
				_, err := s.RoomByID(ctx, r.ID)
				assertCode(t, err, meetpin.ENOTFOUND)
				rooms, err := s.RoomsByHost(ctx, host.ID)
				assertCode(t, err, "")
				assertEq(t, "len(RoomsByHost)", len(rooms), 0)
			})
		}
	})

	t.Run("Boundaries", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		for _, tc := range []struct {
			name string
			mod  func(*meetpin.Room)
		}{
			{"Title1", func(r *meetpin.Room) { r.Title = "t" }},
			{"Title100Hangul", func(r *meetpin.Room) { r.Title = strings.Repeat("밋", 100) }},
			{"Place200Hangul", func(r *meetpin.Room) { r.PlaceText = strings.Repeat("강", 200) }},
			{"Description1000Hangul", func(r *meetpin.Room) { r.Description = strings.Repeat("설", 1000) }},
			{"DescriptionEmpty", func(r *meetpin.Room) { r.Description = "" }},
			{"MaxPeople2", func(r *meetpin.Room) { r.MaxPeople = 2 }},
			{"MaxPeople20", func(r *meetpin.Room) { r.MaxPeople = 20 }},
			{"Fee1000000", func(r *meetpin.Room) { r.Fee = 1000000 }},
			{"NorthEast", func(r *meetpin.Room) { r.Lat, r.Lng = 90, 180 }},
			{"SouthWest", func(r *meetpin.Room) { r.Lat, r.Lng = -90, -180 }},
			{"Private", func(r *meetpin.Room) { r.Visibility = meetpin.VisibilityPrivate }},
			{"StartOneMsAfterCreated", func(r *meetpin.Room) { r.StartAt = r.CreatedAt.Add(time.Millisecond) }},
		} {
			r := newRoom(host.ID, now())
			tc.mod(r)
			if err := s.CreateRoom(t.Context(), r); err != nil {
				t.Errorf("%s: CreateRoom: %v", tc.name, err)
				continue
			}
			got, err := s.RoomByID(t.Context(), r.ID)
			if err != nil {
				t.Errorf("%s: RoomByID: %v", tc.name, err)
				continue
			}
			assertRoom(t, tc.name, got, r)
		}
	})

	t.Run("UnknownHost", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		mustCreateUser(t, s)
		for _, hostID := range []string{uuid.NewString(), malformedID} {
			r := newRoom(hostID, now())
			assertCode(t, s.CreateRoom(t.Context(), r), meetpin.ENOTFOUND)
			_, err := s.RoomByID(t.Context(), r.ID)
			assertCode(t, err, meetpin.ENOTFOUND)
		}
	})

	t.Run("UnknownID", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		mustCreateRoom(t, s, mustCreateUser(t, s))
		for _, id := range []string{uuid.NewString(), malformedID} {
			_, err := s.RoomByID(ctx, id)
			assertCode(t, err, meetpin.ENOTFOUND)
			_, err = s.UpdateRoom(ctx, id, meetpin.RoomUpdate{Title: ptr("x")}, now())
			assertCode(t, err, meetpin.ENOTFOUND)
			assertCode(t, s.DeleteRoom(ctx, id), meetpin.ENOTFOUND)
		}
	})

	t.Run("UpdatePartial", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, hp := mustCreateUserProfile(t, s)
		want := mustCreateRoom(t, s, host, func(r *meetpin.Room) {
			until := r.CreatedAt.Add(24 * time.Hour)
			r.BoostUntil = &until
		})
		other := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Title = "Other room" })
		at := want.UpdatedAt
		steps := []struct {
			name  string
			upd   meetpin.RoomUpdate
			apply func(*meetpin.Room)
		}{
			{"TitleAndFee", meetpin.RoomUpdate{Title: ptr("새 제목"), Fee: ptr(5000)}, func(r *meetpin.Room) {
				r.Title, r.Fee = "새 제목", 5000
			}},
			{"EmptyDescription", meetpin.RoomUpdate{Description: ptr("")}, func(r *meetpin.Room) { r.Description = "" }},
			{"Everything", meetpin.RoomUpdate{
				Title:       ptr("Morning run"),
				Category:    ptr(meetpin.CategoryExercise),
				Lat:         ptr(37.5665),
				Lng:         ptr(126.978),
				PlaceText:   ptr("서울시청"),
				StartAt:     ptr(want.CreatedAt.Add(5 * time.Hour)),
				MaxPeople:   ptr(10),
				Fee:         ptr(0),
				Visibility:  ptr(meetpin.VisibilityPrivate),
				Description: ptr("5 km"),
			}, func(r *meetpin.Room) {
				r.Title, r.Category, r.Lat, r.Lng, r.PlaceText = "Morning run", meetpin.CategoryExercise, 37.5665, 126.978, "서울시청"
				r.StartAt, r.MaxPeople, r.Fee, r.Visibility, r.Description = want.CreatedAt.Add(5*time.Hour), 10, 0, meetpin.VisibilityPrivate, "5 km"
			}},
		}
		for _, step := range steps {
			at = at.Add(time.Second)
			step.apply(want)
			want.UpdatedAt = at
			got, err := s.UpdateRoom(ctx, want.ID, step.upd, at)
			if err != nil {
				t.Fatalf("%s: UpdateRoom: %v", step.name, err)
			}
			assertRoom(t, step.name+": returned", got, want)
			assertHost(t, step.name+": returned", got, hp)
			assertEq(t, step.name+": returned ParticipantsCount", got.ParticipantsCount, 1)
			assertRoom(t, step.name+": stored", mustRoom(t, s, want.ID), want)
		}
		assertRoom(t, "other room", mustRoom(t, s, other.ID), other)
	})

	t.Run("UpdateConstraints", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		for name, upd := range map[string]meetpin.RoomUpdate{
			"TitleEmpty":         {Title: ptr("")},
			"Title101":           {Title: ptr(strings.Repeat("t", 101))},
			"Category":           {Category: ptr("food")},
			"Lat91":              {Lat: ptr(91.0)},
			"LngMinus181":        {Lng: ptr(-181.0)},
			"PlaceEmpty":         {PlaceText: ptr("")},
			"MaxPeople1":         {MaxPeople: ptr(1)},
			"MaxPeople21":        {MaxPeople: ptr(21)},
			"FeeNegative":        {Fee: ptr(-1)},
			"Visibility":         {Visibility: ptr("friends")},
			"Description1001":    {Description: ptr(strings.Repeat("d", 1001))},
			"StartBeforeCreated": {StartAt: ptr(room.CreatedAt.Add(-time.Minute))},
			"ValidTitleBadFee":   {Title: ptr("fine"), Fee: ptr(1000001)},
		} {
			_, err := s.UpdateRoom(ctx, room.ID, upd, now())
			if got := meetpin.ErrorCode(err); got != meetpin.EVALIDATION {
				t.Errorf("%s: error code = %q, want %q (err: %v)", name, got, meetpin.EVALIDATION, err)
			}
		}
		assertRoom(t, "unchanged", mustRoom(t, s, room.ID), room)
	})

	t.Run("UpdateMaxPeopleBelowParticipants", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s), func(r *meetpin.Room) { r.MaxPeople = 5 })
		for range 2 {
			req := mustCreateRequest(t, s, room, mustCreateUser(t, s))
			_, err := s.AcceptRequest(ctx, req.ID, uuid.NewString(), now())
			assertCode(t, err, "")
		}
		before := mustRoom(t, s, room.ID)
		_, err := s.UpdateRoom(ctx, room.ID, meetpin.RoomUpdate{MaxPeople: ptr(2), Title: ptr("smaller")}, now())
		assertCode(t, err, meetpin.EVALIDATION)
		var e *meetpin.Error
		if !errors.As(err, &e) || e.Fields["max_people"] != "must be at least 3" {
			t.Fatalf("error %v, want the max_people field", err)
		}
		assertRoom(t, "unchanged", mustRoom(t, s, room.ID), before)
		got, err := s.UpdateRoom(ctx, room.ID, meetpin.RoomUpdate{MaxPeople: ptr(3)}, now())
		assertCode(t, err, "")
		assertEq(t, "MaxPeople", got.MaxPeople, 3)
		_, err = s.UpdateRoom(ctx, uuid.NewString(), meetpin.RoomUpdate{MaxPeople: ptr(3)}, now())
		assertCode(t, err, meetpin.ENOTFOUND)
		_, err = s.UpdateRoom(ctx, "not-a-uuid", meetpin.RoomUpdate{MaxPeople: ptr(3)}, now())
		assertCode(t, err, meetpin.ENOTFOUND)
	})

	// UpdateMaxPeopleRacesAccept is the over-filled room of issue 14: a
	// host lowers max_people to 2 while accepting five guests into a room
	// of 6. Whatever the order, the room never holds more people than its
	// max_people: 100 rounds.
	t.Run("UpdateMaxPeopleRacesAccept", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		guests := make([]*meetpin.User, 5)
		for i := range guests {
			guests[i] = mustCreateUser(t, s)
		}
		overfilled, shrunk := 0, 0
		for round := range 100 {
			room := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.MaxPeople = 6 })
			reqs := make([]*meetpin.Request, len(guests))
			for i, g := range guests {
				reqs[i] = mustCreateRequest(t, s, room, g)
			}
			errs := together(len(reqs)+1, func(i int) error {
				if i == len(reqs) {
					_, err := s.UpdateRoom(ctx, room.ID, meetpin.RoomUpdate{MaxPeople: ptr(2)}, now())
					return err
				}
				_, err := s.AcceptRequest(ctx, reqs[i].ID, uuid.NewString(), now())
				return err
			})
			for i, err := range errs {
				if code := meetpin.ErrorCode(err); code != "" && code != meetpin.EROOMFULL && code != meetpin.EVALIDATION {
					t.Fatalf("round %d, call %d: %v", round, i, err)
				}
			}
			got := mustRoom(t, s, room.ID)
			if got.ParticipantsCount > got.MaxPeople {
				overfilled++
				t.Errorf("round %d: %d people in a room of %d", round, got.ParticipantsCount, got.MaxPeople)
			}
			if errs[len(reqs)] == nil {
				shrunk++
				assertEq(t, "MaxPeople after the update", got.MaxPeople, 2)
			} else {
				assertEq(t, "MaxPeople after a refused update", got.MaxPeople, 6)
			}
		}
		assertEq(t, "over-filled rooms", overfilled, 0)
		t.Logf("100 rounds: the update won %d, the accepts %d, 0 over-filled", shrunk, 100-shrunk)
	})

	t.Run("DeleteWithPendingRequest", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		keep := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Title = "Kept" })
		pending := mustCreateRequest(t, s, room, mustCreateUser(t, s))
		rejected := mustCreateRequest(t, s, room, mustCreateUser(t, s))
		if _, err := s.SetRequestStatus(ctx, rejected.ID, meetpin.RequestRejected, now()); err != nil {
			t.Fatalf("SetRequestStatus: %v", err)
		}
		keptReq := mustCreateRequest(t, s, keep, mustCreateUser(t, s))

		assertCode(t, s.DeleteRoom(ctx, room.ID), "")
		_, err := s.RoomByID(ctx, room.ID)
		assertCode(t, err, meetpin.ENOTFOUND)
		for _, id := range []string{pending.ID, rejected.ID} {
			_, err = s.RequestByID(ctx, id)
			assertCode(t, err, meetpin.ENOTFOUND)
		}
		assertCode(t, s.DeleteRoom(ctx, room.ID), meetpin.ENOTFOUND)

		assertRoom(t, "other room", mustRoom(t, s, keep.ID), keep)
		_, err = s.RequestByID(ctx, keptReq.ID)
		assertCode(t, err, "")
		assertEq(t, "HostedRooms", mustStats(t, s, host.ID).HostedRooms, 1)
	})

	t.Run("DeleteWithAcceptedRequest", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		guest := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		req := mustCreateRequest(t, s, room, guest)
		other := mustCreateRequest(t, s, room, mustCreateUser(t, s))
		mustAccept(t, s, req.ID)

		assertCode(t, s.DeleteRoom(ctx, room.ID), meetpin.EROOMHASPARTICIPANT)
		got := mustRoom(t, s, room.ID)
		assertRoom(t, "room", got, room)
		assertEq(t, "ParticipantsCount", got.ParticipantsCount, 2)
		r, err := s.RequestByID(ctx, req.ID)
		assertCode(t, err, "")
		assertEq(t, "accepted request status", r.Status, meetpin.RequestAccepted)
		r, err = s.RequestByID(ctx, other.ID)
		assertCode(t, err, "")
		assertEq(t, "pending request status", r.Status, meetpin.RequestPending)
		assertEq(t, "guest Matches", mustStats(t, s, guest.ID).Matches, 1)
	})

	t.Run("DeleteRacesAccept", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		guest := mustCreateUser(t, s)
		// Whichever commits first wins: either the room is deleted and the
		// accept finds nothing, or the accept succeeds and the delete is
		// refused. Never both.
		for round := range 10 {
			room := mustCreateRoom(t, s, host)
			req := mustCreateRequest(t, s, room, guest)
			errs := together(2, func(i int) error {
				if i == 0 {
					_, err := s.AcceptRequest(ctx, req.ID, uuid.NewString(), now())
					return err
				}
				return s.DeleteRoom(ctx, room.ID)
			})
			acceptCode, deleteCode := meetpin.ErrorCode(errs[0]), meetpin.ErrorCode(errs[1])
			switch {
			case acceptCode == "" && deleteCode == meetpin.EROOMHASPARTICIPANT:
				got := mustRoom(t, s, room.ID)
				assertEq(t, "ParticipantsCount", got.ParticipantsCount, 2)
				r, err := s.RequestByID(ctx, req.ID)
				assertCode(t, err, "")
				assertEq(t, "Status", r.Status, meetpin.RequestAccepted)
			case deleteCode == "" && (acceptCode == meetpin.ENOTFOUND || acceptCode == meetpin.ECONFLICT):
				_, err := s.RoomByID(ctx, room.ID)
				assertCode(t, err, meetpin.ENOTFOUND)
				_, err = s.RequestByID(ctx, req.ID)
				assertCode(t, err, meetpin.ENOTFOUND)
			default:
				t.Fatalf("round %d: accept = %v, delete = %v: want exactly one to win", round, errs[0], errs[1])
			}
		}
		// The guest has a match exactly for each room that survived.
		rooms, err := s.RoomsByHost(ctx, host.ID)
		assertCode(t, err, "")
		assertEq(t, "guest Matches", mustStats(t, s, guest.ID).Matches, len(rooms))
	})

	t.Run("RoomsByHostMalformedID", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		mustCreateRoom(t, s, mustCreateUser(t, s))
		// A malformed id is an unknown id, and an unknown host has no rooms.
		for _, id := range []string{uuid.NewString(), malformedID} {
			rooms, err := s.RoomsByHost(t.Context(), id)
			assertCode(t, err, "")
			assertRoomTitles(t, "RoomsByHost("+id+")", rooms)
		}
	})

	t.Run("RoomsByHost", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		other := mustCreateUser(t, s)
		at := now()
		mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Title, r.StartAt = "in 1h", at.Add(time.Hour) })
		mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Title, r.StartAt = "in 3h", at.Add(3*time.Hour) })
		mustCreateRoom(t, s, host, func(r *meetpin.Room) {
			r.Title, r.StartAt, r.Visibility = "in 2h private", at.Add(2*time.Hour), meetpin.VisibilityPrivate
		})
		mustCreateRoom(t, s, host, func(r *meetpin.Room) {
			r.Title, r.CreatedAt, r.UpdatedAt, r.StartAt = "1h ago", at.Add(-3*time.Hour), at.Add(-3*time.Hour), at.Add(-time.Hour)
		})
		mustCreateRoom(t, s, host, func(r *meetpin.Room) {
			r.Title, r.StartAt, r.Status = "in 90m cancelled", at.Add(90*time.Minute), meetpin.RoomCancelled
		})
		mustCreateRoom(t, s, other, func(r *meetpin.Room) { r.Title, r.StartAt = "other host", at.Add(4*time.Hour) })

		rooms, err := s.RoomsByHost(ctx, host.ID)
		assertCode(t, err, "")
		assertRoomTitles(t, "RoomsByHost", rooms, "in 3h", "in 2h private", "in 90m cancelled", "in 1h", "1h ago")
		for _, r := range rooms {
			assertEq(t, r.Title+": HostID", r.HostID, host.ID)
		}
		rooms, err = s.RoomsByHost(ctx, mustCreateUser(t, s).ID)
		assertCode(t, err, "")
		assertRoomTitles(t, "RoomsByHost of a user without rooms", rooms)
	})
}

// assertRoom compares the stored fields of a room (not Host and
// ParticipantsCount, which reads fill).
func assertRoom(t *testing.T, what string, got, want *meetpin.Room) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: nil room", what)
	}
	assertEq(t, what+": ID", got.ID, want.ID)
	assertEq(t, what+": HostID", got.HostID, want.HostID)
	assertEq(t, what+": Title", got.Title, want.Title)
	assertEq(t, what+": Category", got.Category, want.Category)
	assertEq(t, what+": Lat", got.Lat, want.Lat)
	assertEq(t, what+": Lng", got.Lng, want.Lng)
	assertEq(t, what+": PlaceText", got.PlaceText, want.PlaceText)
	assertTime(t, what+": StartAt", got.StartAt, want.StartAt)
	assertEq(t, what+": MaxPeople", got.MaxPeople, want.MaxPeople)
	assertEq(t, what+": Fee", got.Fee, want.Fee)
	assertEq(t, what+": Visibility", got.Visibility, want.Visibility)
	assertEq(t, what+": Description", got.Description, want.Description)
	assertEq(t, what+": Status", got.Status, want.Status)
	assertTimePtr(t, what+": BoostUntil", got.BoostUntil, want.BoostUntil)
	assertTime(t, what+": CreatedAt", got.CreatedAt, want.CreatedAt)
	assertTime(t, what+": UpdatedAt", got.UpdatedAt, want.UpdatedAt)
}

// assertHost checks that a read filled the room's host from its profile.
func assertHost(t *testing.T, what string, got *meetpin.Room, p *meetpin.Profile) {
	t.Helper()
	if got.Host == nil {
		t.Errorf("%s: Host not filled", what)
		return
	}
	assertEq(t, what+": Host.ID", got.Host.ID, p.UserID)
	assertEq(t, what+": Host.Nickname", got.Host.Nickname, p.Nickname)
	assertStrPtr(t, what+": Host.AvatarURL", got.Host.AvatarURL, p.AvatarURL)
	assertStrPtr(t, what+": Host.AgeRange", got.Host.AgeRange, p.AgeRange)
	assertEq(t, what+": Host.Intro", got.Host.Intro, p.Intro)
}
