// Command testreport turns the event stream of `go test -json` into a short,
// human-readable report for CI logs.
//
// Usage:
//
//	go test -json ./... 2>&1 | go run ./tools/testreport
//
// It reads the stream from standard input and writes to standard output:
//
//   - every line that is not a test2json event (go vet findings, "go:
//     downloading ..." notes, raw build errors) unchanged, as it arrives;
//   - the full output of each test whose final action is "fail", the
//     compiler output of each failed build, and the package-level output
//     (panics, TestMain failures, timeouts) of each failed package, together
//     with the output of any test in it that never reported a result;
//   - one status line per package as it finishes, in the style of go test:
//     "ok   meetpin/store  1.23s", "FAIL meetpin/web  0.40s",
//     "FAIL meetpin/x [build failed]", "?    meetpin/y [no test files]";
//   - after the stream ends, a list headed "Skipped tests:" with the skip
//     reason of every skipped test or subtest (its last "file_test.go:NN:"
//     log line), a recap of the failed tests, and how many passed tests
//     exercise each external engine: a test counts for an engine when its
//     package path plus its full name ("meetpin/store.TestStore/postgres/Get")
//     contains "/postgres" or "Postgres" (PostgreSQL), "/redis" or "Redis"
//     (Redis), or "Browser", "/browser", "chromium" or "Chromium" (Browser);
//     parents and subtests are counted alike;
//   - as its very last line, "tests: N passed, N failed, N skipped", where
//     each N counts test and subtest result events. A test that started but
//     never reported a result in a package that failed (a timeout, an
//     os.Exit) is counted as failed.
//
// The exit status is 1 if any test, package or build failed, or if the
// stream held no test result at all (which usually means nothing was
// built); otherwise 0.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// event is one line of `go test -json` output (see `go doc test2json`).
type event struct {
	Action      string
	Package     string
	Test        string
	Elapsed     *float64
	Output      string
	ImportPath  string // build-output and build-fail events
	FailedBuild string // set on a package's fail event when its build failed
}

// engine is an external dependency whose passing tests are counted.
type engine struct {
	label    string
	patterns []string
	passed   int
}

func newEngines() []*engine {
	return []*engine{
		{label: "PostgreSQL", patterns: []string{"/postgres", "Postgres"}},
		{label: "Redis", patterns: []string{"/redis", "Redis"}},
		{label: "Browser", patterns: []string{"Browser", "/browser", "chromium", "Chromium"}},
	}
}

type testKey struct{ pkg, test string }

type skipped struct {
	pkg, test, reason string
}

type pkgState struct {
	output   []string // package-level output lines (Test == "")
	running  []string // tests in start order, for ones that never finish
	finished bool
}

// report holds the state built from the event stream.
type report struct {
	out io.Writer

	passed, failed, skips int
	failedPkgs            int
	failedBuilds          int

	testOutput  map[testKey][]string
	testDone    map[testKey]bool
	buildOutput map[string][]string // by ImportPath
	buildOrder  []string
	pkgs        map[string]*pkgState
	pkgOrder    []string

	skipped     []skipped
	failedTests []testKey
	engines     []*engine
}

func newReport(out io.Writer) *report {
	return &report{
		out:         out,
		testOutput:  map[testKey][]string{},
		testDone:    map[testKey]bool{},
		buildOutput: map[string][]string{},
		pkgs:        map[string]*pkgState{},
		engines:     newEngines(),
	}
}

func main() {
	os.Exit(run(os.Stdin, os.Stdout))
}

// run reads a `go test -json` stream from in, writes the report to out and
// returns the process exit status.
func run(in io.Reader, out io.Writer) int {
	w := bufio.NewWriter(out)
	defer w.Flush()
	r := newReport(w)

	br := bufio.NewReaderSize(in, 64*1024)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			r.line(line)
			// Keep the log live; a no-op when the line printed nothing.
			w.Flush()
		}
		if err != nil {
			if err != io.EOF {
				fmt.Fprintf(w, "testreport: reading input: %v\n", err)
				r.failedPkgs++
			}
			break
		}
	}
	return r.finish()
}

