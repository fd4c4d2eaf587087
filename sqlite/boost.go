package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"meetpin.app"
)

// claimStripeEvent inserts the event id unless it is there already; false
// when it was. The write pool has one connection and its transactions
// begin IMMEDIATE, so two claims of one id never overlap.
func claimStripeEvent(ctx context.Context, tx *sql.Tx, eventID, eventType string, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO stripe_webhook_events (event_id, event_type, processed_at)
		VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING`, eventID, eventType, ms(at))
	if err != nil {
		return false, mapErr(err, "event not found")
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ApplyBoost implements meetpin.BoostStore.
func (db *DB) ApplyBoost(ctx context.Context, p *meetpin.BoostPayment, remindWithin time.Duration) (*meetpin.BoostOutcome, error) {
	out := &meetpin.BoostOutcome{}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		claimed, err := claimStripeEvent(ctx, tx, p.EventID, p.EventType, p.CreatedAt)
		if err != nil || !claimed {
			return err
		}
		var paid int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM boost_payments WHERE stripe_session_id = ?`, p.SessionID).Scan(&paid)
		if err != nil || paid > 0 {
			return err // the event id stays claimed
		}
		now := p.CreatedAt
		var current sql.NullInt64
		switch err := tx.QueryRowContext(ctx, `SELECT boost_until FROM rooms WHERE id = ?`, p.RoomID).Scan(&current); err {
		case nil:
			out.RoomFound = true
		case sql.ErrNoRows:
		default:
			return err
		}
		from := now
		if current.Valid && fromMS(current.Int64).After(now) {
			from = fromMS(current.Int64)
		}
		p.BoostUntil = from.Add(time.Duration(p.Days) * 24 * time.Hour)
		if out.RoomFound {
			var reminded sql.NullInt64
			if !p.BoostUntil.After(now.Add(remindWithin)) {
				reminded = sql.NullInt64{Int64: ms(p.BoostUntil), Valid: true}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE rooms SET boost_until = ?,
				boost_reminded_until = coalesce(?, boost_reminded_until) WHERE id = ?`,
				ms(p.BoostUntil), reminded, p.RoomID); err != nil {
				return err
			}
		}
		// A deleted room or user is recorded as NULL: the payment stays, for
		// a refund.
		_, err = tx.ExecContext(ctx, `INSERT INTO boost_payments (id, room_id, user_id, stripe_session_id,
			stripe_event_id, days, amount, currency, boost_until, created_at)
			VALUES (?, (SELECT id FROM rooms WHERE id = ?), (SELECT id FROM users WHERE id = ?), ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.RoomID, p.UserID, p.SessionID, p.EventID, p.Days, p.Amount, p.Currency, ms(p.BoostUntil), ms(now))
		if err != nil {
			return err
		}
		out.Applied = true
		out.BoostUntil = p.BoostUntil
		return nil
	})
	if err != nil {
		return nil, mapErr(err, "room not found")
	}
	if !out.Applied {
		out.RoomFound = false
	}
	return out, nil
}

// RecordStripeEvent implements meetpin.BoostStore.
func (db *DB) RecordStripeEvent(ctx context.Context, eventID, eventType string, at time.Time) (bool, error) {
	var claimed bool
	err := db.tx(ctx, func(tx *sql.Tx) (err error) {
		claimed, err = claimStripeEvent(ctx, tx, eventID, eventType, at)
		return err
	})
	return claimed, err
}

// LastStripeEvent implements meetpin.BoostStore.
func (db *DB) LastStripeEvent(ctx context.Context) (time.Time, bool, error) {
	var at sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT max(processed_at) FROM stripe_webhook_events`).Scan(&at); err != nil {
		return time.Time{}, false, err
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return fromMS(at.Int64), true, nil
}

// BoostPaymentsByRoom implements meetpin.BoostStore.
func (db *DB) BoostPaymentsByRoom(ctx context.Context, roomID string) ([]*meetpin.BoostPayment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT b.id, coalesce(b.room_id, ''), coalesce(b.user_id, ''),
		b.stripe_session_id, b.stripe_event_id, e.event_type, b.days, b.amount, b.currency, b.boost_until, b.created_at
		FROM boost_payments b JOIN stripe_webhook_events e ON e.event_id = b.stripe_event_id
		WHERE b.room_id = ? ORDER BY b.created_at DESC, b.id DESC`, roomID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*meetpin.BoostPayment{}
	for rows.Next() {
		var p meetpin.BoostPayment
		var until, created int64
		if err := rows.Scan(&p.ID, &p.RoomID, &p.UserID, &p.SessionID, &p.EventID, &p.EventType, &p.Days,
			&p.Amount, &p.Currency, &until, &created); err != nil {
			return nil, err
		}
		p.BoostUntil, p.CreatedAt = fromMS(until), fromMS(created)
		out = append(out, &p)
	}
	return out, rows.Err()
}

// ClaimBoostReminders implements meetpin.BoostStore. The claim is one
// UPDATE on the single write connection, so two callers never claim the
// same room.
func (db *DB) ClaimBoostReminders(ctx context.Context, now time.Time, within time.Duration, limit int) ([]*meetpin.Room, error) {
	var ids []string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE rooms SET boost_reminded_until = boost_until
			WHERE id IN (SELECT id FROM rooms
				WHERE boost_until > ?1 AND boost_until <= ?2
				AND (boost_reminded_until IS NULL OR boost_reminded_until <> boost_until)
				AND status = 'active' AND start_at > ?1
				ORDER BY boost_until, id LIMIT ?3)
			RETURNING id`, ms(now), ms(now.Add(within)), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil || len(ids) == 0 {
		return []*meetpin.Room{}, err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return scanRooms(db.read.QueryContext(ctx, roomSelect+` WHERE r.id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)
		ORDER BY r.boost_until, r.id`, args...))
}
