package web_test

import (
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/inmem"
	"meetpin.app/kakao"
	"meetpin.app/kakao/kakaotest"
	"meetpin.app/sqlite/sqlitetest"
	"meetpin.app/web"
)

// placesServer is a server whose places come from the Kakao fake, with key.
func placesServer(t *testing.T, key string) (*testServer, *kakaotest.Fake) {
	f := kakaotest.NewFake(t)
	c := kakao.New(kakao.Config{Key: key, BaseURL: f.URL, Timeout: 500 * time.Millisecond})
	return newServerEdit(t, sqlitetest.New(t), func(ao *app.Options, _ *web.Options) { ao.Places = c }), f
}

type addressView struct {
	Address     string  `json:"address"`
	RoadAddress *string `json:"road_address"`
	LotAddress  *string `json:"lot_address"`
	Source      string  `json:"source"`
}

func TestCoord2Address(t *testing.T) {
	t.Parallel()
	s, f := placesServer(t, kakaotest.GoodKey)
	var a addressView
	s.call("GET", "/api/kakao/coord2address?lat=37.4979&lng=127.0276", nil, "").want(t, 200, "").into(t, &a)
	if a.Source != "kakao" || a.Address != "서울특별시 강남구 강남대로 396" || *a.RoadAddress != a.Address || *a.LotAddress != "서울 강남구 역삼동 858" {
		t.Fatalf("address %+v", a)
	}
	// Three metres away: the cached answer, no second call.
	s.call("GET", "/api/kakao/coord2address?lat=37.49792&lng=127.02761", nil, "").want(t, 200, "").into(t, &a)
	if f.Calls() != 1 || a.Source != "kakao" {
		t.Fatalf("a nearby point called Kakao again (%d calls)", f.Calls())
	}
	// Lot address only; then no address at all.
	s.call("GET", "/api/kakao/coord2address?lat=33.11&lng=126.27", nil, "").want(t, 200, "").into(t, &a)
	if a.RoadAddress != nil || !strings.HasPrefix(a.Address, "제주") || a.Address != *a.LotAddress {
		t.Fatalf("Jeju %+v", a)
	}
	s.call("GET", "/api/kakao/coord2address?lat=0&lng=0", nil, "").want(t, 200, "").into(t, &a)
	if a.Source != "none" || a.Address != "위도 0.000000, 경도 0.000000" {
		t.Fatalf("sea %+v", a)
	}

	for _, q := range []string{"", "lat=37.5", "lng=127", "lat=abc&lng=127", "lat=91&lng=127", "lat=37.5&lng=-181",
		"lat=NaN&lng=127", "lat=37.5&lng=Inf", "lat=1e400&lng=127"} {
		r := s.call("GET", "/api/kakao/coord2address?"+q, nil, "").want(t, 400, meetpin.EVALIDATION)
		if !strings.Contains(r.Raw, `"fields"`) {
			t.Fatalf("%q: no fields in %s", q, r.Raw)
		}
	}
}

