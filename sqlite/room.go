package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"meetpin.app"
)

const insertRoom = `INSERT INTO rooms (id, host_uid, title, category, lat, lng, place_text, start_at,
	max_people, fee, visibility, description, status, boost_until, created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func roomArgs(r *meetpin.Room) []any {
	if r.Status == "" {
		r.Status = meetpin.RoomActive
	}
	return []any{r.ID, r.HostID, r.Title, r.Category, r.Lat, r.Lng, r.PlaceText, ms(r.StartAt),
		r.MaxPeople, r.Fee, r.Visibility, r.Description, r.Status, nullMS(r.BoostUntil), ms(r.CreatedAt), ms(r.UpdatedAt)}
}

// CreateRoom implements meetpin.RoomStore.
func (db *DB) CreateRoom(ctx context.Context, r *meetpin.Room) error {
	_, err := db.write.ExecContext(ctx, insertRoom, roomArgs(r)...)
	return mapErr(err, "host not found")
}

// CreateRooms implements meetpin.RoomStore with one prepared statement in
// one transaction.
func (db *DB) CreateRooms(ctx context.Context, rooms []*meetpin.Room) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, insertRoom)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rooms {
			if _, err := stmt.ExecContext(ctx, roomArgs(r)...); err != nil {
				return err
			}
		}
		return nil
	})
	return mapErr(err, "host not found")
}

// roomSelect reads a room with its host's public profile and participant
// count (accepted guests + the host).
const roomSelect = `SELECT r.id, r.host_uid, r.title, r.category, r.lat, r.lng, r.place_text, r.start_at,
	r.max_people, r.fee, r.visibility, r.description, r.status, r.boost_until, r.created_at, r.updated_at,
	p.nickname, p.avatar_url, p.age_range, p.intro,
	1 + (SELECT count(*) FROM requests q WHERE q.room_id = r.id AND q.status = 'accepted')
	FROM rooms r JOIN profiles p ON p.uid = r.host_uid`

func scanRoom(s scanner) (*meetpin.Room, error) {
	var r meetpin.Room
	var h meetpin.PublicProfile
	var start, created, updated int64
	var boost sql.NullInt64
	err := s.Scan(&r.ID, &r.HostID, &r.Title, &r.Category, &r.Lat, &r.Lng, &r.PlaceText, &start,
		&r.MaxPeople, &r.Fee, &r.Visibility, &r.Description, &r.Status, &boost, &created, &updated,
		&h.Nickname, &h.AvatarURL, &h.AgeRange, &h.Intro, &r.ParticipantsCount)
	if err != nil {
		return nil, err
	}
	r.StartAt, r.CreatedAt, r.UpdatedAt, r.BoostUntil = fromMS(start), fromMS(created), fromMS(updated), fromNullMS(boost)
	h.ID = r.HostID
	r.Host = &h
	return &r, nil
}

func scanRooms(rows *sql.Rows, err error) ([]*meetpin.Room, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rooms := []*meetpin.Room{}
	for rows.Next() {
		r, err := scanRoom(rows)
		if err != nil {
			return nil, err
		}
		rooms = append(rooms, r)
	}
	return rooms, rows.Err()
}

// RoomByID implements meetpin.RoomStore.
func (db *DB) RoomByID(ctx context.Context, id string) (*meetpin.Room, error) {
	return roomByID(ctx, db.read, id)
}

func roomByID(ctx context.Context, q querier, id string) (*meetpin.Room, error) {
	r, err := scanRoom(q.QueryRowContext(ctx, roomSelect+` WHERE r.id = ?`, id))
	return r, mapErr(err, "room not found")
}

// UpdateRoom implements meetpin.RoomStore.
func (db *DB) UpdateRoom(ctx context.Context, id string, upd meetpin.RoomUpdate, now time.Time) (*meetpin.Room, error) {
	var set []string
	var args []any
	add := func(col string, v any) {
		set = append(set, col+" = ?")
		args = append(args, v)
	}
	if upd.Title != nil {
		add("title", *upd.Title)
	}
	if upd.Category != nil {
		add("category", *upd.Category)
	}
	if upd.Lat != nil {
		add("lat", *upd.Lat)
	}
	if upd.Lng != nil {
		add("lng", *upd.Lng)
	}
	if upd.PlaceText != nil {
		add("place_text", *upd.PlaceText)
	}
	if upd.StartAt != nil {
		add("start_at", ms(*upd.StartAt))
	}
	if upd.MaxPeople != nil {
		add("max_people", *upd.MaxPeople)
	}
	if upd.Fee != nil {
		add("fee", *upd.Fee)
	}
	if upd.Visibility != nil {
		add("visibility", *upd.Visibility)
	}
	if upd.Description != nil {
		add("description", *upd.Description)
	}
	add("updated_at", ms(now))
	var out *meetpin.Room
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// The transaction is IMMEDIATE (one writer at a time), so no
		// accept runs between this count and the update.
		if upd.MaxPeople != nil {
			var participants int
			err := tx.QueryRowContext(ctx, `SELECT 1 + (SELECT count(*) FROM requests WHERE room_id = r.id AND status = 'accepted')
				FROM rooms r WHERE r.id = ?`, id).Scan(&participants)
			if err != nil {
				return err
			}
			if *upd.MaxPeople < participants {
				return meetpin.MaxPeopleBelow(participants)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE rooms SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, id)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		out, err = roomByID(ctx, tx, id)
		return err
	})
	return out, mapErr(err, "room not found")
}

// DeleteRoom implements meetpin.RoomStore. The write transaction is
// IMMEDIATE, so no accept can slip in between the check and the delete.
func (db *DB) DeleteRoom(ctx context.Context, id string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var accepted int
		err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM requests WHERE room_id = r.id AND status = 'accepted')
			FROM rooms r WHERE r.id = ?`, id).Scan(&accepted)
		if err != nil {
			return err
		}
		if accepted > 0 {
			return meetpin.Errorf(meetpin.EROOMHASPARTICIPANT, "a room with accepted participants cannot be deleted")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM rooms WHERE id = ?`, id)
		return err
	})
	return mapErr(err, "room not found")
}

// ListRooms implements meetpin.RoomStore. The filter on start_at leads, so
// the partial index rooms_map_idx is read from the first upcoming room on,
// and the box is checked from the index entries.
func (db *DB) ListRooms(ctx context.Context, f meetpin.RoomFilter) ([]*meetpin.Room, int, error) {
	where := []string{`r.visibility = 'public'`, `r.status = 'active'`, `r.start_at >= ?`, `r.lat BETWEEN ? AND ?`}
	args := []any{ms(f.Now), f.BBox.South, f.BBox.North}
	if f.BBox.CrossesAntimeridian() {
		where = append(where, `(r.lng >= ? OR r.lng <= ?)`)
	} else {
		where = append(where, `r.lng BETWEEN ? AND ?`)
	}
	args = append(args, f.BBox.West, f.BBox.East)
	if f.Category != "" {
		where = append(where, `r.category = ?`)
		args = append(args, f.Category)
	}
	if f.ViewerID != "" {
		where = append(where, `NOT EXISTS (SELECT 1 FROM blocked_users b
			WHERE (b.blocker_uid = ? AND b.blocked_uid = r.host_uid) OR (b.blocker_uid = r.host_uid AND b.blocked_uid = ?))`)
		args = append(args, f.ViewerID, f.ViewerID)
	}
	cond := strings.Join(where, " AND ")

	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM rooms r WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 || f.Offset >= total {
		return []*meetpin.Room{}, total, nil
	}
	now := ms(f.Now)
	rooms, err := scanRooms(db.read.QueryContext(ctx, roomSelect+` WHERE `+cond+`
		ORDER BY (r.boost_until IS NOT NULL AND r.boost_until > ?) DESC,
			CASE WHEN r.boost_until > ? THEN r.boost_until END DESC,
			r.created_at DESC, r.id
		LIMIT ? OFFSET ?`, append(args, now, now, f.Limit, f.Offset)...))
	return rooms, total, err
}

// RoomsByHost implements meetpin.RoomStore.
func (db *DB) RoomsByHost(ctx context.Context, hostID string) ([]*meetpin.Room, error) {
	return scanRooms(db.read.QueryContext(ctx, roomSelect+` WHERE r.host_uid = ? ORDER BY r.start_at DESC`, hostID))
}
