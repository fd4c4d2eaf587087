package meetpintest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

func testNotifications(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("CreateAndMetadata", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		user := mustCreateUser(t, s)
		roomID := uuid.NewString()
		meta := map[string]any{
			"room_id": roomID,
			"title":   "맥주 한잔 🍺",
			"quote":   `he said "hi" \ bye`,
			"nested": map[string]any{
				"requester": "u1",
				"deeper":    map[string]any{"k": "v", "empty": ""},
			},
		}
		withMeta := &meetpin.Notification{
			UserID: user.ID, Type: meetpin.NotifyRoomRequest, Title: "새 참가 신청",
			Message: "누군가 참가를 신청했어요", Metadata: meta, CreatedAt: now().Add(-time.Minute),
		}
		assertCode(t, s.CreateNotification(ctx, withMeta), "")
		noMeta := &meetpin.Notification{
			UserID: user.ID, Type: meetpin.NotifyBoostReminder, Title: strings.Repeat("t", 200),
			Message: strings.Repeat("가", 1000), CreatedAt: now(),
		}
		assertCode(t, s.CreateNotification(ctx, noMeta), "")
		emptyMeta := &meetpin.Notification{
			UserID: user.ID, Type: meetpin.NotifyMessage, Title: "t", Message: "",
			Metadata: map[string]any{}, CreatedAt: now(),
		}
		assertCode(t, s.CreateNotification(ctx, emptyMeta), "")
		if withMeta.ID <= 0 || noMeta.ID <= withMeta.ID || emptyMeta.ID <= noMeta.ID {
			t.Errorf("notification ids %d, %d, %d do not increase from 1", withMeta.ID, noMeta.ID, emptyMeta.ID)
		}

		list, err := s.Notifications(ctx, user.ID, false, 0, 10)
		assertCode(t, err, "")
		assertNotificationIDs(t, "Notifications", list.Items, emptyMeta.ID, noMeta.ID, withMeta.ID)
		if len(list.Items) != 3 {
			return
		}
		assertNotification(t, "notification with metadata", list.Items[2], withMeta)
		if got := list.Items[2].Metadata; !reflect.DeepEqual(got, meta) {
			t.Errorf("Metadata = %#v, want %#v", got, meta)
		}
		for i, n := range []*meetpin.Notification{emptyMeta, noMeta} {
			assertNotification(t, "notification without metadata", list.Items[i], n)
			if got := list.Items[i].Metadata; len(got) != 0 {
				t.Errorf("Metadata of a notification without metadata = %#v, want empty", got)
			}
		}
		after, err := s.NotificationsAfter(ctx, user.ID, 0, 10)
		assertCode(t, err, "")
		assertNotificationIDs(t, "NotificationsAfter", after, withMeta.ID, noMeta.ID, emptyMeta.ID)
		if len(after) == 3 && !reflect.DeepEqual(after[0].Metadata, meta) {
			t.Errorf("NotificationsAfter: Metadata = %#v, want %#v", after[0].Metadata, meta)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		user := mustCreateUser(t, s)
		for _, tc := range []struct {
			name string
			mod  func(*meetpin.Notification)
			code meetpin.Code
		}{
			{"unknown type", func(n *meetpin.Notification) { n.Type = "spam" }, meetpin.EVALIDATION},
			{"empty type", func(n *meetpin.Notification) { n.Type = "" }, meetpin.EVALIDATION},
			{"empty title", func(n *meetpin.Notification) { n.Title = "" }, meetpin.EVALIDATION},
			{"201-char title", func(n *meetpin.Notification) { n.Title = strings.Repeat("가", 201) }, meetpin.EVALIDATION},
			{"1001-char message", func(n *meetpin.Notification) { n.Message = strings.Repeat("m", 1001) }, meetpin.EVALIDATION},
			{"unknown user", func(n *meetpin.Notification) { n.UserID = uuid.NewString() }, meetpin.ENOTFOUND},
			{"malformed user", func(n *meetpin.Notification) { n.UserID = malformedID }, meetpin.ENOTFOUND},
		} {
			n := newNotification(user, now())
			tc.mod(n)
			if got := meetpin.ErrorCode(s.CreateNotification(ctx, n)); got != tc.code {
				t.Errorf("CreateNotification(%s): error code = %q, want %q", tc.name, got, tc.code)
			}
		}
		list, err := s.Notifications(ctx, user.ID, false, 0, 10)
		assertCode(t, err, "")
		assertNotificationIDs(t, "Notifications after refused inserts", list.Items)
		assertEq(t, "Total", list.Total, 0)
		assertEq(t, "Unread", list.Unread, 0)
	})

	t.Run("Paging", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		alice, bob := mustCreateUser(t, s), mustCreateUser(t, s)
		base := now().Add(-time.Hour)
		var a []*meetpin.Notification
		for i := range 7 {
			a = append(a, mustCreateNotification(t, s, alice, base.Add(time.Duration(i)*time.Minute)))
			if i < 2 {
				mustCreateNotification(t, s, bob, base)
			}
		}
		assertCode(t, s.MarkNotificationRead(ctx, alice.ID, a[1].ID), "")
		assertCode(t, s.MarkNotificationRead(ctx, alice.ID, a[4].ID), "")
		a[1].IsRead, a[4].IsRead = true, true

		for _, tc := range []struct {
			unreadOnly    bool
			offset, limit int
			want          []int
			total         int
		}{
			{false, 0, 3, []int{6, 5, 4}, 7},
			{false, 3, 3, []int{3, 2, 1}, 7},
			{false, 6, 3, []int{0}, 7},
			{false, 7, 3, nil, 7},
			{false, 0, 100, []int{6, 5, 4, 3, 2, 1, 0}, 7},
			{true, 0, 100, []int{6, 5, 3, 2, 0}, 5},
			{true, 0, 2, []int{6, 5}, 5},
			{true, 2, 2, []int{3, 2}, 5},
			{true, 4, 2, []int{0}, 5},
		} {
			what := fmt.Sprintf("Notifications(unreadOnly=%v, offset=%d, limit=%d)", tc.unreadOnly, tc.offset, tc.limit)
			list, err := s.Notifications(ctx, alice.ID, tc.unreadOnly, tc.offset, tc.limit)
			assertCode(t, err, "")
			var want []int64
			for _, i := range tc.want {
				want = append(want, a[i].ID)
			}
			assertNotificationIDs(t, what, list.Items, want...)
			if len(list.Items) == len(tc.want) {
				for j, n := range list.Items {
					assertNotification(t, what, n, a[tc.want[j]])
				}
			}
			assertEq(t, what+": Total", list.Total, tc.total)
			assertEq(t, what+": Unread", list.Unread, 5)
		}

		list, err := s.Notifications(ctx, bob.ID, true, 0, 10)
		assertCode(t, err, "")
		assertEq(t, "bob's items", len(list.Items), 2)
		assertEq(t, "bob's Total", list.Total, 2)
		assertEq(t, "bob's Unread", list.Unread, 2)
		for _, id := range []string{uuid.NewString(), malformedID} {
			list, err := s.Notifications(ctx, id, false, 0, 10)
			assertCode(t, err, "")
			assertNotificationIDs(t, "Notifications("+id+")", list.Items)
			assertEq(t, "Total("+id+")", list.Total, 0)
			assertEq(t, "Unread("+id+")", list.Unread, 0)
		}
	})

	t.Run("After", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		alice, bob := mustCreateUser(t, s), mustCreateUser(t, s)
		var ids []int64
		for range 6 {
			ids = append(ids, mustCreateNotification(t, s, alice, now()).ID)
			mustCreateNotification(t, s, bob, now())
		}
		got, err := s.NotificationsAfter(ctx, alice.ID, ids[1], 3)
		assertCode(t, err, "")
		assertNotificationIDs(t, "NotificationsAfter(ids[1], 3)", got, ids[2:5]...)
		got, err = s.NotificationsAfter(ctx, alice.ID, 0, 100)
		assertCode(t, err, "")
		assertNotificationIDs(t, "NotificationsAfter(0, 100)", got, ids...)
		got, err = s.NotificationsAfter(ctx, alice.ID, ids[5], 100)
		assertCode(t, err, "")
		assertNotificationIDs(t, "NotificationsAfter(last id)", got)
		got, err = s.NotificationsAfter(ctx, bob.ID, 0, 100)
		assertCode(t, err, "")
		assertEq(t, "len(NotificationsAfter(bob))", len(got), 6)
		for _, n := range got {
			assertEq(t, "UserID", n.UserID, bob.ID)
		}
		for _, id := range []string{uuid.NewString(), malformedID} {
			got, err = s.NotificationsAfter(ctx, id, 0, 10)
			assertCode(t, err, "")
			assertNotificationIDs(t, "NotificationsAfter("+id+")", got)
		}
	})

	t.Run("ScopedToOwner", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		alice, bob := mustCreateUser(t, s), mustCreateUser(t, s)
		n := mustCreateNotification(t, s, alice, now())
		mine := mustCreateNotification(t, s, bob, now())

		// Another user's notification does not exist for bob.
		assertCode(t, s.MarkNotificationRead(ctx, bob.ID, n.ID), meetpin.ENOTFOUND)
		assertCode(t, s.DeleteNotification(ctx, bob.ID, n.ID), meetpin.ENOTFOUND)
		for _, user := range []string{uuid.NewString(), malformedID} {
			assertCode(t, s.MarkNotificationRead(ctx, user, n.ID), meetpin.ENOTFOUND)
			assertCode(t, s.DeleteNotification(ctx, user, n.ID), meetpin.ENOTFOUND)
		}
		for _, id := range []int64{mine.ID + 1000, 0, -1} {
			assertCode(t, s.MarkNotificationRead(ctx, alice.ID, id), meetpin.ENOTFOUND)
			assertCode(t, s.DeleteNotification(ctx, alice.ID, id), meetpin.ENOTFOUND)
		}
		list, err := s.Notifications(ctx, alice.ID, false, 0, 10)
		assertCode(t, err, "")
		assertNotificationIDs(t, "alice's notifications after bob's attempts", list.Items, n.ID)
		if len(list.Items) == 1 {
			assertNotification(t, "alice's notification", list.Items[0], n)
		}
		assertEq(t, "alice's Unread", list.Unread, 1)

		// The owner may.
		assertCode(t, s.MarkNotificationRead(ctx, alice.ID, n.ID), "")
		list, err = s.Notifications(ctx, alice.ID, false, 0, 10)
		assertCode(t, err, "")
		if len(list.Items) == 1 {
			assertEq(t, "IsRead after MarkNotificationRead", list.Items[0].IsRead, true)
		}
		assertEq(t, "alice's Unread after MarkNotificationRead", list.Unread, 0)
		list, err = s.Notifications(ctx, bob.ID, false, 0, 10)
		assertCode(t, err, "")
		assertEq(t, "bob's Unread", list.Unread, 1)

		assertCode(t, s.DeleteNotification(ctx, alice.ID, n.ID), "")
		assertCode(t, s.DeleteNotification(ctx, alice.ID, n.ID), meetpin.ENOTFOUND)
		assertCode(t, s.MarkNotificationRead(ctx, alice.ID, n.ID), meetpin.ENOTFOUND)
		list, err = s.Notifications(ctx, alice.ID, false, 0, 10)
		assertCode(t, err, "")
		assertNotificationIDs(t, "alice's notifications after DeleteNotification", list.Items)
		assertEq(t, "alice's Total after DeleteNotification", list.Total, 0)
		list, err = s.Notifications(ctx, bob.ID, false, 0, 10)
		assertCode(t, err, "")
		assertNotificationIDs(t, "bob's notifications", list.Items, mine.ID)
	})

	t.Run("MarkAllRead", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		alice, bob := mustCreateUser(t, s), mustCreateUser(t, s)
		var ids []int64
		for range 4 {
			ids = append(ids, mustCreateNotification(t, s, alice, now()).ID)
		}
		mustCreateNotification(t, s, bob, now())
		mustCreateNotification(t, s, bob, now())
		assertCode(t, s.MarkNotificationRead(ctx, alice.ID, ids[2]), "")

		n, err := s.MarkAllNotificationsRead(ctx, alice.ID)
		assertCode(t, err, "")
		assertEq(t, "MarkAllNotificationsRead count", n, int64(3))
		list, err := s.Notifications(ctx, alice.ID, false, 0, 10)
		assertCode(t, err, "")
		assertEq(t, "alice's Unread", list.Unread, 0)
		assertEq(t, "alice's Total", list.Total, 4)
		for _, item := range list.Items {
			assertEq(t, "IsRead", item.IsRead, true)
		}
		list, err = s.Notifications(ctx, bob.ID, true, 0, 10)
		assertCode(t, err, "")
		assertEq(t, "bob's Unread", list.Unread, 2)

		n, err = s.MarkAllNotificationsRead(ctx, alice.ID)
		assertCode(t, err, "")
		assertEq(t, "second MarkAllNotificationsRead count", n, int64(0))
		for _, id := range []string{uuid.NewString(), malformedID} {
			n, err = s.MarkAllNotificationsRead(ctx, id)
			assertCode(t, err, "")
			assertEq(t, "MarkAllNotificationsRead("+id+") count", n, int64(0))
		}
	})

	t.Run("DeleteBefore", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		alice, bob := mustCreateUser(t, s), mustCreateUser(t, s)
		cut := now().Add(-24 * time.Hour)
		read := func(u *meetpin.User, at time.Time) *meetpin.Notification {
			n := mustCreateNotification(t, s, u, at)
			assertCode(t, s.MarkNotificationRead(ctx, u.ID, n.ID), "")
			return n
		}
		read(alice, cut.Add(-time.Hour))
		oldUnread := mustCreateNotification(t, s, alice, cut.Add(-time.Hour))
		justBefore := mustCreateNotification(t, s, alice, cut.Add(-time.Millisecond))
		atCutRead := read(alice, cut)
		newRead := read(alice, now())
		newUnread := mustCreateNotification(t, s, alice, now())
		read(bob, cut.Add(-48*time.Hour))
		bobOldUnread := mustCreateNotification(t, s, bob, cut.Add(-48*time.Hour))

		ids := func(u *meetpin.User) []int64 {
			t.Helper()
			got, err := s.NotificationsAfter(ctx, u.ID, 0, 100)
			assertCode(t, err, "")
			out := make([]int64, len(got))
			for i, n := range got {
				out[i] = n.ID
			}
			return out
		}

		// Read only: the read ones created strictly before the cut, of
		// every user.
		n, err := s.DeleteNotificationsBefore(ctx, cut, true)
		assertCode(t, err, "")
		assertEq(t, "DeleteNotificationsBefore(readOnly) count", n, int64(2))
		assertIDs(t, "alice's after the read-only clean-up", ids(alice), []int64{oldUnread.ID, justBefore.ID, atCutRead.ID, newRead.ID, newUnread.ID})
		assertIDs(t, "bob's after the read-only clean-up", ids(bob), []int64{bobOldUnread.ID})

		// All: the unread ones before the cut go too.
		n, err = s.DeleteNotificationsBefore(ctx, cut, false)
		assertCode(t, err, "")
		assertEq(t, "DeleteNotificationsBefore(all) count", n, int64(3))
		assertIDs(t, "alice's after the full clean-up", ids(alice), []int64{atCutRead.ID, newRead.ID, newUnread.ID})
		assertIDs(t, "bob's after the full clean-up", ids(bob), []int64{})

		n, err = s.DeleteNotificationsBefore(ctx, cut, false)
		assertCode(t, err, "")
		assertEq(t, "second DeleteNotificationsBefore count", n, int64(0))
	})

	t.Run("ConcurrentStream", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		user := mustCreateUser(t, s)

		// Inserts for one user are serialized: a reader following with
		// NotificationsAfter never jumps over a notification.
		followWhileWriting(t, 4, 15, func(int) (int64, error) {
			n := newNotification(user, now())
			err := s.CreateNotification(ctx, n)
			return n.ID, err
		}, func(after int64) ([]int64, error) {
			got, err := s.NotificationsAfter(ctx, user.ID, after, 5)
			ids := make([]int64, len(got))
			for i, n := range got {
				ids[i] = n.ID
			}
			return ids, err
		})
	})
}

