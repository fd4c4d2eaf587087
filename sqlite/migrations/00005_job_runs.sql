-- The runs of the maintenance jobs (package cron). A scheduled run claims
-- its (job, slot) through the partial unique index, so that with several
-- replicas on one database each slot runs once; see
-- docs/adr/0003-cron-once-per-slot.md. The rows are also the history that
-- GET /api/cron shows.

-- +goose Up
CREATE TABLE job_runs (
    id          INTEGER PRIMARY KEY,
    job         TEXT NOT NULL CHECK (length(job) BETWEEN 1 AND 64),
    kind        TEXT NOT NULL CHECK (kind IN ('scheduled', 'manual')),
    slot        INTEGER NOT NULL,
    runner      TEXT NOT NULL DEFAULT '' CHECK (length(runner) <= 200),
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    result      TEXT CHECK (result IN ('ok', 'error')),
    count       INTEGER NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE UNIQUE INDEX job_runs_slot_idx ON job_runs (job, slot) WHERE kind = 'scheduled';
CREATE INDEX job_runs_job_started_idx ON job_runs (job, started_at);
CREATE INDEX job_runs_started_idx ON job_runs (started_at);

-- +goose Down
DROP TABLE job_runs;
