package app

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"meetpin.app"
)

// Place lookups are cached in process by coordinates rounded to 4
// decimals (about 11 m north–south, 9 m east–west in Korea), so a pin
// dragged a little does not call Kakao again.
const (
	placeCacheSize   = 10_000
	addressTTL       = 24 * time.Hour
	noAddressTTL     = time.Hour
	placeSearchTTL   = 10 * time.Minute
	defaultRadius    = 2000  // metres
	maxRadius        = 20000 // Kakao's limit
	maxPlaceQueryLen = 100
)

// AddressView is the answer of GET /api/kakao/coord2address. Address is the
// road address, else the lot address, else (Source "none": no key, Kakao
// failing, or no address at the point) the coordinates as text, so that a
// room can always be created with it.
type AddressView struct {
	Address     string  `json:"address"`
	RoadAddress *string `json:"road_address"`
	LotAddress  *string `json:"lot_address"`
	Source      string  `json:"source"` // "kakao" or "none"
	Lat         float64 `json:"lat"`
	Lng         float64 `json:"lng"`
}

// PlaceResults is the answer of GET /api/places/search.
type PlaceResults struct {
	Places []meetpin.Place `json:"places"`
	Total  int             `json:"total_count"`
	Source string          `json:"source"`
}

// CoordinateText is how a point without an address is written.
func CoordinateText(lat, lng float64) string {
	return fmt.Sprintf("위도 %.6f, 경도 %.6f", lat, lng)
}

// parsePoint reads a required latitude and longitude.
func parsePoint(f *meetpin.FieldErrors, latS, lngS string) (lat, lng float64) {
	num := func(field, s string, limit float64) float64 {
		if strings.TrimSpace(s) == "" {
			f.Add(field, "is required")
			return 0
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < -limit || v > limit {
			f.Add(field, "must be a number between "+strconv.Itoa(-int(limit))+" and "+strconv.Itoa(int(limit)))
		}
		return v
	}
	return num("lat", latS, 90), num("lng", lngS, 180)
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// Coord2Address names a point. It never fails for a valid point: without
// Kakao, or when Kakao fails, the answer carries the coordinates instead.
func (a *App) Coord2Address(ctx context.Context, latS, lngS string) (*AddressView, error) {
	var f meetpin.FieldErrors
	lat, lng := parsePoint(&f, latS, lngS)
	if err := f.Err(); err != nil {
		return nil, err
	}
	none := &AddressView{Address: CoordinateText(lat, lng), Source: "none", Lat: lat, Lng: lng}
	if a.places == nil {
		return none, nil
	}
	rlat, rlng := round4(lat), round4(lng)
	key := fmt.Sprintf("c2a:%.4f,%.4f", rlat, rlng)
	var addr *meetpin.Address
	if v, ok := a.placeCache.get(key); ok {
		addr = v.(*meetpin.Address)
	} else {
		var err error
		addr, err = a.places.Coord2Address(ctx, rlat, rlng)
		if err != nil {
			a.log.WarnContext(ctx, "address lookup failed: answering coordinates", slog.Any("error", err))
			return none, nil
		}
		ttl := addressTTL
		if addr == nil {
			ttl = noAddressTTL
		}
		a.placeCache.set(key, addr, ttl)
	}
	if addr == nil {
		return none, nil
	}
	v := &AddressView{Source: "kakao", Lat: lat, Lng: lng, Address: addr.Road}
	if addr.Road != "" {
		v.RoadAddress = &addr.Road
	}
	if addr.Lot != "" {
		v.LotAddress = &addr.Lot
		if v.Address == "" {
			v.Address = addr.Lot
		}
	}
	return v, nil
}

// PlacesEnabled reports whether a place provider (Kakao) is configured.
func (a *App) PlacesEnabled() bool { return a.places != nil }

// SearchPlaces finds places by keyword, near lat,lng when given (both or
// neither), within radius metres (default 2000, at most 20000).
// EPLACESUNAVAILABLE without Kakao or when it fails.
func (a *App) SearchPlaces(ctx context.Context, query, latS, lngS, radiusS string) (*PlaceResults, error) {
	var f meetpin.FieldErrors
	q := meetpin.PlaceQuery{Query: textLen(&f, "query", query, 1, maxPlaceQueryLen)}
	if latS != "" || lngS != "" {
		q.HasPoint = true
		q.Lat, q.Lng = parsePoint(&f, latS, lngS)
		q.Lat, q.Lng = round4(q.Lat), round4(q.Lng)
		q.Radius = defaultRadius
	}
	if radiusS != "" {
		n, err := strconv.Atoi(radiusS)
		switch {
		case err != nil || n < 1 || n > maxRadius:
			f.Add("radius", "must be a whole number of metres from 1 to 20000")
		case !q.HasPoint:
			f.Add("radius", "needs lat and lng")
		}
		q.Radius = n
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if a.places == nil {
		return nil, meetpin.Errorf(meetpin.EPLACESUNAVAILABLE, "place search is not available: type the place instead")
	}
	key := "ps:" + strings.ToLower(q.Query)
	if q.HasPoint {
		key += fmt.Sprintf("|%.4f,%.4f|%d", q.Lat, q.Lng, q.Radius)
	}
	if v, ok := a.placeCache.get(key); ok {
		return v.(*PlaceResults), nil
	}
	list, err := a.places.SearchPlaces(ctx, q)
	if err != nil {
		a.log.WarnContext(ctx, "place search failed", slog.Any("error", err))
		return nil, meetpin.Errorf(meetpin.EPLACESUNAVAILABLE, "place search is not available right now: type the place instead")
	}
	out := &PlaceResults{Places: list.Places, Total: list.Total, Source: "kakao"}
	if out.Places == nil {
		out.Places = []meetpin.Place{}
	}
	a.placeCache.set(key, out, placeSearchTTL)
	return out, nil
}

// ttlCache is a small in-process cache with expiry and a size cap. Values
// must not be changed after they are stored.
type ttlCache struct {
	mu    sync.Mutex
	max   int
	items map[string]ttlItem
}

type ttlItem struct {
	v       any
	expires time.Time
}

func newTTLCache(max int) *ttlCache { return &ttlCache{max: max, items: map[string]ttlItem{}} }

func (c *ttlCache) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[key]
	if !ok || time.Now().After(it.expires) {
		return nil, false
	}
	return it.v, true
}

// set stores v; when the cache is full it first drops what has expired,
// then, if still full, arbitrary entries (Go's map order).
func (c *ttlCache) set(key string, v any, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; !ok && len(c.items) >= c.max {
		now := time.Now()
		for k, it := range c.items {
			if now.After(it.expires) {
				delete(c.items, k)
			}
		}
		for k := range c.items {
			if len(c.items) < c.max {
				break
			}
			delete(c.items, k)
		}
	}
	c.items[key] = ttlItem{v: v, expires: time.Now().Add(ttl)}
}
