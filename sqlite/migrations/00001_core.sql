-- Core schema: accounts, rooms, requests, matches, chat, host messages,
-- notifications, reports and blocks. Times are INTEGER unix milliseconds (UTC).

-- +goose Up
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    password_hash TEXT NOT NULL CHECK (length(password_hash) > 0),
    role          TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE profiles (
    uid        TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    nickname   TEXT NOT NULL CHECK (length(nickname) BETWEEN 2 AND 20),
    age_range  TEXT CHECK (age_range IN ('20s_early', '20s_late', '30s_early', '30s_late', '40s', '50s+')),
    avatar_url TEXT CHECK (length(avatar_url) <= 500),
    intro      TEXT NOT NULL DEFAULT '' CHECK (length(intro) <= 500),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX profiles_nickname_key ON profiles (lower(nickname));

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE rooms (
    id          TEXT PRIMARY KEY,
    host_uid    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    category    TEXT NOT NULL CHECK (category IN ('drink', 'exercise', 'other')),
    lat         REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng         REAL NOT NULL CHECK (lng BETWEEN -180 AND 180),
    place_text  TEXT NOT NULL CHECK (length(place_text) BETWEEN 1 AND 200),
    start_at    INTEGER NOT NULL,
    max_people  INTEGER NOT NULL DEFAULT 4 CHECK (max_people BETWEEN 2 AND 20),
    fee         INTEGER NOT NULL DEFAULT 0 CHECK (fee BETWEEN 0 AND 1000000),
    visibility  TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private')),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    boost_until INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (start_at > created_at)
) STRICT;
-- The map query: upcoming public rooms in a box. Most rooms are in the past,
-- so the range on start_at comes first; lat/lng/category are read from the
-- index without touching the table.
CREATE INDEX rooms_map_idx ON rooms (start_at, lat, lng, category) WHERE visibility = 'public' AND status = 'active';
CREATE INDEX rooms_host_idx ON rooms (host_uid, start_at);
CREATE INDEX rooms_boost_idx ON rooms (boost_until) WHERE boost_until IS NOT NULL;

CREATE TABLE requests (
    id            TEXT PRIMARY KEY,
    room_id       TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    requester_uid TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message       TEXT CHECK (length(message) <= 500),
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected', 'cancelled')),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (room_id, requester_uid)
) STRICT;
CREATE INDEX requests_requester_idx ON requests (requester_uid, created_at);
CREATE INDEX requests_room_status_idx ON requests (room_id, status);

CREATE TABLE matches (
    id             TEXT PRIMARY KEY,
    room_id        TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    host_uid       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    guest_uid      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    host_read_id   INTEGER NOT NULL DEFAULT 0,
    guest_read_id  INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    CHECK (host_uid <> guest_uid),
    UNIQUE (room_id, guest_uid)
) STRICT;
CREATE INDEX matches_host_idx ON matches (host_uid);
CREATE INDEX matches_guest_idx ON matches (guest_uid);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id   TEXT NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    sender_uid TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text       TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX messages_match_idx ON messages (match_id, id);
CREATE INDEX messages_sender_idx ON messages (sender_uid);

CREATE TABLE host_messages (
    id           TEXT PRIMARY KEY,
    room_id      TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    sender_uid   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    receiver_uid TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text         TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    is_read      INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK (sender_uid <> receiver_uid)
) STRICT;
CREATE INDEX host_messages_receiver_idx ON host_messages (receiver_uid, created_at);
CREATE INDEX host_messages_conversation_idx ON host_messages (room_id, sender_uid, receiver_uid, created_at);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       TEXT NOT NULL CHECK (type IN ('room_request', 'message', 'room_full', 'review', 'boost_reminder', 'match_success', 'request_accepted', 'request_rejected', 'room_cancelled')),
    title      TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    message    TEXT NOT NULL CHECK (length(message) <= 1000),
    is_read    INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    metadata   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE is_read = 0;
CREATE INDEX notifications_created_idx ON notifications (created_at);

CREATE TABLE reports (
    id           TEXT PRIMARY KEY,
    reporter_uid TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_uid   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id      TEXT REFERENCES rooms (id) ON DELETE SET NULL,
    reason       TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'reviewed', 'resolved')),
    created_at   INTEGER NOT NULL,
    CHECK (reporter_uid <> target_uid)
) STRICT;
CREATE INDEX reports_reporter_target_idx ON reports (reporter_uid, target_uid, created_at);
CREATE INDEX reports_status_idx ON reports (status, created_at);

CREATE TABLE blocked_users (
    blocker_uid TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_uid TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (blocker_uid, blocked_uid),
    CHECK (blocker_uid <> blocked_uid)
) STRICT;
CREATE INDEX blocked_users_blocked_idx ON blocked_users (blocked_uid);

-- +goose Down
DROP TABLE blocked_users;
DROP TABLE reports;
DROP TABLE notifications;
DROP TABLE host_messages;
DROP TABLE messages;
DROP TABLE matches;
DROP TABLE requests;
DROP TABLE rooms;
DROP TABLE sessions;
DROP TABLE profiles;
DROP TABLE users;
