package web_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/sqlite/sqlitetest"
)

func getProfile(t *testing.T, s *testServer, token string) meetpin.Profile {
	t.Helper()
	var p meetpin.Profile
	s.call("GET", "/api/profile", nil, token).want(t, 200, "").into(t, &p)
	return p
}

func TestProfileEdit(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		u := s.signup("editor")
		s.signup("Other")
		s.call("GET", "/api/profile", nil, "").wantError(t, 401, meetpin.EUNAUTHORIZED)
		s.call("PATCH", "/api/profile", map[string]any{"intro": "anon"}, "").wantError(t, 401, meetpin.EUNAUTHORIZED)

		p := getProfile(t, s, u.Token)
		if p.UserID != u.ID || p.Nickname != "editor" || p.Role != meetpin.RoleUser || p.AgeRange != nil || p.AvatarURL != nil || p.Intro != "" {
			t.Fatalf("fresh profile %+v", p)
		}

		// Partial: only the given fields change.
		patch := func(body any) meetpin.Profile {
			t.Helper()
			var p meetpin.Profile
			s.call("PATCH", "/api/profile", body, u.Token).want(t, 200, "").into(t, &p)
			if got := getProfile(t, s, u.Token); got.Nickname != p.Nickname || got.Intro != p.Intro ||
				!equalPtr(got.AgeRange, p.AgeRange) || !equalPtr(got.AvatarURL, p.AvatarURL) {
				t.Fatalf("PATCH answered %+v, GET says %+v", p, got)
			}
			return p
		}
		p = patch(map[string]any{"intro": "  안녕하세요, 맥주 좋아해요  "})
		if p.Intro != "안녕하세요, 맥주 좋아해요" || p.Nickname != "editor" || p.AgeRange != nil {
			t.Fatalf("after intro: %+v", p)
		}
		p = patch(map[string]any{"age_range": "20s_late"})
		if p.AgeRange == nil || *p.AgeRange != "20s_late" || p.Intro != "안녕하세요, 맥주 좋아해요" {
			t.Fatalf("after age_range: %+v", p)
		}
		p = patch(map[string]any{})
		if p.AgeRange == nil || p.Intro == "" || p.Nickname != "editor" {
			t.Fatalf("an empty patch changed something: %+v", p)
		}
		p = patch(map[string]any{"age_range": nil})
		if p.AgeRange != nil || p.Intro != "안녕하세요, 맥주 좋아해요" {
			t.Fatalf("age_range null did not clear only it: %+v", p)
		}
		p = patch(map[string]any{"nickname": "Editor_2", "avatar_url": "https://images.example.com/me.png"})
		if p.Nickname != "Editor_2" || p.AvatarURL == nil || *p.AvatarURL != "https://images.example.com/me.png" {
			t.Fatalf("after nickname and avatar: %+v", p)
		}
		p = patch(map[string]any{"nickname": "EDITOR_2"}) // a change of case of one's own name
		if p.Nickname != "EDITOR_2" || p.AvatarURL == nil {
			t.Fatalf("after case change: %+v", p)
		}
		if p = patch(map[string]any{"avatar_url": nil}); p.AvatarURL != nil {
			t.Fatalf("avatar_url null: %+v", p)
		}
		patch(map[string]any{"avatar_url": "https://images.example.com/me.png"})
		if p = patch(map[string]any{"avatar_url": ""}); p.AvatarURL != nil {
			t.Fatalf("avatar_url empty: %+v", p)
		}
		if p = patch(map[string]any{"intro": strings.Repeat("가", 500)}); len([]rune(p.Intro)) != 500 {
			t.Fatalf("500-character intro: %d", len([]rune(p.Intro)))
		}
		if p = patch(map[string]any{"intro": ""}); p.Intro != "" {
			t.Fatalf("intro not cleared: %q", p.Intro)
		}

		// Taken by someone else, in any case.
		r := s.call("PATCH", "/api/profile", map[string]any{"nickname": "oTHER"}, u.Token).wantError(t, 409, meetpin.ECONFLICT)
		if !strings.Contains(r.Message, "nickname") {
			t.Fatalf("conflict message %q", r.Message)
		}

		before := getProfile(t, s, u.Token)
		bad := []struct {
			field string
			body  map[string]any
		}{
			{"intro", map[string]any{"intro": strings.Repeat("a", 501)}},
			{"nickname", map[string]any{"nickname": "a"}},
			{"nickname", map[string]any{"nickname": "sysadmin"}},
			{"age_range", map[string]any{"age_range": "19"}},
			{"role", map[string]any{"role": "admin"}},
			{"email", map[string]any{"email": "new@example.com"}},
			{"id", map[string]any{"id": "0190e7a4-0000-7000-8000-000000000000"}},
			{"avatar_url", map[string]any{"avatar_url": "http://images.example.com/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://127.0.0.1/x.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://10.0.0.1/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://[::1]/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://[::ffff:127.0.0.1]/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://[fd00::1]/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://192.168.1.20/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://169.254.169.254/latest/meta-data"}},
			{"avatar_url", map[string]any{"avatar_url": "https://0.0.0.0/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://localhost/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://LOCALHOST./a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://router.local/a.png"}},
			// Numeric hosts that a browser reads as IPv4 loopback.
			{"avatar_url", map[string]any{"avatar_url": "https://2130706433/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://0x7f000001/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://127.1/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://0177.0.0.1/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://127.0.0.1./a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://%31%32%37.0.0.1/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://１２７．０．０．１/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://0ｘ7f000001/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://127。0。0。1/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "https://user:pw@images.example.com/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "javascript:alert(1)"}},
			{"avatar_url", map[string]any{"avatar_url": "data:image/png;base64,iVBORw0KGgo="}},
			{"avatar_url", map[string]any{"avatar_url": "//images.example.com/a.png"}},
			{"avatar_url", map[string]any{"avatar_url": "/api/auth/logout"}},
			{"avatar_url", map[string]any{"avatar_url": "/media/avatars/../../api/auth/logout"}},
			{"avatar_url", map[string]any{"avatar_url": "/media/avatars/%2e%2e/%2e%2e/api/auth/logout"}},
			{"avatar_url", map[string]any{"avatar_url": `/media/avatars/x\..\..\api`}},
			{"avatar_url", map[string]any{"avatar_url": "/media/avatars/"}},
			{"avatar_url", map[string]any{"avatar_url": "https://images.example.com/" + strings.Repeat("a", 500)}},
			{"avatar_url", map[string]any{"avatar_url": 5}},
		}
		for _, c := range bad {
			t.Run(mustJSON(t, c.body), func(t *testing.T) {
				s.call("PATCH", "/api/profile", c.body, u.Token).wantField(t, c.field)
			})
		}
		after := getProfile(t, s, u.Token)
		if after.Nickname != before.Nickname || after.Intro != before.Intro || !equalPtr(after.AgeRange, before.AgeRange) ||
			!equalPtr(after.AvatarURL, before.AvatarURL) || after.Role != meetpin.RoleUser {
			t.Fatalf("refused edits changed the profile: %+v → %+v", before, after)
		}
		if usr, err := store.UserByID(t.Context(), u.ID); err != nil || usr.Role != meetpin.RoleUser || usr.Email != "editor@example.com" {
			t.Fatalf("user after refused edits: %+v %v", usr, err)
		}
		// Public https URLs and our own upload paths are fine.
		for _, ok := range []string{"https://images.example.com/a.png?size=2", "https://8.8.8.8/a.png", "https://한국.example/a.png", "https://cdn.example.com./a.png", "/media/avatars/" + u.ID + "-0011223344556677.jpg"} {
			if p := patch(map[string]any{"avatar_url": ok}); p.AvatarURL == nil || *p.AvatarURL != ok {
				t.Fatalf("%s refused or changed: %+v", ok, p.AvatarURL)
			}
		}
	})
}

