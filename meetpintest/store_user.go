package meetpintest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

func testUsers(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("CreateAndGet", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		u, p := newUser(now())
		p.AvatarURL = ptr("https://api.dicebear.com/avatar.svg")
		p.Intro = "저녁에 맥주 한잔 좋아해요."
		if err := s.CreateUser(ctx, u, p); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}

		for name, get := range map[string]func() (*meetpin.User, error){
			"UserByID":    func() (*meetpin.User, error) { return s.UserByID(ctx, u.ID) },
			"UserByEmail": func() (*meetpin.User, error) { return s.UserByEmail(ctx, u.Email) },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			assertUser(t, name, got, u)
		}

		got, err := s.ProfileByID(ctx, u.ID)
		if err != nil {
			t.Fatalf("ProfileByID: %v", err)
		}
		assertProfile(t, "ProfileByID", got, p)
	})

	t.Run("UnknownID", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		mustCreateUser(t, s)
		for _, id := range []string{uuid.NewString(), malformedID, ""} {
			_, err := s.UserByID(ctx, id)
			assertCode(t, err, meetpin.ENOTFOUND)
			_, err = s.ProfileByID(ctx, id)
			assertCode(t, err, meetpin.ENOTFOUND)
			_, err = s.ProfileStats(ctx, id)
			assertCode(t, err, meetpin.ENOTFOUND)
			assertCode(t, s.SetUserRole(ctx, id, meetpin.RoleAdmin), meetpin.ENOTFOUND)
			_, err = s.UpdateProfile(ctx, id, meetpin.ProfileUpdate{Intro: ptr("hi")}, now())
			assertCode(t, err, meetpin.ENOTFOUND)
		}
		_, err := s.UserByEmail(ctx, "nobody@example.com")
		assertCode(t, err, meetpin.ENOTFOUND)
	})

	t.Run("DuplicateEmail", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		first := mustCreateUser(t, s)
		u, p := newUser(now())
		u.Email = first.Email
		assertCode(t, s.CreateUser(ctx, u, p), meetpin.ECONFLICT)

		_, err := s.UserByID(ctx, u.ID)
		assertCode(t, err, meetpin.ENOTFOUND)
		_, err = s.ProfileByID(ctx, u.ID)
		assertCode(t, err, meetpin.ENOTFOUND)
		got, err := s.UserByEmail(ctx, first.Email)
		assertCode(t, err, "")
		assertEq(t, "UserByEmail(first).ID", got.ID, first.ID)
	})

	t.Run("DuplicateNicknameCase", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		first, firstProfile := mustCreateUserProfile(t, s, func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = "MinSu" })

		// The user row must be rolled back with the profile row.
		u, p := newUser(now())
		p.Nickname = "minsu"
		assertCode(t, s.CreateUser(ctx, u, p), meetpin.ECONFLICT)
		_, err := s.UserByEmail(ctx, u.Email)
		assertCode(t, err, meetpin.ENOTFOUND)
		_, err = s.UserByID(ctx, u.ID)
		assertCode(t, err, meetpin.ENOTFOUND)

		got, err := s.ProfileByID(ctx, first.ID)
		assertCode(t, err, "")
		assertProfile(t, "first profile", got, firstProfile)
		gotUser, err := s.UserByEmail(ctx, first.Email)
		assertCode(t, err, "")
		assertUser(t, "first user", gotUser, first)
	})

	t.Run("DuplicateID", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		first, firstProfile := mustCreateUserProfile(t, s)
		u, p := newUser(now())
		u.ID, p.UserID = first.ID, first.ID
		assertCode(t, s.CreateUser(ctx, u, p), meetpin.ECONFLICT)
		_, err := s.UserByEmail(ctx, u.Email)
		assertCode(t, err, meetpin.ENOTFOUND)
		got, err := s.ProfileByID(ctx, first.ID)
		assertCode(t, err, "")
		assertProfile(t, "first profile", got, firstProfile)
	})

	t.Run("ConcurrentNickname", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		nicks := []string{"Racer", "racer", "RACER", "rAcEr", "RaCeR", "raceR", "Racer", "rACER", "RACEr", "racer"}
		users := make([]*meetpin.User, len(nicks))
		profiles := make([]*meetpin.Profile, len(nicks))
		for i, nick := range nicks {
			users[i], profiles[i] = newUser(now())
			profiles[i].Nickname = nick
		}
		errs := together(len(nicks), func(i int) error { return s.CreateUser(ctx, users[i], profiles[i]) })
		codes := countCodes(errs)
		assertEq(t, "created", codes[""], 1)
		assertEq(t, "conflicts", codes[meetpin.ECONFLICT], len(nicks)-1)
		stored := 0
		for i, u := range users {
			if _, err := s.UserByEmail(ctx, u.Email); err == nil {
				stored++
				if errs[i] != nil {
					t.Errorf("user %d was stored but CreateUser said %v", i, errs[i])
				}
			}
		}
		assertEq(t, "stored users", stored, 1)
	})

	t.Run("Constraints", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name string
			mod  func(*meetpin.User, *meetpin.Profile)
		}{
			{"NicknameOneChar", func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = "a" }},
			{"NicknameEmpty", func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = "" }},
			{"Nickname21Chars", func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = strings.Repeat("a", 21) }},
			{"Nickname21Hangul", func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = strings.Repeat("밋", 21) }},
			{"BadAgeRange", func(_ *meetpin.User, p *meetpin.Profile) { p.AgeRange = ptr("teens") }},
			{"Intro501", func(_ *meetpin.User, p *meetpin.Profile) { p.Intro = strings.Repeat("x", 501) }},
			{"Intro501Hangul", func(_ *meetpin.User, p *meetpin.Profile) { p.Intro = strings.Repeat("가", 501) }},
			{"AvatarURL501", func(_ *meetpin.User, p *meetpin.Profile) {
				p.AvatarURL = ptr("https://example.com/" + strings.Repeat("a", 481))
			}},
			{"EmailUppercase", func(u *meetpin.User, _ *meetpin.Profile) { u.Email = "Bob-" + short() + "@Example.com" }},
			{"EmailTooShort", func(u *meetpin.User, _ *meetpin.Profile) { u.Email = "a@" }},
			{"EmptyPasswordHash", func(u *meetpin.User, _ *meetpin.Profile) { u.PasswordHash = "" }},
			{"BadRole", func(u *meetpin.User, p *meetpin.Profile) { u.Role, p.Role = "root", "root" }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				s := open(t)
				ctx := t.Context()
				u, p := newUser(now())
				tc.mod(u, p)
				assertCode(t, s.CreateUser(ctx, u, p), meetpin.EVALIDATION)
				_, err := s.UserByEmail(ctx, strings.ToLower(u.Email))
				assertCode(t, err, meetpin.ENOTFOUND)
				_, err = s.UserByID(ctx, u.ID)
				assertCode(t, err, meetpin.ENOTFOUND)
				_, err = s.ProfileByID(ctx, u.ID)
				assertCode(t, err, meetpin.ENOTFOUND)
			})
		}
	})

	t.Run("Boundaries", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		for _, tc := range []struct {
			name string
			mod  func(*meetpin.User, *meetpin.Profile)
		}{
			{"Nickname2Chars", func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = "ab" }},
			{"Nickname20Chars", func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = strings.Repeat("b", 20) }},
			{"NicknameHangul", func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = "밋핀유저" }},
			{"Nickname20Hangul", func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = strings.Repeat("핀", 20) }},
			{"Intro500Hangul", func(_ *meetpin.User, p *meetpin.Profile) { p.Intro = strings.Repeat("가", 500) }},
			{"NoAgeRange", func(_ *meetpin.User, p *meetpin.Profile) { p.AgeRange = nil }},
			{"AgeRange50s", func(_ *meetpin.User, p *meetpin.Profile) { p.AgeRange = ptr("50s+") }},
			{"AvatarURL500", func(_ *meetpin.User, p *meetpin.Profile) {
				p.AvatarURL = ptr("https://example.com/" + strings.Repeat("a", 480))
			}},
			{"Admin", func(u *meetpin.User, p *meetpin.Profile) { u.Role, p.Role = meetpin.RoleAdmin, meetpin.RoleAdmin }},
		} {
			u, p := newUser(now())
			tc.mod(u, p)
			if err := s.CreateUser(ctx, u, p); err != nil {
				t.Errorf("%s: CreateUser: %v", tc.name, err)
				continue
			}
			got, err := s.ProfileByID(ctx, u.ID)
			if err != nil {
				t.Errorf("%s: ProfileByID: %v", tc.name, err)
				continue
			}
			assertProfile(t, tc.name, got, p)
			gotUser, err := s.UserByID(ctx, u.ID)
			if err != nil {
				t.Errorf("%s: UserByID: %v", tc.name, err)
				continue
			}
			assertUser(t, tc.name, gotUser, u)
		}
	})

	t.Run("UpdateProfilePartial", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		_, want := mustCreateUserProfile(t, s, func(_ *meetpin.User, p *meetpin.Profile) {
			p.AvatarURL = ptr("https://api.dicebear.com/old.svg")
			p.Intro = "hello"
		})
		at := want.UpdatedAt
		steps := []struct {
			name  string
			upd   meetpin.ProfileUpdate
			apply func(*meetpin.Profile)
		}{
			{"Intro", meetpin.ProfileUpdate{Intro: ptr("새로운 소개")}, func(p *meetpin.Profile) { p.Intro = "새로운 소개" }},
			{"AgeRange", meetpin.ProfileUpdate{AgeRange: ptr("40s")}, func(p *meetpin.Profile) { p.AgeRange = ptr("40s") }},
			{"ClearAgeRange", meetpin.ProfileUpdate{ClearAgeRange: true}, func(p *meetpin.Profile) { p.AgeRange = nil }},
			{"NicknameAndClearAvatar", meetpin.ProfileUpdate{Nickname: ptr("새닉네임"), ClearAvatarURL: true}, func(p *meetpin.Profile) {
				p.Nickname, p.AvatarURL = "새닉네임", nil
			}},
			{"AvatarURL", meetpin.ProfileUpdate{AvatarURL: ptr("https://api.dicebear.com/new.svg")}, func(p *meetpin.Profile) {
				p.AvatarURL = ptr("https://api.dicebear.com/new.svg")
			}},
			{"EmptyIntro", meetpin.ProfileUpdate{Intro: ptr("")}, func(p *meetpin.Profile) { p.Intro = "" }},
			{"Everything", meetpin.ProfileUpdate{Nickname: ptr("Final_1"), AgeRange: ptr("30s_early"), Intro: ptr("bye"), AvatarURL: ptr("https://k.kakaocdn.net/a.png")}, func(p *meetpin.Profile) {
				p.Nickname, p.AgeRange, p.Intro, p.AvatarURL = "Final_1", ptr("30s_early"), "bye", ptr("https://k.kakaocdn.net/a.png")
			}},
		}
		for _, step := range steps {
			at = at.Add(time.Second)
			step.apply(want)
			want.UpdatedAt = at
			got, err := s.UpdateProfile(ctx, want.UserID, step.upd, at)
			if err != nil {
				t.Fatalf("%s: UpdateProfile: %v", step.name, err)
			}
			assertProfile(t, step.name+": returned", got, want)
			got, err = s.ProfileByID(ctx, want.UserID)
			if err != nil {
				t.Fatalf("%s: ProfileByID: %v", step.name, err)
			}
			assertProfile(t, step.name+": stored", got, want)
		}
	})

	t.Run("UpdateProfileNicknameTaken", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		mustCreateUser(t, s, func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = "Alpha" })
		_, b := mustCreateUserProfile(t, s, func(_ *meetpin.User, p *meetpin.Profile) { p.Nickname = "Beta" })

		for _, nick := range []string{"Alpha", "ALPHA", "alpha"} {
			_, err := s.UpdateProfile(ctx, b.UserID, meetpin.ProfileUpdate{Nickname: ptr(nick), Intro: ptr("changed")}, now())
			assertCode(t, err, meetpin.ECONFLICT)
		}
		got, err := s.ProfileByID(ctx, b.UserID)
		assertCode(t, err, "")
		assertProfile(t, "unchanged after conflicts", got, b)

		// Changing the case of one's own nickname is not a conflict.
		got, err = s.UpdateProfile(ctx, b.UserID, meetpin.ProfileUpdate{Nickname: ptr("BETA")}, now())
		assertCode(t, err, "")
		assertEq(t, "Nickname", got.Nickname, "BETA")
	})

	t.Run("UpdateProfileConstraints", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		_, p := mustCreateUserProfile(t, s)
		for name, upd := range map[string]meetpin.ProfileUpdate{
			"Nickname1":      {Nickname: ptr("x")},
			"Nickname21":     {Nickname: ptr(strings.Repeat("x", 21))},
			"Nickname21Hang": {Nickname: ptr(strings.Repeat("밋", 21))},
			"AgeRange":       {AgeRange: ptr("60s")},
			"Intro501":       {Intro: ptr(strings.Repeat("x", 501))},
			"AvatarURL501":   {AvatarURL: ptr("https://example.com/" + strings.Repeat("a", 481))},
		} {
			_, err := s.UpdateProfile(ctx, p.UserID, upd, now())
			if got := meetpin.ErrorCode(err); got != meetpin.EVALIDATION {
				t.Errorf("%s: error code = %q, want %q (err: %v)", name, got, meetpin.EVALIDATION, err)
			}
		}
		got, err := s.ProfileByID(ctx, p.UserID)
		assertCode(t, err, "")
		assertProfile(t, "unchanged", got, p)
	})

	t.Run("SetUserRole", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		u, p := mustCreateUserProfile(t, s)
		other := mustCreateUser(t, s)

		assertCode(t, s.SetUserRole(ctx, u.ID, meetpin.RoleAdmin), "")
		got, err := s.UserByID(ctx, u.ID)
		assertCode(t, err, "")
		assertEq(t, "Role", got.Role, meetpin.RoleAdmin)
		prof, err := s.ProfileByID(ctx, u.ID)
		assertCode(t, err, "")
		assertEq(t, "Profile.Role", prof.Role, meetpin.RoleAdmin)
		assertEq(t, "Profile.Nickname", prof.Nickname, p.Nickname)
		got, err = s.UserByID(ctx, other.ID)
		assertCode(t, err, "")
		assertEq(t, "other user's Role", got.Role, meetpin.RoleUser)

		assertCode(t, s.SetUserRole(ctx, u.ID, "root"), meetpin.EVALIDATION)
		got, err = s.UserByID(ctx, u.ID)
		assertCode(t, err, "")
		assertEq(t, "Role after a bad role", got.Role, meetpin.RoleAdmin)

		assertCode(t, s.SetUserRole(ctx, u.ID, meetpin.RoleUser), "")
		got, err = s.UserByID(ctx, u.ID)
		assertCode(t, err, "")
		assertEq(t, "Role", got.Role, meetpin.RoleUser)
	})

	t.Run("ProfileStats", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		g1 := mustCreateUser(t, s)
		g2 := mustCreateUser(t, s)
		g3 := mustCreateUser(t, s)
		idle := mustCreateUser(t, s)

		r1 := mustCreateRoom(t, s, host)
		r2 := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Visibility = meetpin.VisibilityPrivate })
		mustAccept(t, s, mustCreateRequest(t, s, r1, g1).ID)
		mustAccept(t, s, mustCreateRequest(t, s, r1, g2).ID)
		mustCreateRequest(t, s, r1, g3) // stays pending
		rej := mustCreateRequest(t, s, r2, g1)
		if _, err := s.SetRequestStatus(t.Context(), rej.ID, meetpin.RequestRejected, now()); err != nil {
			t.Fatalf("SetRequestStatus: %v", err)
		}
		// g1 hosts a room too, and accepts g2: g1 has a match as host and
		// one as guest.
		r3 := mustCreateRoom(t, s, g1)
		mustAccept(t, s, mustCreateRequest(t, s, r3, g2).ID)

		for _, tc := range []struct {
			name                    string
			user                    *meetpin.User
			hosted, joined, matches int
		}{
			{"host", host, 2, 0, 2},
			{"g1", g1, 1, 1, 2},
			{"g2", g2, 0, 2, 2},
			{"g3 (pending)", g3, 0, 0, 0},
			{"idle", idle, 0, 0, 0},
		} {
			st := mustStats(t, s, tc.user.ID)
			assertEq(t, tc.name+": HostedRooms", st.HostedRooms, tc.hosted)
			assertEq(t, tc.name+": JoinedRooms", st.JoinedRooms, tc.joined)
			assertEq(t, tc.name+": Matches", st.Matches, tc.matches)
			assertEq(t, tc.name+": MessagesSent", st.MessagesSent, 0)
			assertTime(t, tc.name+": MemberSince", st.MemberSince, tc.user.CreatedAt)
		}
	})
}

