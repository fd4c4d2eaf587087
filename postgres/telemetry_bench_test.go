package postgres_test

import (
	"testing"

	"meetpin.app/meetpintest"
	"meetpin.app/postgres/postgrestest"
)

func BenchmarkTelemetry(b *testing.B) { meetpintest.BenchTelemetry(b, postgrestest.New(b)) }
