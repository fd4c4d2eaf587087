package app

import (
	"context"

	"meetpin.app"
	"meetpin.app/dispatch"
)

// MatchTopic, UserTopic and SessionTopic name the broker topics a stream
// subscribes to: new messages of a match, new notifications of a user, and
// the end of a session (logout). The dispatcher publishes them.
func MatchTopic(matchID string) string { return dispatch.MatchTopic(matchID) }
func UserTopic(userID string) string   { return dispatch.UserTopic(userID) }
func SessionTopic(token string) string { return dispatch.SessionTopic(hashToken(token)) }

// notify stores a notification for its user inside the unit of work of the
// action that caused it, so both commit or neither does, and records that
// the user was notified (the dispatcher wakes their streams).
func (a *App) notify(ctx context.Context, u *dispatch.Unit, userID, typ, title, message, actionURL string, meta map[string]any) error {
	if meta == nil {
		meta = map[string]any{}
	}
	if actionURL != "" {
		meta["actionUrl"] = actionURL
	}
	n := &meetpin.Notification{UserID: userID, Type: typ, Title: title, Message: message, Metadata: meta, CreatedAt: a.Now()}
	if err := u.CreateNotification(ctx, n); err != nil {
		return err
	}
	u.Record(meetpin.UserNotified{UserID: userID})
	return nil
}
