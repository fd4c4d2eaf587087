package config

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Rate is a rate limit: at most Limit requests per Window. The zero Rate
// limits nothing.
type Rate struct {
	Limit  int
	Window time.Duration
}

// String writes the rate the way MEETPIN_RATELIMIT_* takes it: 100/1m.
func (r Rate) String() string {
	d := r.Window.String()
	if strings.HasSuffix(d, "m0s") {
		d = strings.TrimSuffix(d, "0s")
	}
	if strings.HasSuffix(d, "h0m") {
		d = strings.TrimSuffix(d, "0m")
	}
	return strconv.Itoa(r.Limit) + "/" + d
}

// RateLimits are the limits of the request classes of the web server.
type RateLimits struct {
	// Off disables every limit (MEETPIN_RATELIMIT=off), for load tests.
	Off bool
	// API counts every /api/ request but the probes, per client IP.
	API Rate
	// Auth counts signups and logins per client IP.
	Auth Rate
	// Rooms counts room creations per user.
	Rooms Rate
	// Messages counts chat messages and host messages per user.
	Messages Rate
	// Uploads counts avatar uploads per user.
	Uploads Rate
}

// Bounds of a configured rate.
const (
	maxRateLimit  = 1_000_000
	minRateWindow = time.Second
	maxRateWindow = 24 * time.Hour
)

// rateVars ties each class to its variable.
func (l *RateLimits) rateVars() []struct {
	name string
	rate *Rate
} {
	return []struct {
		name string
		rate *Rate
	}{
		{"MEETPIN_RATELIMIT_API", &l.API},
		{"MEETPIN_RATELIMIT_AUTH", &l.Auth},
		{"MEETPIN_RATELIMIT_ROOMS", &l.Rooms},
		{"MEETPIN_RATELIMIT_MESSAGES", &l.Messages},
		{"MEETPIN_RATELIMIT_UPLOADS", &l.Uploads},
	}
}

// loadRateLimits reads MEETPIN_RATELIMIT, MEETPIN_RATELIMIT_* and
// MEETPIN_TRUSTED_PROXIES into c.
func loadRateLimits(c *Config, get func(string) string, bad func(string, string, ...any)) {
	switch strings.ToLower(get("MEETPIN_RATELIMIT")) {
	case "on":
	case "off":
		c.RateLimit.Off = true
	default:
		bad("MEETPIN_RATELIMIT", "must be on or off")
	}
	for _, v := range c.RateLimit.rateVars() {
		r, err := ParseRate(get(v.name))
		if err != nil {
			bad(v.name, "%v", err)
		}
		*v.rate = r
	}
	proxies, err := ParseProxies(get("MEETPIN_TRUSTED_PROXIES"))
	if err != nil {
		bad("MEETPIN_TRUSTED_PROXIES", "%v", err)
	}
	c.TrustedProxies = proxies
}

// ParseRate reads a rate written N/duration, such as 100/1m or 5/15m.
func ParseRate(s string) (Rate, error) {
	n, d, ok := strings.Cut(strings.TrimSpace(s), "/")
	limit, err := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err != nil || limit < 1 || limit > maxRateLimit {
		return Rate{}, fmt.Errorf("must be N/duration such as 100/1m, with N from 1 to %d", maxRateLimit)
	}
	window, err := time.ParseDuration(strings.TrimSpace(d))
	if err != nil || window < minRateWindow || window > maxRateWindow {
		return Rate{}, errors.New("must be N/duration such as 100/1m, with a duration from 1s to 24h")
	}
	return Rate{Limit: limit, Window: window}, nil
}

// ParseProxies reads a comma-separated list of IP addresses and CIDR
// prefixes. An address becomes a prefix of its own length; IPv4 addresses
// written as IPv4-mapped IPv6 are unmapped, as the server sees them.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if strings.Contains(item, "/") {
			p, err := netip.ParsePrefix(item)
			if err != nil || p.Addr().Zone() != "" {
				return nil, fmt.Errorf("%q is not an IP address or CIDR prefix", item)
			}
			if p.Addr().Is4In6() && p.Bits() >= 96 {
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			if p.Masked() != p {
				return nil, fmt.Errorf("%q has host bits set: did you mean %s?", item, p.Masked())
			}
			out = append(out, p)
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q is not an IP address or CIDR prefix", item)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// dump adds the rate-limit variables to a String() listing.
func (l RateLimits) dump(vals map[string]string) {
	vals["MEETPIN_RATELIMIT"] = "on"
	if l.Off {
		vals["MEETPIN_RATELIMIT"] = "off"
	}
	for _, v := range l.rateVars() {
		vals[v.name] = v.rate.String()
	}
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}
