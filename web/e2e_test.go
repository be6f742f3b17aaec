package web_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"

	"github.com/sillage/sillage/migrations/testnote"
)

// The dashboard and the recipient's pages in a real headless Chromium:
// the marketer sets up the first account, signs out and in, creates a campaign, uploads a video, goes live
// and mints links; a recipient on a phone, in a browser context of her
// own, unlocks and forwards by WhatsApp; a friend unlocks the forward on
// another phone; and the marketer's live view and tree, never reloaded,
// show the two views and the new node. Screenshots of the main pages go
// to ../screenshots (ignored by git), or to $SILLAGE_SCREENSHOTS.
//
// Chromium is Debian's package; CI installs it and sets
// SILLAGE_REQUIRE_BROWSER=1 so that the test cannot quietly skip there.
func TestBrowserEndToEnd(t *testing.T) {
	ctx := newBrowser(t, 2*time.Minute)
	d := newDash(t)
	shots := newShooter(t)

	marketer, cancel := chromedp.NewContext(ctx)
	defer cancel()
	base := d.srv.URL

	// The first visit of a fresh server creates the account; then sign
	// out and in again.
	do(t, marketer, "set up",
		chromedp.Navigate(base+"/"), // signed out, no account yet: sent to /setup
		chromedp.WaitVisible(chromedp.ID("password2")),
		shots.take("setup"),
		chromedp.SendKeys(chromedp.ID("code"), d.setupCode()), // as the server's log shows it
		chromedp.SendKeys(chromedp.ID("email"), marketerEmail),
		chromedp.SendKeys(chromedp.ID("password"), marketerPass),
		chromedp.SendKeys(chromedp.ID("password2"), marketerPass),
		chromedp.Click(chromedp.CSS(`form[action="/setup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/campaigns/new"]`)),
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("email")),
		shots.take("login"),
		chromedp.SendKeys(chromedp.ID("email"), marketerEmail),
		chromedp.SendKeys(chromedp.ID("password"), marketerPass),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/campaigns/new"]`)),
	)

	// Create a campaign, upload a small video, go live.
	video := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(video, bytes.Repeat([]byte{0, 0, 0, 0x18}, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, marketer, "create",
		chromedp.Click(chromedp.CSS(`a[href="/campaigns/new"]`)),
		chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), "Le clip"),
		chromedp.SendKeys(chromedp.CSS(`[id="teaser.title"]`), "Un clip en avant-première"),
		chromedp.SendKeys(chromedp.CSS(`[id="teaser.description"]`), "Seulement entre amis"),
		chromedp.Click(chromedp.CSS(`form.editor button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.upload`)),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{video}),
		chromedp.Click(chromedp.CSS(`form.upload button[type=submit]`)),
	)
	waitFor(t, marketer, "the uploaded video in the editor", `document.body.innerText.includes("clip.mp4")`)
	do(t, marketer, "go live",
		shots.take("editor"),
		chromedp.Click(chromedp.CSS(`a[href="/campaigns/1/status?to=live"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/campaigns/1/status"] button[type=submit]`)),
		shots.take("confirm"),
		chromedp.Click(chromedp.CSS(`form[action="/campaigns/1/status"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.state.live`)),
	)

	// Mint two links to hand out, on the seeding page.
	do(t, marketer, "mint",
		chromedp.Navigate(base+"/campaigns/1/seeding"),
		chromedp.WaitVisible(chromedp.CSS(mintCount)),
		shots.take("seeding"),
		chromedp.SetValue(chromedp.CSS(mintCount), "2"),
		chromedp.Click(chromedp.CSS(mintPrintable)),
		chromedp.WaitVisible(chromedp.CSS(mintedLink)),
		shots.take("links"),
	)
	links := run(t, marketer, "read the links", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(`+"`"+mintedLink+"`"+`)).map(a => a.href)`))
	if len(links) != 2 || links[0] == links[1] || !strings.HasPrefix(links[0], base+"/s/") {
		t.Fatalf("minted links: %q", links)
	}

	// The live view and the tree, each in its own tab, opened once.
	live, cancelLive := chromedp.NewContext(marketer)
	defer cancelLive()
	do(t, live, "open the live view",
		chromedp.Navigate(base+"/campaigns/1/live"),
		chromedp.WaitVisible(chromedp.CSS(liveViews)),
		chromedp.Evaluate[chromedp.Void](`window.sillageNotReloaded = true`),
	)
	if v := text(t, live, liveViews); v != "0" {
		t.Errorf("views before any unlock: %q", v)
	}
	tree, cancelTree := chromedp.NewContext(marketer)
	defer cancelTree()
	do(t, tree, "open the tree",
		chromedp.Navigate(base+"/campaigns/1/tree"),
		chromedp.WaitReady(chromedp.CSS(treeSVG)),
		chromedp.Evaluate[chromedp.Void](`window.sillageNotReloaded = true`),
	)

	// A recipient on her phone, in a browser of her own, unlocks and
	// forwards by WhatsApp: the button mints a link and opens wa.me.
	alice, cancelAlice := chromedp.NewContext(marketer, chromedp.WithNewBrowserContext())
	defer cancelAlice()
	do(t, alice, "alice unlocks",
		chromedp.Emulate(device.IPhone13),
		chromedp.Navigate(links[0]),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/unlock"] button`)),
		shots.take("unlock"),
		chromedp.Click(chromedp.CSS(`form[action$="/unlock"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`button.channel.whatsapp`)),
		shots.take("content"),
	)
	requests := chromedp.Events(alice, network.RequestWillBeSent)
	do(t, alice, "alice forwards", chromedp.Click(chromedp.CSS(`button.channel.whatsapp`)))
	var forwarded string
	linkRE := regexp.MustCompile(regexp.QuoteMeta(base) + `/s/[A-Za-z0-9_-]+`)
	for ev, err := range requests {
		if err != nil {
			t.Fatalf("waiting for wa.me: %v", err)
		}
		if u, _ := url.Parse(ev.Request.URL); u != nil && u.Host == "wa.me" {
			forwarded = linkRE.FindString(u.Query().Get("text"))
			break
		}
	}
	if forwarded == "" || forwarded == links[0] {
		t.Fatalf("the WhatsApp message carries no new link: %q", forwarded)
	}

	// A friend opens the forward on another phone.
	bob, cancelBob := chromedp.NewContext(marketer, chromedp.WithNewBrowserContext())
	defer cancelBob()
	do(t, bob, "bob unlocks the forward",
		chromedp.Emulate(device.Pixel5),
		chromedp.Navigate(forwarded),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/unlock"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/unlock"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`button.channel.whatsapp`)),
	)

	// Back on the dashboard, without a reload.
	waitFor(t, live, "two views on the live view", `document.querySelector(`+"`"+liveViews+"`"+`).textContent.trim() === "2"`)
	waitFor(t, tree, "two nodes in the tree", `document.querySelectorAll(`+"`"+treeNode+"`"+`).length === 2`)
	for name, tab := range map[string]context.Context{"live view": live, "tree": tree} {
		if !run(t, tab, "reload check", chromedp.Evaluate[bool](`window.sillageNotReloaded === true`)) {
			t.Errorf("the %s was reloaded", name)
		}
	}
	do(t, live, "live screenshots", shots.take("live"),
		// A marketer checks a launch on a phone too.
		chromedp.Emulate(device.IPhone13), chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(liveViews)), shots.take("live-phone"))
	do(t, tree, "tree screenshot", shots.take("tree"))
	do(t, marketer, "list",
		chromedp.Navigate(base+"/campaigns"),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-id="1"]`)),
		shots.take("campaigns"),
	)
}

