// Package httpx is the one HTTP layer every provider client is built on:
// base URL joining, auth, per-attempt timeouts, retries with backoff for
// idempotent requests only, Retry-After, a response size cap, typed and
// redacted errors (including RFC 7807 problem documents), and paging helpers.
//
// Two rules hold for every client, whoever built its *http.Client:
// credentials stay with their origin (redirect.go: no redirect to another
// scheme, host or port; none at all for logins and mutations), and a
// request that is not repeatable is sent at most once by every layer
// (retry.go), its lost answer reported as a *model.UnknownOutcome.
// Retry-After waits are capped at RetryAfterCap (24 h).
//
// Everything that leaves this package as an error or a log line has been
// passed through Redact, so provider code can show it to an operator as is.
package httpx
