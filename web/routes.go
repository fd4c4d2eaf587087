package web

import (
	"net/http"

	"meetpin.app"
)

// routes is the whole HTTP surface on one screen.
func (s *Server) routes(mux *http.ServeMux) {
	// Probes: no auth, no cache.
	s.handle(mux, "GET /api/livez", s.handleLivez)
	s.handle(mux, "GET /api/healthz", s.handleHealthz)
	s.handle(mux, "GET /api/readyz", s.handleReadyz)
	s.handle(mux, "GET /api/ready", s.handleReadyz)

	// Health, status page, monitoring and metrics.
	s.handle(mux, "GET /api/health", s.handleHealth)
	s.handle(mux, "GET /api/status", s.handleStatus)
	s.handle(mux, "GET /api/monitoring", requireAdminToken(s, s.handleMonitoring))
	s.handle(mux, "GET /metrics", s.handleMetrics)

	// Accounts and sessions.
	s.handle(mux, "POST /api/auth/signup", s.handleSignup)
	s.handle(mux, "POST /api/auth/login", s.handleLogin)
	s.handle(mux, "POST /api/auth/logout", requireUser(s, s.handleLogout))
	s.handle(mux, "GET /api/auth/me", requireUser(s, s.handleMe))

	// Profiles.
	s.handle(mux, "GET /api/profile", requireUser(s, s.handleProfileGet))
	s.handle(mux, "PATCH /api/profile", requireUser(s, s.handleProfilePatch))
	s.handle(mux, "GET /api/profile/stats", requireUser(s, s.handleProfileStats))
	s.handle(mux, "POST /api/profile/avatar", requireUser(s, s.handleAvatarUpload))
	s.handle(mux, "DELETE /api/profile/avatar", requireUser(s, s.handleAvatarDelete))
	s.handle(mux, "GET /api/profile/{id}", s.handleProfilePublic)

	// Rooms.
	s.handle(mux, "GET /api/rooms", s.handleRoomList)
	s.handle(mux, "POST /api/rooms", requireUser(s, s.handleRoomCreate))
	s.handle(mux, "GET /api/rooms/my", requireUser(s, s.handleRoomsMine))
	s.handle(mux, "GET /api/rooms/{id}", s.handleRoomGet)
	s.handle(mux, "PATCH /api/rooms/{id}", requireUser(s, s.handleRoomPatch))
	s.handle(mux, "DELETE /api/rooms/{id}", requireUser(s, s.handleRoomDelete))

	s.handle(mux, "GET /api/rooms/{id}/requests", requireUser(s, s.handleRoomRequests))

	// Join requests and matches.
	s.handle(mux, "POST /api/requests", requireUser(s, s.handleRequestCreate))
	s.handle(mux, "GET /api/requests/my", requireUser(s, s.handleRequestsMine))
	s.handle(mux, "PATCH /api/requests/{id}", requireUser(s, s.handleRequestDecide))
	s.handle(mux, "DELETE /api/requests/{id}", requireUser(s, s.handleRequestCancel))
	s.handle(mux, "GET /api/matches/my", requireUser(s, s.handleMatchesMine))

	// Chat.
	s.handle(mux, "GET /api/matches/{id}/messages", requireUser(s, s.handleMessageList))
	s.handle(mux, "POST /api/matches/{id}/messages", requireUser(s, s.handleMessagePost))
	s.handle(mux, "POST /api/matches/{id}/read", requireUser(s, s.handleMatchRead))
	s.handle(mux, "GET /api/matches/{id}/events", requireUser(s, s.handleMatchEvents))

	// Host messages.
	s.handle(mux, "POST /api/host-messages", requireUser(s, s.handleHostMessageSend))
	s.handle(mux, "GET /api/host-messages", requireUser(s, s.handleHostMessageList))
	s.handle(mux, "GET /api/host-messages/{id}", requireUser(s, s.handleHostMessageGet))
	s.handle(mux, "PATCH /api/host-messages/{id}/read", requireUser(s, s.handleHostMessageRead))

	// Notifications.
	s.handle(mux, "GET /api/notifications", requireUser(s, s.handleNotificationList))
	s.handle(mux, "GET /api/notifications/stream", requireUser(s, s.handleNotificationStream))
	s.handle(mux, "POST /api/notifications/read-all", requireUser(s, s.handleNotificationReadAll))
	s.handle(mux, "PATCH /api/notifications/{id}/read", requireUser(s, s.handleNotificationRead))
	s.handle(mux, "DELETE /api/notifications/{id}", requireUser(s, s.handleNotificationDelete))

	// Blocks and reports.
	s.handle(mux, "POST /api/block", requireUser(s, s.handleBlockCreate))
	s.handle(mux, "GET /api/block", requireUser(s, s.handleBlockList))
	s.handle(mux, "DELETE /api/block/{uid}", requireUser(s, s.handleBlockDelete))
	s.handle(mux, "POST /api/reports", requireUser(s, s.handleReportCreate))
	s.handle(mux, "GET /api/reports", requireUser(s, s.handleReportsMine))

	// Maintenance jobs (CRON_SECRET).
	s.handle(mux, "GET /api/cron", requireCronSecret(s, s.handleCronList))
	s.handle(mux, "POST /api/cron/{job}", requireCronSecret(s, s.handleCronRun))
	// Paid boosts (Stripe) and places (Kakao).
	s.handle(mux, "POST /api/payments/stripe/checkout", requireUser(s, s.handleBoostCheckout))
	s.handle(mux, "POST /api/payments/stripe/webhook", s.handleStripeWebhook)
	s.handle(mux, "GET /payments/fake-checkout", s.handleFakeCheckoutPage)    // MEETPIN_FAKE_PAYMENTS only
	s.handle(mux, "POST /payments/fake-checkout", s.handleFakeCheckoutSubmit) // MEETPIN_FAKE_PAYMENTS only
	s.handle(mux, "GET /api/kakao/coord2address", s.handleCoord2Address)
	s.handle(mux, "GET /api/places/search", s.handlePlaceSearch)
	// Browser telemetry: anonymous beacons in (no session is loaded for
	// them, so they skip the CSRF check, which a browser's report upload
	// might not pass), operator summaries out.
	s.handle(mux, "POST /api/security/csp-report", s.handleCSPReport)
	s.handle(mux, "GET /api/security/csp-report", requireAdminToken(s, s.handleCSPSummary))
	s.handle(mux, "POST /api/telemetry/web-vitals", s.handleWebVitals)
	s.handle(mux, "GET /api/telemetry/web-vitals", requireAdminToken(s, s.handleWebVitalsSummary))
	// Operator: the cache (ADMIN_TOKEN).
	s.handle(mux, "GET /api/cache/stats", requireAdminToken(s, s.handleCacheStats))
	s.handle(mux, "POST /api/cache/clear", requireAdminToken(s, s.handleCacheClear))

	// Uploaded files.
	s.handle(mux, "GET /media/avatars/{file}", s.handleMedia)

	// Admin actions (the session's admin role; the page is below).
	s.handle(mux, "PATCH /api/admin/reports/{id}", requireUser(s, s.handleAdminReportStatus))

	// Web pages (page_*.go, templates/) and their static files. Pages that
	// need a user send anonymous visitors to /auth/login?next=….
	s.handle(mux, "GET /static/{path...}", s.handleStatic)
	s.handle(mux, "GET /{$}", s.handleHome)
	s.handle(mux, "GET /map", s.handleMapPage)
	s.handle(mux, "GET /room/new", s.handleRoomNewPage)
	s.handle(mux, "GET /room/{id}", s.handleRoomPage)
	s.handle(mux, "GET /room/{id}/edit", s.handleRoomEditPage)
	s.handle(mux, "GET /room/{id}/requests", s.handleRoomRequestsPage)
	s.handle(mux, "GET /requests", s.handleRequestsPage)
	s.handle(mux, "GET /chat/{id}", s.handleChatPage)
	s.handle(mux, "GET /notifications", s.handleNotificationsPage)
	s.handle(mux, "GET /settings/notifications", s.handleNotificationSettingsPage)
	s.handle(mux, "GET /profile", s.handleProfilePage)
	s.handle(mux, "GET /profile/{id}", s.handleProfilePublicPage)
	s.handle(mux, "GET /auth/login", s.handleLoginPage)
	s.handle(mux, "GET /auth/signup", s.handleSignupPage)
	s.handle(mux, "GET /status", s.handleStatusPage)
	s.handle(mux, "GET /help", s.handleHelp)
	s.handle(mux, "GET /legal/{doc}", s.handleLegal)
	s.handle(mux, "GET /admin", s.handleAdminPage)
	s.handle(mux, "GET /robots.txt", s.handleRobots)
	s.handle(mux, "GET /sitemap.xml", s.handleSitemap)
	s.handle(mux, "GET /manifest.webmanifest", s.handleManifest)
	s.handle(mux, "/", s.handleNotFoundPage) // the friendly 404 of unknown non-API paths

	// Anything else under /api/ is a JSON 405 when the path exists under
	// other methods, else a JSON 404.
	s.handle(mux, apiCatchAll, func(w http.ResponseWriter, r *http.Request) {
		if allow := apiAllow(mux, r); allow != "" {
			w.Header().Set("Allow", allow)
			s.writeError(w, r, meetpin.Errorf(meetpin.EMETHODNOTALLOWED, "method %s is not allowed here (allowed: %s)", r.Method, allow))
			return
		}
		s.writeError(w, r, meetpin.Errorf(meetpin.ENOTFOUND, "no such API route: %s %s", r.Method, r.URL.Path))
	})
}
