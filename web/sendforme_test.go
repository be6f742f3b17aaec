package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/notify/notifytest"
	"github.com/sillage/sillage/web"
)

// sendForMe posts the content page's "send it for me" form from phone p.
func (p *phone) sendForMe(link, to string) (*http.Response, string) {
	return p.do("POST", link+"/send", url.Values{"to": {to}}, nil)
}

// "Send it for me": the link and its message in one transaction, through
// the real handlers, the worker and an SMTP server, within the caps and
// never to an address that opted out.
func TestSendForMe(t *testing.T) {
	ctx := context.Background()
	smtpSrv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{})
	a := newApp(t, 1<<20, func(c *web.Config) { c.SendForMe = notify.ForwardLimits{PerClaim: 2, PerCampaignHour: 3} })
	id := a.launch(map[string]any{"send_for_me": true}, "text/plain", []byte("le clip"))
	seeds := a.seeds(id, 2, 1)
	alice := newPhone(t, iPhoneSafari)
	alice.unlock(seeds[0])
	if _, body := alice.get(seeds[0]); !strings.Contains(body, `action="/s/`) || !strings.Contains(body, `/send"`) {
		t.Fatalf("content page has no send-for-me form:\n%s", body)
	}
	written := func() (links float64, messages int) {
		return a.stats(id)["links"].(float64), a.messageCount()
	}

	res, _ := alice.sendForMe(seeds[0], "Friend@Example.com")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != seeds[0][len(a.srv.URL):]+"?sent=1" {
		t.Fatalf("send for me: %d to %q, want 303 back to the link", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := alice.get(seeds[0] + "?sent=1"); !strings.Contains(body, "Envoyé : ton ami va recevoir un lien personnel.") {
		t.Error("the page does not say the link was sent")
	}
	msgs, _ := a.notify.Outbox(ctx, notify.Filter{CampaignID: id})
	if len(msgs) != 1 || msgs[0].Kind != notify.KindForward || msgs[0].To != "friend@example.com" || msgs[0].ContactID != 0 {
		t.Fatalf("outbox = %+v, want one forward to friend@example.com", msgs)
	}
	if st := a.stats(id); st["forwards"].(map[string]any)["email"] != 1.0 {
		t.Errorf("the forward is not counted as an email forward: %v", st["forwards"])
	}

	// Delivered through SMTP, the friend's link unlocks one generation down.
	a.deliver(notify.SendersConfig{SMTP: notify.SMTPConfig{URL: smtpSrv.URL(), From: "no-reply@sillage.example"}})
	mails := smtpSrv.Mails()
	if len(mails) != 1 || mails[0].To[0] != "friend@example.com" {
		t.Fatalf("SMTP server got %+v", mails)
	}
	_, text := mailText(t, mails[0].Data)
	friendLink := shareLink.FindString(text)
	if r, _ := newPhone(t, androidChrome).unlock(friendLink); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("friend's unlock: %d, want 303", r.StatusCode)
	}
	if st := a.stats(id); st["views"] != 2.0 || st["max_depth"] != 2.0 {
		t.Errorf("stats after the friend's unlock = views %v, depth %v; want 2 and 2", st["views"], st["max_depth"])
	}

	// Refusals: each a precise status, each writing nothing.
	if err := a.notify.Suppress(ctx, "optout@example.com", "asked"); err != nil {
		t.Fatal(err)
	}
	bob := newPhone(t, androidChrome)
	bob.unlock(seeds[1])
	stranger := newPhone(t, iPhoneSafari)
	robot := newPhone(t, "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")
	for _, tc := range []struct {
		name string
		do   func() (*http.Response, string)
		want int
	}{
		{"SameAddressAgain", func() (*http.Response, string) { return bob.sendForMe(seeds[1], "friend@example.com") }, 409},
		{"OptedOut", func() (*http.Response, string) { return bob.sendForMe(seeds[1], "OPTOUT@example.com") }, 403},
		{"NotAnAddress", func() (*http.Response, string) { return bob.sendForMe(seeds[1], "hello") }, 400},
		{"Empty", func() (*http.Response, string) { return bob.sendForMe(seeds[1], "") }, 400},
		{"NoClaim", func() (*http.Response, string) { return stranger.sendForMe(seeds[1], "x@example.com") }, 403},
		{"Robot", func() (*http.Response, string) { return robot.sendForMe(seeds[1], "x@example.com") }, 403},
		{"UnknownLink", func() (*http.Response, string) { return bob.sendForMe(a.srv.URL+"/s/nope", "x@example.com") }, 404},
		{"CrossSite", func() (*http.Response, string) {
			return bob.do("POST", seeds[1]+"/send", url.Values{"to": {"x@example.com"}}, http.Header{"Sec-Fetch-Site": {"cross-site"}})
		}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			links, messages := written()
			if res, body := tc.do(); res.StatusCode != tc.want {
				t.Errorf("%d, want %d\n%s", res.StatusCode, tc.want, body)
			}
			if l, m := written(); l != links || m != messages {
				t.Errorf("the refusal wrote: links %v → %v, messages %d → %d", links, l, messages, m)
			}
		})
	}

	// Caps: two per recipient, three per campaign in any hour.
	if res, _ := alice.sendForMe(seeds[0], "06 12 34 56 78"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("Alice's second send (an SMS): %d", res.StatusCode)
	}
	if res, _ := alice.sendForMe(seeds[0], "third@example.com"); res.StatusCode != http.StatusForbidden {
		t.Errorf("Alice's third send: %d, want 403 (two per recipient)", res.StatusCode)
	}
	if res, _ := bob.sendForMe(seeds[1], "b1@example.com"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("Bob's first send: %d", res.StatusCode)
	}
	if res, _ := bob.sendForMe(seeds[1], "b2@example.com"); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a fourth send in the hour: %d, want 429", res.StatusCode)
	}
	a.clock.Advance(61 * time.Minute)
	if res, _ := bob.sendForMe(seeds[1], "b2@example.com"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("an hour later: %d, want 303", res.StatusCode)
	}
	msgs, _ = a.notify.Outbox(ctx, notify.Filter{CampaignID: id, Channel: notify.SMS})
	if len(msgs) != 1 || msgs[0].To != "+33612345678" || !strings.Contains(msgs[0].Text, a.srv.URL+"/s/") {
		t.Errorf("SMS forwards = %+v", msgs)
	}
}

