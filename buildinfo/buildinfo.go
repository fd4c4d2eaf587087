// Package buildinfo carries the version and commit stamped in by `make build`
// (-ldflags -X), with fallbacks from the Go build information.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set at link time by the Makefile.
var (
	Version = "dev"
	Commit  = ""
)

// GoVersion is the Go toolchain that built the binary.
func GoVersion() string { return runtime.Version() }

// CommitID returns the commit the binary was built from, or "unknown".
func CommitID() string {
	if Commit != "" {
		return Commit
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 7 {
				return s.Value[:7]
			}
		}
	}
	return "unknown"
}
