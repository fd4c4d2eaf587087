package meetpin

import (
	"context"
	"time"
)

// AdminCounts are the figures of the admin overview.
type AdminCounts struct {
	Users          int `json:"users"`
	Rooms          int `json:"rooms"`
	ActiveRooms    int `json:"active_rooms"` // status active and not started yet
	Matches        int `json:"matches"`
	Messages       int `json:"messages"`
	Reports        int `json:"reports"`
	PendingReports int `json:"pending_reports"`
}

// AdminStore serves the admin pages. Callers check the admin role.
type AdminStore interface {
	// AdminCounts counts every user, room, match, message and report; a room
	// is active when its status is active and it starts at or after now.
	AdminCounts(ctx context.Context, now time.Time) (*AdminCounts, error)
	// ReportsByStatus lists the reports of one status, oldest first, at most
	// limit: the moderation queue.
	ReportsByStatus(ctx context.Context, status string, limit int) ([]*Report, error)
	// SetReportStatus moves a report to another status. ENOTFOUND when
	// absent, EVALIDATION for an unknown status.
	SetReportStatus(ctx context.Context, id, status string) (*Report, error)
}
