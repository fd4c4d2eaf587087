-- Browser telemetry, kept in the database so that it survives restarts
-- and is shared by replicas: CSP violation counters and web-vitals samples.

-- +goose Up
-- One counter per directive, blocked URI (scheme://host or a keyword) and
-- page path: bounded by what the policy blocks, not by traffic.
CREATE TABLE csp_reports (
    directive     TEXT NOT NULL CHECK (length(directive) BETWEEN 1 AND 64),
    blocked_uri   TEXT NOT NULL CHECK (length(blocked_uri) BETWEEN 1 AND 255),
    document_path TEXT NOT NULL CHECK (length(document_path) BETWEEN 1 AND 255),
    count         INTEGER NOT NULL CHECK (count > 0),
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL CHECK (last_seen >= first_seen),
    PRIMARY KEY (directive, blocked_uri, document_path)
) STRICT, WITHOUT ROWID;
CREATE INDEX csp_reports_last_seen_idx ON csp_reports (last_seen);

-- One row per sample; the summary reads a recent window (created_at) and
-- retention deletes by age, both through the index.
CREATE TABLE web_vitals (
    id         INTEGER PRIMARY KEY,
    metric     TEXT NOT NULL CHECK (metric IN ('LCP', 'FID', 'INP', 'CLS', 'TTFB', 'FCP')),
    value      REAL NOT NULL CHECK (value >= 0 AND value <= 60000 AND (metric <> 'CLS' OR value <= 10)),
    page_path  TEXT NOT NULL CHECK (length(page_path) BETWEEN 1 AND 255),
    rating     TEXT NOT NULL CHECK (rating IN ('good', 'needs-improvement', 'poor')),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX web_vitals_created_idx ON web_vitals (created_at);

-- +goose Down
DROP TABLE web_vitals;
DROP TABLE csp_reports;