func equalPtr(a, b *string) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func TestPublicProfile(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		a, b, c := s.signup("alice"), s.signup("bob"), s.signup("carol")
		s.call("PATCH", "/api/profile", map[string]any{"intro": "hi, I'm alice", "age_range": "40s"}, a.Token).want(t, 200, "")

		for _, who := range []struct{ name, token string }{{"other user", b.Token}, {"anonymous", ""}, {"self", a.Token}} {
			r := s.call("GET", "/api/profile/"+a.ID, nil, who.token).want(t, 200, "")
			var keys map[string]json.RawMessage
			r.into(t, &keys)
			got := slices.Sorted(func(yield func(string) bool) {
				for k := range keys {
					if !yield(k) {
						return
					}
				}
			})
			if !slices.Equal(got, []string{"age_range", "avatar_url", "id", "intro", "nickname"}) {
				t.Fatalf("%s: public profile fields %v", who.name, got)
			}
			if strings.Contains(r.Raw, "@") || strings.Contains(r.Raw, "email") || strings.Contains(r.Raw, "role") {
				t.Fatalf("%s: public profile leaks: %s", who.name, r.Raw)
			}
			var p meetpin.PublicProfile
			r.into(t, &p)
			if p.ID != a.ID || p.Nickname != "alice" || p.Intro != "hi, I'm alice" || p.AgeRange == nil || *p.AgeRange != "40s" {
				t.Fatalf("%s: %+v", who.name, p)
			}
		}
		for _, id := range []string{
			"0190e7a4-0000-7000-8000-000000000000", "not-a-uuid", "12345", strings.Repeat("f", 300),
			strings.ToUpper(a.ID) + "x", "'%20OR%201=1--",
		} {
			for _, token := range []string{"", b.Token} {
				s.call("GET", "/api/profile/"+id, nil, token).wantError(t, 404, meetpin.ENOTFOUND)
			}
		}

		// A block hides both sides from each other, and nobody else.
		if err := store.CreateBlock(t.Context(), &meetpin.Block{BlockerID: a.ID, BlockedID: b.ID, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
		s.call("GET", "/api/profile/"+a.ID, nil, b.Token).wantError(t, 404, meetpin.ENOTFOUND)
		s.call("GET", "/api/profile/"+b.ID, nil, a.Token).wantError(t, 404, meetpin.ENOTFOUND)
		s.call("GET", "/api/profile/"+a.ID, nil, c.Token).want(t, 200, "")
		s.call("GET", "/api/profile/"+b.ID, nil, c.Token).want(t, 200, "")
		s.call("GET", "/api/profile/"+a.ID, nil, a.Token).want(t, 200, "")
		// The 404 of a block looks like the 404 of nobody.
		blocked := s.call("GET", "/api/profile/"+a.ID, nil, b.Token)
		missing := s.call("GET", "/api/profile/0190e7a4-0000-7000-8000-000000000000", nil, b.Token)
		if blocked.Raw != missing.Raw {
			t.Fatalf("block %s, missing %s", blocked.Raw, missing.Raw)
		}
	})
}

