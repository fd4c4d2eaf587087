package web_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"meetpin.app/meetpintest"
	"meetpin.app/sqlite/sqlitetest"
)

// The runbook's budgets per page, gzip-compressed.
const (
	budgetInitialJS = 230 << 10
	budgetTotalJS   = 500 << 10
	budgetCSS       = 50 << 10
)

// TestAssetBudget reads each main page's script and stylesheet tags, fetches
// the built assets they name and checks the gzip sizes against the budgets.
// A page's initial JavaScript is every script its HTML names (there is no
// lazy loading, so that is all a page ever runs). The total is what a visit
// of every page downloads: each distinct script once, since the browser
// caches them (immutable, versioned URLs). It needs the npm bundle: without
// it the map page would be measured without Leaflet, so the test skips (and
// fails under CI).
func TestAssetBudget(t *testing.T) {
	if _, err := os.Stat("static/dist/map.js"); err != nil {
		if meetpintest.InCI() {
			t.Fatalf("the map bundle is not built (run make assets): %v", err)
		}
		t.Skipf("needs the map bundle: run make assets (%v)", err)
	}
	s := newServer(t, sqlitetest.New(t))
	w := newWorld(t, s)
	pages := []struct{ path, token string }{
		{"/", ""}, {"/map", ""}, {"/room/new", w.host.Token}, {"/room/" + w.room, w.other.Token}, {"/chat/" + w.match, w.guest.Token},
		{"/requests", w.guest.Token}, {"/notifications", w.guest.Token}, {"/profile", w.guest.Token}, {"/admin", w.admin.Token},
		{"/auth/login", ""}, {"/status", ""},
	}
	sizes := map[string]int{}
	size := func(url string) int {
		if n, ok := sizes[url]; ok {
			return n
		}
		res, err := http.Get(s.URL + url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || len(b) == 0 {
			t.Fatalf("%s: %d, %d bytes", url, res.StatusCode, len(b))
		}
		sizes[url] = gzipSize(b)
		return sizes[url]
	}
	kb := func(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1024) }
	allScripts := map[string]bool{}
	for _, p := range pages {
		pg := s.get(p.path, p.token).want(t, 200)
		js, css := 0, 0
		for _, src := range pg.scripts() {
			js += size(src)
			allScripts[src] = true
		}
		for _, href := range pg.styles() {
			css += size(href)
		}
		if p.path == "/map" && !strings.Contains(strings.Join(pg.scripts(), " "), "/static/dist/map.js") {
			t.Fatalf("/map does not load the bundle: %v", pg.scripts())
		}
		t.Logf("budget %-22s initial JS %9s  CSS %8s  (gzip; limits %s / %s)", p.path[:min(len(p.path), 22)],
			kb(js), kb(css), kb(budgetInitialJS), kb(budgetCSS))
		if js > budgetInitialJS || css > budgetCSS {
			t.Errorf("%s is over budget: initial JS %s, CSS %s", p.path, kb(js), kb(css))
		}
	}
	total := 0
	for src := range allScripts {
		total += size(src)
	}
	t.Logf("budget all pages: total JS %s in %d scripts (gzip; limit %s)", kb(total), len(allScripts), kb(budgetTotalJS))
	if total > budgetTotalJS {
		t.Errorf("the pages' scripts together are over budget: total JS %s", kb(total))
	}
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Len()
}
