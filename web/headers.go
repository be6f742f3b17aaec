package web

import "net/http"

// securityPolicy is the Content-Security-Policy of every page: it lets
// pages load only from this origin, and media and images from origin too
// when it is not "" (where signed media redirects lead, MediaRedirect).
// Forms may land on the messaging apps: a forward without JavaScript
// redirects there.
func securityPolicy(origin string) string {
	also := ""
	if origin != "" {
		also = " " + origin
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; " +
		"img-src 'self'" + also + " data:; media-src 'self'" + also + "; connect-src 'self'; " +
		"form-action 'self' https://wa.me sms: mailto:; frame-ancestors 'none'; base-uri 'none'"
}

// securityHeaders sets the headers every response carries. No-referrer
// matters most: a token in the address must not leak to another site.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", s.csp)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}
