// Package postgres implements meetpin.Store on PostgreSQL with pgx. It is
// the engine for deployments with more than one replica; sqlite is the
// default. Each aggregate has its own file with its SQL in plain sight, and
// migrations/ holds the schema, the twin of sqlite/migrations in native
// PostgreSQL types (uuid, timestamptz, boolean, jsonb).
//
// Times are stored and returned in UTC, truncated to the millisecond, so
// that both engines give back the same values.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"meetpin.app"
	"meetpin.app/migrate"
)

//go:embed migrations/*.sql
var embedded embed.FS

// pingTimeout bounds the connection check of Open.
const pingTimeout = 5 * time.Second

// DB is a PostgreSQL database. It implements meetpin.Store. Inside Tx it
// is bound to the transaction: pool is then the transaction itself.
type DB struct {
	pgpool *pgxpool.Pool
	pool   conn    // pgpool, or the transaction
	cur    pgx.Tx  // the transaction DB is bound to; nil outside Tx
	sqlDB  *sql.DB // the pool seen through database/sql, for goose
}

// conn is what *pgxpool.Pool and pgx.Tx have in common that the methods
// use.
type conn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// Tx implements meetpin.Store with a pgx transaction (read committed, as
// every statement outside one). Nested, it joins the outer transaction.
func (db *DB) Tx(ctx context.Context, fn func(meetpin.Tx) error) error {
	if db.cur != nil {
		return fn(db)
	}
	return pgx.BeginFunc(ctx, db.pgpool, func(tx pgx.Tx) error {
		return fn(&DB{pgpool: db.pgpool, pool: tx, cur: tx, sqlDB: db.sqlDB})
	})
}

// atomic runs fn in a transaction of its own, or inside Tx in Tx's
// transaction (no savepoint: an error ends the whole transaction).
func (db *DB) atomic(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if db.cur != nil {
		return fn(db.cur)
	}
	return pgx.BeginFunc(ctx, db.pgpool, fn)
}

var _ meetpin.Store = (*DB)(nil)

// Open connects to the database at databaseURL
// (postgres://user:pass@host:port/db?sslmode=…&pool_max_conns=…) and checks
// within a few seconds that it answers. Its errors are one line long and
// never contain the password.
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	return OpenWith(ctx, databaseURL, nil)
}

// OpenWith is Open with the pool's configuration adjusted by configure
// before it connects (nil: none), e.g. a pgx.QueryTracer that counts the
// round trips of a request.
func OpenWith(ctx context.Context, databaseURL string, configure func(*pgxpool.Config)) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, errors.New("postgres: invalid database URL: " + parseProblem(err))
	}
	if configure != nil {
		configure(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: cannot create pool: %s", reason(err))
	}
	pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: cannot connect to %s:%d: %s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, reason(err))
	}
	return &DB{pgpool: pool, pool: pool, sqlDB: stdlib.OpenDBFromPool(pool)}, nil
}

// parseProblem says what is wrong with a URL that pgx refused without
// repeating the URL, which may hold the password: of pgx's "cannot parse
// `<redacted URL>`: <problem>" it keeps the problem, and of a url.Error
// its cause.
func parseProblem(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, "`: "); i >= 0 {
		return msg[i+len("`: "):]
	}
	return "cannot parse it"
}

// reason is the innermost cause of a connection failure ("connection
// refused", "password authentication failed for user …") on one line.
func reason(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", pingTimeout)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message
	}
	for u := unwrapOne(err); u != nil; u = unwrapOne(err) {
		err = u
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// unwrapOne is errors.Unwrap that also follows a joined error, to its
// last part: pgx joins the errors of its attempts (with TLS, then
// without), and the last one is the most telling.
func unwrapOne(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		if errs := j.Unwrap(); len(errs) > 0 {
			return errs[len(errs)-1]
		}
		return nil
	}
	return errors.Unwrap(err)
}

// Migrator returns the migrator of the embedded PostgreSQL migrations.
func (db *DB) Migrator() (*migrate.Migrator, error) {
	fsys, err := fs.Sub(embedded, "migrations")
	if err != nil {
		return nil, err
	}
	return migrate.New(db.sqlDB, meetpin.EnginePostgres, fsys)
}

// Pool returns the underlying pool, for features beyond meetpin.Store such
// as advisory locks.
func (db *DB) Pool() *pgxpool.Pool { return db.pgpool }

// Engine returns meetpin.EnginePostgres.
func (db *DB) Engine() string { return meetpin.EnginePostgres }

// Now is the database server's clock, for `meetpin doctor`'s skew check.
func (db *DB) Now(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := db.pool.QueryRow(ctx, "SELECT now()").Scan(&t)
	return t, err
}

// Empty reports whether the database holds no table outside the system
// schemas: a safe target for `meetpin restore`.
func (db *DB) Empty(ctx context.Context) (bool, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM pg_catalog.pg_tables
		WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg_toast%'`).Scan(&n)
	return n == 0, err
}

// DropPublic drops the public schema with everything in it and creates it
// empty again: `meetpin restore --force` before loading a dump.
func (db *DB) DropPublic(ctx context.Context) error {
	_, err := db.pool.Exec(ctx, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pgpool.Ping(ctx) }

// Stats reports the pool's figures; Waits counts the acquisitions that had
// to wait for a connection.
func (db *DB) Stats() meetpin.PoolStats {
	s := db.pgpool.Stat()
	return meetpin.PoolStats{
		MaxOpen: int(s.MaxConns()),
		Open:    int(s.TotalConns()),
		InUse:   int(s.AcquiredConns()),
		Idle:    int(s.IdleConns()),
		Waits:   s.EmptyAcquireCount(),
	}
}

// Close closes every connection. It waits for connections in use to be
// released.
func (db *DB) Close() error {
	err := db.sqlDB.Close()
	db.pgpool.Close()
	return err
}

// ms is t in UTC, truncated to the millisecond: the precision both engines
// store.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// msPtr is ms for an optional time.
func msPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := ms(*t)
	return &v
}

// limitArg is a LIMIT argument with SQLite's meaning: a negative limit is
// no limit (NULL), where PostgreSQL would refuse it.
func limitArg(limit int) any {
	if limit < 0 {
		return nil
	}
	return limit
}

// offsetArg is an OFFSET argument with SQLite's meaning: a negative offset
// is none, where PostgreSQL would refuse it.
func offsetArg(offset int) int { return max(offset, 0) }

// collect scans every row of a query with scan, or passes the query's
// error on. The slice is never nil, so that an empty list stays [] in
// JSON, even when an error (which may mean "matches nothing", see
// listError) comes with it.
func collect[T any](rows pgx.Rows, err error, scan func(pgx.Row) (T, error)) ([]T, error) {
	if err != nil {
		return []T{}, err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row) })
	if err != nil {
		return []T{}, err
	}
	return out, nil
}
