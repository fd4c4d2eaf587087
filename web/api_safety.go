package web

import (
	"net/http"

	"meetpin.app/app"
)

// handleBlockCreate: POST /api/block {blocked_uid}.
func (s *Server) handleBlockCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		BlockedUID string `json:"blocked_uid"`
	}
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.app.Block(r.Context(), userOf(r), in.BlockedUID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusCreated, map[string]any{"block": b}, "blocked")
}

// handleBlockDelete: DELETE /api/block/{uid}.
func (s *Server) handleBlockDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.app.Unblock(r.Context(), userOf(r), r.PathValue("uid")); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, nil, "unblocked")
}

// handleBlockList: GET /api/block.
func (s *Server) handleBlockList(w http.ResponseWriter, r *http.Request) {
	bs, err := s.app.Blocks(r.Context(), userOf(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, map[string]any{"blocked_users": bs}, "")
}

// handleReportCreate: POST /api/reports {target_uid, room_id?, reason}.
func (s *Server) handleReportCreate(w http.ResponseWriter, r *http.Request) {
	var in app.ReportInput
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := s.app.Report(r.Context(), userOf(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusCreated, map[string]any{"report": rep}, "report received")
}

// handleReportsMine: GET /api/reports → the reports I filed.
func (s *Server) handleReportsMine(w http.ResponseWriter, r *http.Request) {
	reps, err := s.app.MyReports(r.Context(), userOf(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, map[string]any{"reports": reps}, "")
}

// handleHostMessageSend: POST /api/host-messages {roomId, message, receiverId?}.
func (s *Server) handleHostMessageSend(w http.ResponseWriter, r *http.Request) {
	var in app.HostMessageInput
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	hm, err := s.app.SendHostMessage(r.Context(), userOf(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusCreated, hm, "message sent")
}

// handleHostMessageList: GET /api/host-messages (received and sent).
func (s *Server) handleHostMessageList(w http.ResponseWriter, r *http.Request) {
	in, err := s.app.HostMessages(r.Context(), userOf(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, in, "")
}

// handleHostMessageGet: GET /api/host-messages/{id}.
func (s *Server) handleHostMessageGet(w http.ResponseWriter, r *http.Request) {
	hm, err := s.app.HostMessage(r.Context(), userOf(r), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, hm, "")
}

// handleHostMessageRead: PATCH /api/host-messages/{id}/read, receiver only.
func (s *Server) handleHostMessageRead(w http.ResponseWriter, r *http.Request) {
	hm, err := s.app.MarkHostMessageRead(r.Context(), userOf(r), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, hm, "")
}
