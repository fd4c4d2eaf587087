-- Boost reminders: the boost end a room's host was last reminded of, so
-- that the reminder job sends one reminder per boost end, however often it
-- runs and on however many replicas. A boost that is extended gets a new
-- end, and so a new reminder.

-- +goose Up
ALTER TABLE rooms ADD COLUMN boost_reminded_until INTEGER;

-- +goose Down
ALTER TABLE rooms DROP COLUMN boost_reminded_until;
