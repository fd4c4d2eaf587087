package meetpintest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

// RunStore is the contract of meetpin.Store: the sqlite and postgres
// packages both call it from their tests. open must return a fresh, migrated
// and empty store for the (sub)test it is given and register its own
// clean-up; RunStore calls it once per subtest, and most subtests run in
// parallel, so run it under -race.
//
// The subtests are grouped by aggregate: User, Session, Room, ListRooms,
// Request, Match, Message, HostMessage, Notification, Report, Block,
// Maintenance, Telemetry, Admin, Engine, Boost and Tx.
func RunStore(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("User", func(t *testing.T) { t.Parallel(); testUsers(t, open) })
	t.Run("Session", func(t *testing.T) { t.Parallel(); testSessions(t, open) })
	t.Run("Room", func(t *testing.T) { t.Parallel(); testRooms(t, open) })
	t.Run("ListRooms", func(t *testing.T) { t.Parallel(); testListRooms(t, open) })
	t.Run("Request", func(t *testing.T) { t.Parallel(); testRequests(t, open) })
	t.Run("Match", func(t *testing.T) { t.Parallel(); testMatches(t, open) })
	t.Run("Message", func(t *testing.T) { t.Parallel(); testMessages(t, open) })
	t.Run("HostMessage", func(t *testing.T) { t.Parallel(); testHostMessages(t, open) })
	t.Run("Notification", func(t *testing.T) { t.Parallel(); testNotifications(t, open) })
	t.Run("Report", func(t *testing.T) { t.Parallel(); testReports(t, open) })
	t.Run("Block", func(t *testing.T) { t.Parallel(); testBlocks(t, open) })
	t.Run("Maintenance", func(t *testing.T) { t.Parallel(); testMaintenance(t, open) })
	t.Run("Telemetry", func(t *testing.T) { t.Parallel(); testTelemetry(t, open) })
	t.Run("Admin", func(t *testing.T) { t.Parallel(); testAdmin(t, open) })
	t.Run("Engine", func(t *testing.T) { t.Parallel(); testEngine(t, open) })
	t.Run("Boost", func(t *testing.T) { t.Parallel(); testBoosts(t, open) })
	t.Run("Tx", func(t *testing.T) { t.Parallel(); testTx(t, open) })
	t.Run("JoinedReads", func(t *testing.T) { t.Parallel(); testJoinedReads(t, open) })
}

// malformedID is an id that is not a UUID: every lookup by it is ENOTFOUND.
const malformedID = "not-a-uuid"

// now returns the current time the way every caller of the store passes it:
// UTC, truncated to the millisecond.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func ptr[T any](v T) *T { return &v }

// short returns a fresh 12-character lower-case hex string.
func short() string { return strings.ReplaceAll(uuid.NewString(), "-", "")[:12] }

// assertCode fails the test now unless err carries the domain error code
// (code "" means no error).
func assertCode(t *testing.T, err error, code meetpin.Code) {
	t.Helper()
	if got := meetpin.ErrorCode(err); got != code {
		if code == "" {
			t.Fatalf("unexpected error: %v (code %s)", err, got)
		}
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

// assertTime checks that got is the instant want and is in UTC.
func assertTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s location = %v, want UTC", what, got.Location())
	}
}

// assertTimePtr checks two optional times.
func assertTimePtr(t *testing.T, what string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %s, want %s", what, fmtPtr(got), fmtPtr(want))
	default:
		assertTime(t, what, *got, *want)
	}
}

// assertStrPtr checks two optional strings.
func assertStrPtr(t *testing.T, what string, got, want *string) {
	t.Helper()
	if (got == nil) != (want == nil) || (got != nil && *got != *want) {
		t.Errorf("%s = %s, want %s", what, fmtPtr(got), fmtPtr(want))
	}
}

func fmtPtr[T any](p *T) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q", fmt.Sprint(*p))
}

// assertEq compares two comparable values.
func assertEq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// newUser builds a valid user and its profile with unique email and
// nickname, created at now.
func newUser(at time.Time) (*meetpin.User, *meetpin.Profile) {
	id := uuid.NewString()
	tag := short()
	u := &meetpin.User{
		ID:           id,
		Email:        "user-" + tag + "@example.com",
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$test$test",
		Role:         meetpin.RoleUser,
		CreatedAt:    at,
		UpdatedAt:    at,
	}
	p := &meetpin.Profile{
		UserID:    id,
		Nickname:  "u" + tag,
		AgeRange:  ptr("20s_late"),
		AvatarURL: nil,
		Intro:     "",
		Role:      meetpin.RoleUser,
		CreatedAt: at,
		UpdatedAt: at,
	}
	return u, p
}

// mustCreateUser creates a valid user (after the optional mods) and returns
// it.
func mustCreateUser(t *testing.T, s meetpin.Store, mods ...func(*meetpin.User, *meetpin.Profile)) *meetpin.User {
	t.Helper()
	u, _ := mustCreateUserProfile(t, s, mods...)
	return u
}

// mustCreateUserProfile is mustCreateUser that also returns the profile it
// stored.
func mustCreateUserProfile(t *testing.T, s meetpin.Store, mods ...func(*meetpin.User, *meetpin.Profile)) (*meetpin.User, *meetpin.Profile) {
	t.Helper()
	u, p := newUser(now())
	for _, mod := range mods {
		mod(u, p)
	}
	if err := s.CreateUser(t.Context(), u, p); err != nil {
		t.Fatalf("CreateUser(%s): %v", p.Nickname, err)
	}
	return u, p
}

