// Package config reads meetpin's configuration from the environment. Load
// takes a getenv function, so tests pass a map; there is no package-level
// configuration. Every bad variable is reported, one line each.
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Environments.
const (
	Development = "development"
	Production  = "production"
)

// Config is the whole configuration.
type Config struct {
	Addr            string        // MEETPIN_ADDR
	Env             string        // MEETPIN_ENV
	DataDir         string        // MEETPIN_DATA_DIR
	SiteURL         string        // SITE_URL
	DatabaseURL     string        // DATABASE_URL; empty = SQLite in DataDir
	RedisURL        string        // REDIS_URL
	AdminToken      string        // ADMIN_TOKEN
	CronSecret      string        // CRON_SECRET
	MetricsToken    string        // MEETPIN_METRICS_TOKEN; empty = /metrics is open
	AutoMigrate     bool          // MEETPIN_AUTO_MIGRATE
	ShutdownTimeout time.Duration // MEETPIN_SHUTDOWN_TIMEOUT
	DrainDelay      time.Duration // MEETPIN_DRAIN_DELAY: readiness 503 before the listener closes
	SessionTTL      time.Duration // MEETPIN_SESSION_TTL
	LogLevel        string        // MEETPIN_LOG_LEVEL

	// Rate limits.
	RateLimit      RateLimits     // MEETPIN_RATELIMIT and MEETPIN_RATELIMIT_*
	TrustedProxies []netip.Prefix // MEETPIN_TRUSTED_PROXIES; nil trusts no proxy
	Cron           bool           // MEETPIN_CRON: run the clean-up schedule
	// Payments (Stripe) and places (Kakao Local).
	StripeSecretKey     string // STRIPE_SECRET_KEY; empty: payments disabled
	StripeWebhookSecret string // STRIPE_WEBHOOK_SECRET
	StripePrice1D       string // STRIPE_PRICE_1D_ID; empty: inline KRW price
	StripePrice3D       string // STRIPE_PRICE_3D_ID
	StripePrice7D       string // STRIPE_PRICE_7D_ID
	StripeAPIBase       string // STRIPE_API_BASE
	FakePayments        bool   // MEETPIN_FAKE_PAYMENTS (development only)
	KakaoRESTAPIKey     string // KAKAO_REST_API_KEY; empty: no addresses or place search
	KakaoAPIBase        string // KAKAO_API_BASE
	// Map tiles (web pages and the Content-Security-Policy).
	MapTileURL     string // MEETPIN_MAP_TILE_URL: a Leaflet tile URL template
	MapAttribution string // MEETPIN_MAP_ATTRIBUTION: HTML shown in the map's corner
	CacheSizeMB    int    // MEETPIN_CACHE_SIZE_MB
	// SSEMax bounds the event streams one process holds open
	// (MEETPIN_SSE_MAX); 0 = sized from the open-file limit.
	SSEMax int
	// MaxUpcomingRooms bounds a host's active rooms not yet started
	// (MEETPIN_MAX_UPCOMING_ROOMS).
	MaxUpcomingRooms int
	// Backups.
	BackupDir     string        // MEETPIN_BACKUP_DIR; empty: no nightly backup
	BackupKeep    int           // MEETPIN_BACKUP_KEEP
	Observability Observability // alerts, Sentry, OpenTelemetry (observe.go)
}

// Var documents one environment variable, for `meetpin help`.
type Var struct {
	Name, Default, Help string
	Secret              bool
}

