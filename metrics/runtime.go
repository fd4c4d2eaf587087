package metrics

import (
	"math"
	"runtime"
	rtmetrics "runtime/metrics"
)

// Runtime is a snapshot of the Go runtime, for /api/monitoring.
type Runtime struct {
	GoVersion      string  `json:"goVersion"`
	Goroutines     int     `json:"goroutines"`
	HeapAllocBytes uint64  `json:"heapAllocBytes"` // live and not yet collected heap objects
	HeapSysBytes   uint64  `json:"heapSysBytes"`   // heap memory obtained from the OS
	SysBytes       uint64  `json:"sysBytes"`       // all memory obtained from the OS
	GCCount        uint32  `json:"gcCount"`        // completed GC cycles since start
	GCPauseP99Ms   float64 `json:"gcPauseP99Ms"`   // 99th percentile stop-the-world GC pause since start
}

// gcPauses is the runtime's histogram of stop-the-world GC pauses.
const gcPauses = "/sched/pauses/total/gc:seconds"

// ReadRuntime takes a snapshot of the runtime. It stops the world briefly
// (runtime.ReadMemStats): call it per admin request, not per user request.
func ReadRuntime() Runtime {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r := Runtime{
		GoVersion:      runtime.Version(),
		Goroutines:     runtime.NumGoroutine(),
		HeapAllocBytes: ms.HeapAlloc,
		HeapSysBytes:   ms.HeapSys,
		SysBytes:       ms.Sys,
		GCCount:        ms.NumGC,
	}
	s := []rtmetrics.Sample{{Name: gcPauses}}
	rtmetrics.Read(s)
	if s[0].Value.Kind() == rtmetrics.KindFloat64Histogram {
		r.GCPauseP99Ms = round(histogramQuantile(s[0].Value.Float64Histogram(), 0.99) * 1000)
	}
	return r
}

// histogramQuantile returns the upper bound of the bucket in which the
// q-quantile of h falls (its lower bound for the last, unbounded bucket), 0
// for an empty histogram: an upper estimate, as bucket bounds are all we
// know.
func histogramQuantile(h *rtmetrics.Float64Histogram, q float64) float64 {
	var total uint64
	for _, c := range h.Counts {
		total += c
	}
	if total == 0 {
		return 0
	}
	target := uint64(math.Ceil(q * float64(total)))
	var cum uint64
	for i, c := range h.Counts {
		cum += c
		if cum >= target {
			if hi := h.Buckets[i+1]; !math.IsInf(hi, 1) {
				return hi
			}
			return h.Buckets[i]
		}
	}
	return h.Buckets[len(h.Buckets)-1]
}
