package meetpin

import (
	"context"
	"time"
)

// Message is a chat line inside a match. IDs increase in commit order
// within a match, so they double as the event ids of the chat stream.
type Message struct {
	ID        int64     `json:"id"`
	MatchID   string    `json:"match_id"`
	SenderID  string    `json:"sender_uid"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// MessageStore stores match chat.
type MessageStore interface {
	// CreateMessage inserts m and sets m.ID. Inserts into one match are
	// serialized, so a reader that has seen id N has seen every id below N
	// of that match. ENOTFOUND when the match or sender does not exist.
	CreateMessage(ctx context.Context, m *Message) error
	// Messages returns up to limit messages of a match with id < beforeID
	// (all when beforeID is 0), newest first.
	Messages(ctx context.Context, matchID string, beforeID int64, limit int) ([]*Message, error)
	// MessagesAfter returns up to limit messages with id > afterID, oldest
	// first: what a reconnecting stream missed.
	MessagesAfter(ctx context.Context, matchID string, afterID int64, limit int) ([]*Message, error)
	// MarkMatchRead records that userID (host or guest of the match) has
	// read up to message upTo. It never moves the mark backwards.
	MarkMatchRead(ctx context.Context, matchID, userID string, upTo int64) error
}

// HostMessage is a message between a room's host and one other user,
// before or without a match.
type HostMessage struct {
	ID         string    `json:"id"`
	RoomID     string    `json:"room_id"`
	SenderID   string    `json:"sender_uid"`
	ReceiverID string    `json:"receiver_uid"`
	Text       string    `json:"message"`
	IsRead     bool      `json:"is_read"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// HostMessageStore stores host messages.
type HostMessageStore interface {
	// CreateHostMessage inserts hm. ENOTFOUND when the room or a user does
	// not exist.
	CreateHostMessage(ctx context.Context, hm *HostMessage) error
	// HostMessageByID returns ENOTFOUND when absent.
	HostMessageByID(ctx context.Context, id string) (*HostMessage, error)
	// HostMessagesFor lists the messages a user sent or received, newest
	// first, at most limit.
	HostMessagesFor(ctx context.Context, userID string, limit int) ([]*HostMessage, error)
	// MarkHostMessageRead sets is_read; ENOTFOUND when absent.
	MarkHostMessageRead(ctx context.Context, id string, now time.Time) (*HostMessage, error)
	// HasHostMessage reports whether sender wrote to receiver about room.
	HasHostMessage(ctx context.Context, roomID, senderID, receiverID string) (bool, error)
}