// Vars lists every variable Load reads.
var Vars = []Var{
	{Name: "MEETPIN_ADDR", Help: "address to listen on; default 127.0.0.1:8080 in development (this machine only: the demo passwords are public), :8080 in production"},
	{Name: "MEETPIN_ENV", Default: Development, Help: "development or production (production requires SITE_URL, ADMIN_TOKEN, CRON_SECRET, MEETPIN_METRICS_TOKEN)"},
	{Name: "MEETPIN_DATA_DIR", Default: "./data", Help: "directory for the SQLite file and uploads"},
	{Name: "SITE_URL", Help: "public base URL, e.g. https://meetpin.example (default http://localhost<addr> in development)"},
	{Name: "DATABASE_URL", Help: "empty: SQLite at $MEETPIN_DATA_DIR/meetpin.db; postgres://user:pass@host/db: PostgreSQL", Secret: true},
	{Name: "REDIS_URL", Help: "redis://host:6379/0: share cache, rate limits and pub/sub between replicas", Secret: true},
	{Name: "ADMIN_TOKEN", Help: "bearer token for /api/monitoring, /api/cache/* and other operator endpoints (at least 16 characters)", Secret: true},
	{Name: "MEETPIN_METRICS_TOKEN", Help: "bearer token that GET /metrics requires (at least 16 characters); required in production; empty in development: /metrics is open", Secret: true},
	{Name: "CRON_SECRET", Help: "bearer token for GET /api/cron and POST /api/cron/{job} (at least 16 characters)", Secret: true},
	{Name: "MEETPIN_AUTO_MIGRATE", Default: "true", Help: "apply pending migrations when serve starts; false: refuse to serve an outdated schema"},
	{Name: "MEETPIN_SHUTDOWN_TIMEOUT", Default: "15s", Help: "how long in-flight requests may take to finish on SIGTERM"},
	{Name: "MEETPIN_DRAIN_DELAY", Default: "5s", Help: "on SIGTERM, how long readiness answers 503 while requests are still served, so the load balancer stops sending traffic before the listener closes (0s: none)"},
	{Name: "MEETPIN_SESSION_TTL", Default: "720h", Help: "how long a session lives without use (renewed on use)"},
	{Name: "MEETPIN_LOG_LEVEL", Default: "info", Help: "debug, info, warn or error"},

	// Rate limits (see docs/adr/0002-rate-limits.md).
	{Name: "MEETPIN_RATELIMIT", Default: "on", Help: "on or off; off disables every rate limit (load tests only: logged as a warning at start)"},
	{Name: "MEETPIN_RATELIMIT_API", Default: "100/1m", Help: "requests per window per client IP on every /api/ route except the probes (N/duration)"},
	{Name: "MEETPIN_RATELIMIT_AUTH", Default: "5/15m", Help: "signups and logins per window per client IP (N/duration)"},
	{Name: "MEETPIN_RATELIMIT_ROOMS", Default: "5/1m", Help: "rooms created per window per user (N/duration)"},
	{Name: "MEETPIN_RATELIMIT_MESSAGES", Default: "50/1m", Help: "chat and host messages sent per window per user (N/duration)"},
	{Name: "MEETPIN_RATELIMIT_UPLOADS", Default: "10/1m", Help: "avatar uploads per window per user (N/duration)"},
	{Name: "MEETPIN_TRUSTED_PROXIES", Help: "comma-separated IPs or CIDRs of the reverse proxies in front; X-Forwarded-For is believed only from them"},
	{Name: "MEETPIN_CRON", Default: "on", Help: "on: run the clean-up jobs on their schedule (each slot once across replicas); off: only on demand via POST /api/cron/{job}"},
	// Payments (Stripe) and places (Kakao Local).
	{Name: "STRIPE_SECRET_KEY", Help: "Stripe secret key (sk_… or rk_…) for paid boosts; empty: checkout answers 503 PAYMENTS_DISABLED", Secret: true},
	{Name: "STRIPE_WEBHOOK_SECRET", Help: "signing secret (whsec_…) of the webhook endpoint POST /api/payments/stripe/webhook; required with STRIPE_SECRET_KEY", Secret: true},
	{Name: "STRIPE_PRICE_1D_ID", Help: "Stripe Price ID of a 1-day boost (price_…); empty: an inline price of 1,000 KRW"},
	{Name: "STRIPE_PRICE_3D_ID", Help: "Stripe Price ID of a 3-day boost; empty: an inline price of 2,500 KRW"},
	{Name: "STRIPE_PRICE_7D_ID", Help: "Stripe Price ID of a 7-day boost; empty: an inline price of 5,000 KRW"},
	{Name: "STRIPE_API_BASE", Default: "https://api.stripe.com", Help: "base URL of the Stripe API (e.g. a stripe-mock for tests)"},
	{Name: "MEETPIN_FAKE_PAYMENTS", Default: "false", Help: "development only, without STRIPE_SECRET_KEY: a local, clearly labelled fake checkout page drives the real webhook code"},
	{Name: "KAKAO_REST_API_KEY", Help: "Kakao REST API key for addresses and place search; empty: coordinates instead of addresses, search answers 503", Secret: true},
	{Name: "KAKAO_API_BASE", Default: "https://dapi.kakao.com", Help: "base URL of the Kakao Local API"},
	{Name: "MEETPIN_MAP_TILE_URL", Default: DefaultMapTileURL, Help: "Leaflet tile URL template with {z}, {x} and {y}; {s} etc. only in the host's first label; its host is allowed in the CSP's img-src (https in production)"},
	{Name: "MEETPIN_MAP_ATTRIBUTION", Default: DefaultMapAttribution, Help: "attribution HTML the map shows for its tiles (at most 500 characters)"},
	{Name: "MEETPIN_SSE_MAX", Default: "auto", Help: "event streams one process keeps open at most (each holds a connection and a file descriptor); beyond it 503 with Retry-After; auto: half the open-file limit"},
	{Name: "MEETPIN_MAX_UPCOMING_ROOMS", Default: "10", Help: "rooms one host may have open and not yet started; the next is refused with 409 TOO_MANY_ROOMS"},
	{Name: "MEETPIN_BACKUP_DIR", Help: "SQLite only: write a backup archive (meetpin backup) there every night at 00:00 UTC; empty: no nightly backup"},
	{Name: "MEETPIN_BACKUP_KEEP", Default: "7", Help: "how many nightly backup archives to keep in MEETPIN_BACKUP_DIR (older ones are deleted)"},
	{Name: "MEETPIN_CACHE_SIZE_MB", Default: "64", Help: "bound of the in-process cache in MiB, least recently used entries evicted first (with REDIS_URL the cache lives in Redis, bounded by its maxmemory)"},
}

