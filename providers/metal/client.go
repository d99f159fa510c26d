package metal

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Paths of the Metal v1 operations noctop uses, relative to the base URL
// ("https://api.equinix.com/metal/v1").
const (
	PathOrganizations   = "/organizations"
	PathProjects        = "/projects"
	PathConnections     = "/connections"
	PathMetros          = "/connections/metros"
	PathVirtualCircuits = "/virtual-circuits"
	PathVirtualNetworks = "/virtual-networks"
	PathVrfs            = "/vrfs"
)

// Defaults.
const (
	DefaultPerPage     = 100 // the most the API returns per page (spec: "a maximum of 100 results per page")
	DefaultConcurrency = 8   // per-interconnection reads in flight
	AuthHeader         = "X-Auth-Token"
)

// Client talks to the Equinix Metal v1 API: one method per operation,
// context first, typed errors from providers/httpx (*model.APIError with
// Metal's error messages and a hint).
type Client struct {
	api *httpx.Client
	cfg config
}

type config struct {
	httpx.Settings // shared options: httpx.WithTimeout, WithLogger, WithBounds ...
	concurrency    int
	perPage        int
	token          string
	orgID          string
	projectID      string
}

// Option configures a Client or a Provider: the shared httpx options
// (httpx.WithTimeout, httpx.WithLogger, httpx.WithRetry, httpx.WithClock,
// httpx.WithBounds ...) and Metal's own below.
type Option = httpx.Option

func own(f func(*config)) Option { return httpx.Own(f) }

// WithToken authenticates with a Metal API token (X-Auth-Token).
func WithToken(tok string) Option { return own(func(c *config) { c.token = tok }) }

// WithConcurrency sets how many per-interconnection reads run at once
// (default 8; 1 reads one after another).
func WithConcurrency(n int) Option { return own(func(c *config) { c.concurrency = n }) }

// WithPerPage sets the page size asked for (1..1000, default 100). The
// server may cap it; paging follows what it actually returns.
func WithPerPage(n int) Option { return own(func(c *config) { c.perPage = n }) }

// WithOrganization scopes the Provider to one organization (config key
// organization_id). Without it and WithProject, the Provider reads every
// organization and project the token can see.
func WithOrganization(id string) Option {
	return own(func(c *config) { c.orgID = strings.TrimSpace(id) })
}

// WithProject scopes the Provider to one project (config key project_id).
// With WithOrganization too, the organization's interconnections are
// filtered to that project.
func WithProject(id string) Option {
	return own(func(c *config) { c.projectID = strings.TrimSpace(id) })
}

func newConfig(opts []Option) (config, error) {
	cfg := config{
		Settings:    httpx.Settings{Provider: Kind, Bounds: httpx.Bounds{MaxPages: 10_000}},
		concurrency: DefaultConcurrency,
		perPage:     DefaultPerPage,
	}
	if err := httpx.Configure(&cfg, "noctop (equinix metal v1 client)", opts); err != nil {
		return config{}, err
	}
	if cfg.perPage < 1 || cfg.perPage > 1000 {
		cfg.perPage = DefaultPerPage
	}
	if cfg.concurrency < 1 {
		cfg.concurrency = 1
	}
	// One listing reads at most this much (httpx.WithBounds, the
	// config's max_items and listing_timeout); past it the listing is
	// marked incomplete (*model.Incomplete), never silently short.
	cfg.Bounds = cfg.Bounds.WithDefaults()
	return cfg, nil
}

// NewClient returns a client for baseURL ("https://api.equinix.com/metal/v1",
// or a simulator's URL; the path prefix is kept and requests are appended
// to it).
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	var auth httpx.Auth
	if cfg.token != "" {
		auth = httpx.HeaderToken(AuthHeader, cfg.token)
	}
	api, err := httpx.New(baseURL, httpx.WithSettings(cfg.Settings), httpx.WithErrorDecoder(decodeError), httpx.WithAuth(auth), httpx.WithSecrets(cfg.token))
	if err != nil {
		return nil, err
	}
	return &Client{api: api, cfg: cfg}, nil
}

