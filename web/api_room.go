package web

import (
	"net/http"

	"meetpin.app/app"
)

// handleRoomList: GET /api/rooms?bbox=south,west,north,east&category=&page=&limit=.
func (s *Server) handleRoomList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := s.app.ListRooms(r.Context(), userOf(r), app.RoomQuery{
		BBox: q.Get("bbox"), Category: q.Get("category"), Page: q.Get("page"), Limit: q.Get("limit"),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, page, "")
}

// handleRoomCreate: POST /api/rooms → 201 {room}.
func (s *Server) handleRoomCreate(w http.ResponseWriter, r *http.Request) {
	var in app.RoomInput
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	room, err := s.app.CreateRoom(r.Context(), userOf(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusCreated, roomData{room}, "room created")
}

type roomData struct {
	Room *app.RoomView `json:"room"`
}

// handleRoomGet: GET /api/rooms/{id} → {room} with host, participants_count, is_host.
func (s *Server) handleRoomGet(w http.ResponseWriter, r *http.Request) {
	room, err := s.app.GetRoom(r.Context(), userOf(r), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, roomData{room}, "")
}

// handleRoomPatch: PATCH /api/rooms/{id}, host only, partial.
func (s *Server) handleRoomPatch(w http.ResponseWriter, r *http.Request) {
	var in app.RoomInput
	if err := decode(w, r, &in, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	room, err := s.app.UpdateRoom(r.Context(), userOf(r), r.PathValue("id"), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, roomData{room}, "room updated")
}

// handleRoomDelete: DELETE /api/rooms/{id}, host only, while no guest is accepted.
func (s *Server) handleRoomDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.app.DeleteRoom(r.Context(), userOf(r), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, nil, "room deleted")
}

// handleRoomsMine: GET /api/rooms/my → the rooms I host.
func (s *Server) handleRoomsMine(w http.ResponseWriter, r *http.Request) {
	rooms, err := s.app.MyRooms(r.Context(), userOf(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, map[string]any{"rooms": rooms}, "")
}