// Map tile defaults: OpenStreetMap's standard tiles.
const (
	DefaultMapTileURL     = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
	DefaultMapAttribution = `&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors`
)

// Load reads and validates the configuration.
func Load(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			for _, d := range Vars {
				if d.Name == name {
					return d.Default
				}
			}
		}
		return v
	}
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	c := Config{
		Addr:        get("MEETPIN_ADDR"),
		Env:         get("MEETPIN_ENV"),
		DataDir:     get("MEETPIN_DATA_DIR"),
		SiteURL:     strings.TrimRight(get("SITE_URL"), "/"),
		DatabaseURL: get("DATABASE_URL"),
		RedisURL:    get("REDIS_URL"),
		AdminToken:  get("ADMIN_TOKEN"),
		CronSecret:  get("CRON_SECRET"),
		LogLevel:    strings.ToLower(get("MEETPIN_LOG_LEVEL")),

		StripeSecretKey:     get("STRIPE_SECRET_KEY"),
		StripeWebhookSecret: get("STRIPE_WEBHOOK_SECRET"),
		StripePrice1D:       get("STRIPE_PRICE_1D_ID"),
		StripePrice3D:       get("STRIPE_PRICE_3D_ID"),
		StripePrice7D:       get("STRIPE_PRICE_7D_ID"),
		StripeAPIBase:       strings.TrimRight(get("STRIPE_API_BASE"), "/"),
		KakaoRESTAPIKey:     get("KAKAO_REST_API_KEY"),
		KakaoAPIBase:        strings.TrimRight(get("KAKAO_API_BASE"), "/"),
		MapTileURL:          get("MEETPIN_MAP_TILE_URL"),
		MapAttribution:      get("MEETPIN_MAP_ATTRIBUTION"),
	}
	c.MetricsToken = get("MEETPIN_METRICS_TOKEN")
	if c.Env != Development && c.Env != Production {
		bad("MEETPIN_ENV", "must be %q or %q, not %q", Development, Production, c.Env)
	}
	if c.DataDir == "" {
		bad("MEETPIN_DATA_DIR", "must not be empty")
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
		if c.Env == Production {
			c.Addr = ":8080"
		}
	}
	if _, port, err := splitAddr(c.Addr); err != nil {
		bad("MEETPIN_ADDR", "%v", err)
	} else if c.SiteURL == "" && c.Env != Production {
		c.SiteURL = "http://localhost:" + port
	}
	if c.SiteURL != "" {
		if u, err := url.Parse(c.SiteURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("SITE_URL", "must be an absolute http(s) URL, e.g. https://meetpin.example")
		} else if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			// It is an origin: the CSRF check trusts it as such (a path makes
			// http.CrossOriginProtection refuse it), and every route is absolute.
			bad("SITE_URL", "must be an origin only (scheme://host[:port]), without path, query or user")
		}
	}
	if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		bad("DATABASE_URL", "%v", err)
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			bad("REDIS_URL", "must be redis://host:port/db or rediss://…")
		}
	}
	var err error
	if c.AutoMigrate, err = strconv.ParseBool(get("MEETPIN_AUTO_MIGRATE")); err != nil {
		bad("MEETPIN_AUTO_MIGRATE", "must be true or false")
	}
	c.ShutdownTimeout = duration(get, bad, "MEETPIN_SHUTDOWN_TIMEOUT")
	c.SessionTTL = duration(get, bad, "MEETPIN_SESSION_TTL")
	if c.DrainDelay, err = time.ParseDuration(get("MEETPIN_DRAIN_DELAY")); err != nil || c.DrainDelay < 0 || c.DrainDelay > 10*time.Minute {
		bad("MEETPIN_DRAIN_DELAY", "must be a duration from 0s to 10m, such as 5s")
	}
	switch strings.ToLower(get("MEETPIN_CRON")) {
	case "on":
		c.Cron = true
	case "off":
	default:
		bad("MEETPIN_CRON", "must be on or off")
	}
	if c.CacheSizeMB, err = strconv.Atoi(get("MEETPIN_CACHE_SIZE_MB")); err != nil || c.CacheSizeMB < 1 || c.CacheSizeMB > 1<<16 {
		bad("MEETPIN_CACHE_SIZE_MB", "must be a whole number of MiB from 1 to 65536")
	}
	if c.MaxUpcomingRooms, err = strconv.Atoi(get("MEETPIN_MAX_UPCOMING_ROOMS")); err != nil || c.MaxUpcomingRooms < 1 || c.MaxUpcomingRooms > 1000 {
		bad("MEETPIN_MAX_UPCOMING_ROOMS", "must be a whole number from 1 to 1000")
	}
	if v := get("MEETPIN_SSE_MAX"); v != "auto" {
		if c.SSEMax, err = strconv.Atoi(v); err != nil || c.SSEMax < 1 || c.SSEMax > 1<<20 {
			bad("MEETPIN_SSE_MAX", "must be auto or a whole number from 1 to 1048576")
		}
	}
	c.BackupDir = get("MEETPIN_BACKUP_DIR")
	if c.BackupKeep, err = strconv.Atoi(get("MEETPIN_BACKUP_KEEP")); err != nil || c.BackupKeep < 1 || c.BackupKeep > 1000 {
		bad("MEETPIN_BACKUP_KEEP", "must be a whole number from 1 to 1000")
	}
	if c.BackupDir != "" && c.DatabaseURL != "" {
		bad("MEETPIN_BACKUP_DIR", "the nightly backup is for SQLite; on PostgreSQL use `meetpin backup` from your scheduler, or the database's own backups")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("MEETPIN_LOG_LEVEL", "must be debug, info, warn or error")
	}
	for _, s := range []struct{ name, v string }{{"ADMIN_TOKEN", c.AdminToken}, {"CRON_SECRET", c.CronSecret}} {
		switch {
		case s.v == "" && c.Env == Production:
			bad(s.name, "is required in production")
		case s.v != "" && len(s.v) < 16:
			bad(s.name, "must be at least 16 characters")
		}
	}
	switch {
	case c.MetricsToken == "" && c.Env == Production:
		bad("MEETPIN_METRICS_TOKEN", "is required in production (the metrics name every route and its traffic)")
	case c.MetricsToken != "" && len(c.MetricsToken) < 16:
		bad("MEETPIN_METRICS_TOKEN", "must be at least 16 characters")
	}
	if c.Env == Production && c.SiteURL == "" {
		bad("SITE_URL", "is required in production")
	}
	loadRateLimits(&c, get, bad)
	c.loadObservability(get, bad)
	c.loadOutside(get, bad)
	if src, err := TileSource(c.MapTileURL); err != nil {
		bad("MEETPIN_MAP_TILE_URL", "%v", err)
	} else if c.Env == Production && !strings.HasPrefix(src, "https://") {
		bad("MEETPIN_MAP_TILE_URL", "must be an https:// URL in production")
	}
	if n := utf8.RuneCountInString(c.MapAttribution); n > 500 || strings.ContainsAny(c.MapAttribution, "\x00\n\r") {
		bad("MEETPIN_MAP_ATTRIBUTION", "must be one line of at most 500 characters")
	}
	return c, errors.Join(errs...)
}

