package meetpin

import (
	"context"
)

// Engines.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// Store is the whole storage API. The sqlite and postgres packages implement
// it, and meetpintest.RunStore is the contract both must pass.
//
// Errors: every method returns domain errors for what the data decides —
// ENOTFOUND for a missing row (also for an id that is not a valid UUID, and
// when a foreign key names a row that does not exist), ECONFLICT for a
// uniqueness violation, EVALIDATION for a value that breaks a schema
// constraint (length, range, enumeration). The database's constraints hold
// even when the caller skipped validation. Times come back in UTC with
// millisecond precision; callers pass times truncated to the millisecond.
type Store interface {
	Stores

	// Tx runs fn in one transaction: every write fn makes through tx
	// commits together when fn returns nil, and none does when fn returns
	// an error (which Tx returns) or panics. An error of a method of tx
	// must end fn with an error: on PostgreSQL the transaction cannot go
	// on after one. Inside fn use tx only: on SQLite a write through the
	// Store itself waits for the one writer that tx holds. Reads through
	// tx see fn's own writes.
	Tx(ctx context.Context, fn func(tx Tx) error) error

	// Engine names the implementation: EngineSQLite or EnginePostgres.
	Engine() string
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Stats reports connection pool figures for monitoring.
	Stats() PoolStats
	// Close releases the connections.
	Close() error
}

// Tx is the storage API inside one transaction (Store.Tx): every
// aggregate's methods, reads and writes, with the same contracts.
type Tx interface {
	Stores
}

// Stores is every aggregate's storage API, what a Store serves on its own
// and a Tx inside a transaction.
type Stores interface {
	UserStore
	SessionStore
	RoomStore
	RequestStore
	MatchStore
	MessageStore
	HostMessageStore
	NotificationStore
	ReportStore
	BlockStore
	MaintenanceStore
	BoostStore
	TelemetryStore
	AdminStore
}

// PoolStats are connection pool figures.
type PoolStats struct {
	MaxOpen int   `json:"maxOpen"`
	Open    int   `json:"open"`
	InUse   int   `json:"inUse"`
	Idle    int   `json:"idle"`
	Waits   int64 `json:"waitCount"`
}
