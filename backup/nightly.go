package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"meetpin.app/cron"
)

// JobName is the nightly backup's cron job.
const JobName = "backup"

// archivePrefix and archiveSuffix frame the names Nightly writes and prunes.
const (
	archivePrefix = "meetpin-"
	archiveSuffix = ".tar.gz"
)

// ArchiveName is the file name of the nightly archive taken at t.
func ArchiveName(t time.Time) string {
	return archivePrefix + t.UTC().Format("20060102T150405Z") + archiveSuffix
}

// Nightly is the cron job that writes an archive into dir once a day (the
// slot starts at 00:00 UTC) and then keeps only the newest keep archives.
// source is called at each run, for the schema version of that moment.
func Nightly(dir string, keep int, source func(ctx context.Context) (Source, error)) cron.Job {
	return cron.Job{Name: JobName, Interval: 24 * time.Hour, Timeout: time.Hour, Run: func(ctx context.Context, now time.Time) (cron.Result, error) {
		src, err := source(ctx)
		if err != nil {
			return cron.Result{}, err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return cron.Result{}, fmt.Errorf("backup dir: %w", err)
		}
		file := filepath.Join(dir, ArchiveName(now))
		m, err := Write(ctx, file, src)
		if err != nil {
			return cron.Result{}, err
		}
		st, err := os.Stat(file)
		if err != nil {
			return cron.Result{}, err
		}
		removed, err := Prune(dir, keep)
		return cron.Result{Count: 1, Detail: map[string]any{
			"file": file, "bytes": st.Size(), "schema_version": m.SchemaVersion, "media_files": m.MediaFiles(), "pruned": removed,
		}}, err
	}}
}

// Prune deletes all but the newest keep nightly archives in dir (by the
// time in their names) and returns the names it deleted. Other files are
// left alone.
func Prune(dir string, keep int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, archivePrefix) && strings.HasSuffix(n, archiveSuffix) {
			names = append(names, n)
		}
	}
	sort.Strings(names) // the names hold a fixed-width UTC time
	removed := []string{}
	for len(names) > max(keep, 1) {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			return removed, err
		}
		removed, names = append(removed, names[0]), names[1:]
	}
	return removed, nil
}
