package alert

import (
	"context"
	"fmt"
	"strings"

	"meetpin.app"
	"meetpin.app/metrics"
)

// Alert names besides metrics' (high_response_time, high_error_rate,
// database_unreachable).
const (
	// ServiceDownSuffix ends of an outside service's alert:
	// "redis_unreachable".
	ServiceDownSuffix = "_unreachable"
	// CronJobFailed is the prefix of a failing job's alert:
	// "cron_job_failed:cleanup-expired-sessions".
	CronJobFailed = "cron_job_failed:"
	// EmergencyReport is the prefix of a critical emergency report's alert:
	// "emergency_report:<report id>" (see Emergency).
	EmergencyReport = "emergency_report:"
)

// Traffic is the runbook's response-time and error-rate rules over the
// recent window of this replica's requests (metrics.Alerts).
func Traffic(w *metrics.Window) Rule {
	return func(context.Context) []Alert {
		return metrics.Alerts(w.Total(metrics.AlertSpan), nil)
	}
}

// Database fires database_unreachable while ping fails.
func Database(ping func(context.Context) error) Rule {
	return func(ctx context.Context) []Alert {
		return metrics.Alerts(metrics.Stats{}, ping(ctx))
	}
}

// Service fires "<name>_unreachable" (critical) while the checker reports
// its service unhealthy; a service that is not configured never fires.
func Service(c meetpin.HealthChecker) Rule {
	return func(ctx context.Context) []Alert {
		h := c.Health(ctx)
		if h.Status != meetpin.StatusUnhealthy {
			return nil
		}
		return []Alert{{Name: c.Name() + ServiceDownSuffix, Severity: metrics.SeverityCritical,
			Message: fmt.Sprintf("%s does not answer", c.Name()), Value: 1}}
	}
}

// LastRuns lists the newest run of every job (meetpin.Store has it).
type LastRuns interface {
	LastJobRuns(ctx context.Context) ([]*meetpin.JobRun, error)
}

// CronJobs fires "cron_job_failed:<job>" while the newest recorded run of a
// job (of any replica) failed; the next successful run resolves it. When
// the runs cannot be read nothing fires here: the database rule covers that.
func CronJobs(s LastRuns) Rule {
	return func(ctx context.Context) []Alert {
		runs, err := s.LastJobRuns(ctx)
		if err != nil {
			return nil
		}
		var out []Alert
		for _, r := range runs {
			if r.Result != meetpin.JobResultError || strings.HasPrefix(r.Job, "alert:") {
				continue
			}
			out = append(out, Alert{Name: CronJobFailed + r.Job, Severity: metrics.SeverityWarning,
				Message: fmt.Sprintf("the last run of cron job %s (run %d) failed", r.Job, r.ID), Value: 1})
		}
		return out
	}
}

// Emergency is the alert of a critical emergency report, for Raise: it
// names the report, never its text or its author.
func Emergency(reportID string) Alert {
	return Alert{Name: EmergencyReport + reportID, Severity: metrics.SeverityCritical,
		Message: fmt.Sprintf("critical emergency report %s needs an operator now", reportID), Value: 1}
}
