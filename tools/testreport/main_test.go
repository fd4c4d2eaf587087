package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The files in testdata/ were recorded with `go test -count=1 -json` (Go
// 1.26) on a throwaway module whose packages pass, fail, skip, panic, time
// out and fail to build; its module path was then renamed to meetpin.

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func runString(t *testing.T, in string) (string, int) {
	t.Helper()
	var out strings.Builder
	code := run(strings.NewReader(in), &out)
	return out.String(), code
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func wantContains(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, out)
		}
	}
}

func wantLacks(t *testing.T, out string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(out, n) {
			t.Errorf("output should not contain %q\n--- output ---\n%s", n, out)
		}
	}
}

func TestMixedStream(t *testing.T) {
	raw := "# meetpin/cmd/meetpin\nvet: cmd/meetpin/main.go:3:2: unused result\n"
	out, code := runString(t, raw+fixture(t, "mixed.jsonl")+"go: warning: trailing raw line")
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if got, want := lastLine(out), "tests: 15 passed, 3 failed, 2 skipped"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
	wantContains(t, out,
		// Raw lines pass through unchanged, in order.
		raw,
		"go: warning: trailing raw line\n",
		// Build errors and the per-package lines.
		"broken/broken.go:3:23: undefined: undefinedThing\n",
		"FAIL meetpin/broken                   [build failed]\n",
		"?    meetpin/nodeps                   [no test files]\n",
		"ok   meetpin/store                    0.00s\n",
		"FAIL meetpin/web                      0.00s\n",
		// Output of failed tests, including multi-line messages.
		`    web_test.go:8: Title() = "meetpin", want "MeetPin"`,
		"    web_test.go:15: screenshot differs:\n          expected 390px\n          got 412px\n--- FAIL: TestBrowserLogin/mobile",
		// Skips with reasons, failures recapped, engine counts.
		"Skipped tests:\n"+
			"  meetpin/store TestRedisRateLimit: store_test.go:23: MEETPIN_TEST_REDIS_URL not set\n"+
			"  meetpin/web TestChromiumMissing: web_test.go:22: chromium not found at /nope; set MEETPIN_TEST_CHROMIUM\n",
		"Failed tests:\n  meetpin/web TestTitle\n  meetpin/web TestBrowserLogin/mobile\n  meetpin/web TestBrowserLogin\n",
		"PostgreSQL tests passed: 4\n",
		"Redis tests passed: 1\n",
		"Browser tests passed: 2\n",
	)
	// Output of passing and skipped tests stays out of the log.
	wantLacks(t, out, "--- PASS", "=== RUN   TestOK", "connected", `"Action"`)
}

func TestPassingStream(t *testing.T) {
	out, code := runString(t, fixture(t, "pass.jsonl"))
	if code != 0 {
		t.Errorf("exit code = %d, want 0\n%s", code, out)
	}
	if got, want := lastLine(out), "tests: 12 passed, 0 failed, 1 skipped"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
	wantContains(t, out, "PostgreSQL tests passed: 4\n", "Redis tests passed: 1\n", "Browser tests passed: 0\n")
	wantLacks(t, out, "FAIL", "Failed tests:")
}

func TestPanicIsShown(t *testing.T) {
	out, code := runString(t, fixture(t, "panic.jsonl"))
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	wantContains(t, out, "panic: assignment to entry in nil map", "FAIL meetpin/crash")
	if got, want := lastLine(out), "tests: 1 passed, 1 failed, 0 skipped"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
}

func TestTimeoutCountsUnfinishedTestAsFailed(t *testing.T) {
	out, code := runString(t, fixture(t, "timeout.jsonl"))
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	wantContains(t, out,
		"    crash_test.go:11: waiting forever\npanic: test timed out after 1s\n",
		"--- FAIL: TestHangs (no result",
		"Failed tests:\n  meetpin/crash TestHangs\n")
	if got, want := lastLine(out), "tests: 1 passed, 1 failed, 0 skipped"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
}

func TestTruncatedStreamFails(t *testing.T) {
	// Cut the passing stream before the package's own result.
	in := fixture(t, "pass.jsonl")
	i := strings.Index(in, `"Action":"pass","Package":"meetpin/store","Elapsed"`)
	if i < 0 {
		t.Fatal("fixture lacks the package pass event")
	}
	in = in[:strings.LastIndex(in[:i], "\n")+1]
	out, code := runString(t, in)
	if code != 1 {
		t.Errorf("exit code = %d, want 1\n%s", code, out)
	}
	wantContains(t, out, "FAIL meetpin/store                    [incomplete")
}

func TestNoTestsFails(t *testing.T) {
	in := "go: errors parsing go.mod:\n{ this is not json\n"
	out, code := runString(t, in)
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if !strings.HasPrefix(out, in) {
		t.Errorf("raw input not passed through first:\n%s", out)
	}
	if got, want := lastLine(out), "tests: 0 passed, 0 failed, 0 skipped"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
}

func TestSkipReason(t *testing.T) {
	for _, tc := range []struct {
		name   string
		output []string
		want   string
	}{
		{"none", []string{"=== RUN   TestX\n", "--- SKIP: TestX (0.00s)\n"}, "(no reason given)"},
		{"last log line wins", []string{
			"=== RUN   TestX\n",
			"    x_test.go:5: connecting\n",
			"    x_test.go:9: no database\n",
			"--- SKIP: TestX (0.00s)\n",
		}, "x_test.go:9: no database"},
		{"continuation", []string{
			"    x_test.go:9: first\n",
			"        second\n",
			"--- SKIP: TestX (0.00s)\n",
		}, "x_test.go:9: first second"},
		{"old style, after the SKIP line", []string{
			"--- SKIP: TestX (0.00s)\n",
			"    x_test.go:3: short mode\n",
		}, "x_test.go:3: short mode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := skipReason(tc.output); got != tc.want {
				t.Errorf("skipReason() = %q, want %q", got, tc.want)
			}
		})
	}
}
