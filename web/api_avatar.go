package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/media"
)

const avatarKind = "avatars"

// handleAvatarUpload: POST /api/profile/avatar, multipart/form-data with one
// file field "avatar" (or "file"): JPEG, PNG or WebP up to 5 MB.
func (s *Server) handleAvatarUpload(w http.ResponseWriter, r *http.Request) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		s.writeError(w, r, meetpin.Errorf(meetpin.EUNSUPPORTEDMEDIA, "send the image as multipart/form-data in a field named avatar"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxUploadBytes+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		s.writeError(w, r, meetpin.Errorf(meetpin.EVALIDATION, "avatar: malformed multipart body"))
		return
	}
	var img *media.Image
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.writeError(w, r, uploadError(err))
			return
		}
		if name := part.FormName(); name != "avatar" && name != "file" {
			part.Close()
			continue
		}
		img, err = s.images.Process(r.Context(), part, media.AvatarSize)
		part.Close()
		if err != nil {
			if errors.Is(err, media.ErrBusy) {
				w.Header().Set("Retry-After", "2")
			}
			s.writeError(w, r, uploadError(err))
			return
		}
		break
	}
	if img == nil {
		s.writeError(w, r, &meetpin.Error{Code: meetpin.EVALIDATION, Message: "avatar: is required", Fields: map[string]string{"avatar": "is required"}})
		return
	}
	u := userOf(r)
	store := media.Store{Dir: s.media}
	name, err := store.Save(avatarKind, u.ID, img)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	old, _ := s.app.Me(r.Context(), u)
	p, err := s.app.SetAvatar(r.Context(), u, app.MediaPrefix+avatarKind+"/"+name)
	if err != nil {
		store.Remove(avatarKind, name)
		s.writeError(w, r, err)
		return
	}
	if old != nil && old.AvatarURL != nil {
		store.Remove(avatarKind, ownAvatarFile(*old.AvatarURL, u.ID))
	}
	writeOK(w, http.StatusOK, map[string]any{"avatar_url": p.AvatarURL, "updated_at": p.UpdatedAt}, "avatar updated")
}

func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, media.ErrTooLarge), errors.As(err, &tooBig):
		return meetpin.Errorf(meetpin.EPAYLOADTOOLARGE, "avatar: the image must be at most 5 MB")
	case errors.Is(err, media.ErrUnsupported):
		return meetpin.Errorf(meetpin.EUNSUPPORTEDMEDIA, "avatar: only JPEG, PNG and WebP images are accepted")
	case errors.Is(err, media.ErrDepth):
		return meetpin.Errorf(meetpin.EUNSUPPORTEDMEDIA, "avatar: only 8-bit RGB or grayscale images are accepted (no 16-bit, no CMYK)")
	case errors.Is(err, media.ErrTooManyPixels):
		return &meetpin.Error{Code: meetpin.EVALIDATION, Message: "avatar: the image has too many pixels; send a smaller one (a 12-megapixel photo is fine)", Fields: map[string]string{"avatar": "has too many pixels"}}
	case errors.Is(err, media.ErrTimeout):
		return &meetpin.Error{Code: meetpin.EVALIDATION, Message: "avatar: the image took too long to decode; send a smaller one", Fields: map[string]string{"avatar": "took too long to decode"}}
	case errors.Is(err, media.ErrBusy):
		return meetpin.Errorf(meetpin.EUNAVAILABLE, "avatar: too many images are being processed; retry in a few seconds")
	case errors.Is(err, media.ErrCorrupt):
		return &meetpin.Error{Code: meetpin.EVALIDATION, Message: "avatar: the image could not be decoded", Fields: map[string]string{"avatar": "could not be decoded"}}
	}
	return meetpin.Errorf(meetpin.EVALIDATION, "avatar: malformed multipart body")
}

// ownAvatarFile returns the file name of url when it is an avatar that
// userID uploaded (Save names files after their owner), or "". A profile
// may point at another user's upload, whose file must then stay.
func ownAvatarFile(url, userID string) string {
	name, ok := strings.CutPrefix(url, app.MediaPrefix+avatarKind+"/")
	if !ok || !strings.HasPrefix(name, userID+"-") {
		return ""
	}
	return name
}

// handleAvatarDelete: DELETE /api/profile/avatar.
func (s *Server) handleAvatarDelete(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	prev, err := s.app.RemoveAvatar(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if prev != nil {
		media.Store{Dir: s.media}.Remove(avatarKind, ownAvatarFile(*prev, u.ID))
	}
	writeOK(w, http.StatusOK, map[string]any{"avatar_url": nil}, "avatar removed")
}

// handleMedia: GET /media/avatars/{file}. Names are random and never reused,
// so the files can be cached for good.
func (s *Server) handleMedia(w http.ResponseWriter, r *http.Request) {
	p := media.Store{Dir: s.media}.Path(avatarKind, r.PathValue("file"))
	if p == "" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	http.ServeFile(w, r, p)
}
