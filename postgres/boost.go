package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// claimStripeEvent inserts the event id unless it is there already; false
// when it was. A concurrent transaction inserting the same id waits on the
// primary key until this one ends, and then finds it claimed: the key is
// the lock.
func claimStripeEvent(ctx context.Context, tx pgx.Tx, eventID, eventType string, at time.Time) (bool, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO stripe_webhook_events (event_id, event_type, processed_at)
		VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING`, eventID, eventType, ms(at))
	if err != nil {
		return false, dbError(err, "stripe event")
	}
	return tag.RowsAffected() == 1, nil
}

// ApplyBoost implements meetpin.BoostStore. The event id is claimed first,
// then the room is locked, and only then is the session checked, so that two
// events of one session serialize on the room and the second sees the first.
func (db *DB) ApplyBoost(ctx context.Context, p *meetpin.BoostPayment, remindWithin time.Duration) (*meetpin.BoostOutcome, error) {
	out := &meetpin.BoostOutcome{}
	now := ms(p.CreatedAt)
	err := db.atomic(ctx, func(tx pgx.Tx) error {
		claimed, err := claimStripeEvent(ctx, tx, p.EventID, p.EventType, now)
		if err != nil || !claimed {
			return err
		}
		var current *time.Time
		err = tx.QueryRow(ctx, `SELECT boost_until FROM rooms WHERE id = $1 FOR NO KEY UPDATE`, p.RoomID).Scan(&current)
		switch {
		case err == nil:
			out.RoomFound = true
		case errors.Is(err, pgx.ErrNoRows):
		default:
			return dbError(err, "room")
		}
		var paid bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM boost_payments WHERE stripe_session_id = $1)`,
			p.SessionID).Scan(&paid); err != nil || paid {
			out.RoomFound = false
			return err // the event id stays claimed
		}
		from := now
		if current != nil && current.After(now) {
			from = ms(*current)
		}
		p.BoostUntil = from.Add(time.Duration(p.Days) * 24 * time.Hour)
		if out.RoomFound {
			var reminded *time.Time
			if !p.BoostUntil.After(now.Add(remindWithin)) {
				reminded = &p.BoostUntil
			}
			if _, err := tx.Exec(ctx, `UPDATE rooms SET boost_until = $1,
				boost_reminded_until = coalesce($2, boost_reminded_until) WHERE id = $3`,
				p.BoostUntil, reminded, p.RoomID); err != nil {
				return dbError(err, "room")
			}
		}
		// A deleted room or user is recorded as NULL: the payment stays, for
		// a refund.
		_, err = tx.Exec(ctx, `INSERT INTO boost_payments (id, room_id, user_id, stripe_session_id,
			stripe_event_id, days, amount, currency, boost_until, created_at)
			VALUES ($1, (SELECT id FROM rooms WHERE id = $2), (SELECT id FROM users WHERE id = $3), $4, $5, $6, $7, $8, $9, $10)`,
			p.ID, p.RoomID, p.UserID, p.SessionID, p.EventID, p.Days, p.Amount, p.Currency, p.BoostUntil, now)
		if err != nil {
			return dbError(err, "boost payment")
		}
		out.Applied = true
		out.BoostUntil = p.BoostUntil
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordStripeEvent implements meetpin.BoostStore.
func (db *DB) RecordStripeEvent(ctx context.Context, eventID, eventType string, at time.Time) (bool, error) {
	var claimed bool
	err := db.atomic(ctx, func(tx pgx.Tx) (err error) {
		claimed, err = claimStripeEvent(ctx, tx, eventID, eventType, at)
		return err
	})
	return claimed, err
}

// LastStripeEvent implements meetpin.BoostStore.
func (db *DB) LastStripeEvent(ctx context.Context) (time.Time, bool, error) {
	var at *time.Time
	if err := db.pool.QueryRow(ctx, `SELECT max(processed_at) FROM stripe_webhook_events`).Scan(&at); err != nil {
		return time.Time{}, false, dbError(err, "stripe event")
	}
	if at == nil {
		return time.Time{}, false, nil
	}
	return ms(*at), true, nil
}

// BoostPaymentsByRoom implements meetpin.BoostStore.
func (db *DB) BoostPaymentsByRoom(ctx context.Context, roomID string) ([]*meetpin.BoostPayment, error) {
	rows, err := db.pool.Query(ctx, `SELECT b.id, coalesce(b.room_id::text, ''), coalesce(b.user_id::text, ''),
		b.stripe_session_id, b.stripe_event_id, e.event_type, b.days, b.amount, b.currency, b.boost_until, b.created_at
		FROM boost_payments b JOIN stripe_webhook_events e ON e.event_id = b.stripe_event_id
		WHERE b.room_id = $1 ORDER BY b.created_at DESC, b.id DESC`, roomID)
	out, err := collect(rows, err, func(row pgx.Row) (*meetpin.BoostPayment, error) {
		var p meetpin.BoostPayment
		err := row.Scan(&p.ID, &p.RoomID, &p.UserID, &p.SessionID, &p.EventID, &p.EventType, &p.Days,
			&p.Amount, &p.Currency, &p.BoostUntil, &p.CreatedAt)
		p.BoostUntil, p.CreatedAt = ms(p.BoostUntil), ms(p.CreatedAt)
		return &p, err
	})
	return out, listError(err, "boost payment")
}

// ClaimBoostReminders implements meetpin.BoostStore. Concurrent callers
// skip the rows another one has locked, and the outer condition is checked
// again on the locked row, so each boost end is claimed once.
func (db *DB) ClaimBoostReminders(ctx context.Context, now time.Time, within time.Duration, limit int) ([]*meetpin.Room, error) {
	now = ms(now)
	const due = `boost_until > $1 AND boost_until <= $2
		AND boost_reminded_until IS DISTINCT FROM boost_until
		AND status = 'active' AND start_at > $1`
	var rooms []*meetpin.Room
	err := db.atomic(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE rooms SET boost_reminded_until = boost_until
			WHERE `+due+` AND id IN (SELECT id FROM rooms WHERE `+due+`
				ORDER BY boost_until, id LIMIT $3 FOR NO KEY UPDATE SKIP LOCKED)
			RETURNING id`, now, now.Add(within), limitArg(limit))
		ids, err := collect(rows, err, func(row pgx.Row) (string, error) {
			var id string
			return id, row.Scan(&id)
		})
		if err != nil || len(ids) == 0 {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT `+roomColumns+`
			FROM rooms r JOIN profiles p ON p.uid = r.host_uid
			WHERE r.id = ANY ($1::text[]::uuid[]) ORDER BY r.boost_until, r.id`, ids)
		rooms, err = collect(rows, err, scanRoom)
		return err
	})
	if err != nil {
		return []*meetpin.Room{}, dbError(err, "room")
	}
	if rooms == nil {
		rooms = []*meetpin.Room{}
	}
	return rooms, nil
}
