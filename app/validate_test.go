package app

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"meetpin.app"
)

// problem runs check on a fresh FieldErrors and returns the problem it
// recorded for field ("" when none).
func problem(field string, check func(f *meetpin.FieldErrors)) string {
	var f meetpin.FieldErrors
	check(&f)
	return f[field]
}

func TestTextLen(t *testing.T) {
	for _, tc := range []struct {
		name     string
		v        string
		min, max int
		want     string // the problem, "" for none
		trimmed  string
	}{
		{"plain", "hello", 1, 10, "", "hello"},
		{"trimmed before counting", "  hi  ", 1, 2, "", "hi"},
		{"required", "", 1, 10, "is required", ""},
		{"blank is empty", " \t\n ", 1, 10, "is required", ""},
		{"optional empty", "", 0, 10, "", ""},
		{"too short", "ab", 5, 10, "must be at least 5 characters", "ab"},
		{"exactly the minimum", "abcde", 5, 10, "", "abcde"},
		{"exactly the maximum", "abcdefghij", 1, 10, "", "abcdefghij"},
		{"too long", "abcdefghijk", 1, 10, "must be at most 10 characters", "abcdefghijk"},
		{"counts characters, not bytes", "밋핀모임", 1, 4, "", "밋핀모임"},
		{"a fifth Hangul character is too many", "밋핀모임요", 1, 4, "must be at most 4 characters", "밋핀모임요"},
		{"NUL", "a\x00b", 1, 10, "must be valid UTF-8 text without NUL characters", "a\x00b"},
		{"invalid UTF-8", "a\xffb", 1, 10, "must be valid UTF-8 text without NUL characters", "a\xffb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			p := problem("text", func(f *meetpin.FieldErrors) { got = textLen(f, "text", tc.v, tc.min, tc.max) })
			if p != tc.want {
				t.Errorf("problem = %q, want %q", p, tc.want)
			}
			if got != tc.trimmed {
				t.Errorf("value = %q, want %q", got, tc.trimmed)
			}
		})
	}
}

func TestNickname(t *testing.T) {
	const (
		length   = "must be 2 to 20 characters"
		chars    = "may contain only Hangul, Latin letters, digits and _"
		reserved = "contains a reserved word"
	)
	for v, want := range map[string]string{
		"민지":                    "",
		"minji_01":              "",
		"  준호  ":                "", // trimmed to 2 characters
		"  준  ":                 length,
		"Jun2":                  "",
		strings.Repeat("가", 20): "",
		strings.Repeat("가", 21): length,
		"a":                     length,
		"":                      length,
		"민지!":                   chars,
		"민 지":                   chars,
		"café":                  chars, // é is a letter, but not Latin ASCII
		"minji-01":              chars,
		"ｍｉｎｊｉ":                 chars, // fullwidth Latin
		"Admin":                 reserved,
		"theADMINISTRATOR":      reserved,
		"운영자님":                  reserved,
		"관리자":                   reserved,
		"밋핀러버":                  reserved,
		"MeetPinFan":            reserved,
		"system_1":              reserved,
	} {
		if got := problem("nickname", func(f *meetpin.FieldErrors) { nickname(f, v) }); got != want {
			t.Errorf("nickname(%q) = %q, want %q", v, got, want)
		}
	}
	var f meetpin.FieldErrors
	if got := nickname(&f, "  민지  "); got != "민지" {
		t.Errorf("nickname returns %q, want the trimmed 민지", got)
	}
}

