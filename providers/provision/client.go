package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Kind is the provider kind in configs.
const Kind = "provision"

// APIPath is appended to the configured base URL (the instance URL).
const APIPath = "/api/v1/api.php"

// Limits and defaults.
const (
	// MaxQuery is the longest request line sent as GET; longer requests
	// are POSTed (the reference recommends POST above 8 KB).
	MaxQuery = 8 << 10
	// DefaultPageSize is selectCount for block listings.
	DefaultPageSize = 500
	// DefaultMaxBlocks bounds one listing (a server that never sends a
	// short page must not exhaust memory).
	DefaultMaxBlocks = 2_000_000
	// MaxPreviewBlocks bounds a holding tank preview: it is shown whole
	// in a confirmation.
	MaxPreviewBlocks = 100_000
)

// Action names of API v1 (target=ipam).
const (
	ActGet            = "get"
	ActUtilization    = "getHostUtilization"
	ActMaskReport     = "maskReport"
	ActProcessHolding = "processHoldingTank"
	ActSmartAssign    = "smartAssign"
	ActDeassign       = "deassign"
	ActSimpleReassign = "simpleReassign"
)

// Client talks to ProVision API v1: one method per action, context first,
// every request signed (Signer), answers checked for success=0 whatever
// their HTTP status.
type Client struct {
	api     *httpx.Client
	cfg     config
	secrets []string
}

type config struct {
	httpx.Settings // shared options: httpx.WithTimeout, WithLogger, WithBounds ...
	pageSize       int
	entityHandle   string
	holdingID      int64
	previewTTL     time.Duration
}

// Option configures a Client or a Provider: the shared httpx options
// (httpx.WithTimeout, httpx.WithLogger, httpx.WithRetry, httpx.WithClock,
// httpx.WithBounds: MaxItems is the most blocks one listing reads, default
// DefaultMaxBlocks; a million blocks need httpx.WithMaxBody raised too)
// and ProVision's own below.
type Option = httpx.Option

func own(f func(*config)) Option { return httpx.Own(f) }

// WithPageSize sets selectCount for listings (default 500).
func WithPageSize(n int) Option { return own(func(c *config) { c.pageSize = n }) }

// WithEntityHandle sets the LIR's org handle used by deassign and
// simpleReassign when the request does not name one.
func WithEntityHandle(h string) Option { return own(func(c *config) { c.entityHandle = h }) }

// WithHoldingResource names the resource id of the holding tank. Without
// it, a block counts as held when its resource name contains "holding"
// (ProVision's default resource is "6connect holding").
func WithHoldingResource(id int64) Option { return own(func(c *config) { c.holdingID = id }) }

// WithPreviewTTL sets how long a holding tank preview may be used to plan
// the processing (default 10 minutes).
func WithPreviewTTL(d time.Duration) Option { return own(func(c *config) { c.previewTTL = d }) }

func newConfig(opts []Option) (config, error) {
	cfg := config{
		Settings:   httpx.Settings{Provider: Kind, Bounds: httpx.Bounds{MaxItems: DefaultMaxBlocks}},
		pageSize:   DefaultPageSize,
		previewTTL: 10 * time.Minute,
	}
	if err := httpx.Configure(&cfg, "noctop (provision api v1 client)", opts); err != nil {
		return config{}, err
	}
	if cfg.pageSize < 1 || cfg.pageSize > 100_000 {
		cfg.pageSize = DefaultPageSize
	}
	cfg.Bounds = cfg.Bounds.WithDefaults()
	if cfg.previewTTL <= 0 {
		cfg.previewTTL = 10 * time.Minute
	}
	return cfg, nil
}

// NewClient returns a client for the ProVision instance at baseURL
// ("https://ipam.example.net/6c_375"; APIPath is appended to it).
func NewClient(baseURL string, creds Credentials, opts ...Option) (*Client, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	signer, err := NewSigner(creds)
	if err != nil {
		return nil, err
	}
	api, err := httpx.New(baseURL, httpx.WithSettings(cfg.Settings), httpx.WithErrorDecoder(decodeError),
		httpx.WithAuth(signer), httpx.WithSecrets(signer.Secrets()...))
	if err != nil {
		return nil, err
	}
	return &Client{api: api, cfg: cfg, secrets: signer.Secrets()}, nil
}

// BaseURL returns the instance URL.
func (c *Client) BaseURL() string { return c.api.BaseURL() }

