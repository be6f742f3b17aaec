package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"

	"github.com/sillage/sillage/campaign/mediatest"
	"github.com/sillage/sillage/migrations/testnote"
)

// axeVersion is the axe-core release .ci/run fetches (npm pack) and points
// SILLAGE_AXE to.
const axeVersion = "4.14.1"

// a11yApp is a dashboard with what the main pages show at their fullest:
// campaign 1 live with forwards, a leaked link and contacts; campaign 2
// live with a video; and a Chromium tab signed in.
type a11yApp struct {
	*dashApp
	ctx    context.Context // the browser
	tab    context.Context // the marketer's tab, signed in
	seeds  []string        // two unused seed links of campaign 1
	shots  *shooter
	signIn func()
}

func newA11yApp(t *testing.T) *a11yApp {
	t.Helper()
	ctx := newBrowser(t, 3*time.Minute)
	d := newDash(t)
	id, _ := liveCampaign(d)
	b := d.signedIn() // makes the account
	if res, body := postContacts(b, d.seedURL(id, "/contacts"), nil, "c.csv", []byte(peopleCSV(3)), nil); res.StatusCode >= 400 {
		t.Fatalf("import contacts: %d\n%s", res.StatusCode, body)
	}
	d.launch(nil, "video/mp4", mediatest.MP4(bytes.Repeat([]byte("0123456789"), 500)))
	a := &a11yApp{dashApp: d, ctx: ctx, seeds: d.seeds(id, 2, 1), shots: newShooter(t)}
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	a.tab = tab
	a.signIn = func() {
		do(t, tab, "sign in",
			chromedp.Navigate(d.srv.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), marketerEmail),
			chromedp.SendKeys(chromedp.ID("password"), marketerPass),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/campaigns/new"]`)),
		)
	}
	return a
}

// axeViolation is one failed axe-core rule on a page.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeScript returns axe-core's source from $SILLAGE_AXE, or skips the
// test without it (fails in CI, where SILLAGE_REQUIRE_BROWSER=1).
func axeScript(t *testing.T) string {
	t.Helper()
	p := os.Getenv("SILLAGE_AXE")
	if p == "" {
		how := fmt.Sprintf("npm pack axe-core@%s, untar it, and set SILLAGE_AXE to package/axe.min.js (.ci/run does)", axeVersion)
		if testnote.Required(t, "SILLAGE_REQUIRE_BROWSER") {
			t.Fatal("SILLAGE_AXE is unset and SILLAGE_REQUIRE_BROWSER=1: " + how)
		}
		testnote.Skip(t, "no axe-core: "+how)
	}
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("SILLAGE_AXE: %v", err)
	}
	if banner := "axe v" + axeVersion; !bytes.Contains(src[:min(len(src), 200)], []byte(banner)) {
		t.Logf("SILLAGE_AXE is not %s: its rules may differ from CI's", banner)
	}
	return string(src)
}

