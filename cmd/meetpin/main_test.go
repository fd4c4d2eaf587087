package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"meetpin.app/postgres/postgrestest"
)

// runCmd runs the CLI in-process with the given environment.
func runCmd(t *testing.T, envs map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(t.Context(), append([]string{"meetpin"}, args...), func(k string) string { return envs[k] }, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestBadConfiguration(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"mysql", map[string]string{"DATABASE_URL": "mysql://x"}, `DATABASE_URL: unsupported scheme "mysql"`},
		{"data dir under a file", map[string]string{"MEETPIN_DATA_DIR": filepath.Join(file, "data")}, "MEETPIN_DATA_DIR"},
		{"unreachable postgres", map[string]string{"DATABASE_URL": "postgres://u:secretpw@127.0.0.1:1/x?connect_timeout=2"}, "postgres"},
		{"bad env", map[string]string{"MEETPIN_ENV": "staging"}, "MEETPIN_ENV"},
		{"production without secrets", map[string]string{"MEETPIN_ENV": "production"}, "ADMIN_TOKEN: is required in production"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.env["MEETPIN_DATA_DIR"] == "" {
				c.env["MEETPIN_DATA_DIR"] = t.TempDir()
			}
			c.env["MEETPIN_ADDR"] = "127.0.0.1:0"
			start := time.Now()
			code, _, stderr := runCmd(t, c.env, "serve")
			if code != 1 {
				t.Fatalf("exit code %d, want 1 (stderr %q)", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Fatalf("stderr %q does not say %q", stderr, c.want)
			}
			for _, bad := range []string{"goroutine ", "panic", "secretpw", ".go:"} {
				if strings.Contains(stderr, bad) {
					t.Fatalf("stderr leaks %q: %q", bad, stderr)
				}
			}
			if time.Since(start) > 30*time.Second {
				t.Fatalf("took %s to fail", time.Since(start))
			}
		})
	}
	// Production reports every missing secret, one line each.
	_, _, stderr := runCmd(t, map[string]string{"MEETPIN_ENV": "production"}, "serve")
	for _, want := range []string{"ADMIN_TOKEN", "CRON_SECRET", "SITE_URL", "MEETPIN_METRICS_TOKEN"} {
		if !strings.Contains(stderr, want) {
			t.Fatalf("production error does not report %s: %q", want, stderr)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	code, out, _ := runCmd(t, nil, "help")
	if code != 0 || !strings.Contains(out, "DATABASE_URL") || !strings.Contains(out, "migrate") {
		t.Fatalf("help: %d %q", code, out)
	}
	code, out, _ = runCmd(t, nil, "serve", "-h")
	if code != 0 || !strings.Contains(out, "-addr") || !strings.Contains(out, "MEETPIN_AUTO_MIGRATE") {
		t.Fatalf("serve -h: %d %q", code, out)
	}
	code, out, _ = runCmd(t, nil, "version")
	if code != 0 || !strings.Contains(out, "meetpin ") || !strings.Contains(out, "go1.") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, _, _ := runCmd(t, nil, "frobnicate"); code != 2 {
		t.Fatalf("unknown command exit %d, want 2", code)
	}
}

// freeAddr returns a loopback address with a free port.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serveEngines runs fn against a real `meetpin serve` on SQLite and on
// PostgreSQL, with rate limits off.
func serveEngines(t *testing.T, fn func(t *testing.T, env map[string]string)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, map[string]string{"MEETPIN_DATA_DIR": t.TempDir(), "MEETPIN_RATELIMIT": "off", "MEETPIN_DRAIN_DELAY": "0s"})
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, map[string]string{"MEETPIN_DATA_DIR": t.TempDir(), "DATABASE_URL": postgrestest.URL(t), "MEETPIN_RATELIMIT": "off", "MEETPIN_DRAIN_DELAY": "0s"})
	})
}

