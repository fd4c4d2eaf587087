package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/seed"
)

// The browser tests drive Debian's Chromium (MEETPIN_TEST_CHROMIUM) with
// chromedp against a real server on loopback. Map tiles cannot load here
// (no internet): nothing waits for them, but the markers must show.

// browserWait bounds every wait of a browser step.
const browserWait = 30 * time.Second

// newBrowser starts a headless Chromium with a fresh profile and returns
// its context; each newTab of it is a separate browser context (its own
// cookies), like a second person on another phone.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	exe := meetpintest.Require(t, meetpintest.EnvChromium, "Chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "ko-KR"),
		chromedp.Flag("accept-lang", "ko-KR,ko"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(375, 812),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("starting chromium: %v", err)
	}
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	return bctx
}

// tab is one page of one person, with the JavaScript errors it saw.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	mu   sync.Mutex
	errs []string
}

// recorder is injected into every document: it keeps CSP violations.
const recorder = `window.__csp = []; document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective + " " + e.blockedURI); });`

func newTab(t *testing.T, browser context.Context, base string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &tab{t: t, ctx: ctx, base: base}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("new tab: %v", err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg = d.Exception.Description
			}
			b.mu.Lock()
			b.errs = append(b.errs, fmt.Sprintf("%s:%d %s", d.URL, d.LineNumber, msg))
			b.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: recorder}); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.EmulateViewport(375, 812))
	t.Cleanup(b.checkErrors)
	return b
}

// checkErrors fails the test on any uncaught JavaScript exception or CSP
// violation seen by the tab.
func (b *tab) checkErrors() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errs {
		b.t.Errorf("JavaScript error: %s", e)
	}
}

func (b *tab) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, browserWait)
}

func (b *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.timeout()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("at %s: %v", loc, err)
	}
}

// open navigates and waits for the page's scripts to have run.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
	b.waitJS(`window.MeetPin !== undefined && document.readyState === "complete"`)
	b.noCSPViolations()
}

// waitJS waits until a JavaScript expression is truthy. It polls from Go,
// so a navigation in between (which ends the page's own polling) is
// simply retried.
func (b *tab) waitJS(expr string) {
	b.t.Helper()
	deadline := time.Now().Add(browserWait)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(function(){ try { return `+expr+`; } catch (e) { return false; } })()`))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	text, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	b.t.Fatalf("at %s: waited %s for %s (last error: %v)\npage text: %.1500s", loc, browserWait, expr, last, text)
}

// eval runs an expression and decodes its value.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := b.timeout()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

func (b *tab) text(sel string) string {
	return eval[string](b, `(document.querySelector(`+jsString(sel)+`) || {}).textContent || ""`)
}

func (b *tab) path() string { return eval[string](b, `location.pathname`) }

// fill types into a field (after clearing it).
func (b *tab) fill(id, value string) {
	b.t.Helper()
	b.do(chromedp.WaitVisible(chromedp.ID(id)))
	eval[chromedp.Void](b, `document.getElementById(`+jsString(id)+`).value = ""`)
	b.do(chromedp.SendKeys(chromedp.ID(id), value))
}

func (b *tab) click(css string) {
	b.t.Helper()
	b.do(chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Click(chromedp.CSS(css)))
}

func (b *tab) noCSPViolations() {
	b.t.Helper()
	if v := eval[[]string](b, `window.__csp || []`); len(v) > 0 {
		b.t.Fatalf("CSP violations on %s: %v", b.path(), v)
	}
}

// screenshot saves the viewport as docs/screenshots/name.png when
// MEETPIN_SCREENSHOTS=1.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	if os.Getenv("MEETPIN_SCREENSHOTS") != "1" {
		return
	}
	ctx, cancel := b.timeout()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s.png (%d bytes)", name, len(png))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// signupIn signs a new person up through the signup page.
func (b *tab) signupIn(nick string) {
	b.t.Helper()
	b.open("/auth/signup?lang=ko")
	b.fill("email", strings.ToLower(nick)+"@example.com")
	b.fill("password", "correct horse")
	b.fill("nickname", nick)
	b.click(`form[data-api="/api/auth/signup"] button[type="submit"]`)
	b.waitJS(`location.pathname === "/map"`)
}

// browserServer is a test server with the demo data, so the map has more
// than one pin.
func browserServer(t *testing.T, store meetpin.Store) *testServer {
	t.Helper()
	s := newServer(t, store)
	if _, err := seed.Demo(t.Context(), s.App, rand.New(rand.NewPCG(1, 2))); err != nil {
		t.Fatal(err)
	}
	return s
}
