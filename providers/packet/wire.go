package packet

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// JSON types exactly as the Packet API spells them (packet-oas3.json, the
// OpenAPI 3 conversion of the 2020 capture of api.packet.net/api-docs).
// Only the fields noctop reads are declared; secrets the API may send
// (root_password, the BGP md5 password, customdata, userdata) have no
// field at all, so they can never reach a screen.
//
// Fields the API sends but the capture does not document are marked
// "undocumented" (their names follow the later Equinix Metal v1 spec,
// which describes the same objects): Device.network_ports, Port.bond,
// Port.network_type, Port.native_virtual_network and Meta.last_page /
// current_page. The spec's schemas are open, so they stay valid there.

// Href is a link to another resource; with include= the whole resource is
// embedded instead, still carrying its href.
type Href struct {
	Href string `json:"href"`
}

// ID is the last path element of the link ("/devices/abc" -> "abc").
func (h *Href) ID() string {
	if h == nil {
		return ""
	}
	s := strings.TrimRight(h.Href, "/")
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return s
}

// Meta is the paging block of a listing.
type Meta struct {
	First    *Href `json:"first,omitempty"`
	Previous *Href `json:"previous,omitempty"`
	Self     *Href `json:"self,omitempty"`
	Next     *Href `json:"next,omitempty"`
	Last     *Href `json:"last,omitempty"`
	Total    int   `json:"total"`
	// Undocumented; sent by the API next to the links.
	CurrentPage int `json:"current_page,omitempty"`
	LastPage    int `json:"last_page,omitempty"`
}

// Error is the body of 4xx and 5xx answers: either "errors" or "error" is
// set.
type Error struct {
	Errors []string `json:"errors,omitempty"`
	Error  string   `json:"error,omitempty"`
}

// Undecodable is embedded in listed objects. An element of a listing that
// does not decode is kept (with its id when one can be read) and marked,
// so it shows up as broken instead of silently vanishing.
type Undecodable struct {
	decodeErr error
}

// DecodeError says why the object could not be decoded (nil when it was).
func (u *Undecodable) DecodeError() error { return u.decodeErr }

func (u *Undecodable) markUndecodable(err error) { u.decodeErr = err }

// Project is one project (a set of devices with their own networking).
type Project struct {
	Undecodable
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt Timestamp `json:"created_at,omitzero"`
	UpdatedAt Timestamp `json:"updated_at,omitzero"`
	BGPConfig *Href     `json:"bgp_config,omitempty"`
	Href      string    `json:"href,omitempty"`
}

// ProjectList is GET /projects and /organizations/{id}/projects.
type ProjectList struct {
	Projects []json.RawMessage `json:"projects"`
	Meta     *Meta             `json:"meta,omitempty"`
}

// Address is a facility's postal address.
type Address struct {
	Address  string `json:"address"`
	Address2 string `json:"address2,omitempty"`
	City     string `json:"city,omitempty"`
	State    string `json:"state,omitempty"`
	ZipCode  string `json:"zip_code"`
	Country  string `json:"country"`
}

// Facility is a data centre ("sjc1"). Listed in a device without
// include=facility it is only a link (Href set, the rest empty).
type Facility struct {
	Undecodable
	ID       string   `json:"id,omitempty"`
	Name     string   `json:"name,omitempty"`
	Code     string   `json:"code,omitempty"`
	Features []string `json:"features,omitempty"`
	Address  *Address `json:"address,omitempty"`
	Href     string   `json:"href,omitempty"`
}

// FacilityList is GET /facilities and /projects/{id}/facilities.
type FacilityList struct {
	Facilities []json.RawMessage `json:"facilities"`
	Meta       *Meta             `json:"meta,omitempty"`
}

// Plan is a server type ("c3.small.x86"). Specs is free-form in the spec;
// noctop reads its nics (count and speed) through NICs.
type Plan struct {
	ID    string          `json:"id,omitempty"`
	Slug  string          `json:"slug,omitempty"`
	Name  string          `json:"name,omitempty"`
	Class string          `json:"class,omitempty"`
	Line  string          `json:"line,omitempty"`
	Specs json.RawMessage `json:"specs,omitempty"`
	Href  string          `json:"href,omitempty"`
}

// NIC is one entry of a plan's specs.nics: count ports of one speed.
type NIC struct {
	Count int
	Type  string // "10Gbps"
}

