package web

import "net/http"

// handleAdminReportStatus: PATCH /api/admin/reports/{id} {status}, admins
// only (the session's role, not a bearer secret).
func (s *Server) handleAdminReportStatus(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Status string `json:"status"`
	}
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := s.app.SetReportStatus(r.Context(), userOf(r), r.PathValue("id"), in.Status)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, map[string]any{"report": rep}, "")
}