// TestServeProbesAndShutdown starts the real server, checks the probes, and
// stops it the way SIGTERM does: it must exit 0.
func TestServeProbesAndShutdown(t *testing.T) {
	serveEngines(t, func(t *testing.T, env map[string]string) {
		addr := freeAddr(t)
		env["MEETPIN_ADDR"] = addr
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var out, errb syncBuffer
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"meetpin", "serve", "--demo"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
		}()
		base := "http://" + addr
		waitFor(t, base+"/api/readyz", done, &errb)
		for _, p := range []string{"/api/livez", "/api/readyz", "/api/ready", "/api/healthz"} {
			res, err := http.Get(base + p)
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("%s: %v %v", p, res, err)
			}
			res.Body.Close()
		}
		// Demo data is there: a Seoul box shows rooms.
		res, err := http.Get(base + "/api/rooms?bbox=37.4,126.8,37.7,127.2&limit=100")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("rooms: %v %v", res, err)
		}
		res.Body.Close()
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("exit code %d after shutdown; stderr %q", code, errb.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatal("server did not stop")
		}
		if !strings.Contains(out.String(), `"msg":"stopped"`) || !strings.Contains(out.String(), "demo data created") {
			t.Fatalf("log lacks the demo seeding or the stop: %s", out.String())
		}
	})
}

// TestMigrateCommands is the rollback guard from the shell: migrate down then
// up on a database holding rows.
func TestMigrateCommands(t *testing.T) {
	serveEngines(t, func(t *testing.T, env map[string]string) {
		if code, out, errs := runCmd(t, env, "seed", "--demo"); code != 0 || !strings.Contains(out, "rooms") {
			t.Fatalf("seed: %d %q %q", code, out, errs)
		}
		code, out, errs := runCmd(t, env, "migrate", "status")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || len(lines) < 2 || strings.Count(out, "applied") != len(lines)-1 {
			t.Fatalf("status: %d %q %q", code, out, errs)
		}
		newest := strings.Fields(lines[len(lines)-1])[1] // VERSION NAME STATE …
		if code, out, errs = runCmd(t, env, "migrate", "down"); code != 0 || !strings.Contains(out, newest) {
			t.Fatalf("down: %d %q %q, want %s rolled back", code, out, errs, newest)
		}
		if _, out, _ = runCmd(t, env, "migrate", "status"); !strings.Contains(out, "pending") {
			t.Fatalf("status after down shows nothing pending: %q", out)
		}
		// With auto-migration off, serve refuses the outdated schema.
		off := map[string]string{"MEETPIN_AUTO_MIGRATE": "false", "MEETPIN_ADDR": "127.0.0.1:0"}
		for k, v := range env {
			off[k] = v
		}
		if code, _, errs = runCmd(t, off, "serve"); code != 1 || !strings.Contains(errs, "meetpin migrate up") {
			t.Fatalf("serve on an outdated schema: %d %q", code, errs)
		}
		if code, out, errs = runCmd(t, env, "migrate", "up"); code != 0 || !strings.Contains(out, newest) {
			t.Fatalf("up: %d %q %q", code, out, errs)
		}
		// The demo rows survived: seeding again conflicts on the same accounts.
		if code, _, errs = runCmd(t, env, "seed", "--demo"); code == 0 || !strings.Contains(errs, "already in use") {
			t.Fatalf("demo rows lost across down/up: %d %q", code, errs)
		}
	})
}

func waitFor(t *testing.T, url string, done chan int, errb *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("server exited with %d: %s", code, errb.String())
		default:
		}
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never became ready", url)
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDemoRefusedInProduction(t *testing.T) {
	prod := map[string]string{
		"MEETPIN_ENV": "production", "SITE_URL": "https://meetpin.example", "MEETPIN_DATA_DIR": t.TempDir(),
		"ADMIN_TOKEN": "0123456789abcdef0123", "CRON_SECRET": "0123456789abcdef0123", "MEETPIN_ADDR": "127.0.0.1:0",
		"MEETPIN_METRICS_TOKEN": "0123456789abcdef0123",
	}
	if code, _, errs := runCmd(t, prod, "serve", "--demo"); code != 1 || !strings.Contains(errs, "production") {
		t.Fatalf("serve --demo in production: %d %q", code, errs)
	}
	if code, _, errs := runCmd(t, prod, "seed", "--demo"); code != 1 || !strings.Contains(errs, "production") {
		t.Fatalf("seed --demo in production: %d %q", code, errs)
	}
}

