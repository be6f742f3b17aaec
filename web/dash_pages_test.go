package web

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
)

// Every dashboard template executes, in both languages, with every field
// it may show filled in.
func TestDashTemplatesExecute(t *testing.T) {
	p := &pages{byName: make(map[string]*template.Template)}
	if err := addDashPages(p); err != nil {
		t.Fatal(err)
	}
	for lang, tx := range dashTexts {
		head := dashPage{T: tx, Title: "Le clip", User: "zoe@example.com", Nav: "campaigns", CampaignID: 1, Tab: "edit"}
		data := map[string]any{
			"dash_login.html": loginPage{dashPage: dashPage{T: tx, Title: tx.SignInTitle}, Email: "zoe@example.com", Error: tx.BadCredentials},
			"dash_setup.html": loginPage{dashPage: dashPage{T: tx, Title: tx.SetupTitle}, Error: tx.PasswordsDiffer},
			"dash_campaigns.html": campaignsPage{dashPage: head, Campaigns: []campaignRow{
				{ID: 1, Title: "Le clip", State: "live", StateLabel: tx.States["live"], Views: 12, Reach: 12, MaxDepth: 3},
			}},
			"dash_campaign.html": editorPage{
				dashPage: head, ID: 1, Form: campaignForm{Title: "Le clip", Language: "fr", SendForMe: true},
				Field: "rules.seats_per_link", Error: "rules.seats_per_link: must be a whole number", Notice: tx.Saved,
				State: "live", StateLabel: tx.States["live"],
				Content: contentSummary{Kind: "video", Name: "clip.mp4", Type: "video/mp4", Size: "4 KiB"},
				Actions: []statusAction{{"paused", tx.Actions["paused"]}, {"ended", tx.Actions["ended"]}}, MaxUpload: "512 MiB",
			},
			"dash_confirm.html": confirmPage{dashPage: head, ID: 1, To: "ended", Question: tx.Confirms["ended"], Button: tx.Actions["ended"]},
			"dash_keys.html": keysPage{dashPage: head, NewKey: "sil_new", Name: "ci", Error: tx.BadKeyName,
				Keys: []keyRow{{ID: 1, Name: "ci", Created: "now"}, {ID: 2, Name: "old", Created: "then", Revoked: "now"}}},
			"dash_message.html": dashMessagePage{dashPage: head, Message: tx.NotFound},
		}
		for name := range p.byName {
			d, ok := data[name]
			if !ok {
				t.Errorf("%s: no sample data: add it to this test", name)
				continue
			}
			var buf bytes.Buffer
			if err := p.byName[name].ExecuteTemplate(&buf, "layout", d); err != nil {
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
	p.byName["dash_campaign.html"].ExecuteTemplate(&buf, "layout", editorPage{dashPage: dashPage{T: dashTexts["en"]}, ID: 1})
	out := buf.String()
	for _, chunk := range strings.Split(out, `<input id="`)[1:] {
		id := chunk[:strings.IndexByte(chunk, '"')]
		if !strings.Contains(out, `<label for="`+id+`"`) {
			t.Errorf("input %s has no label", id)
		}
	}
}
