package ixapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Collection paths (relative to the base URL, which carries /api/v2).
const (
	PathMetroAreas        = "/metro-areas"
	PathMetroAreaNetworks = "/metro-area-networks"
	PathFacilities        = "/facilities"
	PathPops              = "/pops"
	PathDevices           = "/devices"
	PathPorts             = "/ports"
	PathPortReservations  = "/port-reservations" // 2.7
	PathConnections       = "/connections"
	PathNetworkServices   = "/network-services"
	PathNSConfigs         = "/network-service-configs"
	PathProductOfferings  = "/product-offerings"
	PathAccounts          = "/accounts"
	PathHealth            = "/health"
	PathImplementation    = "/implementation"

	changeRequestSuffix      = "/change-request"
	cancellationPolicySuffix = "/cancellation-policy"
)

// Defaults.
const (
	DefaultConcurrency = 4
	DefaultTokenSkew   = 60 * time.Second
	maxPageLimit       = 10_000
)

// listFilters are the query filters each list operation takes (spec 2.1.0;
// port-reservations from 2.7 by analogy). The client refuses others, so a
// typo cannot silently list everything.
var listFilters = map[string][]string{
	PathMetroAreas:        {"id"},
	PathMetroAreaNetworks: {"id", "name", "metro_area", "service_provider"},
	PathFacilities: {"id", "capability_media_type", "capability_speed", "capability_speed__lt", "capability_speed__lte",
		"capability_speed__gt", "capability_speed__gte", "organisation_name", "metro_area", "metro_area_network",
		"address_country", "address_locality", "postal_code"},
	PathPops: {"id", "facility", "metro_area_network", "capability_media_type", "capability_speed", "capability_speed__lt",
		"capability_speed__lte", "capability_speed__gt", "capability_speed__gte"},
	PathDevices: {"id", "name", "capability_media_type", "capability_speed", "capability_speed__lt", "capability_speed__lte",
		"capability_speed__gt", "capability_speed__gte", "facility", "pop", "metro_area_network"},
	PathPorts:            {"id", "state", "state__is_not", "media_type", "pop", "name", "external_ref", "device", "speed", "connection"},
	PathPortReservations: {"id", "state", "state__is_not", "connection", "port", "external_ref"},
	PathConnections:      {"id", "state", "state__is_not", "mode", "mode__is_not", "name", "metro_area_network", "pop", "facility", "external_ref"},
	PathNetworkServices:  {"id", "state", "state__is_not", "managing_account", "consuming_account", "external_ref", "type", "pop", "product_offering"},
	PathNSConfigs: {"id", "state", "state__is_not", "managing_account", "consuming_account", "external_ref", "type",
		"inner_vlan", "outer_vlan", "capacity", "network_service", "connection", "product_offering"},
	PathProductOfferings: {"id", "type", "name", "handover_metro_area", "handover_metro_area_network", "service_metro_area",
		"service_metro_area_network", "service_provider", "downgrade_allowed", "upgrade_allowed", "bandwidth",
		"physical_port_speed", "service_provider_region", "service_provider_pop", "delivery_method", "cloud_key", "fields"},
	PathAccounts: {"id", "state", "state__is_not", "managing_account", "billable", "external_ref", "name"},
}

// Filter is a list query: filter name -> value (see the spec's parameters
// for each list; "id" takes a comma-separated list, see IDList).
type Filter map[string]string

// IDList joins ids for the "id" filter (the spec's form style, explode
// false).
func IDList(ids ...string) string { return strings.Join(ids, ",") }

// ObjectType names the IX-API objects noctop acts on; the values double as
// model.Ref.Type.
type ObjectType string

const (
	ObjPort                 ObjectType = "port"
	ObjConnection           ObjectType = "connection"
	ObjNetworkServiceConfig ObjectType = "network-service-config"
	ObjNetworkService       ObjectType = "network-service"
)

// collection returns the collection path of t.
func (t ObjectType) collection() (string, bool) {
	switch t {
	case ObjPort:
		return PathPorts, true
	case ObjConnection:
		return PathConnections, true
	case ObjNetworkServiceConfig:
		return PathNSConfigs, true
	case ObjNetworkService:
		return PathNetworkServices, true
	}
	return "", false
}

