package web

import (
	"compress/flate"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
)

// compressedTypes are the responses worth compressing: text. Media,
// images and uploads are compressed already, and are served with byte
// ranges that must stay those of the file.
var compressedTypes = []string{
	"text/html", "text/css", "text/plain", "text/javascript", "text/csv",
	"application/javascript", "application/json", "image/svg+xml",
}

// compress gzips (or deflates) text responses for clients that accept
// it. A request for a byte range is answered as is: its Content-Range
// counts the file's bytes, not the compressed ones.
func compress(next http.Handler) http.Handler {
	zipped := middleware.Compress(flate.DefaultCompression, compressedTypes...)(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Range") != "" {
			next.ServeHTTP(w, r)
			return
		}
		zipped.ServeHTTP(w, r)
	})
}
