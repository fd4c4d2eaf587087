// Package media turns uploaded images into safe files: the type is sniffed
// from the bytes (never trusted from the header), the image is decoded and
// re-encoded — which drops every metadata block, EXIF GPS included — and
// scaled down to a sensible size.
package media

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
	"golang.org/x/sync/semaphore"
)

// MaxUploadBytes is the largest accepted upload.
const MaxUploadBytes = 5 << 20

// AvatarSize is the largest side of a stored avatar.
const AvatarSize = 512

// Errors of Process; the web layer maps them to 413, 415, 422 and 503.
var (
	ErrTooLarge    = errors.New("image is larger than 5 MB")
	ErrUnsupported = errors.New("only JPEG, PNG and WebP images are accepted")
	ErrCorrupt     = errors.New("the image could not be decoded")
	// ErrDepth: 16-bit-per-channel and CMYK images are refused rather than
	// decoded: they cost two to four times the memory of an 8-bit image
	// and no camera or phone produces them for a profile picture.
	ErrDepth = errors.New("only 8-bit RGB or grayscale images are accepted (no 16-bit, no CMYK)")
	// ErrTooManyPixels: decoding would take more than Limits.MaxDecodedBytes.
	ErrTooManyPixels = errors.New("the image has too many pixels")
	// ErrBusy: every decoding slot stayed taken for Limits.Wait; the
	// client may retry shortly.
	ErrBusy = errors.New("too many images are being processed; retry shortly")
	// ErrTimeout: decoding took longer than Limits.Timeout.
	ErrTimeout = errors.New("the image took too long to decode")
)

// Limits bound what decoding may cost. The zero value of a field means its
// default (DefaultLimits).
type Limits struct {
	// MaxDecodedBytes bounds the memory one decode may need, estimated from
	// the header (width × height × bytes per pixel of the decoder's
	// in-memory form) before any pixel is decoded.
	MaxDecodedBytes int64
	// MaxConcurrent is how many images the process decodes at once.
	MaxConcurrent int
	// MemoryBudget bounds the estimated memory of all decodes in flight:
	// small images decode side by side, big ones one after the other.
	MemoryBudget int64
	// Wait is how long a decode waits for a slot before ErrBusy.
	Wait time.Duration
	// Timeout bounds one decode; past it the decoder's reads fail and
	// Process returns ErrTimeout.
	Timeout time.Duration
}

// DefaultLimits: 64 MiB per image (a 40-megapixel baseline JPEG from a
// phone, a 16-megapixel RGBA PNG, an 8-megapixel progressive JPEG), two
// decodes at once within 96 MiB, 2 s of waiting, 10 s of decoding.
var DefaultLimits = Limits{
	MaxDecodedBytes: 64 << 20,
	MaxConcurrent:   2,
	MemoryBudget:    96 << 20,
	Wait:            2 * time.Second,
	Timeout:         10 * time.Second,
}

// Processor turns uploads into safe images within Limits. One Processor is
// shared by the whole server so that its limits are the process's.
type Processor struct {
	limits Limits
	slots  chan struct{}
	memory *semaphore.Weighted
}

