package sqlite

import (
	"context"
	"database/sql"
	"time"

	"meetpin.app"
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
	tx, err := db.rpool.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
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

// WebVitalsSummary implements meetpin.TelemetryStore: it reads the
// window's samples and leaves the percentiles to meetpin.WebVitalSummarizer,
// as postgres does. (Window functions in SQL took several times longer on
// both engines; see docs/adr/0005-csp-nonces-and-telemetry.md.)
func (db *DB) WebVitalsSummary(ctx context.Context, since time.Time) ([]meetpin.WebVitalStat, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT metric, page_path, value, rating FROM web_vitals WHERE created_at >= ?`, ms(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var z meetpin.WebVitalSummarizer
	var metric, path, rating string
	var value float64
	for rows.Next() {
		if err := rows.Scan(&metric, &path, &value, &rating); err != nil {
			return nil, err
		}
		z.Add(metric, path, value, rating)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return z.Stats(), nil
}

// DeleteWebVitalsBefore implements meetpin.TelemetryStore.
func (db *DB) DeleteWebVitalsBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM web_vitals WHERE created_at < ?`, ms(t))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
