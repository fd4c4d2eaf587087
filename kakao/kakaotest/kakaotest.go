// Package kakaotest is a stand-in for the Kakao Local REST API, for tests.
package kakaotest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fake is an httptest server that speaks Kakao Local's documented JSON,
// for tests of this package and of its callers. It accepts the key GoodKey;
// QuotaKey gets 429; any other key gets 401. The point 0,0 (the sea) has no
// address; a point in Jeju (lat < 34) has a lot address only. The keyword
// "느린" answers after SlowFor, "깨진" answers a malformed body, and
// SetDown(true) makes every answer a 500.
type Fake struct {
	*httptest.Server
	SlowFor time.Duration

	calls atomic.Int64
	down  atomic.Bool
	mu    sync.Mutex
	last  *http.Request
}

// Keys of the fake.
const (
	GoodKey  = "kakao-good-key"
	QuotaKey = "kakao-quota-key"
)

// NewFake starts a fake, closed when the test ends.
func NewFake(t testing.TB) *Fake {
	f := &Fake{SlowFor: 5 * time.Second}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// Calls counts the requests received.
func (f *Fake) Calls() int { return int(f.calls.Load()) }

// SetDown makes every answer a 500 (true) or serves normally again.
func (f *Fake) SetDown(down bool) { f.down.Store(down) }

// Last returns the last request received.
func (f *Fake) Last() *http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	f.mu.Lock()
	f.last = r
	f.mu.Unlock()
	fail := func(status int, typ, msg string) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"errorType":%q,"message":%q}`, typ, msg)
	}
	if f.down.Load() {
		fail(http.StatusInternalServerError, "InternalServerError", "internal error")
		return
	}
	switch r.Header.Get("Authorization") {
	case "KakaoAK " + GoodKey:
	case "KakaoAK " + QuotaKey:
		fail(http.StatusTooManyRequests, "RequestThresholdExceeded", "API limit has been exceeded.")
		return
	default:
		fail(http.StatusUnauthorized, "AccessDeniedError", "cannot find appkey")
		return
	}
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	switch r.URL.Path {
	case "/v2/local/geo/coord2address.json":
		x, errX := strconv.ParseFloat(q.Get("x"), 64)
		y, errY := strconv.ParseFloat(q.Get("y"), 64)
		switch {
		case errX != nil || errY != nil:
			fail(http.StatusBadRequest, "InvalidArgument", "x, y must be numbers")
		case x == 0 && y == 0:
			fmt.Fprint(w, `{"meta":{"total_count":0},"documents":[]}`)
		case y < 34:
			fmt.Fprint(w, `{"meta":{"total_count":1},"documents":[{"road_address":null,"address":{"address_name":"제주특별자치도 서귀포시 대정읍 마라리 1","region_1depth_name":"제주특별자치도","main_address_no":"1","mountain_yn":"N"}}]}`)
		default:
			fmt.Fprint(w, `{"meta":{"total_count":1},"documents":[{"road_address":{"address_name":"서울특별시 강남구 강남대로 396","region_1depth_name":"서울","road_name":"강남대로","building_name":"강남역","zone_no":"06232"},"address":{"address_name":"서울 강남구 역삼동 858","region_1depth_name":"서울","main_address_no":"858","mountain_yn":"N"}}]}`)
		}
	case "/v2/local/search/keyword.json":
		switch q.Get("query") {
		case "":
			fail(http.StatusBadRequest, "MissingParameter", "query parameter required")
		case "느린":
			select {
			case <-time.After(f.SlowFor):
			case <-r.Context().Done():
			}
			fmt.Fprint(w, `{"meta":{"total_count":0,"pageable_count":0,"is_end":true},"documents":[]}`)
		case "깨진":
			fmt.Fprint(w, `{"meta":{"total_count":1},"documents":[{"place_name":"강남`)
		default:
			dist := ""
			if q.Get("x") != "" {
				dist = "120"
			}
			fmt.Fprintf(w, `{"meta":{"total_count":2,"pageable_count":2,"is_end":true,"same_name":{"region":[],"keyword":%q,"selected_region":""}},"documents":[
				{"id":"8140712","place_name":"스타벅스 강남역점","category_name":"음식점 > 카페 > 커피전문점 > 스타벅스","category_group_code":"CE7","category_group_name":"카페","phone":"1522-3232","address_name":"서울 강남구 역삼동 858","road_address_name":"서울 강남구 강남대로 396","x":"127.028010","y":"37.497942","place_url":"http://place.map.kakao.com/8140712","distance":%q},
				{"id":"26338954","place_name":"강남역 2호선","category_name":"교통,수송 > 지하철,전철 > 수도권2호선","category_group_code":"SW8","category_group_name":"지하철역","phone":"02-6110-2221","address_name":"서울 강남구 역삼동 858","road_address_name":"","x":"127.027610","y":"37.497952","place_url":"http://place.map.kakao.com/21160803","distance":%q}]}`,
				q.Get("query"), dist, dist)
		}
	default:
		fail(http.StatusNotFound, "NotFound", "no such API")
	}
}
