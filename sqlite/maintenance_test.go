package sqlite_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/sqlite/sqlitetest"
)

func TestWebhookEventCleanup(t *testing.T) {
	meetpintest.RunWebhookEventCleanup(t, func(t *testing.T) (meetpin.Store, meetpintest.WebhookSeeder) {
		db := sqlitetest.New(t)
		raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return db, seeder{raw}
	})
}

// seeder writes webhook events and payments in SQLite's SQL.
type seeder struct{ db *sql.DB }

func (s seeder) InsertWebhookEvent(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO stripe_webhook_events (event_id, event_type, processed_at)
		VALUES (?, 'checkout.session.completed', ?)`, id, at.UnixMilli())
	return err
}

func (s seeder) InsertBoostPayment(ctx context.Context, eventID, roomID, userID string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO boost_payments
		(id, room_id, user_id, stripe_session_id, stripe_event_id, days, amount, boost_until, created_at)
		VALUES (?, ?, ?, ?, ?, 1, 1000, ?, ?)`,
		uuid.NewString(), roomID, userID, "cs_"+uuid.NewString(), eventID, at.Add(24*time.Hour).UnixMilli(), at.UnixMilli())
	return err
}
