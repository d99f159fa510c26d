package packet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Kind is the provider kind in configs and in model values.
const Kind = "packet"

// Defaults.
const (
	DefaultPageSize    = 100 // per_page: the API allows 1..1000
	DefaultConcurrency = 4   // pages in flight per listing
	DefaultMaxEvents   = 200 // newest events read per Events call
	// TokenHeader carries the API token.
	TokenHeader = "X-Auth-Token"
)

// What a device listing asks for: the facility, plan and network ports
// embedded (one request instead of one per device), and the heavy or
// secret fields noctop never shows left out.
const (
	deviceInclude = "facility,plan,network_ports"
	deviceExclude = "root_password,userdata,customdata,provisioning_events,ssh_keys,volumes"
)

// Client talks to the Packet API: one method per operation, context first,
// typed errors from providers/httpx (*model.APIError carrying the
// "errors" strings, model.ErrUnauthorized on 401, *model.RateLimited on
// 429). Reads are retried as httpx allows; mutations never.
type Client struct {
	api *httpx.Client
	cfg config
}

type config struct {
	httpx.Settings // shared options: httpx.WithTimeout, WithLogger, WithRetry ...
	token          string
	concurrency    int
	pageSize       int
	maxEvents      int
	projectID      string
	orgID          string
}

// Option configures a Client or a Provider: the shared httpx options
// (httpx.WithTimeout, httpx.WithLogger, httpx.WithRetry, httpx.WithClock ...)
// and Packet's own below.
type Option = httpx.Option

func own(f func(*config)) Option { return httpx.Own(f) }

// WithToken sets the API token (sent as X-Auth-Token).
func WithToken(tok string) Option { return own(func(c *config) { c.token = tok }) }

// WithConcurrency sets how many pages of one listing are read at once
// (default 4; 1 reads page by page).
func WithConcurrency(n int) Option { return own(func(c *config) { c.concurrency = n }) }

// WithPageSize sets per_page (1..1000, default 100).
func WithPageSize(n int) Option { return own(func(c *config) { c.pageSize = n }) }

// WithMaxEvents bounds how many events one Events call reads (default 200).
func WithMaxEvents(n int) Option { return own(func(c *config) { c.maxEvents = n }) }

// WithProjectID limits the provider to one project (config project_id).
func WithProjectID(id string) Option { return own(func(c *config) { c.projectID = id }) }

// WithOrganizationID limits the provider to one organisation's projects
// (config organization_id).
func WithOrganizationID(id string) Option { return own(func(c *config) { c.orgID = id }) }

func newConfig(opts []Option) (config, error) {
	cfg := config{
		Settings:    httpx.Settings{Provider: Kind},
		concurrency: DefaultConcurrency,
		pageSize:    DefaultPageSize,
		maxEvents:   DefaultMaxEvents,
	}
	if err := httpx.Configure(&cfg, "noctop (packet client)", opts); err != nil {
		return config{}, err
	}
	if cfg.pageSize < 1 || cfg.pageSize > 1000 {
		cfg.pageSize = DefaultPageSize
	}
	cfg.concurrency = max(cfg.concurrency, 1)
	if cfg.maxEvents < 1 {
		cfg.maxEvents = DefaultMaxEvents
	}
	// One listing reads at most this much (httpx.WithBounds, the config's
	// max_items and listing_timeout); past it the listing is marked
	// incomplete (*model.Incomplete), never silently short. An answer that
	// is not paged is decoded up to MaxItems, not further.
	cfg.Bounds = cfg.Bounds.WithDefaults()
	return cfg, nil
}

// NewClient returns a client for baseURL ("https://api.packet.net", or a
// simulator's URL; a path prefix is kept).
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	for _, id := range []string{cfg.projectID, cfg.orgID} {
		if id != "" && !validID.MatchString(id) {
			return nil, errorf("invalid project or organization id %q", truncate(id, 60))
		}
	}
	api, err := httpx.New(baseURL, httpx.WithSettings(cfg.Settings), httpx.WithErrorDecoder(decodeError),
		httpx.WithSecrets(cfg.token), httpx.WithAuth(httpx.HeaderToken(TokenHeader, cfg.token)))
	if err != nil {
		return nil, err
	}
	return &Client{api: api, cfg: cfg}, nil
}

// BaseURL returns the API base URL.
func (c *Client) BaseURL() string { return c.api.BaseURL() }

