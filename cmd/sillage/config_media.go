package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/sillage/sillage/campaign"
)

// mediaConfig says where uploaded files live and how large media reaches
// the devices. The bucket's settings come from the environment only
// (SILLAGE_S3_*: the keys are secrets, which flags would show to anyone
// running ps); without them, the data directory's content folder.
type mediaConfig struct {
	S3         campaign.S3Config // Endpoint empty: the data directory
	RedirectMB int64             // media of this many MiB or more is redirected to a signed URL; 0: never
	URLTTL     time.Duration     // how long a signed media URL works
	LocalMedia bool              // PostgreSQL with the data directory's folder, knowingly

	redirectMB, urlTTL string // as given, parsed by parse
}

// mediaFlags adds serve's media flags to fs.
func mediaFlags(fs *flag.FlagSet, m *mediaConfig, env *envDefaults) {
	fs.StringVar(&m.redirectMB, "media-redirect-mb", env.str("SILLAGE_MEDIA_REDIRECT_MB", "8"), "content files of this many `MiB` or more go to a claimed device as a redirect to a signed URL of the S3 bucket, not through the server; 0 for never (SILLAGE_MEDIA_REDIRECT_MB)")
	fs.StringVar(&m.urlTTL, "media-url-ttl", env.str("SILLAGE_MEDIA_URL_TTL", "15m"), "how long a signed media URL works, a `duration`; whoever has one can fetch the file until then (SILLAGE_MEDIA_URL_TTL)")
	fs.BoolVar(&m.LocalMedia, "local-media", env.yesNo("SILLAGE_LOCAL_MEDIA", false), "with PostgreSQL, keep uploaded files in the data directory: for one instance, or instances that all see that folder (one machine, a shared file system) (SILLAGE_LOCAL_MEDIA)")
}

// parse reads the bucket's settings from the environment and, for serve,
// the flags mediaFlags added.
func (m *mediaConfig) parse(getenv func(string) string, server bool) error {
	m.S3 = campaign.S3Config{
		Endpoint:  getenv("SILLAGE_S3_ENDPOINT"),
		Bucket:    getenv("SILLAGE_S3_BUCKET"),
		Prefix:    getenv("SILLAGE_S3_PREFIX"),
		Region:    getenv("SILLAGE_S3_REGION"),
		AccessKey: getenv("SILLAGE_S3_ACCESS_KEY"),
		SecretKey: getenv("SILLAGE_S3_SECRET_KEY"),
	}
	var err error
	if m.S3.PathStyle, err = parseEnvBool(getenv, "SILLAGE_S3_PATH_STYLE", false); err != nil {
		return err
	}
	if m.S3.Insecure, err = parseEnvBool(getenv, "SILLAGE_S3_INSECURE", false); err != nil {
		return err
	}
	switch s3 := m.S3; {
	case s3 == (campaign.S3Config{}):
	case s3.Endpoint == "" || s3.Bucket == "":
		return errors.New("S3 media: set both SILLAGE_S3_ENDPOINT and SILLAGE_S3_BUCKET, or no SILLAGE_S3_ setting for the data directory's folder")
	case (s3.AccessKey == "") != (s3.SecretKey == ""):
		return errors.New("S3 media: set both SILLAGE_S3_ACCESS_KEY and SILLAGE_S3_SECRET_KEY")
	}
	if !server {
		return nil
	}
	mb, err := strconv.ParseInt(m.redirectMB, 10, 64)
	if err != nil || mb < 0 || mb > 1<<20 {
		return fmt.Errorf("media redirect %q: want a number of MiB, 0 for never", m.redirectMB)
	}
	m.RedirectMB = mb
	if m.URLTTL, err = time.ParseDuration(m.urlTTL); err != nil || m.URLTTL < time.Minute || m.URLTTL > 7*24*time.Hour {
		return fmt.Errorf("media URL TTL %q: want a duration between 1m and 168h (S3's longest), such as 15m", m.urlTTL)
	}
	return nil
}
