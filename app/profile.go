package app

import (
	"context"
	"net/url"
	"strings"

	"meetpin"
)

// MediaPrefix is the URL path under which uploaded files are served.
const MediaPrefix = "/media/"

// ProfilePatch is a partial profile change. Role is deliberately absent:
// users can never change their own role.
type ProfilePatch struct {
	Nickname  *string          `json:"nickname"`
	AgeRange  Nullable[string] `json:"age_range"`
	Intro     *string          `json:"intro"`
	AvatarURL Nullable[string] `json:"avatar_url"`
}

// Me returns the signed-in user's own profile.
func (a *App) Me(ctx context.Context, u *meetpin.User) (*meetpin.Profile, error) {
	return a.store.ProfileByID(ctx, u.ID)
}

// UpdateProfile applies a partial change to the user's own profile.
func (a *App) UpdateProfile(ctx context.Context, u *meetpin.User, in ProfilePatch) (*meetpin.Profile, error) {
	var f meetpin.FieldErrors
	var upd meetpin.ProfileUpdate
	if in.Nickname != nil {
		n := nickname(&f, *in.Nickname)
		upd.Nickname = &n
	}
	if in.AgeRange.Set {
		if in.AgeRange.Null {
			upd.ClearAgeRange = true
		} else {
			oneOf(&f, "age_range", in.AgeRange.Value, meetpin.AgeRanges)
			upd.AgeRange = &in.AgeRange.Value
		}
	}
	if in.Intro != nil {
		intro := textLen(&f, "intro", *in.Intro, 0, 500)
		upd.Intro = &intro
	}
	if in.AvatarURL.Set {
		if in.AvatarURL.Null || in.AvatarURL.Value == "" {
			upd.ClearAvatarURL = true
		} else {
			checkAvatarURL(&f, in.AvatarURL.Value)
			upd.AvatarURL = &in.AvatarURL.Value
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	p, err := a.store.UpdateProfile(ctx, u.ID, upd, a.Now())
	if meetpin.ErrorCode(err) == meetpin.ECONFLICT {
		return nil, &meetpin.Error{Code: meetpin.ECONFLICT, Message: "nickname: already taken", Fields: map[string]string{"nickname": "already taken"}}
	}
	return p, err
}

// checkAvatarURL allows our own uploads, or a public https URL. Private and
// loopback hosts are refused, so the avatar cannot point into the network
// of whoever renders it.
func checkAvatarURL(f *meetpin.FieldErrors, v string) {
	if len(v) > 500 {
		f.Add("avatar_url", "must be at most 500 characters")
		return
	}
	if strings.HasPrefix(v, MediaPrefix+"avatars/") && !strings.Contains(v, "..") {
		return
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		f.Add("avatar_url", "must be an https:// URL or an uploaded avatar")
		return
	}
	if isPrivateHost(u.Hostname()) {
		f.Add("avatar_url", "must not point to a private or local address")
	}
}

// PublicProfile returns what viewer may see of user id: ENOTFOUND when
// either of them blocked the other.
func (a *App) PublicProfile(ctx context.Context, viewer *meetpin.User, id string) (*meetpin.PublicProfile, error) {
	if viewer != nil && viewer.ID != id {
		blocked, err := a.store.IsBlocked(ctx, viewer.ID, id)
		if err != nil {
			return nil, err
		}
		if blocked {
			return nil, meetpin.Errorf(meetpin.ENOTFOUND, "profile not found")
		}
	}
	p, err := a.store.ProfileByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return publicProfile(p), nil
}

func publicProfile(p *meetpin.Profile) *meetpin.PublicProfile {
	return &meetpin.PublicProfile{ID: p.UserID, Nickname: p.Nickname, AvatarURL: p.AvatarURL, AgeRange: p.AgeRange, Intro: p.Intro}
}

// ProfileStats counts what the user has done.
func (a *App) ProfileStats(ctx context.Context, u *meetpin.User) (*meetpin.ProfileStats, error) {
	return a.store.ProfileStats(ctx, u.ID)
}

// SetAvatar points the user's avatar at an uploaded file's URL path.
func (a *App) SetAvatar(ctx context.Context, u *meetpin.User, path string) (*meetpin.Profile, error) {
	return a.store.UpdateProfile(ctx, u.ID, meetpin.ProfileUpdate{AvatarURL: &path}, a.Now())
}

// RemoveAvatar clears the user's avatar, returning the previous value.
func (a *App) RemoveAvatar(ctx context.Context, u *meetpin.User) (previous *string, err error) {
	p, err := a.store.ProfileByID(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	_, err = a.store.UpdateProfile(ctx, u.ID, meetpin.ProfileUpdate{ClearAvatarURL: true}, a.Now())
	return p.AvatarURL, err
}
