package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"meetpin.app/config"
)

func TestClientIP(t *testing.T) {
	trusted, err := config.ParseProxies("127.0.0.1, 10.0.0.0/8, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		peer    string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"untrusted peer, no header", "198.51.100.1:1234", nil, trusted, "198.51.100.1"},
		{"untrusted peer ignores the header", "198.51.100.1:1234", []string{"203.0.113.9"}, trusted, "198.51.100.1"},
		{"no trusted proxies", "127.0.0.1:1234", []string{"203.0.113.9"}, nil, "127.0.0.1"},
		{"trusted peer, no header", "127.0.0.1:1234", nil, trusted, "127.0.0.1"},
		{"trusted peer, one hop", "127.0.0.1:1234", []string{"203.0.113.9"}, trusted, "203.0.113.9"},
		{"rightmost untrusted wins", "127.0.0.1:1234", []string{"192.0.2.1, 203.0.113.9"}, trusted, "203.0.113.9"},
		{"trusted hops skipped", "127.0.0.1:1234", []string{"192.0.2.1, 203.0.113.9, 10.0.0.2, 10.9.9.9"}, trusted, "203.0.113.9"},
		{"several lines", "127.0.0.1:1234", []string{"192.0.2.1", "203.0.113.9 , 10.0.0.2"}, trusted, "203.0.113.9"},
		{"all hops trusted", "127.0.0.1:1234", []string{"10.0.0.3, 10.0.0.2"}, trusted, "10.0.0.3"},
		{"garbage stops at the last trusted hop", "127.0.0.1:1234", []string{"203.0.113.9, unknown, 10.0.0.2"}, trusted, "10.0.0.2"},
		{"empty entry stops too", "127.0.0.1:1234", []string{"203.0.113.9,,"}, trusted, "127.0.0.1"},
		{"port on a hop", "127.0.0.1:1234", []string{"203.0.113.9:5555"}, trusted, "203.0.113.9"},
		{"bracketed IPv6 hop", "127.0.0.1:1234", []string{"[2001:db8::7]:443"}, trusted, "2001:db8::7"},
		{"bracketed IPv6 without port", "127.0.0.1:1234", []string{"[2001:db8::7]"}, trusted, "2001:db8::7"},
		{"IPv6 peer trusted", "[fd00::1]:1234", []string{"2001:db8::7"}, trusted, "2001:db8::7"},
		{"IPv4-mapped peer", "[::ffff:10.0.0.5]:1234", []string{"203.0.113.9"}, trusted, "203.0.113.9"},
		{"IPv4-mapped hop", "127.0.0.1:1234", []string{"::ffff:203.0.113.9"}, trusted, "203.0.113.9"},
		{"zone dropped", "[fe80::1%eth0]:1234", nil, trusted, "fe80::1"},
		{"unparsable peer", "@", []string{"203.0.113.9"}, trusted, "invalid IP"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/rooms", nil)
			r.RemoteAddr = c.peer
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientIP(r, c.trusted).String(); got != c.want {
				t.Fatalf("clientIP = %s, want %s", got, c.want)
			}
		})
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.9":                      "203.0.113.9",
		"2001:db8:1:2::1":                  "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ffff:ffff": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":                  "2001:db8:1:3::/64",
		"::1":                              "::/64",
	} {
		if got := clientKey(netip.MustParseAddr(in)); got != want {
			t.Errorf("clientKey(%s) = %s, want %s", in, got, want)
		}
	}
	if got := clientKey(netip.Addr{}); got != "unknown" {
		t.Errorf("clientKey(invalid) = %s", got)
	}
}
