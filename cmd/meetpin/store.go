package main

import (
	"context"
	"fmt"
	"os"

	"meetpin.app"
	"meetpin.app/config"
	"meetpin.app/migrate"
	"meetpin.app/postgres"
	"meetpin.app/sqlite"
)

// loadConfig reads the configuration; every bad variable is one line.
func loadConfig(e env) (config.Config, error) {
	return config.Load(e.getenv)
}

// openStore opens the configured engine and its migrator.
func openStore(ctx context.Context, cfg config.Config) (meetpin.Store, *migrate.Migrator, error) {
	if cfg.Postgres() {
		db, err := postgres.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, nil, err
		}
		m, err := db.Migrator()
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		return db, m, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("MEETPIN_DATA_DIR %s cannot be created: %v", cfg.DataDir, pathErr(err))
	}
	db, err := sqlite.Open(cfg.SQLitePath())
	if err != nil {
		return nil, nil, err
	}
	m, err := db.Migrator()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, m, nil
}

// pathErr drops the path an *os.PathError repeats.
func pathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