// NewProcessor returns a Processor with the limits l (zero fields take
// their DefaultLimits value).
func NewProcessor(l Limits) *Processor {
	d := DefaultLimits
	if l.MaxDecodedBytes <= 0 {
		l.MaxDecodedBytes = d.MaxDecodedBytes
	}
	if l.MaxConcurrent <= 0 {
		l.MaxConcurrent = d.MaxConcurrent
	}
	if l.MemoryBudget <= 0 {
		l.MemoryBudget = d.MemoryBudget
	}
	l.MemoryBudget = max(l.MemoryBudget, l.MaxDecodedBytes) // one decode always fits
	if l.Wait <= 0 {
		l.Wait = d.Wait
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	return &Processor{limits: l, slots: make(chan struct{}, l.MaxConcurrent), memory: semaphore.NewWeighted(l.MemoryBudget)}
}

// Limits returns the processor's limits with the defaults filled in.
func (p *Processor) Limits() Limits { return p.limits }

var defaultProcessor = NewProcessor(Limits{})

// Process runs the process-wide default Processor; see Processor.Process.
func Process(r io.Reader, max int) (*Image, error) {
	return defaultProcessor.Process(context.Background(), r, max)
}

// Image is a processed image, ready to store.
type Image struct {
	Data []byte
	Ext  string // ".jpg" or ".png"
}

// format is one accepted image format.
type format struct {
	decode func(io.Reader) (image.Image, error)
	config func(io.Reader) (image.Config, error)
	// cost is the bytes the decoder needs for the image of header cfg
	// (raw is the whole file), or an error for a kind that is refused.
	cost   func(raw []byte, cfg image.Config) (int64, error)
	outPNG bool
}

var formats = map[string]format{
	"image/jpeg": {jpeg.Decode, jpeg.DecodeConfig, jpegCost, false},
	"image/png":  {png.Decode, png.DecodeConfig, pngCost, true},
	"image/webp": {webp.Decode, webp.DecodeConfig, webpCost, false},
}

// Process reads at most MaxUploadBytes from r, sniffs the type, checks from
// the header alone that decoding fits the limits, waits for a decoding slot
// (ctx or Limits.Wait ends the wait), decodes within Limits.Timeout, scales
// the image to fit max×max and re-encodes it: PNG stays PNG (transparency),
// JPEG and WebP become JPEG.
func (p *Processor) Process(ctx context.Context, r io.Reader, max int) (*Image, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxUploadBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > MaxUploadBytes {
		return nil, ErrTooLarge
	}
	f, ok := formats[http.DetectContentType(raw)]
	if !ok {
		return nil, ErrUnsupported
	}
	cfg, err := f.config(bytes.NewReader(raw))
	if err != nil {
		return nil, ErrCorrupt
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, ErrCorrupt
	}
	cost, err := f.cost(raw, cfg)
	if err != nil {
		return nil, err
	}
	cost += decoderOverhead
	if cost > p.limits.MaxDecodedBytes {
		return nil, ErrTooManyPixels
	}
	release, err := p.acquire(ctx, cost)
	if err != nil {
		return nil, err
	}
	defer release()
	img, err := f.decode(&deadlineReader{r: bytes.NewReader(raw), deadline: time.Now().Add(p.limits.Timeout)})
	if errors.Is(err, ErrTimeout) {
		return nil, ErrTimeout
	} else if err != nil {
		return nil, ErrCorrupt
	}
	img = fit(img, max)
	var out bytes.Buffer
	if f.outPNG {
		err = png.Encode(&out, img)
		return &Image{Data: out.Bytes(), Ext: ".png"}, err
	}
	err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	return &Image{Data: out.Bytes(), Ext: ".jpg"}, err
}

// acquire takes a decoding slot and cost bytes of the memory budget,
// waiting at most Limits.Wait.
func (p *Processor) acquire(ctx context.Context, cost int64) (release func(), err error) {
	ctx, cancel := context.WithTimeout(ctx, p.limits.Wait)
	defer cancel()
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ErrBusy
	}
	if err := p.memory.Acquire(ctx, cost); err != nil {
		<-p.slots
		return nil, ErrBusy
	}
	return func() {
		if cost >= collectAfter {
			// The decoded pixels are garbage now. Collect them before the
			// next decode starts, or the heap grows to hold both: the
			// collector would wait for twice the live heap.
			runtime.GC()
		}
		p.memory.Release(cost)
		<-p.slots
	}, nil
}

// deadlineReader fails every read after its deadline, which makes a
// decoder that is still reading give up.
type deadlineReader struct {
	r        io.Reader
	deadline time.Time
}

func (d *deadlineReader) Read(b []byte) (int, error) {
	if time.Now().After(d.deadline) {
		return 0, ErrTimeout
	}
	return d.r.Read(b)
}

// collectAfter: a decode that needed at least this much is followed by a
// garbage collection.
const collectAfter = 16 << 20

// decoderOverhead is what a decoder allocates whatever the image size
// (tables, row buffers).
const decoderOverhead = 64 << 10

// pixels is width × height as an int64.
func pixels(cfg image.Config) int64 { return int64(cfg.Width) * int64(cfg.Height) }

// pngCost: image/png decodes gray and paletted images to 1 byte a pixel and
// everything else 8-bit to 4; an interlaced image is decoded pass by pass
// and then copied, which doubles it. 16-bit images are refused.
func pngCost(raw []byte, cfg image.Config) (int64, error) {
	var bpp int64
	switch cfg.ColorModel {
	case color.Gray16Model, color.RGBA64Model, color.NRGBA64Model:
		return 0, ErrDepth
	case color.GrayModel:
		bpp = 1
	case color.RGBAModel, color.NRGBAModel:
		bpp = 4
	default:
		if _, ok := cfg.ColorModel.(color.Palette); !ok {
			return 0, ErrUnsupported
		}
		bpp = 1
	}
	// The IHDR chunk is first: signature (8), length and type (8), width,
	// height, depth, colour type, compression, filter, interlace (byte 28).
	if len(raw) > 28 && raw[28] == 1 {
		bpp *= 2
	}
	return pixels(cfg) * bpp, nil
}

