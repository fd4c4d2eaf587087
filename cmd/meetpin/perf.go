package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// perfResult is what `meetpin perf` measures and saves as JSON.
type perfResult struct {
	URL         string               `json:"url"`
	Created     time.Time            `json:"created"`
	DurationS   float64              `json:"duration_s"`
	Concurrency int                  `json:"concurrency"`
	perfStats                        // all routes together
	RPS         float64              `json:"rps"`
	Routes      map[string]perfStats `json:"routes"`
}

// perfStats are one route's (or all routes') figures.
type perfStats struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	P50Ms    float64 `json:"p50_ms"`
	P95Ms    float64 `json:"p95_ms"`
	P99Ms    float64 `json:"p99_ms"`
}

func cmdPerf(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || (args[0] != "baseline" && args[0] != "compare") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stdout, perfUsage)
			return nil
		}
		fmt.Fprintln(e.stderr, perfUsage)
		return errUsage
	}
	mode := args[0]
	fs := newFlags(e, "perf "+mode, perfUsage)
	duration := fs.Duration("duration", 10*time.Second, "how long the load runs at most")
	requests := fs.Int("requests", 0, "stop after this many requests (0: only the duration bounds the run)")
	concurrency := fs.Int("concurrency", 4, "requests in flight at once (1 to 64)")
	out := fs.String("out", "", "write the result as JSON to this file (baseline: default perf-baseline.json)")
	baselineFile := fs.String("baseline", "", "compare: the JSON file of `meetpin perf baseline`")
	threshold := fs.Float64("threshold", 20, "compare: exit 1 when p95 grows by more than this many percent")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || *concurrency < 1 || *concurrency > 64 || *duration <= 0 || *duration > time.Hour || *requests < 0 {
		fs.Usage()
		return errUsage
	}
	base, err := baseURL(fs.Arg(0))
	if err != nil {
		return err
	}
	var baseline perfResult
	if mode == "compare" {
		if *baselineFile == "" {
			return errors.New("compare needs --baseline FILE (written by `meetpin perf baseline`)")
		}
		b, err := os.ReadFile(*baselineFile)
		if err != nil {
			return fmt.Errorf("reading the baseline: %v", pathErr(err))
		}
		if err := json.Unmarshal(b, &baseline); err != nil || baseline.Requests == 0 {
			return fmt.Errorf("%s is not a baseline written by `meetpin perf baseline`", *baselineFile)
		}
	} else if *out == "" {
		*out = "perf-baseline.json"
	}

	res, err := perfRun(ctx, base, *duration, *requests, *concurrency)
	if err != nil {
		return err
	}
	if *out != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("writing %s: %v", *out, pathErr(err))
		}
	}
	warn := ""
	if res.Errors > 0 {
		warn = fmt.Sprintf("; %d errors (%.1f%%): the figures are not comparable (a 429 means rate limits: run against a server with MEETPIN_RATELIMIT=off)", res.Errors, 100*float64(res.Errors)/float64(res.Requests))
	}
	if mode == "baseline" {
		perfTable(e.stdout, res, nil)
		fmt.Fprintf(e.stdout, "%d requests in %.1fs, %.0f req/s; saved to %s%s\n", res.Requests, res.DurationS, res.RPS, *out, warn)
		return nil
	}
	perfTable(e.stdout, res, &baseline)
	delta := pctChange(baseline.P95Ms, res.P95Ms)
	fmt.Fprintf(e.stdout, "p95 %.2fms → %.2fms (%+.1f%%), req/s %.0f → %.0f%s\n", baseline.P95Ms, res.P95Ms, delta, baseline.RPS, res.RPS, warn)
	if delta > *threshold {
		return fmt.Errorf("p95 regressed by %.1f%% (%.2fms → %.2fms), more than the %.0f%% threshold", delta, baseline.P95Ms, res.P95Ms, *threshold)
	}
	return nil
}

const perfUsage = `perf baseline [flags] URL | perf compare [flags] --baseline FILE URL

  baseline  runs a short, bounded load over the main read routes (the room list of a
            Seoul box, a room, the home page, the map page) and saves p50/p95/p99 and
            req/s as JSON (--out, default perf-baseline.json)
  compare   runs the same load and prints the deltas against --baseline; exit 1 when
            the overall p95 grows by more than --threshold percent (default 20)

Run it against one replica with MEETPIN_RATELIMIT=off (or from a trusted address):
the default limit of 100 requests a minute turns a load into 429s.

Flags (meetpin perf baseline -h lists them):`

// perfRoutes are the read routes of the load; {room} is a room of the list.
var perfRoutes = []string{
	"GET /api/rooms?bbox=37.45,126.82,37.68,127.18",
	"GET /api/rooms/{room}",
	"GET /",
	"GET /map",
}

