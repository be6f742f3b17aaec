package web

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
	"sync"
	"time"
)

// staticAsset is one file of web/static, read once at start.
type staticAsset struct {
	name   string // "dash.css"
	hashed string // "dash.0123456789abcdef.css": its address changes with its bytes
	body   []byte
	etag   string
}

// staticAssets indexes the files of web/static by plain and hashed name.
type staticAssets struct {
	byName   map[string]*staticAsset
	byHashed map[string]*staticAsset
}

// loadStatic reads and hashes every embedded static file once: the
// embedded files never change while the program runs.
var loadStatic = sync.OnceValues(func() (*staticAssets, error) {
	a := &staticAssets{byName: make(map[string]*staticAsset), byHashed: make(map[string]*staticAsset)}
	err := fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(assets, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:8])
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		f := &staticAsset{name: name, hashed: strings.TrimSuffix(name, ext) + "." + h + ext, body: body, etag: `"` + h + `"`}
		a.byName[f.name], a.byHashed[f.hashed] = f, f
		return nil
	})
	return a, err
})

// staticPath is the template function "static": the address of a static
// file under its content-hashed name, cached for a year by browsers. A
// name that is not a static file is a template error at start.
func staticPath(name string) (string, error) {
	a, err := loadStatic()
	if err != nil {
		return "", err
	}
	f := a.byName[name]
	if f == nil {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + f.hashed, nil
}

// templateFuncs are the functions every template may call.
var templateFuncs = template.FuncMap{"static": staticPath}

// staticFiles serves web/static: under a hashed name for a year, as
// immutable (a new version has a new name); under its plain name for a
// few minutes, for addresses written down before hashing.
func staticFiles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := loadStatic()
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
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
	})
}
