// Package publicurl builds every address that leaves the server: share
// links, unsubscribe links, provider callbacks. The web server, the
// deliveries and the command line all call it, so a base URL given as
// https://share.example.com/ never yields https://share.example.com//s/T.
//
// It also records the base URL the running server uses in the database,
// where commands run beside the server (sillage send) read it: a link
// minted there must carry the address the server answers on.
package publicurl

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/sillage/sillage/migrations/storage"
)

// Parse reads a public base URL: http or https, a host, perhaps a path
// prefix (a server behind a proxy under /share), no query or fragment. A
// trailing slash is dropped.
func Parse(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, fmt.Errorf("base URL %q: want http(s)://host[:port][/path]", s)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// Listen is the public address of a server listening on addr when no
// base URL is configured: http:// and that address, with "localhost" for
// an address that means every interface.
func Listen(addr net.Addr) *url.URL {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return &url.URL{Scheme: "http", Host: addr.String()}
	}
	if ip := net.ParseIP(host); host == "" || ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}
}

// Join is base followed by path (which starts with "/"), with exactly one
// slash between them however base ends.
func Join(base, path string) string {
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
}

// Share is the address of a share link: BASE/s/TOKEN.
func Share(base, token string) string { return Join(base, "/s/"+token) }

// Unsubscribe is the address of a message's opt-out link: BASE/u/TOKEN.
func Unsubscribe(base, token string) string { return Join(base, "/u/"+token) }

// settingKey is where the running server records its base URL.
const settingKey = "public_base_url"

// Record stores base as the address the server serves, for the commands
// that mint links beside it.
func Record(ctx context.Context, db *storage.DB, base *url.URL, now time.Time) error {
	return storage.PutSetting(ctx, db.Write, settingKey, base.String(), now.UTC(), time.Time{})
}

// Recorded returns the base URL the server last recorded, or nil when no
// server ever ran on this database.
func Recorded(ctx context.Context, db *storage.DB) (*url.URL, error) {
	s, ok, err := storage.Setting(ctx, db.Read, settingKey, time.Now())
	if err != nil || !ok {
		return nil, err
	}
	return Parse(s)
}
