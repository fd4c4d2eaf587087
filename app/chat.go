package app

import (
	"context"
	"strconv"

	"meetpin.app"
	"meetpin.app/dispatch"
)

// MaxMessagePage is the largest page of chat history.
const MaxMessagePage = 100

// MatchView is one of my matches, with the other person's public profile.
type MatchView struct {
	*meetpin.MatchSummary
	Other *meetpin.PublicProfile `json:"other"`
}

// MyMatches lists u's matches.
func (a *App) MyMatches(ctx context.Context, u *meetpin.User) ([]*MatchView, error) {
	sums, err := a.store.MatchesByUser(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*MatchView, 0, len(sums))
	for _, s := range sums {
		other := s.HostID
		if other == u.ID {
			other = s.GuestID
		}
		p, err := a.store.ProfileByID(ctx, other)
		if err != nil {
			return nil, err
		}
		out = append(out, &MatchView{MatchSummary: s, Other: publicProfile(p)})
	}
	return out, nil
}

// Match returns a match that u takes part in. Anyone else gets ENOTFOUND:
// not even the existence of a match is revealed.
func (a *App) Match(ctx context.Context, u *meetpin.User, id string) (*meetpin.Match, error) {
	m, err := a.store.MatchByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.HostID != u.ID && m.GuestID != u.ID {
		return nil, meetpin.Errorf(meetpin.ENOTFOUND, "match not found")
	}
	return m, nil
}

// MessagePage is a page of chat history, newest first, with the cursor of
// the next (older) page.
type MessagePage struct {
	Messages   []*meetpin.Message `json:"messages"`
	NextCursor *string            `json:"next_cursor"`
	ReadOnly   bool               `json:"read_only"`
}

// Messages returns a page of a match's history for a participant. before is
// the cursor of a previous page ("" for the newest page). Pages come from
// the cache when it holds them (readcache); the participant check and the
// block check never do.
func (a *App) Messages(ctx context.Context, u *meetpin.User, matchID, before, limitS string) (*MessagePage, error) {
	m, err := a.Match(ctx, u, matchID)
	if err != nil {
		return nil, err
	}
	var f meetpin.FieldErrors
	var beforeID int64
	if before != "" {
		if beforeID, err = strconv.ParseInt(before, 10, 64); err != nil || beforeID <= 0 {
			f.Add("before", "must be a cursor returned as next_cursor")
		}
	}
	limit := 50
	if limitS != "" {
		if limit, err = strconv.Atoi(limitS); err != nil || limit < 1 || limit > MaxMessagePage {
			f.Add("limit", "must be a whole number from 1 to 100")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	msgs, err := a.store.Messages(ctx, m.ID, beforeID, limit)
	if err != nil {
		return nil, err
	}
	page := &MessagePage{Messages: msgs}
	if len(msgs) == limit {
		c := strconv.FormatInt(msgs[len(msgs)-1].ID, 10)
		page.NextCursor = &c
	}
	page.ReadOnly = m.Blocked
	return page, nil
}

// PostMessage sends a chat message and notifies the other participant, in
// one unit of work. Across a block the chat is read-only.
func (a *App) PostMessage(ctx context.Context, u *meetpin.User, matchID, text string) (*meetpin.Message, error) {
	m, err := a.Match(ctx, u, matchID)
	if err != nil {
		return nil, err
	}
	var f meetpin.FieldErrors
	text = textLen(&f, "text", text, 1, 1000)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if m.Blocked {
		return nil, meetpin.Errorf(meetpin.EBLOCKED, "this conversation is read-only")
	}
	nick := a.nickname(ctx, u)
	other := m.HostID
	if other == u.ID {
		other = m.GuestID
	}
	msg := &meetpin.Message{MatchID: m.ID, SenderID: u.ID, Text: text, CreatedAt: a.Now()}
	err = a.disp.Do(ctx, func(w *dispatch.Unit) error {
		if err := w.CreateMessage(ctx, msg); err != nil {
			return err
		}
		w.Record(meetpin.MatchMessaged{MatchID: m.ID, MessageID: msg.ID})
		return a.notify(ctx, w, other, meetpin.NotifyMessage, nick+"님의 메시지", preview(text), "/chat/"+m.ID, map[string]any{"matchId": m.ID})
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// MarkRead records that u has read the match up to its newest message.
func (a *App) MarkRead(ctx context.Context, u *meetpin.User, matchID string) error {
	m, err := a.Match(ctx, u, matchID)
	if err != nil {
		return err
	}
	last, err := a.store.Messages(ctx, m.ID, 0, 1)
	if err != nil || len(last) == 0 {
		return err
	}
	return a.store.MarkMatchRead(ctx, m.ID, u.ID, last[0].ID)
}

// MessagesAfter returns what a participant's stream has not sent yet.
func (a *App) MessagesAfter(ctx context.Context, u *meetpin.User, matchID string, after int64) ([]*meetpin.Message, error) {
	if _, err := a.Match(ctx, u, matchID); err != nil {
		return nil, err
	}
	return a.store.MessagesAfter(ctx, matchID, after, MaxMessagePage)
}

// MatchStream returns the fetch of a participant's chat stream: the
// participant check runs once, here, not at every wake-up (a match never
// loses a participant; the stream ends with the session).
func (a *App) MatchStream(ctx context.Context, u *meetpin.User, matchID string) (func(ctx context.Context, after int64) ([]*meetpin.Message, error), error) {
	m, err := a.Match(ctx, u, matchID)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, after int64) ([]*meetpin.Message, error) {
		return a.store.MessagesAfter(ctx, m.ID, after, MaxMessagePage)
	}, nil
}

// LatestMessageID is where a fresh stream starts: history comes from the
// messages route, the stream carries what is new.
func (a *App) LatestMessageID(ctx context.Context, matchID string) (int64, error) {
	last, err := a.store.Messages(ctx, matchID, 0, 1)
	if err != nil || len(last) == 0 {
		return 0, err
	}
	return last[0].ID, nil
}

func preview(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
