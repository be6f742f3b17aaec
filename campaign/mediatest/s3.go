package mediatest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/sillage/sillage/campaign"
)

// S3Bucket is the bucket S3 makes.
const S3Bucket = "sillage-test"

// S3 starts an S3-compatible server in the test's process (gofakes3,
// in memory, behind httptest with TLS) holding one empty bucket, and
// returns the settings that reach it, with a Transport that trusts it;
// the server stops with the test. Stores made from the same settings
// share the bucket, as instances do.
func S3(tb testing.TB) campaign.S3Config {
	tb.Helper()
	// TLS, as in production: over plain HTTP minio-go signs uploads in
	// chunks, which gofakes3 decodes for whole objects but not for parts.
	return s3Server(tb, httptest.NewUnstartedServer(nil), true)
}

// S3HTTP is S3 over plain HTTP (SILLAGE_S3_INSECURE), for a test that
// can give the server under test settings only, not a Transport. Keep its
// uploads under one part (16 MiB): gofakes3 stores a part's chunked
// signing along with its bytes.
func S3HTTP(tb testing.TB) campaign.S3Config {
	tb.Helper()
	return s3Server(tb, httptest.NewUnstartedServer(nil), false)
}

func s3Server(tb testing.TB, srv *httptest.Server, tls bool) campaign.S3Config {
	backend := s3mem.New()
	if err := backend.CreateBucket(S3Bucket); err != nil {
		tb.Fatal(err)
	}
	srv.Config.Handler = gofakes3.New(backend).Server()
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	tb.Cleanup(srv.Close)
	return campaign.S3Config{
		Endpoint:  srv.URL,
		Bucket:    S3Bucket,
		Prefix:    "media/",
		Region:    "us-east-1",
		AccessKey: "test-access",
		SecretKey: "test-secret",
		PathStyle: true,
		Insecure:  !tls,
		Transport: srv.Client().Transport,
	}
}

// S3Client returns an HTTP client that trusts the server of cfg (S3), to
// follow the URLs it signs.
func S3Client(cfg campaign.S3Config) *http.Client {
	return &http.Client{Transport: cfg.Transport}
}

// S3Files returns Files on a new in-process S3 server (S3).
func S3Files(tb testing.TB) (campaign.Files, campaign.S3Config) {
	tb.Helper()
	cfg := S3(tb)
	f, err := campaign.NewS3Files(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return f, cfg
}
