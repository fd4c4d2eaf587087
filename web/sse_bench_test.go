package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/sqlite/sqlitetest"
)

// BenchmarkChatDelivery measures message posting and SSE delivery with many
// open streams: MEETPIN_BENCH_STREAMS streams (default 1000: 500 matches,
// both people of each match connected) on SQLite with the in-process broker.
// MEETPIN_BENCH_POSTERS clients (default 8) post at once. Each iteration
// posts one message over HTTP to a match (round robin) and
// the latency is from the start of the POST to the event's arrival on the
// other person's stream. It reports messages/s and delivery p50/p99.
func BenchmarkChatDelivery(b *testing.B) {
	streams := 1000
	if v, err := strconv.Atoi(os.Getenv("MEETPIN_BENCH_STREAMS")); err == nil && v >= 2 {
		streams = v
	}
	posters := 8
	if v, err := strconv.Atoi(os.Getenv("MEETPIN_BENCH_POSTERS")); err == nil && v >= 1 {
		posters = v
	}
	s := newServer(b, sqlitetest.New(b))
	ctx := context.Background()
	type pair struct {
		match       string
		host, guest string // tokens
	}
	pairs := make([]pair, streams/2)
	for i := range pairs {
		h, err := s.App.Signup(ctx, app.SignupInput{Email: fmt.Sprintf("bh%d@example.com", i), Password: "benchmark-pw", Nickname: fmt.Sprintf("bh%d", i)})
		if err != nil {
			b.Fatal(err)
		}
		g, err := s.App.Signup(ctx, app.SignupInput{Email: fmt.Sprintf("bg%d@example.com", i), Password: "benchmark-pw", Nickname: fmt.Sprintf("bg%d", i)})
		if err != nil {
			b.Fatal(err)
		}
		title, cat, place, start := "bench", meetpin.CategoryOther, "Seoul", time.Now().Add(3*time.Hour).Format(time.RFC3339)
		lat, lng := 37.5, 127.0
		room, err := s.App.CreateRoom(ctx, h.User, app.RoomInput{Title: &title, Category: &cat, Lat: &lat, Lng: &lng, PlaceText: &place, StartAt: &start})
		if err != nil {
			b.Fatal(err)
		}
		req, err := s.App.CreateRequest(ctx, g.User, app.RequestInput{RoomID: room.ID})
		if err != nil {
			b.Fatal(err)
		}
		d, err := s.App.DecideRequest(ctx, h.User, req.ID, meetpin.RequestAccepted)
		if err != nil {
			b.Fatal(err)
		}
		pairs[i] = pair{match: d.Match.ID, host: h.Token, guest: g.Token}
	}

	var mu sync.Mutex
	arrived := map[string]time.Time{}
	streamCtx, stop := context.WithCancel(ctx)
	defer stop()
	var ready sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: streams + 16}}
	for _, p := range pairs {
		for _, token := range []string{p.host, p.guest} {
			ready.Add(1)
			go func() {
				req, _ := http.NewRequestWithContext(streamCtx, "GET", s.URL+"/api/matches/"+p.match+"/events", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				ready.Done()
				if err != nil {
					return
				}
				defer res.Body.Close()
				sc := bufio.NewScanner(res.Body)
				for sc.Scan() {
					line := sc.Text()
					if !strings.HasPrefix(line, "data: ") {
						continue
					}
					var m meetpin.Message
					if json.Unmarshal([]byte(line[6:]), &m) == nil && m.Text != "" {
						mu.Lock()
						if _, seen := arrived[m.Text+"|"+token]; !seen {
							arrived[m.Text+"|"+token] = time.Now()
						}
						mu.Unlock()
					}
				}
			}()
		}
	}
	ready.Wait()
	time.Sleep(200 * time.Millisecond) // let every stream subscribe

	sent := make([]time.Time, b.N)
	receiver := make([]string, b.N)
	b.ResetTimer()
	start := time.Now()
	var next atomic.Int64
	var posting sync.WaitGroup
	failed := make(chan error, posters)
	for range posters {
		posting.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				p := pairs[i%len(pairs)]
				text := "m" + strconv.Itoa(i)
				receiver[i] = text + "|" + p.guest
				body := strings.NewReader(`{"text":"` + text + `"}`)
				req, _ := http.NewRequest("POST", s.URL+"/api/matches/"+p.match+"/messages", body)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+p.host)
				sent[i] = time.Now()
				res, err := client.Do(req)
				if err != nil || res.StatusCode != 201 {
					failed <- fmt.Errorf("post: %v %v", res, err)
					return
				}
				res.Body.Close()
			}
		})
	}
	posting.Wait()
	elapsed := time.Since(start)
	select {
	case err := <-failed:
		b.Fatal(err)
	default:
	}
	b.StopTimer()
	// Wait (bounded) for the last deliveries.
	deadline := time.Now().Add(10 * time.Second)
	var lat []time.Duration
	for time.Now().Before(deadline) {
		mu.Lock()
		lat = lat[:0]
		for i := range b.N {
			if at, ok := arrived[receiver[i]]; ok {
				lat = append(lat, at.Sub(sent[i]))
			}
		}
		mu.Unlock()
		if len(lat) == b.N {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(lat) != b.N {
		b.Fatalf("delivered %d of %d messages", len(lat), b.N)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(streams), "streams")
	b.ReportMetric(float64(posters), "posters")
}
