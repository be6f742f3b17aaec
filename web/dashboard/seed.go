package dashboard

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/gating"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// Limits of the seeding pages.
const (
	// maxPrintedLinks is the most links a printable page holds: some forty
	// A4 sheets. More come as a CSV, up to gating.MaxSeedBatch.
	maxPrintedLinks = 500
	// deliveriesPage is how many messages the deliveries table shows.
	deliveriesPage = 50
)

// seedPage is a campaign's seeding page: its contacts, sends, deliveries
// and links to hand out. Each form shows its own outcome.
type seedPage struct {
	frame
	ID           campaign.ID
	State        string
	StateLabel   string
	Live         bool // links open now; else a warning beside the send button
	SeatsPerLink int
	MaxSeats     int
	MaxPrinted   int
	MaxCSV       int

	Import      *notify.ImportResult // the import just done
	ImportError string
	Pasted      string // the pasted CSV, shown back when it is refused
	Skip        bool

	SendError  string
	SendNotice string

	Counts          []statusCount
	Deliveries      []deliveryRow
	Filter          string // the status shown, "" for all
	Statuses        []string
	After           int64 // the cursor of this page of deliveries, 0 for the first
	NextAfter       int64 // the cursor of the next page, 0 on the last
	Poll            string
	DeliveriesError string

	Mint         mintForm
	LinkChannels []string
	MintField    string
	MintError    string
}

// MintErrorFor returns the mint form's error when it is about field.
func (p seedPage) MintErrorFor(field string) string {
	if p.MintField == field {
		return p.MintError
	}
	return ""
}

// statusCount is how many of the campaign's messages are in one status.
type statusCount struct {
	Status string
	Label  string
	N      int
}

