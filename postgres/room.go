package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// CreateRoom inserts r, as an active room when r.Status is empty.
// ENOTFOUND when the host does not exist.
//
// The integers are sent as bigint and narrowed by PostgreSQL, so that a
// value too large for the integer column is a range error (EVALIDATION)
// rather than an encoding error in the driver.
func (db *DB) CreateRoom(ctx context.Context, r *meetpin.Room) error {
	_, err := db.pool.Exec(ctx, `
		INSERT INTO rooms (id, host_uid, title, category, lat, lng, place_text, start_at, max_people, fee,
			visibility, description, status, boost_until, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::bigint, $10::bigint, $11, $12, $13, $14, $15, $16)`,
		roomValues(r)...)
	return dbError(err, "user")
}

// CreateRooms inserts rooms with one COPY, which is all or none. Unlike
// CreateRoom, an integer beyond the integer column's range fails in the
// driver, as an internal error: it is meant for generated data.
func (db *DB) CreateRooms(ctx context.Context, rooms []*meetpin.Room) error {
	_, err := db.pool.CopyFrom(ctx, pgx.Identifier{"rooms"}, []string{
		"id", "host_uid", "title", "category", "lat", "lng", "place_text", "start_at", "max_people", "fee",
		"visibility", "description", "status", "boost_until", "created_at", "updated_at",
	}, pgx.CopyFromSlice(len(rooms), func(i int) ([]any, error) { return roomValues(rooms[i]), nil }))
	return dbError(err, "user")
}

// roomValues are the values of the columns CreateRoom and CreateRooms
// write, in their order. An empty status becomes active.
func roomValues(r *meetpin.Room) []any {
	if r.Status == "" {
		r.Status = meetpin.RoomActive
	}
	return []any{r.ID, r.HostID, r.Title, r.Category, r.Lat, r.Lng, r.PlaceText, ms(r.StartAt), r.MaxPeople, r.Fee,
		r.Visibility, r.Description, r.Status, msPtr(r.BoostUntil), ms(r.CreatedAt), ms(r.UpdatedAt)}
}

// roomColumns are the columns scanRoom reads: a room r, its host's profile
// p and its participants, the accepted guests plus the host.
const roomColumns = `r.id, r.host_uid, r.title, r.category, r.lat, r.lng, r.place_text, r.start_at,
	r.max_people, r.fee, r.visibility, r.description, r.status, r.boost_until, r.created_at, r.updated_at,
	p.nickname, p.avatar_url, p.age_range, p.intro,
	1 + (SELECT count(*) FROM requests q WHERE q.room_id = r.id AND q.status = 'accepted')`

func scanRoom(row pgx.Row) (*meetpin.Room, error) {
	r := meetpin.Room{Host: &meetpin.PublicProfile{}}
	err := row.Scan(&r.ID, &r.HostID, &r.Title, &r.Category, &r.Lat, &r.Lng, &r.PlaceText, &r.StartAt,
		&r.MaxPeople, &r.Fee, &r.Visibility, &r.Description, &r.Status, &r.BoostUntil, &r.CreatedAt, &r.UpdatedAt,
		&r.Host.Nickname, &r.Host.AvatarURL, &r.Host.AgeRange, &r.Host.Intro,
		&r.ParticipantsCount)
	if err != nil {
		return nil, err
	}
	r.Host.ID = r.HostID
	r.StartAt, r.CreatedAt, r.UpdatedAt, r.BoostUntil = ms(r.StartAt), ms(r.CreatedAt), ms(r.UpdatedAt), msPtr(r.BoostUntil)
	return &r, nil
}

// RoomByID returns the room with its host and participants count;
// ENOTFOUND if absent.
func (db *DB) RoomByID(ctx context.Context, id string) (*meetpin.Room, error) {
	r, err := scanRoom(db.pool.QueryRow(ctx, `
		SELECT `+roomColumns+`
		FROM rooms r JOIN profiles p ON p.uid = r.host_uid
		WHERE r.id = $1`, id))
	return r, dbError(err, "room")
}

