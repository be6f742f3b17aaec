// Package httpx is what the web surfaces (web/recipient, web/dashboard,
// web/api, web/callbacks) share, so that none of them needs another:
//
//   - json.go, errors.go: JSON in and out, and Errors.JSON, the one map
//     from a domain error to a status and message for JSON answers;
//   - upload.go: the file part of a multipart upload, and its size limit;
//   - render.go, static.go: page templates parsed once, and the static
//     files of every surface under /static/, with hashed names;
//   - limits.go, counter.go, clientaddr.go, alerts.go: per-network limits
//     over daily-salted hashes of client addresses, and the security
//     alerts they count;
//   - deadlines.go, unavailable.go, request.go: slow clients' bounds, the
//     503 of a store that cannot write, request ids and route patterns;
//   - figures.go, export.go, template.go: the figures document, the
//     exports' download and the template override body, which the API and
//     the dashboard both send or read.
//
// State kept here lives in one process: the limiter's counters (the salt
// of their keys is shared through the database when Config.Salts is set)
// and the alert counts not yet flushed to the store.
package httpx
