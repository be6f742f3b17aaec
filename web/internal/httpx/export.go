package httpx

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/campaign/app"
	"github.com/sillage/sillage/campaign/cascade"
	"github.com/sillage/sillage/notify"
)

// Exports sends campaigns' trees as files to download: the API's /export
// and /tree and the dashboard's buttons.
type Exports struct {
	App   *app.App
	Stall time.Duration // Deadlines.Stall: the longest a chunk of the answer may wait for the client
	Log   *slog.Logger
}

// Write sends campaign c's tree as a file to download in format. It
// returns the error of reading or encoding the tree, when nothing was
// written.
func (e Exports) Write(w http.ResponseWriter, r *http.Request, c *campaign.Campaign, format cascade.Format) error {
	f, size, err := e.App.Export(r.Context(), c, format)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", format.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+app.ExportName(c.ID, format)+`"`)
	e.WriteLarge(w, c.ID, f, size)
	return nil
}

// WriteLarge sends the size bytes of body, a large answer of campaign id
// whose headers but Content-Length and Cache-Control are set, under the
// Stall deadline.
func (e Exports) WriteLarge(w http.ResponseWriter, id campaign.ID, body io.Reader, size int64) {
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if n, err := io.Copy(NewStallWriter(w, e.Stall), body); err != nil {
		e.Log.Info("large answer cut", "campaign", id, "sent", n, "of", size, "err", err) // a client gone or too slow
	}
}

// WriteContactExport writes a person's data as the API and the dashboard
// give it, as an attachment when download is set.
func WriteContactExport(w http.ResponseWriter, out *notify.Export, download bool) {
	if download {
		w.Header().Set("Content-Disposition", `attachment; filename="`+app.ContactExportName(out)+`"`)
	}
	WriteJSON(w, http.StatusOK, out)
}
