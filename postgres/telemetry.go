package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// RecordCSPViolations implements meetpin.TelemetryStore: one upsert per
// distinct counter, in one transaction. The counters come sorted by key,
// so concurrent reports lock their rows in the same order and cannot
// deadlock; ON CONFLICT makes each increment atomic.
func (db *DB) RecordCSPViolations(ctx context.Context, vs []meetpin.CSPViolation) error {
	if len(vs) == 0 {
		return nil
	}
	err := db.atomic(ctx, func(tx pgx.Tx) error {
		for _, c := range meetpin.CountCSPViolations(vs) {
			if _, err := tx.Exec(ctx, `
				INSERT INTO csp_reports (directive, blocked_uri, document_path, count, first_seen, last_seen)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (directive, blocked_uri, document_path) DO UPDATE SET
					count = csp_reports.count + excluded.count,
					first_seen = LEAST(csp_reports.first_seen, excluded.first_seen),
					last_seen = GREATEST(csp_reports.last_seen, excluded.last_seen)`,
				c.Directive, c.BlockedURI, c.DocumentPath, c.Count, ms(c.FirstSeen), ms(c.LastSeen)); err != nil {
				return err
			}
		}
		return nil
	})
	return dbError(err, "csp report")
}

// CSPSummary implements meetpin.TelemetryStore. Both queries run in one
// REPEATABLE READ transaction, so they see one snapshot; ties sort in byte
// order (COLLATE "C"), as SQLite's BINARY collation does.
func (db *DB) CSPSummary(ctx context.Context, limit int) (*meetpin.CSPSummary, error) {
	sum := &meetpin.CSPSummary{}
	err := pgx.BeginTxFunc(ctx, db.pgpool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT directive, blocked_uri, SUM(count)::bigint AS n, COUNT(*), MIN(first_seen), MAX(last_seen),
				(SUM(SUM(count)) OVER ())::bigint, COUNT(*) OVER ()
			FROM csp_reports
			GROUP BY directive, blocked_uri
			ORDER BY n DESC, directive COLLATE "C", blocked_uri COLLATE "C"
			LIMIT $1`, max(limit, 1))
		sum.Top, err = collect(rows, err, func(row pgx.Row) (meetpin.CSPViolationCount, error) {
			var c meetpin.CSPViolationCount
			err := row.Scan(&c.Directive, &c.BlockedURI, &c.Count, &c.Pages, &c.FirstSeen, &c.LastSeen, &sum.Total, &sum.Groups)
			c.FirstSeen, c.LastSeen = ms(c.FirstSeen), ms(c.LastSeen)
			return c, err
		})
		if err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `
			SELECT document_path, SUM(count)::bigint AS n FROM csp_reports
			GROUP BY document_path ORDER BY n DESC, document_path COLLATE "C" LIMIT $1`, max(limit, 1))
		sum.Pages, err = collect(rows, err, func(row pgx.Row) (meetpin.CSPPageCount, error) {
			var p meetpin.CSPPageCount
			err := row.Scan(&p.DocumentPath, &p.Count)
			return p, err
		})
		return err
	})
	if err != nil {
		return nil, dbError(err, "csp summary")
	}
	return sum, nil
}

// DeleteCSPViolationsBefore implements meetpin.TelemetryStore.
func (db *DB) DeleteCSPViolationsBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM csp_reports WHERE last_seen < $1`, ms(t))
	if err != nil {
		return 0, dbError(err, "csp reports")
	}
	return tag.RowsAffected(), nil
}

// RecordWebVitals implements meetpin.TelemetryStore: one INSERT of every
// sample, so all or none are stored.
func (db *DB) RecordWebVitals(ctx context.Context, vs []meetpin.WebVital) error {
	if len(vs) == 0 {
		return nil
	}
	metrics, paths, ratings := make([]string, len(vs)), make([]string, len(vs)), make([]string, len(vs))
	values, ats := make([]float64, len(vs)), make([]time.Time, len(vs))
	for i, v := range vs {
		metrics[i], values[i], paths[i], ratings[i], ats[i] = v.Metric, v.Value, v.Path, v.Rating, ms(v.At)
	}
	_, err := db.pool.Exec(ctx, `
		INSERT INTO web_vitals (metric, value, page_path, rating, created_at)
		SELECT * FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[], $5::timestamptz[])`,
		metrics, values, paths, ratings, ats)
	return dbError(err, "web vitals")
}

// WebVitalsSummary implements meetpin.TelemetryStore like sqlite does: it
// reads the window's samples and leaves the percentiles to
// meetpin.WebVitalSummarizer, so both engines agree to the bit.
func (db *DB) WebVitalsSummary(ctx context.Context, since time.Time) ([]meetpin.WebVitalStat, error) {
	rows, err := db.pool.Query(ctx, `SELECT metric, page_path, value, rating FROM web_vitals WHERE created_at >= $1`, ms(since))
	if err != nil {
		return nil, dbError(err, "web vitals summary")
	}
	defer rows.Close()
	var z meetpin.WebVitalSummarizer
	var metric, path, rating string
	var value float64
	for rows.Next() {
		if err := rows.Scan(&metric, &path, &value, &rating); err != nil {
			return nil, dbError(err, "web vitals summary")
		}
		z.Add(metric, path, value, rating)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err, "web vitals summary")
	}
	return z.Stats(), nil
}

// DeleteWebVitalsBefore implements meetpin.TelemetryStore.
func (db *DB) DeleteWebVitalsBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM web_vitals WHERE created_at < $1`, ms(t))
	if err != nil {
		return 0, dbError(err, "web vitals")
	}
	return tag.RowsAffected(), nil
}
