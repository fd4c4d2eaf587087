package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"meetpin.app/app"
	"meetpin.app/backup"
	"meetpin.app/buildinfo"
	"meetpin.app/cron"
	"meetpin.app/errortrack"
	"meetpin.app/seed"
	"meetpin.app/tracing"
	"meetpin.app/web"
)

func cmdServe(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve", "serve [flags]")
	addr := fs.String("addr", "", "listen address (overrides MEETPIN_ADDR)")
	dataDir := fs.String("data-dir", "", "data directory (overrides MEETPIN_DATA_DIR)")
	demo := fs.Bool("demo", false, "seed demo accounts and rooms when the database is empty (refused in production)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	getenv := e.getenv
	e.getenv = func(k string) string {
		switch {
		case k == "MEETPIN_ADDR" && *addr != "":
			return *addr
		case k == "MEETPIN_DATA_DIR" && *dataDir != "":
			return *dataDir
		}
		return getenv(k)
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	if *demo && cfg.Production() {
		return errors.New("--demo is refused when MEETPIN_ENV=production")
	}
	log := newLogger(e, cfg.LogLevel)

	store, m, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	// A newer binary migrated this database: serving it could corrupt what
	// this binary does not understand.
	if err := m.CheckNotNewer(ctx); err != nil {
		return err
	}
	if cfg.AutoMigrate {
		rs, err := m.Up(ctx)
		if err != nil {
			return fmt.Errorf("applying migrations: %w", err)
		}
		for _, r := range rs {
			log.Info("migration applied", slog.Int64("version", r.Version), slog.String("name", r.Name))
		}
	} else if pending, err := m.Pending(ctx); err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	} else if pending {
		return errors.New("the database schema is outdated and MEETPIN_AUTO_MIGRATE=false: run `meetpin migrate up` first")
	}

	deps, err := openDeps(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer deps.Close()

	ext := openOutside(cfg, store, log) // Stripe and Kakao; ext.checkers are for /api/health
	a := app.New(store, log, app.Options{SessionTTL: cfg.SessionTTL, Broker: deps.broker,
		Payments: ext.payments, Places: ext.places, SiteURL: cfg.SiteURL, Cache: deps.cache, MaxUpcomingRooms: cfg.MaxUpcomingRooms})
	if *demo {
		if err := seed.DemoIfEmpty(ctx, a, log); err != nil {
			return fmt.Errorf("seeding demo data: %w", err)
		}
	}
	jobs := append(cron.Cleanups(a.Dispatcher()), cron.BoostReminderJob(a.SendBoostReminders))
	if cfg.BackupDir != "" { // SQLite only (config refuses it with DATABASE_URL)
		jobs = append(jobs, backup.Nightly(cfg.BackupDir, cfg.BackupKeep, func(ctx context.Context) (backup.Source, error) {
			return backupSource(ctx, cfg, store, m)
		}))
	}
	sched, err := cron.New(cron.Options{Log: log, Store: store, Jobs: jobs})
	if err != nil {
		return err
	}
	tracker, err := errortrack.New(errortrack.Options{DSN: cfg.Observability.SentryDSN, Environment: cfg.Env})
	if err != nil {
		return err
	}
	defer tracker.Flush(2 * time.Second)
	tracer, err := tracing.New(ctx, tracing.Options{Endpoint: cfg.Observability.OTLPEndpoint, Environment: cfg.Env})
	if err != nil {
		return err
	}
	defer func() { _ = tracer.Shutdown(5 * time.Second) }()
	srv := web.New(web.Options{
		ErrorTracker: tracker, Tracer: tracer,
		Log: log, Config: cfg, App: a, Store: store, MediaDir: filepath.Join(cfg.DataDir, "media"), Broker: deps.broker,
		Limiter: deps.limiter, Checks: append(deps.checks, ext.checkers...), Cron: sched,
		FakeCheckout: ext.fake, Cache: deps.cache, PlacesLimiter: deps.limiter,
		Schema: func(ctx context.Context) (bool, error) {
			pending, err := m.Pending(ctx)
			return !pending, err
		},
	})

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %v", cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("meetpin serving", slog.String("addr", ln.Addr().String()), slog.String("engine", store.Engine()),
		slog.String("env", cfg.Env), slog.String("version", buildinfo.Version), slog.String("site_url", cfg.SiteURL))

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	// The clean-up schedule starts once the server listens and stops before
	// the database closes: stopCron runs in the shutdown below, and (being
	// deferred after the closes) before them on any early return.
	stopCron := func() {}
	if cfg.Cron {
		stopCron = sync.OnceFunc(sched.Start(context.WithoutCancel(ctx)))
		log.Info("cron schedule started", slog.Any("jobs", sched.Names()), slog.String("runner", sched.Runner()))
	} else {
		log.Info("cron schedule off (MEETPIN_CRON=off): jobs run only on demand")
	}
	defer stopCron()
	stopAlerts := sync.OnceFunc(startAlerts(ctx, cfg, log, store, deps, srv, sched.Runner()))
	defer stopAlerts()

	select {
	case err := <-errc:
		return fmt.Errorf("server stopped: %w", err)
	case <-ctx.Done():
	}

	// Graceful shutdown: readiness turns 503 and long-lived streams are told
	// to end (Drain); for MEETPIN_DRAIN_DELAY requests are still served (on
	// connections that now close after each answer), so a load balancer
	// sees the 503 and stops sending traffic before the listener closes;
	// then in-flight requests finish within the timeout, the cron schedule
	// stops (cancelling a run in progress, which records its end), and Redis
	// and the database close (deferred).
	srv.Drain()
	hs.SetKeepAlivesEnabled(false)
	if cfg.DrainDelay > 0 {
		log.Info("draining: readiness answers 503, requests are still served", slog.Duration("delay", cfg.DrainDelay))
		select {
		case <-time.After(cfg.DrainDelay):
		case err := <-errc:
			return fmt.Errorf("server stopped while draining: %w", err)
		}
	}
	log.Info("shutting down", slog.Duration("timeout", cfg.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("shutdown timed out; closing connections", slog.Any("error", err))
		hs.Close()
	}
	stopCron()
	stopAlerts()
	log.Info("stopped")
	return nil
}

func newLogger(e env, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(e.stdout, &slog.HandlerOptions{Level: l}))
}
