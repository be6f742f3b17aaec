package httpx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// staticAsset is one static file, read once at start.
type staticAsset struct {
	name   string // "dash.css"
	hashed string // "dash.0123456789abcdef.css": its address changes with its bytes
	body   []byte
	etag   string
}

// Static is the static files of every surface under /static/, indexed by
// plain and hashed name. The embedded files never change while the
// program runs: they are read and hashed once.
type Static struct {
	byName   map[string]*staticAsset
	byHashed map[string]*staticAsset
}

// NewStatic reads the files of each folder; two folders may not hold the
// same name, since they share one address space.
func NewStatic(folders ...fs.FS) (*Static, error) {
	a := &Static{byName: make(map[string]*staticAsset), byHashed: make(map[string]*staticAsset)}
	for _, folder := range folders {
		err := fs.WalkDir(folder, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if a.byName[p] != nil {
				return fmt.Errorf("static file %q is in two surfaces", p)
			}
			body, err := fs.ReadFile(folder, p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(body)
			h := hex.EncodeToString(sum[:8])
			ext := path.Ext(p)
			f := &staticAsset{name: p, hashed: strings.TrimSuffix(p, ext) + "." + h + ext, body: body, etag: `"` + h + `"`}
			a.byName[f.name], a.byHashed[f.hashed] = f, f
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Path is the template function "static": the address of a static file
// under its content-hashed name, cached for a year by browsers. A name
// that is not a static file is a template error at start.
func (a *Static) Path(name string) (string, error) {
	f := a.byName[name]
	if f == nil {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + f.hashed, nil
}

// Funcs are the functions every template may call.
func (a *Static) Funcs() template.FuncMap { return template.FuncMap{"static": a.Path} }

// ServeHTTP serves /static/: under a hashed name for a year, as immutable
// (a new version has a new name); under its plain name for a few minutes,
// for addresses written down before hashing.
func (a *Static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	cache := "public, max-age=31536000, immutable"
	f := a.byHashed[name]
	if f == nil {
		f, cache = a.byName[name], "public, max-age=300"
	}
	if f == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", cache)
	h.Set("ETag", f.etag)
	// ServeContent sets the type from the name's extension.
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.body))
}