// perfRun runs the load and computes its figures.
func perfRun(ctx context.Context, base string, duration time.Duration, maxRequests, concurrency int) (perfResult, error) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}
	defer client.CloseIdleConnections()
	// One room id for the room route, from the list.
	roomID := ""
	if res, err := client.Get(base + strings.TrimPrefix(perfRoutes[0], "GET ")); err != nil {
		return perfResult{}, fmt.Errorf("the server does not answer: %v", err)
	} else {
		var v struct {
			Data struct{ Rooms []struct{ ID string } }
		}
		err := json.NewDecoder(res.Body).Decode(&v)
		res.Body.Close()
		if res.StatusCode != 200 {
			return perfResult{}, fmt.Errorf("the room list answers HTTP %d", res.StatusCode)
		}
		if err != nil {
			return perfResult{}, fmt.Errorf("the room list is not JSON: %v", err)
		}
		if len(v.Data.Rooms) > 0 {
			roomID = v.Data.Rooms[0].ID
		}
	}
	var routes []string
	for _, r := range perfRoutes {
		if strings.Contains(r, "{room}") {
			if roomID == "" {
				continue // no room to read
			}
			r = strings.Replace(r, "{room}", roomID, 1)
		}
		routes = append(routes, r)
	}

	lctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	type sample struct {
		route int
		d     time.Duration
		ok    bool
	}
	var (
		mu      sync.Mutex
		samples []sample
		issued  atomic.Int64
		wg      sync.WaitGroup
	)
	start := time.Now()
	for w := range concurrency {
		wg.Go(func() {
			var mine []sample
			for i := w; lctx.Err() == nil; i++ {
				if maxRequests > 0 && issued.Add(1) > int64(maxRequests) {
					break
				}
				ri := i % len(routes)
				req, _ := http.NewRequestWithContext(lctx, "GET", base+strings.TrimPrefix(routes[ri], "GET "), nil)
				req.Header.Set("User-Agent", "meetpin-perf")
				t0 := time.Now()
				res, err := client.Do(req)
				ok := false
				if err == nil {
					_, cerr := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					ok = cerr == nil && res.StatusCode < 400
				} else if lctx.Err() != nil {
					break // cut by the end of the run: not a sample
				}
				mine = append(mine, sample{ri, time.Since(t0), ok})
			}
			mu.Lock()
			samples = append(samples, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(samples) == 0 {
		return perfResult{}, errors.New("no request completed")
	}
	res := perfResult{URL: base, Created: time.Now().UTC(), DurationS: math.Round(elapsed.Seconds()*1000) / 1000,
		Concurrency: concurrency, Routes: map[string]perfStats{}}
	all := make([]time.Duration, 0, len(samples))
	byRoute := make([][]time.Duration, len(routes))
	errs := make([]int, len(routes))
	for _, s := range samples {
		all = append(all, s.d)
		byRoute[s.route] = append(byRoute[s.route], s.d)
		if !s.ok {
			errs[s.route]++
			res.Errors++
		}
	}
	res.perfStats = perfStatsOf(all, res.Errors)
	res.RPS = math.Round(float64(len(samples))/elapsed.Seconds()*10) / 10
	for i, r := range routes {
		name := r
		if roomID != "" {
			name = strings.Replace(name, roomID, "{id}", 1)
		}
		res.Routes[name] = perfStatsOf(byRoute[i], errs[i])
	}
	return res, nil
}

func perfStatsOf(ds []time.Duration, errs int) perfStats {
	slices.Sort(ds)
	return perfStats{Requests: len(ds), Errors: errs, P50Ms: pctl(ds, 50), P95Ms: pctl(ds, 95), P99Ms: pctl(ds, 99)}
}

// pctl is the nearest-rank percentile of sorted ds, in milliseconds.
func pctl(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(ds)))) - 1
	i = min(max(i, 0), len(ds)-1)
	return math.Round(float64(ds[i].Microseconds())) / 1000
}

func pctChange(from, to float64) float64 {
	if from <= 0 {
		if to <= 0 {
			return 0
		}
		return math.Inf(1)
	}
	return (to - from) / from * 100
}

// perfTable prints one line per route (and the total), with the baseline's
// p95 and the change when there is one.
func perfTable(w io.Writer, res perfResult, baseline *perfResult) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if baseline == nil {
		fmt.Fprintln(tw, "ROUTE\tREQUESTS\tERRORS\tP50 ms\tP95 ms\tP99 ms")
	} else {
		fmt.Fprintln(tw, "ROUTE\tREQUESTS\tERRORS\tP50 ms\tP95 ms\tP99 ms\tBASELINE P95\tΔ P95")
	}
	names := make([]string, 0, len(res.Routes))
	for n := range res.Routes {
		names = append(names, n)
	}
	sort.Strings(names)
	line := func(name string, s perfStats, b *perfStats) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%.2f\t%.2f", name, s.Requests, s.Errors, s.P50Ms, s.P95Ms, s.P99Ms)
		if b != nil {
			fmt.Fprintf(tw, "\t%.2f\t%+.1f%%", b.P95Ms, pctChange(b.P95Ms, s.P95Ms))
		} else if baseline != nil {
			fmt.Fprint(tw, "\t-\t-")
		}
		fmt.Fprintln(tw)
	}
	for _, n := range names {
		var b *perfStats
		if baseline != nil {
			if bs, ok := baseline.Routes[n]; ok {
				b = &bs
			}
		}
		line(n, res.Routes[n], b)
	}
	var bt *perfStats
	if baseline != nil {
		bt = &baseline.perfStats
	}
	line("all", res.perfStats, bt)
	tw.Flush()
}
