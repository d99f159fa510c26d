package httpx

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
)

// RetryMode says whether a request may be sent more than once.
type RetryMode int

const (
	RetryByMethod RetryMode = iota // default: GET/HEAD/PUT/DELETE/OPTIONS retried, POST/PATCH never
	RetryAlways                    // caller vouches the request is idempotent (e.g. Fabric POST .../search)
	RetryNever                     // token endpoints, mutations
)

// RetryPolicy controls retries of requests whose RetryMode allows them.
// Retried: network errors, timeouts, truncated bodies, 429, 500, 502, 503, 504.
// Retry-After (seconds or HTTP date) on 429/503 replaces the backoff delay.
type RetryPolicy struct {
	MaxAttempts   int                                              // total attempts incl. the first; default 3; 1 disables retries
	BaseDelay     time.Duration                                    // default 250ms; exponential backoff with full jitter, capped at MaxDelay
	MaxDelay      time.Duration                                    // default 5s
	MaxRetryAfter time.Duration                                    // longest Retry-After we honour by sleeping; default 20s
	Sleep         func(ctx context.Context, d time.Duration) error // default: timer honouring ctx
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 3
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 250 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 5 * time.Second
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 20 * time.Second
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	return p
}

// sleepCtx waits for d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff returns the delay before retry number n (1 = first retry):
// uniformly random in [0, min(MaxDelay, BaseDelay*2^(n-1))] ("full jitter"),
// so many clients failing together do not retry in lockstep.
func (p RetryPolicy) backoff(n int) time.Duration {
	ceil := p.MaxDelay
	if n < 1 {
		n = 1
	}
	if n <= 32 {
		if d := p.BaseDelay << (n - 1); d > 0 && d < ceil {
			ceil = d
		}
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

// allowsRetry reports whether the request may be sent again after a failure
// the server may have seen.
func (op *operation) allowsRetry() bool {
	if op.login {
		return false
	}
	switch op.retry {
	case RetryAlways:
		return true
	case RetryNever:
		return false
	}
	switch op.method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// RetryAfterCap is the longest wait a Retry-After can impose: longer
// values (a misconfigured proxy, a date years ahead, an overflowing
// number) are capped at one day, and the *model.RateLimited says so
// (Capped), so the operator sees "rate limited until <date>" instead of a
// refresh that silently never comes back.
const RetryAfterCap = 24 * time.Hour

// parseRetryAfter reads Retry-After as delta-seconds or an HTTP date.
// ok is false when the header is absent or unparsable; capped is set when
// the value asked for more than RetryAfterCap (d is then the cap).
func parseRetryAfter(h http.Header, now time.Time) (d time.Duration, ok, capped bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false, false
	}
	capSec := uint64(RetryAfterCap / time.Second)
	if v[0] >= '0' && v[0] <= '9' {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			if ne, isNum := err.(*strconv.NumError); isNum && ne.Err == strconv.ErrRange {
				return RetryAfterCap, true, true
			}
			// Not an integer: maybe a date that starts with a digit; fall through.
		} else {
			if n > capSec {
				return RetryAfterCap, true, true
			}
			return time.Duration(n) * time.Second, true, false
		}
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false, false
	}
	d = t.Sub(now) // saturates on overflow: years ahead stay positive
	if d < 0 {
		d = 0
	}
	if d > RetryAfterCap {
		return RetryAfterCap, true, true
	}
	return d, true, false
}

// send runs the attempt loop: retries, Retry-After, and the 401 resend.
//
// A request that may not be repeated (allowsRetry false: mutations,
// logins) is sent at most once by every layer: no retry after a timeout,
// reset or 5xx, no resend after a 401 (the credential is dropped so the
// next request gets a fresh one), and once() keeps net/http from replaying
// it on a dead keep-alive connection. When such a request may have reached
// the server and no definite answer came back, the error is a
// *model.UnknownOutcome (mutations only: a login is not a change).
func (c *Client) send(ctx context.Context, op *operation) (*Response, error) {
	repeatable := op.allowsRetry()
	maxAttempts := 1
	if repeatable {
		maxAttempts = c.retry.MaxAttempts
	}
	reauthed := false
	sends := 0 // attempts that may have reached the server
	for attempt := 1; ; attempt++ {
		start := time.Now()
		resp, sent, err := c.attempt(ctx, op)
		elapsed := time.Since(start)
		if err != nil {
			ae := err.(*attemptError)
			if ae.sent {
				sends++
			}
			c.logAttempt(ctx, op, attempt, 0, elapsed, ae)
			// A dial failure means nothing was sent, so even a POST may retry;
			// RetryNever (and a login) still means never.
			limit := maxAttempts
			if ae.kind == failDial && !ae.sent && op.retry != RetryNever && !op.login {
				limit = max(limit, c.retry.MaxAttempts)
			}
			if !ae.retryable() || attempt >= limit {
				rerr := c.attemptErr(op, ae, attempt)
				if re, ok := rerr.(*requestError); ok {
					re.sends = sends
				}
				return nil, c.unknownIf(op, ae.sent && !refusedReplay(ae), rerr)
			}
			if err := c.pause(ctx, op, attempt, c.retry.backoff(attempt), ae.kind.String()); err != nil {
				return nil, err
			}
			continue
		}
		sends++
		resp.Sends = sends
		c.logAttempt(ctx, op, attempt, resp.Status, elapsed, nil)
		if resp.Status >= 200 && resp.Status < 300 {
			return resp, nil
		}
		if re := unfollowed(op, resp); re != nil {
			// net/http hands back a 307/308 it cannot resend (once() took
			// the body's GetBody away) without asking CheckRedirect: the
			// same refusal, in the same words. Nothing was done there.
			ae := &attemptError{kind: failRedirect, err: re}
			rerr := c.attemptErr(op, ae, attempt)
			if e, ok := rerr.(*requestError); ok {
				e.sends = sends
			}
			return resp, rerr
		}

		// A 401 usually means the request was not processed: a repeatable
		// one is resent once with fresh credentials (not counted as a
		// retry). Anything else only drops the credential for the next
		// request: a server that processes and then answers 401 must not
		// see the mutation twice.
		if resp.Status == http.StatusUnauthorized && c.auth != nil && !op.noAuth && !reauthed {
			reauthed = true
			if c.invalidate(sent) {
				if repeatable {
					c.warn(ctx, "http 401: credentials invalidated, resending once", op, attempt, "")
					maxAttempts++
					continue
				}
				c.warn(ctx, "http 401 on a request that is never repeated: credentials invalidated for the next request", op, attempt, "")
			}
		}

		if resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable {
			ra, hasRA, capped := parseRetryAfter(resp.Header, c.now())
			if hasRA && ra > c.retry.MaxRetryAfter {
				return resp, c.unknownIf(op, ambiguousStatus(resp.Status), c.rateLimited(ctx, op, ra, capped))
			}
			if attempt < maxAttempts {
				delay := c.retry.backoff(attempt)
				if hasRA {
					delay = ra
				}
				if err := c.pause(ctx, op, attempt, delay, "status "+strconv.Itoa(resp.Status)); err != nil {
					return resp, err
				}
				continue
			}
			if resp.Status == http.StatusTooManyRequests {
				return resp, c.rateLimited(ctx, op, ra, capped)
			}
		} else if retryableStatus(resp.Status) && attempt < maxAttempts {
			if err := c.pause(ctx, op, attempt, c.retry.backoff(attempt), "status "+strconv.Itoa(resp.Status)); err != nil {
				return resp, err
			}
			continue
		}
		return resp, c.unknownIf(op, ambiguousStatus(resp.Status), c.apiError(ctx, op, resp))
	}
}

// mutation reports whether op changes something at the provider: a request
// that is never repeated, authenticated, and not a login.
func (op *operation) mutation() bool { return !op.allowsRetry() && !op.login && !op.noAuth }

// unknownIf wraps err as a *model.UnknownOutcome when op is a mutation and
// ambiguous holds: the server may have acted on it, and we cannot tell.
func (c *Client) unknownIf(op *operation, ambiguous bool, err error) error {
	if !ambiguous || !op.mutation() || err == nil {
		return err
	}
	return &model.UnknownOutcome{Err: err}
}

// ambiguousStatus is true for answers that do not say whether a mutation
// took effect: a 401 (a server may check credentials after acting, or a
// proxy may answer) and 5xx (the server or a gateway failed, perhaps after
// the change was made). Other 4xx and 429 are refusals: nothing was done.
func ambiguousStatus(code int) bool {
	return code == http.StatusUnauthorized || code >= 500
}

// refusedReplay is true for a refused 307/308: the server asked for the
// request to be sent elsewhere, i.e. it did not act on it here.
func refusedReplay(ae *attemptError) bool {
	var re *RedirectError
	return ae.kind == failRedirect && errors.As(ae.err, &re) && re.replays()
}

// once makes r impossible to send twice below us. net/http's Transport
// silently replays a GET, HEAD, OPTIONS or TRACE (and any request whose
// body it can rewind through GetBody) when a reused keep-alive connection
// dies before the first byte of the answer: which is exactly what a server
// that processes a request and then drops the connection looks like. A
// request whose body cannot be rewound is never replayed; an empty one is
// still sent without a body (the transport probes it and finds EOF).
func once(r *http.Request) {
	r.GetBody = nil
	if r.Body == nil || r.Body == http.NoBody {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			r.Body = io.NopCloser(strings.NewReader(""))
			r.ContentLength = 0
		}
	}
}

// pause logs a retry and sleeps; a cancelled ctx ends the request.
func (c *Client) pause(ctx context.Context, op *operation, attempt int, d time.Duration, reason string) error {
	c.warn(ctx, "http retry", op, attempt, reason, "delay", d)
	if err := c.retry.Sleep(ctx, d); err != nil {
		return c.opErr(op, err)
	}
	return nil
}

// invalidate asks the Auth to drop the credential the failed request used.
func (c *Client) invalidate(sent *http.Request) bool {
	if ri, ok := c.auth.(requestInvalidator); ok && sent != nil {
		return ri.invalidateFor(sent)
	}
	return c.auth.Invalidate()
}
