package meetpintest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

func testReports(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("CreateAndList", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		reporter, t1, t2, other := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, t1)
		base := now().Add(-time.Hour)
		withRoom := mustCreateReport(t, s, reporter, t1, &room.ID, base, base.Add(-24*time.Hour))
		noRoom := mustCreateReport(t, s, reporter, t2, nil, base.Add(time.Minute), base.Add(-24*time.Hour))
		byOther := mustCreateReport(t, s, other, t1, nil, base.Add(2*time.Minute), base.Add(-24*time.Hour))

		got, err := s.ReportsByReporter(ctx, reporter.ID)
		assertCode(t, err, "")
		assertReports(t, "ReportsByReporter(reporter)", got, noRoom, withRoom)
		got, err = s.ReportsByReporter(ctx, other.ID)
		assertCode(t, err, "")
		assertReports(t, "ReportsByReporter(other)", got, byOther)
		for _, id := range []string{t1.ID, uuid.NewString(), malformedID} {
			got, err = s.ReportsByReporter(ctx, id)
			assertCode(t, err, "")
			assertReports(t, "ReportsByReporter("+id+")", got)
		}
	})

	t.Run("OncePerWindow", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		reporter, target, other := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		at := now().Add(-time.Hour)
		first := mustCreateReport(t, s, reporter, target, nil, at, at.Add(-24*time.Hour))

		// Again within the window (since in the past 24 h, or exactly at
		// the first report): a conflict, and nothing is stored.
		for name, since := range map[string]time.Time{
			"since 24 h ago":         now().Add(-24 * time.Hour),
			"since the first report": at,
			"since 1 ms before":      at.Add(-time.Millisecond),
		} {
			r := newReport(reporter, target, nil, now())
			if got := meetpin.ErrorCode(s.CreateReport(ctx, r, since)); got != meetpin.ECONFLICT {
				t.Errorf("CreateReport(%s): error code = %q, want %q", name, got, meetpin.ECONFLICT)
			}
		}
		got, err := s.ReportsByReporter(ctx, reporter.ID)
		assertCode(t, err, "")
		assertReports(t, "reports after the refused ones", got, first)

		// Another reporter of the same target, and the same reporter of
		// another target, are separate.
		mustCreateReport(t, s, other, target, nil, now(), now().Add(-24*time.Hour))
		otherTarget := mustCreateReport(t, s, reporter, other, nil, now().Add(time.Second), now().Add(-24*time.Hour))

		// With since after the first report, it is allowed.
		second := mustCreateReport(t, s, reporter, target, nil, now().Add(2*time.Second), at.Add(time.Millisecond))
		got, err = s.ReportsByReporter(ctx, reporter.ID)
		assertCode(t, err, "")
		assertReports(t, "reports after the second one", got, second, otherTarget, first)
	})

	t.Run("ConcurrentOncePerWindow", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		reporter := mustCreateUser(t, s)
		since := now().Add(-24 * time.Hour)
		// The check and the insert are atomic: of many reports of the same
		// target at once, exactly one is stored. A few rounds, one target
		// each, to give a race more chances to show.
		const rounds, n = 5, 10
		var stored []*meetpin.Report
		for round := range rounds {
			target := mustCreateUser(t, s)
			reports := make([]*meetpin.Report, n)
			for i := range reports {
				reports[i] = newReport(reporter, target, nil, now().Add(time.Duration(round)*time.Second))
			}
			errs := together(n, func(i int) error { return s.CreateReport(ctx, reports[i], since) })
			codes := countCodes(errs)
			if codes[""] != 1 || codes[meetpin.ECONFLICT] != n-1 {
				t.Errorf("round %d: error codes %v, want 1 success and %d ECONFLICT (errors: %v)", round, codes, n-1, errs)
			}
			for i, err := range errs {
				if err == nil {
					stored = append([]*meetpin.Report{reports[i]}, stored...)
				}
			}
		}
		got, err := s.ReportsByReporter(ctx, reporter.ID)
		assertCode(t, err, "")
		assertReports(t, "ReportsByReporter", got, stored...)
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		reporter, target := mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, target)
		since := now().Add(-24 * time.Hour)
		for _, tc := range []struct {
			name string
			r    *meetpin.Report
			code meetpin.Code
		}{
			{"self-report", newReport(reporter, reporter, nil, now()), meetpin.EVALIDATION},
			{"empty reason", withReason(newReport(reporter, target, nil, now()), ""), meetpin.EVALIDATION},
			{"501-char reason", withReason(newReport(reporter, target, nil, now()), strings.Repeat("r", 501)), meetpin.EVALIDATION},
			{"501 Hangul chars", withReason(newReport(reporter, target, nil, now()), strings.Repeat("가", 501)), meetpin.EVALIDATION},
			{"unknown target", newReport(reporter, &meetpin.User{ID: uuid.NewString()}, nil, now()), meetpin.ENOTFOUND},
			{"malformed target", newReport(reporter, &meetpin.User{ID: malformedID}, nil, now()), meetpin.ENOTFOUND},
			{"unknown reporter", newReport(&meetpin.User{ID: uuid.NewString()}, target, nil, now()), meetpin.ENOTFOUND},
			{"unknown room", newReport(reporter, target, ptr(uuid.NewString()), now()), meetpin.ENOTFOUND},
			{"malformed room", newReport(reporter, target, ptr(malformedID), now()), meetpin.ENOTFOUND},
		} {
			if got := meetpin.ErrorCode(s.CreateReport(ctx, tc.r, since)); got != tc.code {
				t.Errorf("CreateReport(%s): error code = %q, want %q", tc.name, got, tc.code)
			}
		}
		got, err := s.ReportsByReporter(ctx, reporter.ID)
		assertCode(t, err, "")
		assertReports(t, "reports after refused ones", got)

		// Nothing was stored, so a valid report (500 chars) is not a
		// repeat.
		mustCreateReport(t, s, reporter, target, &room.ID, now(), since)
		long := newReport(reporter, mustCreateUser(t, s), nil, now())
		long.Reason = strings.Repeat("가", 500)
		assertCode(t, s.CreateReport(ctx, long, since), "")

		// The id is unique.
		dup := newReport(reporter, mustCreateUser(t, s), nil, now())
		dup.ID = long.ID
		assertCode(t, s.CreateReport(ctx, dup, since), meetpin.ECONFLICT)
		got, err = s.ReportsByReporter(ctx, reporter.ID)
		assertCode(t, err, "")
		assertEq(t, "len(ReportsByReporter)", len(got), 2)
	})

	t.Run("RoomDeleted", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		reporter, host := mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		r := mustCreateReport(t, s, reporter, host, &room.ID, now(), now().Add(-24*time.Hour))
		assertCode(t, s.DeleteRoom(ctx, room.ID), "")
		// The report outlives the room; it just no longer points at it.
		want := *r
		want.RoomID = nil
		got, err := s.ReportsByReporter(ctx, reporter.ID)
		assertCode(t, err, "")
		assertReports(t, "reports after DeleteRoom", got, &want)
	})
}

