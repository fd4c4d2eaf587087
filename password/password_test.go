package password_test

import (
	"testing"

	"meetpin.app/password"
)

func TestCommon(t *testing.T) {
	for _, p := range []string{
		"password", "PASSWORD", "Password", "12345678", "aaaaaaaa", "qwerty123", "qwerty", "iloveyou",
		"dragon1987", "football", "baseball1", "11111111", "87654321", "abcdefgh", "zyxwvuts", "", "a",
	} {
		if !password.Common(p) {
			t.Errorf("Common(%q) = false, want true", p)
		}
	}
	for _, p := range []string{
		"correct horse", "meetpin-demo", "imagebomb-Pa55-long", "tr0ub4dor&3", "qwerty123!", "abcdefgi",
		"비밀번호입니다", "1234567a", "aaaaaaab", "xq9#mLp2",
	} {
		if password.Common(p) {
			t.Errorf("Common(%q) = true, want false", p)
		}
	}
}

// TestList: the embedded list is the 10,000 passwords, lower case, one a
// line, no blanks.
func TestList(t *testing.T) {
	n := 0
	for _, p := range []string{"123456", "letmein", "trustno1", "monkey", "sunshine"} {
		if password.Common(p) {
			n++
		}
	}
	if n != 5 {
		t.Fatalf("%d of 5 well-known passwords found", n)
	}
}