// Client talks to one IX-API v2 server: one method per operation, context
// first, typed errors from providers/httpx (model.APIError with the problem
// document's title, detail and validation properties).
type Client struct {
	api *httpx.Client
	cfg config
}

type config struct {
	httpx.Settings // shared options: httpx.WithTimeout, WithLogger, WithRetry ...
	concurrency    int
	pageLimit      int
	tokenSkew      time.Duration
	refTTL         time.Duration
	creds          *Credentials
}

// Option configures a Client or a Provider: the shared httpx options
// (httpx.WithTimeout, httpx.WithLogger, httpx.WithRetry, httpx.WithClock ...)
// and IX-API's own below.
type Option = httpx.Option

func own(f func(*config)) Option { return httpx.Own(f) }

// WithConcurrency bounds parallel requests (pages, statistics; default 4).
func WithConcurrency(n int) Option { return own(func(c *config) { c.concurrency = n }) }

// WithPageLimit makes lists ask for pages of n (limit/offset). 0 (the
// default) asks for the whole list as 2.1.0 does; an envelope sent anyway
// is followed either way.
func WithPageLimit(n int) Option { return own(func(c *config) { c.pageLimit = n }) }

// WithTokenSkew sets how long before expiry a token is renewed (default 60s).
func WithTokenSkew(d time.Duration) Option { return own(func(c *config) { c.tokenSkew = d }) }

// WithReferenceTTL sets how long reference data (metro areas, facilities,
// pops, devices, product offerings, accounts) is reused (default 10m).
func WithReferenceTTL(d time.Duration) Option { return own(func(c *config) { c.refTTL = d }) }

// WithCredentials authenticates the client (New does this for you).
func WithCredentials(cr Credentials) Option { return own(func(c *config) { c.creds = &cr }) }

func newConfig(opts []Option) (config, error) {
	cfg := config{
		Settings:    httpx.Settings{Provider: Kind},
		concurrency: DefaultConcurrency,
		tokenSkew:   DefaultTokenSkew,
		refTTL:      10 * time.Minute,
	}
	if err := httpx.Configure(&cfg, "noctop (ix-api v2 client)", opts); err != nil {
		return config{}, err
	}
	if cfg.concurrency < 1 {
		cfg.concurrency = 1
	}
	cfg.Bounds = cfg.Bounds.WithDefaults()
	if cfg.pageLimit < 0 || cfg.pageLimit > maxPageLimit {
		cfg.pageLimit = 0
	}
	return cfg, nil
}

// NewClient returns a client for baseURL, which includes the API root
// ("https://ix.example/api/v2", or a simulator's URL + SimBasePath).
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

// validID accepts IX-API identifiers (strings of up to 80 characters in
// the spec); anything that could change the request path is refused.
var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:@~+-]{0,79}$`)

// validAggregate accepts aggregate names as a server might spell them.
var validAggregate = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$`)

func objectPath(collection, id, suffix string) (string, error) {
	if !validID.MatchString(id) {
		return "", fmt.Errorf("%w: ixapi: invalid id %q", model.ErrNotFound, truncate(id, 60))
	}
	return collection + "/" + url.PathEscape(id) + suffix, nil
}

func typedPath(t ObjectType, id, suffix string) (string, error) {
	col, ok := t.collection()
	if !ok {
		return "", fmt.Errorf("%w: ixapi: object type %q", model.ErrUnsupported, t)
	}
	return objectPath(col, id, suffix)
}

