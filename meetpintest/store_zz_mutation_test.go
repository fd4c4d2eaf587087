package meetpintest_test

// TEMPORARY mutation harness: deleted before hand-off.

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"meetpin"
	"meetpin/meetpintest"
	"meetpin/sqlite/sqlitetest"
)

type mut struct {
	meetpin.Store
	m string
}

func (s mut) ListRooms(ctx context.Context, f meetpin.RoomFilter) ([]*meetpin.Room, int, error) {
	switch s.m {
	case "noviewer":
		f.ViewerID = ""
	case "inclusive-now":
		f.Now = f.Now.Add(time.Millisecond)
	}
	rooms, total, err := s.Store.ListRooms(ctx, f)
	switch s.m {
	case "total":
		total = len(rooms)
	case "boostorder":
		// original: boost_until desc nulls last, then created desc
		slices.SortStableFunc(rooms, func(a, b *meetpin.Room) int {
			if (a.BoostUntil == nil) != (b.BoostUntil == nil) {
				if a.BoostUntil == nil {
					return 1
				}
				return -1
			}
			if a.BoostUntil != nil && !a.BoostUntil.Equal(*b.BoostUntil) {
				return b.BoostUntil.Compare(*a.BoostUntil)
			}
			return b.CreatedAt.Compare(a.CreatedAt)
		})
	case "nohost":
		for _, r := range rooms {
			r.Host = nil
		}
	}
	return rooms, total, err
}

func (s mut) AcceptRequest(ctx context.Context, id, matchID string, now time.Time) (*meetpin.AcceptResult, error) {
	res, err := s.Store.AcceptRequest(ctx, id, matchID, now)
	if s.m == "nofull" && res != nil {
		res.RoomFull = false
	}
	if s.m == "localtime" && res != nil {
		res.Match.CreatedAt = res.Match.CreatedAt.Local()
	}
	return res, err
}

func (s mut) UserByID(ctx context.Context, id string) (*meetpin.User, error) {
	u, err := s.Store.UserByID(ctx, id)
	if s.m == "internal" && meetpin.ErrorCode(err) == meetpin.ENOTFOUND && id == "not-a-uuid" {
		err = context.DeadlineExceeded
	}
	return u, err
}

func (s mut) SessionByTokenHash(ctx context.Context, hash string, now time.Time) (*meetpin.Session, error) {
	if s.m == "sessboundary" {
		now = now.Add(-time.Millisecond)
	}
	return s.Store.SessionByTokenHash(ctx, hash, now)
}

func (s mut) DeleteBlock(ctx context.Context, a, b string) error {
	err := s.Store.DeleteBlock(ctx, a, b)
	if s.m == "delblock" && meetpin.ErrorCode(err) == meetpin.ENOTFOUND {
		return nil
	}
	return err
}

func (s mut) RoomByID(ctx context.Context, id string) (*meetpin.Room, error) {
	r, err := s.Store.RoomByID(ctx, id)
	if s.m == "pcount" && r != nil {
		r.ParticipantsCount = 1
	}
	return r, err
}

func TestMutation(t *testing.T) {
	m := os.Getenv("MUT")
	if m == "" {
		t.Skip()
	}
	meetpintest.RunStore(t, func(t *testing.T) meetpin.Store { return mut{sqlitetest.New(t), m} })
}

