package recipient

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	mdtext "github.com/yuin/goldmark/text"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/gating"
)

// content is the content page of link token (templates/content.html)
// for a device that holds a claim: the content, and the ways to pass the
// link on that the campaign's rules still allow.
func (h *Handler) content(l *i18n.Lang, v *gating.Visit, token string) contentPage {
	c := v.Campaign
	p := contentPage{
		page:     page{L: l, Title: publicTitle(c)},
		Token:    token,
		Kind:     string(c.Content.Kind),
		Type:     c.Content.Type,
		MediaURL: "/s/" + token + "/media",
		Lang:     c.Language,
	}
	switch c.Content.Kind {
	case campaign.Text:
		p.Text = renderText(c.Content)
	case campaign.Image:
		p.Image = &pageImage{Src: p.MediaURL, Alt: describe(c.Content.Alt, c), Width: c.Content.Width, Height: c.Content.Height}
	case campaign.Video:
		if c.Content.CaptionsPath != "" {
			p.Captions = "/s/" + token + "/captions"
		}
	}
	if tr := c.Content.Transcript; tr != "" && (c.Content.Kind == campaign.Audio || c.Content.Kind == campaign.Video) {
		p.Transcript = renderText(campaign.Content{Type: "text/plain", Text: strings.ReplaceAll(tr, "\r\n", "\n")})
	}
	rules := c.Rules
	p.CanForward = v.Claim.Forwards < rules.ForwardsPerClaim && (rules.MaxDepth == 0 || v.Claim.Depth < rules.MaxDepth)
	p.SendForMe = p.CanForward && rules.SendForMe
	p.Channels = []channelButton{
		{string(gating.WhatsApp), l.T("recipient.whats_app")},
		{string(gating.SMS), l.T("recipient.sms")},
		{string(gating.Email), l.T("recipient.email")},
		{string(gating.Plain), l.T("recipient.copy")},
	}
	return p
}

// renderText turns Markdown into HTML and plain text into escaped
// paragraphs. Raw HTML in Markdown is dropped, and images from other sites
// become plain links: recipient pages load nothing from elsewhere.
func renderText(c campaign.Content) template.HTML {
	if c.Type != "text/markdown" {
		var b strings.Builder
		for _, para := range strings.Split(c.Text, "\n\n") {
			b.WriteString("<p>")
			b.WriteString(strings.ReplaceAll(template.HTMLEscapeString(para), "\n", "<br>"))
			b.WriteString("</p>")
		}
		return template.HTML(b.String())
	}
	src := []byte(c.Text)
	doc := markdown.Parser().Parse(mdtext.NewReader(src))
	var images []*ast.Image
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering && !sameOrigin(string(img.Destination)) {
			images = append(images, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range images {
		link := ast.NewLink()
		link.Destination, link.Title = img.Destination, img.Title
		for child := img.FirstChild(); child != nil; {
			next := child.NextSibling()
			link.AppendChild(link, child)
			child = next
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
	var buf bytes.Buffer
	if err := markdown.Renderer().Render(&buf, src, doc); err != nil {
		return template.HTML("<p>" + template.HTMLEscapeString(c.Text) + "</p>")
	}
	return template.HTML(buf.String())
}

// markdown renders text content; its defaults drop raw HTML.
var markdown = goldmark.New()

// sameOrigin reports whether a Markdown destination stays on this server.
func sameOrigin(dest string) bool {
	return strings.HasPrefix(dest, "/") && !strings.HasPrefix(dest, "//")
}
