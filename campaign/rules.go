package campaign

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Rules bound a campaign's spread. Zero in MaxDepth, LinkLifetime and ViewCap
// means no limit.
type Rules struct {
	SeatsPerLink     int           // seats of a forwarded link unless the sender asks for more
	MaxSeats         int           // the most seats one link may have (a group link)
	ForwardsPerClaim int           // links one recipient may mint
	MaxDepth         int           // deepest generation allowed; seed claims are depth 1
	LinkLifetime     time.Duration // how long a forwarded link stays valid
	ViewCap          int64         // total views, then the campaign is full
	SendForMe        bool          // recipients may ask Sillage to send a link for them
	RevokeLeaks      bool          // revoke a link once more devices were refused than it has seats
	// MaxClaimsPerNetwork caps the views one client network may add to the
	// campaign (0: no cap). The network is known only as a hash whose salt
	// changes every day, so the cap holds per network per day: one person
	// clearing cookies is bounded, an office or a school on one Wi-Fi
	// gets its next views the next day or on mobile data.
	MaxClaimsPerNetwork int
	// SendForMeCountries are the countries (ISO 3166 codes, such as "FR")
	// whose numbers "send it for me" texts; empty: the server's default
	// region. Emails go anywhere.
	SendForMeCountries []string
}

// DefaultRules are the rules of a new campaign: one seat per link, ten
// forwards each, links valid a week, no depth or view limit.
func DefaultRules() Rules {
	return Rules{
		SeatsPerLink:     1,
		MaxSeats:         25,
		ForwardsPerClaim: 10,
		LinkLifetime:     7 * 24 * time.Hour,

		MaxClaimsPerNetwork: DefaultClaimsPerNetwork,
	}
}

// DefaultClaimsPerNetwork is a new campaign's cap of views per client
// network and day: low enough that one person clearing cookies adds ten
// views, not a link's twenty-five seats, and high enough for a family or
// a small team behind one box.
const DefaultClaimsPerNetwork = 10

// Limits of the rules, wide enough for any real campaign and narrow enough
// that a typo cannot make one unbounded by accident.
const (
	maxSeatsLimit    = 1000
	maxForwardsLimit = 1000
	maxDepthLimit    = 100000
	maxLifetime      = 366 * 24 * time.Hour
	maxViewCap       = 1_000_000_000
	maxPerNetwork    = 1_000_000
	maxCountries     = 50
	maxTitle         = 200
	maxDescription   = 1000
	maxAlt           = 1000
	// MaxTranscript is the longest transcript, in characters: about two
	// hours of speech.
	MaxTranscript = 100_000
)

// Validate returns a *ValidationError naming the first rule out of range.
func (r Rules) Validate() error {
	switch {
	case r.MaxSeats < 1 || r.MaxSeats > maxSeatsLimit:
		return Invalid("rules.max_seats", "must be between 1 and %d", maxSeatsLimit)
	case r.SeatsPerLink < 1 || r.SeatsPerLink > r.MaxSeats:
		return Invalid("rules.seats_per_link", "must be between 1 and max_seats (%d)", r.MaxSeats)
	case r.ForwardsPerClaim < 0 || r.ForwardsPerClaim > maxForwardsLimit:
		return Invalid("rules.forwards_per_claim", "must be between 0 and %d", maxForwardsLimit)
	case r.MaxDepth < 0 || r.MaxDepth > maxDepthLimit:
		return Invalid("rules.max_depth", "must be between 0 (no limit) and %d", maxDepthLimit)
	case r.LinkLifetime < 0 || r.LinkLifetime > maxLifetime:
		return Invalid("rules.link_lifetime_hours", "must be between 0 (no expiry) and %d", int(maxLifetime.Hours()))
	case r.LinkLifetime%time.Hour != 0:
		return Invalid("rules.link_lifetime_hours", "must be a whole number of hours")
	case r.ViewCap < 0 || r.ViewCap > maxViewCap:
		return Invalid("rules.view_cap", "must be between 0 (no cap) and %d", maxViewCap)
	case r.MaxClaimsPerNetwork < 0 || r.MaxClaimsPerNetwork > maxPerNetwork:
		return Invalid("rules.max_claims_per_network", "must be between 0 (no cap) and %d", maxPerNetwork)
	case len(r.SendForMeCountries) > maxCountries:
		return Invalid("rules.send_for_me_countries", "must list at most %d countries", maxCountries)
	}
	for _, code := range r.SendForMeCountries {
		if !countryCode(code) {
			return Invalid("rules.send_for_me_countries", "must be two-letter country codes such as FR (not %q)", code)
		}
	}
	return nil
}

// countryCode reports whether s looks like an ISO 3166 alpha-2 code in
// capitals; whether the country exists is the phone library's business.
func countryCode(s string) bool {
	return len(s) == 2 && 'A' <= s[0] && s[0] <= 'Z' && 'A' <= s[1] && s[1] <= 'Z'
}

// ParseCountries reads a list of country codes as a marketer types it
// ("fr, be" or "FR BE"): upper-cased, deduplicated, in the order given.
// Validate says whether they are codes.
func ParseCountries(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		f = strings.ToUpper(f)
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// Validate checks what a marketer typed: title, language, teaser, rules
// and schedule. It returns a *ValidationError.
func (c *Campaign) Validate() error {
	if err := checkText("title", c.Title, maxTitle, true); err != nil {
		return err
	}
	if c.Language != "fr" && c.Language != "en" {
		return Invalid("language", `must be "fr" or "en"`)
	}
	if err := checkText("teaser.title", c.Teaser.Title, maxTitle, false); err != nil {
		return err
	}
	if err := checkText("teaser.description", c.Teaser.Description, maxDescription, false); err != nil {
		return err
	}
	if u := c.Teaser.ImageURL; u != "" && !strings.HasPrefix(u, "https://") {
		return Invalid("teaser.image_url", "must be an https:// URL")
	}
	if err := checkText("teaser.image_url", c.Teaser.ImageURL, 2000, false); err != nil {
		return err
	}
	if err := checkText("teaser.image_description", c.Teaser.ImageAlt, maxAlt, false); err != nil {
		return err
	}
	if err := checkText("content.image_description", c.Content.Alt, maxAlt, false); err != nil {
		return err
	}
	if err := checkText("content.transcript", c.Content.Transcript, MaxTranscript, false); err != nil {
		return err
	}
	if c.StartsAt != nil && c.EndsAt != nil && !c.EndsAt.After(*c.StartsAt) {
		return Invalid("ends_at", "must be after starts_at")
	}
	if err := c.Milestones.Validate(); err != nil {
		return err
	}
	return c.Rules.Validate()
}

func checkText(field, s string, limit int, required bool) error {
	switch {
	case !utf8.ValidString(s):
		return Invalid(field, "must be valid UTF-8")
	case required && strings.TrimSpace(s) == "":
		return Invalid(field, "is required")
	case utf8.RuneCountInString(s) > limit:
		return Invalid(field, "must be at most %d characters", limit)
	}
	return nil
}
