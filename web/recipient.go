package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	mdtext "github.com/yuin/goldmark/text"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/gating/useragent"
	"github.com/sillage/sillage/web/internal/httpx"
)

// deviceCookie holds the device's random id; only its hash is stored.
const deviceCookie = "sillage_device"

// device returns the hash of the request's device cookie, or nil.
func device(r *http.Request) []byte {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return nil
	}
	hash, ok := gating.HashDevice(c.Value)
	if !ok {
		return nil
	}
	return hash
}

// ensureDevice returns the request's device hash, giving the device a new
// cookie when it has none.
func (s *Server) ensureDevice(w http.ResponseWriter, r *http.Request) []byte {
	if hash := device(r); hash != nil {
		return hash
	}
	id, hash := gating.NewDevice()
	http.SetCookie(w, &http.Cookie{
		Name:     deviceCookie,
		Value:    id,
		Path:     "/s/",
		MaxAge:   400 * 24 * 3600, // the longest browsers keep a cookie
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
	return hash
}

// handleLink answers GET /s/{token}: the teaser to preview fetchers and
// scanners (recording previews), the content to a device that unlocked the
// link, the unlock page to anyone else. It never claims and never counts a
// view.
func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	agent := useragent.Classify(r)
	look, ok := s.limits.Lookup(w, r)
	if !ok {
		s.recipientError(w, r, "", errTooMany)
		return
	}
	v, err := s.gate.Visit(r.Context(), token, device(r))
	look.Settle(err)
	if err != nil {
		s.recipientError(w, r, "", err)
		return
	}
	c := v.Campaign
	t := textFor(r, c.Language)
	// A browser prefetch carries the person's own cookies and a GET writes
	// nothing: it sees what the person will, or Chrome would show a stale
	// teaser when the person opens the link.
	if !agent.Human() && agent.Kind != useragent.Prefetch {
		if agent.Kind == useragent.Preview {
			s.recordPreview(r, v.Link, agent.Name)
		}
		s.pages.Render(w, http.StatusOK, "teaser.html", s.teaser(t, c, token))
		return
	}
	if v.Access {
		p := s.content(t, v, token)
		if r.URL.Query().Has("sent") {
			p.Notice = t.SendForMeSent
		}
		s.pages.Render(w, http.StatusOK, "content.html", p)
		return
	}
	if err := c.Open(s.cfg.Now()); err != nil {
		s.campaignError(w, r, c, token, s.lifecycleError(err, c))
		return
	}
	if v.Link.Expired(s.cfg.Now()) {
		s.campaignError(w, r, c, token, gating.ErrExpired)
		return
	}
	s.pages.Render(w, http.StatusOK, "unlock.html", unlockPage{teaserPage: s.teaser(t, c, token), Token: token})
}

// handleUnlock answers POST /s/{token}/unlock: it claims a seat for this
// device and sends it back to the link, now showing the content.
func (s *Server) handleUnlock(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	// The form has no field: its body is never read, and a refusal does
	// not wait for it (skipBody).
	if agent := useragent.Classify(r); !agent.Human() {
		// Some scanners submit forms: a robot never takes a seat.
		httpx.SkipBody(w)
		s.recipientError(w, r, "", errNotAPerson)
		return
	}
	look, ok := s.limits.Lookup(w, r)
	if !ok {
		httpx.SkipBody(w)
		s.recipientError(w, r, "", errTooMany)
		return
	}
	if !s.limits.AllowUnlock(w, r) {
		look.Settle(nil)
		httpx.SkipBody(w)
		s.recipientError(w, r, "", errTooMany)
		return
	}
	dev := s.ensureDevice(w, r)
	_, _, err := s.gate.UnlockFrom(r.Context(), token, dev, s.limits.NetworkBytes(r))
	look.Settle(err)
	if err != nil {
		httpx.SkipBody(w)
		var c *campaign.Campaign
		if v, verr := s.gate.Visit(r.Context(), token, nil); verr == nil {
			c = v.Campaign
			err = s.lifecycleError(err, c)
		}
		s.campaignError(w, r, c, token, err)
		return
	}
	http.Redirect(w, r, "/s/"+token, http.StatusSeeOther)
}

// handleMedia serves the content file, with Range support so phones can
// seek, to the device that unlocked the link and to no one else.
func (s *Server) handleMedia(w http.ResponseWriter, r *http.Request) {
	v, ok := s.claimedVisit(w, r)
	if !ok {
		return
	}
	content := v.Campaign.Content
	if content.Path == "" {
		s.recipientError(w, r, v.Campaign.Language, gating.ErrNotFound)
		return
	}
	if s.redirectMedia(w, r, v.Campaign) {
		return
	}
	f, err := s.campaigns.OpenFile(r.Context(), content.Path)
	if err != nil {
		s.log.Error("open content", "campaign", v.Campaign.ID, "err", err)
		s.recipientError(w, r, v.Campaign.Language, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", content.Type)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", "inline")
	// Each stretch of the file must be taken within MediaStall: a phone
	// that stopped reading for longer lets its connection go, and asks
	// again from where it stopped with a Range when the video resumes.
	http.ServeContent(httpx.NewStallWriter(w, s.cfg.Deadlines.MediaStall), r, "", v.Campaign.UpdatedAt, f)
}

// redirectMedia answers a claimed device's request for a large content
// file with a redirect to a URL the file store signed, short-lived, and
// reports whether it did: the bytes then go from the bucket to the
// device, not through the server. The URL works for whoever has it until
// it expires, so only a device past the claim check ever sees one. The
// page's player asks the server again when one has expired. A store that
// cannot sign, or a small file, is proxied.
func (s *Server) redirectMedia(w http.ResponseWriter, r *http.Request, c *campaign.Campaign) bool {
	m := s.cfg.Media
	if m.MinBytes <= 0 || c.Content.Size < m.MinBytes {
		return false
	}
	u, ok, err := s.campaigns.FileURL(r.Context(), c.Content.Path, m.TTL, c.Content.Type, "inline")
	if err != nil {
		// The bytes can still go through the server.
		s.log.Warn("sign media URL", "campaign", c.ID, "err", err)
		return false
	}
	if !ok {
		return false
	}
	h := w.Header()
	h.Set("Cache-Control", "private, no-store") // Referrer-Policy: securityHeaders
	h.Set("Location", u)
	// No body: http.Redirect would write the URL in one.
	w.WriteHeader(http.StatusFound)
	return true
}

// handleCaptions serves the video's WebVTT captions under the same claim
// check, limits and deadlines as the media: they are part of the content.
func (s *Server) handleCaptions(w http.ResponseWriter, r *http.Request) {
	v, ok := s.claimedVisit(w, r)
	if !ok {
		return
	}
	p := v.Campaign.Content.CaptionsPath
	if p == "" {
		s.recipientError(w, r, v.Campaign.Language, gating.ErrNotFound)
		return
	}
	f, err := s.campaigns.OpenFile(r.Context(), p)
	if err != nil {
		s.log.Error("open captions", "campaign", v.Campaign.ID, "err", err)
		s.recipientError(w, r, v.Campaign.Language, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", campaign.CaptionsType+"; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(httpx.NewStallWriter(w, s.cfg.Deadlines.Stall), r, "", v.Campaign.UpdatedAt, f)
}

// handleTeaserImage serves the uploaded teaser image: public, like the
// teaser itself.
func (s *Server) handleTeaserImage(w http.ResponseWriter, r *http.Request) {
	look, ok := s.limits.Lookup(w, r)
	if !ok {
		s.recipientError(w, r, "", errTooMany)
		return
	}
	v, err := s.gate.Visit(r.Context(), chi.URLParam(r, "token"), nil)
	look.Settle(err)
	if err != nil || v.Campaign.Teaser.ImagePath == "" {
		http.NotFound(w, r)
		return
	}
	f, err := s.campaigns.OpenFile(r.Context(), v.Campaign.Teaser.ImagePath)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", v.Campaign.Teaser.ImageType)
	w.Header().Set("Cache-Control", "public, max-age=300")
	http.ServeContent(httpx.NewStallWriter(w, s.cfg.Deadlines.Stall), r, "", v.Campaign.UpdatedAt, f)
}

// claimedVisit returns the visit of a device that may see the content, or
// writes the refusal and returns false.
func (s *Server) claimedVisit(w http.ResponseWriter, r *http.Request) (*gating.Visit, bool) {
	look, ok := s.limits.Lookup(w, r)
	if !ok {
		s.recipientError(w, r, "", errTooMany)
		return nil, false
	}
	v, err := s.gate.Visit(r.Context(), chi.URLParam(r, "token"), device(r))
	look.Settle(err)
	if err != nil {
		s.recipientError(w, r, "", err)
		return nil, false
	}
	if !v.Access {
		s.campaignError(w, r, v.Campaign, chi.URLParam(r, "token"), gating.ErrNoClaim)
		return nil, false
	}
	return v, true
}

// publicTitle is the title recipients see: the teaser's, or the campaign's
// name when the marketer left it empty (the editor says so beside both).
func publicTitle(c *campaign.Campaign) string {
	if c.Teaser.Title != "" {
		return c.Teaser.Title
	}
	return c.Title
}

// teaserImage is the uploaded teaser image of c as link token's pages show
// it, or nil.
func teaserImage(c *campaign.Campaign, token string) *pageImage {
	if c.Teaser.ImagePath == "" {
		return nil
	}
	return &pageImage{Src: "/s/" + token + "/image", Alt: describe(c.Teaser.ImageAlt, c),
		Width: c.Teaser.ImageWidth, Height: c.Teaser.ImageHeight}
}

// describe is an image's text alternative: the marketer's description, or
// the public title when there is none.
func describe(alt string, c *campaign.Campaign) string {
	if alt != "" {
		return alt
	}
	return publicTitle(c)
}

func (s *Server) teaser(t *text, c *campaign.Campaign, token string) teaserPage {
	title := publicTitle(c)
	p := teaserPage{page: page{T: t, Title: title}, Description: c.Teaser.Description, Image: teaserImage(c, token)}
	og := &openGraph{Title: title, Description: c.Teaser.Description, URL: s.linkURL(token), Image: c.Teaser.ImageURL}
	if p.Image != nil {
		og.Image, og.ImageAlt = s.linkURL(token)+"/image", c.Teaser.ImageAlt
	}
	p.OG = og
	return p
}

func (s *Server) content(t *text, v *gating.Visit, token string) contentPage {
	c := v.Campaign
	p := contentPage{
		page:     page{T: t, Title: publicTitle(c)},
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
		{string(gating.WhatsApp), t.WhatsApp},
		{string(gating.SMS), t.SMS},
		{string(gating.Email), t.Email},
		{string(gating.Plain), t.Copy},
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

// handleForward answers POST /s/{token}/forward: it mints a child link for
// the channel from this device's claim. A script asking for JSON gets the
// link and the channel's deep link; a plain form is sent to the channel,
// or, for "Copy link", given the content page again with the new link in
// a field to copy from.
func (s *Server) handleForward(w http.ResponseWriter, r *http.Request) {
	wantsJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	token := chi.URLParam(r, "token")
	fail := func(c *campaign.Campaign, err error) {
		if wantsJSON {
			lang := ""
			if c != nil {
				lang = c.Language
			}
			status, msg := recipientStatus(err, textFor(r, lang))
			httpx.Error(w, status, msg)
			return
		}
		s.campaignError(w, r, c, token, err)
	}
	look, ok := s.limits.Lookup(w, r)
	if !ok {
		httpx.SkipBody(w)
		fail(nil, errTooMany)
		return
	}
	// The token first, with a read: the body of a request for an unknown
	// one is never waited for.
	v, err := s.gate.Visit(r.Context(), token, device(r))
	look.Settle(err)
	if err != nil {
		httpx.SkipBody(w)
		fail(nil, err)
		return
	}
	req, err := parseForward(w, r)
	if err != nil {
		fail(v.Campaign, err)
		return
	}
	ch := req.Channel
	m, c, err := s.gate.Forward(r.Context(), token, device(r), ch, req.Seats)
	if err != nil {
		if c != nil {
			err = s.lifecycleError(err, c)
		} else {
			c = v.Campaign
		}
		fail(c, err)
		return
	}
	t := textFor(r, c.Language)
	link := s.linkURL(m.Token)
	share := shareURL(ch, t, c, link)
	switch {
	case wantsJSON:
		httpx.WriteJSON(w, http.StatusCreated, map[string]string{"url": link, "share_url": share})
	case ch == gating.Plain:
		// No script copies it: the page shows the link to copy by hand.
		after, err := s.gate.Visit(r.Context(), token, device(r))
		if err != nil || !after.Access {
			after = v
		}
		p := s.content(t, after, token)
		p.NewLink = link
		s.pages.Render(w, http.StatusCreated, "content.html", p)
	default:
		http.Redirect(w, r, share, http.StatusSeeOther)
	}
}

// forwardRequest is what a forward asks for.
type forwardRequest struct {
	Channel gating.Channel
	Seats   int // 0: the campaign's default
}

// parseForward reads a forward from a JSON body or a form. Its errors are
// *campaign.ValidationError, safe to show.
func parseForward(w http.ResponseWriter, r *http.Request) (forwardRequest, error) {
	var in struct {
		Channel string `json:"channel"`
		Seats   int    `json:"seats"`
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := httpx.DecodeJSON(w, r, &in); err != nil {
			return forwardRequest{}, &campaign.ValidationError{Message: err.Error()}
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		if err := r.ParseForm(); err != nil {
			return forwardRequest{}, campaign.Invalid("", "malformed form")
		}
		in.Channel = r.PostForm.Get("channel")
		if seats := r.PostForm.Get("seats"); seats != "" {
			n, err := strconv.Atoi(seats)
			if err != nil || n < 0 {
				return forwardRequest{}, campaign.Invalid("seats", "must be a whole number")
			}
			in.Seats = n
		}
	}
	ch, err := gating.ParseChannel(in.Channel)
	if err != nil {
		return forwardRequest{}, err
	}
	if in.Seats < 0 {
		return forwardRequest{}, campaign.Invalid("seats", "must not be negative")
	}
	return forwardRequest{Channel: ch, Seats: in.Seats}, nil
}

// Refusals that come from the web side rather than the domain.
var (
	errNotAPerson = errors.New("unlock by a robot")
	errTooMany    = errors.New("too many requests from this network")
)
