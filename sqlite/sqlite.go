// Package sqlite implements meetpin.Store on an embedded SQLite file through
// modernc.org/sqlite (pure Go, no cgo). It is the zero-configuration default.
//
// SQLite allows one writer at a time, so writes go through a pool of exactly
// one connection whose transactions begin IMMEDIATE (no lock upgrades, no
// SQLITE_BUSY mid-transaction), while reads use a separate read-only pool.
// The database runs in WAL mode, so readers never block the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"meetpin.app"
	"meetpin.app/migrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the SQLite store. Inside Tx it is bound to the transaction: write
// and read are then the transaction itself.
type DB struct {
	path  string
	wpool *sql.DB // exactly one connection
	rpool *sql.DB // read-only pool
	write conn    // wpool, or the transaction
	read  conn    // rpool, or the transaction
	cur   *sql.Tx // the transaction DB is bound to; nil outside Tx
}

// conn is what *sql.DB and *sql.Tx have in common that the methods use.
type conn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var _ meetpin.Store = (*DB)(nil)

// Open opens (creating if needed) the database file at path. The parent
// directory must exist and be writable.
func Open(path string) (*DB, error) {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("sqlite: data directory %s: %w", dir, errors.Unwrap(err))
	} else if !st.IsDir() {
		return nil, fmt.Errorf("sqlite: data directory %s is not a directory", dir)
	}
	if err := checkWritable(dir); err != nil {
		return nil, err
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	write, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()))
	db := &DB{path: path, wpool: write, rpool: read, write: write, read: read}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// The first connection switches the file to WAL mode.
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return db, nil
}

func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".meetpin-write-check-*")
	if err != nil {
		return fmt.Errorf("sqlite: data directory %s is not writable", dir)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Migrator returns the migrator of this database's schema.
func (db *DB) Migrator() (*migrate.Migrator, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return migrate.New(db.wpool, meetpin.EngineSQLite, sub)
}

// Snapshot writes a consistent copy of the database to path (which must
// not exist) with VACUUM INTO: one read transaction, so writers go on
// while it runs, and the copy is compact and holds no WAL.
//
// It runs on a connection of its own: the read pool is query_only, which
// refuses VACUUM INTO, and the one writer connection must stay free.
func (db *DB) Snapshot(ctx context.Context, path string) error {
	conn, err := sql.Open("sqlite", "file:"+url.PathEscape(db.path)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("sqlite: snapshot: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("sqlite: snapshot: %w", err)
	}
	return nil
}

// Check opens the SQLite file at path read-only and runs PRAGMA
// integrity_check: `meetpin restore` checks a snapshot before using it.
func Check(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?mode=ro")
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("sqlite: %s is not a readable database: %w", filepath.Base(path), err)
	}
	if res != "ok" {
		return fmt.Errorf("sqlite: %s fails its integrity check: %s", filepath.Base(path), res)
	}
	return nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Engine implements meetpin.Store.
func (db *DB) Engine() string { return meetpin.EngineSQLite }

// Ping implements meetpin.Store: it runs a query on both pools.
func (db *DB) Ping(ctx context.Context) error {
	var n int
	if err := db.rpool.QueryRowContext(ctx, "SELECT 1").Scan(&n); err != nil {
		return err
	}
	return db.wpool.PingContext(ctx)
}

// Stats implements meetpin.Store, adding up both pools.
func (db *DB) Stats() meetpin.PoolStats {
	w, r := db.wpool.Stats(), db.rpool.Stats()
	return meetpin.PoolStats{
		MaxOpen: w.MaxOpenConnections + r.MaxOpenConnections,
		Open:    w.OpenConnections + r.OpenConnections,
		InUse:   w.InUse + r.InUse,
		Idle:    w.Idle + r.Idle,
		Waits:   w.WaitCount + r.WaitCount,
	}
}

// Close implements meetpin.Store.
func (db *DB) Close() error {
	return errors.Join(db.rpool.Close(), db.wpool.Close())
}

// Tx implements meetpin.Store: fn runs on the one writer connection in a
// transaction that began IMMEDIATE, so it never meets SQLITE_BUSY halfway.
// Nested, it joins the outer transaction.
func (db *DB) Tx(ctx context.Context, fn func(meetpin.Tx) error) error {
	if db.cur != nil {
		return fn(db)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		return fn(&DB{path: db.path, wpool: db.wpool, rpool: db.rpool, write: tx, read: tx, cur: tx})
	})
}

// tx runs fn in a write transaction, committing when it returns nil. Inside
// Tx it runs fn in Tx's transaction, which commits or rolls back as a whole.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if db.cur != nil {
		return fn(db.cur)
	}
	tx, err := db.wpool.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// ms converts a time to the stored form: unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts a stored time back to UTC.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(*t), Valid: true}
}

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// mapErr turns driver errors into domain errors; notFound is the message
// used for a missing row or a missing referenced row.
func mapErr(err error, notFound string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return meetpin.Errorf(meetpin.ENOTFOUND, "%s", notFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return meetpin.Errorf(meetpin.ECONFLICT, "already exists")
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_CONSTRAINT_DATATYPE:
			return meetpin.Errorf(meetpin.EVALIDATION, "invalid value: a data constraint was violated")
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return meetpin.Errorf(meetpin.ENOTFOUND, "%s", notFound)
		}
	}
	return err
}

// renameConflict replaces the message of an ECONFLICT error.
func renameConflict(err error, message string) error {
	if meetpin.ErrorCode(err) == meetpin.ECONFLICT {
		return meetpin.Errorf(meetpin.ECONFLICT, "%s", message)
	}
	return err
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }
