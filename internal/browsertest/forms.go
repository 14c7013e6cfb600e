package browsertest

import (
	"context"
	"time"

	"github.com/chromedp/chromedp"
)

// Fill sets the value of the form field a CSS selector names, as typing
// would.
func (b *Browser) Fill(selector, value string) {
	b.t.Helper()
	b.do("fill "+selector, chromedp.SetValue(chromedp.CSS(selector), value))
}

// Upload puts files in the file input a CSS selector names.
func (b *Browser) Upload(selector string, files ...string) {
	b.t.Helper()
	b.do("choose files for "+selector, chromedp.SetUploadFiles(chromedp.CSS(selector), files))
}

// Submit clicks the button a CSS selector names and waits until the page
// it sends the browser to is loaded: a new document, since a form's POST
// is answered with a redirect or the same page shown again.
func (b *Browser) Submit(selector string) {
	b.t.Helper()
	eval[bool](b, `window.browsertestOld = true`)
	b.do("click "+selector, chromedp.Click(chromedp.CSS(selector)))
	for deadline := time.Now().Add(pageTimeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		// The page may be between documents: an error is a reason to wait.
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.browsertestOld === undefined && document.readyState === "complete"`))
		cancel()
		if err == nil && loaded {
			return
		}
	}
	b.Failf("clicking %s led to no new page", selector)
}