func TestProfileStats(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		u, other := s.signup("statsHost"), s.signup("statsOther")
		s.call("GET", "/api/profile/stats", nil, "").wantError(t, 401, meetpin.EUNAUTHORIZED)
		var st meetpin.ProfileStats
		s.call("GET", "/api/profile/stats", nil, u.Token).want(t, 200, "").into(t, &st)
		if st.HostedRooms != 0 || st.JoinedRooms != 0 || st.Matches != 0 || st.MessagesSent != 0 || st.MemberSince.IsZero() {
			t.Fatalf("fresh stats %+v", st)
		}
		s.call("POST", "/api/rooms", roomBody(nil), u.Token).want(t, 201, "")
		s.call("POST", "/api/rooms", roomBody(nil), other.Token).want(t, 201, "")
		s.call("GET", "/api/profile/stats", nil, u.Token).want(t, 200, "").into(t, &st)
		if st.HostedRooms != 1 {
			t.Fatalf("after hosting one room: %+v", st)
		}
		if time.Since(st.MemberSince) > time.Hour || time.Until(st.MemberSince) > time.Minute {
			t.Fatalf("member since %v", st.MemberSince)
		}
	})
}

// --- Avatars ---

// testPicture is a w×h gradient with a half-transparent corner.
func testPicture(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if x < w/4 && y < h/4 {
				a = 100
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 200, a})
		}
	}
	return img
}

