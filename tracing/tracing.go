// Package tracing sends OpenTelemetry traces to an OTLP/HTTP endpoint
// (OTEL_EXPORTER_OTLP_ENDPOINT), over the official Go SDK and exporter, the
// one package that imports them.
//
// Every HTTP request becomes a server span named by its route pattern
// ("GET /api/rooms/{id}", never the raw path) with the method, route and
// status; a caller's W3C traceparent is continued. A 5xx marks the span as
// an error.
//
// A nil *Tracer is valid and does nothing: with the endpoint unset the
// server holds nil, and a request costs one nil check.
package tracing

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"meetpin.app/buildinfo"
)

// Options configure a Tracer.
type Options struct {
	// Endpoint is the OTLP/HTTP base URL; traces go to Endpoint/v1/traces.
	Endpoint    string
	Environment string // MEETPIN_ENV
}

// Tracer records and exports the spans of one process.
type Tracer struct {
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
}

// New returns the tracer of o.Endpoint; nil, nil when it is empty.
func New(ctx context.Context, o Options) (*Tracer, error) {
	if o.Endpoint == "" {
		return nil, nil
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(strings.TrimRight(o.Endpoint, "/")+"/v1/traces"))
	if err != nil {
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
	}
	res := resource.NewSchemaless(
		attribute.String("service.name", "meetpin"),
		attribute.String("service.version", buildinfo.Version),
		attribute.String("deployment.environment.name", o.Environment),
	)
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return &Tracer{tp: tp, tracer: tp.Tracer("meetpin.app/web"), prop: propagation.TraceContext{}}, nil
}

// noEnd is the end of a request that is not traced.
func noEnd(string, int) {}

// StartRequest starts the server span of r and returns r with the span in
// its context, and the function that ends the span once the route pattern
// and the status are known.
func (t *Tracer) StartRequest(r *http.Request) (*http.Request, func(route string, status int)) {
	if t == nil {
		return r, noEnd
	}
	ctx := t.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	ctx, span := t.tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", r.Method)))
	return r.WithContext(ctx), func(route string, status int) {
		span.SetName(route)
		span.SetAttributes(attribute.String("http.route", route), attribute.Int("http.response.status_code", status))
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		span.End()
	}
}

// Shutdown exports the spans still buffered and stops the exporter.
func (t *Tracer) Shutdown(timeout time.Duration) error {
	if t == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return t.tp.Shutdown(ctx)
}