// BaseURL returns the API base URL.
func (c *Client) BaseURL() string { return c.api.BaseURL() }

// validID accepts Metal identifiers, which are UUIDs; anything else
// (slashes, dots, empty) would change the request path.
var validID = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// ValidID reports whether id is a Metal object id (a UUID).
func ValidID(id string) bool { return validID.MatchString(id) }

// objPath builds prefix/{id}[/suffix...], refusing ids that are not UUIDs.
func objPath(what, prefix, id string, rest ...string) (string, error) {
	if !validID.MatchString(id) {
		return "", fmt.Errorf("%w: metal: invalid %s id %q (want a UUID)", model.ErrNotFound, what, truncate(id, 60))
	}
	p := prefix + "/" + id
	for _, r := range rest {
		p += "/" + r
	}
	return p, nil
}

func portPath(connID, portID string, rest ...string) (string, error) {
	p, err := objPath("interconnection", PathConnections, connID)
	if err != nil {
		return "", err
	}
	return objPath("port", p+"/ports", portID, rest...)
}

// get reads one object.
func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	_, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, out)
	return err
}

// mutate sends a change once (never retried) and decodes the answer.
func (c *Client) mutate(ctx context.Context, method, path string, body, out any) (int, error) {
	resp, err := c.api.Do(ctx, httpx.Request{Method: method, Path: path, Body: body, Retry: httpx.RetryNever}, out)
	if resp != nil {
		return resp.Status, err
	}
	return 0, err
}

// --- organizations and projects ---

// The collections noctop lists: where their items are, and what makes an
// item usable (an id the API can be asked about again).
var (
	organizations    = list[Organization]{key: "organizations", what: "organization", id: func(o *Organization) string { return usable(o.ID) }}
	projects         = list[Project]{key: "projects", what: "project", id: func(p *Project) string { return usable(p.ID) }}
	interconnections = list[Interconnection]{key: "interconnections", what: "interconnection", id: func(ic *Interconnection) string { return usable(ic.ID) }}
	ports            = list[InterconnectionPort]{key: "ports", what: "port", id: func(p *InterconnectionPort) string { return usable(portID(p)) }}
	virtualCircuits  = list[VirtualCircuit]{key: "virtual_circuits", what: "virtual circuit", id: func(vc *VirtualCircuit) string { return vc.ID() }}
	events           = list[Event]{key: "events", what: "event", id: func(e *Event) string { return e.ID }}
	virtualNetworks  = list[VirtualNetwork]{key: "virtual_networks", what: "virtual network", id: func(v *VirtualNetwork) string { return usable(v.ID) }}
	vrfs             = list[Vrf]{key: "vrfs", what: "VRF", id: func(v *Vrf) string { return usable(v.ID) }}
)

// usable is id when it is a Metal UUID, else "".
func usable(id string) string {
	if validID.MatchString(id) {
		return id
	}
	return ""
}

// ListOrganizations returns every organization the token can see
// (GET /organizations, paged).
func (c *Client) ListOrganizations(ctx context.Context) ([]Organization, error) {
	return listPaged(ctx, c, PathOrganizations, nil, nil, organizations)
}

// ListProjects returns every project the token is a member of
// (GET /projects, paged).
func (c *Client) ListProjects(ctx context.Context) ([]Project, error) {
	return listPaged(ctx, c, PathProjects, nil, nil, projects)
}

// --- interconnections ---

