package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"meetpin.app"
	"meetpin.app/app"
)

// Gangnam station: where the map opens when the user's position is unknown.
const (
	defaultLat = 37.4979
	defaultLng = 127.0276
)

// handleHome: GET / — what MeetPin is, the nearest upcoming rooms, a way in.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	d := s.page(w, r, "home.title")
	rooms, err := s.nearestRooms(r, defaultLat, defaultLng, 6)
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	d.Page = rooms
	s.render(w, r, "home", http.StatusOK, d)
}

// nearestRooms returns up to n upcoming public rooms around a point,
// nearest first (within about 30 km).
func (s *Server) nearestRooms(r *http.Request, lat, lng float64, n int) ([]*meetpin.Room, error) {
	box := fmt.Sprintf("%.4f,%.4f,%.4f,%.4f", lat-0.3, lng-0.35, lat+0.3, lng+0.35)
	page, err := s.app.ListRooms(r.Context(), userOf(r), app.RoomQuery{BBox: box, Limit: "100"})
	if err != nil {
		return nil, err
	}
	rooms := page.Rooms
	dist := func(rm *meetpin.Room) float64 {
		dy, dx := rm.Lat-lat, (rm.Lng-lng)*math.Cos(lat*math.Pi/180)
		return dx*dx + dy*dy
	}
	slices.SortFunc(rooms, func(a, b *meetpin.Room) int { return cmp.Compare(dist(a), dist(b)) })
	if len(rooms) > n {
		rooms = rooms[:n]
	}
	return rooms, nil
}

// helpTopics are the questions of the help page, in order.
var helpTopics = []string{"what", "join", "create", "chat", "safety", "location", "account"}

// handleHelp: GET /help.
func (s *Server) handleHelp(w http.ResponseWriter, r *http.Request) {
	d := s.page(w, r, "help.title")
	d.Page = helpTopics
	s.render(w, r, "help", http.StatusOK, d)
}

// legalDocs lists the sections of each legal document.
var legalDocs = map[string][]string{
	"terms":    {"terms.1", "terms.2", "terms.3", "terms.4", "terms.5"},
	"privacy":  {"privacy.1", "privacy.2", "privacy.3", "privacy.4", "privacy.5"},
	"location": {"location.1", "location.2", "location.3", "location.4"},
}

// handleLegal: GET /legal/{doc} — terms, privacy, location.
func (s *Server) handleLegal(w http.ResponseWriter, r *http.Request) {
	doc := r.PathValue("doc")
	sections, ok := legalDocs[doc]
	if !ok {
		s.renderNotFound(w, r)
		return
	}
	d := s.page(w, r, "legal."+doc+".title")
	d.Page = sections
	s.render(w, r, "legal", http.StatusOK, d)
}

// handleStatusPage: GET /status — whether the service answers; the details
// come from /api/status in the browser, and the page says so plainly when
// that API is not there.
func (s *Server) handleStatusPage(w http.ResponseWriter, r *http.Request) {
	d := s.page(w, r, "status.title")
	d.Scripts = []string{"js/status.js"}
	d.Page = struct {
		OK      bool
		Checked time.Time
	}{s.store.Ping(r.Context()) == nil, time.Now()}
	s.render(w, r, "status", http.StatusOK, d)
}

// handleNotFoundPage is the catch-all: the friendly 404 page.
func (s *Server) handleNotFoundPage(w http.ResponseWriter, r *http.Request) { s.renderNotFound(w, r) }

// handleRobots: GET /robots.txt.
func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range []string{"/api/", "/admin", "/chat/", "/notifications", "/profile", "/requests", "/settings/", "/auth/", "/room/new"} {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("Allow: /\n\nSitemap: " + s.siteURL(r) + "/sitemap.xml\n")
	w.Write([]byte(b.String()))
}

// sitemapPaths are the public pages worth indexing.
var sitemapPaths = []string{"/", "/map", "/help", "/status", "/auth/signup", "/legal/terms", "/legal/privacy", "/legal/location"}

// handleSitemap: GET /sitemap.xml.
func (s *Server) handleSitemap(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	base := s.siteURL(r)
	for _, p := range sitemapPaths {
		fmt.Fprintf(&b, "  <url><loc>%s%s</loc></url>\n", base, p)
	}
	b.WriteString("</urlset>\n")
	w.Write([]byte(b.String()))
}

// handleManifest: GET /manifest.webmanifest, so that the app can be added
// to a phone's home screen.
func (s *Server) handleManifest(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	json.NewEncoder(w).Encode(map[string]any{
		"name": "밋핀 MeetPin", "short_name": "밋핀", "lang": "ko",
		"description": "지도 위에서 만나는 동네 번개 모임",
		"start_url":   "/map", "scope": "/", "display": "standalone",
		"background_color": "#ffffff", "theme_color": "#0f766e",
		"icons": []map[string]string{
			{"src": s.assets.url("icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any maskable"},
		},
	})
}

// siteURL is the public origin: SITE_URL, or the request's own host.
func (s *Server) siteURL(r *http.Request) string {
	if s.cfg.SiteURL != "" {
		return s.cfg.SiteURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