// get reads one object into out.
func (c *Client) get(ctx context.Context, path string, q url.Values) ([]byte, error) {
	resp, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, nil)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func getObject[T any, PT metaObject[T]](ctx context.Context, c *Client, collection, id string) (T, error) {
	var zero T
	p, err := objectPath(collection, id, "")
	if err != nil {
		return zero, err
	}
	body, err := c.get(ctx, p, nil)
	if err != nil {
		return zero, err
	}
	if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '[' {
		// The 2.1.0 spec declares GET /metro-areas/{id} and
		// /facilities/{id} as answering a list; accept a list holding the
		// object as well as the object itself.
		var items []json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return zero, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, p, jsonError(err))
		}
		for _, raw := range items { // one at a time: a hostile list may be long
			if v, err := decodeObject[T, PT](raw); err == nil && idOf(any(&v)) == id {
				return v, nil
			}
		}
		return zero, fmt.Errorf("%s: GET %s: %w: the answer is a list without object %s", c.cfg.Provider, p, model.ErrBadResponse, id)
	}
	v, err := decodeObject[T, PT](body)
	if err != nil {
		return zero, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, p, err)
	}
	return v, nil
}

// listAll reads a whole list, following pages when the server paginates,
// each answer decoded as it arrives and bounded (httpx.WithBounds). Objects that
// cannot be read, and a list cut short, come back as a *model.Incomplete
// with the objects read.
func listAll[T any, PT metaObject[T]](ctx context.Context, c *Client, path string, f Filter, prog *model.Progress) ([]T, error) {
	q, err := c.filterQuery(path, f)
	if err != nil {
		return nil, err
	}
	bounds := c.cfg.Bounds
	paged := c.cfg.pageLimit > 0
	limit := c.cfg.pageLimit
	if !paged {
		// The spec's lists are not paged: the first answer may be the
		// whole list, bounded by max_items.
		limit = bounds.MaxItems
	}
	listing := httpx.Listing[T]{
		Provider: c.cfg.Provider, What: strings.ReplaceAll(strings.TrimPrefix(path, "/"), "-", " "),
		Limit: limit, Concurrency: c.cfg.concurrency, Bounds: bounds, Progress: prog,
		ID: func(v *T) string { return idOf(any(v)) },
	}
	return httpx.Offsets(ctx, listing, func(ctx context.Context, offset, limit int) (httpx.Page[T], error) {
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		if paged || offset > 0 {
			qq.Set("limit", strconv.Itoa(limit))
			qq.Set("offset", strconv.Itoa(offset))
		}
		var pg typedPage[T]
		_, err := c.api.DoStream(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: qq}, func(body io.Reader) error {
			var err error
			pg, err = decodeListStream[T, PT](body, limit, bounds.MaxItems)
			return err
		})
		if err != nil {
			return httpx.Page[T]{}, err
		}
		page := httpx.Page[T]{Items: pg.items, Dropped: pg.dropped, Problem: pg.problem, Overfull: pg.overfull,
			Total: pg.total, TotalKnown: pg.total >= 0, Next: pg.nextLink}
		switch {
		case !pg.enveloped:
			page.End = true // a bare array is the whole list
		case pg.next != nil && !*pg.next:
			page.End = true
		case pg.next != nil && page.Next == "":
			page.More = true // a next that is not a link still says there is more
		}
		return page, nil
	})
}

func idOf(v any) string {
	switch x := v.(type) {
	case *MetroArea:
		return x.ID
	case *MetroAreaNetwork:
		return x.ID
	case *Facility:
		return x.ID
	case *PointOfPresence:
		return x.ID
	case *Device:
		return x.ID
	case *Port:
		return x.ID
	case *PortReservation:
		return x.ID
	case *Connection:
		return x.ID
	case *NetworkService:
		return x.ID
	case *NetworkServiceConfig:
		return x.ID
	case *ProductOffering:
		return x.ID
	case *Account:
		return x.ID
	}
	return ""
}

// filterQuery checks f against the list's filters and builds the query.
func (c *Client) filterQuery(path string, f Filter) (url.Values, error) {
	allowed := listFilters[path]
	q := url.Values{}
	for k, v := range f {
		if !slices.Contains(allowed, k) {
			return nil, errorf("%s has no filter %q (filters: %s)", path, k, strings.Join(allowed, ", "))
		}
		q.Set(k, v)
	}
	return q, nil
}

