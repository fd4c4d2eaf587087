package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"meetpin.app"
	"meetpin.app/backup"
	"meetpin.app/postgres"
	"meetpin.app/sqlite"
)

func cmdRestore(ctx context.Context, e env, args []string) error {
	flags := newFlags(e, "restore", "restore [--force] FILE\n\n"+
		"Restores an archive of `meetpin backup` into the configured database and\n"+
		"MEETPIN_DATA_DIR/media. The whole archive is checked first (checksums, then\n"+
		"SQLite's integrity check or pg_restore --list); nothing is touched when it fails.\n"+
		"The target must be empty (no meetpin.db, no tables in the PostgreSQL database,\n"+
		"no media files) unless --force. Stop the server first; on PostgreSQL, restore into\n"+
		"a new database (createdb) and point DATABASE_URL at it.")
	force := flags.Bool("force", false, "replace a target that is not empty (its database and media are lost)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return errUsage
	}
	file := flags.Arg(0)
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	man, err := backup.Verify(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "archive ok: %s database at schema version %d, %d media files, taken %s by meetpin %s\n",
		man.Engine, man.SchemaVersion, man.MediaFiles(), man.Created.Format("2006-01-02 15:04:05Z"), man.MeetpinVer)
	engine := meetpin.EngineSQLite
	if cfg.Postgres() {
		engine = meetpin.EnginePostgres
	}
	if man.Engine != engine {
		return fmt.Errorf("the archive holds a %s database but the target is %s: restore it with the matching configuration (DATABASE_URL set for PostgreSQL, empty for SQLite)", man.Engine, engine)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("MEETPIN_DATA_DIR %s cannot be created: %v", cfg.DataDir, pathErr(err))
	}
	mediaDir := filepath.Join(cfg.DataDir, "media")
	var notEmpty []string
	if n, err := countFiles(mediaDir); err != nil {
		return err
	} else if n > 0 {
		notEmpty = append(notEmpty, fmt.Sprintf("%s holds %d files", mediaDir, n))
	}

	var pg *postgres.DB
	if cfg.Postgres() {
		if pg, err = postgres.Open(ctx, cfg.DatabaseURL); err != nil {
			return err
		}
		defer pg.Close()
		if empty, err := pg.Empty(ctx); err != nil {
			return err
		} else if !empty {
			notEmpty = append(notEmpty, "the PostgreSQL database has tables")
		}
		if _, err := backup.PGTool("pg_restore"); err != nil {
			return err
		}
	} else if st, err := os.Stat(cfg.SQLitePath()); err == nil && st.Size() > 0 {
		notEmpty = append(notEmpty, cfg.SQLitePath()+" exists")
	}
	if len(notEmpty) > 0 && !*force {
		return fmt.Errorf("the target is not empty (%s): restore into an empty data dir and database, or pass --force to replace them", strings.Join(notEmpty, "; "))
	}

	scratch, err := os.MkdirTemp(cfg.DataDir, ".meetpin-restore-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	if _, err := backup.Extract(file, scratch); err != nil {
		return err
	}
	dbFile := filepath.Join(scratch, filepath.FromSlash(man.Database()))
	if pg != nil {
		if err := backup.PGList(ctx, dbFile); err != nil {
			return fmt.Errorf("the dump in the archive is unreadable: %w", err)
		}
		if len(notEmpty) > 0 {
			if err := pg.DropPublic(ctx); err != nil {
				return fmt.Errorf("emptying the database: %w", err)
			}
		}
		if err := backup.PGRestore(ctx, cfg.DatabaseURL, dbFile); err != nil {
			return err
		}
	} else {
		if err := sqlite.Check(ctx, dbFile); err != nil {
			return err
		}
		for _, suffix := range []string{"-wal", "-shm", ""} {
			if err := os.Remove(cfg.SQLitePath() + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if err := os.Rename(dbFile, cfg.SQLitePath()); err != nil {
			return err
		}
	}
	// The media: the old directory goes to the scratch dir (removed after),
	// the archive's takes its place.
	if err := os.Rename(mediaDir, filepath.Join(scratch, "old-media")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	err = os.Rename(filepath.Join(scratch, "media"), mediaDir)
	if errors.Is(err, fs.ErrNotExist) { // an archive without media files
		err = os.MkdirAll(mediaDir, 0o755)
	}
	if err != nil {
		return err
	}

	store, m, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := m.CheckNotNewer(ctx); err != nil {
		return fmt.Errorf("restored, but %w", err)
	}
	fmt.Fprintf(e.stdout, "restored %s into %s: %d media files; start the server (it applies pending migrations) and clear the cache of other replicas\n",
		file, restoreTarget(cfg.Postgres(), cfg.SQLitePath()), man.MediaFiles())
	return nil
}

func restoreTarget(pg bool, sqlitePath string) string {
	if pg {
		return "the PostgreSQL database of DATABASE_URL"
	}
	return sqlitePath
}

// countFiles counts the regular files under dir (0 when it does not exist).
func countFiles(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll
			}
			return err
		}
		if d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n, err
}
