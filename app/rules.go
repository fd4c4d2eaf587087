package app

import "time"

// The time rules of rooms and requests, in one place (the original scattered
// 30 minutes and 1 hour over config, routes and comments).
const (
	// RoomMinLead is how far ahead a room's start must be, when created or
	// moved.
	RoomMinLead = 30 * time.Minute
	// RoomMaxLead is how far ahead a room may be booked.
	RoomMaxLead = 7 * 24 * time.Hour
	// RequestCutoff: join requests close this long before the start.
	RequestCutoff = time.Hour
	// AcceptCutoff: a host may accept until this long before the start.
	AcceptCutoff = 30 * time.Minute
)

// Paging limits.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)