// jpegWithGPS is a w×h JPEG with an EXIF APP1 segment right after SOI that
// carries GPS tags, the way a phone camera writes them.
func jpegWithGPS(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testPicture(w, h), nil); err != nil {
		t.Fatal(err)
	}
	payload := []byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08GPSLatitude 37.4979 N GPSLongitude 127.0276 E")
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	out := append(append(append([]byte{}, b.Bytes()[:2]...), seg...), payload...)
	out = append(out, b.Bytes()[2:]...)
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil || !bytes.Contains(out, []byte("GPSLatitude")) {
		t.Fatalf("test JPEG: %v", err)
	}
	return out
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testPicture(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts data as a multipart file field.
func (s *testServer) upload(token, field, filename, contentType string, data []byte) *reply {
	s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("note", "a form value before the file")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename))
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	if err != nil {
		s.t.Fatal(err)
	}
	part.Write(data)
	mw.Close()
	hdr := map[string]string{}
	if token != "" {
		hdr["Authorization"] = "Bearer " + token
	}
	return s.request("POST", "/api/profile/avatar", mw.FormDataContentType(), &body, hdr)
}

type avatarData struct {
	AvatarURL *string   `json:"avatar_url"`
	UpdatedAt time.Time `json:"updated_at"`
}

// fetch GETs a path of the server and returns the status, content type and
// body.
func (s *testServer) fetch(path string) (int, string, []byte) {
	s.t.Helper()
	res, err := http.Get(s.URL + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode == 200 && res.Header.Get("X-Content-Type-Options") != "nosniff" {
		s.t.Fatalf("%s served without nosniff", path)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), b
}

func TestAvatar(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		u := s.signup("photogenic")

		s.upload("", "avatar", "me.jpg", "image/jpeg", jpegWithGPS(t, 64, 64)).wantError(t, 401, meetpin.EUNAUTHORIZED)

		// A phone photo: EXIF GPS is gone, the size is capped.
		var d avatarData
		s.upload(u.Token, "avatar", "me.jpg", "image/jpeg", jpegWithGPS(t, 1200, 300)).want(t, 200, "").into(t, &d)
		if d.AvatarURL == nil || !strings.HasPrefix(*d.AvatarURL, "/media/avatars/") || !strings.HasSuffix(*d.AvatarURL, ".jpg") || d.UpdatedAt.IsZero() {
			t.Fatalf("upload answer %+v", d)
		}
		first := *d.AvatarURL
		status, ct, body := s.fetch(first)
		if status != 200 || ct != "image/jpeg" {
			t.Fatalf("GET %s: %d %s", first, status, ct)
		}
		if bytes.Contains(body, []byte("Exif")) || bytes.Contains(body, []byte("GPS")) {
			t.Fatal("the stored avatar kept its EXIF data")
		}
		img, format, err := image.Decode(bytes.NewReader(body))
		if err != nil || format != "jpeg" || img.Bounds().Dx() != 512 || img.Bounds().Dy() != 128 {
			t.Fatalf("stored avatar: %s %v %v", format, img.Bounds(), err)
		}
		if p := getProfile(t, s, u.Token); p.AvatarURL == nil || *p.AvatarURL != first {
			t.Fatalf("profile avatar_url %v", p.AvatarURL)
		}

		// A PNG stays a PNG, and replaces (and deletes) the first file.
		s.upload(u.Token, "avatar", "me.png", "image/png", pngBytes(t, 100, 80)).want(t, 200, "").into(t, &d)
		second := *d.AvatarURL
		if second == first || !strings.HasSuffix(second, ".png") {
			t.Fatalf("second avatar %s", second)
		}
		status, ct, body = s.fetch(second)
		if status != 200 || ct != "image/png" || http.DetectContentType(body) != "image/png" {
			t.Fatalf("GET %s: %d %s", second, status, ct)
		}
		if img, err := png.Decode(bytes.NewReader(body)); err != nil || img.Bounds().Dx() != 100 {
			t.Fatalf("stored PNG: %v", err)
		}
		if status, _, _ := s.fetch(first); status != 404 {
			t.Fatalf("replaced avatar still served: %d", status)
		}

		// A WebP is accepted and stored as JPEG.
		webp, err := os.ReadFile(filepath.Join("..", "media", "testdata", "blue-purple-pink.lossy.webp"))
		if err != nil {
			t.Fatal(err)
		}
		s.upload(u.Token, "file", "me.webp", "image/webp", webp).want(t, 200, "").into(t, &d)
		third := *d.AvatarURL
		if status, ct, _ := s.fetch(third); status != 200 || ct != "image/jpeg" {
			t.Fatalf("WebP avatar %s: %d %s", third, status, ct)
		}
		if status, _, _ := s.fetch(second); status != 404 {
			t.Fatalf("replaced avatar still served: %d", status)
		}

		// Refused uploads change nothing.
		big := append(pngBytes(t, 8, 8), make([]byte, 6<<20)...)
		s.upload(u.Token, "avatar", "notes.png", "image/png", []byte("just some text, honestly\n")).wantError(t, 415, meetpin.EUNSUPPORTEDMEDIA)
		s.upload(u.Token, "avatar", "anim.gif", "image/gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")).wantError(t, 415, meetpin.EUNSUPPORTEDMEDIA)
		s.upload(u.Token, "avatar", "huge.png", "image/png", big).wantError(t, 413, meetpin.EPAYLOADTOOLARGE)
		s.upload(u.Token, "avatar", "broken.jpg", "image/jpeg", jpegWithGPS(t, 64, 64)[:300]).wantField(t, "avatar")
		s.upload(u.Token, "photo", "me.png", "image/png", pngBytes(t, 10, 10)).wantField(t, "avatar")
		s.call("POST", "/api/profile/avatar", map[string]any{"avatar": "x"}, u.Token).wantError(t, 415, meetpin.EUNSUPPORTEDMEDIA)
		s.request("POST", "/api/profile/avatar", "multipart/form-data; boundary=zzz", strings.NewReader("not multipart"),
			map[string]string{"Authorization": "Bearer " + u.Token}).wantField(t, "avatar")
		if p := getProfile(t, s, u.Token); p.AvatarURL == nil || *p.AvatarURL != third {
			t.Fatalf("refused uploads changed the avatar: %v", p.AvatarURL)
		}
		if status, _, _ := s.fetch(third); status != 200 {
			t.Fatalf("refused uploads removed the avatar file: %d", status)
		}

		// Delete: the file goes, the profile forgets it; twice is fine.
		s.call("DELETE", "/api/profile/avatar", nil, u.Token).want(t, 200, "").into(t, &d)
		if d.AvatarURL != nil {
			t.Fatalf("delete answered %+v", d)
		}
		if status, _, _ := s.fetch(third); status != 404 {
			t.Fatalf("deleted avatar still served: %d", status)
		}
		if p := getProfile(t, s, u.Token); p.AvatarURL != nil {
			t.Fatalf("profile still has avatar %s", *p.AvatarURL)
		}
		s.call("DELETE", "/api/profile/avatar", nil, u.Token).want(t, 200, "")
		s.call("DELETE", "/api/profile/avatar", nil, "").wantError(t, 401, meetpin.EUNAUTHORIZED)

		// Media paths never escape the media directory.
		for _, p := range []string{"/media/avatars/..%2f..%2fetc%2fpasswd", "/media/avatars/.hidden", "/media/avatars/%2e%2e"} {
			if status, _, _ := s.fetch(p); status != 404 && status != 400 {
				t.Fatalf("GET %s: %d", p, status)
			}
		}
	})
}

