package postgres_test

import (
	"testing"

	"meetpin/meetpintest"
	"meetpin/postgres/postgrestest"
)

func BenchmarkTelemetry(b *testing.B) { meetpintest.BenchTelemetry(b, postgrestest.New(b)) }
