package meetpin

import (
	"context"
	"time"
)

// Request statuses.
const (
	RequestPending   = "pending"
	RequestAccepted  = "accepted"
	RequestRejected  = "rejected"
	RequestCancelled = "cancelled"
)

// Request is a user's request to join a room.
type Request struct {
	ID          string    `json:"id"`
	RoomID      string    `json:"room_id"`
	RequesterID string    `json:"requester_uid"`
	Message     *string   `json:"message"`
	Status      string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Match is created when a host accepts a request; it unlocks the 1:1 chat.
type Match struct {
	ID        string    `json:"id"`
	RoomID    string    `json:"room_id"`
	HostID    string    `json:"host_uid"`
	GuestID   string    `json:"guest_uid"`
	CreatedAt time.Time `json:"created_at"`
	// Blocked reports that host or guest blocked the other (MatchByID
	// only), so that one read serves both the participant and the block
	// check of a chat write.
	Blocked bool `json:"-"`
}

// AcceptResult is what an accepted request produced.
type AcceptResult struct {
	Request *Request
	Match   *Match
	// RoomFull is true when this acceptance filled the room's last place.
	RoomFull bool
}

// RequestStore stores join requests and the matches they create.
type RequestStore interface {
	// CreateRequest inserts a pending request. A requester who cancelled
	// may ask again: the cancelled request becomes pending again (r.ID is
	// then set to its id). ECONFLICT when the requester already has a
	// pending, accepted or rejected request for the room; ENOTFOUND when the
	// room or user does not exist.
	CreateRequest(ctx context.Context, r *Request) error
	// RequestByID returns ENOTFOUND when absent.
	RequestByID(ctx context.Context, id string) (*Request, error)
	// AcceptRequest marks a pending request accepted and creates its match
	// (with matchID) in one transaction, checking capacity atomically:
	// accepted guests may never exceed max_people − 1, however many accepts
	// run at once. EROOMFULL when no place is left, ECONFLICT when the
	// request is no longer pending, ENOTFOUND when absent.
	AcceptRequest(ctx context.Context, id, matchID string, now time.Time) (*AcceptResult, error)
	// SetRequestStatus moves a pending request to rejected or cancelled.
	// ECONFLICT when it is no longer pending, ENOTFOUND when absent.
	SetRequestStatus(ctx context.Context, id, status string, now time.Time) (*Request, error)
}

// MatchStore lists requests and reads matches.
type MatchStore interface {
	// RequestsByRequester lists a user's requests, newest first.
	RequestsByRequester(ctx context.Context, requesterID string) ([]*Request, error)
	// RequestsByRoom lists a room's requests, newest first.
	RequestsByRoom(ctx context.Context, roomID string) ([]*Request, error)

	// MatchByID returns ENOTFOUND when absent. It sets Blocked.
	MatchByID(ctx context.Context, id string) (*Match, error)
	// MatchByRoomGuest returns the match of a guest in a room; ENOTFOUND
	// when there is none.
	MatchByRoomGuest(ctx context.Context, roomID, guestID string) (*Match, error)
	// MatchesByUser lists the matches where the user is host or guest,
	// newest first, with the room, the last message and the user's unread
	// count.
	MatchesByUser(ctx context.Context, userID string) ([]*MatchSummary, error)
}

// MatchSummary is one line of "my matches".
type MatchSummary struct {
	Match
	Room        *Room    `json:"room"`
	LastMessage *Message `json:"last_message"`
	Unread      int      `json:"unread_count"`
}

// Block is one user hiding another. Its effects are symmetric.
type Block struct {
	BlockerID string    `json:"blocker_uid"`
	BlockedID string    `json:"blocked_uid"`
	CreatedAt time.Time `json:"created_at"`
}

// BlockStore stores blocks.
type BlockStore interface {
	// CreateBlock records a block; blocking twice is not an error.
	CreateBlock(ctx context.Context, b *Block) error
	// DeleteBlock removes a block; ENOTFOUND if there was none.
	DeleteBlock(ctx context.Context, blockerID, blockedID string) error
	// ListBlocks lists the blocks made by blockerID, newest first.
	ListBlocks(ctx context.Context, blockerID string) ([]*Block, error)
	// IsBlocked reports whether either user blocked the other.
	IsBlocked(ctx context.Context, a, b string) (bool, error)
}