// PortReservation is a 2.7 port reservation (no 2.1.0 schema; only the
// fields noctop shows).
type PortReservation struct {
	Meta
	ID            string   `json:"id"`
	State         string   `json:"state"`
	Status        []Status `json:"status,omitempty"`
	Connection    string   `json:"connection,omitempty"`
	Port          *string  `json:"port,omitempty"`
	ExternalRef   *string  `json:"external_ref,omitempty"`
	PurchaseOrder string   `json:"purchase_order,omitempty"`
}

// Login exchanges an API key and secret for tokens (POST /auth/token).
// Never retried.
func (c *Client) Login(ctx context.Context, key, secret string) (AuthToken, error) {
	var out AuthToken
	_, err := c.api.Do(ctx, httpx.Request{Method: http.MethodPost, Path: TokenPath, NoAuth: true, Login: true, Retry: httpx.RetryNever,
		Body: AuthTokenRequest{APIKey: key, APISecret: secret}}, &out)
	return out, err
}

// Refresh renews tokens with a refresh token (POST /auth/refresh).
func (c *Client) Refresh(ctx context.Context, refresh string) (AuthToken, error) {
	var out AuthToken
	_, err := c.api.Do(ctx, httpx.Request{Method: http.MethodPost, Path: RefreshPath, NoAuth: true, Login: true, Retry: httpx.RetryNever,
		Body: RefreshTokenRequest{RefreshToken: refresh}}, &out)
	return out, err
}

// Health reads GET /health.
func (c *Client) Health(ctx context.Context) (Health, error) {
	var out Health
	_, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: PathHealth}, &out)
	return out, err
}

// Implementation reads GET /implementation.
func (c *Client) Implementation(ctx context.Context) (Implementation, error) {
	var out Implementation
	_, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: PathImplementation}, &out)
	return out, err
}

// ListMetroAreas lists metro areas.
func (c *Client) ListMetroAreas(ctx context.Context, f Filter, p *model.Progress) ([]MetroArea, error) {
	return listAll[MetroArea](ctx, c, PathMetroAreas, f, p)
}

// GetMetroArea reads one metro area.
func (c *Client) GetMetroArea(ctx context.Context, id string) (MetroArea, error) {
	return getObject[MetroArea](ctx, c, PathMetroAreas, id)
}

// ListMetroAreaNetworks lists metro area networks.
func (c *Client) ListMetroAreaNetworks(ctx context.Context, f Filter, p *model.Progress) ([]MetroAreaNetwork, error) {
	return listAll[MetroAreaNetwork](ctx, c, PathMetroAreaNetworks, f, p)
}

// GetMetroAreaNetwork reads one metro area network.
func (c *Client) GetMetroAreaNetwork(ctx context.Context, id string) (MetroAreaNetwork, error) {
	return getObject[MetroAreaNetwork](ctx, c, PathMetroAreaNetworks, id)
}

// ListFacilities lists facilities.
func (c *Client) ListFacilities(ctx context.Context, f Filter, p *model.Progress) ([]Facility, error) {
	return listAll[Facility](ctx, c, PathFacilities, f, p)
}

// GetFacility reads one facility.
func (c *Client) GetFacility(ctx context.Context, id string) (Facility, error) {
	return getObject[Facility](ctx, c, PathFacilities, id)
}

// ListPops lists points of presence.
func (c *Client) ListPops(ctx context.Context, f Filter, p *model.Progress) ([]PointOfPresence, error) {
	return listAll[PointOfPresence](ctx, c, PathPops, f, p)
}

// GetPop reads one point of presence.
func (c *Client) GetPop(ctx context.Context, id string) (PointOfPresence, error) {
	return getObject[PointOfPresence](ctx, c, PathPops, id)
}

// ListDevices lists devices.
func (c *Client) ListDevices(ctx context.Context, f Filter, p *model.Progress) ([]Device, error) {
	return listAll[Device](ctx, c, PathDevices, f, p)
}

// GetDevice reads one device.
func (c *Client) GetDevice(ctx context.Context, id string) (Device, error) {
	return getObject[Device](ctx, c, PathDevices, id)
}

