// Package password judges passwords that people choose: Common reports one
// that an attacker would try early. See README.md for the list's source.
package password

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

//go:embed common.txt
var commonTxt string

var common = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 10_000)
	for line := range strings.Lines(commonTxt) {
		if w := strings.TrimSpace(line); w != "" {
			m[w] = struct{}{}
		}
	}
	return m
})

// Common reports whether p is too easy to guess: one of the 10,000 most
// common passwords (in any letter case), such a password of at least four
// characters followed by digits ("qwerty123", "dragon1987"), one
// character repeated ("aaaaaaaa"), or a straight run of digits or letters
// ("87654321", "abcdefgh").
func Common(p string) bool {
	l := strings.ToLower(p)
	m := common()
	if _, ok := m[l]; ok {
		return true
	}
	if stem := strings.TrimRightFunc(l, unicode.IsDigit); stem != l && len(stem) >= 4 {
		if _, ok := m[stem]; ok {
			return true
		}
	}
	return repeated(l) || run(l)
}

// repeated reports one character repeated.
func repeated(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// run reports an ASCII sequence going up or down by one.
func run(s string) bool {
	if len(s) < 2 {
		return false
	}
	step := int(s[1]) - int(s[0])
	if step != 1 && step != -1 {
		return false
	}
	for i := 1; i < len(s); i++ {
		if int(s[i])-int(s[i-1]) != step {
			return false
		}
	}
	return true
}
