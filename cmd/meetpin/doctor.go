package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"meetpin.app/config"
	"meetpin.app/migrate"
	"meetpin.app/postgres"
	"meetpin.app/redis"
)

// Doctor thresholds.
const (
	doctorTimeout     = 10 * time.Second // per outside check (database, Redis)
	doctorMinFreeFail = 100 << 20        // bytes free below which the data dir fails
	doctorMinFreeWarn = 1 << 30          // bytes free below which it warns
	doctorMaxSkew     = 2 * time.Second  // clock difference with the database that warns
)

// diagnosis is one line of `meetpin doctor`.
type diagnosis struct {
	state  string // ok, WARN, FAIL
	check  string
	detail string
	fix    string
}

func cmdDoctor(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "doctor", "doctor\n\n"+
		"Checks the environment without serving: every variable, the secrets, the database\n"+
		"(reachable, schema version against this binary's, clock skew), Redis, Stripe's key\n"+
		"mode, Kakao, the data directory (writable, free space). One line per check with how\n"+
		"to fix what is wrong; exit 1 when any check fails (WARN lines do not fail).")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	d := &doctor{}
	d.run(ctx, e)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fails := 0
	for _, x := range d.lines {
		line := x.state + "\t" + x.check + "\t" + x.detail
		if x.fix != "" {
			line += "  → " + x.fix
		}
		fmt.Fprintln(tw, line)
		if x.state == "FAIL" {
			fails++
		}
	}
	tw.Flush()
	if fails > 0 {
		return fmt.Errorf("%d problem(s) found", fails)
	}
	return nil
}

type doctor struct {
	lines []diagnosis
}

func (d *doctor) ok(check, detail string) {
	d.lines = append(d.lines, diagnosis{"ok", check, detail, ""})
}
func (d *doctor) warn(check, detail, fix string) {
	d.lines = append(d.lines, diagnosis{"WARN", check, detail, fix})
}
func (d *doctor) fail(check, detail, fix string) {
	d.lines = append(d.lines, diagnosis{"FAIL", check, detail, fix})
}
func (d *doctor) skip(check, why string) {
	d.lines = append(d.lines, diagnosis{"skip", check, why, ""})
}

func (d *doctor) run(ctx context.Context, e env) {
	cfg, err := loadConfig(e)
	badVars := map[string]bool{}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			name, msg, _ := strings.Cut(line, ": ")
			badVars[name] = true
			d.fail(name, msg, "fix "+name+" (`meetpin help` lists every variable)")
		}
	} else {
		d.ok("configuration", fmt.Sprintf("%d variables valid (%s)", len(config.Vars), cfg.Env))
	}
	d.checkSecrets(cfg, badVars)
	d.checkDataDir(cfg, badVars)
	d.checkDatabase(ctx, cfg, badVars)
	d.checkRedis(ctx, cfg, badVars)
	d.checkOutside(cfg, badVars)
}

func (d *doctor) checkSecrets(cfg config.Config, bad map[string]bool) {
	for _, s := range []struct{ name, v string }{
		{"ADMIN_TOKEN", cfg.AdminToken}, {"CRON_SECRET", cfg.CronSecret}, {"MEETPIN_METRICS_TOKEN", cfg.MetricsToken},
	} {
		switch {
		case bad[s.name]:
		case s.v == "" && s.name == "MEETPIN_METRICS_TOKEN" && cfg.Production():
			d.warn(s.name, "not set: /metrics is open to anyone who reaches the port", "set a random token of 32+ characters, or keep /metrics off the public network")
		case s.v == "":
			d.ok(s.name, "not set")
		case len(s.v) < 32:
			d.warn(s.name, fmt.Sprintf("%d characters", len(s.v)), "use 32 or more random characters, e.g. `openssl rand -hex 32`")
		default:
			d.ok(s.name, fmt.Sprintf("set, %d characters", len(s.v)))
		}
	}
	if !bad["SITE_URL"] && cfg.Production() && strings.HasPrefix(cfg.SiteURL, "http://") {
		d.warn("SITE_URL", cfg.SiteURL+" is not https while cookies are Secure in production", "serve behind TLS and set SITE_URL=https://…")
	} else if !bad["SITE_URL"] && cfg.SiteURL != "" {
		d.ok("SITE_URL", cfg.SiteURL)
	}
}

