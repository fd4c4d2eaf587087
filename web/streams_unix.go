//go:build unix

package web

import "syscall"

// autoStreamMax is MEETPIN_SSE_MAX=auto: half the open-file limit (the rest
// is for database connections, files and ordinary requests), at most
// 10,000 (each stream also costs memory and a query per heartbeat).
func autoStreamMax() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == 0 {
		return 1000
	}
	return int(min(max(lim.Cur/2, 16), 10_000))
}
