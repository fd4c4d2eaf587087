package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"meetpin.app/media"
	"meetpin.app/meetpintest"
)

// picture is a w×h image with a gradient and a half-transparent corner.
func picture(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if x < w/4 && y < h/4 {
				a = 128
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, a})
		}
	}
	return img
}

func encodeJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, picture(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withEXIF inserts an APP1 EXIF segment carrying GPS tags right after the
// JPEG's SOI marker, as a phone camera would.
func withEXIF(jpg []byte) []byte {
	payload := []byte("Exif\x00\x00MM\x00*GPSLatitude=37.4979;GPSLongitude=127.0276")
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func process(t *testing.T, data []byte) *media.Image {
	t.Helper()
	img, err := media.Process(bytes.NewReader(data), media.AvatarSize)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return img
}

func decode(t *testing.T, img *media.Image) (image.Image, string) {
	t.Helper()
	m, format, err := image.Decode(bytes.NewReader(img.Data))
	if err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	return m, format
}

func TestProcessStripsMetadata(t *testing.T) {
	t.Parallel()
	in := withEXIF(encodeJPEG(t, 64, 48))
	if _, err := jpeg.Decode(bytes.NewReader(in)); err != nil || !bytes.Contains(in, []byte("GPSLatitude")) {
		t.Fatalf("test input is not a JPEG with EXIF GPS: %v", err)
	}
	out := process(t, in)
	if bytes.Contains(out.Data, []byte("Exif")) || bytes.Contains(out.Data, []byte("GPS")) {
		t.Fatal("EXIF survived processing")
	}
	m, format := decode(t, out)
	if format != "jpeg" || out.Ext != ".jpg" || m.Bounds().Dx() != 64 || m.Bounds().Dy() != 48 {
		t.Fatalf("got %s %s %v", format, out.Ext, m.Bounds())
	}
}

// TestProcessSniffs decides the type from the bytes only.
func TestProcessSniffs(t *testing.T) {
	t.Parallel()
	webp, err := os.ReadFile(filepath.Join("testdata", "blue-purple-pink.lossy.webp"))
	if err != nil {
		t.Fatal(err)
	}
	var gifData bytes.Buffer
	if err := gif.Encode(&gifData, picture(8, 8), nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		data   []byte
		ext    string
		format string
		err    error
	}{
		{"jpeg", encodeJPEG(t, 20, 10), ".jpg", "jpeg", nil},
		{"png stays png", encodePNG(t, 20, 10), ".png", "png", nil},
		{"webp becomes jpeg", webp, ".jpg", "jpeg", nil},
		{"gif", gifData.Bytes(), "", "", media.ErrUnsupported},
		{"text", []byte("I am not a picture, whatever my name says.png"), "", "", media.ErrUnsupported},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "", "", media.ErrUnsupported},
		{"html", []byte("<html><body>hi</body></html>"), "", "", media.ErrUnsupported},
		{"empty", nil, "", "", media.ErrUnsupported},
		{"jpeg header, garbage after", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte("junk"), 100)...), "", "", media.ErrCorrupt},
		{"truncated png", encodePNG(t, 40, 40)[:60], "", "", media.ErrCorrupt},
		{"truncated jpeg", encodeJPEG(t, 40, 40)[:200], "", "", media.ErrCorrupt},
		{"truncated webp", webp[:len(webp)/2], "", "", media.ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := media.Process(bytes.NewReader(c.data), media.AvatarSize)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, format := decode(t, out); format != c.format || out.Ext != c.ext {
				t.Fatalf("got %s %s, want %s %s", format, out.Ext, c.format, c.ext)
			}
		})
	}
}

func TestProcessDownscales(t *testing.T) {
	t.Parallel()
	cases := []struct {
		w, h, wantW, wantH int
	}{
		{1024, 96, 512, 48},
		{60, 2400, 12, 512},
		{512, 64, 512, 64},
		{513, 100, 512, 99},
		{300, 200, 300, 200}, // never upscaled
		{1, 1, 1, 1},
		{4000, 3, 512, 1}, // a side never rounds to 0
	}
	for _, c := range cases {
		for _, enc := range []struct {
			name string
			fn   func(*testing.T, int, int) []byte
		}{{"png", encodePNG}, {"jpeg", encodeJPEG}} {
			out := process(t, enc.fn(t, c.w, c.h))
			m, _ := decode(t, out)
			if m.Bounds().Dx() != c.wantW || m.Bounds().Dy() != c.wantH {
				t.Errorf("%s %dx%d → %v, want %dx%d", enc.name, c.w, c.h, m.Bounds().Size(), c.wantW, c.wantH)
			}
		}
	}
	// A PNG keeps its transparency.
	m, _ := decode(t, process(t, encodePNG(t, 40, 40)))
	if _, _, _, a := m.At(1, 1).RGBA(); a == 0xffff {
		t.Error("PNG lost its transparency")
	}
}