func (d *doctor) checkDataDir(cfg config.Config, bad map[string]bool) {
	const name = "data dir"
	if bad["MEETPIN_DATA_DIR"] || cfg.DataDir == "" {
		d.skip(name, "MEETPIN_DATA_DIR is invalid")
		return
	}
	dir := cfg.DataDir
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		// Check the nearest existing parent: serve creates the rest.
		parent := filepath.Dir(filepath.Clean(dir))
		for parent != "/" && parent != "." {
			if _, err := os.Stat(parent); err == nil {
				break
			}
			parent = filepath.Dir(parent)
		}
		if err := writable(parent); err != nil {
			d.fail(name, fmt.Sprintf("%s does not exist and %s is not writable: %v", dir, parent, err), "create it and give the service user write access")
			return
		}
		d.ok(name, dir+" does not exist yet; serve creates it")
		dir = parent
	} else if err != nil {
		d.fail(name, fmt.Sprintf("%s: %v", dir, pathErr(err)), "make MEETPIN_DATA_DIR a directory the service user can write")
		return
	} else if err := writable(dir); err != nil {
		d.fail(name, fmt.Sprintf("%s is not writable: %v", dir, err), "give the service user write access to "+dir)
		return
	} else {
		d.ok(name, dir+" writable")
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		d.warn("free space", err.Error(), "")
		return
	}
	free := uint64(st.Bavail) * uint64(st.Bsize)
	switch {
	case free < doctorMinFreeFail:
		d.fail("free space", fmt.Sprintf("%d MiB free under %s", free>>20, dir), "free disk space: SQLite, uploads and backups need room")
	case free < doctorMinFreeWarn:
		d.warn("free space", fmt.Sprintf("%d MiB free under %s", free>>20, dir), "free disk space before it runs out")
	default:
		d.ok("free space", fmt.Sprintf("%.1f GiB free", float64(free)/(1<<30)))
	}
}

// writable creates and removes a file in dir.
func writable(dir string) error {
	f, err := os.CreateTemp(dir, ".meetpin-doctor-*")
	if err != nil {
		return pathErr(err)
	}
	f.Close()
	return os.Remove(f.Name())
}

func (d *doctor) checkDatabase(ctx context.Context, cfg config.Config, bad map[string]bool) {
	const name = "database"
	if bad["DATABASE_URL"] || (!cfg.Postgres() && bad["MEETPIN_DATA_DIR"]) {
		d.skip(name, "its configuration is invalid")
		return
	}
	if !cfg.Postgres() {
		if _, err := os.Stat(cfg.SQLitePath()); errors.Is(err, os.ErrNotExist) {
			d.ok(name, "SQLite "+cfg.SQLitePath()+" does not exist yet; serve creates it")
			return
		}
	}
	octx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	store, m, err := openStore(octx, cfg)
	if err != nil {
		d.fail(name, "unreachable: "+err.Error(), "check DATABASE_URL (host, port, user, password, database) and that the server runs")
		return
	}
	defer store.Close()
	if err := store.Ping(octx); err != nil {
		d.fail(name, "does not answer: "+err.Error(), "check that the database server runs")
		return
	}
	d.ok(name, store.Engine()+" answers")
	d.checkSchema(octx, cfg, m)
	if pg, ok := store.(*postgres.DB); ok {
		before := time.Now()
		dbNow, err := pg.Now(octx)
		if err != nil {
			d.warn("clock", "cannot read the database clock: "+err.Error(), "")
			return
		}
		rtt := time.Since(before)
		skew := dbNow.Sub(before.Add(rtt / 2))
		if skew.Abs() > doctorMaxSkew {
			d.warn("clock", fmt.Sprintf("this host is %s off the database's clock", skew.Abs().Round(time.Millisecond)), "run NTP (chrony, systemd-timesyncd) on both hosts: sessions, boosts and cron slots compare times")
		} else {
			d.ok("clock", fmt.Sprintf("within %s of the database", doctorMaxSkew))
		}
	}
}

