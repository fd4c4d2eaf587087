package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"meetpin.app"
)

// CreateRequest implements meetpin.RequestStore. A cancelled request is
// revived in place; any other existing request is a conflict.
func (db *DB) CreateRequest(ctx context.Context, r *meetpin.Request) error {
	var created int64
	err := db.write.QueryRowContext(ctx, `INSERT INTO requests (id, room_id, requester_uid, message, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'pending', ?, ?)
		ON CONFLICT (room_id, requester_uid) DO UPDATE SET status = 'pending', message = excluded.message, updated_at = excluded.updated_at
		WHERE requests.status = 'cancelled'
		RETURNING id, created_at`, r.ID, r.RoomID, r.RequesterID, r.Message, ms(r.CreatedAt), ms(r.UpdatedAt)).Scan(&r.ID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return meetpin.Errorf(meetpin.ECONFLICT, "already requested to join this room")
	}
	if err != nil {
		return renameConflict(mapErr(err, "room or user not found"), "already requested to join this room")
	}
	r.Status, r.CreatedAt = meetpin.RequestPending, fromMS(created)
	return nil
}

const requestColumns = `id, room_id, requester_uid, message, status, created_at, updated_at`

func scanRequest(s scanner) (*meetpin.Request, error) {
	var r meetpin.Request
	var created, updated int64
	if err := s.Scan(&r.ID, &r.RoomID, &r.RequesterID, &r.Message, &r.Status, &created, &updated); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
	return &r, nil
}

func requestByID(ctx context.Context, q querier, id string) (*meetpin.Request, error) {
	r, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE id = ?`, id))
	return r, mapErr(err, "request not found")
}

func (db *DB) listRequests(ctx context.Context, where string, arg string) ([]*meetpin.Request, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE `+where+` ORDER BY created_at DESC, id`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*meetpin.Request{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RequestsByRequester implements meetpin.MatchStore.
func (db *DB) RequestsByRequester(ctx context.Context, requesterID string) ([]*meetpin.Request, error) {
	return db.listRequests(ctx, "requester_uid = ?", requesterID)
}

// RequestsByRoom implements meetpin.MatchStore.
func (db *DB) RequestsByRoom(ctx context.Context, roomID string) ([]*meetpin.Request, error) {
	return db.listRequests(ctx, "room_id = ?", roomID)
}

// RequestByID implements meetpin.RequestStore.
func (db *DB) RequestByID(ctx context.Context, id string) (*meetpin.Request, error) {
	return requestByID(ctx, db.read, id)
}

// AcceptRequest implements meetpin.RequestStore. SQLite has one writer and
// the transaction begins IMMEDIATE, so the capacity check and the update
// cannot interleave with another accept.
func (db *DB) AcceptRequest(ctx context.Context, id, matchID string, now time.Time) (*meetpin.AcceptResult, error) {
	var out meetpin.AcceptResult
	err := db.tx(ctx, func(tx *sql.Tx) error {
		req, err := requestByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if req.Status != meetpin.RequestPending {
			return meetpin.Errorf(meetpin.ECONFLICT, "request is no longer pending")
		}
		var hostID string
		var maxPeople, accepted int
		err = tx.QueryRowContext(ctx, `SELECT host_uid, max_people,
			(SELECT count(*) FROM requests WHERE room_id = r.id AND status = 'accepted')
			FROM rooms r WHERE r.id = ?`, req.RoomID).Scan(&hostID, &maxPeople, &accepted)
		if err != nil {
			return mapErr(err, "room not found")
		}
		if accepted >= maxPeople-1 {
			return meetpin.Errorf(meetpin.EROOMFULL, "room is full")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = 'accepted', updated_at = ? WHERE id = ?`, ms(now), id); err != nil {
			return err
		}
		m := &meetpin.Match{ID: matchID, RoomID: req.RoomID, HostID: hostID, GuestID: req.RequesterID, CreatedAt: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO matches (id, room_id, host_uid, guest_uid, created_at) VALUES (?, ?, ?, ?, ?)`,
			m.ID, m.RoomID, m.HostID, m.GuestID, ms(now)); err != nil {
			return err
		}
		req.Status, req.UpdatedAt = meetpin.RequestAccepted, now
		out = meetpin.AcceptResult{Request: req, Match: m, RoomFull: accepted+1 == maxPeople-1}
		return nil
	})
	if err != nil {
		return nil, mapErr(err, "request not found")
	}
	return &out, nil
}

// SetRequestStatus implements meetpin.RequestStore.
func (db *DB) SetRequestStatus(ctx context.Context, id, status string, now time.Time) (*meetpin.Request, error) {
	if status != meetpin.RequestRejected && status != meetpin.RequestCancelled {
		return nil, meetpin.Errorf(meetpin.EVALIDATION, "status: must be rejected or cancelled")
	}
	var out *meetpin.Request
	err := db.tx(ctx, func(tx *sql.Tx) error {
		req, err := requestByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if req.Status != meetpin.RequestPending {
			return meetpin.Errorf(meetpin.ECONFLICT, "request is no longer pending")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = ?, updated_at = ? WHERE id = ?`, status, ms(now), id); err != nil {
			return err
		}
		req.Status, req.UpdatedAt = status, now
		out = req
		return nil
	})
	return out, mapErr(err, "request not found")
}
