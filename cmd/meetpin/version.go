package main

import (
	"context"
	"fmt"

	"meetpin.app/buildinfo"
)

func cmdVersion(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "version", "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "meetpin %s (commit %s, %s)\n", buildinfo.Version, buildinfo.CommitID(), buildinfo.GoVersion())
	return nil
}
