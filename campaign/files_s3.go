package campaign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config names an S3-compatible bucket (AWS S3, MinIO, Garage, R2…).
type S3Config struct {
	Endpoint  string // host[:port], or a URL such as https://s3.example.com
	Bucket    string
	Prefix    string // before every object's name, such as "sillage/"
	Region    string // empty: asked of the server
	AccessKey string
	SecretKey string
	PathStyle bool // the bucket in the path, not the host name (MinIO, Garage)
	Insecure  bool // plain HTTP, for a server on a private network

	// Transport carries the requests; nil: http.DefaultTransport. Tests
	// give one that trusts their own server's certificate.
	Transport http.RoundTripper
}

// s3PartSize is the part of a multipart upload, and the buffer each
// upload holds. A body of unknown size otherwise costs minio-go a buffer
// of about 540 MiB.
const s3PartSize = 16 << 20

// s3Files keeps the files as objects of a bucket, under prefix + name.
type s3Files struct {
	client *minio.Client
	bucket string
	prefix string
}

// NewS3Files returns the Files of the bucket cfg names. It reaches no
// server: the first use does.
func NewS3Files(cfg S3Config) (Files, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("S3: an endpoint and a bucket are needed")
	}
	host, secure := cfg.Endpoint, !cfg.Insecure
	if strings.Contains(host, "://") {
		u, err := url.Parse(host)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
			return nil, fmt.Errorf("S3 endpoint %q: want a host[:port] or an http(s)://host[:port] URL, without a path", cfg.Endpoint)
		}
		if u.Scheme == "https" && cfg.Insecure {
			return nil, fmt.Errorf("S3 endpoint %q is https, and plain HTTP is asked for: choose one", cfg.Endpoint)
		}
		host, secure = u.Host, u.Scheme == "https"
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       secure,
		Region:       cfg.Region,
		BucketLookup: lookup,
		Transport:    cfg.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("S3: %w", err)
	}
	return &s3Files{client: client, bucket: cfg.Bucket, prefix: cfg.Prefix}, nil
}

func (s *s3Files) key(name string) string { return s.prefix + name }

// Create uploads the body, in one PUT when it fits in a part, else in
// parts. An object is complete or absent: a body past limit bytes fails
// the upload before it completes, and nothing is kept.
func (s *s3Files) Create(ctx context.Context, body io.Reader, limit int64) (string, int64, error) {
	r := &limitReader{r: body, limit: limit}
	head := make([]byte, min(limit+1, s3PartSize))
	n, err := io.ReadFull(r, head)
	var (
		size int64
		rest io.Reader
	)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		size, rest = int64(n), nil // all of it: one PUT of a known size
	case err != nil:
		return "", 0, tooLarge(err, limit)
	default:
		size, rest = -1, r
	}
	name := newName()
	opts := minio.PutObjectOptions{PartSize: s3PartSize, ContentType: "application/octet-stream"}
	var reader io.Reader = bytes.NewReader(head[:n])
	if rest != nil {
		reader = io.MultiReader(reader, rest)
	}
	info, err := s.client.PutObject(ctx, s.bucket, s.key(name), reader, size, opts)
	if r.err != nil {
		err = r.err // the body's own error says more than the upload's
	}
	if err != nil {
		// A failed multipart upload is aborted; a completed one past the
		// limit cannot be, as the limit fails the read first. Removing is
		// for a server that kept something all the same.
		s.client.RemoveObject(context.WithoutCancel(ctx), s.bucket, s.key(name), minio.RemoveObjectOptions{})
		return "", 0, tooLarge(err, limit)
	}
	return name, info.Size, nil
}

// put uploads body under name (PutFile): in one PUT when size fits in a
// part, else in parts; an object is complete or absent. A body of other
// than size bytes fails the upload.
func (s *s3Files) put(ctx context.Context, name string, body io.Reader, size int64) error {
	_, err := s.client.PutObject(ctx, s.bucket, s.key(name), body, size,
		minio.PutObjectOptions{PartSize: s3PartSize, ContentType: "application/octet-stream"})
	return err
}

// limitReader reads r and fails with a *TooLargeError once more than
// limit bytes came, which aborts an upload in parts before it completes.
// It keeps the first error, r's or its own.
type limitReader struct {
	r     io.Reader
	n     int64
	limit int64
	err   error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	if l.n += int64(n); l.n > l.limit {
		l.err = TooLarge(l.limit)
		return 0, l.err
	}
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}

// s3File is an object opened for reading: minio-go's Object seeks by
// asking for a new range.
type s3File struct {
	*minio.Object
	info minio.ObjectInfo
}

func (f s3File) Size() int64        { return f.info.Size }
func (f s3File) ModTime() time.Time { return f.info.LastModified }

func (s *s3Files) Open(ctx context.Context, name string) (File, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, s.key(name), minio.GetObjectOptions{})
	if err != nil {
		return nil, notExist(err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, notExist(err)
	}
	return s3File{obj, info}, nil
}

// notExist turns S3's "no such key" into fs.ErrNotExist.
func notExist(err error) error {
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return fmt.Errorf("%w: %w", fs.ErrNotExist, err)
	}
	return err
}

// Remove removes the object. S3 answers a removal of an absent object
// with success, so Remove asks first: fs.ErrNotExist as on disk.
func (s *s3Files) Remove(ctx context.Context, name string) error {
	if _, err := s.client.StatObject(ctx, s.bucket, s.key(name), minio.StatObjectOptions{}); err != nil {
		return notExist(err)
	}
	return s.client.RemoveObject(ctx, s.bucket, s.key(name), minio.RemoveObjectOptions{})
}

// List lists the objects under the prefix's content folder.
func (s *s3Files) List(ctx context.Context, fn func(name string, size int64, mod time.Time) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when fn fails
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.key(contentDir + "/"), Recursive: true}) {
		if obj.Err != nil {
			return obj.Err
		}
		if err := fn(strings.TrimPrefix(obj.Key, s.prefix), obj.Size, obj.LastModified); err != nil {
			return err
		}
	}
	return nil
}

// URL presigns a GET whose response carries the headers the server's own
// answer would: type, disposition, and no caching on the way.
func (s *s3Files) URL(ctx context.Context, name string, ttl time.Duration, typ, disposition string) (string, bool, error) {
	params := url.Values{"response-cache-control": {"private, no-store"}}
	if typ != "" {
		params.Set("response-content-type", typ)
	}
	if disposition != "" {
		params.Set("response-content-disposition", disposition)
	}
	u, err := s.client.PresignedGetObject(ctx, s.bucket, s.key(name), ttl, params)
	if err != nil {
		return "", false, err
	}
	return u.String(), true, nil
}