// ListOrganizationInterconnections returns an organization's
// interconnections (GET /organizations/{id}/connections), those of one
// project only when projectID is set (the ?project= filter).
func (c *Client) ListOrganizationInterconnections(ctx context.Context, orgID, projectID string, p *model.Progress) ([]Interconnection, error) {
	path, err := objPath("organization", PathOrganizations, orgID, "connections")
	if err != nil {
		return nil, err
	}
	var q url.Values
	if projectID != "" {
		if !validID.MatchString(projectID) {
			return nil, fmt.Errorf("%w: metal: invalid project id %q (want a UUID)", model.ErrNotFound, truncate(projectID, 60))
		}
		q = url.Values{"project": {projectID}}
	}
	return listPaged(ctx, c, path, q, p, interconnections)
}

// ListProjectInterconnections returns GET /projects/{id}/connections: the
// project's interconnections and, as the API documents, its
// organization's.
func (c *Client) ListProjectInterconnections(ctx context.Context, projectID string, p *model.Progress) ([]Interconnection, error) {
	path, err := objPath("project", PathProjects, projectID, "connections")
	if err != nil {
		return nil, err
	}
	return listPaged(ctx, c, path, nil, p, interconnections)
}

// GetInterconnection reads one interconnection (GET /connections/{id}).
func (c *Client) GetInterconnection(ctx context.Context, id string) (Interconnection, error) {
	path, err := objPath("interconnection", PathConnections, id)
	if err != nil {
		return Interconnection{}, err
	}
	var out Interconnection
	return out, c.get(ctx, path, nil, &out)
}

// UpdateInterconnection changes name, description, contact email, mode or
// tags (PUT /connections/{id}). Never retried.
func (c *Client) UpdateInterconnection(ctx context.Context, id string, in InterconnectionUpdateInput) (Interconnection, error) {
	path, err := objPath("interconnection", PathConnections, id)
	if err != nil {
		return Interconnection{}, err
	}
	var out Interconnection
	_, err = c.mutate(ctx, http.MethodPut, path, in, &out)
	return out, err
}

// DeleteInterconnection deletes an interconnection with its ports and
// virtual circuits (DELETE /connections/{id}, 202). Never retried.
func (c *Client) DeleteInterconnection(ctx context.Context, id string) (Interconnection, error) {
	path, err := objPath("interconnection", PathConnections, id)
	if err != nil {
		return Interconnection{}, err
	}
	var out Interconnection
	_, err = c.mutate(ctx, http.MethodDelete, path, nil, &out)
	return out, err
}

// CreateOrganizationInterconnection requests a new interconnection for an
// organization (POST /organizations/{id}/connections, 201). Shared ones
// need in.Project. Never retried.
func (c *Client) CreateOrganizationInterconnection(ctx context.Context, orgID string, in InterconnectionCreateInput) (Interconnection, error) {
	path, err := objPath("organization", PathOrganizations, orgID, "connections")
	if err != nil {
		return Interconnection{}, err
	}
	var out Interconnection
	_, err = c.mutate(ctx, http.MethodPost, path, in, &out)
	return out, err
}

// CreateProjectInterconnection requests a new interconnection for a
// project's organization (POST /projects/{id}/connections, 201). Never
// retried.
func (c *Client) CreateProjectInterconnection(ctx context.Context, projectID string, in InterconnectionCreateInput) (Interconnection, error) {
	path, err := objPath("project", PathProjects, projectID, "connections")
	if err != nil {
		return Interconnection{}, err
	}
	var out Interconnection
	_, err = c.mutate(ctx, http.MethodPost, path, in, &out)
	return out, err
}

// --- ports ---

// ListInterconnectionPorts returns an interconnection's ports
// (GET /connections/{id}/ports; not paged).
func (c *Client) ListInterconnectionPorts(ctx context.Context, connID string) ([]InterconnectionPort, error) {
	path, err := objPath("interconnection", PathConnections, connID, "ports")
	if err != nil {
		return nil, err
	}
	return listWhole(ctx, c, path, nil, ports)
}

