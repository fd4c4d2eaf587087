package app

import (
	"context"
	"log/slog"

	"meetpin.app"
)

// Topics of the broker. Streams subscribe to them; writers publish after
// the row is committed.
func topicMatch(matchID string) string { return "match:" + matchID }
func topicUser(userID string) string   { return "user:" + userID }
func topicSession(hash string) string  { return "session:" + hash }

// MatchTopic, UserTopic and SessionTopic name the broker topics a stream
// subscribes to: new messages of a match, new notifications of a user, and
// the end of a session (logout).
func MatchTopic(matchID string) string { return topicMatch(matchID) }
func UserTopic(userID string) string   { return topicUser(userID) }
func SessionTopic(token string) string { return topicSession(hashToken(token)) }

// publish wakes the streams of topic. A failure is logged, not returned:
// the row is committed, and streams also poll, so nothing is lost.
func (a *App) publish(ctx context.Context, topic string) {
	if a.broker == nil {
		return
	}
	if err := a.broker.Publish(context.WithoutCancel(ctx), topic, nil); err != nil {
		a.log.WarnContext(ctx, "publish failed", slog.String("topic", topic), slog.Any("error", err))
	}
}

// notify stores a notification for its user and wakes the user's streams.
// The action that caused it has already happened, so a failure here is
// logged rather than undoing it.
func (a *App) notify(ctx context.Context, userID, typ, title, message, actionURL string, meta map[string]any) {
	if meta == nil {
		meta = map[string]any{}
	}
	if actionURL != "" {
		meta["actionUrl"] = actionURL
	}
	n := &meetpin.Notification{UserID: userID, Type: typ, Title: title, Message: message, Metadata: meta, CreatedAt: a.Now()}
	if err := a.store.CreateNotification(context.WithoutCancel(ctx), n); err != nil {
		a.log.ErrorContext(ctx, "notification not stored", slog.String("type", typ), slog.Any("error", err))
		return
	}
	a.InvalidateNotifications(ctx, userID)
	a.publish(ctx, topicUser(userID))
}
