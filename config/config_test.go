package config_test

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"meetpin.app/config"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// secrets are the values that must never appear in a dump or an error.
var secrets = []string{"s3cr3t-db-pass", "r3dis-pass", "admin-token-0123456789abcdef", "cron-secret-0123456789abcdef",
	"metrics-token-0123456789abcdef",
	"sk_live_stripe-key-0123", "whsec_stripe-hook-0123", "kakao-rest-key-0123",
	"T000/B000/hook-secret-0123", "sentry-key-0123"}

// prodEnv is a complete, valid production environment. Each call returns a
// fresh copy, changed by the given edits ("" unsets a variable).
func prodEnv(edits map[string]string) map[string]string {
	env := map[string]string{
		"MEETPIN_ADDR":                 "127.0.0.1:9090",
		"MEETPIN_ENV":                  "production",
		"MEETPIN_DATA_DIR":             "/var/lib/meetpin",
		"SITE_URL":                     "https://meetpin.example/",
		"DATABASE_URL":                 "postgres://meetpin:s3cr3t-db-pass@db.example:5432/meetpin?sslmode=require",
		"REDIS_URL":                    "rediss://:r3dis-pass@cache.example:6380/0",
		"ADMIN_TOKEN":                  "admin-token-0123456789abcdef",
		"CRON_SECRET":                  "cron-secret-0123456789abcdef",
		"MEETPIN_METRICS_TOKEN":        "metrics-token-0123456789abcdef",
		"MEETPIN_AUTO_MIGRATE":         "false",
		"MEETPIN_SHUTDOWN_TIMEOUT":     "30s",
		"MEETPIN_DRAIN_DELAY":          "0s",
		"MEETPIN_SESSION_TTL":          "168h",
		"MEETPIN_LOG_LEVEL":            " WARN ",
		"MEETPIN_RATELIMIT_AUTH":       "10/30m",
		"MEETPIN_TRUSTED_PROXIES":      "10.0.0.0/8, 192.168.1.7,2001:db8::/32",
		"MEETPIN_CRON":                 "off",
		"STRIPE_SECRET_KEY":            "sk_live_stripe-key-0123",
		"STRIPE_WEBHOOK_SECRET":        "whsec_stripe-hook-0123",
		"STRIPE_PRICE_3D_ID":           "price_1ThreeDays",
		"KAKAO_REST_API_KEY":           "kakao-rest-key-0123",
		"MEETPIN_CACHE_SIZE_MB":        "256",
		"MEETPIN_ALERT_WEBHOOK_URL":    "https://hooks.slack.example/services/T000/B000/hook-secret-0123",
		"MEETPIN_ALERT_ESCALATE_AFTER": "10m",
		"SENTRY_DSN":                   "https://sentry-key-0123@o1.ingest.sentry.example/42",
		"OTEL_EXPORTER_OTLP_ENDPOINT":  "http://collector.example:4318",
	}
	for k, v := range edits {
		if v == "" {
			delete(env, k)
		} else {
			env[k] = v
		}
	}
	return env
}

func load(env map[string]string) (config.Config, error) {
	return config.Load(func(k string) string { return env[k] })
}

func mustLoad(t *testing.T, env map[string]string) config.Config {
	t.Helper()
	cfg, err := load(env)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg
}

// TestGolden dumps a full production configuration and compares it with
// testdata/config.golden (go test ./config -update rewrites it).
func TestGolden(t *testing.T) {
	got := mustLoad(t, prodEnv(nil)).String()
	golden := filepath.Join("testdata", "config.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./config -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("String() differs from %s:\n--- got\n%s--- want\n%s", golden, got, want)
	}
	for _, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("String() leaks %q:\n%s", s, got)
		}
	}
	// One line per documented variable, and every documented variable dumped.
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != len(config.Vars) {
		t.Errorf("String() has %d lines, Vars documents %d variables", len(lines), len(config.Vars))
	}
	for _, v := range config.Vars {
		if !strings.Contains(got, "\n"+v.Name+"=") && !strings.HasPrefix(got, v.Name+"=") {
			t.Errorf("String() does not list %s", v.Name)
		}
	}
}

