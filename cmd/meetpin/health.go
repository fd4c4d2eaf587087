package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

func cmdHealth(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "health", "health [--ready] [--url URL] [--timeout D]\n\n"+
		"A probe for images without curl (the Dockerfile's HEALTHCHECK): GETs /api/livez\n"+
		"(or /api/readyz with --ready) of the local server, at MEETPIN_ADDR on loopback;\n"+
		"exit 0 on 200, 1 otherwise.")
	ready := fs.Bool("ready", false, "check readiness (/api/readyz) instead of liveness (/api/livez)")
	rawURL := fs.String("url", "", "base URL of the server (default http://127.0.0.1:<port of MEETPIN_ADDR>)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	base := *rawURL
	if base == "" {
		addr := e.getenv("MEETPIN_ADDR")
		if addr == "" {
			addr = ":8080"
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("MEETPIN_ADDR %q: %v", addr, err)
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		base = "http://" + net.JoinHostPort(host, port)
	}
	base, err := baseURL(base)
	if err != nil {
		return err
	}
	path := "/api/livez"
	if *ready {
		path = "/api/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", path, res.StatusCode)
	}
	fmt.Fprintf(e.stdout, "%s: ok\n", path)
	return nil
}
