package fabric

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	httpx.Settings // shared options: httpx.WithTimeout, WithLogger, WithRetry ...
	concurrency    int
	pageLimit      int
	tokenSkew      time.Duration
	creds          *Credentials
	filter         *Expression
}

// Option configures a Client or a Provider: the shared httpx options
// (httpx.WithTimeout, httpx.WithLogger, httpx.WithRetry, httpx.WithClock ...)
// and Fabric's own below.
type Option = httpx.Option

func own(f func(*config)) Option { return httpx.Own(f) }

// WithConcurrency sets how many search pages are fetched at once
// (default 8; 1 reads page by page).
func WithConcurrency(n int) Option { return own(func(c *config) { c.concurrency = n }) }

// WithPageLimit sets the search page size (1..100, default 100).
func WithPageLimit(n int) Option { return own(func(c *config) { c.pageLimit = n }) }

// WithTokenSkew sets how long before expiry a token is renewed (default 60s).
func WithTokenSkew(d time.Duration) Option { return own(func(c *config) { c.tokenSkew = d }) }

// WithCredentials authenticates the client (New does this for you).
func WithCredentials(cr Credentials) Option { return own(func(c *config) { c.creds = &cr }) }

// WithFilter restricts which connections Provider.Connections lists (the
// search filter; default: all).
func WithFilter(e Expression) Option { return own(func(c *config) { c.filter = &e }) }

func newConfig(opts []Option) (config, error) {
	cfg := config{
		Settings:    httpx.Settings{Provider: Kind},
		concurrency: DefaultConcurrency,
		pageLimit:   DefaultPageLimit,
		tokenSkew:   DefaultTokenSkew,
	}
	if err := httpx.Configure(&cfg, "noctop (fabric v4 client)", opts); err != nil {
		return config{}, err
	}
	cfg.Bounds = cfg.Bounds.WithDefaults()
	if cfg.pageLimit < 1 || cfg.pageLimit > 100 {
		cfg.pageLimit = DefaultPageLimit
	}
	if cfg.concurrency < 1 {
		cfg.concurrency = 1
	}
	return cfg, nil
}

// NewClient returns a client for baseURL ("https://api.equinix.com", or a
// simulator's URL; a path prefix is kept).
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	var login func() (httpx.Auth, []string, error)
	if creds := cfg.creds; creds != nil {
		login = func() (httpx.Auth, []string, error) {
			auth, err := newAuth(baseURL, *creds, &cfg)
			return auth, creds.secrets(), err
		}
	}
	api, err := httpx.NewWithLogin(baseURL, cfg.Settings, decodeError, login)
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
	in := &model.Incomplete{Provider: c.cfg.Provider, What: "connections", Got: len(p.Data), Dropped: p.Dropped, DropReason: p.Problem}
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
		return Connection{}, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, p, err)
	}
	return out, nil
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
