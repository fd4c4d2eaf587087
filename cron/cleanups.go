package cron

import (
	"context"
	"time"

	"meetpin.app"
	"meetpin.app/dispatch"
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

// Cleanups returns meetpin's maintenance jobs, with their default
// intervals. Each runs as one unit of work of d, and records what it
// changed, so that the cache forgets it at once: the room lists after a
// boost ends, the notification pages after old notifications go.
func Cleanups(d *dispatch.Dispatcher) []Job {
	return []Job{
		{Name: ExpiredBoosts, Interval: 5 * time.Minute, Run: func(ctx context.Context, now time.Time) (Result, error) {
			var ids []string
			err := d.Do(ctx, func(u *dispatch.Unit) (err error) {
				if ids, err = u.ClearExpiredBoosts(ctx, now); err == nil && len(ids) > 0 {
					u.Record(meetpin.RoomsChanged{RoomIDs: ids})
				}
				return err
			})
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
			var read, old int64
			err := d.Do(ctx, func(u *dispatch.Unit) (err error) {
				if read, err = u.DeleteNotificationsBefore(ctx, readCut, true); err != nil {
					return err
				}
				if old, err = u.DeleteNotificationsBefore(ctx, allCut, false); err != nil {
					return err
				}
				if read+old > 0 {
					u.Record(meetpin.NotificationsPurged{})
				}
				return nil
			})
			if err != nil {
				return Result{}, err
			}
			return Result{Count: read + old, Detail: map[string]any{
				"read_deleted": read, "read_before": readCut, "all_deleted": old, "all_before": allCut,
			}}, nil
		}},
		{Name: ExpiredSessions, Interval: time.Hour, Run: func(ctx context.Context, now time.Time) (Result, error) {
			var n int64
			err := d.Do(ctx, func(u *dispatch.Unit) (err error) { n, err = u.DeleteExpiredSessions(ctx, now); return err })
			return Result{Count: n, Detail: map[string]any{"expired_before": now}}, err
		}},
		{Name: WebhookEvents, Interval: day, Run: func(ctx context.Context, now time.Time) (Result, error) {
			cut := now.Add(-WebhookEventsKept)
			var n int64
			err := d.Do(ctx, func(u *dispatch.Unit) (err error) { n, err = u.DeleteWebhookEventsBefore(ctx, cut); return err })
			return Result{Count: n, Detail: map[string]any{"processed_before": cut}}, err
		}},
		{Name: OldJobRuns, Interval: day, Run: func(ctx context.Context, now time.Time) (Result, error) {
			cut := now.Add(-JobRunsKept)
			var n int64
			err := d.Do(ctx, func(u *dispatch.Unit) (err error) { n, err = u.DeleteJobRunsBefore(ctx, cut); return err })
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
