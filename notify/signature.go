package notify

import (
	"net/url"

	twclient "github.com/twilio/twilio-go/client"
)

// VerifyTwilioSignature reports whether signature (the X-Twilio-Signature
// header) signs a POST of form to fullURL (the URL Twilio called, as
// configured, with its query) with authToken. A missing signature is
// false: callers answer 403 and change nothing.
func VerifyTwilioSignature(authToken, fullURL string, form url.Values, signature string) bool {
	if authToken == "" || signature == "" {
		return false
	}
	params := make(map[string]string, len(form))
	for k, v := range form {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	v := twclient.NewRequestValidator(authToken)
	return v.Validate(fullURL, params, signature)
}
