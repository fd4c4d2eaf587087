package web

import (
	"net/http"
	"slices"

	"meetpin.app"
	"meetpin.app/app"
)

type chatPage struct {
	Match    *meetpin.Match
	Room     *app.RoomView
	Other    *meetpin.PublicProfile
	Messages []*meetpin.Message // oldest first
	Cursor   string             // next_cursor of older messages, "" when none
	ReadOnly bool
}

// chatPageSize is how many messages the chat page opens with.
const chatPageSize = "30"

// handleChatPage: GET /chat/{id} — participants only (404 for anyone
// else, as the API).
func (s *Server) handleChatPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	m, err := s.app.Match(ctx, u, r.PathValue("id"))
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	page, err := s.app.Messages(ctx, u, m.ID, "", chatPageSize)
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	p := chatPage{Match: m, Messages: slices.Clone(page.Messages), ReadOnly: page.ReadOnly}
	slices.Reverse(p.Messages)
	if page.NextCursor != nil {
		p.Cursor = *page.NextCursor
	}
	other := m.HostID
	if other == u.ID {
		other = m.GuestID
	}
	p.Other, _ = s.app.PublicProfile(ctx, nil, other)
	p.Room, _ = s.app.GetRoom(ctx, u, m.RoomID)
	d := s.page(w, r, "chat.title")
	d.Page = p
	d.Scripts = []string{"js/chat.js"}
	s.render(w, r, "chat", http.StatusOK, d)
}
