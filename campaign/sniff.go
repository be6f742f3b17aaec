package campaign

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// ErrTooLarge is returned when an upload passes its size limit; the error
// itself is a *TooLargeError, which says the limit.
var ErrTooLarge = errors.New("upload too large")

// TooLargeError is an upload over its limit. It matches ErrTooLarge.
type TooLargeError struct {
	Limit int64 // in bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("upload larger than the limit of %d bytes", e.Limit)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// TooLarge returns the error of an upload over limit bytes.
func TooLarge(limit int64) error { return &TooLargeError{Limit: limit} }

// MismatchError is an upload whose first bytes show another type than the
// one it declares, such as a text file sent as video/mp4. Its message is
// safe to show.
type MismatchError struct {
	Declared string // the media type the upload claims, e.g. "video/mp4"
	Sniffed  string // the media type its first bytes show, e.g. "text/plain"
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("the file looks like %s, not %s", e.Sniffed, e.Declared)
}

// sniffLen is how many first bytes net/http.DetectContentType reads.
const sniffLen = 512

// checkType compares head, the first bytes of an upload, with its declared
// media type of kind. It returns the media type to store, or a
// *MismatchError.
//
// The rules follow what http.DetectContentType knows:
//   - video and audio are one family: an M4A sniffs as video/mp4, an
//     audio-only WebM as video/webm, Ogg as application/ogg. It answers
//     application/octet-stream for containers it does not know (MP4s
//     without an "mp4" brand, QuickTime, 3GP, FLAC, MP3 without an ID3 tag,
//     raw AAC): that is accepted, as anything else would refuse real files.
//     Text, images, PDF, archives and the like are refused.
//   - images: PNG, JPEG, GIF and WebP are all known to it, so an image must
//     sniff as one of the four; the sniffed type is stored, so that a JPEG
//     named .png is served as image/jpeg.
//   - PDF must start as a PDF.
//   - text must sniff as text (no control bytes of binary files).
func checkType(declared string, kind ContentKind, head []byte) (string, error) {
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	switch kind {
	case Video, Audio:
		if strings.HasPrefix(sniffed, "video/") || strings.HasPrefix(sniffed, "audio/") ||
			sniffed == "application/ogg" || sniffed == "application/octet-stream" {
			return declared, nil
		}
	case Image:
		if k, err := KindOf(sniffed); err == nil && k == Image {
			return sniffed, nil
		}
	case PDF:
		if sniffed == "application/pdf" {
			return declared, nil
		}
	case Text:
		if strings.HasPrefix(sniffed, "text/") {
			return declared, nil
		}
	}
	return "", &MismatchError{Declared: declared, Sniffed: sniffed}
}