// loadOutside checks the variables of Stripe and Kakao.
func (c *Config) loadOutside(get func(string) string, bad func(string, string, ...any)) {
	var err error
	if c.FakePayments, err = strconv.ParseBool(get("MEETPIN_FAKE_PAYMENTS")); err != nil {
		bad("MEETPIN_FAKE_PAYMENTS", "must be true or false (1 or 0)")
	}
	switch {
	case c.StripeSecretKey != "" && !strings.HasPrefix(c.StripeSecretKey, "sk_") && !strings.HasPrefix(c.StripeSecretKey, "rk_"):
		bad("STRIPE_SECRET_KEY", "must be a secret key (sk_…) or a restricted key (rk_…), not a publishable key")
	case c.StripeSecretKey != "" && c.FakePayments:
		bad("MEETPIN_FAKE_PAYMENTS", "cannot be combined with STRIPE_SECRET_KEY: unset one of them")
	}
	switch {
	case c.StripeWebhookSecret != "" && !strings.HasPrefix(c.StripeWebhookSecret, "whsec_"):
		bad("STRIPE_WEBHOOK_SECRET", "must be a webhook signing secret (whsec_…)")
	case c.StripeWebhookSecret == "" && c.StripeSecretKey != "":
		bad("STRIPE_WEBHOOK_SECRET", "is required with STRIPE_SECRET_KEY: without it no payment would ever boost a room")
	case c.StripeWebhookSecret != "" && c.StripeSecretKey == "" && !c.FakePayments:
		bad("STRIPE_WEBHOOK_SECRET", "is set but STRIPE_SECRET_KEY is not")
	}
	if c.FakePayments && c.Production() {
		bad("MEETPIN_FAKE_PAYMENTS", "is refused in production")
	}
	for _, p := range []struct{ name, v string }{
		{"STRIPE_PRICE_1D_ID", c.StripePrice1D}, {"STRIPE_PRICE_3D_ID", c.StripePrice3D}, {"STRIPE_PRICE_7D_ID", c.StripePrice7D},
	} {
		if p.v != "" && !strings.HasPrefix(p.v, "price_") {
			bad(p.name, "must be a Stripe Price ID (price_…)")
		}
	}
	for _, b := range []struct{ name, v string }{{"STRIPE_API_BASE", c.StripeAPIBase}, {"KAKAO_API_BASE", c.KakaoAPIBase}} {
		u, err := url.Parse(b.v)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "":
			bad(b.name, "must be an absolute http(s) URL without user or query")
		case c.Production() && u.Scheme != "https":
			bad(b.name, "must be https in production")
		}
	}
}

