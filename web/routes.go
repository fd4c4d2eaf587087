package web

import "net/http"

// routes is the whole HTTP surface on one screen.
func (s *Server) routes(mux *http.ServeMux) {
	// Probes: no auth, no cache.
	s.handle(mux, "GET /api/livez", s.handleLivez)
	s.handle(mux, "GET /api/healthz", s.handleHealthz)
	s.handle(mux, "GET /api/readyz", s.handleReadyz)
	s.handle(mux, "GET /api/ready", s.handleReadyz)

	// Accounts and sessions.
	s.handle(mux, "POST /api/auth/signup", s.handleSignup)
	s.handle(mux, "POST /api/auth/login", s.handleLogin)
	s.handle(mux, "POST /api/auth/logout", requireUser(s, s.handleLogout))
	s.handle(mux, "GET /api/auth/me", requireUser(s, s.handleMe))

	// Profiles.
	s.handle(mux, "GET /api/profile", requireUser(s, s.handleProfileGet))
	s.handle(mux, "PATCH /api/profile", requireUser(s, s.handleProfilePatch))
	s.handle(mux, "GET /api/profile/stats", requireUser(s, s.handleProfileStats))
	s.handle(mux, "POST /api/profile/avatar", requireUser(s, s.handleAvatarUpload))
	s.handle(mux, "DELETE /api/profile/avatar", requireUser(s, s.handleAvatarDelete))
	s.handle(mux, "GET /api/profile/{id}", s.handleProfilePublic)

	// Rooms.
	s.handle(mux, "GET /api/rooms", s.handleRoomList)
	s.handle(mux, "POST /api/rooms", requireUser(s, s.handleRoomCreate))
	s.handle(mux, "GET /api/rooms/my", requireUser(s, s.handleRoomsMine))
	s.handle(mux, "GET /api/rooms/{id}", s.handleRoomGet)
	s.handle(mux, "PATCH /api/rooms/{id}", requireUser(s, s.handleRoomPatch))
	s.handle(mux, "DELETE /api/rooms/{id}", requireUser(s, s.handleRoomDelete))

	// Uploaded files.
	s.handle(mux, "GET /media/avatars/{file}", s.handleMedia)

	// Anything else under /api/ is a JSON 404.
	s.handle(mux, "/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errNoRoute(r))
	})
}
