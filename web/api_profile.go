package web

import (
	"net/http"

	"meetpin.app/app"
)

// handleProfileGet: GET /api/profile → my profile.
func (s *Server) handleProfileGet(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.Me(r.Context(), userOf(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, p, "")
}

// handleProfilePatch: PATCH /api/profile, a partial update of my profile.
func (s *Server) handleProfilePatch(w http.ResponseWriter, r *http.Request) {
	var in app.ProfilePatch
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.app.UpdateProfile(r.Context(), userOf(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, p, "profile updated")
}

// handleProfilePublic: GET /api/profile/{id} → public fields only.
func (s *Server) handleProfilePublic(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.PublicProfile(r.Context(), userOf(r), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, p, "")
}

// handleProfileStats: GET /api/profile/stats.
func (s *Server) handleProfileStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.app.ProfileStats(r.Context(), userOf(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, st, "")
}