// The collections noctop lists: the key their items are under, and the
// noun for messages.
var (
	projects             = list[Project, *Project]{key: "projects", what: "project"}
	facilities           = list[Facility, *Facility]{key: "facilities", what: "facility"}
	devices              = list[Device, *Device]{key: "devices", what: "device"}
	bgpSessions          = list[BGPSession, *BGPSession]{key: "bgp_sessions", what: "BGP session"}
	events               = list[Event, *Event]{key: "events", what: "event"}
	hardwareReservations = list[HardwareReservation, *HardwareReservation]{key: "hardware_reservations", what: "hardware reservation"}
	virtualNetworks      = list[VirtualNetwork, *VirtualNetwork]{key: "virtual_networks", what: "virtual network"}
	ipReservations       = list[IPReservation, *IPReservation]{key: "ip_addresses", what: "IP reservation"}
)

// validID accepts Packet identifiers (UUIDs); anything else (slashes,
// dots, empty) would change the request path.
var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

// objPath builds "/prefix/{id}/suffix", refusing ids that are not ids.
func objPath(prefix, id, suffix string) (string, error) {
	if !validID.MatchString(id) {
		return "", fmt.Errorf("%w: packet: invalid id %q", model.ErrNotFound, truncate(id, 60))
	}
	return prefix + url.PathEscape(id) + suffix, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// get reads one object.
func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	_, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, out)
	return err
}

// --- Projects and facilities ---

// ListProjects returns every project the token sees (GET /projects).
func (c *Client) ListProjects(ctx context.Context, prog *model.Progress) ([]Project, error) {
	return projects.all(ctx, c, "/projects", nil, prog)
}

// ListOrganizationProjects returns an organisation's projects
// (GET /organizations/{id}/projects).
func (c *Client) ListOrganizationProjects(ctx context.Context, orgID string, prog *model.Progress) ([]Project, error) {
	p, err := objPath("/organizations/", orgID, "/projects")
	if err != nil {
		return nil, err
	}
	return projects.all(ctx, c, p, nil, prog)
}

// GetProject reads one project (GET /projects/{id}).
func (c *Client) GetProject(ctx context.Context, id string) (Project, error) {
	p, err := objPath("/projects/", id, "")
	if err != nil {
		return Project{}, err
	}
	var out Project
	return out, c.get(ctx, p, nil, &out)
}

// ListFacilities returns every facility (GET /facilities; not paged).
func (c *Client) ListFacilities(ctx context.Context) ([]Facility, error) {
	return facilities.whole(ctx, c, "/facilities", nil)
}

// ListProjectFacilities returns the facilities available to a project
// (GET /projects/{id}/facilities).
func (c *Client) ListProjectFacilities(ctx context.Context, projectID string) ([]Facility, error) {
	p, err := objPath("/projects/", projectID, "/facilities")
	if err != nil {
		return nil, err
	}
	return facilities.all(ctx, c, p, nil, nil)
}

// --- Devices ---

func deviceQuery() url.Values {
	return url.Values{"include": {deviceInclude}, "exclude": {deviceExclude}}
}

// ListProjectDevices returns a project's devices with their facility,
// plan and network ports (GET /projects/{id}/devices).
func (c *Client) ListProjectDevices(ctx context.Context, projectID string, prog *model.Progress) ([]Device, error) {
	p, err := objPath("/projects/", projectID, "/devices")
	if err != nil {
		return nil, err
	}
	return devices.all(ctx, c, p, deviceQuery(), prog)
}

// ListOrganizationDevices returns the devices of every project of an
// organisation in one listing (GET /organizations/{id}/devices).
func (c *Client) ListOrganizationDevices(ctx context.Context, orgID string, prog *model.Progress) ([]Device, error) {
	p, err := objPath("/organizations/", orgID, "/devices")
	if err != nil {
		return nil, err
	}
	return devices.all(ctx, c, p, deviceQuery(), prog)
}

// GetDevice reads one device with its facility, plan and ports
// (GET /devices/{id}).
func (c *Client) GetDevice(ctx context.Context, id string) (Device, error) {
	p, err := objPath("/devices/", id, "")
	if err != nil {
		return Device{}, err
	}
	var out Device
	q := url.Values{"include": {deviceInclude}, "exclude": {deviceExclude}}
	return out, c.get(ctx, p, q, &out)
}

// --- BGP ---

