package config

import (
	"net/url"
	"time"
)

// Observability: alerts, error tracking and tracing (issue 13). Each is off
// until its variable is set.
type Observability struct {
	AlertWebhookURL    string        // MEETPIN_ALERT_WEBHOOK_URL; empty: alerts are only logged
	AlertInterval      time.Duration // MEETPIN_ALERT_INTERVAL
	AlertEscalateAfter time.Duration // MEETPIN_ALERT_ESCALATE_AFTER
	SentryDSN          string        // SENTRY_DSN; empty: no error tracking
	OTLPEndpoint       string        // OTEL_EXPORTER_OTLP_ENDPOINT; empty: no tracing
}

var observeVars = []Var{
	{Name: "MEETPIN_ALERT_WEBHOOK_URL", Help: "Slack-compatible incoming webhook (POST {\"text\": …}) that receives alerts firing, escalated and resolved; empty: alerts are only logged", Secret: true},
	{Name: "MEETPIN_ALERT_INTERVAL", Default: "30s", Help: "how often the server checks the alert rules"},
	{Name: "MEETPIN_ALERT_ESCALATE_AFTER", Default: "15m", Help: "an alert unresolved this long is sent again, marked escalated (and again every such period)"},
	{Name: "SENTRY_DSN", Help: "Sentry DSN: panics and 5xx answers are reported (request id, route, release; no personal data); empty: off", Secret: true},
	{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Help: "OTLP/HTTP endpoint (e.g. http://collector:4318) that receives OpenTelemetry traces; empty: off (the other OTEL_* variables of the SDK apply)"},
}

func init() { Vars = append(Vars, observeVars...) }

// loadObservability checks the variables of alerts, Sentry and tracing.
func (c *Config) loadObservability(get func(string) string, bad func(string, string, ...any)) {
	o := &c.Observability
	o.AlertWebhookURL = get("MEETPIN_ALERT_WEBHOOK_URL")
	o.AlertInterval = duration(get, bad, "MEETPIN_ALERT_INTERVAL")
	o.AlertEscalateAfter = duration(get, bad, "MEETPIN_ALERT_ESCALATE_AFTER")
	o.SentryDSN = get("SENTRY_DSN")
	o.OTLPEndpoint = get("OTEL_EXPORTER_OTLP_ENDPOINT")
	if o.AlertWebhookURL != "" && !httpURL(o.AlertWebhookURL) {
		bad("MEETPIN_ALERT_WEBHOOK_URL", "must be an absolute http(s) URL")
	}
	if o.SentryDSN != "" {
		if u, err := url.Parse(o.SentryDSN); err != nil || !httpURL(o.SentryDSN) || u.User == nil || u.User.Username() == "" {
			bad("SENTRY_DSN", "must be a Sentry DSN: https://PUBLIC_KEY@HOST/PROJECT_ID")
		}
	}
	if o.OTLPEndpoint != "" && !httpURL(o.OTLPEndpoint) {
		bad("OTEL_EXPORTER_OTLP_ENDPOINT", "must be an absolute http(s) URL such as http://collector:4318")
	}
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// dumpObservability adds the variables to a String dump.
func (c Config) dumpObservability(vals map[string]string) {
	o := c.Observability
	vals["MEETPIN_ALERT_WEBHOOK_URL"] = redact(o.AlertWebhookURL)
	vals["MEETPIN_ALERT_INTERVAL"] = o.AlertInterval.String()
	vals["MEETPIN_ALERT_ESCALATE_AFTER"] = o.AlertEscalateAfter.String()
	vals["SENTRY_DSN"] = redact(o.SentryDSN)
	vals["OTEL_EXPORTER_OTLP_ENDPOINT"] = o.OTLPEndpoint
}