// TestCoord2AddressDegrades: without a key, with a refused key, over quota,
// too slow or with a garbled answer, the point still gets a name: its
// coordinates, with 200 and source "none".
func TestCoord2AddressDegrades(t *testing.T) {
	t.Parallel()
	want := "위도 37.497900, 경도 127.027600"
	check := func(t *testing.T, s *testServer) {
		var a addressView
		s.call("GET", "/api/kakao/coord2address?lat=37.4979&lng=127.0276", nil, "").want(t, 200, "").into(t, &a)
		if a.Source != "none" || a.Address != want || a.RoadAddress != nil || a.LotAddress != nil {
			t.Fatalf("degraded answer %+v", a)
		}
	}
	t.Run("no key", func(t *testing.T) { t.Parallel(); check(t, newServer(t, sqlitetest.New(t))) })
	t.Run("bad key", func(t *testing.T) { t.Parallel(); s, _ := placesServer(t, "wrong"); check(t, s) })
	t.Run("quota", func(t *testing.T) { t.Parallel(); s, _ := placesServer(t, kakaotest.QuotaKey); check(t, s) })
	t.Run("down", func(t *testing.T) {
		t.Parallel()
		s, f := placesServer(t, kakaotest.GoodKey)
		f.SetDown(true)
		check(t, s)
		// A failure is not cached: Kakao back, the address is back.
		f.SetDown(false)
		var a addressView
		s.call("GET", "/api/kakao/coord2address?lat=37.4979&lng=127.0276", nil, "").want(t, 200, "").into(t, &a)
		if a.Source != "kakao" {
			t.Fatalf("after recovery %+v", a)
		}
	})
	// Room creation never depends on Kakao: the typed or coordinate text works.
	t.Run("room creation", func(t *testing.T) {
		t.Parallel()
		s, f := placesServer(t, kakaotest.GoodKey)
		f.SetDown(true)
		u := s.signup("host")
		s.createRoom(u, map[string]any{"place_text": want})
	})
}

func TestPlaceSearch(t *testing.T) {
	t.Parallel()
	s, f := placesServer(t, kakaotest.GoodKey)
	var res struct {
		Places []meetpin.Place `json:"places"`
		Total  int             `json:"total_count"`
		Source string          `json:"source"`
	}
	s.call("GET", "/api/places/search?query=%EA%B0%95%EB%82%A8%EC%97%AD+%EC%B9%B4%ED%8E%98&lat=37.4979&lng=127.0276", nil, "").want(t, 200, "").into(t, &res)
	if res.Source != "kakao" || res.Total != 2 || len(res.Places) != 2 || res.Places[0].Name != "스타벅스 강남역점" || res.Places[0].Distance != 120 {
		t.Fatalf("search %+v", res)
	}
	if q := f.Last().URL.Query(); q.Get("query") != "강남역 카페" || q.Get("radius") != "2000" || q.Get("x") != "127.027600" {
		t.Fatalf("sent %v", q)
	}
	calls := f.Calls()
	s.call("GET", "/api/places/search?query=%EA%B0%95%EB%82%A8%EC%97%AD+%EC%B9%B4%ED%8E%98&lat=37.49791&lng=127.0276", nil, "").want(t, 200, "")
	if f.Calls() != calls {
		t.Fatal("the same search nearby called Kakao again")
	}
	// No point: a plain keyword search.
	s.call("GET", "/api/places/search?query=%EA%B0%95%EB%82%A8", nil, "").want(t, 200, "").into(t, &res)
	if res.Places[0].Distance != 0 {
		t.Fatalf("distance without a point: %+v", res.Places[0])
	}

	for _, q := range []string{"", "query=", "query=+++", "query=x&lat=37.5", "query=x&lat=95&lng=127", "query=x&radius=100",
		"query=x&lat=37.5&lng=127&radius=0", "query=x&lat=37.5&lng=127&radius=20001", "query=x&lat=37.5&lng=127&radius=abc",
		"query=" + strings.Repeat("a", 101)} {
		s.call("GET", "/api/places/search?"+q, nil, "").want(t, 400, meetpin.EVALIDATION)
	}
}

// TestPlaceSearchUnavailable: no key, a refused key, quota, a timeout and a
// garbled answer are each a 503 PLACES_UNAVAILABLE, within the timeout.
func TestPlaceSearchUnavailable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, key, query string }{
		{"bad key", "wrong", "카페"},
		{"quota", kakaotest.QuotaKey, "카페"},
		{"timeout", kakaotest.GoodKey, "느린"},
		{"malformed", kakaotest.GoodKey, "깨진"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _ := placesServer(t, tc.key)
			start := time.Now()
			r := s.call("GET", "/api/places/search?query="+tc.query, nil, "").want(t, 503, meetpin.EPLACESUNAVAILABLE)
			if time.Since(start) > 4*time.Second {
				t.Fatalf("took %s", time.Since(start))
			}
			if strings.Contains(r.Raw, tc.key) || strings.Contains(r.Raw, "127.0.0.1") || !strings.Contains(r.Message, "type the place instead") {
				t.Fatalf("leaks: %s", r.Raw)
			}
		})
	}
	t.Run("no key", func(t *testing.T) {
		t.Parallel()
		newServer(t, sqlitetest.New(t)).call("GET", "/api/places/search?query=카페", nil, "").want(t, 503, meetpin.EPLACESUNAVAILABLE)
	})
}