// GetInterconnectionPort reads one port (GET /connections/{id}/ports/{id}).
func (c *Client) GetInterconnectionPort(ctx context.Context, connID, portID string) (InterconnectionPort, error) {
	path, err := portPath(connID, portID)
	if err != nil {
		return InterconnectionPort{}, err
	}
	var out InterconnectionPort
	return out, c.get(ctx, path, nil, &out)
}

// --- virtual circuits ---

// ListInterconnectionVirtualCircuits returns an interconnection's virtual
// circuits (GET /connections/{id}/virtual-circuits; not paged).
func (c *Client) ListInterconnectionVirtualCircuits(ctx context.Context, connID string) ([]VirtualCircuit, error) {
	path, err := objPath("interconnection", PathConnections, connID, "virtual-circuits")
	if err != nil {
		return nil, err
	}
	return listWhole(ctx, c, path, nil, virtualCircuits)
}

// ListInterconnectionPortVirtualCircuits returns a port's virtual circuits
// (GET /connections/{id}/ports/{id}/virtual-circuits; not paged).
func (c *Client) ListInterconnectionPortVirtualCircuits(ctx context.Context, connID, portID string) ([]VirtualCircuit, error) {
	path, err := portPath(connID, portID, "virtual-circuits")
	if err != nil {
		return nil, err
	}
	return listWhole(ctx, c, path, nil, virtualCircuits)
}

// CreateInterconnectionPortVirtualCircuit creates a VC on a dedicated port
// (POST /connections/{id}/ports/{id}/virtual-circuits, 201); in is a
// VlanVirtualCircuitCreateInput or a VrfVirtualCircuitCreateInput. Never
// retried.
func (c *Client) CreateInterconnectionPortVirtualCircuit(ctx context.Context, connID, portID string, in any) (VirtualCircuit, error) {
	switch in.(type) {
	case VlanVirtualCircuitCreateInput, VrfVirtualCircuitCreateInput, *VlanVirtualCircuitCreateInput, *VrfVirtualCircuitCreateInput:
	default:
		return VirtualCircuit{}, errorf("create virtual circuit: body must be a VlanVirtualCircuitCreateInput or VrfVirtualCircuitCreateInput, not %T", in)
	}
	path, err := portPath(connID, portID, "virtual-circuits")
	if err != nil {
		return VirtualCircuit{}, err
	}
	var out VirtualCircuit
	_, err = c.mutate(ctx, http.MethodPost, path, in, &out)
	return out, err
}

// GetVirtualCircuit reads one VC (GET /virtual-circuits/{id}).
func (c *Client) GetVirtualCircuit(ctx context.Context, id string) (VirtualCircuit, error) {
	path, err := objPath("virtual circuit", PathVirtualCircuits, id)
	if err != nil {
		return VirtualCircuit{}, err
	}
	var out VirtualCircuit
	return out, c.get(ctx, path, nil, &out)
}

// UpdateVirtualCircuit changes a VC (PUT /virtual-circuits/{id}; 200, or
// 202 when the change is applied asynchronously: a new VLAN). It returns
// the HTTP status with the VC. Never retried.
func (c *Client) UpdateVirtualCircuit(ctx context.Context, id string, in VirtualCircuitUpdateInput) (VirtualCircuit, int, error) {
	path, err := objPath("virtual circuit", PathVirtualCircuits, id)
	if err != nil {
		return VirtualCircuit{}, 0, err
	}
	var out VirtualCircuit
	status, err := c.mutate(ctx, http.MethodPut, path, in, &out)
	return out, status, err
}

// DeleteVirtualCircuit deletes a VC (DELETE /virtual-circuits/{id}, 202).
// Never retried.
func (c *Client) DeleteVirtualCircuit(ctx context.Context, id string) (VirtualCircuit, error) {
	path, err := objPath("virtual circuit", PathVirtualCircuits, id)
	if err != nil {
		return VirtualCircuit{}, err
	}
	var out VirtualCircuit
	_, err = c.mutate(ctx, http.MethodDelete, path, nil, &out)
	return out, err
}