// GetBGPConfig reads a project's BGP configuration
// (GET /projects/{id}/bgp-config); ok is false when the project has none
// (404).
func (c *Client) GetBGPConfig(ctx context.Context, projectID string) (cfg BGPConfig, ok bool, err error) {
	p, err := objPath("/projects/", projectID, "/bgp-config")
	if err != nil {
		return BGPConfig{}, false, err
	}
	err = c.get(ctx, p, nil, &cfg)
	if errors.Is(err, model.ErrNotFound) {
		return BGPConfig{}, false, nil
	}
	return cfg, err == nil, err
}

// ListProjectBGPSessions returns every BGP session of a project
// (GET /projects/{id}/bgp/sessions; not paged).
func (c *Client) ListProjectBGPSessions(ctx context.Context, projectID string) ([]BGPSession, error) {
	p, err := objPath("/projects/", projectID, "/bgp/sessions")
	if err != nil {
		return nil, err
	}
	return bgpSessions.whole(ctx, c, p, nil)
}

// ListDeviceBGPSessions returns a device's BGP sessions
// (GET /devices/{id}/bgp/sessions).
func (c *Client) ListDeviceBGPSessions(ctx context.Context, deviceID string) ([]BGPSession, error) {
	p, err := objPath("/devices/", deviceID, "/bgp/sessions")
	if err != nil {
		return nil, err
	}
	return bgpSessions.whole(ctx, c, p, nil)
}

// GetBGPSession reads one session (GET /bgp/sessions/{id}).
func (c *Client) GetBGPSession(ctx context.Context, id string) (BGPSession, error) {
	p, err := objPath("/bgp/sessions/", id, "")
	if err != nil {
		return BGPSession{}, err
	}
	var out BGPSession
	return out, c.get(ctx, p, nil, &out)
}

// GetBGPNeighbors reads what a device peers with
// (GET /devices/{id}/bgp/neighbors).
func (c *Client) GetBGPNeighbors(ctx context.Context, deviceID string) ([]BGPNeighbor, error) {
	p, err := objPath("/devices/", deviceID, "/bgp/neighbors")
	if err != nil {
		return nil, err
	}
	var out BGPNeighbors
	return out.BGPNeighbors, c.get(ctx, p, nil, &out)
}

// --- Traffic ---

// Traffic directions, intervals and buckets of GET /devices/{id}/traffic.
const (
	DirectionInbound  = "inbound"
	DirectionOutbound = "outbound"
	IntervalMinute    = "minute"
	IntervalHour      = "hour"
	IntervalDay       = "day"
	BucketInternal    = "internal"
	BucketExternal    = "external"
)

var trafficIntervals = map[string]bool{
	"minute": true, "hour": true, "day": true, "week": true, "month": true, "year": true,
	"hour_of_day": true, "day_of_week": true, "day_of_month": true, "month_of_year": true,
}

// TrafficQuery is one GET /devices/{id}/traffic.
type TrafficQuery struct {
	Direction string // inbound or outbound (required)
	Interval  string // minute, hour, day ...; "" = the API's default
	Bucket    string // internal, external; "" = all traffic
	Timeframe Timeframe
}

// DeviceTraffic reads how much traffic a device sent or received per
// interval. The capture declares the timeframe as a JSON body of this GET;
// the API also reads timeframe[started_at]/[ended_at] from the query, so
// both are sent.
func (c *Client) DeviceTraffic(ctx context.Context, deviceID string, q TrafficQuery) (TrafficAnswer, error) {
	p, err := objPath("/devices/", deviceID, "/traffic")
	if err != nil {
		return TrafficAnswer{}, err
	}
	if q.Direction != DirectionInbound && q.Direction != DirectionOutbound {
		return TrafficAnswer{}, errorf("traffic direction must be inbound or outbound, not %q", q.Direction)
	}
	if q.Interval != "" && !trafficIntervals[q.Interval] {
		return TrafficAnswer{}, errorf("unknown traffic interval %q", q.Interval)
	}
	if q.Bucket != "" && q.Bucket != BucketInternal && q.Bucket != BucketExternal {
		return TrafficAnswer{}, errorf("traffic bucket must be internal or external, not %q", q.Bucket)
	}
	if !q.Timeframe.EndedAt.After(q.Timeframe.StartedAt) {
		return TrafficAnswer{}, errorf("traffic timeframe ends before it starts")
	}
	tf := Timeframe{StartedAt: q.Timeframe.StartedAt.UTC().Truncate(time.Second), EndedAt: q.Timeframe.EndedAt.UTC().Truncate(time.Second)}
	v := url.Values{"direction": {q.Direction}}
	if q.Interval != "" {
		v.Set("interval", q.Interval)
	}
	if q.Bucket != "" {
		v.Set("bucket", q.Bucket)
	}
	v.Set("timeframe[started_at]", tf.StartedAt.Format(time.RFC3339))
	v.Set("timeframe[ended_at]", tf.EndedAt.Format(time.RFC3339))
	var out TrafficAnswer
	_, err = c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: p, Query: v, Body: tf}, &out)
	return out, err
}