// Params are request parameters in the order they were set, so a planned
// request reads like the reference's examples (target, action, then the
// rest) and is signed exactly as shown.
type Params struct {
	keys, vals []string
}

// Set replaces k's value (or adds it).
func (p *Params) Set(k, v string) {
	for i, x := range p.keys {
		if x == k {
			p.vals[i] = v
			return
		}
	}
	p.keys = append(p.keys, k)
	p.vals = append(p.vals, v)
}

// SetInt sets an integer parameter.
func (p *Params) SetInt(k string, v int64) { p.Set(k, strconv.FormatInt(v, 10)) }

// SetBool sets "true" or "false".
func (p *Params) SetBool(k string, v bool) { p.Set(k, strconv.FormatBool(v)) }

// SetMulti sets a multi-value filter of getHostUtilization: one value as
// is, several as a JSON array (["Customer","PTP"]).
func (p *Params) SetMulti(k string, vs []string) {
	switch len(vs) {
	case 0:
	case 1:
		p.Set(k, vs[0])
	default:
		b, _ := json.Marshal(vs)
		p.Set(k, string(b))
	}
}

// Get returns k's value.
func (p Params) Get(k string) string {
	for i, x := range p.keys {
		if x == k {
			return p.vals[i]
		}
	}
	return ""
}

// Len is the number of parameters.
func (p Params) Len() int { return len(p.keys) }

func (p Params) clone() Params {
	return Params{keys: append([]string(nil), p.keys...), vals: append([]string(nil), p.vals...)}
}

// Encode is the parameters as an encoded query (no target/action).
func (p Params) Encode() string {
	var b strings.Builder
	for i, k := range p.keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.vals[i]))
	}
	return b.String()
}

// Request is the unsigned HTTP request of one action: GET with everything
// in the query, or POST with the parameters form-encoded in the body when
// the query would be longer than MaxQuery. target and action always stay
// in the URL. The transport adds apiKey and hash. The server computes the
// hash over its QUERY_STRING only, so a POSTed body is not covered by the
// signature: an API v1 limitation, which is why GET is used whenever the
// request fits.
func Request(action string, p Params) model.HTTPRequest {
	head := APIPath + "?target=ipam&action=" + url.QueryEscape(action)
	rest := p.Encode()
	if rest == "" {
		return model.HTTPRequest{Method: http.MethodGet, Path: head}
	}
	// Room for "&apiKey=…&hash=…" (a 44-byte hash, escaped) on top.
	if len(head)+1+len(rest)+160 <= MaxQuery {
		return model.HTTPRequest{Method: http.MethodGet, Path: head + "&" + rest}
	}
	return model.HTTPRequest{Method: http.MethodPost, Path: head, Body: []byte(rest)}
}

// actionOf returns the action parameter of a planned request path.
func actionOf(path string) string {
	_, q, _ := strings.Cut(path, "?")
	v, _ := url.ParseQuery(q)
	return v.Get("action")
}

func bodyOf(h model.HTTPRequest) any {
	if len(h.Body) == 0 {
		return nil
	}
	return h.Body
}

func formHeader(h model.HTTPRequest) http.Header {
	if len(h.Body) == 0 {
		return nil
	}
	return http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
}

// do sends one request as planned (form body for POST) without looking
// at the answer beyond the HTTP status.
func (c *Client) do(ctx context.Context, h model.HTTPRequest, retry httpx.RetryMode) (*httpx.Response, error) {
	return c.api.Do(ctx, httpx.Request{Method: h.Method, Path: h.Path, Body: bodyOf(h), Header: formHeader(h), Retry: retry}, nil)
}

// envelope checks a 2xx answer's envelope: success 0 becomes an *Error
// carrying the HTTP status.
func (c *Client) envelope(h model.HTTPRequest, resp *httpx.Response) (Envelope, error) {
	action := actionOf(h.Path)
	env, err := parseEnvelope(resp.Body, func(msg string) error {
		return envelopeError(c.cfg.Provider, h.Method, action, resp.Status, msg, c.secrets)
	})
	if err != nil {
		return env, c.wrapBad(h.Method, action, err)
	}
	return env, nil
}

// call sends one request and checks the envelope. It returns the body of
// a successful answer and its envelope.
func (c *Client) call(ctx context.Context, h model.HTTPRequest, retry httpx.RetryMode) (*httpx.Response, Envelope, error) {
	resp, err := c.do(ctx, h, retry)
	if err != nil {
		return resp, Envelope{}, err
	}
	env, err := c.envelope(h, resp)
	return resp, env, err
}

