// Package backup writes and checks meetpin's backup archives. An archive is
// one gzipped tar holding the database (a SQLite snapshot taken with VACUUM
// INTO, or a pg_dump custom-format file), the media directory, and last a
// manifest.json with the engine, the schema version and each file's size
// and SHA-256, so that a damaged or truncated archive is refused before
// anything is restored from it.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Format is the archive format version this package writes and reads.
const Format = 1

// Names inside an archive.
const (
	ManifestName = "manifest.json"
	SQLiteName   = "db/meetpin.db"
	PGDumpName   = "db/meetpin.pgdump"
	mediaPrefix  = "media/"
)

// Manifest describes an archive.
type Manifest struct {
	Format        int       `json:"format"`
	Engine        string    `json:"engine"` // meetpin.EngineSQLite or meetpin.EnginePostgres
	SchemaVersion int64     `json:"schema_version"`
	MeetpinVer    string    `json:"meetpin_version"`
	Created       time.Time `json:"created"`
	Files         []File    `json:"files"`
}

// File is one file of an archive.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Database returns the name of the database file in the archive.
func (m Manifest) Database() string {
	for _, f := range m.Files {
		if strings.HasPrefix(f.Name, "db/") {
			return f.Name
		}
	}
	return ""
}

// MediaFiles counts the media files.
func (m Manifest) MediaFiles() int {
	n := 0
	for _, f := range m.Files {
		if strings.HasPrefix(f.Name, mediaPrefix) {
			n++
		}
	}
	return n
}

// Source is what Write archives.
type Source struct {
	Engine        string
	SchemaVersion int64
	MeetpinVer    string
	// Dump writes a consistent copy of the database to path (which does not
	// exist yet); the name ends in .db for SQLite, .pgdump for PostgreSQL.
	Dump func(ctx context.Context, path string) error
	// MediaDir is the uploaded files' directory; it may not exist.
	MediaDir string
}

// Write writes an archive of src to file, atomically: a partial archive
// never has the final name. The database is copied first and the media
// after, so every file the copied rows name is in the archive.
func Write(ctx context.Context, file string, src Source) (Manifest, error) {
	m := Manifest{Format: Format, Engine: src.Engine, SchemaVersion: src.SchemaVersion, MeetpinVer: src.MeetpinVer, Created: time.Now().UTC()}
	dir := filepath.Dir(file)
	work, err := os.MkdirTemp(dir, ".meetpin-backup-*")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)
	dbName := SQLiteName
	if src.Engine == "postgres" {
		dbName = PGDumpName
	}
	dbCopy := filepath.Join(work, path.Base(dbName))
	if err := src.Dump(ctx, dbCopy); err != nil {
		return m, err
	}
	tmp, err := os.CreateTemp(dir, ".meetpin-backup-*.tar.gz")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename: no such file
	defer tmp.Close()
	gz := gzip.NewWriter(tmp)
	tw := tar.NewWriter(gz)
	add := func(name, src string) error {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(tw, h), f)
		if err != nil {
			return err
		}
		if n != st.Size() {
			return fmt.Errorf("%s changed size while being archived", src)
		}
		m.Files = append(m.Files, File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	}
	if err := add(dbName, dbCopy); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if src.MediaDir != "" {
		err := filepath.WalkDir(src.MediaDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == src.MediaDir {
					return fs.SkipAll
				}
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != src.MediaDir { // files being written (.name.tmp)
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			rel, err := filepath.Rel(src.MediaDir, p)
			if err != nil {
				return err
			}
			if err := add(mediaPrefix+filepath.ToSlash(rel), p); errors.Is(err, fs.ErrNotExist) {
				return nil // deleted meanwhile
			} else {
				return err
			}
		})
		if err != nil {
			return m, fmt.Errorf("backup: media: %w", err)
		}
	}
	mb, _ := json.MarshalIndent(m, "", "  ")
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(mb)), ModTime: m.Created, Typeflag: tar.TypeReg}); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(mb); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	for _, c := range []io.Closer{tw, gz} {
		if err := c.Close(); err != nil {
			return m, fmt.Errorf("backup: %w", err)
		}
	}
	if err := tmp.Sync(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// ErrDamaged wraps every reason an archive is refused.
var ErrDamaged = errors.New("the archive is damaged or not a meetpin backup")

// Verify reads the whole archive and checks every file against the
// manifest. It returns the manifest; extracting nothing.
func Verify(file string) (Manifest, error) {
	return read(file, "")
}

// Extract verifies the archive while writing its files under dir (which
// must exist and be empty). On any error dir may hold partial files: the
// caller extracts into a scratch directory and moves the result.
func Extract(file, dir string) (Manifest, error) {
	return read(file, dir)
}

func read(file, dir string) (Manifest, error) {
	var m Manifest
	damaged := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrDamaged, fmt.Sprintf(format, args...))
	}
	f, err := os.Open(file)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return m, damaged("not gzip (%v)", err)
	}
	tr := tar.NewReader(gz)
	seen := map[string]File{}
	var manifest []byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, damaged("%v", err)
		}
		name := h.Name
		if h.Typeflag != tar.TypeReg || !fs.ValidPath(name) || (name != ManifestName && name != SQLiteName && name != PGDumpName && !strings.HasPrefix(name, mediaPrefix)) {
			return m, damaged("unexpected entry %q", name)
		}
		if manifest != nil {
			return m, damaged("%s is not the last entry", ManifestName)
		}
		if name == ManifestName {
			if manifest, err = io.ReadAll(io.LimitReader(tr, 64<<20)); err != nil {
				return m, damaged("%v", err)
			}
			continue
		}
		hash := sha256.New()
		w := io.Writer(hash)
		var out *os.File
		if dir != "" {
			target := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return m, err
			}
			if out, err = os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); err != nil {
				return m, err
			}
			w = io.MultiWriter(hash, out)
		}
		n, err := io.Copy(w, tr)
		if out != nil {
			if cerr := out.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return m, damaged("%s: %v", name, err)
		}
		seen[name] = File{Name: name, Size: n, SHA256: hex.EncodeToString(hash.Sum(nil))}
	}
	if manifest == nil {
		return m, damaged("no %s (truncated?)", ManifestName)
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		return m, damaged("%s: %v", ManifestName, err)
	}
	if m.Format != Format {
		return m, fmt.Errorf("%w: format %d, this binary reads format %d", ErrDamaged, m.Format, Format)
	}
	want := SQLiteName
	if m.Engine == "postgres" {
		want = PGDumpName
	}
	if m.Database() != want {
		return m, damaged("engine %q without %s", m.Engine, want)
	}
	if len(seen) != len(m.Files) {
		return m, damaged("%d files, the manifest lists %d", len(seen), len(m.Files))
	}
	for _, mf := range m.Files {
		if got, ok := seen[mf.Name]; !ok || got != mf {
			return m, damaged("%s does not match its checksum", mf.Name)
		}
	}
	return m, nil
}
