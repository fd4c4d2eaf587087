// Package migrate applies the embedded, per-engine schema migrations. It is
// the one place that imports goose. Every migration has a real down step:
// the runbook's "DB rollback guard" is `meetpin migrate down`.
package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"meetpin.app"
)

// Migrator runs one engine's migrations on one database.
type Migrator struct {
	p  *goose.Provider
	db *sql.DB
}

// Status is one migration's state.
type Status struct {
	Version   int64     `json:"version"`
	Name      string    `json:"name"`
	Applied   bool      `json:"applied"`
	AppliedAt time.Time `json:"applied_at,omitzero"`
}

// Result is what one applied or rolled-back migration did.
type Result struct {
	Version   int64
	Name      string
	Direction string
	Duration  time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("%-4s %s (%s)", r.Direction, r.Name, r.Duration.Round(time.Microsecond))
}

// New returns a migrator for engine (meetpin.EngineSQLite or
// meetpin.EnginePostgres) over db, reading .sql files at the root of fsys.
// On PostgreSQL a session advisory lock keeps two replicas from migrating at
// the same moment.
func New(db *sql.DB, engine string, fsys fs.FS) (*Migrator, error) {
	var opts []goose.ProviderOption
	var dialect goose.Dialect
	switch engine {
	case meetpin.EngineSQLite:
		dialect = goose.DialectSQLite3
	case meetpin.EnginePostgres:
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		return nil, fmt.Errorf("migrate: unknown engine %q", engine)
	}
	// Branches add migrations in parallel, so a database may have 5 applied
	// before 4 arrives; such a gap is applied rather than refused.
	opts = append(opts, goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true))
	p, err := goose.NewProvider(dialect, db, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return &Migrator{p: p, db: db}, nil
}

// Up applies every pending migration.
func (m *Migrator) Up(ctx context.Context) ([]Result, error) {
	rs, err := m.p.Up(ctx)
	return results(rs), err
}

// Down rolls back exactly the newest applied migration.
// When that migration is one this binary does not know (a newer binary
// applied it), Down refuses with an error that says so.
func (m *Migrator) Down(ctx context.Context) (Result, error) {
	current, err := m.p.GetDBVersion(ctx)
	if err != nil {
		return Result{}, err
	}
	if unknown, err := m.Unknown(ctx); err != nil {
		return Result{}, err
	} else if len(unknown) > 0 && unknown[len(unknown)-1] == current {
		return Result{}, fmt.Errorf("the newest applied migration, %d, is not known to this binary (it knows up to %d): run `meetpin migrate down` with the binary that brought migration %d", current, m.Latest(), current)
	}
	r, err := m.p.Down(ctx)
	if r == nil {
		return Result{}, err
	}
	return results([]*goose.MigrationResult{r})[0], err
}

// DownVersion rolls back one applied migration by version, for tests of an
// out-of-order history (a gap below the newest version).
func (m *Migrator) DownVersion(ctx context.Context, version int64) error {
	_, err := m.p.ApplyVersion(ctx, version, false)
	return err
}

// Status lists every known migration, applied or pending, oldest first.
func (m *Migrator) Status(ctx context.Context) ([]Status, error) {
	ss, err := m.p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Status, len(ss))
	for i, s := range ss {
		out[i] = Status{Version: s.Source.Version, Name: baseName(s.Source.Path), Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt}
	}
	return out, nil
}

// Versions returns the database's current version and the newest embedded one.
func (m *Migrator) Versions(ctx context.Context) (current, latest int64, err error) {
	return m.p.GetVersions(ctx)
}

// Unknown lists the applied migrations that this binary does not have,
// oldest first: a newer binary applied them. A binary must not serve such
// a schema nor try to roll it back.
func (m *Migrator) Unknown(ctx context.Context) ([]int64, error) {
	if _, err := m.p.GetDBVersion(ctx); err != nil { // creates the version table on an empty database
		return nil, err
	}
	known := map[int64]bool{}
	for _, s := range m.p.ListSources() {
		known[s.Version] = true
	}
	rows, err := m.db.QueryContext(ctx, "SELECT DISTINCT version_id FROM goose_db_version WHERE version_id > 0 AND is_applied ORDER BY version_id")
	if err != nil {
		return nil, fmt.Errorf("migrate: reading the applied versions: %w", err)
	}
	defer rows.Close()
	var unknown []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		if !known[v] {
			unknown = append(unknown, v)
		}
	}
	return unknown, rows.Err()
}

// Latest is the newest migration this binary knows.
func (m *Migrator) Latest() int64 {
	var latest int64
	for _, s := range m.p.ListSources() {
		latest = max(latest, s.Version)
	}
	return latest
}

// NewerSchemaError is returned when the database has migrations that this
// binary does not know.
type NewerSchemaError struct {
	Unknown []int64 // the applied versions this binary lacks
	Latest  int64   // the newest version this binary knows
}

func (e *NewerSchemaError) Error() string {
	vs := make([]string, len(e.Unknown))
	for i, v := range e.Unknown {
		vs[i] = fmt.Sprint(v)
	}
	return fmt.Sprintf("the database schema is newer than this binary: migration %s applied, this binary knows up to %d; deploy a binary that has migration %s",
		strings.Join(vs, ", "), e.Latest, vs[len(vs)-1])
}

// CheckNotNewer returns a *NewerSchemaError when the database has
// migrations that this binary does not know.
func (m *Migrator) CheckNotNewer(ctx context.Context) error {
	unknown, err := m.Unknown(ctx)
	if err != nil {
		return err
	}
	if len(unknown) > 0 {
		return &NewerSchemaError{Unknown: unknown, Latest: m.Latest()}
	}
	return nil
}

// Pending reports whether any embedded migration is not applied yet.
func (m *Migrator) Pending(ctx context.Context) (bool, error) {
	return m.p.HasPending(ctx)
}

func results(rs []*goose.MigrationResult) []Result {
	out := make([]Result, 0, len(rs))
	for _, r := range rs {
		out = append(out, Result{Version: r.Source.Version, Name: baseName(r.Source.Path), Direction: r.Direction, Duration: r.Duration})
	}
	return out
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}
