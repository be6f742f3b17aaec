package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The setup page makes the first account only for whoever has the code
// the server printed in its log: anyone else on the network, first or
// not, gets a 403 and no account, and guesses are limited like sign-ins.
func TestSetupNeedsTheCode(t *testing.T) {
	d := newDash(t)
	code := d.setupCode()
	b := d.browser()
	form := func(code string) url.Values {
		return url.Values{"code": {code}, "email": {marketerEmail}, "password": {marketerPass}, "password2": {marketerPass}}
	}
	for name, c := range map[string]string{"None": "", "Wrong": "AAAA-AAAA"} {
		res, body := b.do("POST", d.srv.URL+"/setup", form(c), nil)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Wrong or expired setup code") {
			t.Errorf("%s code: %d, want 403 and the reason", name, res.StatusCode)
		}
		if strings.Contains(body, `value="AAAA-AAAA"`) {
			t.Errorf("%s code: the wrong code is typed back in the form", name)
		}
	}
	for range 3 { // 5 wrong codes in all
		b.do("POST", d.srv.URL+"/setup", form("BBBB-BBBB"), nil)
	}
	if res, _ := b.do("POST", d.srv.URL+"/setup", form(code), nil); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after 5 wrong codes: %d, want 429", res.StatusCode)
	}
	if n := d.count("users"); n != 0 {
		t.Fatalf("%d accounts made without the code", n)
	}
	d.clock.Advance(31 * time.Minute) // the sliding window has forgotten them
	res, _ := b.do("POST", d.srv.URL+"/setup", form(strings.ToLower(code)), nil)
	if res.StatusCode != http.StatusSeeOther || location(res) != "/campaigns" {
		t.Fatalf("setup with the code: %d to %q", res.StatusCode, location(res))
	}
	if n := d.count("users"); n != 1 {
		t.Errorf("%d accounts, want 1", n)
	}
}
