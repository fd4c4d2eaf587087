package app

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"meetpin.app"
)

// RoomInput is the body of a room creation or a partial edit. Pointers tell
// a missing field from a zero value.
type RoomInput struct {
	Title       *string  `json:"title"`
	Category    *string  `json:"category"`
	Lat         *float64 `json:"lat"`
	Lng         *float64 `json:"lng"`
	PlaceText   *string  `json:"place_text"`
	StartAt     *string  `json:"start_at"`
	MaxPeople   *int     `json:"max_people"`
	Fee         *int     `json:"fee"`
	Visibility  *string  `json:"visibility"`
	Description *string  `json:"description"`
}

// RoomView is a room as one viewer sees it.
type RoomView struct {
	*meetpin.Room
	IsHost  bool `json:"is_host"`
	Boosted bool `json:"is_boosted"`
}

// validate checks the present fields; with create, the required ones must be
// present too. It returns the normalized update.
func (in RoomInput) validate(now time.Time, create bool) (meetpin.RoomUpdate, error) {
	var f meetpin.FieldErrors
	var u meetpin.RoomUpdate
	required := func(field string, present bool) bool {
		if !present && create {
			f.Add(field, "is required")
		}
		return present
	}
	if required("title", in.Title != nil) {
		v := textLen(&f, "title", *in.Title, 1, 100)
		u.Title = &v
	}
	if required("category", in.Category != nil) {
		oneOf(&f, "category", *in.Category, meetpin.Categories)
		u.Category = in.Category
	}
	if required("lat", in.Lat != nil) {
		if math.IsNaN(*in.Lat) || *in.Lat < -90 || *in.Lat > 90 {
			f.Add("lat", "must be between -90 and 90")
		}
		u.Lat = in.Lat
	}
	if required("lng", in.Lng != nil) {
		if math.IsNaN(*in.Lng) || *in.Lng < -180 || *in.Lng > 180 {
			f.Add("lng", "must be between -180 and 180")
		}
		u.Lng = in.Lng
	}
	if required("place_text", in.PlaceText != nil) {
		v := textLen(&f, "place_text", *in.PlaceText, 1, 200)
		u.PlaceText = &v
	}
	if required("start_at", in.StartAt != nil) {
		t, err := time.Parse(time.RFC3339, *in.StartAt)
		switch {
		case err != nil:
			f.Add("start_at", "must be an RFC 3339 date-time such as 2026-12-01T19:00:00+09:00")
		case t.Before(now.Add(RoomMinLead)):
			f.Add("start_at", "must be at least 30 minutes from now")
		case t.After(now.Add(RoomMaxLead)):
			f.Add("start_at", "must be at most 7 days from now")
		default:
			t = t.UTC().Truncate(time.Millisecond)
			u.StartAt = &t
		}
	}
	if in.MaxPeople != nil {
		intRange(&f, "max_people", *in.MaxPeople, 2, 20)
		u.MaxPeople = in.MaxPeople
	}
	if in.Fee != nil {
		intRange(&f, "fee", *in.Fee, 0, 1_000_000)
		u.Fee = in.Fee
	}
	if in.Visibility != nil {
		oneOf(&f, "visibility", *in.Visibility, []string{meetpin.VisibilityPublic, meetpin.VisibilityPrivate})
		u.Visibility = in.Visibility
	}
	if in.Description != nil {
		v := textLen(&f, "description", *in.Description, 0, 1000)
		u.Description = &v
	}
	return u, f.Err()
}

// CreateRoom opens a room hosted by the caller (never anyone else).
func (a *App) CreateRoom(ctx context.Context, u *meetpin.User, in RoomInput) (*RoomView, error) {
	now := a.Now()
	upd, err := in.validate(now, true)
	if err != nil {
		return nil, err
	}
	if err := a.checkUpcomingRooms(ctx, u, now); err != nil {
		return nil, err
	}
	r := &meetpin.Room{
		ID: newID(), HostID: u.ID, Title: *upd.Title, Category: *upd.Category, Lat: *upd.Lat, Lng: *upd.Lng,
		PlaceText: *upd.PlaceText, StartAt: *upd.StartAt, MaxPeople: 4, Visibility: meetpin.VisibilityPublic,
		Status: meetpin.RoomActive, CreatedAt: now, UpdatedAt: now,
	}
	if upd.MaxPeople != nil {
		r.MaxPeople = *upd.MaxPeople
	}
	if upd.Fee != nil {
		r.Fee = *upd.Fee
	}
	if upd.Visibility != nil {
		r.Visibility = *upd.Visibility
	}
	if upd.Description != nil {
		r.Description = *upd.Description
	}
	if err := a.store.CreateRoom(ctx, r); err != nil {
		return nil, err
	}
	a.disp.Dispatch(ctx, meetpin.RoomsChanged{RoomIDs: []string{r.ID}})
	return a.viewRoom(ctx, u, r.ID)
}

