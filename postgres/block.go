package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// CreateBlock records that b.BlockerID blocks b.BlockedID; blocking twice
// is not an error (the first block's time is kept). ENOTFOUND when either
// user does not exist, EVALIDATION for blocking oneself.
func (db *DB) CreateBlock(ctx context.Context, b *meetpin.Block) error {
	_, err := db.pool.Exec(ctx, `
		INSERT INTO blocked_users (blocker_uid, blocked_uid, created_at)
		VALUES ($1, $2, $3)
		ON CONFLICT (blocker_uid, blocked_uid) DO NOTHING`,
		b.BlockerID, b.BlockedID, ms(b.CreatedAt))
	return dbError(err, "user")
}

// DeleteBlock removes a block; ENOTFOUND if there was none.
func (db *DB) DeleteBlock(ctx context.Context, blockerID, blockedID string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM blocked_users WHERE blocker_uid = $1 AND blocked_uid = $2`, blockerID, blockedID)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound("block")
	}
	return dbError(err, "block")
}

// ListBlocks lists the blocks made by blockerID, newest first. A
// malformed id has made none.
func (db *DB) ListBlocks(ctx context.Context, blockerID string) ([]*meetpin.Block, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT blocker_uid, blocked_uid, created_at
		FROM blocked_users
		WHERE blocker_uid = $1
		ORDER BY created_at DESC, blocked_uid`, blockerID)
	blocks, err := collect(rows, err, func(row pgx.Row) (*meetpin.Block, error) {
		var b meetpin.Block
		err := row.Scan(&b.BlockerID, &b.BlockedID, &b.CreatedAt)
		b.CreatedAt = ms(b.CreatedAt)
		return &b, err
	})
	return blocks, listError(err, "user")
}

// IsBlocked reports whether either user blocked the other. A malformed id
// blocked no one and was blocked by no one.
func (db *DB) IsBlocked(ctx context.Context, a, b string) (bool, error) {
	var blocked bool
	err := db.pool.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM blocked_users
			WHERE (blocker_uid = $1 AND blocked_uid = $2) OR (blocker_uid = $2 AND blocked_uid = $1))`,
		a, b).Scan(&blocked)
	return blocked, listError(err, "user")
}
