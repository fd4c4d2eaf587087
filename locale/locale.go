// Package locale holds the user-facing text of the web pages in Korean (the
// default) and English, and picks the language of a request. Messages are
// looked up by key; a key missing from a language is a bug, caught by the
// package test, and shows as the key itself rather than as an empty string.
package locale

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Languages.
const (
	Korean  = "ko"
	English = "en"
)

// Default is the language of a request that states no preference.
const Default = Korean

// Supported lists the languages, the default first.
var Supported = []string{Korean, English}

// T returns the message key in lang, formatted with args (fmt verbs). An
// unknown language falls back to the default.
func T(lang, key string, args ...any) string {
	m, ok := catalog[lang]
	if !ok {
		m = catalog[Default]
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key exists in lang.
func Has(lang, key string) bool {
	_, ok := catalog[lang][key]
	return ok
}

// Keys returns the keys of lang, sorted.
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalog[lang]))
	for k := range catalog[lang] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Valid reports whether lang is a supported language code.
func Valid(lang string) bool { return slices.Contains(Supported, lang) }

// Negotiate picks the language of a request: an explicit choice (the lang
// query parameter, then the saved cookie) when supported, else the best
// supported language of an Accept-Language header, else the default.
func Negotiate(query, cookie, acceptLanguage string) string {
	for _, v := range []string{query, cookie} {
		if v = strings.ToLower(strings.TrimSpace(v)); Valid(v) {
			return v
		}
	}
	best, bestQ := Default, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		if Valid(base) && q > bestQ && q > 0 {
			best, bestQ = base, q
		}
	}
	return best
}
