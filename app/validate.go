package app

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"meetpin.app"
)

// textLen checks the trimmed length of a text field in characters.
func textLen(f *meetpin.FieldErrors, field, v string, min, max int) string {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	switch {
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		f.Add(field, "must be valid UTF-8 text without NUL characters")
	case n < min && min == 1:
		f.Add(field, "is required")
	case n < min:
		f.Add(field, "must be at least "+itoa(min)+" characters")
	case n > max:
		f.Add(field, "must be at most "+itoa(max)+" characters")
	}
	return v
}

func oneOf(f *meetpin.FieldErrors, field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		f.Add(field, "must be one of "+strings.Join(allowed, ", "))
	}
}

func intRange(f *meetpin.FieldErrors, field string, v, min, max int) {
	if v < min || v > max {
		f.Add(field, "must be between "+itoa(min)+" and "+itoa(max))
	}
}

// reservedNicknames may not appear in a nickname, in any case.
var reservedNicknames = []string{"admin", "administrator", "운영자", "관리자", "밋핀", "meetpin", "system"}

// nickname checks the nickname rule: 2–20 characters of Hangul, Latin
// letters, digits and underscore, and no reserved word.
func nickname(f *meetpin.FieldErrors, v string) string {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	if n < 2 || n > 20 {
		f.Add("nickname", "must be 2 to 20 characters")
		return v
	}
	for _, c := range v {
		if !(unicode.Is(unicode.Hangul, c) || c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_')) {
			f.Add("nickname", "may contain only Hangul, Latin letters, digits and _")
			return v
		}
	}
	lower := strings.ToLower(v)
	for _, w := range reservedNicknames {
		if strings.Contains(lower, w) {
			f.Add("nickname", "contains a reserved word")
			break
		}
	}
	return v
}

func itoa(n int) string { return strconv.Itoa(n) }
