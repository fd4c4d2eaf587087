// Package config reads meetpin's configuration from the environment. Load
// takes a getenv function, so tests pass a map; there is no package-level
// configuration. Every bad variable is reported, one line each.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
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
	AutoMigrate     bool          // MEETPIN_AUTO_MIGRATE
	ShutdownTimeout time.Duration // MEETPIN_SHUTDOWN_TIMEOUT
	SessionTTL      time.Duration // MEETPIN_SESSION_TTL
	LogLevel        string        // MEETPIN_LOG_LEVEL
	CacheSizeMB     int           // MEETPIN_CACHE_SIZE_MB
}

// Var documents one environment variable, for `meetpin help`.
type Var struct {
	Name, Default, Help string
	Secret              bool
}

// Vars lists every variable Load reads.
var Vars = []Var{
	{Name: "MEETPIN_ADDR", Default: ":8080", Help: "address to listen on"},
	{Name: "MEETPIN_ENV", Default: Development, Help: "development or production (production requires SITE_URL, ADMIN_TOKEN, CRON_SECRET)"},
	{Name: "MEETPIN_DATA_DIR", Default: "./data", Help: "directory for the SQLite file and uploads"},
	{Name: "SITE_URL", Help: "public base URL, e.g. https://meetpin.example (default http://localhost<addr> in development)"},
	{Name: "DATABASE_URL", Help: "empty: SQLite at $MEETPIN_DATA_DIR/meetpin.db; postgres://user:pass@host/db: PostgreSQL", Secret: true},
	{Name: "REDIS_URL", Help: "redis://host:6379/0: share cache, rate limits and pub/sub between replicas", Secret: true},
	{Name: "ADMIN_TOKEN", Help: "bearer token for /api/monitoring, /api/cache/* and other operator endpoints (at least 16 characters)", Secret: true},
	{Name: "CRON_SECRET", Help: "bearer token for POST /api/cron/{job} (at least 16 characters)", Secret: true},
	{Name: "MEETPIN_AUTO_MIGRATE", Default: "true", Help: "apply pending migrations when serve starts; false: refuse to serve an outdated schema"},
	{Name: "MEETPIN_SHUTDOWN_TIMEOUT", Default: "15s", Help: "how long in-flight requests may take to finish on SIGTERM"},
	{Name: "MEETPIN_SESSION_TTL", Default: "720h", Help: "how long a session lives without use (renewed on use)"},
	{Name: "MEETPIN_LOG_LEVEL", Default: "info", Help: "debug, info, warn or error"},
	{Name: "MEETPIN_CACHE_SIZE_MB", Default: "64", Help: "bound of the in-process cache in MiB, least recently used entries evicted first (with REDIS_URL the cache lives in Redis, bounded by its maxmemory)"},
}

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
	}
	if c.Env != Development && c.Env != Production {
		bad("MEETPIN_ENV", "must be %q or %q, not %q", Development, Production, c.Env)
	}
	if c.DataDir == "" {
		bad("MEETPIN_DATA_DIR", "must not be empty")
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
	if c.CacheSizeMB, err = strconv.Atoi(get("MEETPIN_CACHE_SIZE_MB")); err != nil || c.CacheSizeMB < 1 || c.CacheSizeMB > 1<<16 {
		bad("MEETPIN_CACHE_SIZE_MB", "must be a whole number of MiB from 1 to 65536")
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
	if c.Env == Production && c.SiteURL == "" {
		bad("SITE_URL", "is required in production")
	}
	return c, errors.Join(errs...)
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
		"MEETPIN_SESSION_TTL": c.SessionTTL.String(), "MEETPIN_LOG_LEVEL": c.LogLevel,
		"MEETPIN_CACHE_SIZE_MB": strconv.Itoa(c.CacheSizeMB),
	}
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
