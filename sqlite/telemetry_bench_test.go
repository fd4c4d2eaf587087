package sqlite_test

import (
	"testing"

	"meetpin.app/meetpintest"
	"meetpin.app/sqlite/sqlitetest"
)

func BenchmarkTelemetry(b *testing.B) { meetpintest.BenchTelemetry(b, sqlitetest.New(b)) }