func TestParsedValues(t *testing.T) {
	cfg := mustLoad(t, prodEnv(nil))
	if cfg.SiteURL != "https://meetpin.example" || cfg.LogLevel != "warn" || cfg.AutoMigrate ||
		cfg.ShutdownTimeout != 30*time.Second || cfg.SessionTTL != 168*time.Hour || !cfg.Production() || !cfg.Postgres() || cfg.Cron {
		t.Fatalf("parsed %#v", cfg)
	}
	// The real password still reaches the code that dials the database.
	if !strings.Contains(cfg.DatabaseURL, "s3cr3t-db-pass") {
		t.Fatalf("DatabaseURL lost its password: %q", cfg.DatabaseURL)
	}
	if cfg.MetricsToken != "metrics-token-0123456789abcdef" {
		t.Fatalf("MetricsToken %q", cfg.MetricsToken)
	}
	// The metrics token is required in production (issue 14), optional in
	// development.
	if _, err := load(prodEnv(map[string]string{"MEETPIN_METRICS_TOKEN": ""})); err == nil || !strings.Contains(err.Error(), "MEETPIN_METRICS_TOKEN: is required in production") {
		t.Fatalf("production without a metrics token: %v", err)
	}
	if cfg := mustLoad(t, nil); cfg.MetricsToken != "" {
		t.Fatalf("MetricsToken %q without the variable", cfg.MetricsToken)
	}
	// Production listens on every interface by default, development on
	// loopback only (issue 14: the demo passwords are public).
	if cfg := mustLoad(t, prodEnv(map[string]string{"MEETPIN_ADDR": ""})); cfg.Addr != ":8080" {
		t.Fatalf("production default address %q", cfg.Addr)
	}
}

func TestDefaults(t *testing.T) {
	cfg := mustLoad(t, nil)
	want := config.Config{
		Addr: "127.0.0.1:8080", Env: "development", DataDir: "./data", SiteURL: "http://localhost:8080",
		AutoMigrate: true, ShutdownTimeout: 15 * time.Second, DrainDelay: 5 * time.Second, BackupKeep: 7, SessionTTL: 720 * time.Hour, LogLevel: "info",
		RateLimit: config.RateLimits{
			API: config.Rate{Limit: 100, Window: time.Minute}, Auth: config.Rate{Limit: 5, Window: 15 * time.Minute},
			Rooms: config.Rate{Limit: 5, Window: time.Minute}, Messages: config.Rate{Limit: 50, Window: time.Minute},
			Uploads: config.Rate{Limit: 10, Window: time.Minute},
		},
		Cron: true, MaxUpcomingRooms: 10,
		StripeAPIBase: "https://api.stripe.com", KakaoAPIBase: "https://dapi.kakao.com",
		MapTileURL: config.DefaultMapTileURL, MapAttribution: config.DefaultMapAttribution,
		CacheSizeMB:   64,
		Observability: config.Observability{AlertInterval: 30 * time.Second, AlertEscalateAfter: 15 * time.Minute},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("defaults:\n got %#v\nwant %#v", cfg, want)
	}
	if cfg.Postgres() || cfg.Production() || cfg.SQLitePath() != filepath.Join("data", "meetpin.db") {
		t.Fatalf("derived: postgres=%v production=%v sqlite=%q", cfg.Postgres(), cfg.Production(), cfg.SQLitePath())
	}
	// Blank values count as unset.
	if blank := mustLoad(t, map[string]string{"MEETPIN_ADDR": "  ", "MEETPIN_ENV": "\t"}); !reflect.DeepEqual(blank, want) {
		t.Fatalf("blank values: %#v", blank)
	}
}

