package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/noctop/noctop/model"
)

const (
	defaultTimeout = 30 * time.Second
	defaultMaxBody = 32 << 20
	// errorBodyCap bounds how much of a non-2xx body we keep for decoding:
	// error documents are small, and a huge HTML error page is not worth it.
	errorBodyCap = 64 << 10
)

// Client sends requests to one provider's API. It is safe for concurrent use.
type Client struct {
	set      Settings // as configured; the fields below are resolved from it
	base     *url.URL
	provider string
	hc       *http.Client
	timeout  time.Duration
	auth     Auth
	retry    RetryPolicy
	maxBody  int64
	log      *slog.Logger
	decodeFn ErrorDecoder
	header   http.Header
	secrets  []string
	now      func() time.Time // for Retry-After HTTP dates
}

func (c *Client) httpxSettings() *Settings { return &c.set }

// NewWithLogin is New for a provider that logs in with credentials of
// its own (a token endpoint): login, nil when the client has none, returns
// the Auth and the secrets every log line and error must redact.
func NewWithLogin(baseURL string, s Settings, decode ErrorDecoder, login func() (Auth, []string, error)) (*Client, error) {
	var auth Auth
	var secrets []string
	if login != nil {
		var err error
		if auth, secrets, err = login(); err != nil {
			return nil, err
		}
	}
	return New(baseURL, WithSettings(s), WithErrorDecoder(decode), WithAuth(auth), WithSecrets(secrets...))
}

// New returns a client for baseURL, which may carry a path
// ("http://127.0.0.1:9/api/v2"): request paths are appended to it.
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		// url.Parse errors quote the input, which may hold credentials.
		return nil, fmt.Errorf("httpx: invalid base URL %q", Redact(redactUserinfo(baseURL)))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("httpx: base URL %q: scheme must be http or https", Redact(redactUserinfo(baseURL)))
	case u.Host == "":
		return nil, fmt.Errorf("httpx: base URL %q: missing host", Redact(redactUserinfo(baseURL)))
	case u.User != nil:
		return nil, errors.New("httpx: base URL must not carry credentials; configure them as a secret reference")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("httpx: base URL %q must not carry a query or fragment", Redact(u.Scheme+"://"+u.Host+u.EscapedPath()))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")

	c := &Client{
		base:     u,
		decodeFn: DecodeProblem,
		header:   http.Header{},
	}
	if err := Apply(c, opts); err != nil {
		return nil, err
	}
	s := c.set
	c.provider = s.Provider
	c.hc = s.HTTPClient
	if c.hc == nil {
		c.hc = &http.Client{Transport: defaultTransport()}
	}
	// Whoever built the *http.Client, the redirect policy is ours (on a
	// copy: the caller's client is left as it was).
	c.hc = withRedirectPolicy(c.hc)
	c.timeout = cmpOr(s.Timeout, defaultTimeout)
	c.retry = RetryPolicy{}.withDefaults()
	if s.Retry != nil {
		c.retry = s.Retry.withDefaults()
	}
	c.maxBody = min(cmpOr(s.MaxBody, defaultMaxBody), 1<<40) // leaves room for the cap+1 read
	c.log = s.Logger
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.now = s.Clock
	if c.now == nil {
		c.now = time.Now
	}
	if s.UserAgent != "" && c.header.Get("User-Agent") == "" {
		c.header.Set("User-Agent", s.UserAgent)
	}
	return c, nil
}

// cmpOr is v when it is positive, else def.
func cmpOr[T int64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// defaultTransport allows enough idle connections per host for concurrent
// paging; http.DefaultTransport keeps only 2 and would reconnect constantly.
func defaultTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	return t
}

// BaseURL returns the normalised base URL (no trailing slash).
func (c *Client) BaseURL() string { return c.base.String() }

// Provider returns the label set with WithProvider.
func (c *Client) Provider() string { return c.provider }

// Settings returns the settings the client was configured with.
func (c *Client) Settings() Settings { return c.set }

// The options below are the Client's own (Own): a provider client sets
// them itself when it builds its Client.

// WithAuth sets how requests are authenticated.
func WithAuth(a Auth) Option { return Own(func(c *Client) { c.auth = a }) }

// WithErrorDecoder sets the decoder for non-2xx bodies (default DecodeProblem).
func WithErrorDecoder(d ErrorDecoder) Option {
	return Own(func(c *Client) {
		if d != nil {
			c.decodeFn = d
		}
	})
}

// WithHeader adds a header sent on every request. A request's own Header
// overrides it.
func WithHeader(key, value string) Option {
	return Own(func(c *Client) { c.header.Set(key, value) })
}

