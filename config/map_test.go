package config_test

import (
	"strings"
	"testing"

	"meetpin.app/config"
)

func TestTileSource(t *testing.T) {
	for _, c := range []struct{ template, want, err string }{
		{config.DefaultMapTileURL, "https://*.tile.openstreetmap.org", ""},
		{"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org", ""},
		{"HTTPS://Tiles.Example.COM:8443/{z}/{x}/{-y}.png?key={accessToken}", "https://tiles.example.com:8443", ""},
		{"http://127.0.0.1:8081/{z}/{x}/{y}.png", "http://127.0.0.1:8081", ""},
		{"http://localhost/{z}/{x}/{y}.png", "http://localhost", ""},
		{"https://{s}tiles.example.com/{z}/{x}/{y}{r}.png", "https://*.example.com", ""},
		{"https://{s}-{r}.maps.example.org/{z}/{x}/{y}", "https://*.maps.example.org", ""},

		{"", "", "must start with https://"},
		{"tile.openstreetmap.org/{z}/{x}/{y}.png", "", "must start with https://"},
		{"ftp://tiles.example.com/{z}/{x}/{y}.png", "", "must start with https://"},
		{"javascript://tiles.example.com/{z}/{x}/{y}", "", "must start with https://"},
		{"https://tiles.{s}.example.com/{z}/{x}/{y}.png", "", "only in the host's first label"},
		{"https://{s}.example/{z}/{x}/{y}.png", "", "at least two fixed labels"},
		{"https://{s}/{z}/{x}/{y}.png", "", "at least two fixed labels"},
		{"https://user:pw@tiles.example.com/{z}/{x}/{y}.png", "", "without user"},
		{"https://[::1]/{z}/{x}/{y}.png", "", "without user or brackets"},
		{"https://tiles.example.com:0/{z}/{x}/{y}.png", "", "invalid port"},
		{"https://tiles.example.com:http/{z}/{x}/{y}.png", "", "invalid port"},
		{"https://tiles..example.com/{z}/{x}/{y}.png", "", "invalid host"},
		{"https://tiles.exa mple.com/{z}/{x}/{y}.png", "", "invalid host"},
		{"https://tiles.example.com;script-src/{z}/{x}/{y}.png", "", "invalid host"},
		{"https://{s.example.com/{z}/{x}/{y}.png", "", "invalid host"},
		{"https:///{z}/{x}/{y}.png", "", "invalid host"},
		{"https://tiles.example.com/{x}/{y}.png", "", "{z}"},
		{"https://tiles.example.com/{z}/{y}.png", "", "{x}"},
		{"https://tiles.example.com/{z}/{x}.png", "", "{y} or {-y}"},
	} {
		got, err := config.TileSource(c.template)
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("TileSource(%q) = %q, %v; want %q", c.template, got, err, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("TileSource(%q) = %q, %v; want an error containing %q", c.template, got, err, c.err)
		}
	}
}

func TestMapConfig(t *testing.T) {
	cfg := mustLoad(t, nil)
	if cfg.MapTileURL != config.DefaultMapTileURL || cfg.MapAttribution != config.DefaultMapAttribution {
		t.Fatalf("defaults: %q %q", cfg.MapTileURL, cfg.MapAttribution)
	}
	if got := cfg.MapTileSource(); got != "https://*.tile.openstreetmap.org" {
		t.Fatalf("MapTileSource = %q", got)
	}
	custom := mustLoad(t, map[string]string{"MEETPIN_MAP_TILE_URL": "http://127.0.0.1:9999/{z}/{x}/{y}.png", "MEETPIN_MAP_ATTRIBUTION": "© local"})
	if custom.MapTileSource() != "http://127.0.0.1:9999" || custom.MapAttribution != "© local" {
		t.Fatalf("custom: %q %q", custom.MapTileSource(), custom.MapAttribution)
	}

	for _, edits := range []map[string]string{
		{"MEETPIN_MAP_TILE_URL": "https://tiles.{s}.example.com/{z}/{x}/{y}.png"},
		{"MEETPIN_MAP_TILE_URL": "http://tiles.example.com/{z}/{x}/{y}.png"}, // production needs https
		{"MEETPIN_MAP_ATTRIBUTION": strings.Repeat("x", 501)},
		{"MEETPIN_MAP_ATTRIBUTION": "two\nlines"},
	} {
		_, err := load(prodEnv(edits))
		var name string
		for k := range edits {
			name = k
		}
		if err == nil || strings.Count(err.Error(), "\n") != 0 || !strings.HasPrefix(err.Error(), name+": ") {
			t.Errorf("%q: want one error line naming %s, got %v", edits, name, err)
		}
	}
	// http tiles are fine in development (a local tile server).
	if _, err := load(map[string]string{"MEETPIN_MAP_TILE_URL": "http://tiles.example.com/{z}/{x}/{y}.png"}); err != nil {
		t.Errorf("http tiles in development: %v", err)
	}
}