// wrapBad names provider and action on malformed-answer errors (envelope
// errors are already complete).
func (c *Client) wrapBad(method, action string, err error) error {
	if _, ok := err.(*Error); ok {
		return err
	}
	return fmt.Errorf("%s: %s %s (action %s): %w", c.cfg.Provider, method, APIPath, action, err)
}

// read sends a read-only action (retried like a GET, also when POSTed).
func (c *Client) read(ctx context.Context, action string, p Params) (*httpx.Response, Envelope, error) {
	h := Request(action, p)
	return c.call(ctx, h, httpx.RetryAlways)
}

// emptyListMessage recognises a "nothing found" failure of action=get:
// some versions answer success=0 rather than an empty list, which would
// otherwise break paging exactly when the total is a multiple of the page.
var emptyListMessage = regexp.MustCompile(`(?i)^\s*(no|0) (ip )?blocks? (were )?found`)

// GetBlocks reads one page of action=get, decoded as it arrives: at most
// count blocks are read. Blocks that do not decode, and a server sending
// more than count, make the error a *model.Incomplete returned with the
// blocks read.
func (c *Client) GetBlocks(ctx context.Context, filter Params, offset, count int) ([]Block, error) {
	page, err := c.blocksPage(ctx, filter, offset, count)
	if err != nil {
		return nil, err
	}
	in := &model.Incomplete{Provider: c.cfg.Provider, What: "blocks", Got: len(page.blocks), Dropped: page.dropped, DropReason: page.problem}
	if page.overfull {
		in.Truncated, in.Cause = true, model.ErrBadResponse
		in.Reason = fmt.Sprintf("the server sent more than the %d blocks asked for in one page", count)
	}
	return page.blocks, in.Err()
}

// blocksPage reads one page of action=get as it streams in and checks
// its envelope.
func (c *Client) blocksPage(ctx context.Context, filter Params, offset, count int) (blocksPage, error) {
	p := filter.clone()
	p.SetInt("selectCount", int64(count))
	p.SetInt("selectOffset", int64(offset))
	page, err := c.streamBlocks(ctx, ActGet, p, count)
	var e *Error
	if errors.As(err, &e) && emptyListMessage.MatchString(e.API.Message) {
		return blocksPage{}, nil
	}
	return page, err
}

// streamBlocks sends a read-only action answering a list of blocks and
// reads the answer as it streams in, at most max blocks; success 0 is an
// *Error.
func (c *Client) streamBlocks(ctx context.Context, action string, p Params, max int) (blocksPage, error) {
	h := Request(action, p)
	var page blocksPage
	resp, err := c.api.DoStream(ctx, httpx.Request{Method: h.Method, Path: h.Path, Body: bodyOf(h), Header: formHeader(h), Retry: httpx.RetryAlways},
		func(body io.Reader) error {
			var err error
			page, err = decodeBlocksPage(body, max)
			return err
		})
	if err != nil {
		return blocksPage{}, err
	}
	switch {
	case page.success == nil:
		return blocksPage{}, c.wrapBad(h.Method, action, fmt.Errorf("%w: the answer has no \"success\" field", model.ErrBadResponse))
	case !bool(*page.success):
		return blocksPage{}, envelopeError(c.cfg.Provider, h.Method, action, resp.Status, page.message, c.secrets)
	}
	return page, nil
}

// EachPage reads every page of action=get (selectCount/selectOffset until
// a short page, bounded like every listing), handing each page to fn as it
// arrives. The count is of the blocks handed out; an *model.Incomplete
// error says what is missing.
func (c *Client) EachPage(ctx context.Context, filter Params, p *model.Progress, fn func([]Block) error) (int, error) {
	n := 0
	listing := httpx.Listing[struct{}]{Provider: c.cfg.Provider, What: "blocks", Limit: c.cfg.pageSize, Bounds: c.cfg.Bounds, Progress: p}
	_, err := httpx.Offsets(ctx, listing, func(ctx context.Context, offset, limit int) (httpx.Page[struct{}], error) {
		page, err := c.blocksPage(ctx, filter, offset, limit)
		if err != nil {
			return httpx.Page[struct{}]{}, err
		}
		n += len(page.blocks)
		if err := fn(page.blocks); err != nil {
			return httpx.Page[struct{}]{}, err
		}
		// The listing only needs the page's shape.
		return httpx.Page[struct{}]{Items: make([]struct{}, len(page.blocks)), Dropped: page.dropped, Problem: page.problem, Overfull: page.overfull}, nil
	})
	return n, err
}

