package config_test

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"meetpin.app/config"
)

func TestRateLimitValues(t *testing.T) {
	cfg := mustLoad(t, prodEnv(map[string]string{
		"MEETPIN_RATELIMIT":          "OFF",
		"MEETPIN_RATELIMIT_API":      " 250 / 30s ",
		"MEETPIN_RATELIMIT_MESSAGES": "7/1h30m",
		"MEETPIN_TRUSTED_PROXIES":    " 127.0.0.1 ,::ffff:10.1.2.3, 172.16.0.0/12,, fd00::/8 ",
	}))
	want := config.RateLimits{
		Off:      true,
		API:      config.Rate{Limit: 250, Window: 30 * time.Second},
		Auth:     config.Rate{Limit: 10, Window: 30 * time.Minute},
		Rooms:    config.Rate{Limit: 5, Window: time.Minute},
		Messages: config.Rate{Limit: 7, Window: 90 * time.Minute},
		Uploads:  config.Rate{Limit: 10, Window: time.Minute},
	}
	if cfg.RateLimit != want {
		t.Errorf("RateLimit = %+v\nwant %+v", cfg.RateLimit, want)
	}
	proxies := []netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.1.2.3/32"),
		netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("fd00::/8"),
	}
	if !reflect.DeepEqual(cfg.TrustedProxies, proxies) {
		t.Errorf("TrustedProxies = %v, want %v", cfg.TrustedProxies, proxies)
	}
	out := cfg.String()
	for _, line := range []string{
		"MEETPIN_RATELIMIT=off\n", "MEETPIN_RATELIMIT_API=250/30s\n", "MEETPIN_RATELIMIT_MESSAGES=7/1h30m\n",
		"MEETPIN_TRUSTED_PROXIES=127.0.0.1/32,10.1.2.3/32,172.16.0.0/12,fd00::/8\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("String() lacks %q:\n%s", line, out)
		}
	}
	// What String() writes, Load reads back to the same rates.
	back := map[string]string{}
	for line := range strings.Lines(out) {
		k, v, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "=")
		if strings.HasPrefix(k, "MEETPIN_RATELIMIT") || k == "MEETPIN_TRUSTED_PROXIES" {
			back[k] = v
		}
	}
	again := mustLoad(t, back)
	if again.RateLimit != cfg.RateLimit || !reflect.DeepEqual(again.TrustedProxies, cfg.TrustedProxies) {
		t.Errorf("round trip: %+v %v", again.RateLimit, again.TrustedProxies)
	}
}

func TestRateString(t *testing.T) {
	for _, c := range []struct {
		rate config.Rate
		want string
	}{
		{config.Rate{Limit: 100, Window: time.Minute}, "100/1m"},
		{config.Rate{Limit: 5, Window: 15 * time.Minute}, "5/15m"},
		{config.Rate{Limit: 3, Window: time.Hour}, "3/1h"},
		{config.Rate{Limit: 3, Window: 90 * time.Minute}, "3/1h30m"},
		{config.Rate{Limit: 1, Window: 90 * time.Second}, "1/1m30s"},
		{config.Rate{Limit: 1, Window: 24 * time.Hour}, "1/24h"},
		{config.Rate{}, "0/0s"},
	} {
		if got := c.rate.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.rate, got, c.want)
		}
	}
}

// TestRateLimitBadValues: one line per bad variable, naming it.
func TestRateLimitBadValues(t *testing.T) {
	cases := []struct{ name, value string }{
		{"MEETPIN_RATELIMIT", "disabled"},
		{"MEETPIN_RATELIMIT", "false"},
		{"MEETPIN_RATELIMIT_API", "100"},
		{"MEETPIN_RATELIMIT_API", "100/"},
		{"MEETPIN_RATELIMIT_API", "/1m"},
		{"MEETPIN_RATELIMIT_API", "0/1m"},
		{"MEETPIN_RATELIMIT_API", "-5/1m"},
		{"MEETPIN_RATELIMIT_API", "1000001/1m"},
		{"MEETPIN_RATELIMIT_AUTH", "5/m"},
		{"MEETPIN_RATELIMIT_AUTH", "5/15"},
		{"MEETPIN_RATELIMIT_AUTH", "5/500ms"},
		{"MEETPIN_RATELIMIT_ROOMS", "5/25h"},
		{"MEETPIN_RATELIMIT_MESSAGES", "fifty/1m"},
		{"MEETPIN_RATELIMIT_UPLOADS", "10/1m/2"},
		{"MEETPIN_TRUSTED_PROXIES", "10.0.0.1/8"},
		{"MEETPIN_TRUSTED_PROXIES", "proxy.internal"},
		{"MEETPIN_TRUSTED_PROXIES", "10.0.0.0/33"},
		{"MEETPIN_TRUSTED_PROXIES", "127.0.0.1, 10.0.0"},
		{"MEETPIN_TRUSTED_PROXIES", "fe80::1%eth0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load(prodEnv(map[string]string{c.name: c.value}))
			if err == nil {
				t.Fatalf("%s=%q accepted", c.name, c.value)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], c.name+": ") {
				t.Fatalf("%s=%q: want one line naming it, got %q", c.name, c.value, err)
			}
		})
	}
	// Host bits: the message proposes the prefix meant.
	_, err := load(map[string]string{"MEETPIN_TRUSTED_PROXIES": "10.0.0.1/8"})
	if err == nil || !strings.Contains(err.Error(), "10.0.0.0/8") {
		t.Fatalf("host bits: %v", err)
	}
}
