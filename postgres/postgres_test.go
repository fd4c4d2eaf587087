package postgres_test

import (
	"context"
	"errors"
	"math"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/migrate"
	"meetpin.app/postgres"
	"meetpin.app/postgres/postgrestest"
)

func TestStore(t *testing.T) {
	meetpintest.RunStore(t, func(t *testing.T) meetpin.Store { return postgrestest.New(t) })
}

func TestMigrateDownUp(t *testing.T) {
	meetpintest.RunMigrations(t, func(t *testing.T) (meetpin.Store, *migrate.Migrator) {
		db, err := postgres.Open(t.Context(), postgrestest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		m, err := db.Migrator()
		if err != nil {
			t.Fatal(err)
		}
		return db, m
	})
}

func TestOpenErrors(t *testing.T) {
	for _, tc := range []struct {
		name, url, want string
	}{
		{"Unreachable", "postgres://u:secret@127.0.0.1:1/x", "postgres: cannot connect to 127.0.0.1:1: connection refused"},
		{"BadPort", "postgres://u:secret@127.0.0.1:port/x", "postgres: invalid database URL: invalid port"},
		{"BadPortKeywordValue", "host=127.0.0.1 password=secret port=abc", "postgres: invalid database URL: invalid port"},
		{"BadUserinfo", "postgres://u:sec ret@127.0.0.1:5432/x", "postgres: invalid database URL: failed to parse as URL (unexpected spaces found in password"},
		{"BadSSLMode", "postgres://u:secret@127.0.0.1:5432/x?sslmode=sometimes", "postgres: invalid database URL: failed to configure TLS (sslmode is invalid)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			db, err := postgres.Open(t.Context(), tc.url)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tc.want) {
				t.Errorf("error = %q, want it to start with %q", msg, tc.want)
			}
			if strings.Contains(msg, "secret") || strings.Contains(msg, "sec ret") || strings.Contains(msg, "\n") {
				t.Errorf("error shows the password or spans lines: %q", msg)
			}
			if d := time.Since(start); d > 6*time.Second {
				t.Errorf("Open took %s", d)
			}
		})
	}
}