// HostUtilization runs getHostUtilization (filter must carry type).
func (c *Client) HostUtilization(ctx context.Context, filter Params) (HostUtilization, error) {
	if filter.Get("type") == "" {
		return HostUtilization{}, errorf("getHostUtilization: type is required (ipv4 or ipv6)")
	}
	resp, _, err := c.read(ctx, ActUtilization, filter)
	if err != nil {
		return HostUtilization{}, err
	}
	var u HostUtilization
	if err := httpx.DecodeJSON(resp.Body, &u); err != nil {
		return HostUtilization{}, errBadData(c.cfg.Provider, ActUtilization, err)
	}
	return u, nil
}

// MaskReport runs maskReport.
func (c *Client) MaskReport(ctx context.Context, filter Params) (MaskReport, error) {
	_, env, err := c.read(ctx, ActMaskReport, filter)
	if err != nil {
		return nil, err
	}
	var r MaskReport
	if len(bytes.TrimSpace(env.Data)) == 0 {
		return MaskReport{}, nil
	}
	if err := httpx.DecodeJSON(env.Data, &r); err != nil {
		return nil, errBadData(c.cfg.Provider, ActMaskReport, err)
	}
	return r, nil
}

// PreviewHoldingTank runs processHoldingTank with preview=true: the blocks
// that processing would return to the available pool. Nothing changes. The
// answer is read as it streams in, bounded by max_items; a preview plans a
// mutation, so one that is cut off or has blocks that cannot be read is
// refused rather than shown in part.
func (c *Client) PreviewHoldingTank(ctx context.Context) ([]Block, string, error) {
	var p Params
	p.Set("preview", "true")
	limit := min(c.cfg.Bounds.MaxItems, MaxPreviewBlocks)
	page, err := c.streamBlocks(ctx, ActProcessHolding, p, limit)
	switch {
	case err != nil:
		return nil, "", err
	case page.overfull:
		return nil, "", fmt.Errorf("%s: action %s: %w: the preview has more than %d blocks, more than one confirmation can show", c.cfg.Provider, ActProcessHolding, model.ErrTooLarge, limit)
	case page.dropped > 0:
		return nil, "", errBadData(c.cfg.Provider, ActProcessHolding, fmt.Errorf("%d of %d blocks in the preview could not be read: %s", page.dropped, page.dropped+len(page.blocks), page.problem))
	}
	return page.blocks, page.message, nil
}

// send sends a planned action verbatim, once (actions are never retried).
// A 2xx answer whose envelope cannot be read leaves the outcome unknown: the
// server took the request, and only a re-read can say what it did.
func (c *Client) send(ctx context.Context, h model.HTTPRequest) (*httpx.Response, Envelope, error) {
	resp, env, err := c.call(ctx, h, httpx.RetryNever)
	var e *Error
	if err != nil && resp != nil && resp.Status/100 == 2 && !errors.As(err, &e) && !errors.Is(err, model.ErrOutcomeUnknown) {
		err = &model.UnknownOutcome{Err: err}
	}
	return resp, env, err
}

// phpList decodes a list, also when PHP sent it as an object keyed by
// position or id (values in key order), or as null.
func phpList[T any](raw json.RawMessage) ([]T, error) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || string(b) == "null" || string(b) == "{}" {
		return nil, nil
	}
	if b[0] == '[' {
		var out []T
		err := httpx.DecodeJSON(b, &out)
		return out, err
	}
	if b[0] == '{' {
		var probe map[string]json.RawMessage
		if err := httpx.DecodeJSON(b, &probe); err != nil {
			return nil, err
		}
		if _, one := probe["cidr"]; one {
			// A single object rather than a list of one.
			var v T
			err := httpx.DecodeJSON(b, &v)
			return []T{v}, err
		}
		// An object of objects: keep the server's key order.
		dec := json.NewDecoder(bytes.NewReader(b))
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		var out []T
		for dec.More() {
			if _, err := dec.Token(); err != nil { // key
				return nil, fmt.Errorf("%w: %v", model.ErrBadResponse, err)
			}
			var v T
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("%w: %v", model.ErrBadResponse, err)
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: data is neither a list nor an object", model.ErrBadResponse)
}
