package notify

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/notify/notifytest"
)

// FuzzParseContacts: whatever the file, the importer never panics; every
// row it keeps has an address in canonical form, every rejection a line
// and a reason, and a file-level refusal is a message safe to show.
func FuzzParseContacts(f *testing.F) {
	for _, s := range []string{
		"name,email,phone,channel,language\nAda,ada@example.com,,email,en\n",
		"\uFEFFnom;téléphone;canal\nBob;06 12 34 56 78;sms\n",
		"email\n\"a@b.co\"\n\"unterminated\n",
		"name,email\nx,not-an-email\n,\n",
		"phone\n+33612345678\n+33 6 12 34 56 78\n0612345678\n",
		"", ";;;", "email,email\na@b.co,c@d.co\n", "name\r\nx\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := parseContacts(bytes.NewReader(data), ImportOptions{MaxBytes: 1 << 20, MaxRows: 1000}, "FR", "en")
		if err != nil {
			var invalid *campaign.ValidationError
			if !errors.As(err, &invalid) || invalid.Error() == "" {
				t.Fatalf("file error %v is not a message safe to show", err)
			}
			return
		}
		for _, r := range file.rows {
			a := r.address()
			if a == "" || a != strings.TrimSpace(a) || (strings.HasPrefix(a, "+") && strings.ContainsAny(a, " .-()")) {
				t.Fatalf("kept row with address %q", a)
			}
		}
		for _, rej := range file.rejected {
			if rej.Line < 1 || rej.Reason == "" {
				t.Fatalf("rejection without line or reason: %+v", rej)
			}
		}
	})
}

// FuzzTwilioCallback: any form a caller posts is refused unless signed
// with the auth token; a signed one verifies, and changing one byte of it
// breaks the signature.
func FuzzTwilioCallback(f *testing.F) {
	f.Add("MessageSid=SM123&MessageStatus=delivered", "secret")
	f.Add("MessageSid=SM1&MessageStatus=failed&ErrorCode=30003", "x")
	f.Add("a=%zz&b=", "token")
	f.Add("From=%2B33612345678&Body=STOP", "t")
	f.Fuzz(func(t *testing.T, body, token string) {
		const hook = "https://share.example.com/hooks/twilio/status"
		form, err := url.ParseQuery(body)
		if err != nil {
			return // the handler answers 400 before looking at signatures
		}
		if VerifyTwilioSignature(token, hook, form, "forged") {
			t.Fatal("a forged signature verified")
		}
		if VerifyTwilioSignature(token, hook, form, "") {
			t.Fatal("a missing signature verified")
		}
		if token == "" {
			return
		}
		// Twilio never repeats a field, and the validator (like the handler,
		// through PostForm.Get) reads each field's first value: sign those.
		first := url.Values{}
		for k, v := range form {
			first.Set(k, v[0])
		}
		sig := notifytest.TwilioSignature(token, hook, first)
		if !VerifyTwilioSignature(token, hook, form, sig) {
			t.Fatalf("a correctly signed form did not verify: %q", body)
		}
		if VerifyTwilioSignature(token+"x", hook, form, sig) {
			t.Fatal("a signature verified with another auth token")
		}
	})
}