// TestUserCreateAdmin makes an admin from the shell; the account can log in
// with the printed password and has the admin role.
func TestUserCreateAdmin(t *testing.T) {
	env := map[string]string{"MEETPIN_DATA_DIR": t.TempDir(), "MEETPIN_DRAIN_DELAY": "0s"}
	code, out, errs := runCmd(t, env, "user", "create", "--admin", "--email", "Boss@Example.com", "--nickname", "boss")
	if code != 0 || !strings.Contains(out, "created admin boss@example.com") {
		t.Fatalf("user create: %d %q %q", code, out, errs)
	}
	var password string
	for _, line := range strings.Split(out, "\n") {
		if p, ok := strings.CutPrefix(line, "password: "); ok {
			password = p
		}
	}
	if len(password) < 16 {
		t.Fatalf("no generated password in %q", out)
	}
	// The same email again is refused with a clear message.
	if code, _, errs := runCmd(t, env, "user", "create", "--email", "boss@example.com", "--nickname", "boss2"); code != 1 || !strings.Contains(errs, "already in use") {
		t.Fatalf("duplicate: %d %q", code, errs)
	}
	// Log in through a real server.
	addr := freeAddr(t)
	env["MEETPIN_ADDR"] = addr
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sout, serr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"meetpin", "serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &sout, &serr)
	}()
	waitFor(t, "http://"+addr+"/api/readyz", done, &serr)
	var auth struct {
		User struct{ Role string } `json:"user"`
	}
	api(t, "http://"+addr, "POST", "/api/auth/login", "", map[string]any{"email": "boss@example.com", "password": password}, 200, &auth)
	if auth.User.Role != "admin" {
		t.Fatalf("role = %q", auth.User.Role)
	}
	// --password-stdin
	var o, e bytes.Buffer
	c := run(t.Context(), []string{"meetpin", "user", "create", "--email", "u@example.com", "--nickname", "stdinuser", "--password-stdin"},
		func(k string) string { return env[k] }, strings.NewReader("a long password\n"), &o, &e)
	if c != 0 || strings.Contains(o.String(), "password:") {
		t.Fatalf("password-stdin: %d %q %q", c, o.String(), e.String())
	}
	api(t, "http://"+addr, "POST", "/api/auth/login", "", map[string]any{"email": "u@example.com", "password": "a long password"}, 200, nil)
}

// TestNewerSchemaRefused: a database that a newer binary migrated (a fake
// migration 99999) is refused by serve with the version to deploy; migrate
// down says it does not know that migration; status lists it.
func TestNewerSchemaRefused(t *testing.T) {
	serveEngines(t, func(t *testing.T, env map[string]string) {
		if code, _, errs := runCmd(t, env, "migrate", "up"); code != 0 {
			t.Fatalf("migrate up: %s", errs)
		}
		fakeNewerMigration(t, env, 99999)
		env["MEETPIN_ADDR"] = "127.0.0.1:0"
		code, _, errs := runCmd(t, env, "serve")
		if code != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "the database schema is newer than this binary") || !strings.Contains(errs, "deploy a binary that has migration 99999") {
			t.Fatalf("serve on a newer schema: %d %q", code, errs)
		}
		code, out, errs := runCmd(t, env, "migrate", "down")
		if code != 1 || !strings.Contains(errs, "the newest applied migration, 99999, is not known to this binary") {
			t.Fatalf("migrate down of an unknown migration: %d %q %q", code, out, errs)
		}
		code, out, errs = runCmd(t, env, "migrate", "status")
		if code != 0 || !strings.Contains(out, "99999") || !strings.Contains(out, "unknown to this binary") || strings.Contains(out, "pending") {
			t.Fatalf("status: %d %q %q", code, out, errs)
		}
	})
}
