package web

import (
	"encoding/hex"
	"net/http"
)

// network returns the client's network as the limiter knows it (see
// limiter.network: a hash whose salt changes every day, IPv6 by /64), as
// bytes for the database; nil for a loopback peer, whose network is
// unknown. With Config.Salts the instances on one database share the
// day's salt, so a network seen by two of them, or across a restart,
// counts as one; without it each process has its own.
func (s *Server) network(r *http.Request) []byte {
	b, err := hex.DecodeString(s.limits.network(r))
	if err != nil || len(b) == 0 {
		return nil
	}
	return b
}
