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

func testMessages(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("CreateAndRead", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, guest := mustCreateUser(t, s), mustCreateUser(t, s)
		m := mustCreateMatch(t, s, mustCreateRoom(t, s, host), guest, now())
		base := now().Add(-time.Hour)
		var sent []*meetpin.Message
		for i, text := range []string{"안녕하세요", "x", strings.Repeat("가", 1000), strings.Repeat("m", 1000), "see you 🍺"} {
			sender := host
			if i%2 == 1 {
				sender = guest
			}
			msg := &meetpin.Message{MatchID: m.ID, SenderID: sender.ID, Text: text, CreatedAt: base.Add(time.Duration(i) * time.Second)}
			assertCode(t, s.CreateMessage(ctx, msg), "")
			if msg.ID <= 0 {
				t.Errorf("message %d: ID = %d, want > 0", i, msg.ID)
			}
			if len(sent) > 0 && msg.ID <= sent[len(sent)-1].ID {
				t.Errorf("message %d: ID = %d, not above the previous id %d", i, msg.ID, sent[len(sent)-1].ID)
			}
			sent = append(sent, msg)
		}
		got, err := s.Messages(ctx, m.ID, 0, 100)
		assertCode(t, err, "")
		if len(got) != len(sent) {
			t.Fatalf("Messages returned %d messages, want %d", len(got), len(sent))
		}
		for i, msg := range got {
			assertMessage(t, fmt.Sprintf("Messages[%d]", i), msg, sent[len(sent)-1-i])
		}
		assertEq(t, "host MessagesSent", mustStats(t, s, host.ID).MessagesSent, 3)
		assertEq(t, "guest MessagesSent", mustStats(t, s, guest.ID).MessagesSent, 2)
	})

	t.Run("TextLength", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, guest := mustCreateUser(t, s), mustCreateUser(t, s)
		m := mustCreateMatch(t, s, mustCreateRoom(t, s, host), guest, now())
		for _, text := range []string{"", strings.Repeat("m", 1001), strings.Repeat("가", 1001)} {
			msg := &meetpin.Message{MatchID: m.ID, SenderID: guest.ID, Text: text, CreatedAt: now()}
			if got := meetpin.ErrorCode(s.CreateMessage(ctx, msg)); got != meetpin.EVALIDATION {
				t.Errorf("CreateMessage(%d chars): error code = %q, want %q", len([]rune(text)), got, meetpin.EVALIDATION)
			}
		}
		got, err := s.Messages(ctx, m.ID, 0, 100)
		assertCode(t, err, "")
		assertMessageIDs(t, "Messages after refused inserts", got)
	})

	t.Run("UnknownMatchOrSender", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, guest := mustCreateUser(t, s), mustCreateUser(t, s)
		m := mustCreateMatch(t, s, mustCreateRoom(t, s, host), guest, now())
		for name, msg := range map[string]*meetpin.Message{
			"unknown match":    {MatchID: uuid.NewString(), SenderID: guest.ID},
			"malformed match":  {MatchID: malformedID, SenderID: guest.ID},
			"unknown sender":   {MatchID: m.ID, SenderID: uuid.NewString()},
			"malformed sender": {MatchID: m.ID, SenderID: malformedID},
		} {
			msg.Text, msg.CreatedAt = "hello", now()
			if got := meetpin.ErrorCode(s.CreateMessage(ctx, msg)); got != meetpin.ENOTFOUND {
				t.Errorf("CreateMessage(%s): error code = %q, want %q", name, got, meetpin.ENOTFOUND)
			}
		}
		got, err := s.Messages(ctx, m.ID, 0, 100)
		assertCode(t, err, "")
		assertMessageIDs(t, "Messages after refused inserts", got)
		// Reading an unknown or malformed match is an empty chat.
		for _, id := range []string{uuid.NewString(), malformedID} {
			got, err = s.Messages(ctx, id, 0, 10)
			assertCode(t, err, "")
			assertMessageIDs(t, "Messages("+id+")", got)
			got, err = s.MessagesAfter(ctx, id, 0, 10)
			assertCode(t, err, "")
			assertMessageIDs(t, "MessagesAfter("+id+")", got)
		}
	})

	t.Run("Paging", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, guest, guest2 := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		m := mustCreateMatch(t, s, room, guest, now())
		other := mustCreateMatch(t, s, room, guest2, now())
		// Interleave the two chats so that their ids interleave.
		const n = 23
		var ids, otherIDs []int64
		for i := range n {
			ids = append(ids, mustCreateMessage(t, s, m, guest, fmt.Sprintf("m%d", i)).ID)
			otherIDs = append(otherIDs, mustCreateMessage(t, s, other, host, fmt.Sprintf("o%d", i)).ID)
		}
		desc := slices.Clone(ids)
		slices.Reverse(desc)

		all, err := s.Messages(ctx, m.ID, 0, 100)
		assertCode(t, err, "")
		assertMessageIDs(t, "Messages(0, 100)", all, desc...)
		for _, msg := range all {
			assertEq(t, "MatchID", msg.MatchID, m.ID)
		}

		// Newest first, page by page with the smallest id seen as the
		// cursor: every message exactly once, in order, then nothing.
		var seen []int64
		before := int64(0)
		for page := 0; ; page++ {
			if page > n {
				t.Fatalf("paging does not end: %d pages", page)
			}
			got, err := s.Messages(ctx, m.ID, before, 5)
			assertCode(t, err, "")
			if len(got) > 5 {
				t.Fatalf("page %d has %d messages, limit 5", page, len(got))
			}
			if len(got) == 0 {
				break
			}
			for _, msg := range got {
				seen = append(seen, msg.ID)
			}
			before = got[len(got)-1].ID
		}
		assertIDs(t, "messages seen by paging", seen, desc)

		got, err := s.Messages(ctx, m.ID, ids[10], 3)
		assertCode(t, err, "")
		assertMessageIDs(t, "Messages(before ids[10], 3)", got, ids[9], ids[8], ids[7])
		got, err = s.Messages(ctx, m.ID, ids[0], 10)
		assertCode(t, err, "")
		assertMessageIDs(t, "Messages(before the first id)", got)
		// A cursor taken from another chat still reads only this one.
		got, err = s.Messages(ctx, m.ID, otherIDs[5], 100)
		assertCode(t, err, "")
		want := []int64{}
		for _, id := range desc {
			if id < otherIDs[5] {
				want = append(want, id)
			}
		}
		assertMessageIDs(t, "Messages(before another chat's id)", got, want...)
	})

	t.Run("After", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, guest, guest2 := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		m := mustCreateMatch(t, s, room, guest, now())
		other := mustCreateMatch(t, s, room, guest2, now())
		var ids []int64
		var msgs []*meetpin.Message
		for i := range 12 {
			sender := host
			if i%3 == 0 {
				sender = guest
			}
			msg := mustCreateMessage(t, s, m, sender, fmt.Sprintf("m%d", i))
			ids, msgs = append(ids, msg.ID), append(msgs, msg)
			mustCreateMessage(t, s, other, guest2, fmt.Sprintf("o%d", i))
		}

		got, err := s.MessagesAfter(ctx, m.ID, 0, 4)
		assertCode(t, err, "")
		assertMessageIDs(t, "MessagesAfter(0, 4)", got, ids[:4]...)
		if len(got) == 4 {
			for i := range got {
				assertMessage(t, fmt.Sprintf("MessagesAfter(0, 4)[%d]", i), got[i], msgs[i])
			}
		}
		got, err = s.MessagesAfter(ctx, m.ID, ids[4], 3)
		assertCode(t, err, "")
		assertMessageIDs(t, "MessagesAfter(ids[4], 3)", got, ids[5:8]...)
		got, err = s.MessagesAfter(ctx, m.ID, ids[len(ids)-1], 10)
		assertCode(t, err, "")
		assertMessageIDs(t, "MessagesAfter(last id)", got)

		// Oldest first, page by page with the largest id seen as the
		// cursor: every message exactly once.
		var seen []int64
		after := int64(0)
		for page := 0; ; page++ {
			if page > len(ids) {
				t.Fatalf("paging does not end: %d pages", page)
			}
			got, err := s.MessagesAfter(ctx, m.ID, after, 5)
			assertCode(t, err, "")
			if len(got) > 5 {
				t.Fatalf("page %d has %d messages, limit 5", page, len(got))
			}
			if len(got) == 0 {
				break
			}
			for _, msg := range got {
				seen = append(seen, msg.ID)
				assertEq(t, "MatchID", msg.MatchID, m.ID)
			}
			after = got[len(got)-1].ID
		}
		assertIDs(t, "messages seen by MessagesAfter paging", seen, ids)
	})

	t.Run("ConcurrentStream", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, guest := mustCreateUser(t, s), mustCreateUser(t, s)
		m := mustCreateMatch(t, s, mustCreateRoom(t, s, host), guest, now())

		// Writers insert while a reader follows the chat with MessagesAfter
		// from the last id it saw. Inserts into one match are serialized,
		// so the reader can never jump over a message that commits later
		// with a smaller id.
		followWhileWriting(t, 4, 20, func(w int) (int64, error) {
			sender := host
			if w%2 == 1 {
				sender = guest
			}
			msg := &meetpin.Message{MatchID: m.ID, SenderID: sender.ID, Text: fmt.Sprintf("w%d-%d", w, time.Now().UnixNano()), CreatedAt: now()}
			err := s.CreateMessage(ctx, msg)
			return msg.ID, err
		}, func(after int64) ([]int64, error) {
			got, err := s.MessagesAfter(ctx, m.ID, after, 7)
			ids := make([]int64, len(got))
			for i, msg := range got {
				ids[i] = msg.ID
			}
			return ids, err
		})
	})
}