// The selectors the test reads the dashboard by.
const (
	mintCount     = `form.mint input[name="count"]`
	mintPrintable = `form.mint button[name="format"][value="page"]`
	mintedLink    = `a.minted-link`
	liveViews     = `[data-field="views"]`
	treeSVG       = `svg.tree`
	treeNode      = `svg.tree [data-id]`
)

// newBrowser starts a headless Chromium with a fresh profile, stopped when
// the test ends or after timeout, or skips the test without one.
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findChromium(t)), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900),
	)...)
	t.Cleanup(cancel)
	ctx, cancel := context.WithTimeout(alloc, timeout)
	t.Cleanup(cancel)
	return ctx
}

// findChromium returns the browser's path, or skips the test when there
// is none, or under -short, and SILLAGE_REQUIRE_BROWSER does not require one.
func findChromium(t *testing.T) string {
	t.Helper()
	testnote.SkipShort(t, "SILLAGE_REQUIRE_BROWSER", "a browser test")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if testnote.Required(t, "SILLAGE_REQUIRE_BROWSER") {
		t.Fatal("no Chromium, and SILLAGE_REQUIRE_BROWSER=1: apt-get install chromium")
	}
	testnote.Skip(t, "no Chromium: apt-get install chromium to run the browser test")
	return ""
}

// shooter saves full-page screenshots under a directory.
type shooter struct {
	t   *testing.T
	dir string
}

func newShooter(t *testing.T) *shooter {
	dir := os.Getenv("SILLAGE_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &shooter{t: t, dir: dir}
}

// take is an action saving the page as dir/name.png.
func (s *shooter) take(name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, target *chromedp.Target) (chromedp.Void, error) {
		png, err := chromedp.FullScreenshot(100)(ctx, target)
		if err == nil {
			err = os.WriteFile(filepath.Join(s.dir, name+".png"), png, 0o644)
		}
		return chromedp.Void{}, err
	}
}

// do runs steps in the tab of ctx, failing the test after 30 seconds.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, ctx, what, chromedp.Steps(steps...))
}

// run runs one action in the tab of ctx, failing the test after 30
// seconds.
func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	// The tab starts with the first call, and lives as long as the
	// context of that call: open it without the timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(run(t, ctx, "read "+sel, chromedp.TextContent(chromedp.CSS(sel))))
}

// waitFor polls a JavaScript condition for up to 30 seconds, through the
// page's navigations.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond,
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond) // a navigation cut the poll short
	}
}