// checkUpcomingRooms refuses a new room to a host who already has
// MaxUpcomingRooms active rooms that have not started. It is a bound
// against flooding the map, not an exact count: two creations at the same
// instant may both pass (the rooms rate limit keeps that to a few).
func (a *App) checkUpcomingRooms(ctx context.Context, u *meetpin.User, now time.Time) error {
	if a.maxUpcoming <= 0 {
		return nil
	}
	rooms, err := a.store.RoomsByHost(ctx, u.ID)
	if err != nil {
		return err
	}
	n := 0
	for _, r := range rooms {
		if r.Status == meetpin.RoomActive && r.StartAt.After(now) {
			n++
		}
	}
	if n >= a.maxUpcoming {
		return meetpin.Errorf(meetpin.ETOOMANYROOMS, "you already host %d upcoming rooms, the most allowed: wait for one to start or delete one", n)
	}
	return nil
}

// GetRoom returns a room as viewer (nil when anonymous) may see it: a
// private room only to its host, and nothing across a block (ENOTFOUND).
func (a *App) GetRoom(ctx context.Context, viewer *meetpin.User, id string) (*RoomView, error) {
	return a.viewRoom(ctx, viewer, id)
}

func (a *App) viewRoom(ctx context.Context, viewer *meetpin.User, id string) (*RoomView, error) {
	r, err := a.store.RoomByID(ctx, id)
	if err != nil {
		return nil, err
	}
	isHost := viewer != nil && viewer.ID == r.HostID
	hidden := meetpin.Errorf(meetpin.ENOTFOUND, "room not found")
	if !isHost {
		if r.Visibility != meetpin.VisibilityPublic {
			return nil, hidden
		}
		if viewer != nil {
			blocked, err := a.store.IsBlocked(ctx, viewer.ID, r.HostID)
			if err != nil {
				return nil, err
			}
			if blocked {
				return nil, hidden
			}
		}
	}
	return &RoomView{Room: r, IsHost: isHost, Boosted: r.Boosted(a.Now())}, nil
}

