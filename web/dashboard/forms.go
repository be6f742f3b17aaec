package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
)

// maxFormBody bounds every dashboard form but the uploads.
const maxFormBody = 64 << 10

// pathID is the {name} route parameter as a positive integer, 0 if it is
// not one.
func pathID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// readForm reads a dashboard form of at most maxFormBody bytes. A body
// that cannot be read, or only in part, gives no fields at all, which every
// form refuses as missing ones.
func readForm(w http.ResponseWriter, r *http.Request) url.Values {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if r.ParseForm() != nil {
		return url.Values{}
	}
	return r.PostForm
}