// line handles one input line: a test2json event, or anything else, which
// is passed through unchanged.
func (r *report) line(line string) {
	trimmed := strings.TrimSpace(line)
	var ev event
	if strings.HasPrefix(trimmed, "{") && json.Unmarshal([]byte(trimmed), &ev) == nil && ev.Action != "" {
		r.event(&ev)
		return
	}
	io.WriteString(r.out, line)
	if !strings.HasSuffix(line, "\n") {
		io.WriteString(r.out, "\n")
	}
}

func (r *report) pkg(name string) *pkgState {
	p := r.pkgs[name]
	if p == nil {
		p = &pkgState{}
		r.pkgs[name] = p
		r.pkgOrder = append(r.pkgOrder, name)
	}
	return p
}

func (r *report) event(ev *event) {
	switch ev.Action {
	case "build-output":
		if _, ok := r.buildOutput[ev.ImportPath]; !ok {
			r.buildOrder = append(r.buildOrder, ev.ImportPath)
		}
		r.buildOutput[ev.ImportPath] = append(r.buildOutput[ev.ImportPath], ev.Output)
		return
	case "build-fail":
		r.failedBuilds++
		r.write(r.buildOutput[ev.ImportPath])
		delete(r.buildOutput, ev.ImportPath)
		return
	}
	if ev.Test == "" {
		r.packageEvent(ev)
		return
	}

	k := testKey{ev.Package, ev.Test}
	switch ev.Action {
	case "run":
		p := r.pkg(ev.Package)
		p.running = append(p.running, ev.Test)
	case "output":
		r.testOutput[k] = append(r.testOutput[k], ev.Output)
	case "pass":
		r.passed++
		r.testDone[k] = true
		full := ev.Package + "." + ev.Test
		for _, e := range r.engines {
			for _, pat := range e.patterns {
				if strings.Contains(full, pat) {
					e.passed++
					break
				}
			}
		}
		delete(r.testOutput, k)
	case "fail":
		r.failed++
		r.testDone[k] = true
		r.failedTests = append(r.failedTests, k)
		r.write(r.testOutput[k])
		delete(r.testOutput, k)
	case "skip":
		r.skips++
		r.testDone[k] = true
		r.skipped = append(r.skipped, skipped{ev.Package, ev.Test, skipReason(r.testOutput[k])})
		delete(r.testOutput, k)
	}
}

func (r *report) packageEvent(ev *event) {
	p := r.pkg(ev.Package)
	switch ev.Action {
	case "output":
		p.output = append(p.output, ev.Output)
		return
	case "pass", "fail", "skip":
	default: // start, and anything new
		return
	}
	p.finished = true

	elapsed := ""
	if ev.Elapsed != nil {
		elapsed = fmt.Sprintf("%.2fs", *ev.Elapsed)
	}
	switch ev.Action {
	case "pass":
		if containsLine(p.output, "[no tests to run]") {
			elapsed += " [no tests to run]"
		}
		r.status("ok", ev.Package, elapsed)
	case "skip":
		r.status("?", ev.Package, "[no test files]")
	case "fail":
		r.failedPkgs++
		if ev.FailedBuild != "" {
			// The compiler output was printed at build-fail; print it here
			// if that event never came.
			if out, ok := r.buildOutput[ev.FailedBuild]; ok {
				r.write(out)
				delete(r.buildOutput, ev.FailedBuild)
			}
			r.status("FAIL", ev.Package, "[build failed]")
			break
		}
		r.flushUnfinished(ev.Package, p)
		r.write(p.output)
		r.status("FAIL", ev.Package, elapsed)
	}
	p.output = nil
	p.running = nil
}

