package web

import (
	"sync"
	"time"
)

// series keeps per-minute request figures of this process for the admin
// charts: a ring of one bucket per minute over the last hour.
// TODO(merge): when /api/monitoring's series lands, the admin page can draw
// that instead (it covers the same figures).
type series struct {
	mu      sync.Mutex
	buckets []minute
}

type minute struct {
	start    int64 // unix minute
	requests int
	errors   int // status >= 500
	totalMS  float64
	maxMS    float64
}

// point is one minute of the series as the charts read it.
type point struct {
	Time      time.Time
	Requests  int
	ErrorRate float64 // 0–1
	AvgMS     float64
	MaxMS     float64
}

func newSeries(minutes int) *series { return &series{buckets: make([]minute, minutes)} }

func (s *series) observe(now time.Time, status int, d time.Duration) {
	m := now.Unix() / 60
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &s.buckets[int(m%int64(len(s.buckets)))]
	if b.start != m {
		*b = minute{start: m}
	}
	b.requests++
	if status >= 500 {
		b.errors++
	}
	ms := float64(d.Microseconds()) / 1000
	b.totalMS += ms
	if ms > b.maxMS {
		b.maxMS = ms
	}
}

// points returns the last len(buckets) minutes up to now, oldest first;
// minutes without requests are zero.
func (s *series) points(now time.Time) []point {
	cur := now.Unix() / 60
	s.mu.Lock()
	defer s.mu.Unlock()
	n := int64(len(s.buckets))
	out := make([]point, 0, n)
	for m := cur - n + 1; m <= cur; m++ {
		p := point{Time: time.Unix(m*60, 0)}
		if b := s.buckets[int(m%n)]; b.start == m && b.requests > 0 {
			p.Requests, p.MaxMS = b.requests, b.maxMS
			p.ErrorRate = float64(b.errors) / float64(b.requests)
			p.AvgMS = b.totalMS / float64(b.requests)
		}
		out = append(out, p)
	}
	return out
}