func (d *doctor) checkSchema(ctx context.Context, cfg config.Config, m *migrate.Migrator) {
	const name = "schema"
	if err := m.CheckNotNewer(ctx); err != nil {
		var newer *migrate.NewerSchemaError
		if errors.As(err, &newer) {
			d.fail(name, fmt.Sprintf("the database has migration %v, this binary knows up to %d", newer.Unknown, newer.Latest), fmt.Sprintf("deploy a binary that has migration %d", newer.Unknown[len(newer.Unknown)-1]))
		} else {
			d.fail(name, "cannot read the schema version: "+err.Error(), "")
		}
		return
	}
	st, err := m.Status(ctx)
	if err != nil {
		d.fail(name, "cannot read the schema version: "+err.Error(), "")
		return
	}
	var pending []string
	for _, s := range st {
		if !s.Applied {
			pending = append(pending, s.Name)
		}
	}
	switch {
	case len(pending) == 0:
		d.ok(name, fmt.Sprintf("current (version %d)", m.Latest()))
	case cfg.AutoMigrate:
		d.warn(name, fmt.Sprintf("%d pending: %s", len(pending), strings.Join(pending, ", ")), "serve applies them at start; back up first (`meetpin backup`)")
	default:
		d.fail(name, fmt.Sprintf("%d pending and MEETPIN_AUTO_MIGRATE=false: %s", len(pending), strings.Join(pending, ", ")), "run `meetpin migrate up`")
	}
}

func (d *doctor) checkRedis(ctx context.Context, cfg config.Config, bad map[string]bool) {
	const name = "redis"
	switch {
	case bad["REDIS_URL"]:
		d.skip(name, "REDIS_URL is invalid")
		return
	case cfg.RedisURL == "":
		d.ok(name, "not configured: cache, rate limits and pub/sub are in-process (one replica)")
		return
	}
	redis.RouteClientLog(slog.New(slog.DiscardHandler)) // the answer below says it once
	client, err := redis.NewClient(cfg.RedisURL)
	if err != nil {
		d.fail(name, err.Error(), "fix REDIS_URL")
		return
	}
	defer client.Close()
	octx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	if err := redis.Ping(octx, client); err != nil {
		d.fail(name, "unreachable: "+err.Error(), "check REDIS_URL and that Redis runs; meetpin serves degraded without it")
		return
	}
	d.ok(name, "answers")
}

func (d *doctor) checkOutside(cfg config.Config, bad map[string]bool) {
	switch key := cfg.StripeSecretKey; {
	case bad["STRIPE_SECRET_KEY"] || bad["STRIPE_WEBHOOK_SECRET"]:
	case key == "":
		d.ok("stripe", "not configured: paid boosts are disabled")
	case strings.Contains(key, "_live_") && !cfg.Production():
		d.warn("stripe", "a live key outside production: real money moves", "use a test key (sk_test_…) in development")
	case strings.Contains(key, "_test_") && cfg.Production():
		d.warn("stripe", "a test key in production: no payment is real", "set the live key (sk_live_…) and its webhook secret")
	case strings.Contains(key, "_live_"):
		d.ok("stripe", "live mode")
	default:
		d.ok("stripe", "test mode")
	}
	if cfg.KakaoRESTAPIKey == "" {
		d.ok("kakao", "not configured: addresses fall back to coordinates, place search answers 503")
	} else {
		d.ok("kakao", fmt.Sprintf("key set (%d characters)", len(cfg.KakaoRESTAPIKey)))
	}
}