// Where the campaign does not allow it, no form and no sending.
func TestSendForMeOff(t *testing.T) {
	a := newApp(t, 1<<20)
	id := a.launch(nil, "text/plain", []byte("hi"))
	link := a.seeds(id, 1, 1)[0]
	p := newPhone(t, androidChrome)
	p.unlock(link)
	if _, body := p.get(link); strings.Contains(body, "/send\"") {
		t.Error("content page shows the send-for-me form on a campaign that does not allow it")
	}
	if res, _ := p.sendForMe(link, "friend@example.com"); res.StatusCode != http.StatusForbidden {
		t.Errorf("send for me on a campaign without it: %d, want 403", res.StatusCode)
	}
	if n := a.messageCount(); n != 0 {
		t.Errorf("%d messages queued", n)
	}
}

// The SMS pumping: a claim on a send-for-me campaign asks for
// texts to a satellite number, a UK mobile and a US premium number; each
// is refused with its own sentence and writes nothing, a French mobile
// goes out, and two claims of one network share the network's cap.
func TestSendForMeNumbersAndNetworks(t *testing.T) {
	a := newApp(t, 1<<20, withLimits(web.Limits{ClientIPHeader: "X-Real-IP"}), func(c *web.Config) {
		c.SendForMe = notify.ForwardLimits{PerNetworkDay: 2}
	})
	id := a.launch(map[string]any{"send_for_me": true, "max_claims_per_network": 0}, "text/plain", []byte("le clip"))
	seeds := a.seeds(id, 3, 1)
	from := func(ip string) http.Header { return http.Header{"X-Real-Ip": {ip}} }
	send := func(p *phone, link, to, ip string) (*http.Response, string) {
		return p.do("POST", link+"/send", url.Values{"to": {to}}, from(ip))
	}
	alice := newPhone(t, iPhoneSafari)
	alice.do("POST", seeds[0]+"/unlock", url.Values{}, from("198.51.100.7"))
	for _, tc := range []struct {
		name, to, want string
	}{
		{"Satellite", "+882161234567", "On n&#39;envoie de SMS qu&#39;aux numéros de portable"},
		{"UKMobile", "+447911123456", "Cette campagne n&#39;envoie de SMS qu&#39;aux numéros de ces pays : FR."},
		{"USPremium", "+19005550123", "les numéros surtaxés, à coût partagé et autres numéros spéciaux sont refusés"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := send(alice, seeds[0], tc.to, "198.51.100.7")
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("%d, want 400", res.StatusCode)
			}
			mustContain(t, body, tc.want)
			if n := a.messageCount(); n != 0 {
				t.Errorf("%d messages queued", n)
			}
		})
	}
	if st := a.stats(id); st["links"] != 3.0 {
		t.Errorf("%v links, want the 3 seeds: a refused send minted one", st["links"])
	}
	if res, _ := send(alice, seeds[0], "+33 6 12 34 56 78", "198.51.100.7"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a French mobile: %d, want 303", res.StatusCode)
	}

	// A second claim of the same network: one more send, then the cap.
	bob := newPhone(t, androidChrome)
	bob.do("POST", seeds[1]+"/unlock", url.Values{}, from("198.51.100.7"))
	if res, _ := send(bob, seeds[1], "bob-friend@example.com", "198.51.100.7"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the network's second send: %d, want 303", res.StatusCode)
	}
	res, body := send(bob, seeds[1], "other@example.com", "198.51.100.7")
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the network's third send: %d, want 429", res.StatusCode)
	}
	mustContain(t, body, "Beaucoup de liens ont déjà été envoyés depuis ton réseau aujourd&#39;hui.")
	carol := newPhone(t, androidChrome)
	carol.do("POST", seeds[2]+"/unlock", url.Values{}, from("203.0.113.20"))
	if res, _ := send(carol, seeds[2], "carol-friend@example.com", "203.0.113.20"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("another network: %d, want 303", res.StatusCode)
	}
	if n := a.messageCount(); n != 3 {
		t.Errorf("%d messages queued, want 3", n)
	}
}
