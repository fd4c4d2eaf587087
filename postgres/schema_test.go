package postgres_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"meetpin.app/postgres/postgrestest"
	"meetpin.app/sqlite/sqlitetest"
)

// TestSchemaMatchesSQLite checks that the PostgreSQL migrations build the
// twin of the SQLite schema, the source of truth: the same tables and
// columns with the same nullability, the same named indexes, unique
// constraints, and foreign keys with the same ON DELETE action.
func TestSchemaMatchesSQLite(t *testing.T) {
	t.Parallel()
	pg := postgrestest.New(t)
	lite, err := sql.Open("sqlite", sqlitetest.New(t).Path())
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()

	for _, part := range []struct{ name, sqlite, postgres string }{
		{"columns", `
			SELECT m.name || '.' || c.name || CASE WHEN c."notnull" OR c.pk > 0 THEN ' not null' ELSE '' END
			FROM sqlite_master m, pragma_table_info(m.name) c
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`, `
			SELECT table_name || '.' || column_name || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END
			FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`},
		{"indexes", `
			SELECT tbl_name || '.' || name FROM sqlite_master
			WHERE type = 'index' AND sql IS NOT NULL`, `
			SELECT i.tablename || '.' || i.indexname FROM pg_indexes i
			WHERE i.schemaname = 'public' AND i.tablename <> 'goose_db_version'
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`},
		{"unique constraints", `
			SELECT m.name || ' (' || (SELECT group_concat(name, ', ') FROM (SELECT c.name FROM pragma_index_info(l.name) c ORDER BY c.name)) || ')'
			FROM sqlite_master m, pragma_index_list(m.name) l
			WHERE m.type = 'table' AND m.name <> 'goose_db_version' AND l.origin = 'u'`, `
			SELECT c.conrelid::regclass::text || ' (' || (SELECT string_agg(a.attname, ', ' ORDER BY a.attname)
				FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)) || ')'
			FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
			WHERE c.contype = 'u' AND n.nspname = 'public'`},
		{"foreign keys", `
			SELECT m.name || '.' || f."from" || ' -> ' || f."table" || '.' || f."to" || ' on delete ' || lower(f.on_delete)
			FROM sqlite_master m, pragma_foreign_key_list(m.name) f
			WHERE m.type = 'table'`, `
			SELECT c.conrelid::regclass::text || '.' || a.attname || ' -> ' || c.confrelid::regclass::text || '.' || fa.attname || ' on delete ' ||
				CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'a' THEN 'no action' ELSE c.confdeltype::text END
			FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
			WHERE c.contype = 'f' AND n.nspname = 'public'`},
	} {
		want := sqliteStrings(t, lite, part.sqlite)
		rows, err := pg.Pool().Query(t.Context(), part.postgres)
		if err != nil {
			t.Fatalf("%s: %v", part.name, err)
		}
		var got []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s differ\nsqlite:\n  %s\npostgres:\n  %s", part.name, strings.Join(want, "\n  "), strings.Join(got, "\n  "))
		}
	}
}

// sqliteStrings runs a query of one text column and returns its rows sorted.
func sqliteStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
