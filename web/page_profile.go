package web

import (
	"encoding/json"
	"net/http"

	"meetpin.app"
)

type profilePage struct {
	Stats     *meetpin.ProfileStats
	AgeRanges []string
}

// handleProfilePage: GET /profile — my profile, editable.
func (s *Server) handleProfilePage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	stats, err := s.app.ProfileStats(r.Context(), u)
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	d := s.page(w, r, "profile.title")
	if d.Me == nil {
		s.renderPageError(w, r, meetpin.Errorf(meetpin.EINTERNAL, "profile missing"))
		return
	}
	d.Page = profilePage{Stats: stats, AgeRanges: meetpin.AgeRanges}
	s.render(w, r, "profile", http.StatusOK, d)
}

type publicProfilePage struct {
	Profile   *meetpin.PublicProfile
	BlockBody string // JSON body of the block button
}

// handleProfilePublicPage: GET /profile/{id} — what anyone may see.
func (s *Server) handleProfilePublicPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.PublicProfile(r.Context(), userOf(r), r.PathValue("id"))
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	body, _ := json.Marshal(map[string]string{"blocked_uid": p.ID})
	d := s.page(w, r, "profile.public")
	d.Title = p.Nickname
	d.Page = publicProfilePage{Profile: p, BlockBody: string(body)}
	s.render(w, r, "profile_public", http.StatusOK, d)
}
