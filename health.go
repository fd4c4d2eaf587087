package meetpin

import (
	"context"
	"time"
)

// Service states in /api/health.
const (
	StatusHealthy       = "healthy"
	StatusDegraded      = "degraded"
	StatusUnhealthy     = "unhealthy"
	StatusNotConfigured = "not_configured"
)

// ServiceHealth is one outside service's state, as /api/health reports it.
type ServiceHealth struct {
	Status       string         `json:"status"`
	ResponseTime int64          `json:"responseTime,omitempty"` // milliseconds
	CheckedAt    time.Time      `json:"checkedAt,omitzero"`
	Details      map[string]any `json:"details,omitempty"`
}

// HealthChecker is an outside service that reports its state (Redis,
// Stripe, Kakao …). Health must be cheap: implementations cache the result of
// a real check with a short timeout and refresh it in the background or at
// most every so often — never one outbound call per probe. A service that
// is down but optional reports StatusDegraded-worthy state through
// StatusUnhealthy; /api/health decides what that means for the whole.
type HealthChecker interface {
	Name() string
	Health(ctx context.Context) ServiceHealth
}