// mustCreateMessage sends text in match m from sender, now.
func mustCreateMessage(t *testing.T, s meetpin.Store, m *meetpin.Match, sender *meetpin.User, text string) *meetpin.Message {
	t.Helper()
	msg := &meetpin.Message{MatchID: m.ID, SenderID: sender.ID, Text: text, CreatedAt: now()}
	if err := s.CreateMessage(t.Context(), msg); err != nil {
		t.Fatalf("CreateMessage(%q): %v", text, err)
	}
	return msg
}

// assertMessage compares every field of a message.
func assertMessage(t *testing.T, what string, got, want *meetpin.Message) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: nil message", what)
	}
	assertEq(t, what+": ID", got.ID, want.ID)
	assertEq(t, what+": MatchID", got.MatchID, want.MatchID)
	assertEq(t, what+": SenderID", got.SenderID, want.SenderID)
	assertEq(t, what+": Text", got.Text, want.Text)
	assertTime(t, what+": CreatedAt", got.CreatedAt, want.CreatedAt)
}

// assertMessageIDs checks the ids of messages, in order.
func assertMessageIDs(t *testing.T, what string, got []*meetpin.Message, want ...int64) {
	t.Helper()
	ids := make([]int64, len(got))
	for i, m := range got {
		ids[i] = m.ID
	}
	assertIDs(t, what, ids, want)
}

// assertIDs compares two lists of ids, in order.
func assertIDs(t *testing.T, what string, got, want []int64) {
	t.Helper()
	if got == nil {
		got = []int64{}
	}
	if want == nil {
		want = []int64{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
