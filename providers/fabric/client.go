package fabric

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Paths of the Fabric v4 operations noctop uses.
const (
	SearchPath   = "/fabric/v4/connections/search"
	ConnPath     = "/fabric/v4/connections/" // + {connectionId}
	ValidatePath = "/fabric/v4/connections/validate"
	PortsPath    = "/fabric/v4/ports"
	MetrosPath   = "/fabric/v4/metros"
)

// Defaults.
const (
	DefaultPageLimit   = 100 // the most the search accepts
	DefaultConcurrency = 8   // search pages in flight
	DefaultTokenSkew   = 60 * time.Second
)

// Client talks to the Fabric v4 API: one method per operation, context
// first, typed errors from providers/httpx (model.APIError with the
// ErrorList's code, message, details and correlation id).
type Client struct {
	api *httpx.Client
	cfg config
}

type config struct {
	name        string
	httpClient  *http.Client
	timeout     time.Duration
	logger      *slog.Logger
	retry       *httpx.RetryPolicy
	maxBody     int64
	concurrency int
	pageLimit   int
	now         func() time.Time
	userAgent   string
	tokenSkew   time.Duration
	creds       *Credentials
	auth        httpx.Auth
	filter      *Expression
	bounds      httpx.Bounds
}

// Option configures a Client or a Provider.
type Option func(*config)

// WithHTTPClient sets the HTTP client (transport, proxies, TLS).
func WithHTTPClient(hc *http.Client) Option { return func(c *config) { c.httpClient = hc } }

// WithTimeout sets the per-attempt timeout (default 30s).
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithLogger sets the logger (default: discard). Lines never carry secrets.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithRetry sets the retry policy for idempotent requests (httpx defaults
// otherwise). Mutations and logins are never retried whatever the policy.
func WithRetry(p httpx.RetryPolicy) Option { return func(c *config) { c.retry = &p } }

// WithMaxBody caps response bodies (default 32 MiB).
func WithMaxBody(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithConcurrency sets how many search pages are fetched at once
// (default 8; 1 reads page by page).
func WithConcurrency(n int) Option { return func(c *config) { c.concurrency = n } }

// WithPageLimit sets the search page size (1..100, default 100).
func WithPageLimit(n int) Option { return func(c *config) { c.pageLimit = n } }

// WithClock replaces time.Now for token expiry and result timestamps.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *config) { c.userAgent = ua } }

// WithTokenSkew sets how long before expiry a token is renewed (default 60s).
func WithTokenSkew(d time.Duration) Option { return func(c *config) { c.tokenSkew = d } }

// WithCredentials authenticates the client (New does this for you).
func WithCredentials(cr Credentials) Option { return func(c *config) { c.creds = &cr } }

// WithAuth uses a ready-made httpx.Auth instead of Credentials.
func WithAuth(a httpx.Auth) Option { return func(c *config) { c.auth = a } }

// WithFilter restricts which connections Provider.Connections lists (the
// search filter; default: all).
func WithFilter(e Expression) Option { return func(c *config) { c.filter = &e } }

// WithBounds bounds one listing: connections kept, pages read, time for
// all of them (httpx defaults: 1,000,000 items, 100,000 pages, 2 minutes).
func WithBounds(b httpx.Bounds) Option { return func(c *config) { c.bounds = b } }

// withName labels errors and log lines with the provider instance name.
func withName(n string) Option { return func(c *config) { c.name = n } }

func newConfig(opts []Option) config {
	cfg := config{
		name:        "fabric",
		timeout:     30 * time.Second,
		logger:      slog.New(slog.DiscardHandler),
		concurrency: DefaultConcurrency,
		pageLimit:   DefaultPageLimit,
		now:         time.Now,
		userAgent:   "noctop (fabric v4 client)",
		tokenSkew:   DefaultTokenSkew,
	}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.bounds = cfg.bounds.WithDefaults()
	if cfg.pageLimit < 1 || cfg.pageLimit > 100 {
		cfg.pageLimit = DefaultPageLimit
	}
	if cfg.concurrency < 1 {
		cfg.concurrency = 1
	}
	if cfg.httpClient == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// Keep a connection per page in flight (the default keeps 2).
		tr.MaxIdleConnsPerHost = cfg.concurrency + 2
		cfg.httpClient = &http.Client{Transport: tr}
	}
	return cfg
}

// NewClient returns a client for baseURL ("https://api.equinix.com", or a
// simulator's URL; a path prefix is kept).
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg := newConfig(opts)
	auth := cfg.auth
	var secrets []string
	if cfg.creds != nil {
		a, err := newAuth(baseURL, *cfg.creds, &cfg)
		if err != nil {
			return nil, err
		}
		auth = a
		secrets = cfg.creds.secrets()
	}
	hopts := []httpx.Option{
		httpx.WithProvider(cfg.name),
		httpx.WithHTTPClient(cfg.httpClient),
		httpx.WithTimeout(cfg.timeout),
		httpx.WithLogger(cfg.logger),
		httpx.WithErrorDecoder(decodeError),
		httpx.WithSecrets(secrets...),
		httpx.WithHeader("User-Agent", cfg.userAgent),
	}
	if auth != nil {
		hopts = append(hopts, httpx.WithAuth(auth))
	}
	if cfg.retry != nil {
		hopts = append(hopts, httpx.WithRetry(*cfg.retry))
	}
	if cfg.maxBody > 0 {
		hopts = append(hopts, httpx.WithMaxBody(cfg.maxBody))
	}
	api, err := httpx.New(baseURL, hopts...)
	if err != nil {
		return nil, err
	}
	return &Client{api: api, cfg: cfg}, nil
}

