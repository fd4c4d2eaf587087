package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/postgres"
	"meetpin.app/postgres/postgrestest"
)

func TestWebhookEventCleanup(t *testing.T) {
	meetpintest.RunWebhookEventCleanup(t, func(t *testing.T) (meetpin.Store, meetpintest.WebhookSeeder) {
		db := postgrestest.New(t)
		return db, seeder{db}
	})
}

// seeder writes webhook events and payments in PostgreSQL's SQL.
type seeder struct{ db *postgres.DB }

func (s seeder) InsertWebhookEvent(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.Pool().Exec(ctx, `INSERT INTO stripe_webhook_events (event_id, event_type, processed_at)
		VALUES ($1, 'checkout.session.completed', $2)`, id, at)
	return err
}

func (s seeder) InsertBoostPayment(ctx context.Context, eventID, roomID, userID string, at time.Time) error {
	_, err := s.db.Pool().Exec(ctx, `INSERT INTO boost_payments
		(id, room_id, user_id, stripe_session_id, stripe_event_id, days, amount, boost_until, created_at)
		VALUES ($1, $2, $3, $4, $5, 1, 1000, $6, $7)`,
		uuid.NewString(), roomID, userID, "cs_"+uuid.NewString(), eventID, at.Add(24*time.Hour), at)
	return err
}
