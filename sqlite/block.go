package sqlite

import (
	"context"
	"database/sql"

	"meetpin.app"
)

// CreateBlock implements meetpin.BlockStore.
func (db *DB) CreateBlock(ctx context.Context, b *meetpin.Block) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO blocked_users (blocker_uid, blocked_uid, created_at) VALUES (?, ?, ?)
		ON CONFLICT (blocker_uid, blocked_uid) DO NOTHING`, b.BlockerID, b.BlockedID, ms(b.CreatedAt))
	return mapErr(err, "user not found")
}

// DeleteBlock implements meetpin.BlockStore.
func (db *DB) DeleteBlock(ctx context.Context, blockerID, blockedID string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM blocked_users WHERE blocker_uid = ? AND blocked_uid = ?`, blockerID, blockedID)
	if err != nil {
		return mapErr(err, "block not found")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return mapErr(sql.ErrNoRows, "block not found")
	}
	return nil
}

// ListBlocks implements meetpin.BlockStore.
func (db *DB) ListBlocks(ctx context.Context, blockerID string) ([]*meetpin.Block, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT blocker_uid, blocked_uid, created_at FROM blocked_users
		WHERE blocker_uid = ? ORDER BY created_at DESC, blocked_uid`, blockerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	blocks := []*meetpin.Block{}
	for rows.Next() {
		var b meetpin.Block
		var created int64
		if err := rows.Scan(&b.BlockerID, &b.BlockedID, &created); err != nil {
			return nil, err
		}
		b.CreatedAt = fromMS(created)
		blocks = append(blocks, &b)
	}
	return blocks, rows.Err()
}

// IsBlocked implements meetpin.BlockStore.
func (db *DB) IsBlocked(ctx context.Context, a, b string) (bool, error) {
	var blocked bool
	err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM blocked_users
		WHERE (blocker_uid = ? AND blocked_uid = ?) OR (blocker_uid = ? AND blocked_uid = ?))`, a, b, b, a).Scan(&blocked)
	return blocked, err
}
