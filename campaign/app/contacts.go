package app

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/notify"
)

// ImportContacts reads a contact file into campaign id under the size
// limit of Config.MaxContactFile: the import of the API and the
// dashboard. With skip, rejected rows are left out; without, a file with
// any imports nothing. Its errors are notify.Store.Import's
// (notify.ErrInvalidRows with the result listing the rows).
func (a *App) ImportContacts(ctx context.Context, id campaign.ID, file []byte, skip bool) (*notify.ImportResult, error) {
	return a.notify.Import(ctx, int64(id), bytes.NewReader(file),
		notify.ImportOptions{SkipInvalid: skip, MaxBytes: a.cfg.MaxContactFile})
}

// ContactExport returns everything kept about contact id, the person's
// data as the API and the dashboard give it (ContactExportName names its
// file). Errors: notify.ErrNotFound.
func (a *App) ContactExport(ctx context.Context, id int64) (*notify.Export, error) {
	return a.notify.Export(ctx, id)
}

// ContactExportName is the file name of a person's data.
func ContactExportName(out *notify.Export) string {
	return fmt.Sprintf("contact-%d.json", out.Contact.ID)
}

// TemplateKey reads the channel and language of a message template, as
// the API's and the dashboard's routes name them; false for a template
// that cannot exist.
func TemplateKey(channel, language string) (notify.Channel, string, bool) {
	ch, err := notify.ParseChannel(channel)
	if err != nil || !slices.Contains(notify.Languages, language) {
		return "", "", false
	}
	return ch, language, true
}
