package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// PGTool finds a PostgreSQL client program (pg_dump, pg_restore) on PATH,
// else in the newest /usr/lib/postgresql/*/bin (Debian's layout).
func PGTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH nor in /usr/lib/postgresql/*/bin: install the PostgreSQL client (Debian: apt-get install postgresql-client), the same major version as the server or newer", name)
}

func pgMajor(dir string) int {
	var n int
	if _, err := fmt.Sscanf(filepath.Base(filepath.Dir(dir)), "%d", &n); err != nil {
		return 0
	}
	return n
}

// libpqArgs turns a DATABASE_URL into a connection string for libpq's
// tools: the password moves to PGPASSWORD (not on the command line, where
// ps shows it) and pgx-only parameters (pool_*) are dropped.
func libpqArgs(dbURL string) (conn string, env []string, err error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", nil, errors.New("DATABASE_URL is not a valid URL")
	}
	env = os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), env, nil
}

// runPG runs a PostgreSQL tool; a failure carries the tool's own message.
func runPG(ctx context.Context, tool string, env []string, args ...string) error {
	bin, err := PGTool(tool)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		return fmt.Errorf("%s failed (%v): %s", tool, err, msg)
	}
	return nil
}

// PGDump writes the database of dbURL to path in pg_dump's custom format,
// without owners or privileges, so that it restores into any database.
func PGDump(ctx context.Context, dbURL, path string) error {
	conn, env, err := libpqArgs(dbURL)
	if err != nil {
		return err
	}
	return runPG(ctx, "pg_dump", env, "--format=custom", "--no-owner", "--no-privileges", "--file="+path, "--dbname="+conn)
}

// PGRestore loads a custom-format dump into the database of dbURL, in one
// transaction: it loads all or nothing.
func PGRestore(ctx context.Context, dbURL, path string) error {
	conn, env, err := libpqArgs(dbURL)
	if err != nil {
		return err
	}
	return runPG(ctx, "pg_restore", env, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname="+conn, path)
}

// PGList checks that path is a dump pg_restore can read.
func PGList(ctx context.Context, path string) error {
	return runPG(ctx, "pg_restore", os.Environ(), "--list", path)
}
