package meetpin

import "context"

// Address is what a point on the map is called: its road-name address
// (도로명 주소) and its lot-number address (지번 주소). Either may be "".
type Address struct {
	Road string `json:"road_address"`
	Lot  string `json:"lot_address"`
}

// Place is a search result near a point.
type Place struct {
	Name        string  `json:"place_name"`
	Address     string  `json:"address_name"`
	RoadAddress string  `json:"road_address_name"`
	Lat         float64 `json:"lat"`
	Lng         float64 `json:"lng"`
	Category    string  `json:"category_name"`
	Phone       string  `json:"phone"`
	URL         string  `json:"place_url"`
	// Distance from the query point in metres; 0 without a point.
	Distance int `json:"distance"`
}

// PlaceQuery is a keyword search, near a point when HasPoint.
type PlaceQuery struct {
	Query    string
	HasPoint bool
	Lat, Lng float64
	Radius   int // metres, up to 20000; used with a point
}

// PlaceList is one page of search results.
type PlaceList struct {
	Places []Place `json:"places"`
	Total  int     `json:"total_count"`
}

// Places looks up addresses and places (Kakao Local). Errors are the
// provider's: callers degrade (coordinates instead of an address) or
// answer EPLACESUNAVAILABLE.
type Places interface {
	// Coord2Address returns the address of a point; nil when the point has
	// none (the sea, abroad).
	Coord2Address(ctx context.Context, lat, lng float64) (*Address, error)
	// SearchPlaces searches places by keyword.
	SearchPlaces(ctx context.Context, q PlaceQuery) (*PlaceList, error)
}