// TestAvatarNotShared: pointing one's avatar_url at someone else's upload
// must not let one delete or replace their file.
func TestAvatarNotShared(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		owner, thief := s.signup("owner"), s.signup("thief")
		var d avatarData
		s.upload(owner.Token, "avatar", "me.png", "image/png", pngBytes(t, 20, 20)).want(t, 200, "").into(t, &d)
		url := *d.AvatarURL

		s.call("PATCH", "/api/profile", map[string]any{"avatar_url": url}, thief.Token).want(t, 200, "")
		s.call("DELETE", "/api/profile/avatar", nil, thief.Token).want(t, 200, "")
		if status, _, _ := s.fetch(url); status != 200 {
			t.Fatalf("another user's delete removed the file: %d", status)
		}
		s.call("PATCH", "/api/profile", map[string]any{"avatar_url": url}, thief.Token).want(t, 200, "")
		s.upload(thief.Token, "avatar", "mine.png", "image/png", pngBytes(t, 20, 20)).want(t, 200, "")
		if status, _, _ := s.fetch(url); status != 200 {
			t.Fatalf("another user's upload removed the file: %d", status)
		}
		if p := getProfile(t, s, owner.Token); p.AvatarURL == nil || *p.AvatarURL != url {
			t.Fatalf("owner's avatar %v", p.AvatarURL)
		}
	})
}

