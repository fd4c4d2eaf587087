-- Boost payments and Stripe webhook idempotency. The twin of
-- sqlite/migrations/00003_payments.sql; Stripe's ids stay text.

-- +goose Up
CREATE TABLE stripe_webhook_events (
    event_id     text PRIMARY KEY CHECK (char_length(event_id) BETWEEN 1 AND 255),
    event_type   text NOT NULL,
    processed_at timestamptz NOT NULL
);
CREATE INDEX stripe_webhook_events_processed_idx ON stripe_webhook_events (processed_at);

CREATE TABLE boost_payments (
    id                uuid PRIMARY KEY,
    room_id           uuid REFERENCES rooms (id) ON DELETE SET NULL,
    user_id           uuid REFERENCES users (id) ON DELETE SET NULL,
    stripe_session_id text NOT NULL UNIQUE,
    stripe_event_id   text NOT NULL REFERENCES stripe_webhook_events (event_id),
    days              integer NOT NULL CHECK (days IN (1, 3, 7)),
    amount            integer NOT NULL CHECK (amount > 0),
    currency          text NOT NULL DEFAULT 'krw' CHECK (currency = 'krw'),
    boost_until       timestamptz NOT NULL,
    created_at        timestamptz NOT NULL
);
CREATE INDEX boost_payments_room_idx ON boost_payments (room_id);

-- +goose Down
DROP TABLE boost_payments;
DROP TABLE stripe_webhook_events;
