package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"meetpin.app"
)

// envelope is the JSON shape of every API answer.
type envelope struct {
	OK      bool         `json:"ok"`
	Data    any          `json:"data,omitempty"`
	Code    meetpin.Code `json:"code,omitempty"`
	Message string       `json:"message,omitempty"`
	Fields  any          `json:"fields,omitempty"`
}

// statusOf is the one table from error code to HTTP status.
var statusOf = map[meetpin.Code]int{
	meetpin.EVALIDATION:         http.StatusBadRequest,
	meetpin.EINVALIDJSON:        http.StatusBadRequest,
	meetpin.EUNAUTHORIZED:       http.StatusUnauthorized,
	meetpin.EFORBIDDEN:          http.StatusForbidden,
	meetpin.ENOTFOUND:           http.StatusNotFound,
	meetpin.EMETHODNOTALLOWED:   http.StatusMethodNotAllowed,
	meetpin.ECONFLICT:           http.StatusConflict,
	meetpin.EROOMHASPARTICIPANT: http.StatusConflict,
	meetpin.EROOMFULL:           http.StatusConflict,
	meetpin.ETOOMANYROOMS:       http.StatusConflict,
	meetpin.EOWNROOM:            http.StatusBadRequest,
	meetpin.EREQUESTCLOSED:      http.StatusBadRequest,
	meetpin.EBLOCKED:            http.StatusForbidden,
	meetpin.EPAYLOADTOOLARGE:    http.StatusRequestEntityTooLarge,
	meetpin.EUNSUPPORTEDMEDIA:   http.StatusUnsupportedMediaType,
	meetpin.ERATELIMIT:          http.StatusTooManyRequests,
	meetpin.EINTERNAL:           http.StatusInternalServerError,
	meetpin.EUNAVAILABLE:        http.StatusServiceUnavailable,
	meetpin.EPAYMENTSDISABLED:   http.StatusServiceUnavailable,
	meetpin.EPLACESUNAVAILABLE:  http.StatusServiceUnavailable,
}

// writeJSON writes v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeOK writes {"ok":true,"data":…,"message":…}.
func writeOK(w http.ResponseWriter, status int, data any, message string) {
	writeJSON(w, status, envelope{OK: true, Data: data, Message: message})
}

// writeError writes {"ok":false,"code":…,"message":…} for any error. Domain
// errors keep their code and message; anything else is logged with the
// request id and answered as a generic 500, so no internal detail leaks.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := meetpin.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		// A code without a status is a programming error: log it as one.
		status, code = http.StatusInternalServerError, meetpin.EINTERNAL
		err = fmt.Errorf("unmapped error code: %w", err)
	}
	if status >= 500 {
		infoOf(r).err = err
	}
	if status >= 500 && !infoOf(r).notConfigured {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("request_id", requestIDOf(r)), slog.Any("error", err))
	}
	env := envelope{Code: code, Message: meetpin.ErrorMessage(err)}
	if status == http.StatusInternalServerError {
		// A 503 domain error (PAYMENTS_DISABLED …) keeps its safe message.
		env.Message = "Internal error."
	}
	var de *meetpin.Error
	if errors.As(err, &de) && len(de.Fields) > 0 {
		env.Fields = de.Fields
	}
	setErrorCode(r, code)
	writeJSON(w, status, env)
}

// maxJSONBody is the default limit of a JSON request body.
const maxJSONBody = 64 << 10

// decode reads a JSON object body into dst: at most limit bytes (64 KiB when
// 0), Content-Type application/json, no unknown fields, nothing after the
// object. Errors are domain errors ready for writeError.
func decode(w http.ResponseWriter, r *http.Request, dst any, limit int64) error {
	if limit == 0 {
		limit = maxJSONBody
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return meetpin.Errorf(meetpin.EUNSUPPORTEDMEDIA, "Content-Type must be application/json")
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return meetpin.Errorf(meetpin.EINVALIDJSON, "request body must hold a single JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return meetpin.Errorf(meetpin.EPAYLOADTOOLARGE, "request body is larger than %d bytes", tooBig.Limit)
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return meetpin.Errorf(meetpin.EINVALIDJSON, "request body is not valid JSON")
	case errors.Is(err, io.EOF):
		return meetpin.Errorf(meetpin.EINVALIDJSON, "request body is empty: a JSON object is expected")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return meetpin.Errorf(meetpin.EINVALIDJSON, "request body must be a JSON object")
		}
		return &meetpin.Error{Code: meetpin.EVALIDATION, Message: fmt.Sprintf("%s: must be a %s", typ.Field, jsonType(typ.Type.Kind().String())),
			Fields: map[string]string{typ.Field: "must be a " + jsonType(typ.Type.Kind().String())}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &meetpin.Error{Code: meetpin.EVALIDATION, Message: field + ": unknown field", Fields: map[string]string{field: "unknown field"}}
	}
	return meetpin.Errorf(meetpin.EINVALIDJSON, "request body is not valid JSON")
}

func jsonType(kind string) string {
	switch kind {
	case "int", "int64", "int32":
		return "whole number"
	case "float64", "float32":
		return "number"
	case "bool":
		return "boolean"
	case "string":
		return "string"
	}
	return "value of the right type"
}
