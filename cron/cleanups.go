package cron

import (
	"context"
	"time"

	"meetpin.app"
)

// The clean-up jobs.
const (
	ExpiredBoosts    = "cleanup-expired-boosts"
	OldNotifications = "cleanup-old-notifications"
	ExpiredSessions  = "cleanup-expired-sessions"
	WebhookEvents    = "cleanup-webhook-events"
	OldJobRuns       = "cleanup-job-runs"
)

const day = 24 * time.Hour

// How long rows are kept.
const (
	// ReadNotificationsKept: read notifications go after 30 days …
	ReadNotificationsKept = 30 * day
	// NotificationsKept: … and every notification after 90.
	NotificationsKept = 90 * day
	// WebhookEventsKept: Stripe retries a delivery for 3 days; 90 days of
	// event ids is ample idempotency.
	WebhookEventsKept = 90 * day
	// JobRunsKept is the history of these jobs.
	JobRunsKept = 30 * day
)

// maxIDs caps the room ids a boost clean-up reports.
const maxIDs = 100

// Cleanups returns meetpin's maintenance jobs on store, with their
// default intervals.
func Cleanups(store meetpin.Store) []Job {
	return []Job{
		{Name: ExpiredBoosts, Interval: 5 * time.Minute, Run: func(ctx context.Context, now time.Time) (Result, error) {
			ids, err := store.ClearExpiredBoosts(ctx, now)
			if err != nil {
				return Result{}, err
			}
			detail := map[string]any{"room_ids": ids}
			if len(ids) > maxIDs {
				detail["room_ids"], detail["room_ids_truncated"] = ids[:maxIDs], true
			}
			return Result{Count: int64(len(ids)), Detail: detail}, nil
		}},
		{Name: OldNotifications, Interval: time.Hour, Run: func(ctx context.Context, now time.Time) (Result, error) {
			readCut, allCut := now.Add(-ReadNotificationsKept), now.Add(-NotificationsKept)
			read, err := store.DeleteNotificationsBefore(ctx, readCut, true)
			if err != nil {
				return Result{}, err
			}
			old, err := store.DeleteNotificationsBefore(ctx, allCut, false)
			if err != nil {
				return Result{}, err
			}
			return Result{Count: read + old, Detail: map[string]any{
				"read_deleted": read, "read_before": readCut, "all_deleted": old, "all_before": allCut,
			}}, nil
		}},
		{Name: ExpiredSessions, Interval: time.Hour, Run: func(ctx context.Context, now time.Time) (Result, error) {
			n, err := store.DeleteExpiredSessions(ctx, now)
			return Result{Count: n, Detail: map[string]any{"expired_before": now}}, err
		}},
		{Name: WebhookEvents, Interval: day, Run: func(ctx context.Context, now time.Time) (Result, error) {
			cut := now.Add(-WebhookEventsKept)
			n, err := store.DeleteWebhookEventsBefore(ctx, cut)
			return Result{Count: n, Detail: map[string]any{"processed_before": cut}}, err
		}},
		{Name: OldJobRuns, Interval: day, Run: func(ctx context.Context, now time.Time) (Result, error) {
			cut := now.Add(-JobRunsKept)
			n, err := store.DeleteJobRunsBefore(ctx, cut)
			return Result{Count: n, Detail: map[string]any{"started_before": cut}}, err
		}},
	}
}

// BoostReminders is the job that tells hosts a day ahead that a boost ends
// (app.App.SendBoostReminders), every 10 minutes.
const BoostReminders = "boost-reminders"

// BoostReminderJob wraps send as the BoostReminders job.
func BoostReminderJob(send func(ctx context.Context) (int, error)) Job {
	return Job{Name: BoostReminders, Interval: 10 * time.Minute, Run: func(ctx context.Context, _ time.Time) (Result, error) {
		n, err := send(ctx)
		return Result{Count: int64(n)}, err
	}}
}
