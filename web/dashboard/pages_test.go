package dashboard

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// Every dashboard template executes, in both languages, with every field
// it may show filled in.
func TestDashTemplatesExecute(t *testing.T) {
	static, err := httpx.NewStatic(Static())
	if err != nil {
		t.Fatal(err)
	}
	p := httpx.NewPages(static.Funcs(), nil)
	if err := parsePages(p); err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Codes {
		tx := i18n.Get(lang)
		head := frame{L: tx, Title: "Le clip", User: "zoe@example.com", Nav: "campaigns", CampaignID: 1, Tab: "edit"}
		data := map[string]any{
			"dash_login.html": loginPage{frame: frame{L: tx, Title: tx.T("dashboard.sign_in_title")}, Email: "zoe@example.com", Error: tx.T("dashboard.bad_credentials")},
			"dash_setup.html": loginPage{frame: frame{L: tx, Title: tx.T("dashboard.setup_title")}, Error: tx.T("dashboard.passwords_differ")},
			"dash_campaigns.html": campaignsPage{frame: head, Campaigns: []campaignRow{
				{ID: 1, Title: "Le clip", State: "live", StateLabel: tx.T("dashboard.states.live"), Views: 12, Reach: 12, MaxDepth: 3},
			}},
			"dash_campaign.html": editorPage{
				frame: head, ID: 1, Form: campaignForm{Title: "Le clip", Language: "fr", SendForMe: true},
				Field: "rules.seats_per_link", Error: "rules.seats_per_link: must be a whole number", Notice: tx.T("dashboard.saved"),
				State: "live", StateLabel: tx.T("dashboard.states.live"),
				Content: contentSummary{Kind: "video", Name: "clip.mp4", Type: "video/mp4", Size: "4 KiB", Preview: "/campaigns/1/content/preview?v=1"},
				Actions: []statusAction{{"paused", tx.T("dashboard.actions.paused")}, {"ended", tx.T("dashboard.actions.ended")}}, MaxUpload: "512 MiB",
			},
			"dash_confirm.html": confirmPage{frame: head, ID: 1, To: "ended", Question: tx.T("dashboard.confirms.ended"), Button: tx.T("dashboard.actions.ended")},
			"dash_keys.html": keysPage{frame: head, NewKey: "sil_new", Name: "ci", Error: tx.T("dashboard.bad_key_name"),
				Keys: []keyRow{{ID: 1, Name: "ci", Created: "now"}, {ID: 2, Name: "old", Created: "then", Revoked: "now"}}},
			"dash_tree.html": func() treePage {
				v := cascade.View{Root: 5, Views: 3, Drawn: 2, Nodes: []cascade.ViewNode{
					{ID: 5, Parent: 2, Depth: 2, Channel: "sms", ClaimedAt: time.Unix(0, 0), Downstream: 2, Children: 2},
					{ID: 7, Parent: 5, Depth: 3, Channel: "whatsapp", ClaimedAt: time.Unix(60, 0), Y: 1},
				}, More: []cascade.More{{Parent: 5, Views: 1, Branches: 1, Depth: 3, Y: 1}}}
				return treePage{frame: head, ID: 1, Root: 5, Up: 2, Budget: 800, Expand: "5", View: v, Rows: treeRows(tx, v, map[int64]int{5: 3, 7: 4, 2: 1}),
					Options:  []treeOption{{Root: 5, Label: "Person 3", Selected: true}},
					Channels: []treeChannel{{"sms", tx.T("dashboard.tree.channels.sms")}}, DrawnLine: "2 / 3"}
			}(),
			"dash_message.html": messagePage{frame: head, Message: tx.T("dashboard.not_found")},
			"dash_trust_revoke.html": revokePage{frame: head, Link: 2, Ref: "#2", Error: tx.T("dashboard.trust.revoke_unconfirm"),
				Facts: []fact{{tx.T("dashboard.live.channel"), "WhatsApp"}, {tx.T("dashboard.live.refused"), "4"}}},
			"dash_trust_alerts.html": alertsPage{frame: head, Since: tx.T("dashboard.trust.alerts_since"), Quiet: true,
				Counters: []liveFigure{{Field: "guessing_bursts", Label: tx.T("dashboard.trust.guessing_bursts"), Value: "1", Raw: 1, Hint: tx.T("dashboard.trust.guessing_off")}},
				Leaks:    []campaignLeaks{{ID: 1, Title: "Le clip", Leaked: "2", NotRevoked: "1"}}},
			"dash_live.html": livePage{frame: head, State: "live", StateLabel: tx.T("dashboard.states.live"), From: "2026-11-23T20:00",
				Field: "from", Error: tx.T("dashboard.live.bad_time"), Poll: "/campaigns/1/live.json", Exports: []exportButton{{"/campaigns/1/export?format=csv", tx.T("dashboard.live.export_csv")}},
				Figures: liveFiguresOf(tx, &httpx.Stats{Figures: cascade.Figures{Views: 12, Reach: 12, Generations: []int{3, 9}, Branching: []float64{3, 0},
					Depth: cascade.Depths{Max: 2, Distribution: []float64{.25, .75}}, ViewsPerHour: cascade.Series{Start: time.Unix(0, 0), Counts: []int{4, 0, 8}},
					Milestones:  cascade.Milestones{Views: []cascade.Milestone{{Value: 10, At: time.Unix(3600, 0), After: 3600}}},
					Forecast:    cascade.Forecast{Possible: true, FinalReach: 40, R: .5, Mature: 30, Active: 2},
					Ambassadors: cascade.Ambassadors{BySubtree: []cascade.Ambassador{{Claim: 1, Depth: 1, Channel: "link", Descendants: 9, Forwards: cascade.PerChannel[int]{All: 3, WhatsApp: 3}}}},
					Leaks:       []cascade.Leak{{Link: 2, Channel: "whatsapp", Seats: 1, Claims: 1, Refused: 4}}}}, time.Unix(7200, 0), map[int64]int{1: 1})},
			"dash_seed.html": seedPage{frame: head, ID: 1, State: "draft", StateLabel: tx.T("dashboard.states.draft"),
				SeatsPerLink: 1, MaxSeats: 25, MaxPrinted: 500, MaxCSV: 10000,
				Import:      &notify.ImportResult{Imported: 2, Merged: 1, Rejected: []notify.RowError{{Line: 3, Reason: "has neither an email nor a phone number"}}},
				ImportError: tx.T("dashboard.seed.invalid_rows"), Pasted: "name,email\nZoé,zoe@example.com", Skip: true,
				SendError: tx.T("dashboard.seed.no_contacts"), SendNotice: tx.T("dashboard.seed.all_sent"),
				Counts:     []statusCount{{"queued", tx.T("dashboard.seed.statuses.queued"), 2}},
				Deliveries: []deliveryRow{{ID: 7, To: "z***@example.com", Channel: "Email", Status: "failed", StatusLabel: tx.T("dashboard.seed.statuses.failed"), Updated: "now", Error: "550 no such user"}, {ID: 8}},
				Filter:     "failed", Statuses: []string{"queued", "failed"}, After: 3, NextAfter: 8, Poll: "/campaigns/1/seeding/deliveries",
				DeliveriesError: tx.T("dashboard.seed.bad_status"),
				Mint:            mintForm{Count: "abc", Channel: "link"}, LinkChannels: []string{"link", "sms"}, MintField: "count", MintError: tx.T("dashboard.seed.bad_count")},
			"dash_seed_links.html": linksPage{frame: head, ID: 1, Heading: "2 links", Label: "flyers", CSV: "data:text/csv,number", CSVName: "links.csv",
				Links: []printedLink{{N: 1, URL: "http://example.com/s/abc", QR: "<svg></svg>"}}},
			"dash_messages.html": templatesPage{frame: head, ID: 1, Rows: []templateRow{
				{Href: "/campaigns/1/templates/email/fr", Channel: "Email", Language: tx.T("dashboard.lang_fr"), Default: true, Summary: "{{.Teaser}}"},
				{Href: "/campaigns/1/templates/sms/en", Channel: "SMS", Language: tx.T("dashboard.lang_en"), Summary: "{{.Link}}"}}},
			"dash_messages_template.html": templatePage{frame: head, ID: 1, Base: "/campaigns/1/templates/email/fr", Channel: "email",
				TextLabel: tx.T("dashboard.messages.text.email"), Form: templateForm{Subject: "Hi", Text: "{{.Link}}", HTML: "<p>{{.Link}}</p>"},
				Field: "html", Error: "must contain the personal link: {{.Link}}", Notice: tx.T("dashboard.messages.saved"), Draft: true,
				Preview: &templatePreview{Subject: "Hi", Text: "http://example.com/s/x", HTML: true, Variables: `{"1":"Camille"}`, Segments: "1"}},
			"dash_messages_reset.html": resetPage{frame: head, ID: 1, Base: "/campaigns/1/templates/sms/fr", Question: tx.T("dashboard.messages.reset_question"), Error: tx.T("dashboard.messages.reset_needs")},
			"dash_contacts.html": contactsPage{frame: head, ID: 1, Query: "zoe@example.com", After: 2, NextAfter: 60, Notice: tx.T("dashboard.messages.erased"), Error: tx.T("dashboard.messages.bad_after"),
				Contacts: []contactRow{{ID: 3, Name: "Zoé", Email: "zoe@example.com", Channel: "Email", Language: tx.T("dashboard.lang_fr"), Label: "Zoé", OptedOut: true},
					{ID: 4, Phone: "+33612345678", Channel: "SMS", Language: tx.T("dashboard.lang_en"), Label: "+33612345678"}}},
			"dash_contacts_erase.html": erasePage{frame: head, ID: 1, Error: tx.T("dashboard.messages.erase_needs"),
				Contact: contactRow{ID: 3, Name: "Zoé", Email: "zoe@example.com", Phone: "+33612345678", Channel: "Email", Label: "Zoé"}},
		}
		for _, name := range p.Names() {
			d, ok := data[name]
			if !ok {
				t.Errorf("%s: no sample data: add it to this test", name)
				continue
			}
			var buf bytes.Buffer
			if err := p.Execute(&buf, name, d); err != nil {
				t.Errorf("%s (%s): %v", name, lang, err)
				continue
			}
			out := buf.String()
			if !strings.Contains(out, `<html lang="`+lang+`">`) || strings.Contains(out, "<script>") {
				t.Errorf("%s (%s): no lang, or an inline script", name, lang)
			}
		}
	}
	// Every form field of the editor has its label.
	var buf bytes.Buffer
	p.Execute(&buf, "dash_campaign.html", editorPage{frame: frame{L: i18n.Get("en")}, ID: 1})
	out := buf.String()
	for _, chunk := range strings.Split(out, `<input id="`)[1:] {
		id := chunk[:strings.IndexByte(chunk, '"')]
		if !strings.Contains(out, `<label for="`+id+`"`) {
			t.Errorf("input %s has no label", id)
		}
	}
}
