package meetpintest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

func testAdmin(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("Counts", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		c, err := s.AdminCounts(ctx, now())
		assertCode(t, err, "")
		assertEq(t, "empty store", *c, meetpin.AdminCounts{})

		host, guest, other := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		upcoming := mustCreateRoom(t, s, host)
		mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Status = meetpin.RoomCancelled })
		m := mustCreateMatch(t, s, upcoming, guest, now())
		mustCreateMessage(t, s, m, guest, "안녕하세요")
		mustCreateMessage(t, s, m, host, "반가워요")
		mustCreateMessage(t, s, m, guest, "곧 봬요")
		base := now().Add(-time.Hour)
		mustCreateReport(t, s, other, host, nil, base, base.Add(-24*time.Hour))
		r2 := mustCreateReport(t, s, other, guest, nil, base.Add(time.Minute), base.Add(-24*time.Hour))
		if _, err := s.SetReportStatus(ctx, r2.ID, meetpin.ReportResolved); err != nil {
			t.Fatal(err)
		}

		c, err = s.AdminCounts(ctx, now())
		assertCode(t, err, "")
		assertEq(t, "counts", *c, meetpin.AdminCounts{Users: 3, Rooms: 2, ActiveRooms: 1, Matches: 1, Messages: 3, Reports: 2, PendingReports: 1})
		// Once the room has started it is no longer active.
		c, err = s.AdminCounts(ctx, upcoming.StartAt.Add(time.Millisecond))
		assertCode(t, err, "")
		assertEq(t, "active rooms after the start", c.ActiveRooms, 0)
	})

	t.Run("ReportQueue", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		reporter, a, b, c := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		base := now().Add(-time.Hour)
		since := base.Add(-24 * time.Hour)
		newest := mustCreateReport(t, s, reporter, a, nil, base.Add(2*time.Minute), since)
		oldest := mustCreateReport(t, s, reporter, b, nil, base, since)
		middle := mustCreateReport(t, s, reporter, c, nil, base.Add(time.Minute), since)

		got, err := s.ReportsByStatus(ctx, meetpin.ReportPending, 10)
		assertCode(t, err, "")
		assertReports(t, "pending, oldest first", got, oldest, middle, newest)
		got, err = s.ReportsByStatus(ctx, meetpin.ReportPending, 2)
		assertCode(t, err, "")
		assertReports(t, "pending, limited", got, oldest, middle)

		r, err := s.SetReportStatus(ctx, middle.ID, meetpin.ReportReviewed)
		assertCode(t, err, "")
		assertEq(t, "new status", r.Status, meetpin.ReportReviewed)
		assertEq(t, "same report", r.ID, middle.ID)
		assertTime(t, "created_at kept", r.CreatedAt, middle.CreatedAt)
		got, err = s.ReportsByStatus(ctx, meetpin.ReportPending, 10)
		assertCode(t, err, "")
		assertReports(t, "pending after review", got, oldest, newest)
		middle.Status = meetpin.ReportReviewed
		got, err = s.ReportsByStatus(ctx, meetpin.ReportReviewed, 10)
		assertCode(t, err, "")
		assertReports(t, "reviewed", got, middle)

		_, err = s.SetReportStatus(ctx, oldest.ID, "deleted")
		assertCode(t, err, meetpin.EVALIDATION)
		for _, id := range []string{uuid.NewString(), malformedID} {
			_, err = s.SetReportStatus(ctx, id, meetpin.ReportResolved)
			assertCode(t, err, meetpin.ENOTFOUND)
		}
	})
}