// newReport builds a report of target by reporter.
func newReport(reporter, target *meetpin.User, roomID *string, at time.Time) *meetpin.Report {
	return &meetpin.Report{
		ID:         uuid.NewString(),
		ReporterID: reporter.ID,
		TargetID:   target.ID,
		RoomID:     roomID,
		Reason:     "no-show and rude messages",
		Status:     meetpin.ReportPending,
		CreatedAt:  at,
	}
}

func withReason(r *meetpin.Report, reason string) *meetpin.Report {
	r.Reason = reason
	return r
}

// mustCreateReport stores a report created at `at`, checked against
// earlier reports since `since`.
func mustCreateReport(t *testing.T, s meetpin.Store, reporter, target *meetpin.User, roomID *string, at, since time.Time) *meetpin.Report {
	t.Helper()
	r := newReport(reporter, target, roomID, at)
	if err := s.CreateReport(t.Context(), r, since); err != nil {
		t.Fatalf("CreateReport: %v", err)
	}
	return r
}

// assertReports compares reports, in order, field by field.
func assertReports(t *testing.T, what string, got []*meetpin.Report, want ...*meetpin.Report) {
	t.Helper()
	if len(got) != len(want) {
		ids := make([]string, len(got))
		for i, r := range got {
			ids[i] = r.ID
		}
		t.Errorf("%s: %d reports %q, want %d", what, len(got), ids, len(want))
		return
	}
	for i := range got {
		r, w := got[i], want[i]
		assertEq(t, what+": ID", r.ID, w.ID)
		assertEq(t, what+": ReporterID", r.ReporterID, w.ReporterID)
		assertEq(t, what+": TargetID", r.TargetID, w.TargetID)
		assertStrPtr(t, what+": RoomID", r.RoomID, w.RoomID)
		assertEq(t, what+": Reason", r.Reason, w.Reason)
		assertEq(t, what+": Status", r.Status, w.Status)
		assertTime(t, what+": CreatedAt", r.CreatedAt, w.CreatedAt)
	}
}
