package httpx

import "github.com/sillage/sillage/notify"

// TemplateInput is the body of a message template override, as the API
// takes it and the dashboard's form builds it; what a channel does not
// use stays empty.
type TemplateInput struct {
	Subject          string            `json:"subject"`
	Text             string            `json:"text"`
	HTML             string            `json:"html"`
	ContentSID       string            `json:"content_sid"`
	ContentVariables map[string]string `json:"content_variables"`
}

// Template is the override in as notify stores it.
func (in TemplateInput) Template(ch notify.Channel, lang string) notify.Template {
	return notify.Template{Channel: ch, Language: lang, Subject: in.Subject, Text: in.Text, HTML: in.HTML,
		ContentSID: in.ContentSID, ContentVariables: in.ContentVariables}
}
