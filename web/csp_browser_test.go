package web

import (
	"context"
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"meetpin.app/app"
	"meetpin.app/config"
	"meetpin.app/meetpintest"
	"meetpin.app/sqlite/sqlitetest"
)

// probePage breaks the policy on purpose. Under the page policy a browser
// must run only the nonced script and what it loads ('strict-dynamic'),
// apply only the nonced <style> and style attributes, block the rest, and
// report each block to /api/security/csp-report.
var probePage = template.Must(template.New("probe").Parse(`<!doctype html>
<html><head><title>probe</title>
<style nonce="{{.}}">#nonced { color: rgb(0, 128, 0); }</style>
<style>#unnonced { color: rgb(255, 0, 0); }</style>
</head><body>
<p id="nonced">nonced style</p>
<p id="unnonced">style without nonce</p>
<p id="attr" style="color: rgb(0, 0, 255)">style attribute</p>
<img src="https://blocked.example/pixel.png?email=minji@example.com" alt="">
<script>window.inlineRan = true;</script>
<script nonce="{{.}}">
window.addEventListener('load', function () {
	var color = function (id) { return getComputedStyle(document.getElementById(id)).color; };
	var s = document.createElement('script');
	s.src = '/probe/dynamic.js';
	document.body.appendChild(s);
	navigator.sendBeacon('/api/telemetry/web-vitals', JSON.stringify({name: 'LCP', value: 1234.5, path: location.pathname + '?token=secret'}));
	fetch('/probe/result', {method: 'POST', body: JSON.stringify({
		inlineRan: !!window.inlineRan,
		nonced: color('nonced'), unnonced: color('unnonced'), attr: color('attr')
	})});
});
</script>
</body></html>`))

// TestCSPInBrowser loads the probe page in headless Chromium behind the
// real middleware and server, and checks what the browser enforced and
// what reached the telemetry store: the violation reports and a
// sendBeacon text/plain body. Over http the reports come through
// report-uri (application/csp-report); over https, where the policy also
// names report-to, Chromium sends them only through the Reporting API
// (application/reports+json).
func TestCSPInBrowser(t *testing.T) {
	chromium := meetpintest.Require(t, meetpintest.EnvChromium, "Chromium")
	for _, tls := range []bool{false, true} {
		name := map[bool]string{false: "http report-uri", true: "https Reporting API"}[tls]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			probeInBrowser(t, chromium, tls)
		})
	}
}

func probeInBrowser(t *testing.T, chromium string, tls bool) {
	var mu sync.Mutex
	var result map[string]any
	var reportTypes []string
	dynamicRan := false
	var handler http.Handler
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && r.URL.Path == cspReportPath {
			mu.Lock()
			reportTypes = append(reportTypes, r.Header.Get("Content-Type"))
			mu.Unlock()
		}
		handler.ServeHTTP(w, r)
	}))
	if tls {
		hs.StartTLS()
	} else {
		hs.Start()
	}
	t.Cleanup(hs.Close)

	store := sqlitetest.New(t)
	cfg, err := config.Load(func(k string) string { return map[string]string{"SITE_URL": hs.URL}[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	a := app.New(store, log, app.Options{PasswordCost: bcrypt.MinCost})
	srv := New(Options{Log: log, Config: cfg, App: a, Store: store, MediaDir: t.TempDir()})
	mux := http.NewServeMux()
	mux.Handle("/", srv)
	mux.Handle("GET /probe", srv.withRequest(srv.securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		probePage.Execute(w, CSPNonce(r))
	}))))
	mux.HandleFunc("GET /probe/dynamic.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `fetch('/probe/dynamic', {method: 'POST'});`)
	})
	mux.HandleFunc("POST /probe/dynamic", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		dynamicRan = true
		mu.Unlock()
	})
	mux.HandleFunc("POST /probe/result", func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if err := json.NewDecoder(r.Body).Decode(&v); err == nil {
			mu.Lock()
			result = v
			mu.Unlock()
		}
	})
	handler = mux

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	// The profile is not a t.TempDir: Chromium's helper processes may
	// still write to it for a moment after they are killed.
	profile, err := os.MkdirTemp("", "meetpin-chromium-*")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
		"--short-reporting-delay", "--user-data-dir=" + profile}
	if tls {
		args = append(args, "--ignore-certificate-errors")
	}
	cmd := exec.Command(chromium, append(args, hs.URL+"/probe")...)
	// Its own process group, so that the browser and its helpers end
	// together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	type group struct{ directive, blocked string }
	want := []group{{"script-src-elem", "inline"}, {"style-src-elem", "inline"}, {"img-src", "https://blocked.example"}}
	done := func() bool {
		mu.Lock()
		defer mu.Unlock()
		sum, err := store.CSPSummary(ctx, 50)
		if err != nil || result == nil || !dynamicRan {
			return false
		}
		seen := map[group]bool{}
		for _, c := range sum.Top {
			seen[group{c.Directive, c.BlockedURI}] = true
		}
		for _, g := range want {
			if !seen[g] {
				return false
			}
		}
		stats, err := store.WebVitalsSummary(ctx, time.Now().Add(-time.Hour))
		return err == nil && len(stats) > 0
	}
	for !done() {
		select {
		case <-ctx.Done():
			sum, _ := store.CSPSummary(context.Background(), 50)
			stats, _ := store.WebVitalsSummary(context.Background(), time.Now().Add(-time.Hour))
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("within 90 s: page result %v, dynamic script ran %v, reports %q, CSP summary %+v (want %v), web vitals %+v",
				result, dynamicRan, reportTypes, sum, want, stats)
		case <-time.After(200 * time.Millisecond):
		}
	}

	mu.Lock()
	defer mu.Unlock()
	for k, v := range map[string]any{
		"inlineRan": false,            // the script without nonce is blocked
		"nonced":    "rgb(0, 128, 0)", // the nonced <style> applies
		"unnonced":  "rgb(0, 0, 0)",   // the <style> without nonce does not
		"attr":      "rgb(0, 0, 255)", // style attributes apply (style-src-attr)
	} {
		if result[k] != v {
			t.Errorf("%s = %v, want %v (page result %v)", k, result[k], v, result)
		}
	}
	wantType := map[bool]string{false: "application/csp-report", true: "application/reports+json"}[tls]
	for _, ct := range reportTypes {
		if ct != wantType {
			t.Errorf("a report came as %q, want only %s", ct, wantType)
		}
	}
	stats, _ := store.WebVitalsSummary(ctx, time.Now().Add(-time.Hour))
	if len(stats) != 2 || stats[1].Path != "/probe" || stats[1].P75 != 1234.5 || stats[1].Metric != "LCP" {
		t.Errorf("web vitals %+v, want one LCP of 1234.5 on /probe", stats)
	}
	sum, _ := store.CSPSummary(ctx, 50)
	for _, p := range sum.Pages {
		if p.DocumentPath != "/probe" {
			t.Errorf("violation on page %q, want /probe only", p.DocumentPath)
		}
	}
}
