-- Safety, privacy and feedback tables of the original, with the schema's
-- enumerations (the original's code drifted from them; we keep the schema).

-- +goose Up
CREATE TABLE feedback (
    id            TEXT PRIMARY KEY,
    user_id       TEXT REFERENCES users (id) ON DELETE CASCADE,
    type          TEXT NOT NULL CHECK (type IN ('bug', 'feature', 'general', 'complaint')),
    title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    content       TEXT NOT NULL CHECK (length(content) BETWEEN 1 AND 1000),
    contact_email TEXT CHECK (length(contact_email) <= 254),
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'reviewed', 'resolved')),
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_user_idx ON feedback (user_id);
CREATE INDEX feedback_status_idx ON feedback (status);

CREATE TABLE emergency_reports (
    id               TEXT PRIMARY KEY,
    reporter_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reported_user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    room_id          TEXT REFERENCES rooms (id) ON DELETE SET NULL,
    emergency_type   TEXT NOT NULL CHECK (emergency_type IN ('safety_threat', 'harassment', 'fraud', 'inappropriate_behavior', 'other')),
    description      TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    location_info    TEXT CHECK (length(location_info) <= 500),
    priority_level   TEXT NOT NULL DEFAULT 'high' CHECK (priority_level IN ('low', 'medium', 'high', 'critical')),
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'investigating', 'resolved', 'dismissed')),
    assigned_to      TEXT REFERENCES users (id) ON DELETE SET NULL,
    resolution_notes TEXT,
    resolved_at      INTEGER,
    created_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX emergency_reports_reporter_idx ON emergency_reports (reporter_id);
CREATE INDEX emergency_reports_status_idx ON emergency_reports (status, created_at);

CREATE TABLE privacy_rights_requests (
    id                        TEXT PRIMARY KEY,
    user_id                   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    request_type              TEXT NOT NULL CHECK (request_type IN ('access', 'deletion', 'rectification', 'portability', 'restriction', 'objection')),
    reason                    TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    specific_data             TEXT CHECK (length(specific_data) <= 500),
    contact_email             TEXT CHECK (length(contact_email) <= 254),
    urgency                   TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent')),
    legal_basis               TEXT CHECK (length(legal_basis) <= 300),
    preferred_response_method TEXT NOT NULL DEFAULT 'email' CHECK (preferred_response_method IN ('email', 'app_notification', 'postal_mail')),
    additional_info           TEXT CHECK (length(additional_info) <= 1000),
    status                    TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'completed', 'rejected')),
    admin_response            TEXT,
    processed_at              INTEGER,
    created_at                INTEGER NOT NULL,
    updated_at                INTEGER NOT NULL
) STRICT;
CREATE INDEX privacy_rights_requests_user_idx ON privacy_rights_requests (user_id);
CREATE INDEX privacy_rights_requests_status_idx ON privacy_rights_requests (status);

CREATE TABLE admin_notifications (
    id           TEXT PRIMARY KEY,
    type         TEXT NOT NULL CHECK (length(type) BETWEEN 1 AND 100),
    title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    message      TEXT NOT NULL CHECK (length(message) <= 2000),
    priority     TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'critical')),
    reference_id TEXT,
    metadata     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    is_read      INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX admin_notifications_unread_idx ON admin_notifications (created_at) WHERE is_read = 0;

CREATE TABLE age_verification_logs (
    id                  TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verification_method TEXT NOT NULL CHECK (verification_method IN ('self_declaration', 'id_verification', 'phone_verification')),
    age_range           TEXT CHECK (age_range IN ('20s_early', '20s_late', '30s_early', '30s_late', '40s', '50s+')),
    is_adult            INTEGER NOT NULL CHECK (is_adult IN (0, 1)),
    created_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX age_verification_logs_user_idx ON age_verification_logs (user_id);

CREATE TABLE user_verifications (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verification_type TEXT NOT NULL CHECK (verification_type IN ('phone', 'id_card', 'email', 'age_adult')),
    verification_data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(verification_data)),
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'rejected', 'expired')),
    expires_at        INTEGER,
    verified_by       TEXT REFERENCES users (id) ON DELETE SET NULL,
    verified_at       INTEGER,
    created_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX user_verifications_user_idx ON user_verifications (user_id);
CREATE INDEX user_verifications_status_idx ON user_verifications (status);

CREATE TABLE meetup_feedback (
    id                     TEXT PRIMARY KEY,
    room_id                TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    attendee_id            TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    host_id                TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    safety_rating          INTEGER CHECK (safety_rating BETWEEN 1 AND 5),
    experience_rating      INTEGER CHECK (experience_rating BETWEEN 1 AND 5),
    feedback_text          TEXT CHECK (length(feedback_text) <= 1000),
    safety_checklist       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(safety_checklist)),
    has_safety_concern     INTEGER NOT NULL DEFAULT 0 CHECK (has_safety_concern IN (0, 1)),
    safety_concern_details TEXT CHECK (length(safety_concern_details) <= 1000),
    is_anonymous           INTEGER NOT NULL DEFAULT 0 CHECK (is_anonymous IN (0, 1)),
    created_at             INTEGER NOT NULL,
    UNIQUE (room_id, attendee_id)
) STRICT;
CREATE INDEX meetup_feedback_host_idx ON meetup_feedback (host_id);

CREATE TABLE user_safety_settings (
    user_id                     TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    allow_adult_only_meetings   INTEGER NOT NULL DEFAULT 1 CHECK (allow_adult_only_meetings IN (0, 1)),
    require_verified_users_only INTEGER NOT NULL DEFAULT 0 CHECK (require_verified_users_only IN (0, 1)),
    share_emergency_contact     INTEGER NOT NULL DEFAULT 0 CHECK (share_emergency_contact IN (0, 1)),
    safety_reminder_enabled     INTEGER NOT NULL DEFAULT 1 CHECK (safety_reminder_enabled IN (0, 1)),
    post_meetup_checkin_enabled INTEGER NOT NULL DEFAULT 1 CHECK (post_meetup_checkin_enabled IN (0, 1)),
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE user_safety_settings;
DROP TABLE meetup_feedback;
DROP TABLE user_verifications;
DROP TABLE age_verification_logs;
DROP TABLE admin_notifications;
DROP TABLE privacy_rights_requests;
DROP TABLE emergency_reports;
DROP TABLE feedback;
