package httpx

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/sillage/sillage/campaign"
)

// MultipartSlack is what a multipart envelope may add around the file.
const MultipartSlack = 64 << 10

// MaxTeaserImage bounds a teaser image, from the API or the dashboard:
// link previews want small pictures.
const MaxTeaserImage = 5 << 20

// ErrNoFile says a multipart body has no part of the file's name.
var ErrNoFile = errors.New("multipart body without the file's part")

// FilePart returns the part named field of the multipart body mr reads,
// past the others: the one loop every upload form shares, each saying its
// errors in its own words. At the body's end it returns ErrNoFile; a body
// it cannot read, the reader's error (an *http.MaxBytesError past its
// limit).
func FilePart(mr *multipart.Reader, field string) (*multipart.Part, error) {
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, ErrNoFile
		}
		if err != nil {
			return nil, err
		}
		if part.FormName() == field {
			return part, nil
		}
		part.Close()
	}
}

// OverLimit turns the error of an http.MaxBytesReader set for an upload of
// at most limit bytes into a *campaign.TooLargeError that says that limit
// (the reader's own limit has room for the form around the file).
func OverLimit(err error, limit int64) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return campaign.TooLarge(limit)
	}
	return err
}