// axeCheck runs axe-core on the page of tab and fails the test for each
// violation. The script goes in through the DevTools protocol
// (Runtime.evaluate), which the pages' CSP does not govern: a <script>
// added to the page would be refused.
func axeCheck(t *testing.T, tab context.Context, src, page string) {
	t.Helper()
	do(t, tab, "load axe-core on "+page, chromedp.Evaluate[chromedp.Void](src+"\n;void 0"))
	got := run(t, tab, "axe-core on "+page, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
			id: v.id, impact: v.impact || "", help: v.help,
			targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5)})))`,
		chromedp.EvalAwaitPromise))
	for _, v := range got {
		t.Errorf("%s: axe %s (%s): %s: %s", page, v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
	}
}

// axe-core finds no violation on the dashboard's main pages (the editor
// after a refused save, the live view with a leaked link, on a phone's
// width too) nor on the recipient's teaser, unlock, content and error
// pages.
func TestBrowserAccessibility(t *testing.T) {
	src := axeScript(t)
	a := newA11yApp(t)
	base := a.srv.URL
	tab := a.tab

	do(t, tab, "login page", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("email")))
	axeCheck(t, tab, src, "login")
	a.signIn()
	for _, p := range []struct{ name, path, ready string }{
		{"campaigns", "/campaigns", `tr[data-id="1"]`},
		{"new campaign", "/campaigns/new", `#title`},
		{"editor", "/campaigns/1", `form.upload`},
		{"editor with a video", "/campaigns/2", `.content-preview video`},
		{"live view", "/campaigns/1/live", `table.leaks`},
		{"tree", "/campaigns/1/tree", `svg.tree [data-id]`},
		{"seeding", "/campaigns/1/seeding", `form.mint`},
		{"templates", "/campaigns/1/templates", `main h1`},
		{"contacts", "/campaigns/1/contacts", `main h1`},
		{"security alerts", "/alerts", `[data-field="guessing_bursts"]`},
		{"confirm a status change", "/campaigns/1/status?to=paused", `form[action="/campaigns/1/status"]`},
	} {
		do(t, tab, p.name, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
		axeCheck(t, tab, src, p.name)
	}
	do(t, tab, "refused save",
		chromedp.Navigate(base+"/campaigns/1"),
		chromedp.WaitVisible(chromedp.CSS(`form.editor`)),
		chromedp.SetValue(chromedp.CSS(`[id="rules.max_depth"]`), "deep"),
		chromedp.Click(chromedp.CSS(`form.editor button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("error-summary")),
	)
	axeCheck(t, tab, src, "editor after a refused save")
	do(t, tab, "live view on a phone",
		chromedp.Emulate(device.IPhoneSE), chromedp.Navigate(base+"/campaigns/1/live"),
		chromedp.WaitVisible(chromedp.CSS(`table.leaks`)))
	axeCheck(t, tab, src, "live view on a phone")

	// The recipient's pages, on a phone of her own.
	phone, cancel := chromedp.NewContext(tab, chromedp.WithNewBrowserContext())
	defer cancel()
	do(t, phone, "unlock page",
		chromedp.Emulate(device.Pixel5), chromedp.Navigate(a.seeds[0]),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/unlock"] button`)))
	axeCheck(t, phone, src, "unlock page")
	do(t, phone, "content page",
		chromedp.Click(chromedp.CSS(`form[action$="/unlock"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`button.channel.whatsapp`)))
	axeCheck(t, phone, src, "content page")
	do(t, phone, "error page", chromedp.Navigate(base+"/s/no-such-link-at-all"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	axeCheck(t, phone, src, "error page")
	// What a link preview fetcher gets.
	bot, cancelBot := chromedp.NewContext(tab, chromedp.WithNewBrowserContext())
	defer cancelBot()
	whatsApp := device.Info{Name: "WhatsApp", UserAgent: "WhatsApp/2.23.20.0 A", Width: 412, Height: 915, Scale: 1, Mobile: true}
	do(t, bot, "teaser page", chromedp.Emulate(whatsApp), chromedp.Navigate(a.seeds[1]), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	if html := run(t, bot, "teaser", chromedp.Evaluate[string](`document.documentElement.outerHTML`)); strings.Contains(html, `action="/s/`) {
		t.Error("the preview fetcher got the unlock page, not the teaser")
	}
	axeCheck(t, bot, src, "teaser page")
}

// The editor at 1280x900 shows the link preview beside the form, in
// view; a refused save moves the focus to the error summary and says
// "Error" in the title; the live view keeps the keyboard's place through
// a refresh, and at 320 px wide with a leaked link nothing scrolls
// sideways.
func TestBrowserEditorAndLiveLayout(t *testing.T) {
	a := newA11yApp(t)
	base := a.srv.URL
	tab := a.tab
	a.signIn()

	type rect struct{ Top, Left, Right, Bottom float64 }
	do(t, tab, "editor at 1280x900",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/campaigns/new"),
		chromedp.WaitVisible(chromedp.CSS(`.link-preview`)),
		a.shots.take("a11y-editor-1280"),
	)
	box := func(sel string) rect {
		t.Helper()
		return run(t, tab, "measure "+sel, chromedp.Evaluate[rect](
			`(r => ({top: r.top, left: r.left, right: r.right, bottom: r.bottom}))(document.querySelector(`+"`"+sel+"`"+`).getBoundingClientRect())`))
	}
	preview, form, create := box(`.link-preview .bubble`), box(`form.editor`), box(`form.editor button[type=submit]`)
	if preview.Top < 0 || preview.Bottom > 900 {
		t.Errorf("the preview's bubble is at %v, outside the 900 px high window", preview)
	}
	if preview.Left < form.Right {
		t.Errorf("the preview (%v) is not beside the form (%v)", preview, form)
	}
	if preview.Top > create.Top {
		t.Errorf("the preview (%v) is below the Create button (%v)", preview, create)
	}
	// On a phone, one column: the preview below the form.
	do(t, tab, "editor on a phone", chromedp.Emulate(device.IPhone13), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.link-preview`)))
	if preview, form := box(`.link-preview`), box(`form.editor`); preview.Top < form.Bottom {
		t.Errorf("on a phone the preview (%v) is not below the form (%v)", preview, form)
	}

	do(t, tab, "refused save",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/campaigns/1"),
		chromedp.WaitVisible(chromedp.CSS(`form.editor`)),
		chromedp.SetValue(chromedp.CSS(`[id="rules.max_depth"]`), "deep"),
		chromedp.Click(chromedp.CSS(`form.editor button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("error-summary")),
	)
	waitFor(t, tab, "the focus on the error summary", `document.activeElement && document.activeElement.id === "error-summary"`)
	if title := run(t, tab, "title", chromedp.Title()); !strings.HasPrefix(title, "Error: ") {
		t.Errorf("title after a refused save %q, want Error: …", title)
	}
	do(t, tab, "follow the summary's link", chromedp.Click(chromedp.CSS(`#error-summary a`)))
	waitFor(t, tab, "the focus on the field", `document.activeElement && document.activeElement.id === "rules.max_depth"`)

	// The first refresh swaps every section in: the revoke button the
	// keyboard is on is replaced by its twin, which gets the focus.
	const revoke = `table.leaks a.button`
	do(t, tab, "focus a revoke button",
		chromedp.Navigate(base+"/campaigns/1/live"),
		chromedp.WaitVisible(chromedp.CSS(revoke)),
		chromedp.Focus(chromedp.CSS(revoke)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("`+revoke+`").dataset.before = "1"`),
	)
	waitFor(t, tab, "a refresh of the leaks", `document.querySelector("`+revoke+`") && !document.querySelector("`+revoke+`").dataset.before`)
	if ok := run(t, tab, "focus after the refresh", chromedp.Evaluate[bool](
		`document.activeElement === document.querySelector("`+revoke+`")`)); !ok {
		t.Error("the refresh lost the keyboard focus of the revoke button")
	}

	do(t, tab, "live view at 320 px",
		chromedp.EmulateViewport(320, 800),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`table.leaks`)),
		a.shots.take("a11y-live-320"),
	)
	if w := run(t, tab, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 320 {
		t.Errorf("the live view is %d px wide at 320: it scrolls sideways", w)
	}
}
