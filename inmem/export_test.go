package inmem

import "time"

// SetSweepEvery changes how often l drops idle keys.
func (l *Limiter) SetSweepEvery(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweepEvery = d
	l.nextSweep = time.Since(l.start) + d
}
