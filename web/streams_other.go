//go:build !unix

package web

// autoStreamMax is MEETPIN_SSE_MAX=auto where the open-file limit cannot be
// read.
func autoStreamMax() int { return 1000 }