// StripePriceIDs returns the configured Price IDs by days.
func (c Config) StripePriceIDs() map[int]string {
	ids := map[int]string{}
	for days, id := range map[int]string{1: c.StripePrice1D, 3: c.StripePrice3D, 7: c.StripePrice7D} {
		if id != "" {
			ids[days] = id
		}
	}
	return ids
}

func duration(get func(string) string, bad func(string, string, ...any), name string) time.Duration {
	d, err := time.ParseDuration(get(name))
	if err != nil || d <= 0 {
		bad(name, "must be a positive duration such as 15s or 2h")
	}
	return d
}

func splitAddr(addr string) (host, port string, err error) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return "", "", fmt.Errorf("must be host:port or :port, not %q", addr)
	}
	host, port = addr[:i], addr[i+1:]
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", "", fmt.Errorf("port must be a number from 0 to 65535, not %q", port)
	}
	return host, port, nil
}

func checkDatabaseURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("is not a valid URL")
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		return nil
	case "":
		return errors.New("must be a postgres://… URL, or empty for SQLite")
	}
	return fmt.Errorf("unsupported scheme %q: use postgres://… for PostgreSQL, or leave it empty for SQLite", u.Scheme)
}

// Postgres reports whether the configuration selects PostgreSQL.
func (c Config) Postgres() bool { return c.DatabaseURL != "" }

