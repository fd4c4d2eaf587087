package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"meetpin.app"
	"meetpin.app/app"
)

// maxTelemetryBody limits a CSP report or web-vitals beacon.
const maxTelemetryBody = 16 << 10

// handleCSPReport counts the violations of a report in either format the
// browsers use: application/csp-report, {"csp-report":{…}} (report-uri),
// or application/reports+json, [{"type":"csp-violation","body":{…}}, …]
// (report-to; reports of other types are skipped). 204 when counted.
func (s *Server) handleCSPReport(w http.ResponseWriter, r *http.Request) {
	mt := bodyMediaType(r)
	if mt != "application/csp-report" && mt != "application/reports+json" {
		s.writeError(w, r, meetpin.Errorf(meetpin.EUNSUPPORTEDMEDIA, "Content-Type must be application/csp-report or application/reports+json"))
		return
	}
	body, err := readTelemetryBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var reports []app.CSPReport
	if mt == "application/csp-report" {
		var legacy struct {
			Report *struct {
				DocumentURI        string `json:"document-uri"`
				BlockedURI         string `json:"blocked-uri"`
				ViolatedDirective  string `json:"violated-directive"`
				EffectiveDirective string `json:"effective-directive"`
			} `json:"csp-report"`
		}
		if err := decodeTelemetryLenient(body, &legacy); err != nil {
			s.writeError(w, r, err)
			return
		}
		if legacy.Report == nil {
			s.writeError(w, r, &meetpin.Error{Code: meetpin.EVALIDATION, Message: "csp-report: is required", Fields: map[string]string{"csp-report": "is required"}})
			return
		}
		rep := legacy.Report
		reports = append(reports, app.CSPReport{DocumentURI: rep.DocumentURI, BlockedURI: rep.BlockedURI, Directive: firstNonEmptyString(rep.EffectiveDirective, rep.ViolatedDirective)})
	} else {
		var list []struct {
			Type string          `json:"type"`
			Body json.RawMessage `json:"body"`
		}
		if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] != '[' {
			s.writeError(w, r, meetpin.Errorf(meetpin.EINVALIDJSON, "application/reports+json must be a JSON array of reports"))
			return
		}
		if err := decodeTelemetryLenient(body, &list); err != nil {
			s.writeError(w, r, err)
			return
		}
		for _, item := range list {
			if item.Type != "csp-violation" {
				continue
			}
			var b struct {
				DocumentURL        string `json:"documentURL"`
				BlockedURL         string `json:"blockedURL"`
				EffectiveDirective string `json:"effectiveDirective"`
			}
			if err := decodeTelemetryLenient(item.Body, &b); err != nil {
				s.writeError(w, r, err)
				return
			}
			reports = append(reports, app.CSPReport{DocumentURI: b.DocumentURL, BlockedURI: b.BlockedURL, Directive: b.EffectiveDirective})
		}
	}
	if len(reports) > 0 {
		if err := s.app.RecordCSPReports(r.Context(), reports); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleCSPSummary shows the violation totals and the largest groups
// (?limit=, 1–500, default 50) to the operator.
func (s *Server) handleCSPSummary(w http.ResponseWriter, r *http.Request) {
	limit, err := boundedIntParam(r, "limit", 50, 1, 500)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sum, err := s.app.CSPSummary(r.Context(), limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, sum, "")
}

// handleWebVitals stores the samples of a beacon: one sample object or an
// array of at most app.MaxWebVitalSamples, sent as text/plain (what
// navigator.sendBeacon sends for a string) or application/json. 204 when
// stored; any bad sample refuses the whole beacon.
func (s *Server) handleWebVitals(w http.ResponseWriter, r *http.Request) {
	if mt := bodyMediaType(r); mt != "" && mt != "text/plain" && mt != "application/json" {
		s.writeError(w, r, meetpin.Errorf(meetpin.EUNSUPPORTEDMEDIA, "Content-Type must be application/json or text/plain"))
		return
	}
	body, err := readTelemetryBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var samples []app.WebVitalInput
	switch trimmed := bytes.TrimLeft(body, " \t\r\n"); {
	case len(trimmed) > 0 && trimmed[0] == '[':
		err = decodeTelemetryStrict(body, &samples)
	case len(trimmed) > 0 && trimmed[0] == '{':
		var one app.WebVitalInput
		err = decodeTelemetryStrict(body, &one)
		samples = []app.WebVitalInput{one}
	default:
		err = meetpin.Errorf(meetpin.EINVALIDJSON, "request body must be a sample object or an array of them")
	}
	if err == nil {
		err = s.app.RecordWebVitals(r.Context(), samples)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleWebVitalsSummary shows the operator the p75, sample counts and
// ratings per metric, overall and per page, over the last ?hours= (1–720,
// default 24), with at most ?pages= (1–1000, default 100) page groups.
func (s *Server) handleWebVitalsSummary(w http.ResponseWriter, r *http.Request) {
	hours, err := boundedIntParam(r, "hours", 24, 1, 720)
	if err == nil {
		var pages int
		if pages, err = boundedIntParam(r, "pages", 100, 1, 1000); err == nil {
			var rep *app.WebVitalsReport
			if rep, err = s.app.WebVitalsReport(r.Context(), time.Duration(hours)*time.Hour, pages); err == nil {
				writeOK(w, http.StatusOK, rep, "")
				return
			}
		}
	}
	s.writeError(w, r, err)
}

// bodyMediaType is the request's media type, lower case, without parameters;
// "" when absent, and "invalid" when unparsable.
func bodyMediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "invalid"
	}
	return mt
}

// readTelemetryBody reads a body of at most maxTelemetryBody bytes: 413 beyond.
func readTelemetryBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTelemetryBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, meetpin.Errorf(meetpin.EPAYLOADTOOLARGE, "request body is larger than %d bytes", tooBig.Limit)
	case err != nil:
		return nil, meetpin.Errorf(meetpin.EINVALIDJSON, "request body could not be read")
	}
	return body, nil
}

// decodeTelemetryLenient decodes one JSON value, ignoring unknown fields: browsers
// add report fields over time, and we keep only a few.
func decodeTelemetryLenient(body []byte, dst any) error {
	return decodeTelemetryBody(body, dst, false)
}

// decodeTelemetryStrict decodes one JSON value and refuses unknown fields.
func decodeTelemetryStrict(body []byte, dst any) error {
	return decodeTelemetryBody(body, dst, true)
}

func decodeTelemetryBody(body []byte, dst any, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return meetpin.Errorf(meetpin.EINVALIDJSON, "request body must hold a single JSON value")
	}
	return nil
}

// boundedIntParam reads an optional integer query parameter within [min, max].
func boundedIntParam(r *http.Request, name string, def, min, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		problem := "must be a whole number from " + strconv.Itoa(min) + " to " + strconv.Itoa(max)
		return 0, &meetpin.Error{Code: meetpin.EVALIDATION, Message: name + ": " + problem, Fields: map[string]string{name: problem}}
	}
	return n, nil
}

func firstNonEmptyString(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
