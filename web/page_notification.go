package web

import (
	"net/http"
	"strings"

	"meetpin.app"
)

type notificationsPage struct {
	Items []*meetpin.Notification
}

// handleNotificationsPage: GET /notifications — my latest notifications.
func (s *Server) handleNotificationsPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	list, err := s.app.Notifications(r.Context(), u, "", "1", "50")
	if err != nil {
		s.renderPageError(w, r, err)
		return
	}
	d := s.page(w, r, "notifications.title")
	d.Page = notificationsPage{Items: list.Notifications}
	s.render(w, r, "notifications", http.StatusOK, d)
}

// actionURL is the link of a notification: its metadata's actionUrl when it
// is a path on this site, else "".
func actionURL(meta map[string]any) string {
	v, _ := meta["actionUrl"].(string)
	if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") || strings.HasPrefix(v, "/\\") {
		return ""
	}
	return v
}

// handleNotificationSettingsPage: GET /settings/notifications — this
// browser's notification preferences (kept in the browser).
func (s *Server) handleNotificationSettingsPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.signedIn(w, r); !ok {
		return
	}
	d := s.page(w, r, "settings.title")
	d.Scripts = []string{"js/settings.js"}
	s.render(w, r, "settings_notifications", http.StatusOK, d)
}
