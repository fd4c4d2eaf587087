package app

import (
	"testing"

	"meetpin.app"
)

// FuzzParseBBox: no panic; a box without a field error is inside the
// globe with south below north.
func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"37.45,126.82,37.68,127.18", "", ",,,", "1,2,3", "NaN,0,1,1", "-90,179,90,-179", "1e308,0,1,1", " 1 , 2 , 3 , 4 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fe meetpin.FieldErrors
		b := ParseBBox(&fe, s)
		if fe.Err() != nil {
			return
		}
		if b.South < -90 || b.North > 90 || b.South >= b.North || b.West < -180 || b.West > 180 || b.East < -180 || b.East > 180 {
			t.Fatalf("ParseBBox(%q) = %+v without an error", s, b)
		}
	})
}

// FuzzPaging: no panic; page and limit without a field error are in range.
func FuzzPaging(f *testing.F) {
	for _, c := range [][2]string{{"", ""}, {"1", "20"}, {"0", "0"}, {"-1", "101"}, {"99999999999999999999", "x"}, {"100000", "100"}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pageS, limitS string) {
		var fe meetpin.FieldErrors
		page, limit := paging(&fe, pageS, limitS)
		if fe.Err() != nil {
			return
		}
		if page < 1 || page > 100000 || limit < 1 || limit > MaxPageSize {
			t.Fatalf("paging(%q, %q) = %d, %d without an error", pageS, limitS, page, limit)
		}
	})
}
