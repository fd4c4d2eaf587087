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

// Code is an error code: the machine-readable part of every failure and the
// `code` field of the JSON error envelope. The web layer owns the single
// code → HTTP status table; the README lists every code for clients. A test
// in each place proves it covers AllCodes.
type Code string

// Error codes. A new one goes into AllCodes, the web layer's status table
// and the README's list.
const (
	EVALIDATION         Code = "VALIDATION_ERROR"
	EINVALIDJSON        Code = "INVALID_JSON"
	EUNAUTHORIZED       Code = "UNAUTHORIZED"
	EFORBIDDEN          Code = "FORBIDDEN"
	ENOTFOUND           Code = "NOT_FOUND"
	EMETHODNOTALLOWED   Code = "METHOD_NOT_ALLOWED"
	ECONFLICT           Code = "CONFLICT"
	EPAYLOADTOOLARGE    Code = "PAYLOAD_TOO_LARGE"
	EUNSUPPORTEDMEDIA   Code = "UNSUPPORTED_MEDIA_TYPE"
	ERATELIMIT          Code = "RATE_LIMIT_EXCEEDED"
	EINTERNAL           Code = "INTERNAL_ERROR"
	EUNAVAILABLE        Code = "SERVICE_UNAVAILABLE"
	EROOMHASPARTICIPANT Code = "ROOM_HAS_PARTICIPANTS"
	EROOMFULL           Code = "ROOM_FULL"
	EOWNROOM            Code = "OWN_ROOM"
	EREQUESTCLOSED      Code = "REQUEST_CLOSED"
	EBLOCKED            Code = "BLOCKED"
	ETOOMANYROOMS       Code = "TOO_MANY_ROOMS" // the host has as many upcoming rooms as allowed

	// Outside services: payments and place search.
	EPAYMENTSDISABLED  Code = "PAYMENTS_DISABLED"  // no payment provider is configured
	EPLACESUNAVAILABLE Code = "PLACES_UNAVAILABLE" // the place search provider is missing or failing
)

// AllCodes returns every error code, in the order they are declared.
func AllCodes() []Code {
	return []Code{
		EVALIDATION, EINVALIDJSON, EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EMETHODNOTALLOWED, ECONFLICT,
		EPAYLOADTOOLARGE, EUNSUPPORTEDMEDIA, ERATELIMIT, EINTERNAL, EUNAVAILABLE, EROOMHASPARTICIPANT,
		EROOMFULL, EOWNROOM, EREQUESTCLOSED, EBLOCKED, EPAYMENTSDISABLED, EPLACESUNAVAILABLE, ETOOMANYROOMS,
	}
}

// Error is a domain error: a code from the list above, a message that is
// safe to show to the client, and for validation failures the problem of
// each bad field.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	return fmt.Sprintf("meetpin error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns a domain error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a domain error inside err, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
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
