-- Core schema: accounts, rooms, requests, matches, chat, host messages,
-- notifications, reports and blocks. The twin of sqlite/migrations/00001_core.sql
-- (same tables, columns, constraints and indexes) in native types: uuid ids,
-- timestamptz times, boolean flags, jsonb documents.

-- +goose Up
CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL UNIQUE CHECK (char_length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    password_hash text NOT NULL CHECK (char_length(password_hash) > 0),
    role          text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE profiles (
    uid        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    nickname   text NOT NULL CHECK (char_length(nickname) BETWEEN 2 AND 20),
    age_range  text CHECK (age_range IN ('20s_early', '20s_late', '30s_early', '30s_late', '40s', '50s+')),
    avatar_url text CHECK (char_length(avatar_url) <= 500),
    intro      text NOT NULL DEFAULT '' CHECK (char_length(intro) <= 500),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX profiles_nickname_key ON profiles (lower(nickname));

CREATE TABLE sessions (
    token_hash   text PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE rooms (
    id          uuid PRIMARY KEY,
    host_uid    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    category    text NOT NULL CHECK (category IN ('drink', 'exercise', 'other')),
    lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng         double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
    place_text  text NOT NULL CHECK (char_length(place_text) BETWEEN 1 AND 200),
    start_at    timestamptz NOT NULL,
    max_people  integer NOT NULL DEFAULT 4 CHECK (max_people BETWEEN 2 AND 20),
    fee         integer NOT NULL DEFAULT 0 CHECK (fee BETWEEN 0 AND 1000000),
    visibility  text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private')),
    description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 1000),
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    boost_until timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK (start_at > created_at)
);
-- The map query: upcoming public rooms in a box. Most rooms are in the past,
-- so the range on start_at comes first; lat/lng/category are read from the
-- index without touching the table.
CREATE INDEX rooms_map_idx ON rooms (start_at, lat, lng, category) WHERE visibility = 'public' AND status = 'active';
CREATE INDEX rooms_host_idx ON rooms (host_uid, start_at);
CREATE INDEX rooms_boost_idx ON rooms (boost_until) WHERE boost_until IS NOT NULL;

CREATE TABLE requests (
    id            uuid PRIMARY KEY,
    room_id       uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    requester_uid uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message       text CHECK (char_length(message) <= 500),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected', 'cancelled')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (room_id, requester_uid)
);
CREATE INDEX requests_requester_idx ON requests (requester_uid, created_at);
CREATE INDEX requests_room_status_idx ON requests (room_id, status);

CREATE TABLE matches (
    id            uuid PRIMARY KEY,
    room_id       uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    host_uid      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    guest_uid     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    host_read_id  bigint NOT NULL DEFAULT 0,
    guest_read_id bigint NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL,
    CHECK (host_uid <> guest_uid),
    UNIQUE (room_id, guest_uid)
);
CREATE INDEX matches_host_idx ON matches (host_uid);
CREATE INDEX matches_guest_idx ON matches (guest_uid);

CREATE TABLE messages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    match_id   uuid NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    sender_uid uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text       text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 1000),
    created_at timestamptz NOT NULL
);
CREATE INDEX messages_match_idx ON messages (match_id, id);
CREATE INDEX messages_sender_idx ON messages (sender_uid);

CREATE TABLE host_messages (
    id           uuid PRIMARY KEY,
    room_id      uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    sender_uid   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    receiver_uid uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text         text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 1000),
    is_read      boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CHECK (sender_uid <> receiver_uid)
);
CREATE INDEX host_messages_receiver_idx ON host_messages (receiver_uid, created_at);
CREATE INDEX host_messages_conversation_idx ON host_messages (room_id, sender_uid, receiver_uid, created_at);

CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       text NOT NULL CHECK (type IN ('room_request', 'message', 'room_full', 'review', 'boost_reminder', 'match_success', 'request_accepted', 'request_rejected', 'room_cancelled')),
    title      text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    message    text NOT NULL CHECK (char_length(message) <= 1000),
    is_read    boolean NOT NULL DEFAULT false,
    metadata   jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE NOT is_read;
CREATE INDEX notifications_created_idx ON notifications (created_at);

CREATE TABLE reports (
    id           uuid PRIMARY KEY,
    reporter_uid uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_uid   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id      uuid REFERENCES rooms (id) ON DELETE SET NULL,
    reason       text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'reviewed', 'resolved')),
    created_at   timestamptz NOT NULL,
    CHECK (reporter_uid <> target_uid)
);
CREATE INDEX reports_reporter_target_idx ON reports (reporter_uid, target_uid, created_at);
CREATE INDEX reports_status_idx ON reports (status, created_at);

CREATE TABLE blocked_users (
    blocker_uid uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_uid uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (blocker_uid, blocked_uid),
    CHECK (blocker_uid <> blocked_uid)
);
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
