// Package meetpin holds the vocabulary of the service: the domain types
// (users, rooms, requests, matches, messages …), the error codes every layer
// speaks, and the small interfaces that the storage engines, caches and
// brokers implement. It imports only the standard library.
package meetpin

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Error codes. They are the machine-readable part of every failure and the
// `code` field of the JSON error envelope. The web layer owns the single
// code → HTTP status table.
const (
	EVALIDATION         = "VALIDATION_ERROR"
	EINVALIDJSON        = "INVALID_JSON"
	EUNAUTHORIZED       = "UNAUTHORIZED"
	EFORBIDDEN          = "FORBIDDEN"
	ENOTFOUND           = "NOT_FOUND"
	EMETHODNOTALLOWED   = "METHOD_NOT_ALLOWED"
	ECONFLICT           = "CONFLICT"
	EPAYLOADTOOLARGE    = "PAYLOAD_TOO_LARGE"
	EUNSUPPORTEDMEDIA   = "UNSUPPORTED_MEDIA_TYPE"
	ERATELIMIT          = "RATE_LIMIT_EXCEEDED"
	EINTERNAL           = "INTERNAL_ERROR"
	EUNAVAILABLE        = "SERVICE_UNAVAILABLE"
	EROOMHASPARTICIPANT = "ROOM_HAS_PARTICIPANTS"
	EROOMFULL           = "ROOM_FULL"
	EOWNROOM            = "OWN_ROOM"
	EREQUESTCLOSED      = "REQUEST_CLOSED"
	EBLOCKED            = "BLOCKED"

	// Outside services (issue 7).
	EPAYMENTSDISABLED  = "PAYMENTS_DISABLED"  // no payment provider is configured
	EPLACESUNAVAILABLE = "PLACES_UNAVAILABLE" // the place search provider is missing or failing
)

// Error is a domain error: a code from the list above, a message that is
// safe to show to the client, and for validation failures the problem of
// each bad field.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	return fmt.Sprintf("meetpin error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns a domain error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a domain error inside err, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of a domain error inside err,
// and a generic text for anything else, so that internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// FieldErrors collects per-field validation problems. The zero value is
// ready to use.
type FieldErrors map[string]string

// Add records a problem for field, keeping the first one reported.
func (f *FieldErrors) Add(field, problem string) {
	if *f == nil {
		*f = FieldErrors{}
	}
	if _, ok := (*f)[field]; !ok {
		(*f)[field] = problem
	}
}

// Err returns nil when no problem was recorded, and otherwise an EVALIDATION
// error whose message names every bad field in a stable order.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	keys := slices.Sorted(maps.Keys(f))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + f[k]
	}
	return &Error{Code: EVALIDATION, Message: strings.Join(parts, "; "), Fields: maps.Clone(map[string]string(f))}
}
