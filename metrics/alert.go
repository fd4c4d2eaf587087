package metrics

import (
	"fmt"
	"time"
)

// The runbook's first-level alert rules (응답 시간 > 3초, 에러율 > 1%,
// 데이터베이스 연결 실패), over the last AlertSpan.
const (
	AlertSpan = 5 * time.Minute
	// AlertLatencyP95 is the response time (95th percentile) above which
	// the service is slow.
	AlertLatencyP95 = 3 * time.Second
	// AlertErrorRate is the share of 5xx answers above which the service
	// is failing.
	AlertErrorRate = 0.01
	// AlertMinRequests is the least number of requests, or of timed
	// requests for the latency rule, that a rate or percentile needs to
	// mean something: one failure in two requests is not an outage, and one
	// slow request is not a slow service.
	AlertMinRequests = 20
)

// Alert names and severities.
const (
	AlertHighLatency   = "high_response_time"
	AlertHighErrorRate = "high_error_rate"
	AlertDatabaseDown  = "database_unreachable"

	SeverityWarning  = "warning"
	SeverityCritical = "critical"
)

// Alert is one rule that fires now.
type Alert struct {
	Name      string  `json:"name"`
	Severity  string  `json:"severity"`
	Message   string  `json:"message"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
}

// Alerts evaluates the rules on the figures of the last AlertSpan (total)
// and the result of a database ping (nil when it answered). It returns the
// alerts that fire, never nil.
func Alerts(total Stats, database error) []Alert {
	alerts := []Alert{}
	if database != nil {
		alerts = append(alerts, Alert{Name: AlertDatabaseDown, Severity: SeverityCritical,
			Message: "the database does not answer", Value: 1, Threshold: 0})
	}
	if total.Requests >= AlertMinRequests && total.ErrorRate > AlertErrorRate {
		alerts = append(alerts, Alert{Name: AlertHighErrorRate, Severity: SeverityWarning,
			Message: fmt.Sprintf("%.1f%% of %d requests failed with a 5xx in the last %s (threshold %.0f%%)",
				total.ErrorRate*100, total.Requests, AlertSpan, AlertErrorRate*100),
			Value: total.ErrorRate, Threshold: AlertErrorRate})
	}
	limit := float64(AlertLatencyP95.Milliseconds())
	if total.Timed >= AlertMinRequests && total.P95Ms > limit {
		alerts = append(alerts, Alert{Name: AlertHighLatency, Severity: SeverityWarning,
			Message: fmt.Sprintf("95th percentile response time is %.0f ms over the last %s (threshold %.0f ms)",
				total.P95Ms, AlertSpan, limit),
			Value: total.P95Ms, Threshold: limit})
	}
	return alerts
}
