package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/i18n"
	"github.com/sillage/sillage/notify"
	"github.com/sillage/sillage/web/internal/httpx"
)

// contactsPerPage is how many contacts the contacts page shows.
const contactsPerPage = 50

// contactsPage lists a campaign's contacts, a page at a time.
type contactsPage struct {
	frame
	ID        campaign.ID
	Contacts  []contactRow
	After     int64  // the cursor of this page, 0 for the first
	NextAfter int64  // the cursor of the next page, 0 on the last
	Query     string // an email or phone searched for; then no paging
	Notice    string
	Error     string
}

// contactRow is one contact, in the list and on the erase page.
type contactRow struct {
	ID       int64
	Name     string
	Email    string
	Phone    string
	Address  string
	Channel  string
	Language string
	Label    string // the name, else the address: how buttons call the person
	OptedOut bool
}

// erasePage asks before a contact is erased, saying what goes and what
// stays.
type erasePage struct {
	frame
	ID      campaign.ID
	Contact contactRow
	Error   string
}

// handleContacts answers GET /campaigns/{id}/contacts (?after= pages):
// the API's list, with who opted out.
func (h *Handler) handleContacts(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	t := langOf(r)
	p := contactsPage{frame: h.campaignPage(r, t, t.T("dashboard.messages.contacts_title"), c.ID, "seeding"), ID: c.ID}
	status := http.StatusOK
	q := r.URL.Query()
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			status, p.Error = http.StatusBadRequest, t.T("dashboard.messages.bad_after")
		} else {
			p.After = n
		}
	}
	if q.Get("erased") != "" {
		p.Notice = t.T("dashboard.messages.erased")
	}
	var list []notify.Contact
	var err error
	if p.Query = strings.TrimSpace(q.Get("q")); p.Query != "" {
		list, err = h.notify.FindContacts(r.Context(), int64(c.ID), p.Query)
		var invalid *campaign.ValidationError
		if errors.As(err, &invalid) {
			status, p.Error, err = http.StatusBadRequest, t.T("dashboard.messages.bad_query", p.Query), nil
		}
	} else {
		list, err = h.notify.Contacts(r.Context(), int64(c.ID), p.After, contactsPerPage)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, ct := range list {
		row := newContactRow(t, ct)
		if row.OptedOut, err = h.notify.Suppressed(r.Context(), ct.Address); err != nil {
			h.fail(w, r, err)
			return
		}
		p.Contacts = append(p.Contacts, row)
	}
	if len(list) == contactsPerPage && p.Query == "" {
		p.NextAfter = list[len(list)-1].ID
	}
	h.pages.Render(w, status, "dash_contacts.html", p)
}

// handleContactExport answers GET /campaigns/{id}/contacts/{contact}/export:
// the API's export of the person's data, as a JSON file.
func (h *Handler) handleContactExport(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	if out, ok := h.contactOf(w, r, c); ok {
		httpx.WriteContactExport(w, out, true)
	}
}

// handleContactEraseConfirm answers GET /campaigns/{id}/contacts/{contact}/erase:
// what erasure removes and keeps, and a box to tick.
func (h *Handler) handleContactEraseConfirm(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	if out, ok := h.contactOf(w, r, c); ok {
		h.pages.Render(w, http.StatusOK, "dash_contacts_erase.html", h.erasePage(r, c, out.Contact))
	}
}

// handleContactErase answers POST /campaigns/{id}/contacts/{contact}/erase
// (confirm=1): the API's erasure. The tree and its figures stay whole.
func (h *Handler) handleContactErase(w http.ResponseWriter, r *http.Request) {
	c, ok := h.campaignOf(w, r)
	if !ok {
		return
	}
	out, ok := h.contactOf(w, r, c)
	if !ok {
		return
	}
	p := h.erasePage(r, c, out.Contact)
	if readForm(w, r).Get("confirm") != "1" {
		p.Error = p.L.T("dashboard.messages.erase_needs")
		h.pages.Render(w, http.StatusUnprocessableEntity, "dash_contacts_erase.html", p)
		return
	}
	err := h.notify.Erase(r.Context(), out.Contact.ID)
	if errors.Is(err, notify.ErrNotFound) { // erased meanwhile, in another tab
		err = errNoContact
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d/contacts?erased=1", c.ID), http.StatusSeeOther)
}

// contactOf returns what is kept about the route's {contact}, or writes
// the error: a contact of another campaign is not found either.
func (h *Handler) contactOf(w http.ResponseWriter, r *http.Request, c *campaign.Campaign) (*notify.Export, bool) {
	id := pathID(chi.URLParam(r, "contact"))
	var out *notify.Export
	err := errNoContact
	if id > 0 {
		out, err = h.notify.Export(r.Context(), id)
	}
	if errors.Is(err, notify.ErrNotFound) || (err == nil && out.Contact.CampaignID != int64(c.ID)) {
		err = errNoContact
	}
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return out, true
}

func (h *Handler) erasePage(r *http.Request, c *campaign.Campaign, ct notify.Contact) erasePage {
	t := langOf(r)
	p := erasePage{frame: h.campaignPage(r, t, t.T("dashboard.messages.erase_title"), c.ID, "seeding"), ID: c.ID, Contact: newContactRow(t, ct)}
	return p
}

func newContactRow(t *i18n.Lang, c notify.Contact) contactRow {
	row := contactRow{ID: c.ID, Name: c.Name, Email: c.Email, Phone: c.Phone, Address: c.Address,
		Channel: word(t, "dashboard.seed.channels."+string(c.Channel)), Language: langName(t, c.Language), Label: c.Name}
	if row.Label == "" {
		row.Label = c.Address
	}
	return row
}
