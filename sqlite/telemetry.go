package sqlite

import (
	"context"
	"database/sql"
	"time"

	"meetpin"
)

// RecordCSPViolations implements meetpin.TelemetryStore: one upsert per
// distinct counter, in one transaction.
func (db *DB) RecordCSPViolations(ctx context.Context, vs []meetpin.CSPViolation) error {
	if len(vs) == 0 {
		return nil
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, c := range meetpin.CountCSPViolations(vs) {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO csp_reports (directive, blocked_uri, document_path, count, first_seen, last_seen)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (directive, blocked_uri, document_path) DO UPDATE SET
					count = count + excluded.count,
					first_seen = min(first_seen, excluded.first_seen),
					last_seen = max(last_seen, excluded.last_seen)`,
				c.Directive, c.BlockedURI, c.DocumentPath, c.Count, ms(c.FirstSeen), ms(c.LastSeen)); err != nil {
				return err
			}
		}
		return nil
	})
	return mapErr(err, "not found")
}

// CSPSummary implements meetpin.TelemetryStore. The totals come from window
// functions over the groups; both queries run in one read transaction, so
// they see one snapshot (WAL).
func (db *DB) CSPSummary(ctx context.Context, limit int) (*meetpin.CSPSummary, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sum := &meetpin.CSPSummary{Top: []meetpin.CSPViolationCount{}, Pages: []meetpin.CSPPageCount{}}
	rows, err := tx.QueryContext(ctx, `
		SELECT directive, blocked_uri, SUM(count) AS n, COUNT(*), MIN(first_seen), MAX(last_seen),
			SUM(SUM(count)) OVER (), COUNT(*) OVER ()
		FROM csp_reports
		GROUP BY directive, blocked_uri
		ORDER BY n DESC, directive, blocked_uri
		LIMIT ?`, max(limit, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c meetpin.CSPViolationCount
		var first, last int64
		if err := rows.Scan(&c.Directive, &c.BlockedURI, &c.Count, &c.Pages, &first, &last, &sum.Total, &sum.Groups); err != nil {
			return nil, err
		}
		c.FirstSeen, c.LastSeen = fromMS(first), fromMS(last)
		sum.Top = append(sum.Top, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `
		SELECT document_path, SUM(count) AS n FROM csp_reports
		GROUP BY document_path ORDER BY n DESC, document_path LIMIT ?`, max(limit, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p meetpin.CSPPageCount
		if err := rows.Scan(&p.DocumentPath, &p.Count); err != nil {
			return nil, err
		}
		sum.Pages = append(sum.Pages, p)
	}
	return sum, rows.Err()
}

// DeleteCSPViolationsBefore implements meetpin.TelemetryStore.
func (db *DB) DeleteCSPViolationsBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM csp_reports WHERE last_seen < ?`, ms(t))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// RecordWebVitals implements meetpin.TelemetryStore.
func (db *DB) RecordWebVitals(ctx context.Context, vs []meetpin.WebVital) error {
	if len(vs) == 0 {
		return nil
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO web_vitals (metric, value, page_path, rating, created_at) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, v := range vs {
			if _, err := stmt.ExecContext(ctx, v.Metric, v.Value, v.Path, v.Rating, ms(v.At)); err != nil {
				return err
			}
		}
		return nil
	})
	return mapErr(err, "not found")
}

// WebVitalsSummary implements meetpin.TelemetryStore; postgres/telemetry.go
// runs the same query.
func (db *DB) WebVitalsSummary(ctx context.Context, since time.Time) ([]meetpin.WebVitalStat, error) {
	rows, err := db.read.QueryContext(ctx, webVitalsSummarySQL("?"), ms(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []meetpin.WebVitalStat{}
	for rows.Next() {
		var s meetpin.WebVitalStat
		if err := rows.Scan(&s.Metric, &s.Path, &s.Count, &s.P75, &s.Good, &s.Poor); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return meetpin.CompleteWebVitalStats(out), nil
}

// DeleteWebVitalsBefore implements meetpin.TelemetryStore.
func (db *DB) DeleteWebVitalsBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM web_vitals WHERE created_at < ?`, ms(t))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// webVitalsSummarySQL ranks the samples since $since per (metric, page)
// and per metric, and keeps the nearest-rank 75th percentile row of each
// group: rank ceil(3n/4) = (3n+3)/4 in integer arithmetic. It picks a
// stored sample rather than interpolating, so both engines give the same
// value to the bit.
func webVitalsSummarySQL(since string) string {
	return `
		WITH s AS (
			SELECT metric, page_path, value, rating FROM web_vitals WHERE created_at >= ` + since + `
		), ranked AS (
			SELECT metric, page_path, value,
				ROW_NUMBER() OVER (PARTITION BY metric, page_path ORDER BY value) AS rn,
				COUNT(*) OVER w AS n,
				SUM(CASE WHEN rating = 'good' THEN 1 ELSE 0 END) OVER w AS good,
				SUM(CASE WHEN rating = 'poor' THEN 1 ELSE 0 END) OVER w AS poor
			FROM s WINDOW w AS (PARTITION BY metric, page_path)
			UNION ALL
			SELECT metric, '', value,
				ROW_NUMBER() OVER (PARTITION BY metric ORDER BY value),
				COUNT(*) OVER w,
				SUM(CASE WHEN rating = 'good' THEN 1 ELSE 0 END) OVER w,
				SUM(CASE WHEN rating = 'poor' THEN 1 ELSE 0 END) OVER w
			FROM s WINDOW w AS (PARTITION BY metric)
		)
		SELECT metric, page_path, n, value, good, poor FROM ranked WHERE rn = (3 * n + 3) / 4`
}
