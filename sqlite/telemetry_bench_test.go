package sqlite_test

import (
	"testing"

	"meetpin/meetpintest"
	"meetpin/sqlite/sqlitetest"
)

func BenchmarkTelemetry(b *testing.B) { meetpintest.BenchTelemetry(b, sqlitetest.New(b)) }
