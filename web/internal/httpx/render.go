package httpx

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"path"
	"slices"
)

// Pages are a surface's page templates, each parsed once, at start, with
// the surface's layout.
type Pages struct {
	byName map[string]*template.Template
	funcs  template.FuncMap
	log    *slog.Logger
}

// NewPages returns a set of pages with none yet; the templates may call
// funcs.
func NewPages(funcs template.FuncMap, log *slog.Logger) *Pages {
	return &Pages{byName: make(map[string]*template.Template), funcs: funcs, log: log}
}

// Parse parses each file of fsys that patterns match (as fs.Glob) with
// layout, the file that defines the template "layout" every page is
// written through; each page is known by its file's base name.
func (p *Pages) Parse(fsys fs.FS, layout string, patterns ...string) error {
	for _, pattern := range patterns {
		files, err := fs.Glob(fsys, pattern)
		if err != nil {
			return err
		}
		for _, file := range files {
			if file == layout {
				continue
			}
			name := path.Base(file)
			t, err := template.New(name).Funcs(p.funcs).ParseFS(fsys, layout, file)
			if err != nil {
				return fmt.Errorf("parse %s: %w", name, err)
			}
			p.byName[name] = t
		}
	}
	return nil
}

// Render writes page name with data and status, buffered so that a
// template error becomes a clean 500 instead of half a page.
func (p *Pages) Render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := p.byName[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		p.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	RetryLater(w, status)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Section writes the template section of page name, as a script refreshes
// one part of a page.
func (p *Pages) Section(w io.Writer, name, section string, data any) error {
	return p.byName[name].ExecuteTemplate(w, section, data)
}

// Names are the names of the pages, sorted.
func (p *Pages) Names() []string { return slices.Sorted(maps.Keys(p.byName)) }

// Execute writes page name with data, as Render does but unbuffered and
// with no headers: for tests and previews.
func (p *Pages) Execute(w io.Writer, name string, data any) error {
	return p.byName[name].ExecuteTemplate(w, "layout", data)
}
