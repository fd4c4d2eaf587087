package sqlite_test

// The map query benchmark on SQLite; docs/benchmarks.md has the commands,
// the results and their reading.
//
// The data set (MEETPIN_BENCH_ROOMS rooms of seed.GenerateRooms, 20000 by
// default) is generated once and cached as
// $TMPDIR/meetpin-bench/sqlite-rooms<N>-seed<S>.db, so that later runs
// reuse it; delete the file to generate it again. The rooms were generated
// "now" at generation time, so the benchmarks query as of that instant: the
// newest created_at, which is the generation time (seed.GenerateRooms
// clamps the creation of rooms it schedules soon to it).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/seed"
	"meetpin.app/sqlite"
	"meetpin.app/sqlite/sqlitetest"
)

// benchData is the cached data set of this process.
var benchData struct {
	once sync.Once
	path string
	now  time.Time
	err  error
}

// benchStore opens the benchmark data set, generating it first when it is
// not cached yet, and returns the store and the instant to query it at.
func benchStore(tb testing.TB) (*sqlite.DB, time.Time) {
	tb.Helper()
	n := meetpintest.BenchRooms(tb)
	benchData.once.Do(func() {
		benchData.path, benchData.now, benchData.err = benchFile(tb, n)
	})
	if benchData.err != nil {
		tb.Fatalf("benchmark data set: %v", benchData.err)
	}
	return sqlitetest.Open(tb, benchData.path), benchData.now
}

// benchFile returns the path of the cached data set of n rooms, generating
// it when absent or incomplete, with its schema migrated up, and the
// instant it was generated at.
func benchFile(tb testing.TB, n int) (string, time.Time, error) {
	ctx := context.Background()
	dir := filepath.Join(os.TempDir(), "meetpin-bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", time.Time{}, err
	}
	path := filepath.Join(dir, fmt.Sprintf("sqlite-rooms%d-seed%d.db", n, meetpintest.BenchSeed))
	if _, err := os.Stat(path); err == nil {
		if err := migrateUp(ctx, path); err != nil {
			return "", time.Time{}, err
		}
		got, now, err := countAndNow(path)
		if err == nil && got == n {
			tb.Logf("reusing %s (%d rooms, generated at %s)", path, n, now.Format(time.RFC3339))
			return path, now, nil
		}
		tb.Logf("regenerating %s: it holds %d rooms, want %d (%v)", path, got, n, err)
		removeDB(path)
	}

	// Generate under a temporary name, renamed once complete.
	tmp := fmt.Sprintf("%s.tmp%d", path, os.Getpid())
	removeDB(tmp)
	defer removeDB(tmp)
	start := time.Now()
	db, err := sqlite.Open(tmp)
	if err != nil {
		return "", time.Time{}, err
	}
	m, err := db.Migrator()
	if err == nil {
		_, err = m.Up(ctx)
	}
	var up int
	if err == nil {
		up, err = seed.GenerateRooms(ctx, db, n, seed.GenOptions{Now: time.Now(), Seed: meetpintest.BenchSeed, Batch: 10000})
	}
	if err = errors.Join(err, db.Close()); err != nil {
		return "", time.Time{}, err
	}
	// Fold the write-ahead log into the file before renaming it.
	raw, err := sql.Open("sqlite", "file:"+url.PathEscape(tmp))
	if err != nil {
		return "", time.Time{}, err
	}
	_, err = raw.Exec(`PRAGMA journal_mode=DELETE`)
	if err = errors.Join(err, raw.Close()); err != nil {
		return "", time.Time{}, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", time.Time{}, err
	}
	_, now, err := countAndNow(path)
	tb.Logf("generated %s: %d rooms (%d upcoming) in %s", path, n, up, time.Since(start).Round(time.Millisecond))
	return path, now, err
}

