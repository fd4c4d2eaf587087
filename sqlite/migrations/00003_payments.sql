-- Boost payments and Stripe webhook idempotency.

-- +goose Up
CREATE TABLE stripe_webhook_events (
    event_id     TEXT PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 255),
    event_type   TEXT NOT NULL,
    processed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX stripe_webhook_events_processed_idx ON stripe_webhook_events (processed_at);

CREATE TABLE boost_payments (
    id                TEXT PRIMARY KEY,
    room_id           TEXT REFERENCES rooms (id) ON DELETE SET NULL,
    user_id           TEXT REFERENCES users (id) ON DELETE SET NULL,
    stripe_session_id TEXT NOT NULL UNIQUE,
    stripe_event_id   TEXT NOT NULL REFERENCES stripe_webhook_events (event_id),
    days              INTEGER NOT NULL CHECK (days IN (1, 3, 7)),
    amount            INTEGER NOT NULL CHECK (amount > 0),
    currency          TEXT NOT NULL DEFAULT 'krw' CHECK (currency = 'krw'),
    boost_until       INTEGER NOT NULL,
    created_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX boost_payments_room_idx ON boost_payments (room_id);

-- +goose Down
DROP TABLE boost_payments;
DROP TABLE stripe_webhook_events;