// TestRedaction covers every place a secret can hide in a URL.
func TestRedaction(t *testing.T) {
	cases := []struct {
		name, database, redis, secret string
	}{
		{"userinfo password", "postgres://meetpin:pw-in-userinfo@db.example/meetpin", "", "pw-in-userinfo"},
		{"password-only userinfo", "postgresql://:pw-only@db.example/meetpin", "", "pw-only"},
		{"password query parameter", "postgres://meetpin@db.example/meetpin?sslmode=disable&password=pw-in-query", "", "pw-in-query"},
		{"redis password", "", "redis://default:redis-pw@cache.example:6379/0", "redis-pw"},
		{"redis password query", "", "redis://cache.example:6379/0?Password=redis-q-pw", "redis-q-pw"},
		{"sslpassword query parameter", "postgres://db.example/meetpin?sslpassword=key-pass&sslmode=verify-full", "", "key-pass"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"DATABASE_URL": c.database, "REDIS_URL": c.redis}
			cfg := mustLoad(t, env)
			out := cfg.String()
			if strings.Contains(out, c.secret) {
				t.Fatalf("String() leaks %q:\n%s", c.secret, out)
			}
			// Still useful: the host is shown.
			if !strings.Contains(out, ".example") {
				t.Fatalf("String() hides the host too:\n%s", out)
			}
		})
	}
}