// assertUser compares every field of a user.
func assertUser(t *testing.T, what string, got, want *meetpin.User) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: nil user", what)
	}
	assertEq(t, what+": ID", got.ID, want.ID)
	assertEq(t, what+": Email", got.Email, want.Email)
	assertEq(t, what+": PasswordHash", got.PasswordHash, want.PasswordHash)
	assertEq(t, what+": Role", got.Role, want.Role)
	assertTime(t, what+": CreatedAt", got.CreatedAt, want.CreatedAt)
	assertTime(t, what+": UpdatedAt", got.UpdatedAt, want.UpdatedAt)
}

// assertProfile compares every field of a profile.
func assertProfile(t *testing.T, what string, got, want *meetpin.Profile) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: nil profile", what)
	}
	assertEq(t, what+": UserID", got.UserID, want.UserID)
	assertEq(t, what+": Nickname", got.Nickname, want.Nickname)
	assertStrPtr(t, what+": AgeRange", got.AgeRange, want.AgeRange)
	assertStrPtr(t, what+": AvatarURL", got.AvatarURL, want.AvatarURL)
	assertEq(t, what+": Intro", got.Intro, want.Intro)
	assertEq(t, what+": Role", got.Role, want.Role)
	assertTime(t, what+": CreatedAt", got.CreatedAt, want.CreatedAt)
	assertTime(t, what+": UpdatedAt", got.UpdatedAt, want.UpdatedAt)
}
