package web

import (
	"net/http"

	"meetpin.app"
	"meetpin.app/app"
)

// handleSignup: POST /api/auth/signup → 201 {user, token} and the cookie.
func (s *Server) handleSignup(w http.ResponseWriter, r *http.Request) {
	var in app.SignupInput
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.app.Signup(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.setSessionCookie(w, res.Token)
	writeOK(w, http.StatusCreated, res, "signed up")
}

// handleLogin: POST /api/auth/login → 200 {user, token} and the cookie.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !s.allowLoginAttempt(w, r, in.Email) {
		return
	}
	res, err := s.app.Login(r.Context(), in.Email, in.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.setSessionCookie(w, res.Token)
	writeOK(w, http.StatusOK, res, "signed in")
}

// handleLogout: POST /api/auth/logout ends the session everywhere.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.app.Logout(r.Context(), infoOf(r).token); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.clearSessionCookie(w)
	writeOK(w, http.StatusOK, nil, "signed out")
}

// handleMe: GET /api/auth/me → {user, profile}.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	p, err := s.app.Me(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, struct {
		User    *meetpin.User    `json:"user"`
		Profile *meetpin.Profile `json:"profile"`
	}{u, p}, "")
}