// TestBadValues sets one bad variable on a valid environment and expects
// exactly one error line, naming that variable and leaking no secret.
func TestBadValues(t *testing.T) {
	cases := []struct {
		name  string
		edits map[string]string
	}{
		{"MEETPIN_ENV", map[string]string{"MEETPIN_ENV": "staging"}},
		{"MEETPIN_ALERT_WEBHOOK_URL", map[string]string{"MEETPIN_ALERT_WEBHOOK_URL": "hooks.slack.example/T000/B000/hook-secret-0123"}},
		{"MEETPIN_ALERT_INTERVAL", map[string]string{"MEETPIN_ALERT_INTERVAL": "0s"}},
		{"MEETPIN_ALERT_ESCALATE_AFTER", map[string]string{"MEETPIN_ALERT_ESCALATE_AFTER": "soon"}},
		{"SENTRY_DSN", map[string]string{"SENTRY_DSN": "https://o1.ingest.sentry.example/42"}},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}},
		{"MEETPIN_ENV", map[string]string{"MEETPIN_ENV": "Production"}},
		{"MEETPIN_ENV", map[string]string{"MEETPIN_ENV": "prod\nuction"}},
		{"MEETPIN_ADDR", map[string]string{"MEETPIN_ADDR": "8080"}},
		{"MEETPIN_ADDR", map[string]string{"MEETPIN_ADDR": ":99999"}},
		{"MEETPIN_ADDR", map[string]string{"MEETPIN_ADDR": ":-1"}},
		{"MEETPIN_ADDR", map[string]string{"MEETPIN_ADDR": "localhost:http"}},
		{"MEETPIN_ADDR", map[string]string{"MEETPIN_ADDR": "localhost:"}},
		{"SITE_URL", map[string]string{"SITE_URL": "meetpin.example"}},
		{"SITE_URL", map[string]string{"SITE_URL": "ftp://meetpin.example"}},
		{"SITE_URL", map[string]string{"SITE_URL": "https://"}},
		{"SITE_URL", map[string]string{"SITE_URL": ""}}, // required in production
		{"SITE_URL", map[string]string{"SITE_URL": "https://meetpin.example/app"}},
		{"SITE_URL", map[string]string{"SITE_URL": "https://meetpin.example/?x=1"}},
		{"SITE_URL", map[string]string{"SITE_URL": "https://admin:s3cr3t-db-pass@meetpin.example"}},
		{"DATABASE_URL", map[string]string{"DATABASE_URL": "mysql://meetpin:s3cr3t-db-pass@db.example/meetpin"}},
		{"DATABASE_URL", map[string]string{"DATABASE_URL": "host=db.example password=s3cr3t-db-pass"}},
		{"DATABASE_URL", map[string]string{"DATABASE_URL": "postgres://meetpin:s3cr3t-db-pass@db.example:port/x"}},
		{"REDIS_URL", map[string]string{"REDIS_URL": "http://:r3dis-pass@cache.example"}},
		{"REDIS_URL", map[string]string{"REDIS_URL": "cache.example:6379"}},
		{"MEETPIN_AUTO_MIGRATE", map[string]string{"MEETPIN_AUTO_MIGRATE": "yes"}},
		{"MEETPIN_SHUTDOWN_TIMEOUT", map[string]string{"MEETPIN_SHUTDOWN_TIMEOUT": "15"}},
		{"MEETPIN_SHUTDOWN_TIMEOUT", map[string]string{"MEETPIN_SHUTDOWN_TIMEOUT": "-5s"}},
		{"MEETPIN_SHUTDOWN_TIMEOUT", map[string]string{"MEETPIN_SHUTDOWN_TIMEOUT": "0s"}},
		{"MEETPIN_DRAIN_DELAY", map[string]string{"MEETPIN_DRAIN_DELAY": "-1s"}},
		{"MEETPIN_DRAIN_DELAY", map[string]string{"MEETPIN_DRAIN_DELAY": "5"}},
		{"MEETPIN_BACKUP_KEEP", map[string]string{"MEETPIN_BACKUP_KEEP": "0"}},
		{"MEETPIN_BACKUP_DIR", map[string]string{"MEETPIN_BACKUP_DIR": "/b", "DATABASE_URL": "postgres://h/db"}},
		{"MEETPIN_SESSION_TTL", map[string]string{"MEETPIN_SESSION_TTL": "forever"}},
		{"MEETPIN_LOG_LEVEL", map[string]string{"MEETPIN_LOG_LEVEL": "verbose"}},
		{"MEETPIN_CRON", map[string]string{"MEETPIN_CRON": "yes"}},
		{"MEETPIN_CRON", map[string]string{"MEETPIN_CRON": "disabled"}},
		{"MEETPIN_CACHE_SIZE_MB", map[string]string{"MEETPIN_CACHE_SIZE_MB": "0"}},
		{"MEETPIN_CACHE_SIZE_MB", map[string]string{"MEETPIN_CACHE_SIZE_MB": "64MB"}},
		{"MEETPIN_CACHE_SIZE_MB", map[string]string{"MEETPIN_CACHE_SIZE_MB": "65537"}},
		{"ADMIN_TOKEN", map[string]string{"ADMIN_TOKEN": ""}}, // required in production
		{"ADMIN_TOKEN", map[string]string{"ADMIN_TOKEN": "admin-token-0123"[:15]}},
		{"CRON_SECRET", map[string]string{"CRON_SECRET": ""}},
		{"CRON_SECRET", map[string]string{"CRON_SECRET": "short"}},
		{"MEETPIN_METRICS_TOKEN", map[string]string{"MEETPIN_METRICS_TOKEN": "short-metrics"}},
		{"STRIPE_SECRET_KEY", map[string]string{"STRIPE_SECRET_KEY": "pk_live_publishable"}},
		{"STRIPE_WEBHOOK_SECRET", map[string]string{"STRIPE_WEBHOOK_SECRET": ""}}, // required with the key
		{"STRIPE_WEBHOOK_SECRET", map[string]string{"STRIPE_WEBHOOK_SECRET": "sk_live_stripe-key-0123"}},
		{"STRIPE_WEBHOOK_SECRET", map[string]string{"STRIPE_SECRET_KEY": ""}}, // a secret without a key
		{"STRIPE_PRICE_1D_ID", map[string]string{"STRIPE_PRICE_1D_ID": "prod_123"}},
		{"STRIPE_API_BASE", map[string]string{"STRIPE_API_BASE": "http://127.0.0.1:12111"}}, // https in production
		{"STRIPE_API_BASE", map[string]string{"STRIPE_API_BASE": "api.stripe.com"}},
		{"KAKAO_API_BASE", map[string]string{"KAKAO_API_BASE": "ftp://dapi.kakao.com"}},
		{"MEETPIN_FAKE_PAYMENTS", map[string]string{"MEETPIN_FAKE_PAYMENTS": "1", "STRIPE_SECRET_KEY": "", "STRIPE_WEBHOOK_SECRET": ""}},
		{"MEETPIN_FAKE_PAYMENTS", map[string]string{"MEETPIN_FAKE_PAYMENTS": "maybe"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load(prodEnv(c.edits))
			if err == nil {
				t.Fatalf("%q accepted", c.edits)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], c.name+": ") {
				t.Fatalf("%q: want one line naming %s, got %q", c.edits, c.name, err)
			}
			for _, s := range append(secrets, c.edits["ADMIN_TOKEN"], c.edits["CRON_SECRET"], c.edits["MEETPIN_METRICS_TOKEN"]) {
				if s != "" && strings.Contains(err.Error(), s) {
					t.Fatalf("error leaks %q: %v", s, err)
				}
			}
		})
	}
}

