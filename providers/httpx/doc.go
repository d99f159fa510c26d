// Package httpx is the one HTTP layer every provider client is built on:
// base URL joining, auth, per-attempt timeouts, retries with backoff for
// idempotent requests only, Retry-After, a response size cap, typed and
// redacted errors (including RFC 7807 problem documents), and paging helpers.
//
// Everything that leaves this package as an error or a log line has been
// passed through Redact, so provider code can show it to an operator as is.
package httpx