// jpegCost: image/jpeg keeps the planes at their sampled sizes (4:2:0 is
// 1.5 bytes a pixel); a progressive image also keeps every coefficient
// (4 bytes a sample) until the end; an RGB (not YCbCr) JPEG is converted
// to RGBA. CMYK and YCCK are refused.
func jpegCost(raw []byte, cfg image.Config) (int64, error) {
	if cfg.ColorModel == color.CMYKModel {
		return 0, ErrDepth
	}
	samples, progressive := jpegLayout(raw)
	perSample := 1.0
	if progressive {
		perSample += 4
	}
	cost := float64(pixels(cfg)) * samples * perSample
	if cfg.ColorModel == color.RGBAModel {
		cost += float64(pixels(cfg)) * 4
	}
	return int64(cost), nil
}

// jpegLayout reads the frame header of a JPEG: the samples per pixel of all
// components together (3 for 4:4:4, 1.5 for 4:2:0, 1 for gray) and whether
// the image is progressive. A header it cannot read gives the worst case.
func jpegLayout(raw []byte) (samples float64, progressive bool) {
	const worst, worstProgressive = 4, true
	for i := 2; i+4 <= len(raw); {
		if raw[i] != 0xFF {
			return worst, worstProgressive
		}
		m := raw[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0x01 || (m >= 0xD0 && m <= 0xD8): // markers without a length
			i += 2
			continue
		case m == 0xDA || m == 0xD9: // scan or end before any frame header
			return worst, worstProgressive
		}
		n := int(raw[i+2])<<8 | int(raw[i+3])
		if n < 2 || i+2+n > len(raw) {
			return worst, worstProgressive
		}
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			seg := raw[i+4 : i+2+n]
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) || seg[5] == 0 {
				return worst, worstProgressive
			}
			nf := int(seg[5])
			var hmax, vmax, sum int
			for c := range nf {
				hv := seg[6+3*c+1]
				h, v := int(hv>>4), int(hv&0x0F)
				hmax, vmax, sum = max(hmax, h), max(vmax, v), sum+h*v
			}
			if hmax == 0 || vmax == 0 {
				return worst, worstProgressive
			}
			if nf == 1 {
				sum, hmax, vmax = 1, 1, 1 // image/jpeg treats gray as 1×1
			}
			return float64(sum) / float64(hmax*vmax), m == 0xC2
		}
		i += 2 + n
	}
	return worst, worstProgressive
}

// webpCost: a lossy WebP decodes to 4:2:0 YCbCr (with a full alpha plane
// when it has one); a lossless one to NRGBA through a 4-byte-a-pixel
// working buffer.
func webpCost(_ []byte, cfg image.Config) (int64, error) {
	switch cfg.ColorModel {
	case color.YCbCrModel:
		return pixels(cfg) * 2, nil
	case color.NYCbCrAModel:
		return pixels(cfg) * 3, nil
	}
	return pixels(cfg) * 8, nil
}

// fit scales img down so that neither side exceeds max. An image more
// than twice max is first reduced by a cheap bilinear pass to at most
// 2×max: the Catmull-Rom kernel keeps a float64 working row per source
// row (32 bytes × max × source height), which on a 6,000-pixel-high image
// would cost another 100 MB.
func fit(img image.Image, max int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= max && h <= max {
		// Still copy into a fresh RGBA image: nothing of the source survives
		// but pixels.
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
		return dst
	}
	if w > 2*max || h > 2*max {
		mw, mh := scaled(w, h, 2*max)
		mid := image.NewRGBA(image.Rect(0, 0, mw, mh))
		draw.ApproxBiLinear.Scale(mid, mid.Bounds(), img, b, draw.Src, nil)
		img, b, w, h = mid, mid.Bounds(), mw, mh
	}
	dw, dh := scaled(w, h, max)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// scaled returns w×h scaled so that its larger side is max (never 0).
func scaled(w, h, max int) (int, int) {
	if w > h {
		h, w = h*max/w, max
	} else {
		w, h = w*max/h, max
	}
	return max1(w), max1(h)
}

func max1(n int) int { return max(n, 1) }

// Store keeps files under a directory, one subdirectory per kind.
type Store struct {
	Dir string
}

// Save writes data as a new file of kind ("avatars") named after owner with
// a random suffix, and returns the file name.
func (s Store) Save(kind, owner string, img *Image) (string, error) {
	dir := filepath.Join(s.Dir, kind)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	suffix := make([]byte, 8)
	rand.Read(suffix)
	name := fmt.Sprintf("%s-%s%s", owner, hex.EncodeToString(suffix), img.Ext)
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, img.Data, 0o644); err != nil {
		return "", err
	}
	return name, os.Rename(tmp, filepath.Join(dir, name))
}

// Path returns the file path of name of kind, or "" when name is not a
// plain file name (no path tricks).
func (s Store) Path(kind, name string) string {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return ""
	}
	return filepath.Join(s.Dir, kind, name)
}

// Remove deletes a stored file; a missing file is not an error.
func (s Store) Remove(kind, name string) error {
	p := s.Path(kind, name)
	if p == "" {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
