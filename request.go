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
	// CreateRequest inserts a pending request. ECONFLICT when the requester
	// already has a request for the room.
	CreateRequest(ctx context.Context, r *Request) error
	// RequestByID returns ENOTFOUND when absent.
	RequestByID(ctx context.Context, id string) (*Request, error)
	// AcceptRequest marks a pending request accepted and creates its match
	// (with matchID) in one transaction, checking capacity atomically:
	// accepted guests may never exceed max_people − 1, however many accepts
	// run at once. ECONFLICT "room_full" when no place is left, ECONFLICT
	// when the request is no longer pending, ENOTFOUND when absent.
	AcceptRequest(ctx context.Context, id, matchID string, now time.Time) (*AcceptResult, error)
	// SetRequestStatus moves a pending request to rejected or cancelled.
	// ECONFLICT when it is no longer pending, ENOTFOUND when absent.
	SetRequestStatus(ctx context.Context, id, status string, now time.Time) (*Request, error)
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