// SQLitePath is the SQLite database file.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "meetpin.db") }

// Production reports whether MEETPIN_ENV is production.
func (c Config) Production() bool { return c.Env == Production }

// String lists the configuration with secrets redacted, one variable per
// line, sorted by name.
func (c Config) String() string {
	vals := map[string]string{
		"MEETPIN_ADDR": c.Addr, "MEETPIN_ENV": c.Env, "MEETPIN_DATA_DIR": c.DataDir, "SITE_URL": c.SiteURL,
		"DATABASE_URL": redactURL(c.DatabaseURL), "REDIS_URL": redactURL(c.RedisURL),
		"ADMIN_TOKEN": redact(c.AdminToken), "CRON_SECRET": redact(c.CronSecret),
		"MEETPIN_AUTO_MIGRATE": strconv.FormatBool(c.AutoMigrate), "MEETPIN_SHUTDOWN_TIMEOUT": c.ShutdownTimeout.String(),
		"MEETPIN_DRAIN_DELAY": c.DrainDelay.String(),
		"MEETPIN_SESSION_TTL": c.SessionTTL.String(), "MEETPIN_LOG_LEVEL": c.LogLevel,
		"MEETPIN_CRON": onOff(c.Cron),

		"STRIPE_SECRET_KEY": redact(c.StripeSecretKey), "STRIPE_WEBHOOK_SECRET": redact(c.StripeWebhookSecret),
		"STRIPE_PRICE_1D_ID": c.StripePrice1D, "STRIPE_PRICE_3D_ID": c.StripePrice3D, "STRIPE_PRICE_7D_ID": c.StripePrice7D,
		"STRIPE_API_BASE": c.StripeAPIBase, "MEETPIN_FAKE_PAYMENTS": strconv.FormatBool(c.FakePayments),
		"KAKAO_REST_API_KEY": redact(c.KakaoRESTAPIKey), "KAKAO_API_BASE": c.KakaoAPIBase,
		"MEETPIN_MAP_TILE_URL": c.MapTileURL, "MEETPIN_MAP_ATTRIBUTION": c.MapAttribution,
		"MEETPIN_CACHE_SIZE_MB": strconv.Itoa(c.CacheSizeMB),
		"MEETPIN_BACKUP_DIR":    c.BackupDir, "MEETPIN_BACKUP_KEEP": strconv.Itoa(c.BackupKeep),
	}
	vals["MEETPIN_MAX_UPCOMING_ROOMS"] = strconv.Itoa(c.MaxUpcomingRooms)
	vals["MEETPIN_SSE_MAX"] = "auto"
	if c.SSEMax > 0 {
		vals["MEETPIN_SSE_MAX"] = strconv.Itoa(c.SSEMax)
	}
	c.RateLimit.dump(vals)
	vals["MEETPIN_TRUSTED_PROXIES"] = joinPrefixes(c.TrustedProxies)
	vals["MEETPIN_METRICS_TOKEN"] = redact(c.MetricsToken)
	c.dumpObservability(vals)
	names := make([]string, 0, len(vals))
	for k := range vals {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		fmt.Fprintf(&b, "%s=%s\n", k, vals[k])
	}
	return b.String()
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func redact(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// redactURL keeps the scheme, host and path of a URL and hides its
// password, whether in the userinfo or in a query parameter such as
// ?password= (which pgx and libpq accept).
func redactURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "[redacted]"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	if q := u.Query(); len(q) > 0 {
		hidden := false
		for k := range q {
			if lk := strings.ToLower(k); strings.Contains(lk, "password") || strings.Contains(lk, "secret") || strings.Contains(lk, "token") {
				q[k] = []string{"xxxxx"}
				hidden = true
			}
		}
		if hidden {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}
