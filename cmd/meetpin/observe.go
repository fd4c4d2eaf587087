package main

import (
	"context"
	"log/slog"

	"meetpin.app"
	"meetpin.app/alert"
	"meetpin.app/config"
	"meetpin.app/redis"
	"meetpin.app/web"
)

// startAlerts checks the runbook's alert rules every
// MEETPIN_ALERT_INTERVAL and sends what changes to
// MEETPIN_ALERT_WEBHOOK_URL (logged only without it). Each notice is
// claimed in job_runs, or in Redis while the database does not answer, so
// that one replica sends it. stop ends the checks.
func startAlerts(ctx context.Context, cfg config.Config, log *slog.Logger, store meetpin.Store, d *deps, srv *web.Server, runner string) (stop func()) {
	o := cfg.Observability
	rules := []alert.Rule{
		alert.Database(store.Ping),
		alert.Traffic(srv.Metrics().Window()),
		alert.CronJobs(store),
	}
	for _, c := range d.checks {
		rules = append(rules, alert.Service(c))
	}
	claimers := []alert.Claimer{alert.StoreClaimer{Store: store, Runner: runner}}
	if d.redis != nil {
		claimers = append(claimers, redis.NewClaimer(d.redis))
	}
	var notifier alert.Notifier
	if o.AlertWebhookURL != "" {
		notifier = &alert.Webhook{URL: o.AlertWebhookURL}
	}
	m := alert.New(alert.Options{Log: log, Rules: rules, Notifier: notifier, Claimers: claimers,
		Interval: o.AlertInterval, EscalateAfter: o.AlertEscalateAfter})
	srv.SetAlerts(m)
	log.Info("alert checks started", slog.Duration("interval", o.AlertInterval),
		slog.Duration("escalate_after", o.AlertEscalateAfter), slog.Bool("webhook", notifier != nil))
	return m.Start(context.WithoutCancel(ctx))
}
