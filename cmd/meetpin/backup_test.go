package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"meetpin.app/backup"
	"meetpin.app/postgres/postgrestest"
)

// TestBackupRestoreUnderWrites takes a backup while rooms are being
// created, restores it into an empty data dir (and, on PostgreSQL, an
// empty database), and checks that the restored server serves every room
// acknowledged before the backup began, and the uploaded avatar. It then
// checks the refusals: a non-empty target without --force, a damaged
// archive, an archive of the other engine.
func TestBackupRestoreUnderWrites(t *testing.T) {
	serveEngines(t, func(t *testing.T, env map[string]string) {
		env["MEETPIN_MAX_UPCOMING_ROOMS"] = "1000" // one host writes many rooms
		r := startReplica(t, env)
		var host struct{ Token string }
		api(t, r.base, "POST", "/api/auth/signup", "", map[string]any{"email": "backup@example.com", "password": "correct horse", "nickname": "backupHost"}, 201, &host)
		avatar := uploadAvatar(t, r.base, host.Token)

		// The load of writes: rooms created one after another until stopped.
		var mu sync.Mutex
		var acked []string
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					b, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("room %d-%d", w, i), "category": "other", "lat": 37.5, "lng": 127.0,
						"place_text": "Seoul", "start_at": time.Now().Add(3 * time.Hour).Format(time.RFC3339)})
					req, _ := http.NewRequest("POST", r.base+"/api/rooms", bytes.NewReader(b))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+host.Token)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Errorf("create: %v", err)
						return
					}
					var v struct {
						Data struct{ Room struct{ ID string } }
					}
					json.NewDecoder(res.Body).Decode(&v)
					res.Body.Close()
					if res.StatusCode != 201 {
						t.Errorf("create: HTTP %d", res.StatusCode)
						return
					}
					mu.Lock()
					acked = append(acked, v.Data.Room.ID)
					mu.Unlock()
				}
			})
		}
		waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 20 })
		mu.Lock()
		before := append([]string(nil), acked...)
		mu.Unlock()
		file := filepath.Join(t.TempDir(), "meetpin.tar.gz")
		code, out, errs := runCmd(t, env, "backup", file)
		mu.Lock()
		during := len(acked) - len(before)
		mu.Unlock()
		close(stop)
		wg.Wait()
		if code != 0 || !strings.Contains(out, "1 media files") {
			t.Fatalf("backup: %d %q %q", code, out, errs)
		}
		t.Logf("%s; %d rooms acknowledged before it, %d while it ran", strings.TrimSpace(out), len(before), during)
		if code, _, errs := runCmd(t, env, "backup", file); code != 1 || !strings.Contains(errs, "exists") {
			t.Fatalf("backup over an existing file: %d %q", code, errs)
		}
		r.stop()

		// Restore into an empty target.
		target := map[string]string{"MEETPIN_DATA_DIR": t.TempDir(), "MEETPIN_RATELIMIT": "off", "MEETPIN_DRAIN_DELAY": "0s"}
		if env["DATABASE_URL"] != "" {
			target["DATABASE_URL"] = postgrestest.URL(t)
		}
		code, out, errs = runCmd(t, target, "restore", file)
		if code != 0 || !strings.Contains(out, "archive ok") || !strings.Contains(out, "restored") {
			t.Fatalf("restore: %d %q %q", code, out, errs)
		}
		r2 := startReplica(t, target)
		for _, id := range before {
			api(t, r2.base, "GET", "/api/rooms/"+id, "", nil, 200, nil)
		}
		if code, _ := getBody(t, r2.base, avatar, ""); code != 200 {
			t.Fatalf("the restored avatar %s: HTTP %d", avatar, code)
		}
		var me struct{ Token string }
		api(t, r2.base, "POST", "/api/auth/login", "", map[string]any{"email": "backup@example.com", "password": "correct horse"}, 200, &me)
		r2.stop()

		// A non-empty target is refused unless --force.
		if code, _, errs := runCmd(t, target, "restore", file); code != 1 || !strings.Contains(errs, "the target is not empty") || !strings.Contains(errs, "--force") {
			t.Fatalf("restore over a non-empty target: %d %q", code, errs)
		}
		if code, out, errs := runCmd(t, target, "restore", "--force", file); code != 0 {
			t.Fatalf("restore --force: %d %q %q", code, out, errs)
		}
		r3 := startReplica(t, target)
		api(t, r3.base, "GET", "/api/rooms/"+before[0], "", nil, 200, nil)
		r3.stop()

		// A damaged archive is refused before the target is touched.
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		fresh := map[string]string{"MEETPIN_DATA_DIR": t.TempDir()}
		if env["DATABASE_URL"] != "" {
			fresh["DATABASE_URL"] = postgrestest.URL(t)
		}
		for name, data := range map[string][]byte{"truncated": raw[:len(raw)*2/3], "garbage": []byte("not an archive")} {
			bad := filepath.Join(t.TempDir(), name+".tar.gz")
			os.WriteFile(bad, data, 0o600)
			if code, _, errs := runCmd(t, fresh, "restore", bad); code != 1 || !strings.Contains(errs, "damaged") {
				t.Fatalf("restore of a %s archive: %d %q", name, code, errs)
			}
		}
		if _, err := os.Stat(filepath.Join(fresh["MEETPIN_DATA_DIR"], "meetpin.db")); err == nil {
			t.Fatal("a refused restore created meetpin.db")
		}
		// The other engine's configuration is refused.
		other := map[string]string{"MEETPIN_DATA_DIR": t.TempDir()}
		if env["DATABASE_URL"] == "" {
			other["DATABASE_URL"] = postgrestest.URL(t)
		}
		if code, _, errs := runCmd(t, other, "restore", file); code != 1 || !strings.Contains(errs, "but the target is") {
			t.Fatalf("restore into the other engine: %d %q", code, errs)
		}
	})
}

