package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"meetpin.app/meetpintest"
)

func write(dir, name string, vals ...string) {
	os.MkdirAll(dir, 0o755)
	s := "go test fuzz v1\n"
	for _, v := range vals {
		s += v + "\n"
	}
	os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644)
}

func main() {
	root := os.Args[1]
	b := func(d []byte) string { return "[]byte(" + strconv.Quote(string(d)) + ")" }
	q := strconv.Quote
	write(filepath.Join(root, "media/testdata/fuzz/FuzzProcess"), "bomb-16bit-64x64", b(meetpintest.ZeroPNG(64, 64, 16)))
	write(filepath.Join(root, "media/testdata/fuzz/FuzzProcess"), "zeros-8bit-600x20", b(meetpintest.ZeroPNG(600, 20, 8)))
	for i, s := range []string{"/\t/evil.example", "/%2F/evil.example", "/\\evil.example", "\\/evil.example", "/\u2215evil.example", "https:evil.example"} {
		write(filepath.Join(root, "web/testdata/fuzz/FuzzSafeNext"), fmt.Sprintf("bypass-%d", i), "string("+q(s)+")")
	}
	for i, s := range []string{"37.45,126.82,37.68,127.18", "90,180,-90,-180", "0x1p3,1,2,3"} {
		write(filepath.Join(root, "app/testdata/fuzz/FuzzParseBBox"), fmt.Sprintf("box-%d", i), "string("+q(s)+")")
	}
}