// WithSecrets adds strings to redact from every error and log line
// (client secrets, passwords, API keys). Strings shorter than 4 are ignored.
func WithSecrets(s ...string) Option {
	return Own(func(c *Client) { c.secrets = append(c.secrets, s...) })
}

// Request is one API call.
type Request struct {
	Method string
	Path   string     // relative to the base URL's path; may carry a query
	Query  url.Values // merged into the URL query
	Body   any        // nil: no body; []byte / json.RawMessage: verbatim; else JSON-encoded
	Header http.Header
	Retry  RetryMode
	NoAuth bool // do not apply Auth (token endpoints)
	// Login marks a login or token request: its body carries credentials,
	// so it is never redirected and never sent twice.
	Login bool
}

// Response is a received response with its size-capped body (for non-2xx
// statuses at most the first 64 KiB, which is all an error decoder needs).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Sends is how many times the request went out to get this answer
	// (1 for a request that is never repeated).
	Sends int
}

// Do sends req, retrying only when req.Retry allows, and JSON-decodes a 2xx
// body into out when out != nil (an empty body is only accepted for statuses
// other than 200, e.g. 202 and 204).
//
// Every returned error is redacted and names provider, method and path (never
// the query): *model.APIError for non-2xx (the Response is returned too),
// *model.RateLimited for throttling we will not wait out, errors wrapping
// model.ErrTooLarge or model.ErrBadResponse, a *RedirectError for a redirect
// the policy refused (redirect.go), and wrapped transport errors
// (errors.Is(err, context.DeadlineExceeded) holds for timeouts).
//
// A request that is not repeatable (see RetryMode) is sent at most once;
// when it may have reached the server and no definite answer came back
// (401, 5xx, timeout, reset, an unreadable 2xx), the error is a
// *model.UnknownOutcome around the above (errors.Is(err,
// model.ErrOutcomeUnknown)). Sends tells how often a request went out.
func (c *Client) Do(ctx context.Context, req Request, out any) (*Response, error) {
	op, err := c.prepare(req)
	if err != nil {
		return nil, err
	}
	// A 2xx body that does not decode is sent once more when the request is
	// safe to repeat: a garbled response from a proxy or an overloaded
	// server is usually transient, and the operator's view depends on it.
	decodeTries := 1
	if op.allowsRetry() {
		decodeTries = 2
	}
	for try := 1; ; try++ {
		resp, err := c.send(ctx, op)
		if err != nil {
			return resp, err
		}
		if out == nil || resp.Status == http.StatusNoContent || (len(resp.Body) == 0 && resp.Status != http.StatusOK) {
			return resp, nil
		}
		derr := DecodeJSON(resp.Body, out)
		if derr == nil {
			return resp, nil
		}
		if try >= decodeTries || ctx.Err() != nil {
			// A mutation answered 2xx with a body we cannot read did
			// something, we cannot say what: the caller re-reads.
			return resp, c.unknownIf(op, true, c.opErr(op, derr))
		}
		c.warn(ctx, "undecodable response, sending again", op, 0, derr.Error())
	}
}

// operation is a prepared request: everything needed to build each attempt.
type operation struct {
	method  string
	path    string // request path without query, for errors and logs
	url     *url.URL
	body    []byte
	hasBody bool
	header  http.Header
	retry   RetryMode
	noAuth  bool
	login   bool
	stream  func(body io.Reader) error // DoStream: consumes a 2xx body instead of reading it whole
}

func (c *Client) prepare(req Request) (*operation, error) {
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	op := &operation{method: method, retry: req.Retry, noAuth: req.NoAuth, login: req.Login}
	ref, err := url.Parse(req.Path)
	if err != nil {
		op.path = pathOnly(req.Path)
		return nil, c.opErr(op, errors.New("invalid request path"))
	}
	op.path = "/" + strings.TrimLeft(ref.Path, "/")
	if op.url, err = c.resolve(ref); err != nil {
		return nil, c.opErr(op, err)
	}
	if len(req.Query) > 0 {
		q := op.url.Query()
		for k, vs := range req.Query {
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		op.url.RawQuery = q.Encode()
	}

	op.header = c.header.Clone()
	if op.header.Get("Accept") == "" {
		op.header.Set("Accept", "application/json, application/problem+json")
	}
	switch b := req.Body.(type) {
	case nil:
	case io.Reader:
		// A reader cannot be resent on retry and would JSON-encode as {}.
		return nil, c.opErr(op, errors.New("request body must be []byte, json.RawMessage or a value to JSON-encode, not an io.Reader"))
	case []byte:
		op.body, op.hasBody = b, true
	case json.RawMessage:
		op.body, op.hasBody = b, true
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return nil, c.opErr(op, fmt.Errorf("encoding request body: %w", err))
		}
		op.body, op.hasBody = enc, true
	}
	if op.hasBody {
		op.header.Set("Content-Type", "application/json")
	}
	for k, vs := range req.Header {
		op.header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	return op, nil
}

// resolve appends ref's path to the base path. An absolute ref is accepted
// only on the base URL's own scheme and host (a "next" link), so credentials
// are never sent to another origin.
func (c *Client) resolve(ref *url.URL) (*url.URL, error) {
	u := *c.base
	if ref.Scheme != "" || ref.Host != "" {
		if ref.Scheme != c.base.Scheme || ref.Host != c.base.Host {
			return nil, errors.New("absolute URL to another origin refused")
		}
		u.Path, u.RawPath, u.RawQuery = ref.Path, ref.RawPath, ref.RawQuery
		return &u, nil
	}
	escaped := c.base.EscapedPath() + "/" + strings.TrimLeft(ref.EscapedPath(), "/")
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return nil, errors.New("invalid request path")
	}
	u.Path, u.RawPath, u.RawQuery = p, escaped, ref.RawQuery
	return &u, nil
}

