-- Boost reminders: the twin of sqlite/migrations/00006_boost_reminders.sql.

-- +goose Up
ALTER TABLE rooms ADD COLUMN boost_reminded_until timestamptz;

-- +goose Down
ALTER TABLE rooms DROP COLUMN boost_reminded_until;
