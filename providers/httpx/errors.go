package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
)

// failKind classifies why an attempt produced no usable response.
type failKind int

const (
	failTransport failKind = iota // connection reset, EOF, ...: retryable
	failDial                      // nothing was sent: retryable even for POST
	failTimeout                   // per-attempt timeout: retryable
	failTruncated                 // body shorter than announced: retryable
	failCanceled                  // caller's ctx done: never retried
	failRequest                   // request could not be built
	failAuth                      // Auth.Apply failed (token fetch): never retried here
	failTooLarge                  // body over the cap
	failTLS                       // certificate problems do not fix themselves
	failRedirect                  // a redirect the policy refused (redirect.go)
	failBody                      // a stream consumer refused the body (bad JSON, a bound): not retried
)

func (k failKind) String() string {
	switch k {
	case failDial:
		return "connect failed"
	case failTimeout:
		return "timeout"
	case failTruncated:
		return "truncated body"
	case failCanceled:
		return "canceled"
	case failAuth:
		return "auth failed"
	case failTooLarge:
		return "body too large"
	case failTLS:
		return "tls"
	case failRequest:
		return "bad request"
	case failRedirect:
		return "redirect refused"
	case failBody:
		return "undecodable body"
	}
	return "transport error"
}

type attemptError struct {
	kind failKind
	err  error
	sent bool // the request may have reached the server (its headers were written)
}

func (e *attemptError) Error() string { return e.err.Error() }

func (e *attemptError) retryable() bool {
	switch e.kind {
	case failTransport, failDial, failTimeout, failTruncated:
		return true
	}
	return false
}

// transportError classifies an error from sending or reading. ctx is the
// caller's, actx the attempt's (with the per-attempt timeout).
func (c *Client) transportError(ctx, actx context.Context, err error) *attemptError {
	// *url.Error quotes the full URL, query included: keep only the cause.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var re *RedirectError
	if errors.As(err, &re) {
		return &attemptError{kind: failRedirect, err: re}
	}
	if ctx.Err() != nil {
		return &attemptError{kind: failCanceled, err: ctx.Err()}
	}
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &attemptError{kind: failTimeout, err: fmt.Errorf("timeout after %s: %w", c.timeout, context.DeadlineExceeded)}
	}
	var (
		unknownCA x509.UnknownAuthorityError
		certErr   x509.CertificateInvalidError
		hostErr   x509.HostnameError
		recErr    tls.RecordHeaderError
		verifyErr *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &certErr) || errors.As(err, &hostErr) ||
		errors.As(err, &recErr) || errors.As(err, &verifyErr) {
		return &attemptError{kind: failTLS, err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &attemptError{kind: failTimeout, err: err}
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return &attemptError{kind: failDial, err: err}
	}
	return &attemptError{kind: failTransport, err: err}
}

// requestError is a redacted failure that names provider, method and path and
// keeps its cause for errors.Is / errors.As.
type requestError struct {
	msg   string
	err   error
	sends int // times the request went out (0: never sent)
}

func (e *requestError) Error() string { return e.msg }
func (e *requestError) Unwrap() error { return e.err }

// clean makes a message safe for an operator's screen and logs: secrets
// redacted, control characters (a hostile server's terminal escapes) removed.
func (c *Client) clean(s string) string { return Sanitize(c.redact(s)) }

func (c *Client) prefix(op *operation) string {
	p := op.method + " " + op.path
	if c.provider != "" {
		p = c.provider + ": " + p
	}
	return p
}

// opErr wraps err with the request's identity, redacted.
func (c *Client) opErr(op *operation, err error) error {
	return &requestError{msg: c.clean(c.prefix(op) + ": " + err.Error()), err: err}
}

func (c *Client) attemptErr(op *operation, ae *attemptError, attempts int) error {
	if ae.kind == failAuth {
		// The cause is usually the token endpoint's own *model.APIError:
		// keep it reachable (errors.As) and avoid repeating the provider.
		msg := strings.TrimPrefix(ae.err.Error(), c.provider+": ")
		return &requestError{msg: c.clean(c.prefix(op) + ": getting credentials: " + truncateRunes(msg, 2*maxCauseRunes)), err: ae.err}
	}
	// Bounded: a transport error can quote what the server sent (an
	// unparsable Location header, for one).
	msg := c.prefix(op) + ": " + truncateRunes(ae.err.Error(), maxCauseRunes)
	if attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", attempts)
	}
	return &requestError{msg: c.clean(msg), err: ae.err}
}

// maxCauseRunes bounds the cause quoted in a request error.
const maxCauseRunes = 300

// Sends reports how many times a request was sent, from what Client.Do
// returned: the Response when there is one, else the error. Providers put
// it into model.Result so the audit log records it.
func Sends(resp *Response, err error) int {
	if resp != nil {
		return resp.Sends
	}
	var re *requestError
	if errors.As(err, &re) {
		return re.sends
	}
	return 0
}

// rateLimited is the typed error for throttling we do not wait out. RetryAt
// is absolute, so a status bar can say when refreshes resume however long
// the error sits in a snapshot.
func (c *Client) rateLimited(ctx context.Context, op *operation, d time.Duration, capped bool) error {
	c.warn(ctx, "http rate limited", op, 0, "", "retry_after", d, "capped", capped)
	e := &model.RateLimited{Provider: c.provider, RetryAfter: d, Capped: capped}
	if d > 0 {
		e.RetryAt = c.now().Add(d)
	}
	return e
}

// apiError builds the typed error for a non-2xx response. The decoder sees
// hostile input: a panic there becomes a plain error, and every field is
// redacted and stripped of control characters before it can reach a screen.
func (c *Client) apiError(ctx context.Context, op *operation, resp *Response) error {
	e := &model.APIError{}
	func() {
		defer func() {
			if recover() != nil {
				*e = model.APIError{Message: "unreadable error body"}
			}
		}()
		c.decodeFn(resp.Status, resp.Header, resp.Body, e)
	}()
	e.Provider, e.Method, e.Path, e.Status = c.provider, op.method, op.path, resp.Status
	secrets := c.allSecrets()
	clean := func(s string, n int) string { return truncateRunes(Sanitize(Redact(s, secrets...)), n) }
	e.Path = clean(e.Path, 300)
	e.Code = clean(e.Code, 100)
	e.Message = clean(e.Message, 500)
	e.Details = clean(e.Details, 500)
	e.CorrelationID = clean(e.CorrelationID, 100)
	if e.Message == "" && e.Problem == nil {
		e.Message = http.StatusText(resp.Status)
	}
	if p := e.Problem; p != nil {
		cp := *p
		cp.Type, cp.Title = clean(cp.Type, 300), clean(cp.Title, 300)
		cp.Detail, cp.Instance = clean(cp.Detail, 500), clean(cp.Instance, 300)
		props := make([]model.ProblemProperty, 0, min(len(cp.Properties), 20))
		for _, pp := range cp.Properties[:min(len(cp.Properties), 20)] {
			props = append(props, model.ProblemProperty{Name: clean(pp.Name, 100), Reason: clean(pp.Reason, 300)})
		}
		cp.Properties = props
		e.Problem = &cp
	}
	c.warn(ctx, "http error", op, 0, "status "+fmt.Sprint(resp.Status))
	return e
}
