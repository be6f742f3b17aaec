package notify_test

import (
	"net/url"
	"testing"

	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/notify/notifytest"
)

func TestVerifyTwilioSignature(t *testing.T) {
	const token = "12345678901234567890123456789012"
	callback := "https://share.example.com/hooks/twilio/status?campaign=7"
	form := url.Values{
		"AccountSid": {"AC123"}, "ApiVersion": {"2010-04-01"}, "From": {"+15005550006"},
		"MessageSid": {"SM123"}, "MessageStatus": {"delivered"}, "SmsSid": {"SM123"}, "SmsStatus": {"delivered"},
		"To": {"+33612345678"},
	}
	good := notifytest.TwilioSignature(token, callback, form)
	tampered := url.Values{}
	for k, v := range form {
		tampered[k] = v
	}
	tampered.Set("MessageStatus", "undelivered")
	for name, tc := range map[string]struct {
		token, url string
		form       url.Values
		sig        string
		want       bool
	}{
		"Valid":                {token, callback, form, good, true},
		"ValidWithPort":        {token, "https://share.example.com:443/hooks/twilio/status?campaign=7", form, good, true},
		"Missing":              {token, callback, form, "", false},
		"Forged":               {token, callback, form, "c2lnbmF0dXJl", false},
		"TamperedForm":         {token, callback, tampered, good, false},
		"OtherURL":             {token, "https://evil.example.com/hooks/twilio/status?campaign=7", form, good, false},
		"OtherToken":           {"00000000000000000000000000000000", callback, form, good, false},
		"NoTokenConfigured":    {"", callback, form, notifytest.TwilioSignature("", callback, form), false},
		"EmptyFormSignedRight": {token, callback, url.Values{}, notifytest.TwilioSignature(token, callback, url.Values{}), true},
	} {
		t.Run(name, func(t *testing.T) {
			if got := notify.VerifyTwilioSignature(tc.token, tc.url, tc.form, tc.sig); got != tc.want {
				t.Errorf("VerifyTwilioSignature = %v, want %v", got, tc.want)
			}
		})
	}
}
