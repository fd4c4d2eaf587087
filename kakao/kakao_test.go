package kakao_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/kakao"
	"meetpin.app/kakao/kakaotest"
)

func client(f *kakaotest.Fake, key string) *kakao.Client {
	return kakao.New(kakao.Config{Key: key, BaseURL: f.URL, Timeout: 300 * time.Millisecond})
}

func TestCoord2Address(t *testing.T) {
	t.Parallel()
	f := kakaotest.NewFake(t)
	c := client(f, kakaotest.GoodKey)

	a, err := c.Coord2Address(t.Context(), 37.4979, 127.0276)
	if err != nil {
		t.Fatal(err)
	}
	if a.Road != "서울특별시 강남구 강남대로 396" || a.Lot != "서울 강남구 역삼동 858" {
		t.Fatalf("address %+v", a)
	}
	req := f.Last()
	if req.Header.Get("Authorization") != "KakaoAK "+kakaotest.GoodKey {
		t.Fatalf("Authorization %q", req.Header.Get("Authorization"))
	}
	// x is the longitude, y the latitude.
	if q := req.URL.Query(); q.Get("x") != "127.027600" || q.Get("y") != "37.497900" {
		t.Fatalf("query %v", q)
	}

	// Lot address only.
	a, err = c.Coord2Address(t.Context(), 33.11, 126.27)
	if err != nil || a.Road != "" || !strings.HasPrefix(a.Lot, "제주특별자치도") {
		t.Fatalf("Jeju: %+v %v", a, err)
	}
	// No address at all.
	a, err = c.Coord2Address(t.Context(), 0, 0)
	if err != nil || a != nil {
		t.Fatalf("sea: %+v %v", a, err)
	}
}

func TestSearchPlaces(t *testing.T) {
	t.Parallel()
	f := kakaotest.NewFake(t)
	c := client(f, kakaotest.GoodKey)
	list, err := c.SearchPlaces(t.Context(), meetpin.PlaceQuery{Query: "강남역 카페", HasPoint: true, Lat: 37.4979, Lng: 127.0276, Radius: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 2 || len(list.Places) != 2 {
		t.Fatalf("list %+v", list)
	}
	p := list.Places[0]
	if p.Name != "스타벅스 강남역점" || p.RoadAddress != "서울 강남구 강남대로 396" || p.Address != "서울 강남구 역삼동 858" ||
		p.Lat != 37.497942 || p.Lng != 127.02801 || p.Distance != 120 || p.Phone != "1522-3232" ||
		p.URL != "http://place.map.kakao.com/8140712" || !strings.HasPrefix(p.Category, "음식점 > 카페") {
		t.Fatalf("place %+v", p)
	}
	q := f.Last().URL.Query()
	if q.Get("query") != "강남역 카페" || q.Get("x") != "127.027600" || q.Get("y") != "37.497900" || q.Get("radius") != "1000" {
		t.Fatalf("query %v", q)
	}
	// Without a point: no x, y, radius, and no distance.
	list, err = c.SearchPlaces(t.Context(), meetpin.PlaceQuery{Query: "강남역"})
	if err != nil || list.Places[0].Distance != 0 {
		t.Fatalf("no point: %+v %v", list, err)
	}
	if q := f.Last().URL.Query(); q.Has("x") || q.Has("radius") {
		t.Fatalf("query without a point: %v", q)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	f := kakaotest.NewFake(t)
	for _, tc := range []struct {
		name  string
		key   string
		query string
		want  error
		in    string // in the message
	}{
		{"bad key", "wrong-key", "카페", kakao.ErrBadKey, "AccessDeniedError"},
		{"quota", kakaotest.QuotaKey, "카페", kakao.ErrQuota, "RequestThresholdExceeded"},
		{"timeout", kakaotest.GoodKey, "느린", kakao.ErrTimeout, "no answer in time"},
		{"malformed body", kakaotest.GoodKey, "깨진", kakao.ErrMalformed, "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := client(f, tc.key)
			start := time.Now()
			_, err := c.SearchPlaces(t.Context(), meetpin.PlaceQuery{Query: tc.query})
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.in) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if time.Since(start) > 4*time.Second {
				t.Fatalf("took %s: the timeout did not hold", time.Since(start))
			}
			if strings.Contains(err.Error(), tc.key) {
				t.Fatalf("error leaks the key: %v", err)
			}
			// The same failure from coord2address, except for the
			// keyword-only cases.
			if tc.want == kakao.ErrBadKey || tc.want == kakao.ErrQuota {
				if _, err := c.Coord2Address(t.Context(), 37.5, 127); !errors.Is(err, tc.want) {
					t.Fatalf("coord2address: %v", err)
				}
			}
			if h := c.Health(t.Context()); h.Status != meetpin.StatusUnhealthy {
				t.Fatalf("health after %s: %+v", tc.name, h)
			}
		})
	}
	// A 400 is an answer about the request: the API works.
	c := client(f, kakaotest.GoodKey)
	var ke *kakao.Error
	if _, err := c.SearchPlaces(t.Context(), meetpin.PlaceQuery{}); !errors.As(err, &ke) || ke.Status != 400 || ke.Type != "MissingParameter" {
		t.Fatalf("missing query: %v", err)
	}
	if h := c.Health(t.Context()); h.Status != meetpin.StatusHealthy {
		t.Fatalf("health after a 400: %+v", h)
	}
	// Nothing listening.
	dead := kakao.New(kakao.Config{Key: kakaotest.GoodKey, BaseURL: "http://127.0.0.1:1", Timeout: time.Second})
	if _, err := dead.Coord2Address(t.Context(), 37.5, 127); err == nil || strings.Contains(err.Error(), "127.0.0.1:1/v2") {
		t.Fatalf("unreachable: %v", err)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	f := kakaotest.NewFake(t)
	c := client(f, kakaotest.GoodKey)
	if c.Name() != "kakaoMaps" {
		t.Fatalf("name %q", c.Name())
	}
	for range 20 {
		if h := c.Health(t.Context()); h.Status != meetpin.StatusHealthy {
			t.Fatalf("health %+v", h)
		}
	}
	if f.Calls() != 1 {
		t.Fatalf("20 probes made %d calls to Kakao, want 1", f.Calls())
	}
	bad := client(f, "wrong-key")
	if h := bad.Health(t.Context()); h.Status != meetpin.StatusUnhealthy || !strings.Contains(h.Details["error"].(string), "401") {
		t.Fatalf("bad key health %+v", h)
	}
	f.SetDown(true)
	down := client(f, kakaotest.GoodKey)
	if h := down.Health(t.Context()); h.Status != meetpin.StatusUnhealthy {
		t.Fatalf("down health %+v", h)
	}
	if h := kakao.NotConfigured().Health(t.Context()); h.Status != meetpin.StatusNotConfigured {
		t.Fatalf("not configured %+v", h)
	}
}
