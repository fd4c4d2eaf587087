package app

import (
	"strings"
	"testing"
)

func TestBlockedSource(t *testing.T) {
	for raw, want := range map[string]string{
		"inline":             "inline",
		" EVAL ":             "eval",
		"wasm-eval":          "wasm-eval",
		"self":               "self",
		"data":               "data",
		"blob":               "blob",
		"trusted-types-sink": "trusted-types-sink",
		"https://cdn.example.com/lib.js?user=minji@example.com#x":           "https://cdn.example.com",
		"https://user:secret@Evil.Example:8443/x":                           "https://evil.example:8443",
		"http://127.0.0.1:8080/a":                                           "http://127.0.0.1:8080",
		"wss://rt.example/socket?token=abc":                                 "wss://rt.example",
		"data:image/png;base64,iVBORw0KGgo=":                                "data",
		"blob:https://meetpin.example/0190e7a4-1111-7000-8000-000000000000": "blob",
		"chrome-extension://abcdefghijklmnop/content.js":                    "chrome-extension",
		"":                             "unknown",
		"not a url":                    "unknown",
		"/relative/path.js":            "unknown",
		"https:///nohost":              "unknown",
		"https://exa_mple.com/":        "unknown",
		"%zz":                          "unknown",
		strings.Repeat("x", 40) + ":1": "unknown",
	} {
		if got := blockedSource(raw); got != want {
			t.Errorf("blockedSource(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestPagePath(t *testing.T) {
	for raw, want := range map[string]string{
		"https://meetpin.example/map?lat=37.5&lng=127#top": "/map",
		"https://meetpin.example":                          "/",
		"/rooms/0190e7a4-1111-7000-8000-000000000000/edit": "/rooms/{id}/edit",
		"/profile/12345":                                   "/profile/{id}",
		"/reset-password/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA":   "/reset-password/{id}",
		"/rooms/new":                   "/rooms/new",
		"/privacy-policy":              "/privacy-policy",
		"/chat/%EC%B1%84%ED%8C%85":     "/chat/%EC%B1%84%ED%8C%85",
		"/채팅":                          "/%EC%B1%84%ED%8C%85",
		"/a\x00b":                      "unknown",
		"about:blank":                  "unknown",
		"":                             "unknown",
		"map":                          "unknown",
		"/" + strings.Repeat("a", 300): "/" + strings.Repeat("a", 254),
	} {
		if got := pagePath(raw); got != want {
			t.Errorf("pagePath(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestCSPDirective(t *testing.T) {
	for raw, want := range map[string]string{
		"script-src-elem":              "script-src-elem",
		"Script-Src 'self' 'nonce-x'":  "script-src",
		"  img-src https://a.example ": "img-src",
		"":                             "",
		"   ":                          "",
		"script_src":                   "",
		"-script":                      "",
		"<script>":                     "",
		strings.Repeat("a", 65):        "",
	} {
		got, ok := cspDirective(raw)
		if got != want || ok != (want != "") {
			t.Errorf("cspDirective(%q) = %q, %v; want %q", raw, got, ok, want)
		}
	}
}
