package web_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"meetpin.app"
)

// parseCSP splits a policy into directive → sources.
func parseCSP(t *testing.T, policy string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		if _, dup := out[f[0]]; dup {
			t.Fatalf("directive %s twice in %q", f[0], policy)
		}
		out[f[0]] = f[1:]
	}
	return out
}

var nonceSource = regexp.MustCompile(`^'nonce-([A-Za-z0-9_-]{22,})'$`)

// pageCSP checks the page policy of a reply and returns its nonce.
// reportTo says whether the policy should use the Reporting API too (an
// https site) besides report-uri.
func pageCSP(t *testing.T, r *reply, reportTo bool) (map[string][]string, string) {
	t.Helper()
	if !reportTo {
		checkSecurityHeaders(t, r)
	}
	csp := parseCSP(t, r.Header.Get("Content-Security-Policy"))
	if got := r.Header.Get("Reporting-Endpoints"); reportTo && got != `csp="/api/security/csp-report"` || !reportTo && got != "" {
		t.Errorf("Reporting-Endpoints = %q", got)
	}
	if got, ok := csp["report-to"]; reportTo && !slices.Equal(got, []string{"csp"}) || !reportTo && ok {
		t.Errorf("report-to = %q", got)
	}
	var nonce string
	for _, dir := range []string{"script-src", "style-src"} {
		var found []string
		for _, src := range csp[dir] {
			if m := nonceSource.FindStringSubmatch(src); m != nil {
				found = append(found, m[1])
			}
		}
		if len(found) != 1 || (nonce != "" && found[0] != nonce) {
			t.Fatalf("%s = %q: want exactly one nonce, the same in script-src and style-src", dir, csp[dir])
		}
		nonce = found[0]
	}
	for dir, want := range map[string][]string{
		"default-src":     {"'self'"},
		"object-src":      {"'none'"},
		"base-uri":        {"'none'"},
		"frame-ancestors": {"'none'"},
		"form-action":     {"'self'"},
		"connect-src":     {"'self'"},
		"style-src-attr":  {"'unsafe-inline'"},
		"report-uri":      {"/api/security/csp-report"},
	} {
		if !slices.Equal(csp[dir], want) {
			t.Errorf("%s = %q, want %q", dir, csp[dir], want)
		}
	}
	script := csp["script-src"]
	if !slices.Contains(script, "'strict-dynamic'") || !slices.Contains(script, "'self'") {
		t.Errorf("script-src = %q", script)
	}
	for _, dir := range []string{"script-src", "style-src", "default-src"} {
		for _, unsafe := range []string{"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "https:", "data:"} {
			if slices.Contains(csp[dir], unsafe) {
				t.Errorf("%s allows %s: %q", dir, unsafe, csp[dir])
			}
		}
	}
	for _, src := range []string{"'self'", "data:", "blob:"} {
		if !slices.Contains(csp["img-src"], src) {
			t.Errorf("img-src = %q lacks %s", csp["img-src"], src)
		}
	}
	return csp, nonce
}

// TestContentSecurityPolicy: API answers (200, 401, 404, 405) carry the
// policy that allows nothing; anything else, here 404s outside /api/, the
// page policy with a fresh nonce each time.
func TestContentSecurityPolicy(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		for _, r := range []*reply{
			s.call("GET", "/api/rooms?bbox="+seoulBBox, nil, "").want(t, 200, ""),
			s.call("GET", "/api/profile", nil, "").wantError(t, 401, meetpin.EUNAUTHORIZED),
			s.call("GET", "/api/nope", nil, "").wantError(t, 404, meetpin.ENOTFOUND),
			s.call("PUT", "/api/rooms", nil, "").wantError(t, 405, meetpin.EMETHODNOTALLOWED),
			s.call("POST", "/api/security/csp-report", nil, "").wantError(t, 415, meetpin.EUNSUPPORTEDMEDIA),
		} {
			checkSecurityHeaders(t, r)
			if got := r.Header.Get("Content-Security-Policy"); got != "default-src 'none'; frame-ancestors 'none'" {
				t.Errorf("API CSP = %q", got)
			}
		}

		seen := map[string]bool{}
		for _, path := range []string{"/nope", "/no/such/page", "/nope", "/nope"} {
			r := s.call("GET", path, nil, "")
			csp, nonce := pageCSP(t, r, false)
			if seen[nonce] {
				t.Fatalf("nonce %q served twice", nonce)
			}
			seen[nonce] = true
			if !slices.Contains(csp["img-src"], "https://*.tile.openstreetmap.org") {
				t.Errorf("img-src = %q lacks the default tile host", csp["img-src"])
			}
			if _, ok := csp["upgrade-insecure-requests"]; ok {
				t.Error("upgrade-insecure-requests in development")
			}
		}
	})
}

// TestContentSecurityPolicyConfig: the tile host comes from
// MEETPIN_MAP_TILE_URL; production adds HSTS and upgrade-insecure-requests,
// and an https SITE_URL the Reporting API (report-to).
func TestContentSecurityPolicyConfig(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s, _, _ := newServerEnv(t, store, map[string]string{"MEETPIN_MAP_TILE_URL": "https://{s}-tiles.maps.example:8443/{z}/{x}/{y}.png?key=k"})
		csp, _ := pageCSP(t, s.call("GET", "/nope", nil, ""), false)
		if want := []string{"'self'", "data:", "blob:", "https://*.maps.example:8443"}; !slices.Equal(csp["img-src"], want) {
			t.Errorf("img-src = %q, want %q", csp["img-src"], want)
		}

		prod, _, _ := newServerEnv(t, store, map[string]string{
			"MEETPIN_ENV": "production", "SITE_URL": "https://meetpin.example",
			"ADMIN_TOKEN": "admin-token-0123456789", "CRON_SECRET": "cron-secret-0123456789",
			"MEETPIN_METRICS_TOKEN": "metrics-token-0123456789",
		})
		for _, path := range []string{"/api/rooms?bbox=" + seoulBBox, "/nope"} {
			r := prod.call("GET", path, nil, "")
			if hsts := r.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") || !strings.Contains(hsts, "includeSubDomains") {
				t.Errorf("%s: HSTS = %q in production", path, hsts)
			}
		}
		r := prod.call("GET", "/nope", nil, "")
		csp, _ = pageCSP(t, r, true)
		if _, ok := csp["upgrade-insecure-requests"]; !ok {
			t.Errorf("no upgrade-insecure-requests in production: %q", r.Header.Get("Content-Security-Policy"))
		}
	})
}
