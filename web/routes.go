package web

import (
	"net/http"

	"meetpin.app"
)

// routes is the whole HTTP surface on one screen. Each line declares the
// route's access (who may call it, and whether the session is read:
// policy.go) and its rate-limit class, then its handler.
func (s *Server) routes(mux *http.ServeMux) {
	// Probes: no auth, no cache.
	s.route(mux, "GET /api/livez", public, unlimited, s.handleLivez)
	s.route(mux, "GET /api/healthz", public, unlimited, s.handleHealthz)
	s.route(mux, "GET /api/readyz", public, unlimited, s.handleReadyz)
	s.route(mux, "GET /api/ready", public, unlimited, s.handleReadyz)

	// Health, status page, monitoring and metrics.
	s.route(mux, "GET /api/health", public, unlimited, s.handleHealth)
	s.route(mux, "GET /api/status", public, unlimited, s.handleStatus)
	s.route(mux, "GET /api/monitoring", adminToken, limitAPI, s.handleMonitoring)
	s.route(mux, "GET /metrics", metricsToken, unlimited, s.handleMetrics)

	// Accounts and sessions.
	s.route(mux, "POST /api/auth/signup", public, limitAuth, s.handleSignup)
	s.route(mux, "POST /api/auth/login", public, limitAuth, s.handleLogin)
	s.route(mux, "POST /api/auth/logout", signedIn, limitAPI, s.handleLogout)
	s.route(mux, "GET /api/auth/me", signedIn, limitAPI, s.handleMe)

	// Profiles.
	s.route(mux, "GET /api/profile", signedIn, limitAPI, s.handleProfileGet)
	s.route(mux, "PATCH /api/profile", signedIn, limitAPI, s.handleProfilePatch)
	s.route(mux, "GET /api/profile/stats", signedIn, limitAPI, s.handleProfileStats)
	s.route(mux, "POST /api/profile/avatar", signedIn, limitUploads, s.handleAvatarUpload)
	s.route(mux, "DELETE /api/profile/avatar", signedIn, limitAPI, s.handleAvatarDelete)
	s.route(mux, "GET /api/profile/{id}", withSession, limitAPI, s.handleProfilePublic)

	// Rooms.
	s.route(mux, "GET /api/rooms", withSession, limitAPI, s.handleRoomList)
	s.route(mux, "POST /api/rooms", signedIn, limitRooms, s.handleRoomCreate)
	s.route(mux, "GET /api/rooms/my", signedIn, limitAPI, s.handleRoomsMine)
	s.route(mux, "GET /api/rooms/{id}", withSession, limitAPI, s.handleRoomGet)
	s.route(mux, "PATCH /api/rooms/{id}", signedIn, limitAPI, s.handleRoomPatch)
	s.route(mux, "DELETE /api/rooms/{id}", signedIn, limitAPI, s.handleRoomDelete)

	s.route(mux, "GET /api/rooms/{id}/requests", signedIn, limitAPI, s.handleRoomRequests)

	// Join requests and matches.
	s.route(mux, "POST /api/requests", signedIn, limitAPI, s.handleRequestCreate)
	s.route(mux, "GET /api/requests/my", signedIn, limitAPI, s.handleRequestsMine)
	s.route(mux, "PATCH /api/requests/{id}", signedIn, limitAPI, s.handleRequestDecide)
	s.route(mux, "DELETE /api/requests/{id}", signedIn, limitAPI, s.handleRequestCancel)
	s.route(mux, "GET /api/matches/my", signedIn, limitAPI, s.handleMatchesMine)

	// Chat.
	s.route(mux, "GET /api/matches/{id}/messages", signedIn, limitAPI, s.handleMessageList)
	s.route(mux, "POST /api/matches/{id}/messages", signedIn, limitMessages, s.handleMessagePost)
	s.route(mux, "POST /api/matches/{id}/read", signedIn, limitAPI, s.handleMatchRead)
	s.route(mux, "GET /api/matches/{id}/events", signedIn, limitAPI, s.handleMatchEvents)

	// Host messages.
	s.route(mux, "POST /api/host-messages", signedIn, limitMessages, s.handleHostMessageSend)
	s.route(mux, "GET /api/host-messages", signedIn, limitAPI, s.handleHostMessageList)
	s.route(mux, "GET /api/host-messages/{id}", signedIn, limitAPI, s.handleHostMessageGet)
	s.route(mux, "PATCH /api/host-messages/{id}/read", signedIn, limitAPI, s.handleHostMessageRead)

	// Notifications.
	s.route(mux, "GET /api/notifications", signedIn, limitAPI, s.handleNotificationList)
	s.route(mux, "GET /api/notifications/stream", signedIn, limitAPI, s.handleNotificationStream)
	s.route(mux, "POST /api/notifications/read-all", signedIn, limitAPI, s.handleNotificationReadAll)
	s.route(mux, "PATCH /api/notifications/{id}/read", signedIn, limitAPI, s.handleNotificationRead)
	s.route(mux, "DELETE /api/notifications/{id}", signedIn, limitAPI, s.handleNotificationDelete)

	// Blocks and reports.
	s.route(mux, "POST /api/block", signedIn, limitAPI, s.handleBlockCreate)
	s.route(mux, "GET /api/block", signedIn, limitAPI, s.handleBlockList)
	s.route(mux, "DELETE /api/block/{uid}", signedIn, limitAPI, s.handleBlockDelete)
	s.route(mux, "POST /api/reports", signedIn, limitAPI, s.handleReportCreate)
	s.route(mux, "GET /api/reports", signedIn, limitAPI, s.handleReportsMine)

	// Maintenance jobs (CRON_SECRET).
	s.route(mux, "GET /api/cron", cronSecret, limitAPI, s.handleCronList)
	s.route(mux, "POST /api/cron/{job}", cronSecret, limitAPI, s.handleCronRun)
	// Paid boosts (Stripe) and places (Kakao).
	s.route(mux, "POST /api/payments/stripe/checkout", signedIn, limitAPI, s.handleBoostCheckout)
	s.route(mux, "POST /api/payments/stripe/webhook", public, limitAPI, s.handleStripeWebhook)
	s.route(mux, "GET /payments/fake-checkout", public, unlimited, s.handleFakeCheckoutPage)    // MEETPIN_FAKE_PAYMENTS only
	s.route(mux, "POST /payments/fake-checkout", public, unlimited, s.handleFakeCheckoutSubmit) // MEETPIN_FAKE_PAYMENTS only
	s.route(mux, "GET /api/kakao/coord2address", withSession, limitAPI, s.handleCoord2Address)
	s.route(mux, "GET /api/places/search", withSession, limitAPI, s.handlePlaceSearch)
	// Browser telemetry: anonymous beacons in (no session is loaded for
	// them, so they skip the CSRF check, which a browser's report upload
	// might not pass), operator summaries out.
	s.route(mux, "POST /api/security/csp-report", public, limitAPI, s.handleCSPReport)
	s.route(mux, "GET /api/security/csp-report", adminToken, limitAPI, s.handleCSPSummary)
	s.route(mux, "POST /api/telemetry/web-vitals", public, limitAPI, s.handleWebVitals)
	s.route(mux, "GET /api/telemetry/web-vitals", adminToken, limitAPI, s.handleWebVitalsSummary)
	// Operator: the cache (ADMIN_TOKEN).
	s.route(mux, "GET /api/cache/stats", adminToken, limitAPI, s.handleCacheStats)
	s.route(mux, "POST /api/cache/clear", adminToken, limitAPI, s.handleCacheClear)

	// Uploaded files.
	s.route(mux, "GET /media/avatars/{file}", public, unlimited, s.handleMedia)

	// Admin actions (the session's admin role; the page is below).
	s.route(mux, "PATCH /api/admin/reports/{id}", adminRole, limitAPI, s.handleAdminReportStatus)

	// Web pages (page_*.go, templates/) and their static files. Pages that
	// need a user send anonymous visitors to /auth/login?next=….
	s.route(mux, "GET /static/{path...}", public, unlimited, s.handleStatic)
	s.route(mux, "GET /{$}", withSession, unlimited, s.handleHome)
	s.route(mux, "GET /map", withSession, unlimited, s.handleMapPage)
	s.route(mux, "GET /room/new", withSession, unlimited, s.handleRoomNewPage)
	s.route(mux, "GET /room/{id}", withSession, unlimited, s.handleRoomPage)
	s.route(mux, "GET /room/{id}/edit", withSession, unlimited, s.handleRoomEditPage)
	s.route(mux, "GET /room/{id}/requests", withSession, unlimited, s.handleRoomRequestsPage)
	s.route(mux, "GET /requests", withSession, unlimited, s.handleRequestsPage)
	s.route(mux, "GET /chat/{id}", withSession, unlimited, s.handleChatPage)
	s.route(mux, "GET /notifications", withSession, unlimited, s.handleNotificationsPage)
	s.route(mux, "GET /settings/notifications", withSession, unlimited, s.handleNotificationSettingsPage)
	s.route(mux, "GET /profile", withSession, unlimited, s.handleProfilePage)
	s.route(mux, "GET /profile/{id}", withSession, unlimited, s.handleProfilePublicPage)
	s.route(mux, "GET /auth/login", withSession, unlimited, s.handleLoginPage)
	s.route(mux, "GET /auth/signup", withSession, unlimited, s.handleSignupPage)
	s.route(mux, "GET /status", withSession, unlimited, s.handleStatusPage)
	s.route(mux, "GET /help", withSession, unlimited, s.handleHelp)
	s.route(mux, "GET /legal/{doc}", withSession, unlimited, s.handleLegal)
	s.route(mux, "GET /admin", withSession, unlimited, s.handleAdminPage)
	s.route(mux, "GET /robots.txt", public, unlimited, s.handleRobots)
	s.route(mux, "GET /sitemap.xml", public, unlimited, s.handleSitemap)
	s.route(mux, "GET /manifest.webmanifest", public, unlimited, s.handleManifest)
	s.route(mux, "/", withSession, unlimited, s.handleNotFoundPage) // the friendly 404 of unknown non-API paths

	// Anything else under /api/ is a JSON 405 when the path exists under
	// other methods, else a JSON 404.
	s.route(mux, apiCatchAll, public, limitAPI, func(w http.ResponseWriter, r *http.Request) {
		if allow := apiAllow(mux, r); allow != "" {
			w.Header().Set("Allow", allow)
			s.writeError(w, r, meetpin.Errorf(meetpin.EMETHODNOTALLOWED, "method %s is not allowed here (allowed: %s)", r.Method, allow))
			return
		}
		s.writeError(w, r, meetpin.Errorf(meetpin.ENOTFOUND, "no such API route: %s %s", r.Method, r.URL.Path))
	})
}