// flushUnfinished prints and counts as failed the tests of a failed package
// that started but never reported a result.
func (r *report) flushUnfinished(pkg string, p *pkgState) {
	for _, t := range p.running {
		k := testKey{pkg, t}
		if r.testDone[k] {
			continue
		}
		r.testDone[k] = true
		r.failed++
		r.failedTests = append(r.failedTests, k)
		r.write(r.testOutput[k])
		fmt.Fprintf(r.out, "--- FAIL: %s (no result: the test binary stopped while it ran)\n", t)
		delete(r.testOutput, k)
	}
}

func (r *report) status(word, pkg, detail string) {
	fmt.Fprintln(r.out, strings.TrimRight(fmt.Sprintf("%-4s %-32s %s", word, pkg, detail), " "))
}

func (r *report) write(lines []string) {
	for _, l := range lines {
		io.WriteString(r.out, l)
		if !strings.HasSuffix(l, "\n") {
			io.WriteString(r.out, "\n")
		}
	}
}

// finish prints the summary and returns the exit status.
func (r *report) finish() int {
	for _, name := range r.pkgOrder {
		p := r.pkgs[name]
		if p.finished {
			continue
		}
		// The stream ended before the package reported (go test killed?).
		r.failedPkgs++
		r.flushUnfinished(name, p)
		r.write(p.output)
		r.status("FAIL", name, "[incomplete: no package result in the stream]")
	}
	for _, ip := range r.buildOrder {
		if out := r.buildOutput[ip]; len(out) > 0 {
			r.write(out)
		}
	}

	fmt.Fprintln(r.out)
	if len(r.skipped) == 0 {
		fmt.Fprintln(r.out, "Skipped tests: none")
	} else {
		fmt.Fprintln(r.out, "Skipped tests:")
		sort.SliceStable(r.skipped, func(i, j int) bool {
			if r.skipped[i].pkg != r.skipped[j].pkg {
				return r.skipped[i].pkg < r.skipped[j].pkg
			}
			return r.skipped[i].test < r.skipped[j].test
		})
		for _, s := range r.skipped {
			fmt.Fprintf(r.out, "  %s %s: %s\n", s.pkg, s.test, s.reason)
		}
	}
	if len(r.failedTests) > 0 {
		fmt.Fprintln(r.out, "Failed tests:")
		for _, k := range r.failedTests {
			fmt.Fprintf(r.out, "  %s %s\n", k.pkg, k.test)
		}
	}
	if r.failedBuilds > 0 {
		fmt.Fprintf(r.out, "Failed builds: %d\n", r.failedBuilds)
	}
	if r.failedPkgs > 0 {
		fmt.Fprintf(r.out, "Failed packages: %d\n", r.failedPkgs)
	}
	for _, e := range r.engines {
		fmt.Fprintf(r.out, "%s tests passed: %d\n", e.label, e.passed)
	}
	total := r.passed + r.failed + r.skips
	if total == 0 {
		fmt.Fprintln(r.out, "testreport: the input held no test results (did the build fail, or is the stream not from go test -json?)")
	}
	fmt.Fprintf(r.out, "tests: %d passed, %d failed, %d skipped\n", r.passed, r.failed, r.skips)

	if total == 0 || r.failed > 0 || r.failedPkgs > 0 || r.failedBuilds > 0 {
		return 1
	}
	return 0
}

var logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: `)

// skipReason returns the last "file.go:NN: message" log line of a skipped
// test's output, with any continuation lines of that message joined on.
func skipReason(output []string) string {
	last := -1
	for i, l := range output {
		if logLine.MatchString(l) {
			last = i
		}
	}
	if last < 0 {
		return "(no reason given)"
	}
	parts := []string{strings.TrimSpace(output[last])}
	for _, l := range output[last+1:] {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "--- ") || strings.HasPrefix(t, "=== ") || logLine.MatchString(l) {
			break
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

func containsLine(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
