package meetpin

import (
	"context"
	"strconv"
	"time"
)

// Room categories and visibilities.
const (
	CategoryDrink    = "drink"
	CategoryExercise = "exercise"
	CategoryOther    = "other"

	VisibilityPublic  = "public"
	VisibilityPrivate = "private"

	RoomActive    = "active"
	RoomCancelled = "cancelled"
)

// Categories lists the room categories.
var Categories = []string{CategoryDrink, CategoryExercise, CategoryOther}

// Room is a meetup pinned on the map. MaxPeople includes the host.
type Room struct {
	ID          string     `json:"id"`
	HostID      string     `json:"host_uid"`
	Title       string     `json:"title"`
	Category    string     `json:"category"`
	Lat         float64    `json:"lat"`
	Lng         float64    `json:"lng"`
	PlaceText   string     `json:"place_text"`
	StartAt     time.Time  `json:"start_at"`
	MaxPeople   int        `json:"max_people"`
	Fee         int        `json:"fee"`
	Visibility  string     `json:"visibility"`
	Description string     `json:"description"`
	Status      string     `json:"status"`
	BoostUntil  *time.Time `json:"boost_until"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`

	// Filled by reads: the host's public profile and the number of
	// participants (accepted guests + the host).
	Host              *PublicProfile `json:"host,omitempty"`
	ParticipantsCount int            `json:"participants_count"`
}

// Boosted reports whether the room's boost is active at now.
func (r *Room) Boosted(now time.Time) bool {
	return r.BoostUntil != nil && r.BoostUntil.After(now)
}

// PublicProfile is what anyone may see of a user: never the email.
type PublicProfile struct {
	ID        string  `json:"id"`
	Nickname  string  `json:"nickname"`
	AvatarURL *string `json:"avatar_url"`
	AgeRange  *string `json:"age_range"`
	Intro     string  `json:"intro"`
}

// RoomUpdate is a partial room change; nil fields are left alone.
type RoomUpdate struct {
	Title       *string
	Category    *string
	Lat         *float64
	Lng         *float64
	PlaceText   *string
	StartAt     *time.Time
	MaxPeople   *int
	Fee         *int
	Visibility  *string
	Description *string
}

// BBox is a map viewport. West > East means the box crosses the
// antimeridian: it then covers lng >= West or lng <= East.
type BBox struct {
	South float64 `json:"south"`
	West  float64 `json:"west"`
	North float64 `json:"north"`
	East  float64 `json:"east"`
}

// CrossesAntimeridian reports whether the box wraps around longitude ±180.
func (b BBox) CrossesAntimeridian() bool { return b.West > b.East }

// RoomFilter selects rooms for the map: public, active rooms that start at
// or after Now, inside BBox, optionally of one category, hiding the rooms of
// hosts who blocked or were blocked by ViewerID (when set).
// Order: rooms boosted at Now first (latest boost_until first), then newest.
type RoomFilter struct {
	BBox     BBox
	Category string
	ViewerID string
	Now      time.Time
	Offset   int
	Limit    int
}

// RoomStore stores rooms.
type RoomStore interface {
	// CreateRoom inserts r (ID, timestamps set by the caller).
	CreateRoom(ctx context.Context, r *Room) error
	// RoomByID returns the room with Host and ParticipantsCount filled;
	// ENOTFOUND if absent.
	RoomByID(ctx context.Context, id string) (*Room, error)
	// UpdateRoom applies a partial update and returns the new room.
	// ENOTFOUND if absent. When upd.MaxPeople is set it is checked against
	// the host plus the accepted guests under the same lock as
	// AcceptRequest, so no accept can slip in between: below them it is
	// MaxPeopleBelow's EVALIDATION and nothing changes.
	UpdateRoom(ctx context.Context, id string, upd RoomUpdate, now time.Time) (*Room, error)
	// DeleteRoom deletes a room and, by cascade, its requests, matches,
	// messages and host messages, atomically refusing with
	// EROOMHASPARTICIPANT when a request of it is accepted. ENOTFOUND if absent.
	DeleteRoom(ctx context.Context, id string) error
	// ListRooms returns one page of rooms (Host filled) and the total count
	// matching the filter.
	ListRooms(ctx context.Context, f RoomFilter) ([]*Room, int, error)
	// RoomsByHost lists every room the user hosts, newest start first.
	RoomsByHost(ctx context.Context, hostID string) ([]*Room, error)
	// CreateRooms inserts many rooms at once (seeding, benchmarks), all or
	// none.
	CreateRooms(ctx context.Context, rooms []*Room) error
}

// MaxPeopleBelow is the error of a room update that would leave fewer
// places than the participants (the host and the accepted guests) already
// in the room.
func MaxPeopleBelow(participants int) *Error {
	n := strconv.Itoa(participants)
	return &Error{Code: EVALIDATION,
		Message: "max_people: must be at least the " + n + " people already in the room",
		Fields:  map[string]string{"max_people": "must be at least " + n}}
}
