package dashboard

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
)

// frame is what every dashboard page shows around its body.
type frame struct {
	L     *i18n.Lang
	Title string
	User  string // the signed-in account's email; empty on the sign-in pages
	Nav   string // "campaigns" or "keys": the current section

	// On a campaign's pages, the campaign and the tab shown ("edit",
	// "live", "tree" or "seeding"); the layout draws the tabs.
	CampaignID campaign.ID
	Tab        string
}

// loginPage is the sign-in form, and the setup form of the first account.
type loginPage struct {
	frame
	Email string
	Code  string // the setup code typed, kept unless it was wrong
	Error string
}

// campaignsPage lists the campaigns with their headline figures.
type campaignsPage struct {
	frame
	Campaigns []campaignRow
}

// campaignRow is one campaign in the list, and in the list's JSON.
type campaignRow struct {
	ID         campaign.ID `json:"id"`
	Title      string      `json:"-"`
	State      string      `json:"state"`
	StateLabel string      `json:"state_label"`
	Views      int64       `json:"views"`
	Reach      int64       `json:"reach"`
	MaxDepth   int64       `json:"max_depth"`
}

// editorPage is a campaign's editor; ID is 0 for a new campaign.
type editorPage struct {
	frame
	ID         campaign.ID
	Form       campaignForm
	Field      string // the field the error is about, or empty
	Error      string // nothing was saved: why
	Notice     string // what was just done
	State      string
	StateLabel string
	Content    contentSummary
	Actions    []statusAction
	MaxUpload  string // "512 MiB"
	Preview    linkPreview
}

// linkPreview is how a link to the campaign looks once pasted in a chat:
// what its OpenGraph tags say (see web/recipient/teaser.go).
type linkPreview struct {
	Title      string
	Host       string // the links' site, shown under the title
	Link       string // an example of a link
	Image      string // the uploaded teaser image, on the dashboard
	RemoteHost string // the site of an outside image, which the dashboard does not load
}

// contentSummary describes the current content in the editor.
type contentSummary struct {
	Kind string // "" when there is none
	Name string
	Type string
	Size string
	Text string // the text content, to edit
	// Captions is true when a video's captions were uploaded.
	Captions bool

	Preview string // the dashboard's address of the content file, or empty
}

// statusAction is one lifecycle button.
type statusAction struct {
	To    string
	Label string
}

// confirmPage asks before a status change.
type confirmPage struct {
	frame
	ID       campaign.ID
	To       string
	Question string
	Button   string
}

// keysPage lists the API keys; NewKey is shown once, right after creation.
type keysPage struct {
	frame
	Keys   []keyRow
	NewKey string
	Name   string
	Error  string
}

// keyRow is one API key in the list.
type keyRow struct {
	ID      int64
	Name    string
	Created string
	Revoked string // when, or empty for a live key
}

// messagePage is an error the dashboard cannot show on a form.
type messagePage struct {
	frame
	Message string
}

// editorFields are the fields of the editor's forms, by id: an error
// about one of them links to it.
var editorFields = map[string]bool{
	"title": true, "language": true, "teaser.title": true, "teaser.description": true, "teaser.image_url": true,
	"rules.seats_per_link": true, "rules.max_seats": true, "rules.forwards_per_claim": true, "rules.max_depth": true,
	"rules.link_lifetime_hours": true, "rules.view_cap": true, "rules.max_claims_per_network": true,
	"rules.send_for_me_countries": true, "starts_at": true, "ends_at": true, "image": true, "file": true,
}

// FieldOnPage reports whether the error is about a field of the editor.
func (p editorPage) FieldOnPage() bool { return editorFields[p.Field] }

// ErrorFor returns the error when it is about field, else "".
func (p editorPage) ErrorFor(field string) string {
	if p.Field == field {
		return p.Error
	}
	return ""
}

// List returns the sentences key.1, key.2, ... of a list the catalog
// holds, such as what erasing a contact removes.
func (p frame) List(key string) []string {
	var out []string
	for i := 1; i18n.Has(fmt.Sprintf("%s.%d", key, i)); i++ {
		out = append(out, p.L.T(fmt.Sprintf("%s.%d", key, i)))
	}
	return out
}

// placeholder is one thing a message template may use, and what it says.
type placeholder struct {
	Code string
	Says string
}

// placeholderCodes are the placeholders the template editor lists, in
// order; each is explained under "dashboard.messages.placeholders." and
// its name in lower case.
var placeholderCodes = []string{"{{.Link}}", "{{.Name}}", "{{.Teaser}}", "{{.TeaserText}}", "{{.Campaign}}", "{{.Unsubscribe}}"}

// Placeholders lists the placeholders a template may use.
func (p templatePage) Placeholders() []placeholder {
	out := make([]placeholder, len(placeholderCodes))
	for i, code := range placeholderCodes {
		name := strings.ToLower(strings.Trim(code, "{}."))
		out[i] = placeholder{Code: code, Says: p.L.T("dashboard.messages.placeholders." + name)}
	}
	return out
}

// frame is the head of a page for the signed-in account, if any.
func (h *Handler) frame(r *http.Request, t *i18n.Lang, title string) frame {
	return frame{L: t, Title: title, User: currentUser(r.Context()).Email}
}

// campaignPage is frame for a page of campaign id, under the tab that
// holds it.
func (h *Handler) campaignPage(r *http.Request, t *i18n.Lang, title string, id campaign.ID, tab string) frame {
	p := h.frame(r, t, title)
	p.Nav, p.CampaignID, p.Tab = "campaigns", id, tab
	return p
}
