package meetpin

import (
	"context"
	"time"
)

// Notification types.
const (
	NotifyRoomRequest     = "room_request"
	NotifyMatchSuccess    = "match_success"
	NotifyRequestRejected = "request_rejected"
	NotifyMessage         = "message"
	NotifyRoomFull        = "room_full"
	NotifyReview          = "review"
	NotifyBoostReminder   = "boost_reminder"
)

// Notification is one item of a user's notification centre. IDs increase
// in commit order per user, so they double as the stream's event ids.
type Notification struct {
	ID        int64          `json:"id"`
	UserID    string         `json:"user_id"`
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Message   string         `json:"message"`
	IsRead    bool           `json:"is_read"`
	Metadata  map[string]any `json:"metadata"`
	CreatedAt time.Time      `json:"created_at"`
}

// NotificationList is one page of a user's notifications.
type NotificationList struct {
	Items  []*Notification
	Total  int // matching the filter
	Unread int // all unread of the user
}

// NotificationStore stores notifications. Every method is scoped to the
// owner: another user's notification is ENOTFOUND.
type NotificationStore interface {
	// CreateNotification inserts n and sets n.ID; inserts for one user are
	// serialized. ENOTFOUND when the user does not exist.
	CreateNotification(ctx context.Context, n *Notification) error
	// Notifications returns a page, newest first.
	Notifications(ctx context.Context, userID string, unreadOnly bool, offset, limit int) (*NotificationList, error)
	// NotificationsAfter returns up to limit notifications with id >
	// afterID, oldest first.
	NotificationsAfter(ctx context.Context, userID string, afterID int64, limit int) ([]*Notification, error)
	MarkNotificationRead(ctx context.Context, userID string, id int64) error
	MarkAllNotificationsRead(ctx context.Context, userID string) (int64, error)
	DeleteNotification(ctx context.Context, userID string, id int64) error
	// DeleteNotificationsBefore removes notifications created before t
	// (read ones only when readOnly), for the clean-up job.
	DeleteNotificationsBefore(ctx context.Context, t time.Time, readOnly bool) (int64, error)
}

// Report statuses.
const (
	ReportPending  = "pending"
	ReportReviewed = "reviewed"
	ReportResolved = "resolved"
)

// Report is a complaint against a user, optionally about a room.
type Report struct {
	ID         string    `json:"id"`
	ReporterID string    `json:"reporter_uid"`
	TargetID   string    `json:"target_uid"`
	RoomID     *string   `json:"room_id"`
	Reason     string    `json:"reason"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
}

// ReportStore stores reports.
type ReportStore interface {
	// CreateReport inserts r unless the same reporter reported the same
	// target at or after since: then ECONFLICT. The check and the insert are
	// atomic. ENOTFOUND when a user or the room does not exist.
	CreateReport(ctx context.Context, r *Report, since time.Time) error
	// ReportsByReporter lists a user's reports, newest first.
	ReportsByReporter(ctx context.Context, reporterID string) ([]*Report, error)
}
