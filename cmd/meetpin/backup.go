package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"meetpin.app"
	"meetpin.app/backup"
	"meetpin.app/buildinfo"
	"meetpin.app/config"
	"meetpin.app/migrate"
	"meetpin.app/sqlite"
)

func cmdBackup(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "backup", "backup FILE\n\n"+
		"Writes one archive (.tar.gz) of the database and the media directory, safe while\n"+
		"the server runs: SQLite is copied with VACUUM INTO (one consistent snapshot),\n"+
		"PostgreSQL with pg_dump --format=custom (found on PATH or in\n"+
		"/usr/lib/postgresql/*/bin). The archive ends with a manifest of checksums that\n"+
		"`meetpin restore` checks first. FILE is written atomically and must not exist.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	file := fs.Arg(0)
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s exists: choose a new file name", file)
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	if !cfg.Postgres() {
		if _, err := os.Stat(cfg.SQLitePath()); err != nil {
			return fmt.Errorf("no database at %s: check MEETPIN_DATA_DIR", cfg.SQLitePath())
		}
	}
	store, m, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	src, err := backupSource(ctx, cfg, store, m)
	if err != nil {
		return err
	}
	start := time.Now()
	man, err := backup.Write(ctx, file, src)
	if err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: %s database at schema version %d, %d media files, %d bytes, in %s\n",
		file, man.Engine, man.SchemaVersion, man.MediaFiles(), st.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

// backupSource is what an archive of this deployment holds: the database,
// copied the engine's way, and the media directory.
func backupSource(ctx context.Context, cfg config.Config, store meetpin.Store, m *migrate.Migrator) (backup.Source, error) {
	current, _, err := m.Versions(ctx)
	if err != nil {
		return backup.Source{}, fmt.Errorf("reading the schema version: %w", err)
	}
	src := backup.Source{Engine: store.Engine(), SchemaVersion: current, MeetpinVer: buildinfo.Version,
		MediaDir: filepath.Join(cfg.DataDir, "media")}
	switch db := store.(type) {
	case *sqlite.DB:
		src.Dump = db.Snapshot
	default:
		if _, err := backup.PGTool("pg_dump"); err != nil {
			return src, err
		}
		dbURL := cfg.DatabaseURL
		src.Dump = func(ctx context.Context, path string) error { return backup.PGDump(ctx, dbURL, path) }
	}
	if src.Dump == nil {
		return src, errors.New("no backup method for this engine")
	}
	return src, nil
}
