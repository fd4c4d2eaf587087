package media_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"meetpin.app/media"
	"meetpin.app/meetpintest"
)

// FuzzProcess: whatever the bytes, the pipeline returns an image no
// larger than the avatar size or one of its errors, and never panics.
// Seeds: testdata/fuzz/FuzzProcess and the ones added here.
func FuzzProcess(f *testing.F) {
	f.Add(meetpintest.ZeroPNG(3, 2, 8))
	f.Add(meetpintest.ZeroPNG(2, 2, 16))
	f.Add(cmykJPEG)
	f.Add([]byte("\xff\xd8\xff\xe0 not really"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	p := media.NewProcessor(media.Limits{MaxDecodedBytes: 8 << 20, Timeout: 10 * time.Second})
	known := []error{media.ErrTooLarge, media.ErrUnsupported, media.ErrCorrupt, media.ErrDepth, media.ErrTooManyPixels, media.ErrBusy, media.ErrTimeout}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := p.Process(context.Background(), bytes.NewReader(data), media.AvatarSize)
		if err != nil {
			for _, k := range known {
				if errors.Is(err, k) {
					return
				}
			}
			t.Fatalf("unknown error %v", err)
		}
		m, _, err := image.Decode(bytes.NewReader(img.Data))
		if err != nil {
			t.Fatalf("output does not decode: %v", err)
		}
		if b := m.Bounds(); b.Dx() > media.AvatarSize || b.Dy() > media.AvatarSize || b.Dx() < 1 || b.Dy() < 1 {
			t.Fatalf("output %v", b)
		}
	})
}
