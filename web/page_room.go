package web

import (
	"net/http"
	"time"

	"meetpin.app"
	"meetpin.app/app"
)

// roomFormPage is the data of the room form (new and edit).
type roomFormPage struct {
	Room         *app.RoomView // nil for a new room
	API, Method  string
	SubmitKey    string
	Categories   []string
	DefaultStart string // datetime-local value, two hours from now in Seoul
}

func (s *Server) roomFormScripts(d *pageData) {
	if d.Map.Bundle {
		d.Styles = []string{"dist/map.css"}
		d.Scripts = []string{"dist/map.js", "js/map.js"}
	}
}

// handleRoomNewPage: GET /room/new.
func (s *Server) handleRoomNewPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.signedIn(w, r); !ok {
		return
	}
	d := s.page(w, r, "room.new.title")
	start := time.Now().In(seoul).Add(2 * time.Hour).Truncate(30 * time.Minute)
	d.Page = roomFormPage{API: "/api/rooms", Method: "POST", SubmitKey: "room.new.submit", Categories: meetpin.Categories,
		DefaultStart: start.Format("2006-01-02T15:04")}
	s.roomFormScripts(d)
	s.render(w, r, "room_new", http.StatusOK, d)
}

// handleRoomEditPage: GET /room/{id}/edit, host only.
func (s *Server) handleRoomEditPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	room, err := s.app.GetRoom(r.Context(), u, r.PathValue("id"))
	if err == nil && !room.IsHost {
		err = meetpin.Errorf(meetpin.EFORBIDDEN, "only the host can edit this room")
	}
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	d := s.page(w, r, "room.edit.title")
	d.Page = roomFormPage{Room: room, API: "/api/rooms/" + room.ID, Method: "PATCH", SubmitKey: "room.edit.submit", Categories: meetpin.Categories}
	s.roomFormScripts(d)
	s.render(w, r, "room_edit", http.StatusOK, d)
}

type roomPage struct {
	Room    *app.RoomView
	Request *app.RequestView // the viewer's own request for this room, if any
}

// handleRoomPage: GET /room/{id} — anyone may see a public room; a private
// one only its host (404 otherwise, as the API).
func (s *Server) handleRoomPage(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	room, err := s.app.GetRoom(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	p := roomPage{Room: room}
	if u != nil && !room.IsHost {
		mine, err := s.app.MyRequests(r.Context(), u)
		if err != nil {
			s.renderPageError(w, r, err)
			return
		}
		for _, req := range mine {
			if req.RoomID == room.ID && req.Status != meetpin.RequestCancelled {
				p.Request = req
				break
			}
		}
	}
	d := s.page(w, r, "room.title")
	d.Title = room.Title
	d.Page = p
	s.render(w, r, "room", http.StatusOK, d)
}

type roomRequestsPage struct {
	Room     *app.RoomView
	Requests []*app.RequestView
}

// handleRoomRequestsPage: GET /room/{id}/requests — the host decides.
func (s *Server) handleRoomRequestsPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	room, err := s.app.GetRoom(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	reqs, err := s.app.RoomRequests(r.Context(), u, room.ID)
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	d := s.page(w, r, "room.requests.title")
	d.Page = roomRequestsPage{Room: room, Requests: reqs}
	s.render(w, r, "room_requests", http.StatusOK, d)
}