// newRoom builds a valid public drink room at Gangnam station hosted by
// hostID, created at `at` and starting two hours later.
func newRoom(hostID string, at time.Time) *meetpin.Room {
	return &meetpin.Room{
		ID:          uuid.NewString(),
		HostID:      hostID,
		Title:       "Beer after work",
		Category:    meetpin.CategoryDrink,
		Lat:         37.4979,
		Lng:         127.0276,
		PlaceText:   "강남역 2번 출구",
		StartAt:     at.Add(2 * time.Hour),
		MaxPeople:   4,
		Fee:         0,
		Visibility:  meetpin.VisibilityPublic,
		Description: "Two rounds, then home.",
		Status:      meetpin.RoomActive,
		CreatedAt:   at,
		UpdatedAt:   at,
	}
}

// mustCreateRoom creates a valid room hosted by host (after the optional
// mods) and returns it.
func mustCreateRoom(t *testing.T, s meetpin.Store, host *meetpin.User, mods ...func(*meetpin.Room)) *meetpin.Room {
	t.Helper()
	r := newRoom(host.ID, now())
	for _, mod := range mods {
		if mod != nil {
			mod(r)
		}
	}
	if err := s.CreateRoom(t.Context(), r); err != nil {
		t.Fatalf("CreateRoom(%q): %v", r.Title, err)
	}
	return r
}

// newRequest builds a pending request without a message.
func newRequest(roomID, requesterID string, at time.Time) *meetpin.Request {
	return &meetpin.Request{
		ID:          uuid.NewString(),
		RoomID:      roomID,
		RequesterID: requesterID,
		Status:      meetpin.RequestPending,
		CreatedAt:   at,
		UpdatedAt:   at,
	}
}

// mustCreateRequest creates a pending request of requester for room.
func mustCreateRequest(t *testing.T, s meetpin.Store, room *meetpin.Room, requester *meetpin.User, mods ...func(*meetpin.Request)) *meetpin.Request {
	t.Helper()
	r := newRequest(room.ID, requester.ID, now())
	for _, mod := range mods {
		mod(r)
	}
	if err := s.CreateRequest(t.Context(), r); err != nil {
		t.Fatalf("CreateRequest: %v", err)
	}
	return r
}

// mustAccept accepts a request and returns the result.
func mustAccept(t *testing.T, s meetpin.Store, requestID string) *meetpin.AcceptResult {
	t.Helper()
	res, err := s.AcceptRequest(t.Context(), requestID, uuid.NewString(), now())
	if err != nil {
		t.Fatalf("AcceptRequest: %v", err)
	}
	if res == nil || res.Request == nil || res.Match == nil {
		t.Fatalf("AcceptRequest returned an incomplete result: %+v", res)
	}
	return res
}

// mustRoom reads a room back.
func mustRoom(t *testing.T, s meetpin.Store, id string) *meetpin.Room {
	t.Helper()
	r, err := s.RoomByID(t.Context(), id)
	if err != nil {
		t.Fatalf("RoomByID: %v", err)
	}
	return r
}

// mustStats reads a user's profile stats.
func mustStats(t *testing.T, s meetpin.Store, id string) *meetpin.ProfileStats {
	t.Helper()
	st, err := s.ProfileStats(t.Context(), id)
	if err != nil {
		t.Fatalf("ProfileStats: %v", err)
	}
	return st
}

// roomTitles names rooms by title for readable failures.
func roomTitles(rooms []*meetpin.Room) []string {
	out := make([]string, len(rooms))
	for i, r := range rooms {
		out[i] = r.Title
	}
	return out
}

// assertRoomTitles checks the titles of rooms, in order.
func assertRoomTitles(t *testing.T, what string, rooms []*meetpin.Room, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got := roomTitles(rooms); !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// together runs fn(0) … fn(n-1) in n goroutines that all wait on one start
// signal, so that they hit the store at the same moment, and returns their
// errors by index.
func together(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// countCodes counts the error codes of errs ("" for success).
func countCodes(errs []error) map[meetpin.Code]int {
	out := map[meetpin.Code]int{}
	for _, err := range errs {
		out[meetpin.ErrorCode(err)]++
	}
	return out
}

// followWhileWriting is the replay contract of an event stream: writers
// goroutines each write each rows (write returns the new id) while a reader
// follows with after(lastSeen), as a reconnecting stream does. The reader
// must never be handed an id at or below one it has seen, and must end up
// with every id written, exactly once.
func followWhileWriting(t *testing.T, writers, each int, write func(w int) (int64, error), after func(int64) ([]int64, error)) {
	t.Helper()
	var mu sync.Mutex
	var written []int64
	done := make(chan []error, 1)
	go func() {
		done <- together(writers, func(w int) error {
			for range each {
				id, err := write(w)
				if err != nil {
					return err
				}
				mu.Lock()
				written = append(written, id)
				mu.Unlock()
			}
			return nil
		})
	}()
	var seen []int64
	last := int64(0)
	read := func() {
		ids, err := after(last)
		assertCode(t, err, "")
		for _, id := range ids {
			if id <= last {
				t.Errorf("after(%d) returned id %d", last, id)
			}
			seen = append(seen, id)
			last = id
		}
	}
	var errs []error
follow:
	for {
		select {
		case errs = <-done:
			break follow
		default:
			read()
		}
	}
	for _, err := range errs {
		assertCode(t, err, "")
	}
	for range writers * each {
		before := len(seen)
		read()
		if len(seen) == before {
			break
		}
	}
	slices.Sort(written)
	assertIDs(t, "ids the streaming reader saw", seen, written)
}