func TestProcessLimits(t *testing.T) {
	t.Parallel()
	// Over 5 MB, whatever it holds.
	big := append(encodePNG(t, 4, 4), make([]byte, media.MaxUploadBytes)...)
	if _, err := media.Process(bytes.NewReader(big), media.AvatarSize); !errors.Is(err, media.ErrTooLarge) {
		t.Fatalf("6 MB: err = %v", err)
	}
	// Exactly the limit is not "too large" (it is a valid PNG with padding
	// after its IEND chunk).
	exact := encodePNG(t, 4, 4)
	exact = append(exact, make([]byte, media.MaxUploadBytes-len(exact))...)
	if _, err := media.Process(bytes.NewReader(exact), media.AvatarSize); err != nil {
		t.Fatalf("exactly 5 MB: %v", err)
	}
	// A small file that claims a huge canvas (decompression bomb) is refused
	// before it is decoded.
	bomb := encodePNG(t, 1, 1)
	binary.BigEndian.PutUint32(bomb[16:], 50_000)
	binary.BigEndian.PutUint32(bomb[20:], 50_000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29])) // IHDR CRC
	if _, err := png.DecodeConfig(bytes.NewReader(bomb)); err != nil {
		t.Fatalf("bomb header does not parse: %v", err)
	}
	if _, err := media.Process(bytes.NewReader(bomb), media.AvatarSize); !errors.Is(err, media.ErrTooManyPixels) {
		t.Fatalf("bomb: err = %v", err)
	}
}

// cmykJPEG is the start of a 16×16 four-component (CMYK) baseline JPEG:
// enough for its header to parse.
var cmykJPEG = []byte{
	0xFF, 0xD8, // SOI
	0xFF, 0xC0, 0, 20, 8, 0, 16, 0, 16, 4, // SOF0: 8 bits, 16×16, 4 components
	1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0,
	0xFF, 0xDA, 0, 14, 4, 1, 0, 2, 0, 3, 0, 4, 0, 0, 63, 0, // SOS
	0xFF, 0xD9, // EOI
}

// TestProcessRefusesMemoryBombs is the attack of issue 14: a 6324×6324
// PNG of zeros at 16 bits per channel (about 250 KB of file, 320 MB of
// pixels) took 1.7 GB of memory and 22 s per upload. It is refused from
// its header: the whole call allocates a few megabytes (reading the file). Not
// parallel, so that the allocation count is this test's alone.
func TestProcessRefusesMemoryBombs(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		err  error
	}{
		{"16-bit RGBA 6324×6324 (the attack)", meetpintest.ZeroPNG(6324, 6324, 16), media.ErrDepth},
		{"16-bit RGBA 32×32", meetpintest.ZeroPNG(32, 32, 16), media.ErrDepth},
		{"8-bit RGBA 6324×6324 (160 MB decoded)", meetpintest.ZeroPNG(6324, 6324, 8), media.ErrTooManyPixels},
		{"8-bit RGBA 4200×4200 (70 MB decoded)", meetpintest.ZeroPNG(4200, 4200, 8), media.ErrTooManyPixels},
		{"CMYK JPEG", cmykJPEG, media.ErrDepth},
	}
	for _, c := range cases {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := media.Process(bytes.NewReader(c.data), media.AvatarSize)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, c.err) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
			t.Errorf("%s: allocated %d MB before refusing", c.name, alloc>>20)
		}
	}
	// Just under the budget still decodes: 4000×4000 RGBA is 61 MiB (with
	// a longer timeout: the race detector makes decoding ten times slower).
	p := media.NewProcessor(media.Limits{Timeout: 5 * time.Minute})
	img, err := p.Process(context.Background(), bytes.NewReader(meetpintest.ZeroPNG(4000, 4000, 8)), media.AvatarSize)
	if err != nil {
		t.Fatalf("4000×4000: %v", err)
	}
	if m, _ := decode(t, img); m.Bounds().Dx() != media.AvatarSize {
		t.Fatalf("4000×4000 → %v", m.Bounds())
	}
}

func TestStore(t *testing.T) {
	t.Parallel()
	s := media.Store{Dir: t.TempDir()}
	img := process(t, encodePNG(t, 10, 10))
	a, err := s.Save("avatars", "user-1", img)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Save("avatars", "user-1", img)
	if err != nil {
		t.Fatal(err)
	}
	if a == b || !strings.HasPrefix(a, "user-1-") || !strings.HasSuffix(a, ".png") {
		t.Fatalf("names %q %q", a, b)
	}
	got, err := os.ReadFile(s.Path("avatars", a))
	if err != nil || !bytes.Equal(got, img.Data) {
		t.Fatalf("stored file: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir, "avatars"))
	if len(entries) != 2 {
		t.Fatalf("%d files in the directory, want 2 (no temp files left)", len(entries))
	}
	for _, bad := range []string{"", ".", "..", "../x", "a/b", `a\b`, ".hidden", "/etc/passwd"} {
		if p := s.Path("avatars", bad); p != "" {
			t.Errorf("Path(%q) = %q, want refused", bad, p)
		}
		if err := s.Remove("avatars", bad); err != nil {
			t.Errorf("Remove(%q): %v", bad, err)
		}
	}
	if err := s.Remove("avatars", a); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path("avatars", a)); !os.IsNotExist(err) {
		t.Fatalf("removed file still there: %v", err)
	}
	if err := s.Remove("avatars", a); err != nil {
		t.Fatalf("removing twice: %v", err)
	}
}
