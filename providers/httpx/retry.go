package httpx

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
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

// maxRetryAfterSeconds keeps absurd Retry-After values from overflowing.
const maxRetryAfterSeconds = 7 * 24 * 3600

// parseRetryAfter reads Retry-After as delta-seconds or an HTTP date.
// ok is false when the header is absent or unparsable.
func parseRetryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			if ne, isNum := err.(*strconv.NumError); isNum && ne.Err == strconv.ErrRange {
				return maxRetryAfterSeconds * time.Second, true
			}
			// Not an integer: maybe a date that starts with a digit; fall through.
		} else {
			return time.Duration(min(n, maxRetryAfterSeconds)) * time.Second, true
		}
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d = t.Sub(now)
	if d < 0 {
		d = 0
	}
	return min(d, maxRetryAfterSeconds*time.Second), true
}

// send runs the attempt loop: retries, Retry-After, and the 401 resend.
func (c *Client) send(ctx context.Context, op *operation) (*Response, error) {
	maxAttempts := 1
	if op.allowsRetry() {
		maxAttempts = c.retry.MaxAttempts
	}
	reauthed := false
	for attempt := 1; ; attempt++ {
		start := time.Now()
		resp, sent, err := c.attempt(ctx, op)
		elapsed := time.Since(start)
		if err != nil {
			ae := err.(*attemptError)
			c.logAttempt(ctx, op, attempt, 0, elapsed, ae)
			// A dial failure means nothing was sent, so even a POST may retry;
			// RetryNever still means never.
			limit := maxAttempts
			if ae.kind == failDial && op.retry != RetryNever {
				limit = c.retry.MaxAttempts
			}
			if !ae.retryable() || attempt >= limit {
				return nil, c.attemptErr(op, ae, attempt)
			}
			if err := c.pause(ctx, op, attempt, c.retry.backoff(attempt), ae.kind.String()); err != nil {
				return nil, err
			}
			continue
		}
		c.logAttempt(ctx, op, attempt, resp.Status, elapsed, nil)
		if resp.Status >= 200 && resp.Status < 300 {
			return resp, nil
		}

		// A 401 means the request was not processed: resend once with fresh
		// credentials, whatever the method. It does not use up a retry.
		if resp.Status == http.StatusUnauthorized && c.auth != nil && !op.noAuth && !reauthed {
			reauthed = true
			if c.invalidate(sent) {
				c.warn(ctx, "http 401: credentials invalidated, resending once", op, attempt, "")
				attempt--
				continue
			}
		}

		if resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable {
			ra, hasRA := parseRetryAfter(resp.Header, c.now())
			if hasRA && ra > c.retry.MaxRetryAfter {
				return resp, c.rateLimited(ctx, op, ra)
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
				return resp, c.rateLimited(ctx, op, ra)
			}
		} else if retryableStatus(resp.Status) && attempt < maxAttempts {
			if err := c.pause(ctx, op, attempt, c.retry.backoff(attempt), "status "+strconv.Itoa(resp.Status)); err != nil {
				return resp, err
			}
			continue
		}
		return resp, c.apiError(ctx, op, resp)
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