func TestSeveralBadValues(t *testing.T) {
	_, err := load(prodEnv(map[string]string{
		"MEETPIN_ENV": "production", "MEETPIN_LOG_LEVEL": "loud", "MEETPIN_SESSION_TTL": "1 day",
		"DATABASE_URL": "sqlite:///tmp/x.db", "CRON_SECRET": "",
	}))
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"MEETPIN_LOG_LEVEL: ", "MEETPIN_SESSION_TTL: ", "DATABASE_URL: ", "CRON_SECRET: "}
	if len(lines) != len(want) {
		t.Fatalf("want %d lines, got %d:\n%v", len(want), len(lines), err)
	}
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, w)
		}
		if !found {
			t.Errorf("no line for %s in:\n%v", strings.TrimSuffix(w, ": "), err)
		}
	}
	// Development needs none of the production secrets.
	if _, err := load(map[string]string{"MEETPIN_ENV": "development"}); err != nil {
		t.Fatalf("development without secrets: %v", err)
	}
}

// TestOutsideServices covers the payment and place settings outside
// production.
func TestOutsideServices(t *testing.T) {
	dev := func(edits map[string]string) (config.Config, error) {
		env := map[string]string{"MEETPIN_ENV": "development"}
		for k, v := range edits {
			env[k] = v
		}
		return load(env)
	}
	cfg, err := dev(map[string]string{"MEETPIN_FAKE_PAYMENTS": "1"})
	if err != nil || !cfg.FakePayments || cfg.StripeSecretKey != "" {
		t.Fatalf("fake payments in development: %+v %v", cfg, err)
	}
	// The fake may sign with a configured secret.
	if _, err := dev(map[string]string{"MEETPIN_FAKE_PAYMENTS": "true", "STRIPE_WEBHOOK_SECRET": "whsec_local"}); err != nil {
		t.Fatalf("fake with a secret: %v", err)
	}
	if _, err := dev(map[string]string{"MEETPIN_FAKE_PAYMENTS": "1", "STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_1"}); err == nil ||
		!strings.HasPrefix(err.Error(), "MEETPIN_FAKE_PAYMENTS: cannot be combined") {
		t.Fatalf("fake with a real key: %v", err)
	}
	cfg, err = dev(map[string]string{"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_1",
		"STRIPE_PRICE_7D_ID": "price_7", "STRIPE_API_BASE": "http://127.0.0.1:12111/"})
	if err != nil || cfg.StripeAPIBase != "http://127.0.0.1:12111" {
		t.Fatalf("stripe-mock in development: %+v %v", cfg, err)
	}
	if ids := cfg.StripePriceIDs(); len(ids) != 1 || ids[7] != "price_7" {
		t.Fatalf("price ids %v", ids)
	}
}
