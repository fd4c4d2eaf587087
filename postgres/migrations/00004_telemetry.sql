-- Browser telemetry: CSP violation counters and web-vitals samples. The
-- twin of sqlite/migrations/00004_telemetry.sql.

-- +goose Up
CREATE TABLE csp_reports (
    directive     text NOT NULL CHECK (char_length(directive) BETWEEN 1 AND 64),
    blocked_uri   text NOT NULL CHECK (char_length(blocked_uri) BETWEEN 1 AND 255),
    document_path text NOT NULL CHECK (char_length(document_path) BETWEEN 1 AND 255),
    count         bigint NOT NULL CHECK (count > 0),
    first_seen    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL CHECK (last_seen >= first_seen),
    PRIMARY KEY (directive, blocked_uri, document_path)
);
CREATE INDEX csp_reports_last_seen_idx ON csp_reports (last_seen);

CREATE TABLE web_vitals (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    metric     text NOT NULL CHECK (metric IN ('LCP', 'FID', 'INP', 'CLS', 'TTFB', 'FCP')),
    value      double precision NOT NULL CHECK (value >= 0 AND value <= 60000 AND (metric <> 'CLS' OR value <= 10)),
    page_path  text NOT NULL CHECK (char_length(page_path) BETWEEN 1 AND 255),
    rating     text NOT NULL CHECK (rating IN ('good', 'needs-improvement', 'poor')),
    created_at timestamptz NOT NULL
);
CREATE INDEX web_vitals_created_idx ON web_vitals (created_at);

-- +goose Down
DROP TABLE web_vitals;
DROP TABLE csp_reports;