// UpdateRoom applies the non-nil fields of upd, sets updated_at and returns
// the new room. ENOTFOUND if absent. A new max_people is checked against
// the participants after the room row is locked FOR NO KEY UPDATE, the
// lock AcceptRequest takes first: accepts and this update run one after
// the other, and the count sees every acceptance committed before.
func (db *DB) UpdateRoom(ctx context.Context, id string, upd meetpin.RoomUpdate, now time.Time) (*meetpin.Room, error) {
	var r *meetpin.Room
	err := db.atomic(ctx, func(tx pgx.Tx) error {
		if upd.MaxPeople != nil {
			tag, err := tx.Exec(ctx, `SELECT FROM rooms WHERE id = $1 FOR NO KEY UPDATE`, id)
			if err != nil {
				return err
			} else if tag.RowsAffected() == 0 {
				return notFound("room")
			}
			accepted, err := acceptedCount(ctx, tx, id)
			if err != nil {
				return err
			} else if *upd.MaxPeople < 1+accepted {
				return meetpin.MaxPeopleBelow(1 + accepted)
			}
		}
		var err error
		r, err = scanRoom(tx.QueryRow(ctx, `
		UPDATE rooms r SET
			title       = COALESCE(@title, r.title),
			category    = COALESCE(@category, r.category),
			lat         = COALESCE(@lat, r.lat),
			lng         = COALESCE(@lng, r.lng),
			place_text  = COALESCE(@place_text, r.place_text),
			start_at    = COALESCE(@start_at, r.start_at),
			max_people  = COALESCE(@max_people::bigint, r.max_people),
			fee         = COALESCE(@fee::bigint, r.fee),
			visibility  = COALESCE(@visibility, r.visibility),
			description = COALESCE(@description, r.description),
			updated_at  = @now
		FROM profiles p
		WHERE r.id = @id AND p.uid = r.host_uid
		RETURNING `+roomColumns, pgx.NamedArgs{
			"id":          id,
			"title":       upd.Title,
			"category":    upd.Category,
			"lat":         upd.Lat,
			"lng":         upd.Lng,
			"place_text":  upd.PlaceText,
			"start_at":    msPtr(upd.StartAt),
			"max_people":  upd.MaxPeople,
			"fee":         upd.Fee,
			"visibility":  upd.Visibility,
			"description": upd.Description,
			"now":         ms(now),
		}))
		return err
	})
	return r, dbError(err, "room")
}

// DeleteRoom deletes a room and, by cascade, everything that hangs on it.
// It locks the room first, so that no request can be accepted between the
// check and the delete: EROOMHASPARTICIPANT when one is accepted, ENOTFOUND
// if absent.
func (db *DB) DeleteRoom(ctx context.Context, id string) error {
	err := db.atomic(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `SELECT FROM rooms WHERE id = $1 FOR UPDATE`, id)
		if err != nil {
			return err
		} else if tag.RowsAffected() == 0 {
			return notFound("room")
		}
		accepted, err := acceptedCount(ctx, tx, id)
		if err != nil {
			return err
		} else if accepted > 0 {
			return meetpin.Errorf(meetpin.EROOMHASPARTICIPANT, "a room with accepted participants cannot be deleted")
		}
		_, err = tx.Exec(ctx, `DELETE FROM rooms WHERE id = $1`, id)
		return err
	})
	return dbError(err, "room")
}

// acceptedCount counts the accepted requests of a room. Under READ
// COMMITTED each statement sees what was committed before it started, so
// after the room row is locked it sees every acceptance made so far.
func acceptedCount(ctx context.Context, tx pgx.Tx, roomID string) (n int, err error) {
	err = tx.QueryRow(ctx, `SELECT count(*) FROM requests WHERE room_id = $1 AND status = 'accepted'`, roomID).Scan(&n)
	return n, err
}

