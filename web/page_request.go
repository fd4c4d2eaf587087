package web

import (
	"net/http"

	"meetpin.app"
	"meetpin.app/app"
)

type minePage struct {
	Matches  []*app.MatchView
	Requests []*app.RequestView
	Rooms    []*meetpin.Room
}

// handleRequestsPage: GET /requests — my chats, my join requests and the
// rooms I host.
func (s *Server) handleRequestsPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	var p minePage
	var err error
	if p.Matches, err = s.app.MyMatches(ctx, u); err == nil {
		if p.Requests, err = s.app.MyRequests(ctx, u); err == nil {
			p.Rooms, err = s.app.MyRooms(ctx, u)
		}
	}
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	d := s.page(w, r, "mine.title")
	d.Page = p
	s.render(w, r, "requests", http.StatusOK, d)
}
