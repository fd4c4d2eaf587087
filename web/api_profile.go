package web

import (
	"net/http"

	"meetpin.app/app"
	"meetpin.app/media"
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
	u := userOf(r)
	old, _ := s.app.Me(r.Context(), u)
	p, err := s.app.UpdateProfile(r.Context(), u, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// An uploaded avatar that the profile no longer names goes, as on
	// DELETE /api/profile/avatar: it would otherwise stay served (and
	// cached for a year) after the user removed it.
	if old != nil && old.AvatarURL != nil && (p.AvatarURL == nil || *p.AvatarURL != *old.AvatarURL) {
		_ = media.Store{Dir: s.media}.Remove(avatarKind, ownAvatarFile(*old.AvatarURL, u.ID))
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
