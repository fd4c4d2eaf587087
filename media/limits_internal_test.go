package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"testing/synctest"
	"time"
)

func gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x + y), 200})
		}
	}
	return img
}

// TestCostEstimates checks each format's header estimate against what its
// decoder really allocates: never below 90 % of it (the limit would not
// bound memory), never more than three times it (the limit would refuse
// images that fit).
func TestCostEstimates(t *testing.T) {
	encode := func(img image.Image, jpg bool) []byte {
		var b bytes.Buffer
		var err error
		if jpg {
			err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
		} else {
			err = png.Encode(&b, img)
		}
		if err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	rgba := gradient(900, 700)
	gray := image.NewGray(rgba.Bounds())
	pal := image.NewPaletted(rgba.Bounds(), color.Palette{color.Black, color.White, color.NRGBA{255, 0, 0, 128}})
	opaque := image.NewRGBA(rgba.Bounds())
	for i := range opaque.Pix {
		opaque.Pix[i] = 255
	}
	webpFile, err := os.ReadFile(filepath.Join("testdata", "blue-purple-pink.lossy.webp"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		mime string
		data []byte
	}{
		{"png nrgba", "image/png", encode(rgba, false)},
		{"png rgb", "image/png", encode(opaque, false)},
		{"png gray", "image/png", encode(gray, false)},
		{"png paletted", "image/png", encode(pal, false)},
		{"jpeg 4:2:0", "image/jpeg", encode(rgba, true)},
		{"jpeg gray", "image/jpeg", encode(gray, true)},
		{"webp lossy", "image/webp", webpFile},
	}
	for _, c := range cases {
		f := formats[c.mime]
		cfg, err := f.config(bytes.NewReader(c.data))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		est, err := f.cost(c.data, cfg)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		est += decoderOverhead
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := f.decode(bytes.NewReader(c.data)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		runtime.ReadMemStats(&after)
		actual := int64(after.TotalAlloc - before.TotalAlloc)
		t.Logf("%s %dx%d: estimate %d, decoder allocated %d", c.name, cfg.Width, cfg.Height, est, actual)
		if est < actual*9/10 || est > actual*3 {
			t.Errorf("%s: estimate %d bytes, the decoder allocated %d", c.name, est, actual)
		}
	}
}

// TestJPEGLayout reads the sampling and the progressive flag from frame
// headers, and takes the worst case for a header it cannot read.
func TestJPEGLayout(t *testing.T) {
	sof := func(marker byte, comps ...byte) []byte {
		b := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 'J', 'F', 0xFF, marker, 0, byte(8 + len(comps)), 8, 0, 16, 0, 16, byte(len(comps) / 3)}
		return append(b, comps...)
	}
	cases := []struct {
		name        string
		raw         []byte
		samples     float64
		progressive bool
	}{
		{"baseline 4:2:0", sof(0xC0, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1), 1.5, false},
		{"progressive 4:2:0", sof(0xC2, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1), 1.5, true},
		{"baseline 4:4:4", sof(0xC0, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1), 3, false},
		{"baseline 4:2:2", sof(0xC1, 1, 0x21, 0, 2, 0x11, 1, 3, 0x11, 1), 2, false},
		{"gray with odd sampling", sof(0xC0, 1, 0x22, 0), 1, false},
		{"truncated", sof(0xC0, 1, 0x22)[:14], 4, true},
		{"no frame header", []byte{0xFF, 0xD8, 0xFF, 0xDA, 0, 2}, 4, true},
		{"garbage", []byte{0xFF, 0xD8, 0x00, 0x01, 0x02, 0x03}, 4, true},
	}
	for _, c := range cases {
		s, p := jpegLayout(c.raw)
		if s != c.samples || p != c.progressive {
			t.Errorf("%s: %v %v, want %v %v", c.name, s, p, c.samples, c.progressive)
		}
	}
}

func smallPNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, gradient(64, 64)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestProcessBusy: with every slot taken, a decode waits Limits.Wait and
// then gives up with ErrBusy; once a slot is free it goes through. A
// decode also waits while the memory budget is spent.
func TestProcessBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewProcessor(Limits{MaxConcurrent: 1, Wait: 2 * time.Second})
		release, err := p.acquire(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := p.Process(context.Background(), bytes.NewReader(smallPNG(t)), 32); !errors.Is(err, ErrBusy) {
			t.Fatalf("err = %v, want ErrBusy", err)
		}
		if waited := time.Since(start); waited != 2*time.Second {
			t.Fatalf("waited %v, want 2s", waited)
		}
		// A slot freed during the wait is taken.
		go func() {
			time.Sleep(time.Second)
			release()
		}()
		if _, err := p.Process(context.Background(), bytes.NewReader(smallPNG(t)), 32); err != nil {
			t.Fatalf("after release: %v", err)
		}
		// The memory budget: one decode holds all of it, the next waits.
		p = NewProcessor(Limits{MaxConcurrent: 2, MaxDecodedBytes: 1 << 20, MemoryBudget: 1 << 20, Wait: time.Second})
		release, _ = p.acquire(context.Background(), 1<<20)
		if _, err := p.Process(context.Background(), bytes.NewReader(smallPNG(t)), 32); !errors.Is(err, ErrBusy) {
			t.Fatalf("budget spent: err = %v, want ErrBusy", err)
		}
		release()
		// A cancelled request stops waiting at once.
		release, _ = p.acquire(context.Background(), 1<<20)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		start = time.Now()
		if _, err := p.Process(ctx, bytes.NewReader(smallPNG(t)), 32); !errors.Is(err, ErrBusy) || time.Since(start) != 0 {
			t.Fatalf("cancelled: err = %v after %v", err, time.Since(start))
		}
		release()
	})
}

// TestProcessTimeout: a decode past its deadline stops reading and
// returns ErrTimeout, and gives its slot back.
func TestProcessTimeout(t *testing.T) {
	p := NewProcessor(Limits{MaxConcurrent: 1})
	p.limits.Timeout = -time.Second // the deadline has passed before the first read
	if _, err := p.Process(context.Background(), bytes.NewReader(smallPNG(t)), 32); !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	p.limits.Timeout = time.Minute
	if _, err := p.Process(context.Background(), bytes.NewReader(smallPNG(t)), 32); err != nil {
		t.Fatalf("the slot was not given back: %v", err)
	}
}