// hostedRoom loads a room the caller must host: ENOTFOUND when the caller
// may not even see it, EFORBIDDEN when they see it but do not host it.
func (a *App) hostedRoom(ctx context.Context, u *meetpin.User, id string) (*RoomView, error) {
	v, err := a.viewRoom(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !v.IsHost {
		return nil, meetpin.Errorf(meetpin.EFORBIDDEN, "only the host can change this room")
	}
	return v, nil
}

// UpdateRoom applies a partial edit by the host, with the creation rules. A
// room that has started can no longer be edited, and max_people cannot drop
// below the people already accepted.
func (a *App) UpdateRoom(ctx context.Context, u *meetpin.User, id string, in RoomInput) (*RoomView, error) {
	v, err := a.hostedRoom(ctx, u, id)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	upd, err := in.validate(now, false)
	if err != nil {
		return nil, err
	}
	if !v.StartAt.After(now) {
		return nil, meetpin.Errorf(meetpin.ECONFLICT, "the room has already started and can no longer be edited")
	}
	// A quick answer from what was read; the store checks again under the
	// lock that accepts take, which is what makes it hold.
	if upd.MaxPeople != nil && *upd.MaxPeople < v.ParticipantsCount {
		return nil, meetpin.MaxPeopleBelow(v.ParticipantsCount)
	}
	if _, err := a.store.UpdateRoom(ctx, id, upd, now); err != nil {
		return nil, err
	}
	a.disp.Dispatch(ctx, meetpin.RoomsChanged{RoomIDs: []string{id}})
	return a.viewRoom(ctx, u, id)
}

// DeleteRoom deletes a room of the host's that has no accepted guest.
func (a *App) DeleteRoom(ctx context.Context, u *meetpin.User, id string) error {
	if _, err := a.hostedRoom(ctx, u, id); err != nil {
		return err
	}
	if err := a.store.DeleteRoom(ctx, id); err != nil {
		return err
	}
	a.disp.Dispatch(ctx, meetpin.RoomsChanged{RoomIDs: []string{id}})
	return nil
}

// MyRooms lists the rooms the user hosts.
func (a *App) MyRooms(ctx context.Context, u *meetpin.User) ([]*meetpin.Room, error) {
	return a.store.RoomsByHost(ctx, u.ID)
}

// RoomQuery is the map's query: GET /api/rooms?bbox=…&category=&page=&limit=.
type RoomQuery struct {
	BBox     string
	Category string
	Page     string
	Limit    string
}

// RoomPage is one page of the map's rooms.
type RoomPage struct {
	Rooms      []*meetpin.Room `json:"rooms"`
	Pagination Pagination      `json:"pagination"`
	BBox       meetpin.BBox    `json:"bbox"`
}

// Pagination describes one page of a list.
type Pagination struct {
	Page       int  `json:"page"`
	Limit      int  `json:"limit"`
	Total      int  `json:"total"`
	TotalPages int  `json:"totalPages"`
	HasNext    bool `json:"hasNext"`
	HasPrev    bool `json:"hasPrev"`
}

// ListRooms returns the public upcoming rooms in a map box, from the cache
// when it holds the page (readcache; per viewer: blocks hide rooms).
func (a *App) ListRooms(ctx context.Context, viewer *meetpin.User, q RoomQuery) (*RoomPage, error) {
	var f meetpin.FieldErrors
	box := ParseBBox(&f, q.BBox)
	if q.Category != "" {
		oneOf(&f, "category", q.Category, meetpin.Categories)
	}
	page, limit := paging(&f, q.Page, q.Limit)
	if err := f.Err(); err != nil {
		return nil, err
	}
	filter := meetpin.RoomFilter{BBox: box, Category: q.Category, Now: a.Now(), Offset: (page - 1) * limit, Limit: limit}
	if viewer != nil {
		filter.ViewerID = viewer.ID
	}
	rooms, total, err := a.store.ListRooms(ctx, filter)
	if err != nil {
		return nil, err
	}
	return &RoomPage{Rooms: rooms, Pagination: newPagination(page, limit, total), BBox: box}, nil
}

// BBoxFormat is told to clients that send a bad box.
const BBoxFormat = "must be south,west,north,east in degrees, e.g. 37.45,126.82,37.68,127.18 (south < north; west > east crosses the antimeridian)"

// ParseBBox parses "south,west,north,east". Latitudes are within ±90 and
// south < north; longitudes are within ±180, and west > east means the box
// crosses the antimeridian.
func ParseBBox(f *meetpin.FieldErrors, s string) meetpin.BBox {
	parts := strings.Split(s, ",")
	if s == "" || len(parts) != 4 {
		f.Add("bbox", BBoxFormat)
		return meetpin.BBox{}
	}
	var v [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			f.Add("bbox", BBoxFormat)
			return meetpin.BBox{}
		}
		v[i] = x
	}
	b := meetpin.BBox{South: v[0], West: v[1], North: v[2], East: v[3]}
	if b.South < -90 || b.North > 90 || b.West < -180 || b.West > 180 || b.East < -180 || b.East > 180 || b.South >= b.North {
		f.Add("bbox", BBoxFormat)
	}
	return b
}

func paging(f *meetpin.FieldErrors, pageS, limitS string) (page, limit int) {
	page, limit = 1, DefaultPageSize
	if pageS != "" {
		n, err := strconv.Atoi(pageS)
		if err != nil || n < 1 || n > 100000 {
			f.Add("page", "must be a whole number from 1")
		}
		page = n
	}
	if limitS != "" {
		n, err := strconv.Atoi(limitS)
		if err != nil || n < 1 || n > MaxPageSize {
			f.Add("limit", "must be a whole number from 1 to "+strconv.Itoa(MaxPageSize))
		}
		limit = n
	}
	return page, limit
}

func newPagination(page, limit, total int) Pagination {
	pages := (total + limit - 1) / limit
	return Pagination{Page: page, Limit: limit, Total: total, TotalPages: pages, HasNext: page < pages, HasPrev: page > 1}
}