func migrateUp(ctx context.Context, path string) error {
	db, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	m, err := db.Migrator()
	if err == nil {
		_, err = m.Up(ctx)
	}
	return errors.Join(err, db.Close())
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// rawDB opens the file read-only through database/sql, for the statements
// the store does not offer (EXPLAIN, the rebuilt ListRooms SQL). Closed
// when the test ends.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// countAndNow returns the number of rooms and the newest created_at.
func countAndNow(path string) (int, time.Time, error) {
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?_pragma=query_only(1)")
	if err != nil {
		return 0, time.Time{}, err
	}
	defer db.Close()
	var n int
	var newest sql.NullInt64
	err = db.QueryRow(`SELECT count(*), max(created_at) FROM rooms`).Scan(&n, &newest)
	return n, time.UnixMilli(newest.Int64).UTC(), err
}

// BenchmarkListRoomsBBox times DB.ListRooms, the map query, on the data
// set for every meetpintest.BenchQueries query.
func BenchmarkListRoomsBBox(b *testing.B) {
	db, now := benchStore(b)
	meetpintest.BenchListRooms(b, db, now)
}

// BenchmarkListRoomsBBoxParts times the two statements of ListRooms apart,
// by the SQL listSQL rebuilds: is it the count or the page that costs?
func BenchmarkListRoomsBBoxParts(b *testing.B) {
	_, now := benchStore(b)
	db := rawDB(b, benchData.path)
	db.SetMaxOpenConns(1)
	meetpintest.BenchParts(b, now,
		func(ctx context.Context, f meetpin.RoomFilter) error {
			q := listSQL(f)
			var n int
			return db.QueryRowContext(ctx, q.count, q.args...).Scan(&n)
		},
		func(ctx context.Context, f meetpin.RoomFilter) error {
			q := listSQL(f)
			rows, err := db.QueryContext(ctx, q.page, q.pageArgs...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		})
}

// TestListRoomsBBoxPlan prints the plans SQLite chooses for the two
// statements of ListRooms on the benchmark data set and checks that both
// read rooms_map_idx. It runs only when MEETPIN_BENCH_ROOMS is set:
//
//	MEETPIN_BENCH_ROOMS=1000000 go test -run TestListRoomsBBoxPlan -v ./sqlite
//
// The statements are rebuilt by listSQL, a copy of the SQL of
// sqlite/room.go; the test first checks that they return what ListRooms
// returns, so that a drifting copy fails here rather than explaining a
// query the store no longer runs.
func TestListRoomsBBoxPlan(t *testing.T) {
	if os.Getenv(meetpintest.EnvBenchRooms) == "" {
		t.Skipf("set %s to explain the map query on a benchmark data set", meetpintest.EnvBenchRooms)
	}
	store, now := benchStore(t)
	db := rawDB(t, benchData.path)
	var version string
	if err := db.QueryRow(`SELECT sqlite_version()`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	t.Logf("SQLite %s, %d rooms, now %s", version, meetpintest.BenchRooms(t), now.Format(time.RFC3339))
	for _, bq := range meetpintest.BenchQueries(now) {
		if strings.HasSuffix(bq.Name, "limit=100") {
			continue // the same plans as limit=20
		}
		t.Run(bq.Name, func(t *testing.T) {
			q := listSQL(bq.Filter)
			checkRebuilt(t, store, db, bq.Filter, q)
			for _, s := range []struct{ name, sql string }{{"count", q.count}, {"page", q.page}} {
				args := q.args
				if s.name == "page" {
					args = q.pageArgs
				}
				plan := explainQueryPlan(t, db, s.sql, args)
				t.Logf("%s query plan:\n%s", s.name, plan)
				if !strings.Contains(plan, "rooms_map_idx") {
					t.Errorf("the %s query does not use rooms_map_idx", s.name)
				}
			}
		})
	}
}

// checkRebuilt fails the test unless the rebuilt statements give the
// total and the page of rooms that ListRooms gives.
func checkRebuilt(t *testing.T, store *sqlite.DB, db *sql.DB, f meetpin.RoomFilter, q listStatements) {
	t.Helper()
	rooms, total, err := store.ListRooms(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(q.count, q.args...).Scan(&n); err != nil {
		t.Fatalf("rebuilt count: %v", err)
	}
	rows, err := db.Query(q.page, q.pageArgs...)
	if err != nil {
		t.Fatalf("rebuilt page: %v", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		vals := make([]any, 21)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, vals[0].(string))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range rooms {
		want = append(want, r.ID)
	}
	if n != total || !slices.Equal(ids, want) {
		t.Fatalf("the rebuilt SQL drifted from sqlite/room.go: count %d, page %v; ListRooms: total %d, page %v", n, ids, total, want)
	}
	t.Logf("matched %d rooms, page of %d", total, len(rooms))
}

// explainQueryPlan returns the EXPLAIN QUERY PLAN of query as an indented
// tree.
func explainQueryPlan(t *testing.T, db *sql.DB, query string, args []any) string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("EXPLAIN QUERY PLAN: %v", err)
	}
	defer rows.Close()
	depth := map[int]int{0: 0}
	var out strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		depth[id] = depth[parent] + 1
		fmt.Fprintf(&out, "%s%s\n", strings.Repeat("  ", depth[id]), detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// listStatements are the two statements of ListRooms for one filter.
type listStatements struct {
	count, page    string
	args, pageArgs []any
}

// listSQL rebuilds the SQL of DB.ListRooms (sqlite/room.go) for f: a copy
// of its text, kept here so that the store exports nothing for the
// benchmarks. checkRebuilt catches a drift.
func listSQL(f meetpin.RoomFilter) listStatements {
	const roomSelect = `SELECT r.id, r.host_uid, r.title, r.category, r.lat, r.lng, r.place_text, r.start_at,
	r.max_people, r.fee, r.visibility, r.description, r.status, r.boost_until, r.created_at, r.updated_at,
	p.nickname, p.avatar_url, p.age_range, p.intro,
	1 + (SELECT count(*) FROM requests q WHERE q.room_id = r.id AND q.status = 'accepted')
	FROM rooms r JOIN profiles p ON p.uid = r.host_uid`
	where := []string{`r.visibility = 'public'`, `r.status = 'active'`, `r.start_at >= ?`, `r.lat BETWEEN ? AND ?`}
	args := []any{f.Now.UnixMilli(), f.BBox.South, f.BBox.North}
	if f.BBox.CrossesAntimeridian() {
		where = append(where, `(r.lng >= ? OR r.lng <= ?)`)
	} else {
		where = append(where, `r.lng BETWEEN ? AND ?`)
	}
	args = append(args, f.BBox.West, f.BBox.East)
	if f.Category != "" {
		where = append(where, `r.category = ?`)
		args = append(args, f.Category)
	}
	if f.ViewerID != "" {
		where = append(where, `NOT EXISTS (SELECT 1 FROM blocked_users b
			WHERE (b.blocker_uid = ? AND b.blocked_uid = r.host_uid) OR (b.blocker_uid = r.host_uid AND b.blocked_uid = ?))`)
		args = append(args, f.ViewerID, f.ViewerID)
	}
	cond := strings.Join(where, " AND ")
	now := f.Now.UnixMilli()
	return listStatements{
		count: `SELECT count(*) FROM rooms r WHERE ` + cond,
		page: roomSelect + ` WHERE ` + cond + `
		ORDER BY (r.boost_until IS NOT NULL AND r.boost_until > ?) DESC,
			CASE WHEN r.boost_until > ? THEN r.boost_until END DESC,
			r.created_at DESC, r.id
		LIMIT ? OFFSET ?`,
		args:     args,
		pageArgs: append(slices.Clone(args), now, now, f.Limit, f.Offset),
	}
}
