package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"

	"meetpin.app/config"
)

// cspReportPath receives violation reports (report-uri, and report-to
// through Reporting-Endpoints).
const cspReportPath = "/api/security/csp-report"

// apiPolicy is the Content-Security-Policy of everything under /api/: JSON,
// event streams and probes load nothing and may be framed by no one. Should
// a browser ever render one of them as a document (a mislabelled error, a
// sniffing bug), it can run nothing.
const apiPolicy = "default-src 'none'; frame-ancestors 'none'"

// pagePolicy is the Content-Security-Policy of pages, split where the
// request's nonce goes.
//
// Scripts run only with the nonce ('strict-dynamic' lets a nonced script
// load its own modules); there is no 'unsafe-inline' and no 'unsafe-eval',
// and in CSP 3 browsers 'strict-dynamic' makes 'self' inert, so every
// <script>, including <script src>, needs nonce="{{.Nonce}}".
//
// <style> elements also need the nonce. Style attributes are allowed
// ('unsafe-inline' in style-src-attr only): Leaflet's popup writes one
// (Leaflet issue #9168), and marker icons built from HTML strings
// (L.divIcon, cluster icons) often carry them. A style attribute cannot
// run script, and without selectors it cannot read the page either; what
// it could do is restyle markup an attacker injected, which html/template's
// escaping already prevents. Browsers without style-src-attr fall back to style-src
// and block the attributes, which costs looks, not safety.
//
// Images come from the site, data: and blob: URLs (Leaflet's CSS and
// canvas), and the tile host of MEETPIN_MAP_TILE_URL; connections only to
// the site (API, event streams, the web-vitals beacon).
//
// Violations go to report-uri, and on an https site also to report-to
// (the Reporting API, with Reporting-Endpoints). Chromium sends only to
// report-to when the policy names one, and accepts a report-to endpoint
// only on https, so on a plain-http site (development on localhost) the
// policy leaves report-to out and reports still arrive through report-uri.
type pagePolicy struct {
	parts    []string // joined with the nonce
	reportTo bool     // the policy names report-to: send Reporting-Endpoints
}

func newPagePolicy(cfg config.Config) pagePolicy {
	img := "'self' data: blob:"
	if src := cfg.MapTileSource(); src != "" {
		img += " " + src
	}
	directives := []string{
		"default-src 'self'",
		"script-src 'self' 'nonce-\x00' 'strict-dynamic'",
		"style-src 'self' 'nonce-\x00'",
		"style-src-attr 'unsafe-inline'",
		"img-src " + img,
		"font-src 'self'",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"frame-ancestors 'none'",
		"form-action 'self'",
		"report-uri " + cspReportPath,
	}
	reportTo := strings.HasPrefix(cfg.SiteURL, "https://")
	if reportTo {
		directives = append(directives, "report-to csp")
	}
	if cfg.Production() {
		directives = append(directives, "upgrade-insecure-requests")
	}
	return pagePolicy{parts: strings.Split(strings.Join(directives, "; "), "\x00"), reportTo: reportTo}
}

// with returns the policy for one response.
func (p pagePolicy) with(nonce string) string { return strings.Join(p.parts, nonce) }

// newNonce returns 128 random bits in base64url, as CSP nonces should be:
// fresh per response and unguessable.
func newNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// CSPNonce returns the nonce of the Content-Security-Policy sent with r's
// response. Page templates put it on every <script> and <style> element:
//
//	<script nonce="{{.Nonce}}" src="/static/app.js"></script>
//
// It is "" under /api/, whose answers carry a policy without scripts, and
// for a request that did not pass through the server's middleware.
func CSPNonce(r *http.Request) string {
	n, _ := r.Context().Value(nonceKey).(string)
	return n
}
