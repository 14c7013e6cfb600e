// Package browsertest drives a real headless Chromium (Debian's chromium)
// through chromedp for the console's tests: navigate, assert what a page
// shows, and check its accessibility basics. A failing assertion saves a
// screenshot and the page's HTML and names where they are. A test that
// cannot start the browser fails: it never skips.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium tab, for one test.
type Browser struct {
	t   testing.TB
	ctx context.Context
}

// ArtifactsEnv names the directory where failing tests leave their
// screenshots and HTML (CI keeps it); by default a new temporary one.
const ArtifactsEnv = "LEAKDESK_BROWSER_ARTIFACTS"

// ChromiumEnv may name the browser to run; by default "chromium" on the
// PATH, which scripts/test installs.
const ChromiumEnv = "LEAKDESK_CHROMIUM"

// pageTimeout bounds each step, so that a hung browser fails the test
// rather than hold it until go test's own timeout.
const pageTimeout = 30 * time.Second

// Start runs a headless Chromium for the test and stops it when the test
// ends. It fails the test if the browser cannot start.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := os.Getenv(ChromiumEnv)
	if path == "" {
		p, err := exec.LookPath("chromium")
		if err != nil {
			t.Fatalf("browser tests need Debian's chromium (apt-get install chromium, as scripts/test does), or %s: %v", ChromiumEnv, err)
		}
		path = p
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// Cancelling the contexts stops Chromium and waits for it to exit:
	// no browser outlives its test.
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first run starts the browser on ctx itself: a run on a context
	// with a timeout would stop the browser when that context ends.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return &Browser{t: t, ctx: ctx}
}

// For returns the browser reporting to t, a subtest of the one that
// started it: a failing subtest must fail itself, not its parent.
func (b *Browser) For(t testing.TB) *Browser {
	return &Browser{t: t, ctx: b.ctx}
}

// do runs steps with a timeout, failing the test with artifacts on error.
func (b *Browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, pageTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.Failf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page into T.
func eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, pageTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.Failf("evaluate in the page: %v", err)
	}
	return v
}

// Visit opens url and waits for its body.
func (b *Browser) Visit(url string) {
	b.t.Helper()
	b.do("open "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// Eval evaluates a JavaScript expression in b's page into T, failing the
// test with artifacts if it throws.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	return eval[T](b, expr)
}

// WaitText waits until the page shows want, as after a script changed it,
// and fails if it does not within the page timeout.
func (b *Browser) WaitText(want string) {
	b.t.Helper()
	for deadline := time.Now().Add(pageTimeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(b.Text(), want) {
			return
		}
	}
	b.Failf("the page did not come to show %q", want)
}

// Text is what the page shows as text.
func (b *Browser) Text() string {
	b.t.Helper()
	return eval[string](b, "document.body.innerText")
}

// HTML is the page's document as the browser holds it now.
func (b *Browser) HTML() string {
	b.t.Helper()
	return eval[string](b, "document.documentElement.outerHTML")
}

// ShowsText fails unless the page shows each of want.
func (b *Browser) ShowsText(want ...string) {
	b.t.Helper()
	text := b.Text()
	for _, w := range want {
		if !strings.Contains(text, w) {
			b.Failf("the page does not show %q", w)
		}
	}
}

// HidesText fails if the page shows any of unwanted.
func (b *Browser) HidesText(unwanted ...string) {
	b.t.Helper()
	text := b.Text()
	for _, u := range unwanted {
		if strings.Contains(text, u) {
			b.Failf("the page shows %q, which it must not", u)
		}
	}
}

// Count returns how many elements match a CSS selector.
func (b *Browser) Count(selector string) int {
	b.t.Helper()
	return eval[int](b, fmt.Sprintf("document.querySelectorAll(%q).length", selector))
}

// Screenshot returns what the window shows (1280 by 900 pixels) as PNG,
// the view a reader gets first; failures save the whole page instead.
func (b *Browser) Screenshot() []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, pageTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	return png
}

// Failf saves a screenshot and the HTML of the page, and fails the test
// naming where they are.
func (b *Browser) Failf(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	dir, err := b.saveArtifacts()
	if err != nil {
		b.t.Fatalf("%s (and saving the page failed: %v)", msg, err)
	}
	b.t.Fatalf("%s; screenshot and HTML in %s", msg, dir)
}

// saveArtifacts writes page.png and page.html under a directory named
// after the test. The evaluation uses its own short context: the test's
// may be what failed.
func (b *Browser) saveArtifacts() (string, error) {
	root := os.Getenv(ArtifactsEnv)
	if root == "" {
		var err error
		if root, err = os.MkdirTemp("", "leakdesk-browser-"); err != nil {
			return "", err
		}
	}
	dir := filepath.Join(root, regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(b.t.Name(), "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.documentElement.outerHTML"))
	if err != nil {
		return "", err
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte(html), 0o644); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "page.png"), png, 0o644)
}