// newNotification builds a valid unread notification for user.
func newNotification(user *meetpin.User, at time.Time) *meetpin.Notification {
	return &meetpin.Notification{
		UserID:    user.ID,
		Type:      meetpin.NotifyMatchSuccess,
		Title:     "매칭 성공",
		Message:   "You have a match " + short(),
		Metadata:  map[string]any{"tag": short()},
		CreatedAt: at,
	}
}

// mustCreateNotification stores a notification for user created at `at`.
func mustCreateNotification(t *testing.T, s meetpin.Store, user *meetpin.User, at time.Time) *meetpin.Notification {
	t.Helper()
	n := newNotification(user, at)
	if err := s.CreateNotification(t.Context(), n); err != nil {
		t.Fatalf("CreateNotification: %v", err)
	}
	return n
}

// assertNotification compares every field of a notification but Metadata
// (compared with reflect.DeepEqual when it matters).
func assertNotification(t *testing.T, what string, got, want *meetpin.Notification) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: nil notification", what)
	}
	assertEq(t, what+": ID", got.ID, want.ID)
	assertEq(t, what+": UserID", got.UserID, want.UserID)
	assertEq(t, what+": Type", got.Type, want.Type)
	assertEq(t, what+": Title", got.Title, want.Title)
	assertEq(t, what+": Message", got.Message, want.Message)
	assertEq(t, what+": IsRead", got.IsRead, want.IsRead)
	assertTime(t, what+": CreatedAt", got.CreatedAt, want.CreatedAt)
	if len(want.Metadata) > 0 && !reflect.DeepEqual(got.Metadata, want.Metadata) {
		t.Errorf("%s: Metadata = %#v, want %#v", what, got.Metadata, want.Metadata)
	}
}

// assertNotificationIDs checks the ids of notifications, in order.
func assertNotificationIDs(t *testing.T, what string, got []*meetpin.Notification, want ...int64) {
	t.Helper()
	ids := make([]int64, len(got))
	for i, n := range got {
		ids[i] = n.ID
	}
	assertIDs(t, what, ids, want)
}
