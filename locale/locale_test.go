package locale

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCatalogsMatch: every key exists in every language, with the same
// format verbs in the same order, and no message is empty.
func TestCatalogsMatch(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)
	for _, lang := range Supported {
		for _, other := range Supported {
			for _, k := range Keys(lang) {
				if !Has(other, k) {
					t.Errorf("%q is in %s but not in %s", k, lang, other)
				}
			}
		}
		for _, k := range Keys(lang) {
			if strings.TrimSpace(T(lang, k)) == "" {
				t.Errorf("%s %q is empty", lang, k)
			}
			if got, want := verbs.FindAllString(T(lang, k), -1), verbs.FindAllString(T(Default, k), -1); !slices.Equal(got, want) {
				t.Errorf("%s %q has verbs %q, %s has %q", lang, k, got, Default, want)
			}
		}
	}
	if len(Keys(Korean)) < 100 {
		t.Fatalf("only %d keys: the catalog did not load", len(Keys(Korean)))
	}
}

func TestT(t *testing.T) {
	if got := T(English, "room.people", 2, 4); got != "2/4 people" {
		t.Errorf("formatted: %q", got)
	}
	if got := T("fr", "nav.map"); got != T(Korean, "nav.map") {
		t.Errorf("unknown language does not fall back to Korean: %q", got)
	}
	if got := T(English, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct{ query, cookie, accept, want string }{
		{"", "", "", Korean},
		{"en", "", "ko-KR", English},
		{"EN", "", "", English},
		{"fr", "", "", Korean},
		{"", "en", "ko", English},
		{"ko", "en", "en", Korean},
		{"", "", "en-US,en;q=0.9", English},
		{"", "", "fr-FR,en;q=0.8,ko;q=0.9", Korean},
		{"", "", "fr-FR,en;q=0.8", English},
		{"", "", "en;q=0", Korean},
		{"", "", "de, *;q=0.5", Korean},
		{"", "", "en;q=abc", Korean},
	}
	for _, c := range cases {
		if got := Negotiate(c.query, c.cookie, c.accept); got != c.want {
			t.Errorf("Negotiate(%q, %q, %q) = %q, want %q", c.query, c.cookie, c.accept, got, c.want)
		}
	}
}
