package web

import "net/http"

// handleNotificationList: GET /api/notifications?unread=true&page=&limit=.
func (s *Server) handleNotificationList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := s.app.Notifications(r.Context(), userOf(r), q.Get("unread"), q.Get("page"), q.Get("limit"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, page, "")
}

// handleNotificationRead: PATCH /api/notifications/{id}/read.
func (s *Server) handleNotificationRead(w http.ResponseWriter, r *http.Request) {
	if err := s.app.MarkNotificationRead(r.Context(), userOf(r), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, nil, "")
}

// handleNotificationReadAll: POST /api/notifications/read-all.
func (s *Server) handleNotificationReadAll(w http.ResponseWriter, r *http.Request) {
	n, err := s.app.MarkAllNotificationsRead(r.Context(), userOf(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, map[string]any{"updated": n}, "")
}

// handleNotificationDelete: DELETE /api/notifications/{id}.
func (s *Server) handleNotificationDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.app.DeleteNotification(r.Context(), userOf(r), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, nil, "")
}
