package app

import (
	"context"

	"meetpin.app"
)

// AdminOverview is what the admin page shows from the database.
type AdminOverview struct {
	Counts  *meetpin.AdminCounts `json:"counts"`
	Reports []*meetpin.Report    `json:"reports"` // the pending queue, oldest first
}

// AdminQueueSize is how many pending reports the admin page lists.
const AdminQueueSize = 50

func requireAdmin(u *meetpin.User) error {
	if u == nil {
		return meetpin.Errorf(meetpin.EUNAUTHORIZED, "sign in first")
	}
	if u.Role != meetpin.RoleAdmin {
		return meetpin.Errorf(meetpin.EFORBIDDEN, "only administrators may do this")
	}
	return nil
}

// AdminOverview returns the counts and the report queue, for admins only.
func (a *App) AdminOverview(ctx context.Context, u *meetpin.User) (*AdminOverview, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	c, err := a.store.AdminCounts(ctx, a.Now())
	if err != nil {
		return nil, err
	}
	reps, err := a.store.ReportsByStatus(ctx, meetpin.ReportPending, AdminQueueSize)
	if err != nil {
		return nil, err
	}
	return &AdminOverview{Counts: c, Reports: reps}, nil
}

// SetReportStatus lets an admin mark a report reviewed or resolved (or
// pending again).
func (a *App) SetReportStatus(ctx context.Context, u *meetpin.User, id, status string) (*meetpin.Report, error) {
	if err := requireAdmin(u); err != nil {
		return nil, err
	}
	switch status {
	case meetpin.ReportPending, meetpin.ReportReviewed, meetpin.ReportResolved:
	default:
		return nil, &meetpin.Error{Code: meetpin.EVALIDATION, Message: "status: must be pending, reviewed or resolved",
			Fields: map[string]string{"status": "must be pending, reviewed or resolved"}}
	}
	return a.store.SetReportStatus(ctx, id, status)
}
