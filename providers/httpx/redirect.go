package httpx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/noctop/noctop/model"
)

// Redirect policy, installed by New on a copy of whatever *http.Client it
// is given (the caller's client is never changed):
//
//   - a redirect to another origin (scheme, host or port) is refused: it
//     would carry our credentials (net/http drops Authorization across
//     hosts but forwards X-Auth-Token, API-key headers, and a 307/308
//     resends a token request's body with the client secret in it);
//   - a login or token request (Request.Login) is never redirected;
//   - a request that must not be repeated (a mutation) is never redirected:
//     following a 302 or 307 would send it, or a GET-shaped action, again;
//   - everything else follows same-origin redirects, at most maxRedirects,
//     then the caller's own CheckRedirect, if any, has its say.
//
// A refused redirect is a *RedirectError naming only the target's origin.

// maxRedirects bounds a chain of same-origin redirects.
const maxRedirects = 5

// ErrRedirectRefused is matched by every *RedirectError.
var ErrRedirectRefused = errors.New("redirect refused")

// RedirectError is a redirect the client did not follow.
type RedirectError struct {
	Status int    // the 3xx status of the answer that asked for it
	Target string // the target's origin, scheme://host:port: no path, query or credentials
	Reason string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("redirect (HTTP %d) to %s refused: %s", e.Status, e.Target, e.Reason)
}

// Is makes errors.Is(err, ErrRedirectRefused) hold.
func (e *RedirectError) Is(target error) bool { return target == ErrRedirectRefused }

// replays reports whether following this redirect would send the original
// request again: 307 and 308 repeat method and body; 301, 302 and 303
// answer it (a POST becomes a GET of the result).
func (e *RedirectError) replays() bool {
	return e.Status == http.StatusTemporaryRedirect || e.Status == http.StatusPermanentRedirect
}

// Why some requests are never redirected.
const (
	whyLogin = "a login is never redirected"
	whyOnce  = "a request that is sent at most once is never redirected"
)

// noRedirectKey carries, in a request's context, why it must not be
// redirected. It is the only way CheckRedirect can tell requests apart,
// and never leaves this package.
type noRedirectKey struct{}

// withRedirectPolicy returns a copy of hc with the policy installed.
func withRedirectPolicy(hc *http.Client) *http.Client {
	cp := *hc
	next := hc.CheckRedirect
	cp.CheckRedirect = func(r *http.Request, via []*http.Request) error { return checkRedirect(r, via, next) }
	return &cp
}

func checkRedirect(r *http.Request, via []*http.Request, next func(*http.Request, []*http.Request) error) error {
	if len(via) == 0 {
		return errors.New("redirect without a first request")
	}
	first := via[0]
	e := &RedirectError{Target: origin(r.URL)}
	if r.Response != nil {
		e.Status = r.Response.StatusCode
	}
	if why, ok := first.Context().Value(noRedirectKey{}).(string); ok && why != "" {
		e.Reason = why
		return e
	}
	if !sameOrigin(r.URL, first.URL) {
		e.Reason = "another origin than " + origin(first.URL) + " (credentials stay with their origin)"
		return e
	}
	if len(via) >= maxRedirects {
		e.Reason = fmt.Sprintf("stopped after %d redirects", len(via))
		return e
	}
	if next != nil {
		return next(r, via)
	}
	return nil
}

// unfollowed returns the refusal for a redirect answer to a request that is
// never redirected (a login, or a request sent at most once), nil for
// anything else (a 3xx the caller's own CheckRedirect chose to keep).
func unfollowed(op *operation, resp *Response) *RedirectError {
	if resp.Status < 300 || resp.Status > 399 || (!op.login && op.allowsRetry()) {
		return nil
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil
	}
	target, err := op.url.Parse(loc)
	e := &RedirectError{Status: resp.Status, Target: "(unreadable Location)"}
	if err == nil {
		e.Target = origin(target)
	}
	e.Reason = whyOnce
	if op.login {
		e.Reason = whyLogin
	}
	return e
}

// noRedirects marks ctx so that requests sent with it are not redirected.
func noRedirects(ctx context.Context, why string) context.Context {
	return context.WithValue(ctx, noRedirectKey{}, why)
}

// sameOrigin compares scheme, host and port (default ports filled in, host
// case-insensitive).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && hostPort(a) == hostPort(b)
}

func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// origin is scheme://host:port of u, sanitised and bounded for an error
// message: never the userinfo, path or query, which may carry credentials.
func origin(u *url.URL) string {
	if u == nil {
		return "(no URL)"
	}
	s := strings.ToLower(u.Scheme) + "://" + hostPort(u)
	return truncateRunes(model.SafeText(s), 200)
}
