-- Safety, privacy and feedback tables of the original, with the schema's
-- enumerations (the original's code drifted from them; we keep the schema).
-- The twin of sqlite/migrations/00002_safety.sql.

-- +goose Up
CREATE TABLE feedback (
    id            uuid PRIMARY KEY,
    user_id       uuid REFERENCES users (id) ON DELETE CASCADE,
    type          text NOT NULL CHECK (type IN ('bug', 'feature', 'general', 'complaint')),
    title         text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    content       text NOT NULL CHECK (char_length(content) BETWEEN 1 AND 1000),
    contact_email text CHECK (char_length(contact_email) <= 254),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'reviewed', 'resolved')),
    created_at    timestamptz NOT NULL
);
CREATE INDEX feedback_user_idx ON feedback (user_id);
CREATE INDEX feedback_status_idx ON feedback (status);

CREATE TABLE emergency_reports (
    id               uuid PRIMARY KEY,
    reporter_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reported_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    room_id          uuid REFERENCES rooms (id) ON DELETE SET NULL,
    emergency_type   text NOT NULL CHECK (emergency_type IN ('safety_threat', 'harassment', 'fraud', 'inappropriate_behavior', 'other')),
    description      text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 2000),
    location_info    text CHECK (char_length(location_info) <= 500),
    priority_level   text NOT NULL DEFAULT 'high' CHECK (priority_level IN ('low', 'medium', 'high', 'critical')),
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'investigating', 'resolved', 'dismissed')),
    assigned_to      uuid REFERENCES users (id) ON DELETE SET NULL,
    resolution_notes text,
    resolved_at      timestamptz,
    created_at       timestamptz NOT NULL
);
CREATE INDEX emergency_reports_reporter_idx ON emergency_reports (reporter_id);
CREATE INDEX emergency_reports_status_idx ON emergency_reports (status, created_at);

CREATE TABLE privacy_rights_requests (
    id                        uuid PRIMARY KEY,
    user_id                   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    request_type              text NOT NULL CHECK (request_type IN ('access', 'deletion', 'rectification', 'portability', 'restriction', 'objection')),
    reason                    text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 1000),
    specific_data             text CHECK (char_length(specific_data) <= 500),
    contact_email             text CHECK (char_length(contact_email) <= 254),
    urgency                   text NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent')),
    legal_basis               text CHECK (char_length(legal_basis) <= 300),
    preferred_response_method text NOT NULL DEFAULT 'email' CHECK (preferred_response_method IN ('email', 'app_notification', 'postal_mail')),
    additional_info           text CHECK (char_length(additional_info) <= 1000),
    status                    text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'completed', 'rejected')),
    admin_response            text,
    processed_at              timestamptz,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL
);
CREATE INDEX privacy_rights_requests_user_idx ON privacy_rights_requests (user_id);
CREATE INDEX privacy_rights_requests_status_idx ON privacy_rights_requests (status);

CREATE TABLE admin_notifications (
    id           uuid PRIMARY KEY,
    type         text NOT NULL CHECK (char_length(type) BETWEEN 1 AND 100),
    title        text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    message      text NOT NULL CHECK (char_length(message) <= 2000),
    priority     text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'critical')),
    reference_id text,
    metadata     jsonb NOT NULL DEFAULT '{}',
    is_read      boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL
);
CREATE INDEX admin_notifications_unread_idx ON admin_notifications (created_at) WHERE NOT is_read;

CREATE TABLE age_verification_logs (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verification_method text NOT NULL CHECK (verification_method IN ('self_declaration', 'id_verification', 'phone_verification')),
    age_range           text CHECK (age_range IN ('20s_early', '20s_late', '30s_early', '30s_late', '40s', '50s+')),
    is_adult            boolean NOT NULL,
    created_at          timestamptz NOT NULL
);
CREATE INDEX age_verification_logs_user_idx ON age_verification_logs (user_id);

CREATE TABLE user_verifications (
    id                uuid PRIMARY KEY,
    user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verification_type text NOT NULL CHECK (verification_type IN ('phone', 'id_card', 'email', 'age_adult')),
    verification_data jsonb NOT NULL DEFAULT '{}',
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'rejected', 'expired')),
    expires_at        timestamptz,
    verified_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    verified_at       timestamptz,
    created_at        timestamptz NOT NULL
);
CREATE INDEX user_verifications_user_idx ON user_verifications (user_id);
CREATE INDEX user_verifications_status_idx ON user_verifications (status);

CREATE TABLE meetup_feedback (
    id                     uuid PRIMARY KEY,
    room_id                uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    attendee_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    host_id                uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    safety_rating          integer CHECK (safety_rating BETWEEN 1 AND 5),
    experience_rating      integer CHECK (experience_rating BETWEEN 1 AND 5),
    feedback_text          text CHECK (char_length(feedback_text) <= 1000),
    safety_checklist       jsonb NOT NULL DEFAULT '{}',
    has_safety_concern     boolean NOT NULL DEFAULT false,
    safety_concern_details text CHECK (char_length(safety_concern_details) <= 1000),
    is_anonymous           boolean NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL,
    UNIQUE (room_id, attendee_id)
);
CREATE INDEX meetup_feedback_host_idx ON meetup_feedback (host_id);

CREATE TABLE user_safety_settings (
    user_id                     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    allow_adult_only_meetings   boolean NOT NULL DEFAULT true,
    require_verified_users_only boolean NOT NULL DEFAULT false,
    share_emergency_contact     boolean NOT NULL DEFAULT false,
    safety_reminder_enabled     boolean NOT NULL DEFAULT true,
    post_meetup_checkin_enabled boolean NOT NULL DEFAULT true,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE user_safety_settings;
DROP TABLE meetup_feedback;
DROP TABLE user_verifications;
DROP TABLE age_verification_logs;
DROP TABLE admin_notifications;
DROP TABLE privacy_rights_requests;
DROP TABLE emergency_reports;
DROP TABLE feedback;