// TestAvatarMemoryBomb is the attack of issue 14 over HTTP: four parallel
// uploads of a 6324×6324 16-bit PNG of zeros (320 MB of pixels each; on
// the old code 1.7 GB of memory and 22 s per upload) are refused from the
// header, as is an 8-bit canvas too big to decode; nothing is stored. The
// memory the real process keeps is measured by tools/imagebomb
// (docs/security.md).
func TestAvatarMemoryBomb(t *testing.T) {
	t.Parallel()
	s := newServer(t, sqlitetest.New(t))
	u := s.signup("bomber")
	bomb := meetpintest.ZeroPNG(6324, 6324, 16)
	var wg sync.WaitGroup
	replies := make([]*reply, 4)
	for i := range replies {
		wg.Go(func() { replies[i] = s.upload(u.Token, "avatar", "zeros.png", "image/png", bomb) })
	}
	wg.Wait()
	for _, r := range replies {
		r.wantError(t, 415, meetpin.EUNSUPPORTEDMEDIA)
		if !strings.Contains(r.Message, "16-bit") {
			t.Fatalf("message %q does not say why", r.Message)
		}
	}
	s.upload(u.Token, "avatar", "zeros.png", "image/png", meetpintest.ZeroPNG(6324, 6324, 8)).wantField(t, "avatar")
	if p := getProfile(t, s, u.Token); p.AvatarURL != nil {
		t.Fatalf("a refused upload set the avatar: %v", *p.AvatarURL)
	}
}

// TestAvatarClearedByPatch is the orphaned avatar of issue 14: clearing
// avatar_url with PATCH /api/profile used to leave the uploaded file
// served (with a year of immutable caching). It now goes as on DELETE.
func TestAvatarClearedByPatch(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		u := s.signup("forgetful")
		var d avatarData
		s.upload(u.Token, "avatar", "me.png", "image/png", pngBytes(t, 40, 40)).want(t, 200, "").into(t, &d)
		file := *d.AvatarURL
		if status, _, _ := s.fetch(file); status != 200 {
			t.Fatalf("uploaded avatar: %d", status)
		}
		s.call("PATCH", "/api/profile", map[string]any{"avatar_url": nil}, u.Token).want(t, 200, "")
		if status, _, _ := s.fetch(file); status != 404 {
			t.Fatalf("cleared avatar still served: %d", status)
		}
		// A nickname change keeps the avatar.
		s.upload(u.Token, "avatar", "me.png", "image/png", pngBytes(t, 40, 40)).want(t, 200, "").into(t, &d)
		s.call("PATCH", "/api/profile", map[string]any{"intro": "hello"}, u.Token).want(t, 200, "")
		if status, _, _ := s.fetch(*d.AvatarURL); status != 200 {
			t.Fatalf("avatar gone after an unrelated edit: %d", status)
		}
	})
}
