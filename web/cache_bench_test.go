package web_test

import (
	"io"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/inmem"
	"meetpin.app/meetpintest"
	"meetpin.app/redis"
	"meetpin.app/seed"
	"meetpin.app/sqlite/sqlitetest"
)

// BenchmarkRoomList measures GET /api/rooms over HTTP on SQLite holding
// MEETPIN_BENCH_ROOMS generated rooms (default 20000, seed.GenerateRooms:
// a few percent upcoming, most around Seoul), without a cache, with the
// in-process cache, and with the Redis cache (on a redis-server of its own,
// when Redis tests run). Clients are anonymous and ask for the first page
// of a Seoul box, as the landing map does: with a cache, every request but
// the first is a hit. MEETPIN_BENCH_APP=1 calls the app layer instead of
// the HTTP API, leaving out HTTP and the response's encoding.
func BenchmarkRoomList(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("MEETPIN_BENCH_ROOMS")); err == nil && v > 0 {
		n = v
	}
	store := sqlitetest.New(b)
	upcoming, err := seed.GenerateRooms(b.Context(), store, n, seed.GenOptions{Now: time.Now(), Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	path := "/api/rooms?bbox=" + seoulBBox + "&limit=20"

	run := func(b *testing.B, cache meetpin.Cache) {
		s := newServerWith(b, store, nil, cache)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		get := func() {
			res, err := client.Get(s.URL + path)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
		get() // warm: the connection, and the cache when there is one
		var total struct{ Pagination struct{ Total int } }
		s.call("GET", path, nil, "").want(b, 200, "").into(b, &total)
		b.ResetTimer()
		if os.Getenv("MEETPIN_BENCH_APP") != "" {
			// The app layer alone, without HTTP and the response encoding.
			q := app.RoomQuery{BBox: seoulBBox, Limit: "20"}
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.App.ListRooms(b.Context(), nil, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		} else {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					get()
				}
			})
		}
		b.ReportMetric(float64(total.Pagination.Total), "rooms-in-box")
		b.ReportMetric(float64(upcoming), "upcoming")
		if cache != nil {
			b.ReportMetric(cache.Stats(b.Context()).HitRate, "hit-rate")
		}
	}
	b.Run("nocache", func(b *testing.B) { run(b, nil) })
	b.Run("inmem", func(b *testing.B) { run(b, inmem.NewCache(64<<20)) })
	b.Run("redis", func(b *testing.B) {
		srv := meetpintest.StartRedisServer(b)
		client, err := redis.NewClient(srv.URL())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { client.Close() })
		run(b, redis.NewCache(client, nil))
	})
}
