package web

import (
	"embed"
	"io/fs"

	"github.com/sillage/sillage/web/internal/httpx"
)

// The recipient's pages, templates and static files are web/recipient's.

//go:embed templates static
var assets embed.FS

// parseDashPages parses the dashboard's pages (templates/dash_*.html),
// each with the dashboard's layout.
func parseDashPages(p *httpx.Pages) error {
	return p.Parse(templateFolder(), "dash_layout.html", "dash_*.html")
}

// templateFolder is web/templates.
func templateFolder() fs.FS {
	f, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err) // a constant folder of the embedded files
	}
	return f
}

// staticFolder is web/static, served under /static/.
func staticFolder() fs.FS {
	f, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err) // a constant folder of the embedded files
	}
	return f
}
