package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// CreateRequest inserts r as a pending request. A requester who cancelled
// may ask again: the cancelled request becomes pending again, with the new
// message and updated_at, and r.ID and r.CreatedAt are set to its id and
// first creation time. ECONFLICT when the requester already has a pending,
// accepted or rejected request for the room, ENOTFOUND when the room or the
// requester does not exist.
//
// Reading the existing request and then inserting or updating would race
// under READ COMMITTED: two concurrent asks could both find the cancelled
// request and both revive it, or both find none and one fail on the unique
// key. INSERT … ON CONFLICT decides in one statement, on the unique index
// itself: either the row is inserted, or the existing row is locked and
// updated if — re-checked on its latest version, after any concurrent
// revival committed — it is cancelled. When it is not, no row comes back.
func (db *DB) CreateRequest(ctx context.Context, r *meetpin.Request) error {
	var id string
	var created time.Time
	err := db.pool.QueryRow(ctx, `
		INSERT INTO requests (id, room_id, requester_uid, message, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 'pending', $5, $6)
		ON CONFLICT (room_id, requester_uid) DO UPDATE
			SET status = 'pending', message = EXCLUDED.message, updated_at = EXCLUDED.updated_at
			WHERE requests.status = 'cancelled'
		RETURNING id, created_at`,
		r.ID, r.RoomID, r.RequesterID, r.Message, ms(r.CreatedAt), ms(r.UpdatedAt)).Scan(&id, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return meetpin.Errorf(meetpin.ECONFLICT, "already requested to join this room")
	} else if err != nil {
		return dbError(err, "room")
	}
	r.ID, r.Status, r.CreatedAt = id, meetpin.RequestPending, ms(created)
	return nil
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

// RequestsByRequester lists a user's requests, newest first.
func (db *DB) RequestsByRequester(ctx context.Context, requesterID string) ([]*meetpin.Request, error) {
	return db.listRequests(ctx, `requester_uid = $1`, requesterID)
}

// RequestsByRoom lists a room's requests, newest first.
func (db *DB) RequestsByRoom(ctx context.Context, roomID string) ([]*meetpin.Request, error) {
	return db.listRequests(ctx, `room_id = $1`, roomID)
}

// listRequests lists the requests where holds for arg, newest first. A
// malformed id matches none.
func (db *DB) listRequests(ctx context.Context, where, arg string) ([]*meetpin.Request, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+requestColumns+` FROM requests WHERE `+where+` ORDER BY created_at DESC, id`, arg)
	reqs, err := collect(rows, err, scanRequest)
	return reqs, listError(err, "request")
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
// EROOMFULL when no place is left, ECONFLICT when the request is no longer
// pending, ENOTFOUND when absent.
func (db *DB) AcceptRequest(ctx context.Context, id, matchID string, now time.Time) (*meetpin.AcceptResult, error) {
	now = ms(now)
	var res *meetpin.AcceptResult
	err := db.atomic(ctx, func(tx pgx.Tx) error {
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
			return meetpin.Errorf(meetpin.EROOMFULL, "room is full")
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
	err := db.atomic(ctx, func(tx pgx.Tx) error {
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