// DeviceBandwidth reads a device's inbound and outbound rates (bits per
// second) between from and until (GET /devices/{id}/bandwidth, unix
// seconds).
func (c *Client) DeviceBandwidth(ctx context.Context, deviceID string, from, until time.Time) (BandwidthAnswer, error) {
	p, err := objPath("/devices/", deviceID, "/bandwidth")
	if err != nil {
		return BandwidthAnswer{}, err
	}
	if !until.After(from) {
		return BandwidthAnswer{}, errorf("bandwidth range ends before it starts")
	}
	v := url.Values{"from": {strconv.FormatInt(from.Unix(), 10)}, "until": {strconv.FormatInt(until.Unix(), 10)}}
	var out BandwidthAnswer
	return out, c.get(ctx, p, v, &out)
}

// --- Events ---

// ListEvents returns the newest events the token's user sees (GET
// /events), at most max (<= 0: the configured bound).
func (c *Client) ListEvents(ctx context.Context, max int) ([]Event, error) {
	return c.listEvents(ctx, "/events", max)
}

// ListProjectEvents returns a project's newest events (GET
// /projects/{id}/events).
func (c *Client) ListProjectEvents(ctx context.Context, projectID string, max int) ([]Event, error) {
	p, err := objPath("/projects/", projectID, "/events")
	if err != nil {
		return nil, err
	}
	return c.listEvents(ctx, p, max)
}

// ListDeviceEvents returns a device's newest events (GET
// /devices/{id}/events).
func (c *Client) ListDeviceEvents(ctx context.Context, deviceID string, max int) ([]Event, error) {
	p, err := objPath("/devices/", deviceID, "/events")
	if err != nil {
		return nil, err
	}
	return c.listEvents(ctx, p, max)
}

func (c *Client) listEvents(ctx context.Context, path string, max int) ([]Event, error) {
	if max <= 0 {
		max = c.cfg.maxEvents
	}
	return events.first(ctx, c, path, nil, max)
}

// GetEvent reads one event (GET /events/{id}).
func (c *Client) GetEvent(ctx context.Context, id string) (Event, error) {
	p, err := objPath("/events/", id, "")
	if err != nil {
		return Event{}, err
	}
	var out Event
	return out, c.get(ctx, p, nil, &out)
}

// --- Capacity, reservations, networks, addresses ---

// Capacity reads the capacity report (GET /capacity).
func (c *Client) Capacity(ctx context.Context) (CapacityList, error) {
	var out CapacityList
	return out, c.get(ctx, "/capacity", nil, &out)
}

// ListHardwareReservations returns a project's hardware reservations with
// their facility, plan and device (GET /projects/{id}/hardware-reservations).
func (c *Client) ListHardwareReservations(ctx context.Context, projectID string) ([]HardwareReservation, error) {
	p, err := objPath("/projects/", projectID, "/hardware-reservations")
	if err != nil {
		return nil, err
	}
	q := url.Values{"include": {"facility,plan,device"}}
	return hardwareReservations.all(ctx, c, p, q, nil)
}

// ListVirtualNetworks returns a project's virtual networks (VLANs)
// (GET /projects/{id}/virtual-networks; not paged).
func (c *Client) ListVirtualNetworks(ctx context.Context, projectID string) ([]VirtualNetwork, error) {
	p, err := objPath("/projects/", projectID, "/virtual-networks")
	if err != nil {
		return nil, err
	}
	return virtualNetworks.whole(ctx, c, p, nil)
}