// NICs reads specs.nics, tolerating anything malformed (it only costs the
// port speed).
func (p Plan) NICs() []NIC {
	var specs struct {
		NICs []json.RawMessage `json:"nics"`
	}
	if json.Unmarshal(p.Specs, &specs) != nil {
		return nil
	}
	var out []NIC
	for _, raw := range specs.NICs {
		var n struct {
			Count json.Number `json:"count"`
			Type  string      `json:"type"`
		}
		if json.Unmarshal(raw, &n) != nil {
			continue
		}
		c, err := n.Count.Int64()
		if err != nil || c <= 0 || c > 64 {
			continue
		}
		out = append(out, NIC{Count: int(c), Type: n.Type})
	}
	return out
}

// PortSpeedMbps is the speed of one physical port of the plan in Mbit/s
// (the fastest NIC type listed; 0 when unknown).
func (p Plan) PortSpeedMbps() int64 {
	var best int64
	for _, n := range p.NICs() {
		if v := parseSpeed(n.Type); v > best {
			best = v
		}
	}
	return best
}

// parseSpeed reads "10Gbps", "25 Gbps", "1000Mbps" as Mbit/s.
func parseSpeed(s string) int64 {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	mult := int64(0)
	switch {
	case strings.HasSuffix(s, "gbps"):
		mult, s = 1000, strings.TrimSuffix(s, "gbps")
	case strings.HasSuffix(s, "mbps"):
		mult, s = 1, strings.TrimSuffix(s, "mbps")
	default:
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || v > 10_000 {
		return 0
	}
	return int64(v * float64(mult))
}

// OperatingSystem is the installed OS (for the detail view).
type OperatingSystem struct {
	Slug    string `json:"slug,omitempty"`
	Name    string `json:"name,omitempty"`
	Distro  string `json:"distro,omitempty"`
	Version string `json:"version,omitempty"`
}

// IPAssignment is one address of a device.
type IPAssignment struct {
	ID            string `json:"id,omitempty"`
	Address       string `json:"address,omitempty"`
	AddressFamily int    `json:"address_family,omitempty"`
	CIDR          int    `json:"cidr,omitempty"`
	Netmask       string `json:"netmask,omitempty"`
	Network       string `json:"network,omitempty"`
	Gateway       string `json:"gateway,omitempty"`
	Public        bool   `json:"public"`
	Management    bool   `json:"management"`
	Href          string `json:"href,omitempty"`
}

// Port is a network port of a device: a physical "NetworkPort" (eth0) or
// a "NetworkBondPort" (bond0) aggregating physical ports.
type Port struct {
	ID   string   `json:"id,omitempty"`
	Name string   `json:"name,omitempty"`
	Type string   `json:"type,omitempty"`
	Data PortData `json:"data,omitzero"`
	// Undocumented: the bond a physical port belongs to (also while
	// disbonded), the composite network type, the native VLAN.
	Bond                 *BondRef         `json:"bond,omitempty"`
	NetworkType          string           `json:"network_type,omitempty"`
	NativeVirtualNetwork *VirtualNetwork  `json:"native_virtual_network,omitempty"`
	VirtualNetworks      []VirtualNetwork `json:"virtual_networks,omitempty"`
	Href                 string           `json:"href,omitempty"`
}

// Port types.
const (
	PortTypePhysical = "NetworkPort"
	PortTypeBond     = "NetworkBondPort"
)

// Network types a port (its bond) can be in.
const (
	NetworkLayer3           = "layer3"
	NetworkHybrid           = "hybrid"
	NetworkHybridBonded     = "hybrid-bonded"
	NetworkLayer2Bonded     = "layer2-bonded"
	NetworkLayer2Individual = "layer2-individual"
)

// IsBond reports whether p is a bond port.
func (p Port) IsBond() bool { return p.Type == PortTypeBond }

// PortData is Port.data ("object" in the spec; bonded and mac are what
// the API puts there). It decodes leniently: a malformed data object
// leaves the fields empty rather than failing the whole device.
type PortData struct {
	Bonded bool   `json:"bonded"`
	MAC    string `json:"mac,omitempty"`
}

// UnmarshalJSON implements the lenient decoding.
func (d *PortData) UnmarshalJSON(b []byte) error {
	var v struct {
		Bonded json.RawMessage `json:"bonded"`
		MAC    json.RawMessage `json:"mac"`
	}
	*d = PortData{}
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	_ = json.Unmarshal(v.Bonded, &d.Bonded)
	_ = json.Unmarshal(v.MAC, &d.MAC)
	return nil
}

// BondRef names a port's bond.
type BondRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Device is one bare-metal server.
type Device struct {
	Undecodable
	ID                     string           `json:"id"`
	ShortID                string           `json:"short_id,omitempty"`
	Hostname               string           `json:"hostname,omitempty"`
	Description            string           `json:"description,omitempty"`
	State                  string           `json:"state,omitempty"`
	Tags                   []string         `json:"tags,omitempty"`
	Locked                 bool             `json:"locked,omitempty"`
	BillingCycle           string           `json:"billing_cycle,omitempty"`
	CreatedAt              Timestamp        `json:"created_at,omitzero"`
	UpdatedAt              Timestamp        `json:"updated_at,omitzero"`
	Facility               *Facility        `json:"facility,omitempty"`
	Plan                   *Plan            `json:"plan,omitempty"`
	OperatingSystem        *OperatingSystem `json:"operating_system,omitempty"`
	Project                *Href            `json:"project,omitempty"`
	ProjectLite            *Href            `json:"project_lite,omitempty"`
	HardwareReservation    *Href            `json:"hardware_reservation,omitempty"`
	IPAddresses            []IPAssignment   `json:"ip_addresses,omitempty"`
	ProvisioningPercentage *float64         `json:"provisioning_percentage,omitempty"`
	SpotInstance           bool             `json:"spot_instance,omitempty"`
	// Undocumented (see the file comment); include=network_ports embeds them.
	NetworkPorts []Port `json:"network_ports,omitempty"`
	Href         string `json:"href,omitempty"`
}

// ProjectID is the id of the device's project ("" when not given).
func (d Device) ProjectID() string {
	if id := d.Project.ID(); id != "" {
		return id
	}
	return d.ProjectLite.ID()
}

// DeviceList is GET /projects/{id}/devices and /organizations/{id}/devices.
type DeviceList struct {
	Devices []json.RawMessage `json:"devices"`
	Meta    *Meta             `json:"meta,omitempty"`
}

// Device states the API reports.
const (
	DeviceQueued       = "queued"
	DeviceProvisioning = "provisioning"
	DeviceActive       = "active"
	DeviceInactive     = "inactive" // powered off
	DevicePoweringOn   = "powering_on"
	DevicePoweringOff  = "powering_off"
	DeviceRebooting    = "rebooting"
	DeviceReinstalling = "reinstalling"
	DeviceFailed       = "failed"
	DeviceDeprovision  = "deprovisioning"
)

// BGPConfig is a project's BGP configuration (the md5 password is not read).
type BGPConfig struct {
	ID             string    `json:"id,omitempty"`
	Status         string    `json:"status,omitempty"`
	DeploymentType string    `json:"deployment_type,omitempty"` // local, global
	ASN            int64     `json:"asn,omitempty"`
	RouteObject    string    `json:"route_object,omitempty"`
	MaxPrefix      int       `json:"max_prefix,omitempty"`
	Project        *Href     `json:"project,omitempty"`
	CreatedAt      Timestamp `json:"created_at,omitzero"`
	RequestedAt    Timestamp `json:"requested_at,omitzero"`
	Href           string    `json:"href,omitempty"`
}

// BGPSession is one BGP session of a device with Packet's routers.
// Status is "up", "down" or "unknown", or several of them comma-separated
// (one per switch the device is connected to).
type BGPSession struct {
	Undecodable
	ID            string   `json:"id"`
	Status        string   `json:"status,omitempty"`
	LearnedRoutes []string `json:"learned_routes,omitempty"`
	AddressFamily string   `json:"address_family,omitempty"` // ipv4, ipv6
	DefaultRoute  bool     `json:"default_route,omitempty"`
	Device        *Href    `json:"device,omitempty"`
	Href          string   `json:"href,omitempty"`
}

// BGPSessionList is GET /projects/{id}/bgp/sessions and
// /devices/{id}/bgp/sessions.
type BGPSessionList struct {
	BGPSessions []json.RawMessage `json:"bgp_sessions"`
}

// BGPNeighbor is what a device must configure for its sessions (the md5
// password is not read).
type BGPNeighbor struct {
	AddressFamily int      `json:"address_family,omitempty"`
	CustomerAS    int64    `json:"customer_as,omitempty"`
	CustomerIP    string   `json:"customer_ip,omitempty"`
	MD5Enabled    bool     `json:"md5_enabled,omitempty"`
	Multihop      bool     `json:"multihop,omitempty"`
	PeerAS        int64    `json:"peer_as,omitempty"`
	PeerIPs       []string `json:"peer_ips,omitempty"`
}

// BGPNeighbors is GET /devices/{id}/bgp/neighbors.
type BGPNeighbors struct {
	BGPNeighbors []BGPNeighbor `json:"bgp_neighbors"`
}

// Event is one entry of an event log.
type Event struct {
	Undecodable
	ID            string    `json:"id"`
	Type          string    `json:"type,omitempty"`
	State         string    `json:"state,omitempty"`
	Body          string    `json:"body,omitempty"`
	Interpolated  string    `json:"interpolated,omitempty"`
	Relationships []Href    `json:"relationships,omitempty"`
	CreatedAt     Timestamp `json:"created_at,omitzero"`
	Href          string    `json:"href,omitempty"`
}

// EventList is GET /events, /projects/{id}/events, /devices/{id}/events.
type EventList struct {
	Events []json.RawMessage `json:"events"`
	Meta   *Meta             `json:"meta,omitempty"`
}

// CapacityLevel is one facility/plan entry of the capacity report.
type CapacityLevel struct {
	Level            string `json:"level,omitempty"`
	AvailableServers *int   `json:"available_servers,omitempty"`
	TotalServers     *int   `json:"total_servers,omitempty"`
}

// CapacityList is GET /capacity: facility code -> plan slug -> level. The
// spec spells out a fixed list of facilities and plans; the answer is a
// map of whatever exists.
type CapacityList struct {
	Capacity map[string]map[string]CapacityLevel `json:"capacity"`
}

// HardwareReservation is a server reserved for a project.
type HardwareReservation struct {
	Undecodable
	ID        string    `json:"id"`
	ShortID   string    `json:"short_id,omitempty"`
	CreatedAt Timestamp `json:"created_at,omitzero"`
	Facility  *Facility `json:"facility,omitempty"`
	Plan      *Plan     `json:"plan,omitempty"`
	Project   *Project  `json:"project,omitempty"`
	// Device is the server provisioned on the reservation (nil: spare).
	Device *Device `json:"device,omitempty"`
	Href   string  `json:"href,omitempty"`
}

// HardwareReservationList is GET /projects/{id}/hardware-reservations.
type HardwareReservationList struct {
	HardwareReservations []json.RawMessage `json:"hardware_reservations"`
	Meta                 *Meta             `json:"meta,omitempty"`
}

// MoveHardwareReservationInput is the body of POST
// /hardware-reservations/{id}/move. The capture declares project_id as a
// path parameter its path does not have; the API reads it from the body.
type MoveHardwareReservationInput struct {
	ProjectID string `json:"project_id"`
}

// VirtualNetwork is a VLAN of a project in one facility; vxlan is its
// VLAN id. As an element of Port.virtual_networks without include it is
// only a link.
type VirtualNetwork struct {
	Undecodable
	ID          string `json:"id,omitempty"`
	Description string `json:"description,omitempty"`
	VXLAN       int    `json:"vxlan,omitempty"`
	Facility    *Href  `json:"facility,omitempty"`
	Instances   []Href `json:"instances,omitempty"`
	AssignedTo  *Href  `json:"assigned_to,omitempty"`
	Href        string `json:"href,omitempty"`
}

// VirtualNetworkID is the network's id, from the link when only that was sent.
func (v VirtualNetwork) VirtualNetworkID() string {
	if v.ID != "" {
		return v.ID
	}
	h := Href{Href: v.Href}
	return h.ID()
}

// VirtualNetworkList is GET /projects/{id}/virtual-networks.
type VirtualNetworkList struct {
	VirtualNetworks []json.RawMessage `json:"virtual_networks"`
}

// IPReservation is a block of addresses reserved for a project.
type IPReservation struct {
	Undecodable
	ID            string    `json:"id"`
	AddressFamily int       `json:"address_family,omitempty"`
	CIDR          int       `json:"cidr,omitempty"`
	Network       string    `json:"network,omitempty"`
	Netmask       string    `json:"netmask,omitempty"`
	Public        bool      `json:"public"`
	Management    bool      `json:"management"`
	State         string    `json:"state,omitempty"`
	Tags          []string  `json:"tags,omitempty"`
	Facility      *Facility `json:"facility,omitempty"`
	CreatedAt     Timestamp `json:"created_at,omitzero"`
	Href          string    `json:"href,omitempty"`
}

// IPReservationList is GET /projects/{id}/ips.
type IPReservationList struct {
	IPAddresses []json.RawMessage `json:"ip_addresses"`
}

// PortAssignInput is the body of assign, unassign and convert/layer-2:
// vnid is the virtual network's id or its VLAN number.
type PortAssignInput struct {
	VNID string `json:"vnid,omitempty"`
}

// RequestIP is one address a layer-3 conversion asks for.
type RequestIP struct {
	AddressFamily int  `json:"address_family"`
	Public        bool `json:"public"`
}

// PortConvertLayer3Input is the body of POST /ports/{id}/convert/layer-3.
type PortConvertLayer3Input struct {
	RequestIPs []RequestIP `json:"request_ips,omitempty"`
}

// DeviceActionInput is the body sent with POST /devices/{id}/actions. The
// capture declares the action as the query parameter type; the API (and
// its clients) read it from the body, so noctop sends both.
type DeviceActionInput struct {
	Type string `json:"type"`
}

// Device action types.
const (
	DeviceActionPowerOn  = "power_on"
	DeviceActionPowerOff = "power_off"
	DeviceActionReboot   = "reboot"
)

// Timeframe is the time range of a traffic request.
type Timeframe struct {
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at"`
}

// MetricSeries is one line of a traffic or bandwidth answer. The spec
// documents neither answer; the API returns Graphite-style series:
//
//	{"bandwidth": [{"target": "inbound", "tags": {...}, "datapoints": [[291.2, 1620340560], ...]}]}
//
// each datapoint being [value, unix seconds], value null for a gap.
type MetricSeries struct {
	Target     string      `json:"target"`
	Tags       *MetricTags `json:"tags,omitempty"`
	Datapoints []Datapoint `json:"datapoints"`
	// Bad counts datapoints that were not [number|null, seconds]; they
	// are dropped (the graph shows a gap there), never read as zero.
	Bad int `json:"-"`
}

// UnmarshalJSON decodes a series, skipping malformed datapoints.
func (m *MetricSeries) UnmarshalJSON(b []byte) error {
	var v struct {
		Target     string            `json:"target"`
		Tags       *MetricTags       `json:"tags"`
		Datapoints []json.RawMessage `json:"datapoints"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = MetricSeries{Target: v.Target, Tags: v.Tags, Datapoints: make([]Datapoint, 0, len(v.Datapoints))}
	for _, raw := range v.Datapoints {
		var d Datapoint
		if d.UnmarshalJSON(raw) != nil {
			m.Bad++
			continue
		}
		m.Datapoints = append(m.Datapoints, d)
	}
	return nil
}

// MetricTags are the tags of a series (name repeats the target).
type MetricTags struct {
	Name         string `json:"name,omitempty"`
	AggregatedBy string `json:"aggregatedBy,omitempty"`
}

// Datapoint is [value, unix seconds]; Value nil is a gap.
type Datapoint struct {
	Value *float64
	Time  time.Time
}

var errDatapoint = errors.New("datapoint is not [value, unix seconds]")

// UnmarshalJSON reads [value, seconds]; anything else is an error (the
// series decoder skips such points and counts them as Bad).
func (d *Datapoint) UnmarshalJSON(b []byte) error {
	var pair []json.RawMessage
	if err := json.Unmarshal(b, &pair); err != nil {
		return err
	}
	if len(pair) != 2 {
		return errDatapoint
	}
	var ts json.Number
	if err := json.Unmarshal(pair[1], &ts); err != nil {
		return errDatapoint
	}
	sec, err := ts.Float64()
	if err != nil || sec < 0 || sec > 1<<40 {
		return errDatapoint
	}
	*d = Datapoint{Time: time.Unix(int64(sec), 0).UTC()}
	if !bytes.Equal(bytes.TrimSpace(pair[0]), []byte("null")) {
		var v float64
		if err := json.Unmarshal(pair[0], &v); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return errDatapoint
		}
		d.Value = &v
	}
	return nil
}

// MarshalJSON writes [value, seconds].
func (d Datapoint) MarshalJSON() ([]byte, error) {
	v := "null"
	if d.Value != nil {
		v = strconv.FormatFloat(*d.Value, 'f', -1, 64)
	}
	return []byte("[" + v + "," + strconv.FormatInt(d.Time.Unix(), 10) + "]"), nil
}

// BandwidthAnswer is GET /devices/{id}/bandwidth (rates in bits per second).
type BandwidthAnswer struct {
	Bandwidth []MetricSeries `json:"bandwidth"`
}

// TrafficAnswer is GET /devices/{id}/traffic: bytes per interval.
type TrafficAnswer struct {
	Traffic []MetricSeries `json:"traffic"`
}

// Timestamp is a time the API sends as RFC 3339. A value that does not
// parse (a proxy's garbage, an unexpected format) reads as the zero time
// instead of failing the whole object: a bad created_at must not cost the
// operator the session or project it belongs to.
type Timestamp struct{ time.Time }

// UnmarshalJSON accepts RFC 3339 strings and null; anything else is zero.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		t.Time = time.Time{}
		return nil
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		parsed = time.Time{}
	}
	t.Time = parsed
	return nil
}

// MarshalJSON writes RFC 3339 (the simulator serves these types).
func (t Timestamp) MarshalJSON() ([]byte, error) { return t.Time.MarshalJSON() }