// ListPorts lists ports.
func (c *Client) ListPorts(ctx context.Context, f Filter, p *model.Progress) ([]Port, error) {
	return listAll[Port](ctx, c, PathPorts, f, p)
}

// GetPort reads one port.
func (c *Client) GetPort(ctx context.Context, id string) (Port, error) {
	return getObject[Port](ctx, c, PathPorts, id)
}

// ListPortReservations lists port reservations (2.7).
func (c *Client) ListPortReservations(ctx context.Context, f Filter, p *model.Progress) ([]PortReservation, error) {
	return listAll[PortReservation](ctx, c, PathPortReservations, f, p)
}

// GetPortReservation reads one port reservation (2.7).
func (c *Client) GetPortReservation(ctx context.Context, id string) (PortReservation, error) {
	return getObject[PortReservation](ctx, c, PathPortReservations, id)
}

// ListConnections lists connections.
func (c *Client) ListConnections(ctx context.Context, f Filter, p *model.Progress) ([]Connection, error) {
	return listAll[Connection](ctx, c, PathConnections, f, p)
}

// GetConnection reads one connection.
func (c *Client) GetConnection(ctx context.Context, id string) (Connection, error) {
	return getObject[Connection](ctx, c, PathConnections, id)
}

// ListNetworkServices lists network services.
func (c *Client) ListNetworkServices(ctx context.Context, f Filter, p *model.Progress) ([]NetworkService, error) {
	return listAll[NetworkService](ctx, c, PathNetworkServices, f, p)
}

// GetNetworkService reads one network service.
func (c *Client) GetNetworkService(ctx context.Context, id string) (NetworkService, error) {
	return getObject[NetworkService](ctx, c, PathNetworkServices, id)
}

// ListNetworkServiceConfigs lists network service configs.
func (c *Client) ListNetworkServiceConfigs(ctx context.Context, f Filter, p *model.Progress) ([]NetworkServiceConfig, error) {
	return listAll[NetworkServiceConfig](ctx, c, PathNSConfigs, f, p)
}

// GetNetworkServiceConfig reads one network service config.
func (c *Client) GetNetworkServiceConfig(ctx context.Context, id string) (NetworkServiceConfig, error) {
	return getObject[NetworkServiceConfig](ctx, c, PathNSConfigs, id)
}

// ListProductOfferings lists product offerings.
func (c *Client) ListProductOfferings(ctx context.Context, f Filter, p *model.Progress) ([]ProductOffering, error) {
	return listAll[ProductOffering](ctx, c, PathProductOfferings, f, p)
}

// GetProductOffering reads one product offering.
func (c *Client) GetProductOffering(ctx context.Context, id string) (ProductOffering, error) {
	return getObject[ProductOffering](ctx, c, PathProductOfferings, id)
}

// ListAccounts lists accounts.
func (c *Client) ListAccounts(ctx context.Context, f Filter, p *model.Progress) ([]Account, error) {
	return listAll[Account](ctx, c, PathAccounts, f, p)
}

// GetAccount reads one account.
func (c *Client) GetAccount(ctx context.Context, id string) (Account, error) {
	return getObject[Account](ctx, c, PathAccounts, id)
}

// Statistics reads the aggregates of a port, connection, network service
// config or network service.
func (c *Client) Statistics(ctx context.Context, t ObjectType, id string) (Statistics, error) {
	return c.statistics(ctx, t, id, nil)
}

// StatisticsWindow asks for the aggregate of the window [start, end): the
// answer keys it AggregateCustom (2.4.2).
func (c *Client) StatisticsWindow(ctx context.Context, t ObjectType, id string, start, end time.Time) (Statistics, error) {
	q, err := windowQuery(start, end)
	if err != nil {
		return Statistics{}, err
	}
	return c.statistics(ctx, t, id, q)
}

func (c *Client) statistics(ctx context.Context, t ObjectType, id string, q url.Values) (Statistics, error) {
	p, err := typedPath(t, id, statisticsSuffix)
	if err != nil {
		return Statistics{}, err
	}
	body, err := c.get(ctx, p, q)
	if err != nil {
		return Statistics{}, err
	}
	s, err := decodeStatistics(body)
	if err != nil {
		return Statistics{}, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, p, err)
	}
	return s, nil
}