// ListIPReservations returns a project's IP reservations with their
// facility (GET /projects/{id}/ips; not paged).
func (c *Client) ListIPReservations(ctx context.Context, projectID string) ([]IPReservation, error) {
	p, err := objPath("/projects/", projectID, "/ips")
	if err != nil {
		return nil, err
	}
	return ipReservations.whole(ctx, c, p, url.Values{"include": {"facility"}})
}

// --- Mutations (each sent once, never retried) ---

// BondPort puts a port back into its bond (POST /ports/{id}/bond); bulk
// bonds every port of the bond.
func (c *Client) BondPort(ctx context.Context, portID string, bulk bool) (Port, error) {
	return c.portMutation(ctx, func() (model.HTTPRequest, error) { return bondRequest(portID, bulk) })
}

// DisbondPort takes a port out of its bond (POST /ports/{id}/disbond);
// bulk disbonds every port of the bond.
func (c *Client) DisbondPort(ctx context.Context, portID string, bulk bool) (Port, error) {
	return c.portMutation(ctx, func() (model.HTTPRequest, error) { return disbondRequest(portID, bulk) })
}

// ConvertLayer2 converts a bond port to layer 2, removing its IP
// assignments, optionally on a virtual network (POST
// /ports/{id}/convert/layer-2).
func (c *Client) ConvertLayer2(ctx context.Context, portID, vnid string) (Port, error) {
	return c.portMutation(ctx, func() (model.HTTPRequest, error) { return convertLayer2Request(portID, vnid) })
}

// ConvertLayer3 converts a bond port back to layer 3 with the requested
// addresses (POST /ports/{id}/convert/layer-3).
func (c *Client) ConvertLayer3(ctx context.Context, portID string, ips []RequestIP) (Port, error) {
	return c.portMutation(ctx, func() (model.HTTPRequest, error) { return convertLayer3Request(portID, ips) })
}

// AssignPort adds a virtual network to a port (POST /ports/{id}/assign).
func (c *Client) AssignPort(ctx context.Context, portID, vnid string) (Port, error) {
	return c.portMutation(ctx, func() (model.HTTPRequest, error) { return assignRequest(portID, vnid, "/assign") })
}

// UnassignPort removes a virtual network from a port (POST
// /ports/{id}/unassign).
func (c *Client) UnassignPort(ctx context.Context, portID, vnid string) (Port, error) {
	return c.portMutation(ctx, func() (model.HTTPRequest, error) { return assignRequest(portID, vnid, "/unassign") })
}

func (c *Client) portMutation(ctx context.Context, build func() (model.HTTPRequest, error)) (Port, error) {
	h, err := build()
	if err != nil {
		return Port{}, err
	}
	resp, err := c.send(ctx, h)
	if err != nil {
		return Port{}, err
	}
	var out Port
	if err := httpx.DecodeJSON(resp.Body, &out); err != nil {
		return Port{}, fmt.Errorf("%s: %s %s: %w", c.cfg.Provider, h.Method, pathOnly(h.Path), err)
	}
	return out, nil
}

// DeviceAction powers a device on or off or reboots it (POST
// /devices/{id}/actions; 202 Accepted).
func (c *Client) DeviceAction(ctx context.Context, deviceID, action string) error {
	h, err := deviceActionRequest(deviceID, action)
	if err != nil {
		return err
	}
	_, err = c.send(ctx, h)
	return err
}

// MoveHardwareReservation moves a reservation to another project (POST
// /hardware-reservations/{id}/move).
func (c *Client) MoveHardwareReservation(ctx context.Context, id, projectID string) (HardwareReservation, error) {
	h, err := moveReservationRequest(id, projectID)
	if err != nil {
		return HardwareReservation{}, err
	}
	resp, err := c.send(ctx, h)
	if err != nil {
		return HardwareReservation{}, err
	}
	var out HardwareReservation
	if err := httpx.DecodeJSON(resp.Body, &out); err != nil {
		return HardwareReservation{}, fmt.Errorf("%s: %s %s: %w", c.cfg.Provider, h.Method, pathOnly(h.Path), err)
	}
	return out, nil
}

// send sends a planned request verbatim, once.
func (c *Client) send(ctx context.Context, h model.HTTPRequest) (*httpx.Response, error) {
	var body any
	if h.Body != nil {
		body = json.RawMessage(h.Body)
	}
	return c.api.Do(ctx, httpx.Request{Method: h.Method, Path: h.Path, Body: body, Retry: httpx.RetryNever}, nil)
}

func pathOnly(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}
