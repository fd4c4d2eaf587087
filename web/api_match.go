package web

import (
	"net/http"
)

// handleMatchesMine: GET /api/matches/my.
func (s *Server) handleMatchesMine(w http.ResponseWriter, r *http.Request) {
	ms, err := s.app.MyMatches(r.Context(), userOf(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, map[string]any{"matches": ms}, "")
}

// handleMessageList: GET /api/matches/{id}/messages?before=&limit=, newest first.
func (s *Server) handleMessageList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := s.app.Messages(r.Context(), userOf(r), r.PathValue("id"), q.Get("before"), q.Get("limit"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, page, "")
}

// handleMessagePost: POST /api/matches/{id}/messages {text} → 201 {message}.
func (s *Server) handleMessagePost(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Text string `json:"text"`
	}
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	m, err := s.app.PostMessage(r.Context(), userOf(r), r.PathValue("id"), in.Text)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusCreated, map[string]any{"message": m}, "")
}

// handleMatchRead: POST /api/matches/{id}/read.
func (s *Server) handleMatchRead(w http.ResponseWriter, r *http.Request) {
	if err := s.app.MarkRead(r.Context(), userOf(r), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, nil, "")
}
