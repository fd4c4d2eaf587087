package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// placeholder is one Leaflet template placeholder such as {s} or {-y}.
var placeholder = regexp.MustCompile(`\{-?[A-Za-z0-9_]+\}`)

// TileSource checks a Leaflet tile URL template and returns the
// Content-Security-Policy source that allows its images: scheme, host and
// port, with a placeholder label such as {s} (a, b, c) widened to the
// wildcard *. A placeholder may sit only in the host's first label, because
// CSP allows a wildcard only there, and the path must hold {z}, {x} and {y}
// (or {-y}).
//
//	TileSource("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") = "https://*.tile.openstreetmap.org"
func TileSource(template string) (string, error) {
	scheme, rest, ok := strings.Cut(template, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "http" && scheme != "https") {
		return "", errors.New("must start with https:// (or http://)")
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host, path := strings.ToLower(rest[:end]), rest[end:]
	if strings.ContainsAny(host, "@[]") {
		return "", errors.New("the host must be a plain name or IPv4 address, without user or brackets")
	}
	name, port, hasPort := strings.Cut(host, ":")
	if hasPort {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return "", fmt.Errorf("invalid port %q", port)
		}
	}
	labels := strings.Split(name, ".")
	for i, l := range labels {
		bare := l
		if i == 0 {
			bare = placeholder.ReplaceAllString(l, "")
		}
		if (bare == "" && l == bare) || strings.Trim(bare, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			if strings.Contains(l, "{") && i > 0 {
				return "", errors.New("a {placeholder} may appear only in the host's first label (CSP allows a wildcard only there)")
			}
			return "", fmt.Errorf("invalid host %q", name)
		}
	}
	if labels[0] != placeholder.ReplaceAllString(labels[0], "") {
		if len(labels) < 3 {
			return "", errors.New("a {placeholder} host needs at least two fixed labels after it, e.g. {s}.tile.example.org")
		}
		labels[0] = "*"
	}
	for _, want := range []string{"{z}", "{x}"} {
		if !strings.Contains(path, want) {
			return "", fmt.Errorf("the path must contain %s", want)
		}
	}
	if !strings.Contains(path, "{y}") && !strings.Contains(path, "{-y}") {
		return "", errors.New("the path must contain {y} or {-y}")
	}
	src := scheme + "://" + strings.Join(labels, ".")
	if hasPort {
		src += ":" + port
	}
	return src, nil
}

// MapTileSource is the Content-Security-Policy source of the configured
// map tiles (see TileSource); "" when MapTileURL is invalid, which Load
// refuses.
func (c Config) MapTileSource() string {
	src, _ := TileSource(c.MapTileURL)
	return src
}