func TestNormalizeEmail(t *testing.T) {
	const bad = "must be a valid email address"
	for _, tc := range []struct{ in, want, problem string }{
		{"minji@example.com", "minji@example.com", ""},
		{"  Minji@Example.COM ", "minji@example.com", ""},
		{"", "", "is required"},
		{"   ", "", "is required"},
		{"minji", "minji", bad},
		{"minji@localhost", "minji@localhost", bad}, // no dot in the domain
		{"minji <minji@example.com>", "minji <minji@example.com>", bad},
		{"minji@exa mple.com", "minji@exa mple.com", bad},
		{strings.Repeat("a", 250) + "@x.kr", strings.Repeat("a", 250) + "@x.kr", bad}, // 255 > 254
	} {
		var got string
		p := problem("email", func(f *meetpin.FieldErrors) { got = normalizeEmail(f, tc.in) })
		if p != tc.problem || got != tc.want {
			t.Errorf("normalizeEmail(%q) = %q, %q; want %q, %q", tc.in, got, p, tc.want, tc.problem)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	const common = "is too common: choose one that is harder to guess"
	for v, want := range map[string]string{
		"1234567":                      "must be at least 8 characters",
		"84736251":                     "",
		"비밀번호비밀번호":                     "", // 8 characters, 24 bytes
		"비밀번호":                         "must be at least 8 characters",
		strings.Repeat("ab", 36):       "",
		strings.Repeat("ab", 36) + "c": "must be at most 72 bytes", // bcrypt reads 72 bytes only
		strings.Repeat("한", 25):        "must be at most 72 bytes", // 25 characters, 75 bytes
		strings.Repeat("한", 24):        "",
		"":                             "must be at least 8 characters",
		"  pass  ":                     "", // spaces are characters: passwords are not trimmed
		"\x00a\x00a\x00a\x00a":         "",
		// Too easy to guess (issue 14, package password).
		"12345678":                common,
		"password":                common,
		"qwerty123":               common,
		strings.Repeat("a", 72):   common,
		"        ":                common,
		strings.Repeat("\x00", 8): common,
	} {
		if got := problem("password", func(f *meetpin.FieldErrors) { checkPassword(f, v) }); got != want {
			t.Errorf("checkPassword(%q) = %q, want %q", v, got, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// validRoom is a complete, valid creation body for a room starting at start.
func validRoom(start time.Time) RoomInput {
	return RoomInput{
		Title: ptr("한강 치맥"), Category: ptr(meetpin.CategoryDrink), Lat: ptr(37.5), Lng: ptr(127.0),
		PlaceText: ptr("여의도 한강공원"), StartAt: ptr(start.Format(time.RFC3339)),
	}
}

func TestRoomInputValidate(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ok := now.Add(3 * time.Hour)
	for _, tc := range []struct {
		name  string
		edit  func(in *RoomInput)
		field string // the field with a problem, "" when valid
		want  string
	}{
		{"valid", func(in *RoomInput) {}, "", ""},
		{"all optional fields", func(in *RoomInput) {
			in.MaxPeople, in.Fee, in.Visibility, in.Description = ptr(20), ptr(1_000_000), ptr(meetpin.VisibilityPrivate), ptr("설명")
		}, "", ""},
		{"title missing", func(in *RoomInput) { in.Title = nil }, "title", "is required"},
		{"title blank", func(in *RoomInput) { in.Title = ptr("   ") }, "title", "is required"},
		{"title 101 characters", func(in *RoomInput) { in.Title = ptr(strings.Repeat("가", 101)) }, "title", "must be at most 100 characters"},
		{"title 100 characters", func(in *RoomInput) { in.Title = ptr(strings.Repeat("가", 100)) }, "", ""},
		{"category missing", func(in *RoomInput) { in.Category = nil }, "category", "is required"},
		{"category unknown", func(in *RoomInput) { in.Category = ptr("food") }, "category", "must be one of " + strings.Join(meetpin.Categories, ", ")},
		{"lat missing", func(in *RoomInput) { in.Lat = nil }, "lat", "is required"},
		{"lat 90.0001", func(in *RoomInput) { in.Lat = ptr(90.0001) }, "lat", "must be between -90 and 90"},
		{"lat -90", func(in *RoomInput) { in.Lat = ptr(-90.0) }, "", ""},
		{"lat NaN", func(in *RoomInput) { in.Lat = ptr(math.NaN()) }, "lat", "must be between -90 and 90"},
		{"lng missing", func(in *RoomInput) { in.Lng = nil }, "lng", "is required"},
		{"lng -180.5", func(in *RoomInput) { in.Lng = ptr(-180.5) }, "lng", "must be between -180 and 180"},
		{"lng 180", func(in *RoomInput) { in.Lng = ptr(180.0) }, "", ""},
		{"lng NaN", func(in *RoomInput) { in.Lng = ptr(math.NaN()) }, "lng", "must be between -180 and 180"},
		{"place_text missing", func(in *RoomInput) { in.PlaceText = nil }, "place_text", "is required"},
		{"place_text 201", func(in *RoomInput) { in.PlaceText = ptr(strings.Repeat("x", 201)) }, "place_text", "must be at most 200 characters"},
		{"start_at missing", func(in *RoomInput) { in.StartAt = nil }, "start_at", "is required"},
		{"start_at not RFC 3339", func(in *RoomInput) { in.StartAt = ptr("2026-12-01 19:00") }, "start_at", "must be an RFC 3339 date-time such as 2026-12-01T19:00:00+09:00"},
		{"start_at 29m59s ahead", func(in *RoomInput) { in.StartAt = ptr(now.Add(RoomMinLead - time.Second).Format(time.RFC3339)) }, "start_at", "must be at least 30 minutes from now"},
		{"start_at exactly 30 minutes ahead", func(in *RoomInput) { in.StartAt = ptr(now.Add(RoomMinLead).Format(time.RFC3339)) }, "", ""},
		{"start_at in the past", func(in *RoomInput) { in.StartAt = ptr(now.Add(-time.Hour).Format(time.RFC3339)) }, "start_at", "must be at least 30 minutes from now"},
		{"start_at exactly 7 days ahead", func(in *RoomInput) { in.StartAt = ptr(now.Add(RoomMaxLead).Format(time.RFC3339)) }, "", ""},
		{"start_at 7 days and a second", func(in *RoomInput) { in.StartAt = ptr(now.Add(RoomMaxLead + time.Second).Format(time.RFC3339)) }, "start_at", "must be at most 7 days from now"},
		{"start_at in KST", func(in *RoomInput) { in.StartAt = ptr(ok.In(kst).Format(time.RFC3339)) }, "", ""},
		{"max_people 1", func(in *RoomInput) { in.MaxPeople = ptr(1) }, "max_people", "must be between 2 and 20"},
		{"max_people 2", func(in *RoomInput) { in.MaxPeople = ptr(2) }, "", ""},
		{"max_people 21", func(in *RoomInput) { in.MaxPeople = ptr(21) }, "max_people", "must be between 2 and 20"},
		{"fee -1", func(in *RoomInput) { in.Fee = ptr(-1) }, "fee", "must be between 0 and 1000000"},
		{"fee 0", func(in *RoomInput) { in.Fee = ptr(0) }, "", ""},
		{"fee 1000001", func(in *RoomInput) { in.Fee = ptr(1_000_001) }, "fee", "must be between 0 and 1000000"},
		{"visibility unknown", func(in *RoomInput) { in.Visibility = ptr("friends") }, "visibility", "must be one of public, private"},
		{"description 1001", func(in *RoomInput) { in.Description = ptr(strings.Repeat("x", 1001)) }, "description", "must be at most 1000 characters"},
		{"description empty", func(in *RoomInput) { in.Description = ptr("") }, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validRoom(ok)
			tc.edit(&in)
			u, err := in.validate(now, true)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("validate: %v", err)
				}
				if u.StartAt == nil || u.StartAt.Location() != time.UTC {
					t.Errorf("start_at not normalized to UTC: %v", u.StartAt)
				}
				return
			}
			var e *meetpin.Error
			if !errorAs(err, &e) || e.Code != meetpin.EVALIDATION {
				t.Fatalf("validate = %v, want a validation error", err)
			}
			if got := e.Fields[tc.field]; got != tc.want {
				t.Errorf("%s: %q, want %q (all: %v)", tc.field, got, tc.want, e.Fields)
			}
		})
	}

	// An edit checks only what it carries: nothing is required.
	if _, err := (RoomInput{}).validate(now, false); err != nil {
		t.Errorf("an empty edit: %v", err)
	}
	if _, err := (RoomInput{MaxPeople: ptr(30)}).validate(now, false); meetpin.ErrorCode(err) != meetpin.EVALIDATION {
		t.Errorf("an edit with max_people 30: %v", err)
	}
	// A creation without anything names every required field.
	_, err := (RoomInput{}).validate(now, true)
	var e *meetpin.Error
	if !errorAs(err, &e) {
		t.Fatalf("an empty creation: %v", err)
	}
	for _, field := range []string{"title", "category", "lat", "lng", "place_text", "start_at"} {
		if e.Fields[field] != "is required" {
			t.Errorf("an empty creation: %s = %q", field, e.Fields[field])
		}
	}
}

func TestParseBBox(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want meetpin.BBox
	}{
		{"37.45,126.82,37.68,127.18", true, meetpin.BBox{South: 37.45, West: 126.82, North: 37.68, East: 127.18}},
		{" 37.45 , 126.82 , 37.68 , 127.18 ", true, meetpin.BBox{South: 37.45, West: 126.82, North: 37.68, East: 127.18}},
		{"30,170,40,-170", true, meetpin.BBox{South: 30, West: 170, North: 40, East: -170}}, // across the antimeridian
		{"-90,-180,90,180", true, meetpin.BBox{South: -90, West: -180, North: 90, East: 180}},
		{"", false, meetpin.BBox{}},
		{"37.45,126.82,37.68", false, meetpin.BBox{}},
		{"37.45,126.82,37.68,127.18,1", false, meetpin.BBox{}},
		{"a,b,c,d", false, meetpin.BBox{}},
		{"NaN,126,37,127", false, meetpin.BBox{}},
		{"36,Inf,37,127", false, meetpin.BBox{}},
		{"37.68,126.82,37.45,127.18", false, meetpin.BBox{}}, // south above north
		{"37,126,37,127", false, meetpin.BBox{}},             // empty band
		{"-91,126,37,127", false, meetpin.BBox{}},
		{"36,126,91,127", false, meetpin.BBox{}},
		{"36,-181,37,127", false, meetpin.BBox{}},
		{"36,126,37,180.5", false, meetpin.BBox{}},
	} {
		var f meetpin.FieldErrors
		got := ParseBBox(&f, tc.in)
		if ok := f["bbox"] == ""; ok != tc.ok {
			t.Errorf("ParseBBox(%q): problem %q, want ok=%v", tc.in, f["bbox"], tc.ok)
		} else if !ok && f["bbox"] != BBoxFormat {
			t.Errorf("ParseBBox(%q): problem %q, want the format", tc.in, f["bbox"])
		}
		if tc.ok && got != tc.want {
			t.Errorf("ParseBBox(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestPaging(t *testing.T) {
	for _, tc := range []struct {
		page, limit         string
		wantPage, wantLimit int
		bad                 string // the field with a problem
	}{
		{"", "", 1, DefaultPageSize, ""},
		{"3", "50", 3, 50, ""},
		{"1", "100", 1, MaxPageSize, ""},
		{"100000", "1", 100000, 1, ""},
		{"0", "", 0, DefaultPageSize, "page"},
		{"-1", "", -1, DefaultPageSize, "page"},
		{"100001", "", 100001, DefaultPageSize, "page"},
		{"two", "", 0, DefaultPageSize, "page"},
		{"", "0", 1, 0, "limit"},
		{"", "101", 1, 101, "limit"},
		{"", "1.5", 1, 0, "limit"},
	} {
		var f meetpin.FieldErrors
		page, limit := paging(&f, tc.page, tc.limit)
		if len(f) > 0 != (tc.bad != "") || tc.bad != "" && f[tc.bad] == "" {
			t.Errorf("paging(%q, %q): problems %v, want one on %q", tc.page, tc.limit, f, tc.bad)
		}
		if tc.bad == "" && (page != tc.wantPage || limit != tc.wantLimit) {
			t.Errorf("paging(%q, %q) = %d, %d; want %d, %d", tc.page, tc.limit, page, limit, tc.wantPage, tc.wantLimit)
		}
	}
}

func TestNewPagination(t *testing.T) {
	for _, tc := range []struct {
		page, limit, total int
		want               Pagination
	}{
		{1, 20, 0, Pagination{Page: 1, Limit: 20, Total: 0, TotalPages: 0}},
		{1, 20, 20, Pagination{Page: 1, Limit: 20, Total: 20, TotalPages: 1}},
		{1, 20, 21, Pagination{Page: 1, Limit: 20, Total: 21, TotalPages: 2, HasNext: true}},
		{2, 20, 41, Pagination{Page: 2, Limit: 20, Total: 41, TotalPages: 3, HasNext: true, HasPrev: true}},
		{3, 20, 41, Pagination{Page: 3, Limit: 20, Total: 41, TotalPages: 3, HasPrev: true}},
		{9, 20, 41, Pagination{Page: 9, Limit: 20, Total: 41, TotalPages: 3, HasPrev: true}}, // past the end
	} {
		if got := newPagination(tc.page, tc.limit, tc.total); got != tc.want {
			t.Errorf("newPagination(%d, %d, %d) = %+v, want %+v", tc.page, tc.limit, tc.total, got, tc.want)
		}
	}
}

func TestCheckAvatarURL(t *testing.T) {
	const (
		form    = "must be an https:// URL or an uploaded avatar"
		private = "must not point to a private or local address"
		ipv4    = "must write an IPv4 address as four decimal numbers"
	)
	for v, want := range map[string]string{
		"/media/avatars/0190e7a4-1111-7000-8000-000000000000.webp": "",
		"https://cdn.example.com/a.png":                            "",
		"https://8.8.8.8/a.png":                                    "",
		"https://example.com:8443/a.png":                           "",
		"/media/avatars/../../etc/passwd":                          form,
		"/media/avatars/.hidden":                                   form,
		"/media/avatars/":                                          form,
		"/media/avatars/a b.png":                                   form,
		"/media/other/a.png":                                       form,
		"http://cdn.example.com/a.png":                             form,
		"javascript:alert(1)":                                      form,
		"https:///a.png":                                           form,
		"https://user:pw@cdn.example.com/a.png":                    form,
		"//cdn.example.com/a.png":                                  form,
		"https://localhost/a.png":                                  private,
		"https://LOCALHOST./a.png":                                 private,
		"https://app.localhost/a.png":                              private,
		"https://printer.local/a.png":                              private,
		"https://metadata.google.internal/a":                       private,
		"https://127.0.0.1/a.png":                                  private,
		"https://10.1.2.3/a.png":                                   private,
		"https://192.168.0.1/a.png":                                private,
		"https://169.254.169.254/latest/meta-data":                 private,
		"https://0.0.0.0/a.png":                                    private,
		"https://[::1]/a.png":                                      private,
		"https://[fe80::1]/a.png":                                  private,
		"https://[::ffff:127.0.0.1]/a.png":                         private,
		"https://１２７.０.０.１/a.png":                                  private, // fullwidth digits fold to 127.0.0.1
		"https://127。0。0。1/a.png":                                  private, // ideographic full stops
		"https://2130706433/a.png":                                 ipv4,    // 127.0.0.1 as one number
		"https://0x7f000001/a.png":                                 ipv4,
		"https://127.1/a.png":                                      ipv4,
		"https://0177.0.0.1/a.png":                                 ipv4,
		"https://" + strings.Repeat("a", 490) + ".com/":            "must be at most 500 characters",
	} {
		if got := problem("avatar_url", func(f *meetpin.FieldErrors) { checkAvatarURL(f, v) }); got != want {
			t.Errorf("checkAvatarURL(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestIsPrivateHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "a.localhost": true, "x.local": true, "db.internal": true,
		"127.0.0.1": true, "10.0.0.1": true, "172.16.0.1": true, "192.168.1.1": true, "169.254.1.1": true,
		"0.0.0.0": true, "224.0.0.1": true, "::1": true, "[::1]": true, "fc00::1": true, "fe80::1": true, "::": true,
		"::ffff:10.0.0.1": true, "ff02::1": true,
		"example.com": false, "8.8.8.8": false, "2001:4860:4860::8888": false, "172.32.0.1": false, "localhost.example.com": false,
	} {
		if got := isPrivateHost(host); got != want {
			t.Errorf("isPrivateHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestNullable(t *testing.T) {
	var v struct {
		A Nullable[string] `json:"a"`
		B Nullable[string] `json:"b"`
		C Nullable[string] `json:"c"`
	}
	if err := json.Unmarshal([]byte(`{"a":null,"b":"x"}`), &v); err != nil {
		t.Fatal(err)
	}
	if !v.A.Set || !v.A.Null {
		t.Errorf("null: %+v", v.A)
	}
	if !v.B.Set || v.B.Null || v.B.Value != "x" {
		t.Errorf("a value: %+v", v.B)
	}
	if v.C.Set {
		t.Errorf("absent: %+v", v.C)
	}
	if err := json.Unmarshal([]byte(`{"a":5}`), &v); err == nil {
		t.Error("a number into a Nullable[string] was accepted")
	}
}

func TestRequireAdmin(t *testing.T) {
	if c := meetpin.ErrorCode(requireAdmin(nil)); c != meetpin.EUNAUTHORIZED {
		t.Errorf("anonymous: %s", c)
	}
	if c := meetpin.ErrorCode(requireAdmin(&meetpin.User{Role: meetpin.RoleUser})); c != meetpin.EFORBIDDEN {
		t.Errorf("user: %s", c)
	}
	if err := requireAdmin(&meetpin.User{Role: meetpin.RoleAdmin}); err != nil {
		t.Errorf("admin: %v", err)
	}
}

func TestPreview(t *testing.T) {
	short := strings.Repeat("가", 60)
	if got := preview(short); got != short {
		t.Errorf("60 characters changed: %q", got)
	}
	if got := preview(short + "나"); got != short+"…" {
		t.Errorf("61 characters: %q", got)
	}
}

func TestBoostOf(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	room, user := "0190e7a4-1111-7000-8000-000000000001", "0190e7a4-1111-7000-8000-000000000002"
	good := func() *meetpin.PaymentEvent {
		return &meetpin.PaymentEvent{ID: "evt_1", Type: meetpin.EventCheckoutCompleted, SessionID: "cs_1", PaymentStatus: "paid",
			Currency: "KRW", AmountTotal: 2500, Metadata: map[string]string{"type": "boost", "room_id": room, "user_id": user, "days": "3"}}
	}
	for _, tc := range []struct {
		name string
		edit func(ev *meetpin.PaymentEvent)
		why  string
	}{
		{"a paid boost", func(ev *meetpin.PaymentEvent) {}, ""},
		{"not a boost", func(ev *meetpin.PaymentEvent) { ev.Metadata["type"] = "donation" }, "not a boost"},
		{"unpaid", func(ev *meetpin.PaymentEvent) { ev.PaymentStatus = "unpaid" }, `payment status is "unpaid"`},
		{"no session", func(ev *meetpin.PaymentEvent) { ev.SessionID = "" }, "no session id"},
		{"room not a UUID", func(ev *meetpin.PaymentEvent) { ev.Metadata["room_id"] = "1; DROP TABLE rooms" }, "room_id or user_id is not a UUID"},
		{"user UUID not canonical", func(ev *meetpin.PaymentEvent) { ev.Metadata["user_id"] = strings.ToUpper(user) }, "room_id or user_id is not a UUID"},
		{"2 days", func(ev *meetpin.PaymentEvent) { ev.Metadata["days"] = "2" }, "days is not 1, 3 or 7"},
		{"days missing", func(ev *meetpin.PaymentEvent) { delete(ev.Metadata, "days") }, "days is not 1, 3 or 7"},
		{"dollars", func(ev *meetpin.PaymentEvent) { ev.Currency = "usd" }, `currency is "usd", not krw`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := good()
			tc.edit(ev)
			p, why := boostOf(ev, now)
			if why != tc.why {
				t.Fatalf("why = %q, want %q", why, tc.why)
			}
			if why == "" && (p.RoomID != room || p.UserID != user || p.Days != 3 || p.Amount != 2500 || p.Currency != "krw" || !p.CreatedAt.Equal(now)) {
				t.Errorf("payment = %+v", p)
			}
		})
	}
	ev := good()
	ev.AmountTotal = 0
	if p, _ := boostOf(ev, now); p.Amount != meetpin.BoostPrices[3] {
		t.Errorf("without an amount: %d, want the list price", p.Amount)
	}
}

func TestKSTTime(t *testing.T) {
	// 12:30 UTC on 31 December is 21:30 KST the same day; 15:00 UTC is the next day in Korea.
	if got := kstTime(time.Date(2026, 12, 31, 12, 30, 0, 0, time.UTC)); got != "12월 31일 21:30" {
		t.Errorf("kstTime = %q", got)
	}
	if got := kstTime(time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC)); got != "1월 1일 00:00" {
		t.Errorf("kstTime = %q", got)
	}
}

func TestParsePoint(t *testing.T) {
	for _, tc := range []struct {
		lat, lng         string
		latP, lngP       string
		wantLat, wantLng float64
	}{
		{"37.5", "127", "", "", 37.5, 127},
		{" -90 ", "180", "", "", -90, 180},
		{"", "", "is required", "is required", 0, 0},
		{"90.1", "0", "must be a number between -90 and 90", "", 0, 0},
		{"0", "-180.1", "", "must be a number between -180 and 180", 0, 0},
		{"NaN", "Inf", "must be a number between -90 and 90", "must be a number between -180 and 180", 0, 0},
		{"north", "0", "must be a number between -90 and 90", "", 0, 0},
	} {
		var f meetpin.FieldErrors
		lat, lng := parsePoint(&f, tc.lat, tc.lng)
		if f["lat"] != tc.latP || f["lng"] != tc.lngP {
			t.Errorf("parsePoint(%q, %q): %v", tc.lat, tc.lng, f)
		}
		if tc.latP == "" && tc.lngP == "" && (lat != tc.wantLat || lng != tc.wantLng) {
			t.Errorf("parsePoint(%q, %q) = %v, %v", tc.lat, tc.lng, lat, lng)
		}
	}
}

func errorAs(err error, e **meetpin.Error) bool { return errors.As(err, e) }
