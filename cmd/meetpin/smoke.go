package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// smokeCheck is the result of one smoke check.
type smokeCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	Ms     int64  `json:"ms"`
}

// smokeReport is what `meetpin smoke --json` prints.
type smokeReport struct {
	URL    string       `json:"url"`
	OK     bool         `json:"ok"`
	Checks []smokeCheck `json:"checks"`
}

func cmdSmoke(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "smoke", "smoke [flags] URL\n\n"+
		"Checks a running deployment: livez, readyz, health and each service, a room list,\n"+
		"the home page and its security headers, a static asset and its cache headers,\n"+
		"and /metrics. One line per check; exit 0 only when every check passes.\n"+
		"--write also signs up a throw-away account (smoke-…@smoke.invalid, left in place),\n"+
		"opens a room and deletes it; it is refused against production unless --yes.")
	asJSON := fs.Bool("json", false, "print the report as JSON instead of one line per check")
	write := fs.Bool("write", false, "also sign up a throw-away account, open a room and delete it")
	yes := fs.Bool("yes", false, "allow --write against a production deployment")
	token := fs.String("token", e.getenv("MEETPIN_METRICS_TOKEN"), "bearer token for /metrics (default $MEETPIN_METRICS_TOKEN); without it a 401 counts as protected")
	timeout := fs.Duration("timeout", 10*time.Second, "timeout of each request")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	base, err := baseURL(fs.Arg(0))
	if err != nil {
		return err
	}
	s := &smoker{base: base, client: &http.Client{Timeout: *timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, ctx: ctx}
	s.run(*token)
	if *write {
		if s.production && !*yes {
			s.add("write", errors.New("refused: the server is in production (it sends HSTS); pass --yes to write to it"), "", 0)
		} else {
			s.runWrite()
		}
	}
	rep := smokeReport{URL: base, OK: true, Checks: s.checks}
	for _, c := range s.checks {
		rep.OK = rep.OK && c.OK
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		for _, c := range s.checks {
			word := "ok"
			if !c.OK {
				word = "FAIL"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%dms\n", c.Name, word, c.Detail, c.Ms)
		}
		tw.Flush()
	}
	if !rep.OK {
		var failed []string
		for _, c := range s.checks {
			if !c.OK {
				failed = append(failed, c.Name)
			}
		}
		return fmt.Errorf("%d of %d checks failed: %s", len(failed), len(s.checks), strings.Join(failed, ", "))
	}
	return nil
}

// baseURL checks that raw is an absolute http(s) URL and drops a trailing slash.
func baseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL, e.g. https://meetpin.example", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

type smoker struct {
	ctx        context.Context
	base       string
	client     *http.Client
	checks     []smokeCheck
	production bool // the home page sent HSTS, which only production does
}

// add records one check: err nil passes with detail.
func (s *smoker) add(name string, err error, detail string, d time.Duration) {
	c := smokeCheck{Name: name, OK: err == nil, Detail: detail, Ms: d.Milliseconds()}
	if err != nil {
		c.Detail = err.Error()
	}
	s.checks = append(s.checks, c)
}

// smokeResponse is one answer, its body read.
type smokeResponse struct {
	status int
	header http.Header
	body   []byte
	took   time.Duration
}

func (s *smoker) do(method, path, token string, body any) (*smokeResponse, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(s.ctx, method, s.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("User-Agent", "meetpin-smoke")
	start := time.Now()
	res, err := s.client.Do(req)
	if ue, ok := err.(*url.Error); ok {
		return nil, ue.Err // without the method and URL the line already names
	} else if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	return &smokeResponse{status: res.StatusCode, header: res.Header, body: b, took: time.Since(start)}, nil
}

// get runs one GET check: check returns the detail or an error.
func (s *smoker) get(name, path, token string, check func(*smokeResponse) (string, error)) *smokeResponse {
	r, err := s.do("GET", path, token, nil)
	if err != nil {
		s.add(name, err, "", 0)
		return nil
	}
	detail, err := check(r)
	s.add(name, err, detail, r.took)
	return r
}

func wantStatus(r *smokeResponse, want int) error {
	if r.status != want {
		return fmt.Errorf("HTTP %d, want %d: %s", r.status, want, snippet(r.body))
	}
	return nil
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

var staticAsset = regexp.MustCompile(`/static/[A-Za-z0-9_./-]+\?v=[A-Za-z0-9]+`)

func (s *smoker) run(metricsToken string) {
	s.get("livez", "/api/livez", "", func(r *smokeResponse) (string, error) {
		var v struct{ Status string }
		if err := wantStatus(r, 200); err != nil {
			return "", err
		}
		if err := json.Unmarshal(r.body, &v); err != nil || v.Status != "ok" {
			return "", fmt.Errorf("status %q, want ok", v.Status)
		}
		return "ok", nil
	})
	s.get("readyz", "/api/readyz", "", func(r *smokeResponse) (string, error) {
		var v struct {
			Status string
			Checks map[string]string
		}
		_ = json.Unmarshal(r.body, &v) // a body that is not JSON fails below
		if r.status == 200 && v.Status == "ready" {
			return "ready", nil
		}
		var bad []string
		for k, why := range v.Checks {
			if why != "ok" {
				bad = append(bad, k+": "+why)
			}
		}
		sort.Strings(bad)
		if len(bad) == 0 {
			return "", wantStatus(r, 200)
		}
		return "", fmt.Errorf("HTTP %d, not ready: %s", r.status, strings.Join(bad, "; "))
	})
	var health struct {
		Status   string
		Version  string
		Services map[string]struct{ Status string }
	}
	if r := s.get("health", "/api/health", "", func(r *smokeResponse) (string, error) {
		if err := json.Unmarshal(r.body, &health); err != nil {
			return "", fmt.Errorf("HTTP %d, not JSON: %s", r.status, snippet(r.body))
		}
		if health.Status != "healthy" && health.Status != "degraded" {
			return "", fmt.Errorf("HTTP %d, status %q", r.status, health.Status)
		}
		return health.Status + " " + health.Version, nil
	}); r != nil && health.Services != nil {
		names := make([]string, 0, len(health.Services))
		for n := range health.Services {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			st := health.Services[n].Status
			var err error
			if st != "healthy" && !(st == "not_configured" && n != "database") {
				err = fmt.Errorf("%s", st)
			}
			s.add("health:"+n, err, st, 0)
		}
	}
	s.get("rooms", "/api/rooms?bbox=33,124,39,132", "", func(r *smokeResponse) (string, error) {
		var v struct {
			OK   bool
			Data struct{ Rooms []json.RawMessage }
		}
		if err := wantStatus(r, 200); err != nil {
			return "", err
		}
		if err := json.Unmarshal(r.body, &v); err != nil || !v.OK {
			return "", fmt.Errorf("not an ok envelope: %s", snippet(r.body))
		}
		return fmt.Sprintf("%d rooms", len(v.Data.Rooms)), nil
	})
	home := s.get("home", "/", "", func(r *smokeResponse) (string, error) {
		if err := wantStatus(r, 200); err != nil {
			return "", err
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			return "", fmt.Errorf("Content-Type %q, want text/html", ct)
		}
		return fmt.Sprintf("%d bytes", len(r.body)), nil
	})
	if home == nil {
		s.add("security headers", errors.New("no home page to check"), "", 0)
		s.add("static", errors.New("no home page to find an asset in"), "", 0)
	} else {
		s.production = home.header.Get("Strict-Transport-Security") != ""
		var missing []string
		want := map[string]string{"Content-Security-Policy": "default-src", "X-Content-Type-Options": "nosniff",
			"X-Frame-Options": "", "Referrer-Policy": ""}
		if strings.HasPrefix(s.base, "https://") {
			want["Strict-Transport-Security"] = "max-age="
		}
		for h, sub := range want {
			if v := home.header.Get(h); v == "" || !strings.Contains(v, sub) {
				missing = append(missing, h)
			}
		}
		sort.Strings(missing)
		var err error
		if len(missing) > 0 {
			err = fmt.Errorf("missing or wrong: %s", strings.Join(missing, ", "))
		}
		s.add("security headers", err, fmt.Sprintf("%d present", len(want)), 0)
		if asset := staticAsset.Find(home.body); asset == nil {
			s.add("static", errors.New("the home page links no /static/…?v= asset"), "", 0)
		} else {
			s.get("static", string(asset), "", func(r *smokeResponse) (string, error) {
				if err := wantStatus(r, 200); err != nil {
					return "", err
				}
				cc := r.header.Get("Cache-Control")
				if !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=") {
					return "", fmt.Errorf("%s: Cache-Control %q, want max-age and immutable", asset, cc)
				}
				return strings.SplitN(string(asset), "?", 2)[0] + " " + cc, nil
			})
		}
	}
	s.get("metrics", "/metrics", metricsToken, func(r *smokeResponse) (string, error) {
		if r.status == 401 && metricsToken == "" {
			return "protected (401); pass --token to read it", nil
		}
		if err := wantStatus(r, 200); err != nil {
			return "", err
		}
		if !bytes.Contains(r.body, []byte("meetpin_http_requests_total")) {
			return "", errors.New("no meetpin_http_requests_total in the answer")
		}
		return "ok", nil
	})
}

// runWrite signs up a throw-away account, opens a room, reads it back,
// deletes it and logs out; it stops at the first failure.
func (s *smoker) runWrite() {
	suffix := strings.ToLower(rand.Text()[:10])
	var auth struct {
		Data struct{ Token string }
	}
	step := func(name, method, path, token string, body any, want int, into any) bool {
		r, err := s.do(method, path, token, body)
		if err == nil {
			err = wantStatus(r, want)
		}
		if err == nil && into != nil {
			err = json.Unmarshal(r.body, into)
		}
		var took time.Duration
		if r != nil {
			took = r.took
		}
		s.add(name, err, fmt.Sprintf("%s %s", method, path), took)
		return err == nil
	}
	email := "smoke-" + suffix + "@smoke.invalid"
	if !step("write:signup", "POST", "/api/auth/signup", "", map[string]any{
		"email": email, "password": rand.Text(), "nickname": "smoke" + suffix[:8],
	}, 201, &auth) {
		return
	}
	tok := auth.Data.Token
	var room struct {
		Data struct{ Room struct{ ID string } }
	}
	if !step("write:room create", "POST", "/api/rooms", tok, map[string]any{
		"title": "smoke test " + suffix, "category": "other", "lat": 37.5665, "lng": 126.978, "place_text": "smoke test",
		"start_at": time.Now().Add(3 * time.Hour).UTC().Format(time.RFC3339), "max_people": 2,
	}, 201, &room) {
		step("write:logout", "POST", "/api/auth/logout", tok, nil, 200, nil)
		return
	}
	id := room.Data.Room.ID
	step("write:room read", "GET", "/api/rooms/"+id, tok, nil, 200, nil)
	step("write:room delete", "DELETE", "/api/rooms/"+id, tok, nil, 200, nil)
	step("write:room gone", "GET", "/api/rooms/"+id, "", nil, 404, nil)
	step("write:logout", "POST", "/api/auth/logout", tok, nil, 200, nil)
}