// --- events ---

// ListInterconnectionEvents returns an interconnection's events
// (GET /connections/{id}/events, paged).
func (c *Client) ListInterconnectionEvents(ctx context.Context, connID string) ([]Event, error) {
	path, err := objPath("interconnection", PathConnections, connID, "events")
	if err != nil {
		return nil, err
	}
	return listPaged(ctx, c, path, nil, nil, events)
}

// ListInterconnectionPortEvents returns a port's events
// (GET /connections/{id}/ports/{id}/events, paged).
func (c *Client) ListInterconnectionPortEvents(ctx context.Context, connID, portID string) ([]Event, error) {
	path, err := portPath(connID, portID, "events")
	if err != nil {
		return nil, err
	}
	return listPaged(ctx, c, path, nil, nil, events)
}

// ListVirtualCircuitEvents returns a VC's events
// (GET /virtual-circuits/{id}/events, paged).
func (c *Client) ListVirtualCircuitEvents(ctx context.Context, vcID string) ([]Event, error) {
	path, err := objPath("virtual circuit", PathVirtualCircuits, vcID, "events")
	if err != nil {
		return nil, err
	}
	return listPaged(ctx, c, path, nil, nil, events)
}

// --- metros, virtual networks, VRFs ---

// ListInterconnectionMetros returns the metros and the providers reachable
// from each (GET /connections/metros).
func (c *Client) ListInterconnectionMetros(ctx context.Context) ([]InterconnectionMetro, error) {
	var out InterconnectionMetroList
	return out.Metros, c.get(ctx, PathMetros, nil, &out)
}

// GetVirtualNetwork reads the virtual network a VLAN VC refers to
// (GET /virtual-networks/{id}).
func (c *Client) GetVirtualNetwork(ctx context.Context, id string) (VirtualNetwork, error) {
	path, err := objPath("virtual network", PathVirtualNetworks, id)
	if err != nil {
		return VirtualNetwork{}, err
	}
	var out VirtualNetwork
	return out, c.get(ctx, path, nil, &out)
}

// ListProjectVirtualNetworks returns a project's virtual networks, in one
// metro when metro is set (GET /projects/{id}/virtual-networks).
func (c *Client) ListProjectVirtualNetworks(ctx context.Context, projectID, metro string) ([]VirtualNetwork, error) {
	path, err := objPath("project", PathProjects, projectID, "virtual-networks")
	if err != nil {
		return nil, err
	}
	var q url.Values
	if metro != "" {
		q = url.Values{"metro": {metro}}
	}
	return listWhole(ctx, c, path, q, virtualNetworks)
}

// GetVrf reads the VRF a VRF VC refers to (GET /vrfs/{id}).
func (c *Client) GetVrf(ctx context.Context, id string) (Vrf, error) {
	path, err := objPath("VRF", PathVrfs, id)
	if err != nil {
		return Vrf{}, err
	}
	var out Vrf
	return out, c.get(ctx, path, nil, &out)
}

// ListProjectVrfs returns a project's VRFs, in one metro when metro is set
// (GET /projects/{id}/vrfs).
func (c *Client) ListProjectVrfs(ctx context.Context, projectID, metro string) ([]Vrf, error) {
	path, err := objPath("project", PathProjects, projectID, "vrfs")
	if err != nil {
		return nil, err
	}
	var q url.Values
	if metro != "" {
		q = url.Values{"metro": {metro}}
	}
	return listWhole(ctx, c, path, q, vrfs)
}

// send sends a planned request verbatim, once.
func (c *Client) send(ctx context.Context, h model.HTTPRequest) (*httpx.Response, error) {
	var body any
	if h.Body != nil {
		body = json.RawMessage(h.Body)
	}
	return c.api.Do(ctx, httpx.Request{Method: h.Method, Path: h.Path, Body: body, Retry: httpx.RetryNever}, nil)
}