// windowQuery is the start/end query of a custom window.
func windowQuery(start, end time.Time) (url.Values, error) {
	if start.IsZero() || !end.After(start) {
		return nil, errorf("statistics window %s..%s is empty", FormatTimestamp(start), FormatTimestamp(end))
	}
	return url.Values{QueryStart: {FormatTimestamp(start)}, QueryEnd: {FormatTimestamp(end)}}, nil
}

// Timeseries reads the samples of one aggregate.
func (c *Client) Timeseries(ctx context.Context, t ObjectType, id, aggregate string) (Timeseries, error) {
	return c.typedTimeseries(ctx, t, id, aggregate, nil)
}

// TimeseriesWindow reads the samples of the window [start, end) (the
// AggregateCustom timeseries, 2.4.2).
func (c *Client) TimeseriesWindow(ctx context.Context, t ObjectType, id string, start, end time.Time) (Timeseries, error) {
	q, err := windowQuery(start, end)
	if err != nil {
		return Timeseries{}, err
	}
	return c.typedTimeseries(ctx, t, id, AggregateCustom, q)
}

func (c *Client) typedTimeseries(ctx context.Context, t ObjectType, id, aggregate string, q url.Values) (Timeseries, error) {
	if !validAggregate.MatchString(aggregate) {
		return Timeseries{}, errorf("invalid aggregate name %q", truncate(aggregate, 40))
	}
	p, err := typedPath(t, id, statisticsSuffix+"/"+url.PathEscape(aggregate)+timeseriesSuffix)
	if err != nil {
		return Timeseries{}, err
	}
	return c.timeseries(ctx, p, q)
}

func (c *Client) timeseries(ctx context.Context, p string, q url.Values) (Timeseries, error) {
	body, err := c.get(ctx, p, q)
	if err != nil {
		return Timeseries{}, err
	}
	ts, err := decodeTimeseries(body)
	if err != nil {
		return Timeseries{}, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, p, err)
	}
	return ts, nil
}

// PeerFilter selects peers of a network service config (all when empty).
type PeerFilter struct {
	ASN        int64
	MACAddress string
	IPAddress  string
	IPVersion  int // 4 or 6
}

func (f PeerFilter) query() url.Values {
	q := url.Values{}
	if f.ASN > 0 {
		q.Set(PeerFilterASN, strconv.FormatInt(f.ASN, 10))
	}
	if f.MACAddress != "" {
		q.Set(PeerFilterMACAddress, f.MACAddress)
	}
	if f.IPAddress != "" {
		q.Set(PeerFilterIPAddress, f.IPAddress)
	}
	if f.IPVersion == 4 || f.IPVersion == 6 {
		q.Set(PeerFilterIPVersion, strconv.Itoa(f.IPVersion))
	}
	return q
}

// PeerStatistics lists the peers of a network service config with their
// aggregates (2.7).
func (c *Client) PeerStatistics(ctx context.Context, nscID string, f PeerFilter) ([]PeerStatistics, error) {
	p, err := objectPath(PathNSConfigs, nscID, peerStatisticsSuffix)
	if err != nil {
		return nil, err
	}
	body, err := c.get(ctx, p, f.query())
	if err != nil {
		return nil, err
	}
	out, err := decodePeerStatistics(body)
	if err != nil {
		return nil, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, p, err)
	}
	return out, nil
}

// PeerTimeseries reads the samples of one aggregate for the peers f selects
// (2.7).
func (c *Client) PeerTimeseries(ctx context.Context, nscID, aggregate string, f PeerFilter) (Timeseries, error) {
	if !validAggregate.MatchString(aggregate) {
		return Timeseries{}, errorf("invalid aggregate name %q", truncate(aggregate, 40))
	}
	p, err := objectPath(PathNSConfigs, nscID, peerStatisticsSuffix+"/"+url.PathEscape(aggregate)+timeseriesSuffix)
	if err != nil {
		return Timeseries{}, err
	}
	return c.timeseries(ctx, p, f.query())
}

