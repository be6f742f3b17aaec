package main

import (
	"io"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/sillage/sillage/web"
)

// The yes/no settings are boolean flags, a bare flag meaning yes, with
// their environment variable parsed strictly; the client-address settings
// come from their flags, their variables or the deprecated -trust-proxy.
func TestParseConfigProxy(t *testing.T) {
	for _, c := range []struct {
		name    string
		args    []string
		env     map[string]string
		header  string
		trusted []netip.Prefix
	}{
		{"Default", nil, nil, "", web.DefaultTrustedProxies},
		{"BareTrustProxy", []string{"-trust-proxy"}, nil, "X-Forwarded-For", web.DefaultTrustedProxies},
		{"TrustProxyFalse", []string{"-trust-proxy=false"}, nil, "", web.DefaultTrustedProxies},
		{"TrustProxyEnv", nil, map[string]string{"SILLAGE_TRUST_PROXY": "1"}, "X-Forwarded-For", web.DefaultTrustedProxies},
		{"FlagOverEnv", []string{"-trust-proxy=false"}, map[string]string{"SILLAGE_TRUST_PROXY": "true"}, "", web.DefaultTrustedProxies},
		{"Header", []string{"-client-ip-header", "x-real-ip", "-trusted-proxies", "10.1.2.3, 2001:db8::/32"}, nil,
			"x-real-ip", []netip.Prefix{netip.MustParsePrefix("10.1.2.3/32"), netip.MustParsePrefix("2001:db8::/32")}},
		{"HeaderEnv", nil, map[string]string{"SILLAGE_CLIENT_IP_HEADER": "CF-Connecting-IP", "SILLAGE_TRUSTED_PROXIES": "173.245.48.0/20"},
			"CF-Connecting-IP", []netip.Prefix{netip.MustParsePrefix("173.245.48.0/20")}},
		{"HeaderWinsOverTrustProxy", []string{"-trust-proxy", "-client-ip-header", "Fly-Client-IP"}, nil, "Fly-Client-IP", web.DefaultTrustedProxies},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, rest, err := parseConfig(serveSpec, c.args, func(k string) string { return c.env[k] }, io.Discard, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if len(rest) > 0 {
				t.Errorf("arguments left: %q", rest)
			}
			if got, want := cfg.Limits.ClientIPHeader, c.header; got != want {
				t.Errorf("header %q, want %q", got, want)
			}
			if got, want := cfg.Limits.TrustedProxies, c.trusted; !slices.Equal(got, want) {
				t.Errorf("trusted %v, want %v", got, want)
			}
		})
	}
	t.Run("BadEnv", func(t *testing.T) {
		env := map[string]string{"SILLAGE_TRUST_PROXY": "maybe"}
		_, _, err := parseConfig(serveSpec, nil, func(k string) string { return env[k] }, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), `SILLAGE_TRUST_PROXY "maybe": want true or false`) {
			t.Errorf("err = %v", err)
		}
	})
}
