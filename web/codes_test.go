package web

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"meetpin.app"
)

// TestCodesHaveStatusAndDocs: every meetpin.Code has an HTTP status in
// statusOf and one row in the README's code table with that same status;
// neither names a code that AllCodes does not know.
func TestCodesHaveStatusAndDocs(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[meetpin.Code]int{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| (\\d{3}) \\|").FindAllSubmatch(readme, -1) {
		code := meetpin.Code(m[1])
		if _, dup := documented[code]; dup {
			t.Errorf("README: %s has two rows", code)
		}
		documented[code], _ = strconv.Atoi(string(m[2]))
	}
	known := map[meetpin.Code]bool{}
	for _, c := range meetpin.AllCodes() {
		if known[c] {
			t.Errorf("AllCodes lists %s twice", c)
		}
		known[c] = true
		status, ok := statusOf[c]
		if !ok {
			t.Errorf("%s has no HTTP status in statusOf", c)
		}
		if doc, ok := documented[c]; !ok {
			t.Errorf("%s has no row in the README's code table", c)
		} else if doc != status {
			t.Errorf("README says %s is %d, statusOf says %d", c, doc, status)
		}
	}
	for c := range statusOf {
		if !known[c] {
			t.Errorf("statusOf maps %s, which AllCodes does not list", c)
		}
	}
	for c := range documented {
		if !known[c] {
			t.Errorf("the README documents %s, which AllCodes does not list", c)
		}
	}
}
