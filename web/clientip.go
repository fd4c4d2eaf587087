package web

import (
	"net/http"
	"net/netip"
	"strings"
)

// clientIP returns the address of the client that sent r. It is the
// connecting peer, unless the peer is one of the trusted proxies: then
// X-Forwarded-For is read from the right, where the nearest proxy appended
// the address it saw, skipping trusted hops, and the first untrusted address
// is the client. What lies left of it was written by the client and is
// ignored, so a client cannot choose its address by sending the header
// itself. An entry that is not an address stops the walk at the last
// trusted hop. The result is invalid only when the peer address is.
//
// X-Real-IP and Forwarded (RFC 7239) are not read: one header, one rule.
func clientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	client := parseHop(r.RemoteAddr)
	if !client.IsValid() || !isTrusted(client, trusted) {
		return client
	}
	// Several header lines are one comma-separated list, in order.
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a := parseHop(hops[i])
		if !a.IsValid() {
			break
		}
		client = a
		if !isTrusted(a, trusted) {
			break
		}
	}
	return client
}

// parseHop reads one address as peers and proxies write it: 192.0.2.1,
// 192.0.2.1:1234, 2001:db8::1, [2001:db8::1]:1234 or [2001:db8::1]. An
// IPv4-mapped IPv6 address is unmapped and a zone dropped.
func parseHop(s string) netip.Addr {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone("")
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientKey is what a client is counted by: its IPv4 address, or the /64
// of its IPv6 address, since one subscriber usually holds a whole /64 and
// could otherwise take a fresh address for every request.
func clientKey(a netip.Addr) string {
	switch {
	case !a.IsValid():
		return "unknown"
	case a.Is4():
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}
