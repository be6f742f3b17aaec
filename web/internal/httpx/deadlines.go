package httpx

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// Deadlines bound the time a request may hold its connection while the
// client is slow: a body sent a byte at a time, a download nobody reads.
// The zero value takes the defaults below.
type Deadlines struct {
	// Body is the longest the body of any request may take to arrive,
	// counted from the moment the headers are in (default 30 s): forms
	// and JSON are a few kilobytes.
	Body time.Duration
	// Upload is the same for the content, teaser and contact uploads
	// (default: 1 min plus the larger of MaxUpload and MaxContactFile at
	// 128 KiB/s: 69 min for 512 MiB). Only marketers, signed in or with
	// a key, reach those routes.
	Upload time.Duration
	// Stall is the longest a large response (an export, the tree) may
	// wait for the client to take each 64 KiB of it (default 1 min).
	Stall time.Duration
	// MediaStall is the same for the content's media, which a paused
	// video stops reading; the player asks again with a Range when it
	// resumes (default 10 min).
	MediaStall time.Duration
}

// uploadRate is the slowest upload the default Upload deadline allows for.
const uploadRate = 128 << 10 // bytes per second

// WithDefaults fills the zero fields; maxUpload is the largest upload, in
// bytes.
func (d Deadlines) WithDefaults(maxUpload int64) Deadlines {
	if d.Body <= 0 {
		d.Body = 30 * time.Second
	}
	if d.Upload <= 0 {
		d.Upload = time.Minute + time.Duration(maxUpload/uploadRate)*time.Second
	}
	if d.Stall <= 0 {
		d.Stall = time.Minute
	}
	if d.MediaStall <= 0 {
		d.MediaStall = 10 * time.Minute
	}
	return d
}

// BodyDeadline gives every request's body d.Body to arrive: a client that
// trickles it is cut, its connection closed. The http.Server's
// ReadTimeout cannot do it, being one for every route, uploads included.
func (d Deadlines) BodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limitBody(w, r, d.Body)
		next.ServeHTTP(w, r)
	})
}

// UploadDeadline gives an upload's body d.Upload in all, instead of
// d.Body. It stands after the route's authentication, so that an
// anonymous client never gets the longer deadline.
func (d Deadlines) UploadDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limitBody(w, r, d.Upload)
		next.ServeHTTP(w, r)
	})
}

// limitBody sets the connection's read deadline d from now while r's body
// is read, on the wall clock whatever the domain clock says: it is the
// network's. Once the body is all in, net/http reads the connection in the
// background to see the client leave, and a deadline then would cancel
// the request's context, and every later one's on the connection: so a
// request without a body gets none, and the deadline is lifted at the
// body's end. Errors are ignored: a recorder in a test cannot set a
// deadline, and a connection already gone fails the handler's read.
func limitBody(w http.ResponseWriter, r *http.Request, d time.Duration) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(d))
	r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
}

// deadlineBody lifts the connection's read deadline when the body ends.
type deadlineBody struct {
	io.ReadCloser
	rc *http.ResponseController
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// SkipBody tells net/http not to wait for the body of a request refused
// before its body was read: by default it reads what is left (up to
// 256 KiB) before answering, which a client that never sends it would
// stretch to the body deadline. The answer goes at once, and the
// connection is closed after it.
func SkipBody(w http.ResponseWriter) { w.Header().Set("Connection", "close") }

// stallChunk is how much of a large response must reach the client
// within each stall deadline.
const stallChunk = 64 << 10

// StallWriter writes a large response in chunks, giving each its own
// write deadline: a client that stops reading for longer than stall is
// cut, one that reads slowly but steadily is not, however long the
// response. net/http clears the deadline when the response is done.
type StallWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	stall time.Duration
}

func NewStallWriter(w http.ResponseWriter, stall time.Duration) *StallWriter {
	return &StallWriter{ResponseWriter: w, rc: http.NewResponseController(w), stall: stall}
}

// Write writes p in chunks of stallChunk, each with its deadline.
func (sw *StallWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), stallChunk)]
		if err := sw.rc.SetWriteDeadline(time.Now().Add(sw.stall)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return written, err
		}
		n, err := sw.ResponseWriter.Write(chunk)
		written += n
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// Unwrap lets http.ResponseController reach the connection.
func (sw *StallWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }
