package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestSafeNext: the usual open-redirect bypasses all fall back to /map;
// plain local paths (with queries and escapes) survive.
func TestSafeNext(t *testing.T) {
	refused := []string{
		"", "map", "//evil.example", "///evil.example", "/\\evil.example", "\\/evil.example", "\\\\evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/ /evil.example", "/\x00/evil.example", "/\x7f/x",
		"/%2F/evil.example", "/%2f/evil.example", "/%5C/evil.example", "/%5c%5cevil.example", "/%2F%2Fevil.example",
		"https://evil.example", "https:evil.example", "http:/evil.example", "javascript:alert(1)", "JavaScript:alert(1)",
		"data:text/html,<script>alert(1)</script>", "evil.example/x", " /map", "/map ",
		"/／evil.example", "/∕evil.example", "/⁄evil.example", "／／evil.example", "/\u2028/evil.example", "/\u00a0/x",
		"/" + strings.Repeat("a", 2048),
		"/%zz", // does not parse
	}
	for _, v := range refused {
		if got := safeNext(v); got != "/map" {
			t.Errorf("safeNext(%q) = %q, want /map", v, got)
		}
	}
	kept := []string{"/", "/map", "/requests", "/room/0193a0b2-7c1e-7000-8000-000000000001", "/chat/abc?x=1&y=2#end",
		"/map?lat=37.5&lng=127", "/room/%EB%B0%A9", "/profile/x/../y", "/a//b", "/%09/evil.example"}
	for _, v := range kept {
		if got := safeNext(v); got != v {
			t.Errorf("safeNext(%q) = %q, want it kept", v, got)
		}
	}
}

// FuzzSafeNext: whatever comes in, what comes out is a path on this site
// by every reading a browser might make of it.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/map", "//evil", "/\t/evil", "/%2F/x", "https://x", "/\\x", "/room/1?x=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := safeNext(v)
		if got != v && got != "/map" {
			t.Fatalf("safeNext(%q) = %q: neither the input nor the fallback", v, got)
		}
		// A browser drops tabs and newlines and reads \ as /.
		b := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		u, err := url.Parse(b)
		if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(b, "/") || strings.HasPrefix(b, "//") {
			t.Fatalf("safeNext(%q) = %q, which a browser could take off-site", v, got)
		}
	})
}
