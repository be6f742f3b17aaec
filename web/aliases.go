package web

import "github.com/sillage/sillage/web/internal/httpx"

// The server's settings of limits, deadlines and alerts are those of
// web/internal/httpx, where every surface applies them.
type (
	Limits     = httpx.Limits
	Deadlines  = httpx.Deadlines
	AlertStore = httpx.AlertStore
)

// DefaultLimits are the limits of a new server.
func DefaultLimits() Limits { return httpx.DefaultLimits() }

// DefaultTrustedProxies are the peers whose client-address header is
// believed when Limits.TrustedProxies is empty (httpx.DefaultTrustedProxies).
var DefaultTrustedProxies = httpx.DefaultTrustedProxies
