package app

import (
	"context"
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/text/width"

	"meetpin.app"
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
	if err != nil {
		return nil, err
	}
	a.disp.Dispatch(ctx, meetpin.ProfileChanged{UserID: u.ID})
	return p, nil
}

// checkAvatarURL allows our own uploads, or a public https URL. Private and
// loopback hosts are refused, so the avatar cannot point into the network
// of whoever renders it.
func checkAvatarURL(f *meetpin.FieldErrors, v string) {
	if len(v) > 500 {
		f.Add("avatar_url", "must be at most 500 characters")
		return
	}
	if name, ok := strings.CutPrefix(v, MediaPrefix+"avatars/"); ok {
		if !plainFileName(name) {
			f.Add("avatar_url", "must be an https:// URL or an uploaded avatar")
		}
		return
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		f.Add("avatar_url", "must be an https:// URL or an uploaded avatar")
		return
	}
	// Check the host as a browser will read it: fullwidth forms and
	// ideographic full stops fold to ASCII (IDNA mapping), and a host whose
	// last label is a number is an IPv4 address in any notation
	// (2130706433, 0x7f000001, 127.1 and 0177.0.0.1 are all 127.0.0.1).
	host := strings.ReplaceAll(width.Fold.String(u.Hostname()), "\u3002", ".")
	if isPrivateHost(host) || isPrivateHost(u.Hostname()) {
		f.Add("avatar_url", "must not point to a private or local address")
	} else if endsInNumber(host) && !isCanonicalIPv4(host) {
		f.Add("avatar_url", "must write an IPv4 address as four decimal numbers")
	}
}

// plainFileName reports whether name is a file name of our media store:
// letters, digits, '-', '_' and '.', not starting with a dot.
func plainFileName(name string) bool {
	if name == "" || len(name) > 200 || name[0] == '.' {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// endsInNumber is the WHATWG URL "ends in a number" check: a browser parses
// such a host as an IPv4 address.
func endsInNumber(host string) bool {
	labels := strings.Split(strings.ToLower(host), ".")
	if len(labels) > 1 && labels[len(labels)-1] == "" {
		labels = labels[:len(labels)-1]
	}
	last := labels[len(labels)-1]
	if hex, ok := strings.CutPrefix(last, "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

func isCanonicalIPv4(host string) bool {
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Is4()
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
	p, err := a.store.UpdateProfile(ctx, u.ID, meetpin.ProfileUpdate{AvatarURL: &path}, a.Now())
	if err != nil {
		return nil, err
	}
	a.disp.Dispatch(ctx, meetpin.ProfileChanged{UserID: u.ID})
	return p, nil
}

// RemoveAvatar clears the user's avatar, returning the previous value.
func (a *App) RemoveAvatar(ctx context.Context, u *meetpin.User) (previous *string, err error) {
	p, err := a.store.ProfileByID(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if _, err = a.store.UpdateProfile(ctx, u.ID, meetpin.ProfileUpdate{ClearAvatarURL: true}, a.Now()); err != nil {
		return nil, err
	}
	a.disp.Dispatch(ctx, meetpin.ProfileChanged{UserID: u.ID})
	return p.AvatarURL, nil
}