// attempt sends one request and reads its body under the per-attempt timeout.
func (c *Client) attempt(ctx context.Context, op *operation) (*Response, *http.Request, error) {
	var body io.Reader
	if op.hasBody {
		body = bytes.NewReader(op.body)
	}
	r, err := http.NewRequestWithContext(ctx, op.method, op.url.String(), body)
	if err != nil {
		var ue *url.Error // quotes the URL, query included
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, nil, &attemptError{kind: failRequest, err: err}
	}
	r.Header = op.header.Clone()
	if op.hasBody {
		b := op.body
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	if !op.allowsRetry() {
		once(r)
	}
	if c.auth != nil && !op.noAuth {
		// Apply runs with the caller's ctx: a token fetch has its own timeout.
		if err := c.auth.Apply(ctx, r); err != nil {
			return nil, r, &attemptError{kind: failAuth, err: err}
		}
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var wrote atomic.Bool // the request (its headers at least) may have reached the server
	tctx := httptrace.WithClientTrace(actx, &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }})
	switch {
	case op.login:
		tctx = noRedirects(tctx, whyLogin)
	case !op.allowsRetry():
		tctx = noRedirects(tctx, whyOnce)
	}
	r = r.WithContext(tctx)

	hr, err := c.hc.Do(r)
	if err != nil {
		ae := c.transportError(ctx, actx, err)
		ae.sent = wrote.Load()
		return nil, r, ae
	}
	defer hr.Body.Close()
	resp := &Response{Status: hr.StatusCode, Header: hr.Header}
	limit := c.maxBody
	ok := hr.StatusCode >= 200 && hr.StatusCode < 300
	if !ok && limit > errorBodyCap {
		limit = errorBodyCap
	}
	if ok && hr.ContentLength > limit && op.method != http.MethodHead {
		return nil, r, &attemptError{kind: failTooLarge, sent: true, err: fmt.Errorf("%w: Content-Length %d exceeds the %d byte cap", model.ErrTooLarge, hr.ContentLength, limit)}
	}
	if ok && op.stream != nil && op.method != http.MethodHead {
		if ae := c.streamBody(ctx, actx, op, hr, limit); ae != nil {
			return nil, r, ae
		}
		return resp, r, nil
	}
	b, err := io.ReadAll(io.LimitReader(hr.Body, limit+1))
	if int64(len(b)) > limit {
		if !ok {
			b = b[:limit] // an error page is only decoded, never returned whole
		} else {
			return nil, r, &attemptError{kind: failTooLarge, sent: true, err: fmt.Errorf("%w: body exceeds the %d byte cap", model.ErrTooLarge, limit)}
		}
		err = nil
	}
	resp.Body = b
	if err != nil && !ok && ctx.Err() == nil {
		// The status is what matters; a cut-off error page is still decodable
		// enough, and the status decides about retries.
		err = nil
	}
	if err != nil {
		if ctx.Err() == nil && actx.Err() == nil && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
			msg := fmt.Sprintf("truncated body after %d bytes", len(b))
			if hr.ContentLength > 0 {
				msg = fmt.Sprintf("truncated body: got %d of %d bytes", len(b), hr.ContentLength)
			}
			return nil, r, &attemptError{kind: failTruncated, sent: true, err: fmt.Errorf("%w: %s", model.ErrBadResponse, msg)}
		}
		ae := c.transportError(ctx, actx, err)
		ae.err = fmt.Errorf("reading body: %w", ae.err)
		ae.sent = true
		return nil, r, ae
	}
	return resp, r, nil
}
