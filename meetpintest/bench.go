package meetpintest

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"meetpin.app"
)

// The map benchmarks (BenchmarkListRoomsBBox in the sqlite and postgres
// packages) share their data set size, seed, queries and metrics from here.
// docs/benchmarks.md explains how to run them and what they measured.
const (
	// EnvBenchRooms is the number of generated rooms the map benchmarks
	// run on; DefaultBenchRooms keeps `go test -bench .` quick.
	EnvBenchRooms     = "MEETPIN_BENCH_ROOMS"
	DefaultBenchRooms = 20000

	// BenchSeed is the seed of seed.GenerateRooms for the benchmark data
	// sets: the same size always gives the same rooms.
	BenchSeed uint64 = 1
)

// BenchRooms returns the data set size from MEETPIN_BENCH_ROOMS, or
// DefaultBenchRooms when it is unset.
func BenchRooms(tb testing.TB) int {
	tb.Helper()
	v := os.Getenv(EnvBenchRooms)
	if v == "" {
		return DefaultBenchRooms
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1000 {
		tb.Fatalf("%s=%q: want a whole number of rooms, at least 1000", EnvBenchRooms, v)
	}
	return n
}

// BenchBox is a named map viewport of the benchmarks.
type BenchBox struct {
	Name string
	BBox meetpin.BBox
}

// BenchBoxes are the viewports the map benchmarks query, from the
// smallest to the largest number of rooms they hold.
var BenchBoxes = []BenchBox{
	// About 1 km × 1 km around Gangnam station (37.4979, 127.0276).
	{"gangnam-1km", meetpin.BBox{South: 37.4934, West: 127.0219, North: 37.5024, East: 127.0333}},
	{"busan", meetpin.BBox{South: 35.05, West: 128.90, North: 35.30, East: 129.25}},
	// The viewport the front end opens on.
	{"seoul", meetpin.BBox{South: 37.45, West: 126.82, North: 37.68, East: 127.18}},
	// Every generated room lies inside it.
	{"korea", meetpin.BBox{South: 33.0, West: 124.5, North: 38.7, East: 131.0}},
}

// BenchQuery is one map query of the benchmarks: a box, an optional
// category and page 1 of a page size. Now is filled by the caller, with the
// time the data set was generated at.
type BenchQuery struct {
	Name   string
	Filter meetpin.RoomFilter
}

// BenchQueries are the map queries the benchmarks time: every box, with
// and without a category, page 1 of 20 (the default page) and of 100 (the
// largest page).
func BenchQueries(now time.Time) []BenchQuery {
	var qs []BenchQuery
	for _, box := range BenchBoxes {
		for _, cat := range []string{"", meetpin.CategoryDrink} {
			for _, limit := range []int{20, 100} {
				name := box.Name + "/cat=all"
				if cat != "" {
					name = box.Name + "/cat=" + cat
				}
				qs = append(qs, BenchQuery{
					Name:   fmt.Sprintf("%s/limit=%d", name, limit),
					Filter: meetpin.RoomFilter{BBox: box.BBox, Category: cat, Now: now, Limit: limit},
				})
			}
		}
	}
	// A signed-in viewer adds the blocked-users condition; BenchViewerID
	// blocked no one.
	seoul := BenchBoxes[2].BBox
	qs = append(qs, BenchQuery{
		Name:   "seoul/cat=all/limit=20/viewer",
		Filter: meetpin.RoomFilter{BBox: seoul, Now: now, Limit: 20, ViewerID: BenchViewerID},
	})
	return qs
}

// BenchViewerID is the signed-in viewer of the benchmarks: a well-formed
// id that is no user's.
const BenchViewerID = "00000000-0000-4000-8000-00000000b0b0"

// BenchListRooms runs one sub-benchmark of s.ListRooms per BenchQueries
// entry. Besides ns/op it reports the median and 99th percentile of the
// single calls (p50-µs, p99-µs), the rooms the filter matches (matched)
// and the rooms on the page (rows).
func BenchListRooms(b *testing.B, s meetpin.RoomStore, now time.Time) {
	for _, q := range BenchQueries(now) {
		b.Run(q.Name, func(b *testing.B) {
			ctx := context.Background()
			var total, rows int
			timings := make([]time.Duration, 0, 1024)
			for b.Loop() {
				start := time.Now()
				rooms, n, err := s.ListRooms(ctx, q.Filter)
				timings = append(timings, time.Since(start))
				if err != nil {
					b.Fatalf("ListRooms: %v", err)
				}
				total, rows = n, len(rooms)
			}
			ReportPercentiles(b, timings, "")
			b.ReportMetric(float64(total), "matched")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// BenchParts times the two statements of ListRooms apart, by SQL text the
// engine's benchmark rebuilds: count runs the count query of f, page the
// page query (reading its rows). It reports count-p50-µs, count-p99-µs,
// page-p50-µs and page-p99-µs; ns/op is the time of both.
func BenchParts(b *testing.B, now time.Time, count, page func(ctx context.Context, f meetpin.RoomFilter) error) {
	for _, q := range BenchQueries(now) {
		b.Run(q.Name, func(b *testing.B) {
			ctx := context.Background()
			var tc, tp []time.Duration
			for b.Loop() {
				start := time.Now()
				if err := count(ctx, q.Filter); err != nil {
					b.Fatalf("count: %v", err)
				}
				mid := time.Now()
				if err := page(ctx, q.Filter); err != nil {
					b.Fatalf("page: %v", err)
				}
				tc, tp = append(tc, mid.Sub(start)), append(tp, time.Since(mid))
			}
			ReportPercentiles(b, tc, "count-")
			ReportPercentiles(b, tp, "page-")
		})
	}
}

// ReportPercentiles reports the median and the 99th percentile (nearest
// rank) of per-iteration timings, in microseconds, as prefix+"p50-µs" and
// prefix+"p99-µs". It sorts timings.
func ReportPercentiles(b *testing.B, timings []time.Duration, prefix string) {
	if len(timings) == 0 {
		return
	}
	slices.Sort(timings)
	b.ReportMetric(Percentile(timings, 50).Seconds()*1e6, prefix+"p50-µs")
	b.ReportMetric(Percentile(timings, 99).Seconds()*1e6, prefix+"p99-µs")
}

// Percentile returns the p-th percentile (nearest rank) of sorted.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(float64(len(sorted))*p/100)) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