// BaseURL returns the API base URL.
func (c *Client) BaseURL() string { return c.api.BaseURL() }

// validID accepts Fabric identifiers (UUIDs and similar); anything else
// (slashes, dots, empty) would change the request path.
var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

func connPath(id, suffix string) (string, error) {
	if !validID.MatchString(id) {
		return "", fmt.Errorf("%w: fabric: invalid connection id %q", model.ErrNotFound, truncate(id, 60))
	}
	return ConnPath + url.PathEscape(id) + suffix, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// SearchConnections runs one search (one page). The search is read-only, so
// it is retried like a GET. The page is decoded as it arrives and at most
// the page limit asked for is read (DefaultPageLimit when none is): a
// server sending more, or connections that cannot be read (no uuid), make
// the error a *model.Incomplete returned with what was read.
func (c *Client) SearchConnections(ctx context.Context, req SearchRequest) (ConnectionSearchResponse, error) {
	limit := DefaultPageLimit
	if req.Pagination != nil && req.Pagination.Limit > 0 {
		limit = req.Pagination.Limit
	}
	p, err := c.searchPage(ctx, req, limit)
	if err != nil {
		return ConnectionSearchResponse{}, err
	}
	out := ConnectionSearchResponse{Pagination: p.Pagination, Data: p.Data}
	in := &model.Incomplete{Provider: c.cfg.name, What: "connections", Got: len(p.Data), Dropped: p.Dropped, DropReason: p.Problem}
	if p.Overfull {
		in.Truncated, in.Cause = true, model.ErrBadResponse
		in.Reason = fmt.Sprintf("the server sent more than the %d connections asked for in one page", limit)
	}
	return out, in.Err()
}

// searchPage runs one search and streams its answer: at most limit
// connections are read, those without a uuid are counted, not kept.
func (c *Client) searchPage(ctx context.Context, req SearchRequest, limit int) (searchPage, error) {
	var page searchPage
	_, err := c.api.DoStream(ctx, httpx.Request{Method: http.MethodPost, Path: SearchPath, Body: req, Retry: httpx.RetryAlways},
		func(body io.Reader) error {
			var err error
			page, err = decodeSearch(body, limit, true)
			return err
		})
	if err != nil {
		return searchPage{}, err
	}
	return page, nil
}

// GetConnection reads one connection.
func (c *Client) GetConnection(ctx context.Context, id string) (Connection, error) {
	p, err := connPath(id, "")
	if err != nil {
		return Connection{}, err
	}
	var out Connection
	if _, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: p}, &out); err != nil {
		return Connection{}, err
	}
	if err := out.DecodeError(); err != nil {
		return Connection{}, fmt.Errorf("%s: GET %s: %w", c.cfg.name, p, err)
	}
	return out, nil
}

// UpdateConnection applies JSON-patch style operations
// (PATCH /fabric/v4/connections/{id}, application/json-patch+json). Never
// retried.
func (c *Client) UpdateConnection(ctx context.Context, id string, ops []ConnectionChangeOperation) (Connection, error) {
	p, err := connPath(id, "")
	if err != nil {
		return Connection{}, err
	}
	if len(ops) == 0 {
		return Connection{}, errorf("update of %s: no operations", id)
	}
	var out Connection
	_, err = c.api.Do(ctx, httpx.Request{
		Method: http.MethodPatch, Path: p, Body: ops, Retry: httpx.RetryNever,
		Header: http.Header{"Content-Type": {"application/json-patch+json"}},
	}, &out)
	return out, err
}

// ConnectionAction posts an action (approve, reject ...). Actions are not
// idempotent: never retried.
func (c *Client) ConnectionAction(ctx context.Context, id string, req ConnectionActionRequest) (ConnectionAction, error) {
	p, err := connPath(id, "/actions")
	if err != nil {
		return ConnectionAction{}, err
	}
	var out ConnectionAction
	_, err = c.api.Do(ctx, httpx.Request{Method: http.MethodPost, Path: p, Body: req, Retry: httpx.RetryNever}, &out)
	return out, err
}

// ListMetros returns every metro, reading all pages.
func (c *Client) ListMetros(ctx context.Context) ([]Metro, error) {
	return httpx.OffsetPages(ctx, 100, 2, nil, func(ctx context.Context, offset, limit int) ([]Metro, int, error) {
		var out MetroResponse
		q := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(limit)}}
		if _, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: MetrosPath, Query: q}, &out); err != nil {
			return nil, 0, err
		}
		total := -1
		if out.Pagination != nil {
			total = out.Pagination.Total
		}
		return out.Data, total, nil
	})
}

// ValidateConnection validates an authorization key (cloud provider
// connections). It has no side effects, so it is retried like a GET.
func (c *Client) ValidateConnection(ctx context.Context, req ValidateRequest) (ValidateResponse, error) {
	var out ValidateResponse
	_, err := c.api.Do(ctx, httpx.Request{Method: http.MethodPost, Path: ValidatePath, Body: req, Retry: httpx.RetryAlways}, &out)
	return out, err
}

// send sends a planned request verbatim, once.
func (c *Client) send(ctx context.Context, h model.HTTPRequest) (*httpx.Response, error) {
	var body any
	if h.Body != nil {
		body = json.RawMessage(h.Body)
	}
	req := httpx.Request{Method: h.Method, Path: h.Path, Body: body, Retry: httpx.RetryNever}
	if h.ContentType != "" {
		req.Header = http.Header{"Content-Type": {h.ContentType}}
	}
	return c.api.Do(ctx, req, nil)
}
