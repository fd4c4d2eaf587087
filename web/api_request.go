package web

import (
	"net/http"

	"meetpin.app/app"
)

// handleRequestCreate: POST /api/requests {room_id, message?} → 201 {request}.
func (s *Server) handleRequestCreate(w http.ResponseWriter, r *http.Request) {
	var in app.RequestInput
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := s.app.CreateRequest(r.Context(), userOf(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusCreated, map[string]any{"request": req}, "request sent")
}

// handleRequestsMine: GET /api/requests/my → what I asked, with rooms.
func (s *Server) handleRequestsMine(w http.ResponseWriter, r *http.Request) {
	reqs, err := s.app.MyRequests(r.Context(), userOf(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, map[string]any{"requests": reqs}, "")
}

// handleRoomRequests: GET /api/rooms/{id}/requests, host only.
func (s *Server) handleRoomRequests(w http.ResponseWriter, r *http.Request) {
	reqs, err := s.app.RoomRequests(r.Context(), userOf(r), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, map[string]any{"requests": reqs}, "")
}

// handleRequestDecide: PATCH /api/requests/{id} {status: accepted|rejected}, host only.
func (s *Server) handleRequestDecide(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Status string `json:"status"`
	}
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.app.DecideRequest(r.Context(), userOf(r), r.PathValue("id"), in.Status)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	msg := "request rejected"
	if d.Match != nil {
		msg = "request accepted; the 1:1 chat is open"
	}
	writeOK(w, http.StatusOK, d, msg)
}

// handleRequestCancel: DELETE /api/requests/{id}, the requester withdraws.
func (s *Server) handleRequestCancel(w http.ResponseWriter, r *http.Request) {
	if err := s.app.CancelRequest(r.Context(), userOf(r), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, nil, "request withdrawn")
}
