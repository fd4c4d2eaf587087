package meetpintest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

func testRequests(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("CreateAndGet", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		withMsg := mustCreateRequest(t, s, room, mustCreateUser(t, s), func(r *meetpin.Request) {
			r.Message = ptr("같이 가요! " + strings.Repeat("가", 493))
		})
		noMsg := mustCreateRequest(t, s, room, mustCreateUser(t, s))
		for _, want := range []*meetpin.Request{withMsg, noMsg} {
			got, err := s.RequestByID(ctx, want.ID)
			assertCode(t, err, "")
			assertRequest(t, "RequestByID", got, want)
		}
		assertEq(t, "ParticipantsCount with pending requests", mustRoom(t, s, room.ID).ParticipantsCount, 1)
	})

	t.Run("Duplicate", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		requester := mustCreateUser(t, s)
		first := mustCreateRequest(t, s, room, requester)
		dup := newRequest(room.ID, requester.ID, now())
		dup.Message = ptr("again")
		assertCode(t, s.CreateRequest(ctx, dup), meetpin.ECONFLICT)
		_, err := s.RequestByID(ctx, dup.ID)
		assertCode(t, err, meetpin.ENOTFOUND)
		got, err := s.RequestByID(ctx, first.ID)
		assertCode(t, err, "")
		assertRequest(t, "first request", got, first)

		// One request per user per room, ever: a rejected requester cannot
		// ask again.
		if _, err := s.SetRequestStatus(ctx, first.ID, meetpin.RequestRejected, now()); err != nil {
			t.Fatalf("SetRequestStatus: %v", err)
		}
		assertCode(t, s.CreateRequest(ctx, newRequest(room.ID, requester.ID, now())), meetpin.ECONFLICT)

		// The same requester may ask for another room.
		mustCreateRequest(t, s, mustCreateRoom(t, s, mustCreateUser(t, s)), requester)
	})

	t.Run("UnknownRoomOrRequester", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		requester := mustCreateUser(t, s)
		for name, r := range map[string]*meetpin.Request{
			"unknown room":        newRequest(uuid.NewString(), requester.ID, now()),
			"malformed room":      newRequest(malformedID, requester.ID, now()),
			"unknown requester":   newRequest(room.ID, uuid.NewString(), now()),
			"malformed requester": newRequest(room.ID, malformedID, now()),
		} {
			if got := meetpin.ErrorCode(s.CreateRequest(ctx, r)); got != meetpin.ENOTFOUND {
				t.Errorf("%s: error code = %q, want %q", name, got, meetpin.ENOTFOUND)
			}
			_, err := s.RequestByID(ctx, r.ID)
			assertCode(t, err, meetpin.ENOTFOUND)
		}
	})

	t.Run("MessageTooLong", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		requester := mustCreateUser(t, s)
		for _, msg := range []string{strings.Repeat("m", 501), strings.Repeat("가", 501)} {
			r := newRequest(room.ID, requester.ID, now())
			r.Message = &msg
			assertCode(t, s.CreateRequest(ctx, r), meetpin.EVALIDATION)
			_, err := s.RequestByID(ctx, r.ID)
			assertCode(t, err, meetpin.ENOTFOUND)
		}
		// Nothing was stored, so the requester may still ask.
		mustCreateRequest(t, s, room, requester, func(r *meetpin.Request) { r.Message = ptr(strings.Repeat("m", 500)) })
	})

	t.Run("UnknownID", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		mustCreateRequest(t, s, mustCreateRoom(t, s, mustCreateUser(t, s)), mustCreateUser(t, s))
		for _, id := range []string{uuid.NewString(), malformedID} {
			_, err := s.RequestByID(ctx, id)
			assertCode(t, err, meetpin.ENOTFOUND)
			_, err = s.AcceptRequest(ctx, id, uuid.NewString(), now())
			assertCode(t, err, meetpin.ENOTFOUND)
			_, err = s.SetRequestStatus(ctx, id, meetpin.RequestRejected, now())
			assertCode(t, err, meetpin.ENOTFOUND)
		}
	})

	t.Run("Accept", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		guest := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		req := mustCreateRequest(t, s, room, guest)
		other := mustCreateRequest(t, s, room, mustCreateUser(t, s))

		at := now().Add(time.Second)
		matchID := uuid.NewString()
		res, err := s.AcceptRequest(ctx, req.ID, matchID, at)
		assertCode(t, err, "")
		if res == nil || res.Request == nil || res.Match == nil {
			t.Fatalf("AcceptRequest returned an incomplete result: %+v", res)
		}
		want := *req
		want.Status, want.UpdatedAt = meetpin.RequestAccepted, at
		assertRequest(t, "result request", res.Request, &want)
		assertEq(t, "Match.ID", res.Match.ID, matchID)
		assertEq(t, "Match.RoomID", res.Match.RoomID, room.ID)
		assertEq(t, "Match.HostID", res.Match.HostID, host.ID)
		assertEq(t, "Match.GuestID", res.Match.GuestID, guest.ID)
		assertTime(t, "Match.CreatedAt", res.Match.CreatedAt, at)
		assertEq(t, "RoomFull", res.RoomFull, false)

		got, err := s.RequestByID(ctx, req.ID)
		assertCode(t, err, "")
		assertRequest(t, "stored request", got, &want)
		got, err = s.RequestByID(ctx, other.ID)
		assertCode(t, err, "")
		assertRequest(t, "other request", got, other)
		assertEq(t, "ParticipantsCount", mustRoom(t, s, room.ID).ParticipantsCount, 2)
		assertEq(t, "guest JoinedRooms", mustStats(t, s, guest.ID).JoinedRooms, 1)
		assertEq(t, "host Matches", mustStats(t, s, host.ID).Matches, 1)

		// Accepting twice is a conflict and creates no second match.
		_, err = s.AcceptRequest(ctx, req.ID, uuid.NewString(), now())
		assertCode(t, err, meetpin.ECONFLICT)
		assertEq(t, "ParticipantsCount after a second accept", mustRoom(t, s, room.ID).ParticipantsCount, 2)
		assertEq(t, "host Matches after a second accept", mustStats(t, s, host.ID).Matches, 1)
	})

	t.Run("AcceptNotPending", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		for _, status := range []string{meetpin.RequestRejected, meetpin.RequestCancelled} {
			guest := mustCreateUser(t, s)
			req := mustCreateRequest(t, s, room, guest)
			if _, err := s.SetRequestStatus(ctx, req.ID, status, now()); err != nil {
				t.Fatalf("SetRequestStatus(%s): %v", status, err)
			}
			_, err := s.AcceptRequest(ctx, req.ID, uuid.NewString(), now())
			assertCode(t, err, meetpin.ECONFLICT)
			got, err := s.RequestByID(ctx, req.ID)
			assertCode(t, err, "")
			assertEq(t, "Status", got.Status, status)
			assertEq(t, "guest Matches", mustStats(t, s, guest.ID).Matches, 0)
		}
		assertEq(t, "ParticipantsCount", mustRoom(t, s, room.ID).ParticipantsCount, 1)
	})

	t.Run("SetStatus", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		for _, status := range []string{meetpin.RequestRejected, meetpin.RequestCancelled} {
			req := mustCreateRequest(t, s, room, mustCreateUser(t, s))
			at := req.UpdatedAt.Add(time.Minute)
			got, err := s.SetRequestStatus(ctx, req.ID, status, at)
			assertCode(t, err, "")
			want := *req
			want.Status, want.UpdatedAt = status, at
			assertRequest(t, status+": returned", got, &want)
			got, err = s.RequestByID(ctx, req.ID)
			assertCode(t, err, "")
			assertRequest(t, status+": stored", got, &want)

			// No longer pending: every further move is a conflict.
			for _, next := range []string{meetpin.RequestRejected, meetpin.RequestCancelled} {
				_, err = s.SetRequestStatus(ctx, req.ID, next, now())
				assertCode(t, err, meetpin.ECONFLICT)
			}
			got, err = s.RequestByID(ctx, req.ID)
			assertCode(t, err, "")
			assertRequest(t, status+": after conflicts", got, &want)
		}

		accepted := mustCreateRequest(t, s, room, mustCreateUser(t, s))
		mustAccept(t, s, accepted.ID)
		for _, next := range []string{meetpin.RequestRejected, meetpin.RequestCancelled} {
			_, err := s.SetRequestStatus(ctx, accepted.ID, next, now())
			assertCode(t, err, meetpin.ECONFLICT)
		}
		got, err := s.RequestByID(ctx, accepted.ID)
		assertCode(t, err, "")
		assertEq(t, "accepted request Status", got.Status, meetpin.RequestAccepted)

		// A status outside the enumeration breaks the schema.
		pending := mustCreateRequest(t, s, room, mustCreateUser(t, s))
		_, err = s.SetRequestStatus(ctx, pending.ID, "maybe", now())
		assertCode(t, err, meetpin.EVALIDATION)
		got, err = s.RequestByID(ctx, pending.ID)
		assertCode(t, err, "")
		assertRequest(t, "pending request after a bad status", got, pending)
	})

	t.Run("DuplicateID", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		first := mustCreateRequest(t, s, room, mustCreateUser(t, s))
		other := mustCreateUser(t, s)
		dup := newRequest(room.ID, other.ID, now())
		dup.ID = first.ID
		assertCode(t, s.CreateRequest(ctx, dup), meetpin.ECONFLICT)
		got, err := s.RequestByID(ctx, first.ID)
		assertCode(t, err, "")
		assertRequest(t, "first request", got, first)
		// Nothing of the refused request was kept.
		mustCreateRequest(t, s, room, other)
	})

	t.Run("SetStatusAcceptedRefused", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		guest := mustCreateUser(t, s)
		req := mustCreateRequest(t, s, room, guest)
		// Only AcceptRequest accepts: it checks capacity and creates the
		// match. Pending and unknown statuses are not moves either.
		for _, status := range []string{meetpin.RequestAccepted, meetpin.RequestPending, "maybe", ""} {
			_, err := s.SetRequestStatus(ctx, req.ID, status, now())
			if got := meetpin.ErrorCode(err); got != meetpin.EVALIDATION {
				t.Errorf("SetRequestStatus(%q): error code = %q, want %q (err: %v)", status, got, meetpin.EVALIDATION, err)
			}
		}
		got, err := s.RequestByID(ctx, req.ID)
		assertCode(t, err, "")
		assertRequest(t, "request", got, req)
		assertEq(t, "ParticipantsCount", mustRoom(t, s, room.ID).ParticipantsCount, 1)
		assertEq(t, "guest Matches", mustStats(t, s, guest.ID).Matches, 0)
	})

	t.Run("AcceptIsAtomic", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		g1, g2 := mustCreateUser(t, s), mustCreateUser(t, s)
		r1 := mustCreateRequest(t, s, room, g1)
		r2 := mustCreateRequest(t, s, room, g2)
		matchID := uuid.NewString()
		if _, err := s.AcceptRequest(ctx, r1.ID, matchID, now()); err != nil {
			t.Fatalf("AcceptRequest: %v", err)
		}

		// The match insert fails on its primary key: the status change
		// made in the same transaction must be rolled back.
		_, err := s.AcceptRequest(ctx, r2.ID, matchID, now())
		assertCode(t, err, meetpin.ECONFLICT)
		got, err := s.RequestByID(ctx, r2.ID)
		assertCode(t, err, "")
		assertRequest(t, "request after a failed accept", got, r2)
		assertEq(t, "ParticipantsCount", mustRoom(t, s, room.ID).ParticipantsCount, 2)
		assertEq(t, "g2 JoinedRooms", mustStats(t, s, g2.ID).JoinedRooms, 0)
		assertEq(t, "g2 Matches", mustStats(t, s, g2.ID).Matches, 0)

		mustAccept(t, s, r2.ID)
		assertEq(t, "ParticipantsCount after the retry", mustRoom(t, s, room.ID).ParticipantsCount, 3)
	})

	t.Run("ConcurrentCreateDuplicate", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		requester := mustCreateUser(t, s)
		const n = 10
		reqs := make([]*meetpin.Request, n)
		for i := range reqs {
			reqs[i] = newRequest(room.ID, requester.ID, now())
		}
		errs := together(n, func(i int) error { return s.CreateRequest(ctx, reqs[i]) })
		codes := countCodes(errs)
		assertEq(t, "created", codes[""], 1)
		assertEq(t, "conflicts", codes[meetpin.ECONFLICT], n-1)
		if len(codes) > 2 || (len(codes) == 2 && codes[meetpin.ECONFLICT] == 0) {
			t.Errorf("unexpected error codes: %v (errors: %v)", codes, errs)
		}
		stored := 0
		for i, r := range reqs {
			_, err := s.RequestByID(ctx, r.ID)
			if err == nil {
				stored++
				if errs[i] != nil {
					t.Errorf("request %d was stored but CreateRequest said %v", i, errs[i])
				}
			}
		}
		assertEq(t, "stored requests", stored, 1)
	})

	t.Run("RoomFull", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.MaxPeople = 3 })
		reqs := make([]*meetpin.Request, 3)
		for i := range reqs {
			reqs[i] = mustCreateRequest(t, s, room, mustCreateUser(t, s))
		}

		assertEq(t, "first accept RoomFull", mustAccept(t, s, reqs[0].ID).RoomFull, false)
		assertEq(t, "ParticipantsCount", mustRoom(t, s, room.ID).ParticipantsCount, 2)
		assertEq(t, "second accept RoomFull", mustAccept(t, s, reqs[1].ID).RoomFull, true)
		assertEq(t, "ParticipantsCount", mustRoom(t, s, room.ID).ParticipantsCount, 3)

		// No place left: EROOMFULL (not ECONFLICT, which is for a request
		// that is no longer pending), and the request stays pending.
		_, err := s.AcceptRequest(ctx, reqs[2].ID, uuid.NewString(), now())
		assertCode(t, err, meetpin.EROOMFULL)
		got, err := s.RequestByID(ctx, reqs[2].ID)
		assertCode(t, err, "")
		assertRequest(t, "request refused for a full room", got, reqs[2])
		_, err = s.MatchByRoomGuest(ctx, room.ID, reqs[2].RequesterID)
		assertCode(t, err, meetpin.ENOTFOUND)
		assertEq(t, "ParticipantsCount when full", mustRoom(t, s, room.ID).ParticipantsCount, 3)
		assertEq(t, "refused requester Matches", mustStats(t, s, reqs[2].RequesterID).Matches, 0)
		assertEq(t, "host Matches", mustStats(t, s, host.ID).Matches, 2)

		// A two-person room is full after one accept.
		duo := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.MaxPeople = 2 })
		assertEq(t, "two-person room RoomFull", mustAccept(t, s, mustCreateRequest(t, s, duo, mustCreateUser(t, s)).ID).RoomFull, true)
	})

	t.Run("ConcurrentAccept", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.MaxPeople = 4 })
		const n = 30
		reqs := make([]*meetpin.Request, n)
		for i := range reqs {
			reqs[i] = mustCreateRequest(t, s, room, mustCreateUser(t, s))
		}

		results := make([]*meetpin.AcceptResult, n)
		errs := together(n, func(i int) (err error) {
			results[i], err = s.AcceptRequest(ctx, reqs[i].ID, uuid.NewString(), now())
			return err
		})

		var ok, roomFull, full int
		guests := map[string]bool{}
		for i, err := range errs {
			switch code := meetpin.ErrorCode(err); code {
			case "":
				ok++
				res := results[i]
				if res == nil || res.Request == nil || res.Match == nil {
					t.Errorf("accept %d: incomplete result %+v", i, res)
					continue
				}
				if res.RoomFull {
					full++
				}
				assertEq(t, "Match.GuestID", res.Match.GuestID, reqs[i].RequesterID)
				assertEq(t, "Match.HostID", res.Match.HostID, host.ID)
				guests[res.Match.GuestID] = true
			case meetpin.EROOMFULL:
				roomFull++
			default:
				t.Errorf("accept %d: unexpected error %v (code %s)", i, err, code)
			}
		}
		assertEq(t, "accepted", ok, 3)
		assertEq(t, "EROOMFULL refusals", roomFull, n-3)
		assertEq(t, "results with RoomFull", full, 1)
		assertEq(t, "distinct guests", len(guests), 3)
		assertEq(t, "ParticipantsCount", mustRoom(t, s, room.ID).ParticipantsCount, 4)
		assertEq(t, "host Matches", mustStats(t, s, host.ID).Matches, 3)

		accepted := 0
		for _, r := range reqs {
			got, err := s.RequestByID(ctx, r.ID)
			assertCode(t, err, "")
			if got.Status == meetpin.RequestAccepted {
				accepted++
				if !guests[got.RequesterID] {
					t.Errorf("request of %s is accepted but its accept failed", got.RequesterID)
				}
			}
		}
		assertEq(t, "stored accepted requests", accepted, 3)
	})

	t.Run("ReapplyAfterCancel", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		requester := mustCreateUser(t, s)
		first := mustCreateRequest(t, s, room, requester, func(r *meetpin.Request) { r.Message = ptr("first ask") })
		if _, err := s.SetRequestStatus(ctx, first.ID, meetpin.RequestCancelled, now()); err != nil {
			t.Fatalf("SetRequestStatus(cancelled): %v", err)
		}

		// A requester who cancelled may ask again: the cancelled request
		// becomes pending again, with the new message, and keeps its id.
		at := now().Add(time.Minute)
		again := newRequest(room.ID, requester.ID, at)
		newID := again.ID
		again.Message = ptr("second ask")
		assertCode(t, s.CreateRequest(ctx, again), "")
		assertEq(t, "re-created request ID", again.ID, first.ID)
		got, err := s.RequestByID(ctx, first.ID)
		assertCode(t, err, "")
		assertEq(t, "Status", got.Status, meetpin.RequestPending)
		assertStrPtr(t, "Message", got.Message, again.Message)
		assertEq(t, "RoomID", got.RoomID, room.ID)
		assertEq(t, "RequesterID", got.RequesterID, requester.ID)
		assertTime(t, "UpdatedAt", got.UpdatedAt, at)
		// The id the caller proposed was not used for a second row.
		_, err = s.RequestByID(ctx, newID)
		assertCode(t, err, meetpin.ENOTFOUND)
		reqs, err := s.RequestsByRoom(ctx, room.ID)
		assertCode(t, err, "")
		assertRequestIDs(t, "RequestsByRoom after re-apply", reqs, first.ID)

		// Pending again: a further ask is a conflict; cancel and ask again
		// without a message, which replaces (clears) the old one.
		assertCode(t, s.CreateRequest(ctx, newRequest(room.ID, requester.ID, now())), meetpin.ECONFLICT)
		if _, err := s.SetRequestStatus(ctx, first.ID, meetpin.RequestCancelled, now()); err != nil {
			t.Fatalf("SetRequestStatus(cancelled) again: %v", err)
		}
		third := newRequest(room.ID, requester.ID, now().Add(2*time.Minute))
		assertCode(t, s.CreateRequest(ctx, third), "")
		assertEq(t, "third request ID", third.ID, first.ID)
		got, err = s.RequestByID(ctx, first.ID)
		assertCode(t, err, "")
		assertEq(t, "Status after the third ask", got.Status, meetpin.RequestPending)
		assertStrPtr(t, "Message after the third ask", got.Message, nil)

		// The revived request is an ordinary pending request: it can be
		// accepted.
		res := mustAccept(t, s, first.ID)
		assertEq(t, "Match.GuestID", res.Match.GuestID, requester.ID)
		assertEq(t, "ParticipantsCount", mustRoom(t, s, room.ID).ParticipantsCount, 2)
	})

	t.Run("ReapplyClosed", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))

		rejected := mustCreateRequest(t, s, room, mustCreateUser(t, s), func(r *meetpin.Request) { r.Message = ptr("rejected") })
		if _, err := s.SetRequestStatus(ctx, rejected.ID, meetpin.RequestRejected, rejected.UpdatedAt); err != nil {
			t.Fatalf("SetRequestStatus(rejected): %v", err)
		}
		rejected.Status = meetpin.RequestRejected
		accepted := mustCreateRequest(t, s, room, mustCreateUser(t, s), func(r *meetpin.Request) { r.Message = ptr("accepted") })
		res := mustAccept(t, s, accepted.ID)

		for _, tc := range []struct {
			name string
			want *meetpin.Request
		}{{"rejected", rejected}, {"accepted", res.Request}} {
			again := newRequest(room.ID, tc.want.RequesterID, now().Add(time.Minute))
			againID := again.ID
			again.Message = ptr("let me in")
			assertCode(t, s.CreateRequest(ctx, again), meetpin.ECONFLICT)
			got, err := s.RequestByID(ctx, tc.want.ID)
			assertCode(t, err, "")
			assertRequest(t, tc.name+" request after a refused re-apply", got, tc.want)
			_, err = s.RequestByID(ctx, againID)
			assertCode(t, err, meetpin.ENOTFOUND)
		}
		assertEq(t, "ParticipantsCount", mustRoom(t, s, room.ID).ParticipantsCount, 2)
	})

	t.Run("ConcurrentReapply", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		room := mustCreateRoom(t, s, mustCreateUser(t, s))
		requester := mustCreateUser(t, s)
		first := mustCreateRequest(t, s, room, requester)
		if _, err := s.SetRequestStatus(ctx, first.ID, meetpin.RequestCancelled, now()); err != nil {
			t.Fatalf("SetRequestStatus(cancelled): %v", err)
		}
		// Many asks at once revive the cancelled request exactly once; the
		// others find it pending.
		const n = 10
		reqs := make([]*meetpin.Request, n)
		for i := range reqs {
			reqs[i] = newRequest(room.ID, requester.ID, now())
			reqs[i].Message = ptr(fmt.Sprintf("ask %d", i))
		}
		errs := together(n, func(i int) error { return s.CreateRequest(ctx, reqs[i]) })
		codes := countCodes(errs)
		assertEq(t, "revived", codes[""], 1)
		assertEq(t, "conflicts", codes[meetpin.ECONFLICT], n-1)
		winner := -1
		for i, err := range errs {
			if err == nil {
				winner = i
				assertEq(t, "winner's ID", reqs[i].ID, first.ID)
			}
		}
		got, err := s.RequestByID(ctx, first.ID)
		assertCode(t, err, "")
		assertEq(t, "Status", got.Status, meetpin.RequestPending)
		if winner >= 0 {
			assertStrPtr(t, "Message", got.Message, reqs[winner].Message)
		}
		all, err := s.RequestsByRoom(ctx, room.ID)
		assertCode(t, err, "")
		assertRequestIDs(t, "RequestsByRoom", all, first.ID)
	})

	t.Run("ListByRequesterAndRoom", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		r1, r2, r3 := mustCreateRoom(t, s, host), mustCreateRoom(t, s, host), mustCreateRoom(t, s, host)
		alice, bob := mustCreateUser(t, s), mustCreateUser(t, s)
		base := now().Add(-time.Hour)
		at := func(min int) func(*meetpin.Request) {
			return func(r *meetpin.Request) {
				r.CreatedAt = base.Add(time.Duration(min) * time.Minute)
				r.UpdatedAt = r.CreatedAt
			}
		}
		a1 := mustCreateRequest(t, s, r1, alice, at(1))
		a3 := mustCreateRequest(t, s, r3, alice, at(3))
		a2 := mustCreateRequest(t, s, r2, alice, at(2))
		b1 := mustCreateRequest(t, s, r1, bob, at(5))
		b2 := mustCreateRequest(t, s, r2, bob, at(0))
		if _, err := s.SetRequestStatus(ctx, a2.ID, meetpin.RequestRejected, now()); err != nil {
			t.Fatalf("SetRequestStatus: %v", err)
		}

		got, err := s.RequestsByRequester(ctx, alice.ID)
		assertCode(t, err, "")
		assertRequestIDs(t, "RequestsByRequester(alice)", got, a3.ID, a2.ID, a1.ID)
		if len(got) == 3 {
			assertRequest(t, "alice's newest", got[0], a3)
			assertEq(t, "alice's rejected request Status", got[1].Status, meetpin.RequestRejected)
		}
		got, err = s.RequestsByRequester(ctx, bob.ID)
		assertCode(t, err, "")
		assertRequestIDs(t, "RequestsByRequester(bob)", got, b1.ID, b2.ID)

		got, err = s.RequestsByRoom(ctx, r1.ID)
		assertCode(t, err, "")
		assertRequestIDs(t, "RequestsByRoom(r1)", got, b1.ID, a1.ID)
		if len(got) == 2 {
			assertRequest(t, "r1's newest", got[0], b1)
		}
		got, err = s.RequestsByRoom(ctx, r2.ID)
		assertCode(t, err, "")
		assertRequestIDs(t, "RequestsByRoom(r2)", got, a2.ID, b2.ID)
		got, err = s.RequestsByRoom(ctx, r3.ID)
		assertCode(t, err, "")
		assertRequestIDs(t, "RequestsByRoom(r3)", got, a3.ID)

		// The host asked for nothing; unknown and malformed ids have
		// nothing.
		for _, id := range []string{host.ID, uuid.NewString(), malformedID} {
			got, err = s.RequestsByRequester(ctx, id)
			assertCode(t, err, "")
			assertRequestIDs(t, "RequestsByRequester("+id+")", got)
		}
		for _, id := range []string{mustCreateRoom(t, s, host).ID, uuid.NewString(), malformedID} {
			got, err = s.RequestsByRoom(ctx, id)
			assertCode(t, err, "")
			assertRequestIDs(t, "RequestsByRoom("+id+")", got)
		}
	})
}

// assertRequestIDs checks the ids of requests, in order.
func assertRequestIDs(t *testing.T, what string, got []*meetpin.Request, want ...string) {
	t.Helper()
	ids := make([]string, len(got))
	for i, r := range got {
		ids[i] = r.ID
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(ids, want) {
		t.Errorf("%s = %q, want %q", what, ids, want)
	}
}

// assertRequest compares every field of a request.
func assertRequest(t *testing.T, what string, got, want *meetpin.Request) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: nil request", what)
	}
	assertEq(t, what+": ID", got.ID, want.ID)
	assertEq(t, what+": RoomID", got.RoomID, want.RoomID)
	assertEq(t, what+": RequesterID", got.RequesterID, want.RequesterID)
	assertStrPtr(t, what+": Message", got.Message, want.Message)
	assertEq(t, what+": Status", got.Status, want.Status)
	assertTime(t, what+": CreatedAt", got.CreatedAt, want.CreatedAt)
	assertTime(t, what+": UpdatedAt", got.UpdatedAt, want.UpdatedAt)
}