// TestOpenWrongPassword replaces the password of the test server's URL,
// whatever it is, and expects a refusal that does not show the password.
func TestOpenWrongPassword(t *testing.T) {
	u, err := url.Parse(postgrestest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	if u.User == nil || u.User.Username() == "" {
		t.Fatalf("%s names no role, so no wrong password can be tried: %s", meetpintest.EnvPostgres, u.Redacted())
	}
	u.User = url.UserPassword(u.User.Username(), "not-the-password")
	db, err := postgres.Open(t.Context(), u.String())
	if err == nil {
		db.Close()
		t.Fatalf("Open with a wrong password succeeded: the test server trusts %s without a password", u.Redacted())
	}
	if !strings.Contains(err.Error(), "password authentication failed") || strings.Contains(err.Error(), "not-the-password") {
		t.Errorf("Open with a wrong password: %v", err)
	}
}

// mustUser creates a user and returns it.
func mustUser(t *testing.T, db *postgres.DB) *meetpin.User {
	t.Helper()
	at := time.Now().UTC().Truncate(time.Millisecond)
	u := &meetpin.User{ID: uuid.NewString(), Email: "u" + uuid.NewString()[:8] + "@example.com", PasswordHash: "x",
		Role: meetpin.RoleUser, CreatedAt: at, UpdatedAt: at}
	p := &meetpin.Profile{Nickname: "n" + uuid.NewString()[:8], CreatedAt: at, UpdatedAt: at}
	if err := db.CreateUser(t.Context(), u, p); err != nil {
		t.Fatal(err)
	}
	return u
}

// room builds a valid room of host.
func room(host *meetpin.User) *meetpin.Room {
	at := time.Now().UTC().Truncate(time.Millisecond)
	return &meetpin.Room{ID: uuid.NewString(), HostID: host.ID, Title: "room", Category: meetpin.CategoryOther,
		Lat: 37.5, Lng: 127, PlaceText: "here", StartAt: at.Add(time.Hour), MaxPeople: 4,
		Visibility: meetpin.VisibilityPublic, Status: meetpin.RoomActive, CreatedAt: at, UpdatedAt: at}
}

// TestErrorMapping covers what the schema refuses in PostgreSQL's own ways:
// values beyond the integer columns, NUL bytes, and the messages and
// fields that name the broken constraint.
func TestErrorMapping(t *testing.T) {
	t.Parallel()
	db := postgrestest.New(t)
	ctx := t.Context()
	host := mustUser(t, db)
	r := room(host)
	if err := db.CreateRoom(ctx, r); err != nil {
		t.Fatal(err)
	}
	taken, err := db.ProfileByID(ctx, host.ID)
	if err != nil {
		t.Fatal(err)
	}

	dup := mustUser(t, db)
	dupNick := &meetpin.User{ID: uuid.NewString(), Email: "fresh@example.com", PasswordHash: "x", Role: meetpin.RoleUser}
	for _, tc := range []struct {
		name    string
		code    meetpin.Code
		message string
		field   string
		err     error
	}{
		{"MaxPeopleHuge", meetpin.EVALIDATION, "", "", db.CreateRoom(ctx, withRoom(host, func(r *meetpin.Room) { r.MaxPeople = 1 << 40 }))},
		{"FeeHuge", meetpin.EVALIDATION, "", "", db.CreateRoom(ctx, withRoom(host, func(r *meetpin.Room) { r.Fee = math.MinInt64 }))},
		{"UpdateMaxPeopleHuge", meetpin.EVALIDATION, "", "", updateErr(db, r.ID, meetpin.RoomUpdate{MaxPeople: ptr(1 << 40)})},
		{"NULInTitle", meetpin.EVALIDATION, "", "", db.CreateRoom(ctx, withRoom(host, func(r *meetpin.Room) { r.Title = "a\x00b" }))},
		{"InvalidUTF8", meetpin.EVALIDATION, "", "", db.CreateRoom(ctx, withRoom(host, func(r *meetpin.Room) { r.Title = "a\xffb" }))},
		{"LatNaN", meetpin.EVALIDATION, "lat: invalid value", "lat", db.CreateRoom(ctx, withRoom(host, func(r *meetpin.Room) { r.Lat = math.NaN() }))},
		{"TitleField", meetpin.EVALIDATION, "title: invalid value", "title", db.CreateRoom(ctx, withRoom(host, func(r *meetpin.Room) { r.Title = "" }))},
		{"StartBeforeCreated", meetpin.EVALIDATION, "start_at: must be after created_at", "", db.CreateRoom(ctx, withRoom(host, func(r *meetpin.Room) { r.StartAt = r.CreatedAt }))},
		{"DuplicateEmail", meetpin.ECONFLICT, "email already taken", "", db.CreateUser(ctx, &meetpin.User{ID: uuid.NewString(), Email: dup.Email, PasswordHash: "x", Role: meetpin.RoleUser}, &meetpin.Profile{Nickname: "other1"})},
		{"DuplicateNickname", meetpin.ECONFLICT, "nickname already taken", "", db.CreateUser(ctx, dupNick, &meetpin.Profile{Nickname: strings.ToUpper(taken.Nickname)})},
		{"DuplicateRoomID", meetpin.ECONFLICT, "room already exists", "", db.CreateRoom(ctx, withRoom(host, func(x *meetpin.Room) { x.ID = r.ID }))},
		{"UnknownHost", meetpin.ENOTFOUND, "user not found", "", db.CreateRoom(ctx, withRoom(host, func(r *meetpin.Room) { r.HostID = uuid.NewString() }))},
		{"UnknownRoom", meetpin.ENOTFOUND, "room not found", "", db.CreateRequest(ctx, &meetpin.Request{ID: uuid.NewString(), RoomID: uuid.NewString(), RequesterID: host.ID})},
		{"MalformedRoomID", meetpin.ENOTFOUND, "room not found", "", roomErr(db, "not-a-uuid")},
		{"SelfBlock", meetpin.EVALIDATION, "cannot block yourself", "", db.CreateBlock(ctx, &meetpin.Block{BlockerID: host.ID, BlockedID: host.ID})},
	} {
		if got := meetpin.ErrorCode(tc.err); got != tc.code {
			t.Errorf("%s: code = %q, want %q (err: %v)", tc.name, got, tc.code, tc.err)
			continue
		}
		if tc.message != "" && meetpin.ErrorMessage(tc.err) != tc.message {
			t.Errorf("%s: message = %q, want %q", tc.name, meetpin.ErrorMessage(tc.err), tc.message)
		}
		var e *meetpin.Error
		if tc.field != "" && (!errors.As(tc.err, &e) || e.Fields[tc.field] == "") {
			t.Errorf("%s: no problem reported for field %s: %#v", tc.name, tc.field, e)
		}
	}
}

func withRoom(host *meetpin.User, mod func(*meetpin.Room)) *meetpin.Room {
	r := room(host)
	mod(r)
	return r
}

func updateErr(db *postgres.DB, id string, upd meetpin.RoomUpdate) error {
	_, err := db.UpdateRoom(context.Background(), id, upd, time.Now())
	return err
}

func roomErr(db *postgres.DB, id string) error {
	_, err := db.RoomByID(context.Background(), id)
	return err
}

func ptr[T any](v T) *T { return &v }

// TestRoundTrip checks that float64 coordinates and times come back exactly,
// in UTC, whatever the zone and precision they were given in.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	db := postgrestest.New(t)
	host := mustUser(t, db)
	seoul := time.FixedZone("KST", 9*60*60)
	created := time.Date(2026, 3, 1, 18, 30, 0, 123_456_789, seoul)
	r := withRoom(host, func(r *meetpin.Room) {
		r.Lat, r.Lng = 37.49791234567891, -179.99999999999997
		r.CreatedAt, r.UpdatedAt, r.StartAt = created, created, created.Add(time.Hour)
	})
	if err := db.CreateRoom(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	got, err := db.RoomByID(t.Context(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lat != r.Lat || got.Lng != r.Lng {
		t.Errorf("coordinates = %v,%v, want %v,%v", got.Lat, got.Lng, r.Lat, r.Lng)
	}
	want := time.Date(2026, 3, 1, 9, 30, 0, 123_000_000, time.UTC)
	if got.CreatedAt != want {
		t.Errorf("CreatedAt = %v (%v), want %v", got.CreatedAt, got.CreatedAt.Location(), want)
	}
}

// TestCreateRooms covers the bulk insert: all rooms or none.
func TestCreateRooms(t *testing.T) {
	t.Parallel()
	db := postgrestest.New(t)
	ctx := t.Context()
	host := mustUser(t, db)
	good := []*meetpin.Room{room(host), room(host), withRoom(host, func(r *meetpin.Room) { r.Status = "" })}
	if err := db.CreateRooms(ctx, good); err != nil {
		t.Fatal(err)
	}
	if rooms, err := db.RoomsByHost(ctx, host.ID); err != nil || len(rooms) != 3 {
		t.Fatalf("RoomsByHost = %d rooms, %v; want 3", len(rooms), err)
	}
	for name, tc := range map[string]struct {
		code  meetpin.Code
		rooms []*meetpin.Room
	}{
		"BadTitle":    {meetpin.EVALIDATION, []*meetpin.Room{room(host), withRoom(host, func(r *meetpin.Room) { r.Title = "" })}},
		"UnknownHost": {meetpin.ENOTFOUND, []*meetpin.Room{room(host), withRoom(host, func(r *meetpin.Room) { r.HostID = uuid.NewString() })}},
		"DuplicateID": {meetpin.ECONFLICT, []*meetpin.Room{room(host), good[0]}},
	} {
		if got := meetpin.ErrorCode(db.CreateRooms(ctx, tc.rooms)); got != tc.code {
			t.Errorf("%s: code = %q, want %q", name, got, tc.code)
		}
		if _, err := db.RoomByID(ctx, tc.rooms[0].ID); meetpin.ErrorCode(err) != meetpin.ENOTFOUND {
			t.Errorf("%s: the valid room of the failed batch was stored (%v)", name, err)
		}
	}
}

// TestAcceptWhileDeleting races accepts against the deletion of their room:
// either the room is deleted and the accept finds nothing, or the accept
// wins and the deletion is refused. Never both, never a half.
func TestAcceptWhileDeleting(t *testing.T) {
	t.Parallel()
	db := postgrestest.New(t)
	ctx := t.Context()
	host := mustUser(t, db)
	for range 10 {
		r := room(host)
		if err := db.CreateRoom(ctx, r); err != nil {
			t.Fatal(err)
		}
		req := &meetpin.Request{ID: uuid.NewString(), RoomID: r.ID, RequesterID: mustUser(t, db).ID, CreatedAt: r.CreatedAt, UpdatedAt: r.CreatedAt}
		if err := db.CreateRequest(ctx, req); err != nil {
			t.Fatal(err)
		}
		var acceptErr, deleteErr error
		var wg sync.WaitGroup
		wg.Go(func() { _, acceptErr = db.AcceptRequest(ctx, req.ID, uuid.NewString(), time.Now()) })
		wg.Go(func() { deleteErr = db.DeleteRoom(ctx, r.ID) })
		wg.Wait()
		accept, del := meetpin.ErrorCode(acceptErr), meetpin.ErrorCode(deleteErr)
		if !(accept == "" && del == meetpin.EROOMHASPARTICIPANT) && !(accept == meetpin.ENOTFOUND && del == "") {
			t.Fatalf("accept: %v; delete: %v", acceptErr, deleteErr)
		}
	}
}

func TestPoolAndEngine(t *testing.T) {
	t.Parallel()
	db := postgrestest.New(t)
	if db.Engine() != meetpin.EnginePostgres {
		t.Errorf("Engine() = %q", db.Engine())
	}
	var one int
	if err := db.Pool().QueryRow(t.Context(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Errorf("Pool() query: %d, %v", one, err)
	}
	if st := db.Stats(); st.MaxOpen < 1 || st.Open < 1 {
		t.Errorf("Stats() = %+v", st)
	}
}