// RTTStatistics reads round-trip times of a network service (2.7).
func (c *Client) RTTStatistics(ctx context.Context, serviceID string) (RTTStatistics, error) {
	p, err := objectPath(PathNetworkServices, serviceID, rttStatisticsSuffix)
	if err != nil {
		return RTTStatistics{}, err
	}
	body, err := c.get(ctx, p, nil)
	if err != nil {
		return RTTStatistics{}, err
	}
	r, err := decodeRTT(body)
	if err != nil {
		return RTTStatistics{}, fmt.Errorf("%s: GET %s: %w", c.cfg.Provider, p, err)
	}
	return r, nil
}

// ChangeRequest reads the pending change request of a network service
// (404 when there is none).
func (c *Client) ChangeRequest(ctx context.Context, serviceID string) (NetworkServiceChangeRequest, error) {
	p, err := objectPath(PathNetworkServices, serviceID, changeRequestSuffix)
	if err != nil {
		return NetworkServiceChangeRequest{}, err
	}
	var out NetworkServiceChangeRequest
	_, err = c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: p}, &out)
	return out, err
}

// CreateChangeRequest files a change request on a p2p_vc network service.
// Never retried.
func (c *Client) CreateChangeRequest(ctx context.Context, serviceID string, req NetworkServiceChangeRequest) (NetworkServiceChangeRequest, error) {
	p, err := objectPath(PathNetworkServices, serviceID, changeRequestSuffix)
	if err != nil {
		return NetworkServiceChangeRequest{}, err
	}
	var out NetworkServiceChangeRequest
	_, err = c.api.Do(ctx, httpx.Request{Method: http.MethodPost, Path: p, Body: req, Retry: httpx.RetryNever}, &out)
	return out, err
}

// DeleteChangeRequest withdraws a pending change request. Never retried.
func (c *Client) DeleteChangeRequest(ctx context.Context, serviceID string) (NetworkServiceChangeRequest, error) {
	p, err := objectPath(PathNetworkServices, serviceID, changeRequestSuffix)
	if err != nil {
		return NetworkServiceChangeRequest{}, err
	}
	var out NetworkServiceChangeRequest
	_, err = c.api.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: p, Retry: httpx.RetryNever}, &out)
	return out, err
}

// CancellationPolicy reads when an object could be decommissioned and until
// when it would be charged; decommissionAt (YYYY-MM-DD, optional) asks
// about a specific date. Connections have this from 2.7 on.
func (c *Client) CancellationPolicy(ctx context.Context, t ObjectType, id, decommissionAt string) (CancellationPolicy, error) {
	if t == ObjPort {
		return CancellationPolicy{}, fmt.Errorf("%w: ixapi: ports are decommissioned with their connection", model.ErrUnsupported)
	}
	p, err := typedPath(t, id, cancellationPolicySuffix)
	if err != nil {
		return CancellationPolicy{}, err
	}
	q := url.Values{}
	if decommissionAt != "" {
		if _, err := time.Parse(time.DateOnly, decommissionAt); err != nil {
			return CancellationPolicy{}, errorf("decommission date %q is not YYYY-MM-DD", truncate(decommissionAt, 20))
		}
		q.Set("decommission_at", decommissionAt)
	}
	var out CancellationPolicy
	_, err = c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: p, Query: q}, &out)
	return out, err
}

// Decommission requests the decommissioning of a connection, network
// service or network service config (DELETE). It answers with the object
// in its new state (raw JSON). Never retried.
func (c *Client) Decommission(ctx context.Context, t ObjectType, id string, req CancellationRequest) (json.RawMessage, error) {
	if t == ObjPort {
		return nil, fmt.Errorf("%w: ixapi: ports are decommissioned with their connection", model.ErrUnsupported)
	}
	p, err := typedPath(t, id, "")
	if err != nil {
		return nil, err
	}
	resp, err := c.api.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: p, Body: req, Retry: httpx.RetryNever}, nil)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
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
