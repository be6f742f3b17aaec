package dashboard

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Routes adds the dashboard's routes to r: pages behind a session
// cookie, every form guarded by web's cross-origin protection. The
// comment of each group names its file.
func (h *Handler) Routes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(h.sessions.LoadAndSave)
		// signin.go
		r.Get("/login", h.handleLoginPage)
		r.Post("/login", h.handleLogin)
		r.Post("/logout", h.handleLogout)
		r.Get("/setup", h.handleSetupPage)
		r.Post("/setup", h.handleSetup)
		r.Group(func(r chi.Router) {
			r.Use(h.requireUser) // signin.go
			h.campaignRoutes(r)
			h.seedingRoutes(r)
			// trust.go
			r.Get("/alerts", h.handleAlerts)
			// keys.go
			r.Get("/keys", h.handleKeys)
			r.Post("/keys", h.handleKeyCreate)
			r.Post("/keys/{key}/revoke", h.handleKeyRevoke)
		})
	})
}

// campaignRoutes adds the routes of the campaigns' list, editor, live
// view and forward tree.
func (h *Handler) campaignRoutes(r chi.Router) {
	upload := h.cfg.Deadlines.UploadDeadline
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
	})
	// campaigns.go
	r.Get("/campaigns", h.handleCampaigns)
	r.Get("/campaigns/figures", h.handleFigures)
	// editor.go
	r.Get("/campaigns/new", h.handleCampaignNew)
	r.Post("/campaigns/new", h.handleCampaignCreate)
	r.Get("/campaigns/{id}", h.handleCampaign)
	r.Post("/campaigns/{id}", h.handleCampaignSave)
	// content.go
	r.With(upload).Post("/campaigns/{id}/content", h.handleContent)
	r.With(upload).Post("/campaigns/{id}/teaser/image", h.handleTeaserImage)
	r.Get("/campaigns/{id}/teaser/image", h.handleTeaserImageGet)
	r.Get("/campaigns/{id}/content/preview", h.handleContentPreview)
	// captions.go
	r.With(upload).Post("/campaigns/{id}/captions", h.handleCaptions)
	// status.go
	r.Get("/campaigns/{id}/status", h.handleStatusConfirm)
	r.Post("/campaigns/{id}/status", h.handleStatus)
	// live.go
	r.Get("/campaigns/{id}/live", h.handleLive)
	r.Get("/campaigns/{id}/live.json", h.handleLiveJSON)
	r.Get("/campaigns/{id}/export", h.handleExport)
	// tree.go
	r.Get("/campaigns/{id}/tree", h.handleTree)
	r.Get("/campaigns/{id}/tree.json", h.handleTreeJSON)
}

// seedingRoutes adds the routes of a campaign's seeding page and of the
// pages reached from it: printed links, trust actions, message templates
// and contacts.
func (h *Handler) seedingRoutes(r chi.Router) {
	// seed.go
	r.Get("/campaigns/{id}/seeding", h.handleSeeding)
	r.Get("/campaigns/{id}/seeding/deliveries", h.handleDeliveries)
	r.With(h.cfg.Deadlines.UploadDeadline).Post("/campaigns/{id}/contacts", h.handleImport)
	r.Post("/campaigns/{id}/sends", h.handleSend)
	// seed_links.go
	r.Post("/campaigns/{id}/links", h.handleMint)
	r.Get("/campaigns/{id}/links", h.handleMintPage) // mints nothing
	// trust.go
	r.Get("/campaigns/{id}/links/{link}/revoke", h.handleRevokeConfirm)
	r.Post("/campaigns/{id}/links/{link}/revoke", h.handleRevoke)
	r.Get("/campaigns/{id}/claims/release", h.handleReleaseForm)
	r.Post("/campaigns/{id}/claims/release", h.handleRelease)
	// messages.go
	r.Get("/campaigns/{id}/templates", h.handleTemplates)
	r.Get("/campaigns/{id}/templates/{channel}/{language}", h.handleTemplate)
	r.Post("/campaigns/{id}/templates/{channel}/{language}", h.handleTemplateSave)
	r.Get("/campaigns/{id}/templates/{channel}/{language}/preview", h.handleTemplateHTML)
	r.Post("/campaigns/{id}/templates/{channel}/{language}/preview", h.handleTemplateHTML)
	r.Get("/campaigns/{id}/templates/{channel}/{language}/reset", h.handleTemplateResetConfirm)
	r.Post("/campaigns/{id}/templates/{channel}/{language}/reset", h.handleTemplateReset)
	// contacts.go
	r.Get("/campaigns/{id}/contacts", h.handleContacts)
	r.Get("/campaigns/{id}/contacts/{contact}/export", h.handleContactExport)
	r.Get("/campaigns/{id}/contacts/{contact}/erase", h.handleContactEraseConfirm)
	r.Post("/campaigns/{id}/contacts/{contact}/erase", h.handleContactErase)
}