// deliveryRow is one message in the deliveries table, and in its JSON.
type deliveryRow struct {
	ID          int64  `json:"id"`
	To          string `json:"to"` // masked; empty once erased
	Channel     string `json:"channel"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Updated     string `json:"updated"`
	Error       string `json:"error"`
}

// handleSeeding answers GET /campaigns/{id}/seeding (?status= and
// ?after= page through the deliveries).
func (h *Handler) handleSeeding(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	p := h.seedPage(r, t, c)
	status := http.StatusOK
	f, err := deliveryFilter(r, t)
	if err != nil {
		status, p.DeliveriesError = http.StatusBadRequest, err.Error()
	}
	h.renderSeed(w, r, status, p, f)
}

// handleDeliveries answers GET /campaigns/{id}/seeding/deliveries:
// the counts and the rows of the deliveries table as JSON, polled by
// dash_seed.js.
func (h *Handler) handleDeliveries(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	f, err := deliveryFilter(r, t)
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	counts, rows, _, err := h.deliveries(r, t, c.ID, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	httpx.WriteJSON(w, http.StatusOK, struct {
		Counts     map[notify.Status]int `json:"counts"`
		Deliveries []deliveryRow         `json:"deliveries"`
	}{counts, rows})
}

// handleImport answers POST /campaigns/{id}/contacts: a CSV file, or
// CSV pasted in "csv", imported as the API imports it (skip_invalid
// imports the valid rows of a file with rejected ones).
func (h *Handler) handleImport(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	p := h.seedPage(r, t, c)
	file, err := h.readContacts(w, r, &p)
	var res *notify.ImportResult
	if err == nil {
		res, err = h.app.ImportContacts(r.Context(), c.ID, file, p.Skip)
	}
	p.Import = res
	status := http.StatusOK
	if err != nil {
		if status, p.ImportError = errorStatus(err, t); status == http.StatusInternalServerError {
			h.fail(w, r, err)
			return
		}
	}
	h.renderSeed(w, r, status, p, notify.Filter{})
}

// readDashContacts returns the uploaded contact file, else the pasted
// CSV, filling p's fields to show the form back.
func (h *Handler) readContacts(w http.ResponseWriter, r *http.Request, p *seedPage) ([]byte, error) {
	limit := h.cfg.MaxContactFile
	r.Body = http.MaxBytesReader(w, r.Body, limit+httpx.MultipartSlack)
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if mediaType == "multipart/form-data" {
		err = r.ParseMultipartForm(1 << 20) // beyond, parts wait in temporary files
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, httpx.ErrContactFileTooLarge
	case err != nil:
		return nil, campaign.Invalid("file", "malformed form")
	}
	p.Skip = r.PostForm.Get("skip_invalid") != ""
	if f, fh, err := r.FormFile("file"); err == nil && fh.Filename != "" {
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, limit+1))
		if err != nil {
			return nil, err
		}
		if int64(len(data)) > limit {
			return nil, httpx.ErrContactFileTooLarge
		}
		return data, nil
	}
	p.Pasted = r.PostForm.Get("csv")
	switch {
	case strings.TrimSpace(p.Pasted) == "":
		return nil, &campaign.ValidationError{Message: p.L.T("dashboard.seed.no_file")}
	case int64(len(p.Pasted)) > limit:
		return nil, httpx.ErrContactFileTooLarge
	}
	return []byte(p.Pasted), nil
}

// handleSend answers POST /campaigns/{id}/sends: the API's send, one
// personal link per contact not sent one yet.
func (h *Handler) handleSend(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	p := h.seedPage(r, t, c)
	status := http.StatusOK
	// No contact is a mistake worth saying; contacts all sent already is
	// a second press, answered below.
	contacts, err := h.notify.Contacts(r.Context(), int64(c.ID), 0, 1)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(contacts) == 0 {
		status, p.SendError = http.StatusConflict, t.T("dashboard.seed.no_contacts")
		h.renderSeed(w, r, status, p, notify.Filter{})
		return
	}
	res, err := h.app.Send(r.Context(), c.ID)
	switch {
	case errors.Is(err, campaign.ErrEnded):
		status, p.SendError = http.StatusConflict, t.T("dashboard.seed.ended")
	case err != nil:
		if status, p.SendError = errorStatus(err, t); status == http.StatusInternalServerError {
			h.fail(w, r, err)
			return
		}
	case res.Queued == 0:
		p.SendNotice = t.T("dashboard.seed.all_sent")
	default:
		p.SendNotice = t.T("dashboard.seed.queued", res.Queued)
	}
	if err == nil && res.Suppressed > 0 {
		p.SendNotice += " " + t.T("dashboard.seed.suppressed", res.Suppressed)
	}
	h.renderSeed(w, r, status, p, notify.Filter{})
}

// seedPage is the seeding page of c with empty forms; renderSeed adds the
// deliveries.
func (h *Handler) seedPage(r *http.Request, t *i18n.Lang, c *campaign.Campaign) seedPage {
	state := string(c.State(h.cfg.Now()))
	p := seedPage{
		frame: h.campaignPage(r, t, c.Title, c.ID, "seeding"), ID: c.ID,
		State: state, StateLabel: word(t, "dashboard.states."+state), Live: state == string(campaign.Live),
		SeatsPerLink: c.Rules.SeatsPerLink, MaxSeats: c.Rules.MaxSeats,
		MaxPrinted: maxPrintedLinks, MaxCSV: gating.MaxSeedBatch,
		Mint: mintForm{Count: "10", Channel: string(gating.Plain), Key: newMintKey(h.cfg.Now())},
	}
	for _, st := range notify.Statuses {
		p.Statuses = append(p.Statuses, string(st))
	}
	for _, ch := range gating.Channels {
		p.LinkChannels = append(p.LinkChannels, string(ch))
	}
	return p
}

// renderSeed adds the deliveries that f selects to p and renders it.
func (h *Handler) renderSeed(w http.ResponseWriter, r *http.Request, status int, p seedPage, f notify.Filter) {
	counts, rows, next, err := h.deliveries(r, p.L, p.ID, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, st := range notify.Statuses {
		p.Counts = append(p.Counts, statusCount{Status: string(st), Label: word(p.L, "dashboard.seed.statuses."+string(st)), N: counts[st]})
	}
	p.Deliveries, p.NextAfter, p.Filter, p.After = rows, next, string(f.Status), f.After
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.After > 0 {
		q.Set("after", strconv.FormatInt(f.After, 10))
	}
	p.Poll = fmt.Sprintf("/campaigns/%d/seeding/deliveries", p.ID)
	if len(q) > 0 {
		p.Poll += "?" + q.Encode()
	}
	h.pages.Render(w, status, "dash_seed.html", p)
}

// deliveryFilter reads ?status= and ?after= of the deliveries table. Its
// errors are sentences to show.
func deliveryFilter(r *http.Request, t *i18n.Lang) (notify.Filter, error) {
	q := r.URL.Query()
	f := notify.Filter{Status: notify.Status(q.Get("status")), Limit: deliveriesPage}
	if f.Status != "" && !slices.Contains(notify.Statuses, f.Status) {
		return notify.Filter{Limit: deliveriesPage}, errors.New(t.T("dashboard.seed.bad_status"))
	}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return notify.Filter{Limit: deliveriesPage}, errors.New(t.T("dashboard.seed.bad_after"))
		}
		f.After = n
	}
	return f, nil
}

// deliveries returns the campaign's count of messages per status, the rows
// f selects, and the cursor of the next page (0 on the last).
func (h *Handler) deliveries(r *http.Request, t *i18n.Lang, id campaign.ID, f notify.Filter) (map[notify.Status]int, []deliveryRow, int64, error) {
	f.Limit = deliveriesPage
	list, err := h.notify.Deliveries(r.Context(), int64(id), f)
	if err != nil {
		return nil, nil, 0, err
	}
	counts, err := h.notify.Counts(r.Context(), int64(id))
	if err != nil {
		return nil, nil, 0, err
	}
	rows := make([]deliveryRow, len(list))
	for i, m := range list {
		rows[i] = deliveryRow{ID: m.ID, To: notify.Mask(m.To), Channel: word(t, "dashboard.seed.channels."+string(m.Channel)),
			Status: string(m.Status), StatusLabel: word(t, "dashboard.seed.statuses."+string(m.Status)),
			Updated: formatTime(t, m.UpdatedAt), Error: m.LastError}
	}
	var next int64
	if len(list) == deliveriesPage {
		next = list[len(list)-1].ID
	}
	return counts, rows, next, nil
}