// ListRooms returns one page of the rooms f selects, in map order, and
// how many rooms it selects in all. A viewer id that is not a uuid is an
// unknown viewer, who blocked no one and whom no one blocked.
func (db *DB) ListRooms(ctx context.Context, f meetpin.RoomFilter) ([]*meetpin.Room, int, error) {
	rooms, total, err := db.listRooms(ctx, f)
	if malformed(err) && f.ViewerID != "" {
		// PostgreSQL refused the viewer id, the only parameter it parses
		// from text; list as for an anonymous viewer.
		f.ViewerID = ""
		rooms, total, err = db.listRooms(ctx, f)
	}
	if err != nil {
		return nil, 0, dbError(err, "room")
	}
	return rooms, total, nil
}

// listRooms is ListRooms with the database's errors.
//
// Both statements run unprepared (QueryExecModeCacheDescribe), so that
// PostgreSQL plans each with its real box: a prepared statement may switch to
// a generic plan after five runs, which guesses a handful of rooms per box and
// was measured 20× slower on a Seoul box at a million rooms
// (docs/benchmarks.md).
func (db *DB) listRooms(ctx context.Context, f meetpin.RoomFilter) ([]*meetpin.Room, int, error) {
	where, args := roomFilter(f)
	var total int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM rooms r WHERE `+where, pgx.QueryExecModeCacheDescribe, args).Scan(&total); err != nil {
		return nil, 0, err
	}
	args["limit"], args["offset"] = f.Limit, f.Offset
	rows, err := db.pool.Query(ctx, `
		SELECT `+roomColumns+`
		FROM rooms r JOIN profiles p ON p.uid = r.host_uid
		WHERE `+where+`
		ORDER BY CASE WHEN r.boost_until > @now THEN r.boost_until END DESC NULLS LAST, r.created_at DESC, r.id
		LIMIT @limit OFFSET @offset`, pgx.QueryExecModeCacheDescribe, args)
	rooms, err := collect(rows, err, scanRoom)
	if err != nil {
		return nil, 0, err
	}
	return rooms, total, nil
}

// roomFilter is the WHERE clause over rooms r for f, with its arguments.
// Only the conditions f uses are written, so that each shape of the query
// gets its own plan.
func roomFilter(f meetpin.RoomFilter) (string, pgx.NamedArgs) {
	args := pgx.NamedArgs{
		"now":   ms(f.Now),
		"south": f.BBox.South,
		"north": f.BBox.North,
		"west":  f.BBox.West,
		"east":  f.BBox.East,
	}
	where := []string{
		`r.visibility = 'public'`,
		`r.status = 'active'`,
		`r.start_at >= @now`,
		`r.lat BETWEEN @south AND @north`,
	}
	if f.BBox.CrossesAntimeridian() {
		where = append(where, `(r.lng >= @west OR r.lng <= @east)`)
	} else {
		where = append(where, `r.lng BETWEEN @west AND @east`)
	}
	if f.Category != "" {
		where = append(where, `r.category = @category`)
		args["category"] = f.Category
	}
	if f.ViewerID != "" {
		where = append(where, `NOT EXISTS (SELECT 1 FROM blocked_users b
			WHERE (b.blocker_uid = r.host_uid AND b.blocked_uid = @viewer)
			   OR (b.blocker_uid = @viewer AND b.blocked_uid = r.host_uid))`)
		args["viewer"] = f.ViewerID
	}
	return strings.Join(where, " AND "), args
}

// RoomsByHost lists every room hostID hosts, latest start first. A
// malformed id hosts none.
func (db *DB) RoomsByHost(ctx context.Context, hostID string) ([]*meetpin.Room, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+roomColumns+`
		FROM rooms r JOIN profiles p ON p.uid = r.host_uid
		WHERE r.host_uid = $1
		ORDER BY r.start_at DESC, r.id`, hostID)
	rooms, err := collect(rows, err, scanRoom)
	return rooms, listError(err, "user")
}
