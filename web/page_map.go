package web

import (
	"net/http"
	"strconv"

	"meetpin.app"
)

// mapSettings is what a page with a map needs: where tiles come from, and
// whether the npm-built Leaflet bundle is embedded.
type mapSettings struct {
	TileURL     string // a Leaflet URL template
	Attribution string // HTML, from the operator's configuration
	Bundle      bool
}

// mapSettings returns the map configuration (MEETPIN_MAP_TILE_URL,
// MEETPIN_MAP_ATTRIBUTION). Not done yet: with KAKAO_JAVASCRIPT_KEY, the
// Kakao Maps SDK instead of Leaflet.
func (s *Server) mapSettings() mapSettings {
	return mapSettings{TileURL: s.cfg.MapTileURL, Attribution: s.cfg.MapAttribution, Bundle: s.assets.hasMapBundle()}
}

type mapPage struct {
	Lat, Lng  float64
	Zoom      int
	Geolocate bool // centre on the user's position when allowed
	// Rooms is the server-rendered list shown instead of the map when the
	// bundle is missing.
	Rooms []*meetpin.Room
}

// handleMapPage: GET /map[?lat=&lng=&z=] — the main screen. An explicit
// centre (a shared link) is used as is; otherwise the map opens at Gangnam
// station and moves to the user's position if the browser allows it.
func (s *Server) handleMapPage(w http.ResponseWriter, r *http.Request) {
	d := s.page(w, r, "map.title")
	p := mapPage{Lat: defaultLat, Lng: defaultLng, Zoom: 14, Geolocate: true}
	q := r.URL.Query()
	lat, errLat := strconv.ParseFloat(q.Get("lat"), 64)
	lng, errLng := strconv.ParseFloat(q.Get("lng"), 64)
	if errLat == nil && errLng == nil && lat >= -85 && lat <= 85 && lng >= -180 && lng <= 180 {
		p.Lat, p.Lng, p.Geolocate = lat, lng, false
	}
	if z, err := strconv.Atoi(q.Get("z")); err == nil && z >= 3 && z <= 19 {
		p.Zoom = z
	}
	if d.Map.Bundle {
		d.Styles = []string{"dist/map.css"}
		d.Scripts = []string{"dist/map.js", "js/map.js"}
	} else {
		rooms, err := s.nearestRooms(r, p.Lat, p.Lng, 50)
		if err != nil {
			s.renderPageError(w, r, err)
			return
		}
		p.Rooms = rooms
	}
	d.Page = p
	s.render(w, r, "map", http.StatusOK, d)
}
