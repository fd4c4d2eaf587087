// Package media turns uploaded images into safe files: the type is sniffed
// from the bytes (never trusted from the header), the image is decoded and
// re-encoded — which drops every metadata block, EXIF GPS included — and
// scaled down to a sensible size.
package media

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// MaxUploadBytes is the largest accepted upload.
const MaxUploadBytes = 5 << 20

// maxPixels guards against decompression bombs.
const maxPixels = 40_000_000

// AvatarSize is the largest side of a stored avatar.
const AvatarSize = 512

// Errors of Process; the web layer maps them to 413 and 415.
var (
	ErrTooLarge    = errors.New("image is larger than 5 MB")
	ErrUnsupported = errors.New("only JPEG, PNG and WebP images are accepted")
	ErrCorrupt     = errors.New("the image could not be decoded")
)

// Image is a processed image, ready to store.
type Image struct {
	Data []byte
	Ext  string // ".jpg" or ".png"
}

// Process reads at most MaxUploadBytes from r, sniffs and decodes the image,
// scales it to fit max×max and re-encodes it: PNG stays PNG (transparency),
// JPEG and WebP become JPEG.
func Process(r io.Reader, max int) (*Image, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxUploadBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > MaxUploadBytes {
		return nil, ErrTooLarge
	}
	var decode func(io.Reader) (image.Image, error)
	var config func(io.Reader) (image.Config, error)
	outPNG := false
	switch http.DetectContentType(raw) {
	case "image/jpeg":
		decode, config = jpeg.Decode, jpeg.DecodeConfig
	case "image/png":
		decode, config, outPNG = png.Decode, png.DecodeConfig, true
	case "image/webp":
		decode, config = webp.Decode, webp.DecodeConfig
	default:
		return nil, ErrUnsupported
	}
	cfg, err := config(bytes.NewReader(raw))
	if err != nil {
		return nil, ErrCorrupt
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, ErrCorrupt
	}
	img, err := decode(bytes.NewReader(raw))
	if err != nil {
		return nil, ErrCorrupt
	}
	img = fit(img, max)
	var out bytes.Buffer
	if outPNG {
		err = png.Encode(&out, img)
		return &Image{Data: out.Bytes(), Ext: ".png"}, err
	}
	err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	return &Image{Data: out.Bytes(), Ext: ".jpg"}, err
}

// fit scales img down so that neither side exceeds max.
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
	if w > h {
		h, w = h*max/w, max
	} else {
		w, h = w*max/h, max
	}
	dst := image.NewRGBA(image.Rect(0, 0, max1(w), max1(h)))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
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