// TestNightlyBackup: with MEETPIN_BACKUP_DIR the server has a "backup"
// job; running it writes a verified archive, and only the newest
// MEETPIN_BACKUP_KEEP archives stay.
func TestNightlyBackup(t *testing.T) {
	dir := t.TempDir()
	const secret = "cron-secret-0123456789"
	// Two older archives, as earlier nights left them, and a file of the operator's.
	for _, day := range []int{1, 2} {
		os.WriteFile(filepath.Join(dir, backup.ArchiveName(time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC))), []byte("old"), 0o600)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("keep me"), 0o600)
	r := startReplica(t, map[string]string{"MEETPIN_BACKUP_DIR": dir, "MEETPIN_BACKUP_KEEP": "2", "CRON_SECRET": secret, "MEETPIN_CRON": "off"})
	req, _ := http.NewRequest("POST", r.base+"/api/cron/backup", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("POST /api/cron/backup: %d %s", res.StatusCode, body.String())
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 3 || names[0] != backup.ArchiveName(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) || names[2] != "notes.txt" {
		t.Fatalf("backup dir after the run: %v", names)
	}
	m, err := backup.Verify(filepath.Join(dir, names[1]))
	if err != nil || m.Engine != "sqlite" || m.SchemaVersion == 0 {
		t.Fatalf("the nightly archive %s: %+v %v", names[1], m, err)
	}
	if !strings.Contains(body.String(), `"pruned"`) {
		t.Fatalf("the run's answer lacks its detail: %s", body.String())
	}
}

// uploadAvatar uploads a small PNG as the user's avatar and returns its path.
func uploadAvatar(t *testing.T, base, token string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.White)
	var pngBuf, body bytes.Buffer
	png.Encode(&pngBuf, img)
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("avatar", "me.png")
	fw.Write(pngBuf.Bytes())
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/profile/avatar", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v struct {
		Data struct {
			AvatarURL string `json:"avatar_url"`
		}
	}
	json.NewDecoder(res.Body).Decode(&v)
	if res.StatusCode != 200 || v.Data.AvatarURL == "" {
		t.Fatalf("avatar upload: HTTP %d %+v", res.StatusCode, v)
	}
	return v.Data.AvatarURL
}

// waitUntil polls cond for up to 30 s.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 30s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