// TestPlaceRateLimit: 60 lookups a minute per user (per address when
// anonymous), then 429 with Retry-After; other callers are not affected.
func TestPlaceRateLimit(t *testing.T) {
	t.Parallel()
	s, _ := placesServer(t, kakaotest.GoodKey)
	a, b := s.signup("aaa"), s.signup("bbb")
	path := "/api/kakao/coord2address?lat=37.4979&lng=127.0276"
	for i := range 60 {
		r := s.call("GET", path, nil, a.Token).want(t, 200, "")
		if i == 0 && r.Header.Get("RateLimit-Limit") != "60" {
			t.Fatalf("RateLimit-Limit %q", r.Header.Get("RateLimit-Limit"))
		}
	}
	r := s.call("GET", path, nil, a.Token).want(t, 429, meetpin.ERATELIMIT)
	if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" || r.Header.Get("RateLimit-Remaining") != "0" {
		t.Fatalf("429 headers %v", r.Header)
	}
	s.call("GET", path, nil, b.Token).want(t, 200, "")
	// Search has its own budget.
	s.call("GET", "/api/places/search?query=x", nil, a.Token).want(t, 200, "")
	// Anonymous callers share their address's budget.
	for range 60 {
		s.call("GET", path, nil, "").want(t, 200, "")
	}
	s.call("GET", path, nil, "").want(t, 429, meetpin.ERATELIMIT)
}

// TestPlaceSearchWithoutKeyIsNoError: without a Kakao key the 503 is the
// configured answer: no ERROR log line and no server error in the window
// that the error-rate alert reads, while a failing Kakao still is both.
func TestPlaceSearchWithoutKeyIsNoError(t *testing.T) {
	t.Parallel()
	search := func(s *testServer) {
		for range 25 {
			s.call("GET", "/api/places/search?query=카페", nil, "").want(t, 503, meetpin.EPLACESUNAVAILABLE)
		}
	}
	errorLines := func(logs *logBuffer) int {
		n := 0
		for _, rec := range logs.records(t) {
			if rec["level"] == "ERROR" {
				n++
			}
		}
		return n
	}

	s, logs, stop := newLoggedServer(t, sqlitetest.New(t))
	search(s)
	stop()
	total := s.Srv.Metrics().Window().Total(5 * time.Minute)
	if total.Requests != 25 || total.Errors != 0 || total.ErrorRate != 0 {
		t.Fatalf("without a key: %+v, want 25 requests and no errors", total)
	}
	if n := errorLines(logs); n != 0 {
		t.Fatalf("without a key: %d ERROR lines:\n%s", n, logs)
	}

	f := kakaotest.NewFake(t)
	c := kakao.New(kakao.Config{Key: "wrong", BaseURL: f.URL, Timeout: 500 * time.Millisecond})
	logs = &logBuffer{}
	s = buildServer(t, sqlitetest.New(t), serverOpts{log: logs, cache: inmem.NewCache(1 << 20),
		edit: func(ao *app.Options, _ *web.Options) { ao.Places = c }})
	search(s)
	s.Close()
	if total := s.Srv.Metrics().Window().Total(5 * time.Minute); total.Errors != 25 {
		t.Fatalf("Kakao failing: %+v, want 25 errors", total)
	}
	if n := errorLines(logs); n < 25 {
		t.Fatalf("Kakao failing: %d ERROR lines, want at least 25", n)
	}
}
