package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"meetpin.app"
)

// SQLSTATE codes that the data, not the program, is to blame for.
const (
	uniqueViolation           = "23505"
	foreignKeyViolation       = "23503"
	checkViolation            = "23514"
	notNullViolation          = "23502"
	invalidTextRepresentation = "22P02" // e.g. a malformed uuid
	dataExceptionClass        = "22"    // too long, out of range, NUL byte …
)

// constraintMessages are the client-safe messages of the constraints that
// callers trip over; any other violation gets a generic message.
var constraintMessages = map[string]string{
	"users_pkey":                         "user already exists",
	"users_email_key":                    "email already taken",
	"profiles_nickname_key":              "nickname already taken",
	"sessions_pkey":                      "session already exists",
	"sessions_user_id_fkey":              "user not found",
	"rooms_pkey":                         "room already exists",
	"rooms_host_uid_fkey":                "user not found",
	"rooms_check":                        "start_at: must be after created_at",
	"requests_pkey":                      "request already exists",
	"requests_room_id_requester_uid_key": "already requested to join this room",
	"requests_room_id_fkey":              "room not found",
	"requests_requester_uid_fkey":        "user not found",
	"matches_pkey":                       "match already exists",
	"matches_check":                      "the host cannot join their own room",
	"blocked_users_blocker_uid_fkey":     "user not found",
	"blocked_users_blocked_uid_fkey":     "user not found",
	"blocked_users_check":                "cannot block yourself",
	"messages_match_id_fkey":             "match not found",
	"messages_sender_uid_fkey":           "user not found",
	"host_messages_pkey":                 "message already exists",
	"host_messages_room_id_fkey":         "room not found",
	"host_messages_sender_uid_fkey":      "user not found",
	"host_messages_receiver_uid_fkey":    "user not found",
	"host_messages_check":                "cannot message yourself",
	"notifications_user_id_fkey":         "user not found",
	"reports_pkey":                       "report already exists",
	"reports_reporter_uid_fkey":          "user not found",
	"reports_target_uid_fkey":            "user not found",
	"reports_room_id_fkey":               "room not found",
	"reports_check":                      "cannot report yourself",
}

// dbError turns err into a domain error when the data decides it: a missing
// row or a malformed id is ENOTFOUND "<what> not found", a uniqueness
// violation ECONFLICT, a foreign key naming no row ENOTFOUND, and any other
// broken constraint or bad value EVALIDATION. Other errors are wrapped with
// what as context, and become internal errors upstream.
func dbError(err error, what string) error {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.As(err, new(*meetpin.Error)):
		return err
	case errors.Is(err, pgx.ErrNoRows):
		return notFound(what)
	case !errors.As(err, &pgErr):
		return fmt.Errorf("postgres: %s: %w", what, err)
	}
	switch code := pgErr.Code; {
	case code == uniqueViolation:
		return meetpin.Errorf(meetpin.ECONFLICT, "%s", message(pgErr, what+" already exists"))
	case code == foreignKeyViolation:
		return meetpin.Errorf(meetpin.ENOTFOUND, "%s", message(pgErr, "a referenced row does not exist"))
	case code == invalidTextRepresentation:
		return notFound(what)
	case code == checkViolation, code == notNullViolation, strings.HasPrefix(code, dataExceptionClass):
		return invalid(pgErr)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// malformed reports whether PostgreSQL refused a parameter's text, as it
// does for an id that is not a uuid. Lookups turn that into ENOTFOUND
// (dbError); lists, counts and existence checks treat it as matching
// nothing, as SQLite does, where such an id is only a string no row has.
func malformed(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == invalidTextRepresentation
}

// listError is dbError for a list, a count or an existence check, where a
// malformed id is no error but matches nothing: the caller returns its
// zero result (an empty list, 0, false) with the nil error.
func listError(err error, what string) error {
	if malformed(err) {
		return nil
	}
	return dbError(err, what)
}

// notFound is the ENOTFOUND error for a missing what.
func notFound(what string) error {
	return meetpin.Errorf(meetpin.ENOTFOUND, "%s not found", what)
}

// message is the client-safe message of the constraint err broke, or def.
func message(pgErr *pgconn.PgError, def string) string {
	if m, ok := constraintMessages[pgErr.ConstraintName]; ok {
		return m
	}
	return def
}

// invalid is the EVALIDATION error for a value the schema refuses. It names
// the column when PostgreSQL tells it (not-null) or when the constraint has
// PostgreSQL's default name for a one-column check, <table>_<column>_check.
func invalid(pgErr *pgconn.PgError) error {
	if m, ok := constraintMessages[pgErr.ConstraintName]; ok {
		return meetpin.Errorf(meetpin.EVALIDATION, "%s", m)
	}
	column := pgErr.ColumnName
	if column == "" {
		column = checkedColumn(pgErr.TableName, pgErr.ConstraintName)
	}
	if column == "" {
		return meetpin.Errorf(meetpin.EVALIDATION, "invalid value")
	}
	var fe meetpin.FieldErrors
	fe.Add(column, "invalid value")
	return fe.Err()
}

// checkedColumn is the column of a check constraint with PostgreSQL's
// default name for a one-column check, <table>_<column>_check, else "".
func checkedColumn(table, constraint string) string {
	rest, ok := strings.CutPrefix(constraint, table+"_")
	if !ok || table == "" {
		return ""
	}
	column, ok := strings.CutSuffix(rest, "_check")
	if !ok {
		return ""
	}
	return column
}
