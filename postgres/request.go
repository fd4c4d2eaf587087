package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin"
)

// CreateRequest inserts r as a pending request. ECONFLICT when the
// requester already has a request for the room, ENOTFOUND when the room or
// the requester does not exist.
func (db *DB) CreateRequest(ctx context.Context, r *meetpin.Request) error {
	r.Status = meetpin.RequestPending
	_, err := db.pool.Exec(ctx, `
		INSERT INTO requests (id, room_id, requester_uid, message, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.ID, r.RoomID, r.RequesterID, r.Message, r.Status, ms(r.CreatedAt), ms(r.UpdatedAt))
	return dbError(err, "room")
}

// requestColumns are the columns scanRequest reads.
const requestColumns = `id, room_id, requester_uid, message, status, created_at, updated_at`

func scanRequest(row pgx.Row) (*meetpin.Request, error) {
	var r meetpin.Request
	if err := row.Scan(&r.ID, &r.RoomID, &r.RequesterID, &r.Message, &r.Status, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = ms(r.CreatedAt), ms(r.UpdatedAt)
	return &r, nil
}

// RequestByID returns the request with id; ENOTFOUND when absent.
func (db *DB) RequestByID(ctx context.Context, id string) (*meetpin.Request, error) {
	r, err := scanRequest(db.pool.QueryRow(ctx, `SELECT `+requestColumns+` FROM requests WHERE id = $1`, id))
	return r, dbError(err, "request")
}

// lockRequest reads the request with id and locks it until the end of tx.
func lockRequest(ctx context.Context, tx pgx.Tx, id string) (*meetpin.Request, error) {
	return scanRequest(tx.QueryRow(ctx, `SELECT `+requestColumns+` FROM requests WHERE id = $1 FOR UPDATE`, id))
}

// setStatus moves the request r, locked in tx, to status.
func setStatus(ctx context.Context, tx pgx.Tx, r *meetpin.Request, status string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE requests SET status = $2, updated_at = $3 WHERE id = $1`, r.ID, status, now)
	r.Status, r.UpdatedAt = status, now
	return err
}

// errNotPending is the answer to a change of a request that was already
// accepted, rejected or cancelled.
func errNotPending() error {
	return meetpin.Errorf(meetpin.ECONFLICT, "request is no longer pending")
}

// AcceptRequest marks a pending request accepted and creates its match in
// one transaction. The room row is locked first, so accepts into one room
// run one after the other and each counts the places the previous ones
// took. The lock is FOR NO KEY UPDATE: new requests for the room, whose
// foreign key check takes a KEY SHARE lock on it, are not held up.
// ECONFLICT "room is full" when no place is left, ECONFLICT when the
// request is no longer pending, ENOTFOUND when absent.
func (db *DB) AcceptRequest(ctx context.Context, id, matchID string, now time.Time) (*meetpin.AcceptResult, error) {
	now = ms(now)
	var res *meetpin.AcceptResult
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var hostID string
		var maxPeople int
		err := tx.QueryRow(ctx, `
			SELECT r.host_uid, r.max_people
			FROM rooms r JOIN requests q ON q.room_id = r.id
			WHERE q.id = $1
			FOR NO KEY UPDATE OF r`, id).Scan(&hostID, &maxPeople)
		if err != nil {
			return err
		}
		req, err := lockRequest(ctx, tx, id)
		if err != nil {
			return err
		} else if req.Status != meetpin.RequestPending {
			return errNotPending()
		}
		accepted, err := acceptedCount(ctx, tx, req.RoomID)
		if err != nil {
			return err
		} else if accepted >= maxPeople-1 {
			return meetpin.Errorf(meetpin.ECONFLICT, "room is full")
		}
		if err := setStatus(ctx, tx, req, meetpin.RequestAccepted, now); err != nil {
			return err
		}
		m := &meetpin.Match{ID: matchID, RoomID: req.RoomID, HostID: hostID, GuestID: req.RequesterID, CreatedAt: now}
		if _, err := tx.Exec(ctx, `
			INSERT INTO matches (id, room_id, host_uid, guest_uid, created_at)
			VALUES ($1, $2, $3, $4, $5)`, m.ID, m.RoomID, m.HostID, m.GuestID, m.CreatedAt); err != nil {
			return err
		}
		res = &meetpin.AcceptResult{Request: req, Match: m, RoomFull: accepted+1 == maxPeople-1}
		return nil
	})
	if err != nil {
		return nil, dbError(err, "request")
	}
	return res, nil
}

// SetRequestStatus moves a pending request to rejected or cancelled and
// returns it. EVALIDATION for any other status, ECONFLICT when it is no
// longer pending, ENOTFOUND when absent.
func (db *DB) SetRequestStatus(ctx context.Context, id, status string, now time.Time) (*meetpin.Request, error) {
	if status != meetpin.RequestRejected && status != meetpin.RequestCancelled {
		return nil, meetpin.Errorf(meetpin.EVALIDATION, "status: must be rejected or cancelled")
	}
	var req *meetpin.Request
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var err error
		if req, err = lockRequest(ctx, tx, id); err != nil {
			return err
		} else if req.Status != meetpin.RequestPending {
			return errNotPending()
		}
		return setStatus(ctx, tx, req, status, ms(now))
	})
	if err != nil {
		return nil, dbError(err, "request")
	}
	return req, nil
}
