package metal

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Wire types of the Equinix Metal v1 API (metal-v1.bundled.yaml), spelt as
// the spec spells them. Only the fields noctop reads, sends or serves are
// declared; the detail view shows each object's raw JSON as received.
//
// Nested objects are usually references ({"href": "/metal/v1/..."}) unless
// the request asked to include them, so every id is read with the idOf
// helpers, which fall back to the last segment of the href.

// Href is a link to another resource.
type Href struct {
	Href string `json:"href"`
}

// Meta is the paging object of list responses.
type Meta struct {
	First       *Href `json:"first,omitempty"`
	Previous    *Href `json:"previous,omitempty"`
	Self        *Href `json:"self,omitempty"`
	Next        *Href `json:"next,omitempty"`
	Last        *Href `json:"last,omitempty"`
	Total       *int  `json:"total,omitempty"`
	CurrentPage *int  `json:"current_page,omitempty"`
	LastPage    *int  `json:"last_page,omitempty"`
}

// Error is the body of every 4xx/5xx response: "either error or errors
// will be set".
type Error struct {
	Error  string   `json:"error,omitempty"`
	Errors []string `json:"errors,omitempty"`
}

// Metro is a metro (Interconnection.metro, VirtualNetwork.metro ...).
type Metro struct {
	ID      string `json:"id,omitempty"`
	Code    string `json:"code,omitempty"`
	Name    string `json:"name,omitempty"`
	Country string `json:"country,omitempty"`
}

// Organization is an organization, or a reference to one.
type Organization struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Href        string `json:"href,omitempty"`
	Projects    []Href `json:"projects,omitempty"`
	CreatedAt   string `json:"created_at,omitempty"`
	UpdatedAt   string `json:"updated_at,omitempty"`
}

// OrganizationList is GET /organizations.
type OrganizationList struct {
	Organizations []Organization `json:"organizations"`
	Meta          *Meta          `json:"meta,omitempty"`
}

// Project is a project, or a reference to one.
type Project struct {
	ID           string        `json:"id,omitempty"`
	Name         string        `json:"name,omitempty"`
	Href         string        `json:"href,omitempty"`
	Organization *Organization `json:"organization,omitempty"`
	Type         string        `json:"type,omitempty"`
	CreatedAt    string        `json:"created_at,omitempty"`
	UpdatedAt    string        `json:"updated_at,omitempty"`
	Tags         []string      `json:"tags,omitempty"`
}

// ProjectList is GET /projects.
type ProjectList struct {
	Projects []Project `json:"projects"`
	Meta     *Meta     `json:"meta,omitempty"`
}

// Interconnection types (Interconnection.type).
const (
	TypeShared              = "shared"                  // Fabric VC with service tokens
	TypeDedicated           = "dedicated"               // dedicated ports
	TypeSharedPortVLAN      = "shared_port_vlan"        // shared, finished in Fabric without tokens
	TypeSharedPortVLANToCSP = "shared_port_vlan_to_csp" // shared, straight to a cloud provider
)

// Interconnection is a dedicated or shared ("Fabric VC") interconnection.
type Interconnection struct {
	ID                string                `json:"id,omitempty"`
	Name              string                `json:"name,omitempty"`
	Description       string                `json:"description,omitempty"`
	ContactEmail      string                `json:"contact_email,omitempty"`
	Type              string                `json:"type,omitempty"`
	Mode              string                `json:"mode,omitempty"`       // standard | tunnel (dedicated only)
	Redundancy        string                `json:"redundancy,omitempty"` // primary | redundant
	Status            string                `json:"status,omitempty"`     // free text
	Speed             int64                 `json:"speed,omitempty"`      // bps
	Metro             *Metro                `json:"metro,omitempty"`
	Organization      *Organization         `json:"organization,omitempty"`
	Project           *Project              `json:"project,omitempty"`
	Ports             []InterconnectionPort `json:"ports,omitempty"`
	ServiceTokens     []FabricServiceToken  `json:"service_tokens,omitempty"`
	AuthorizationCode string                `json:"authorization_code,omitempty"`
	Tags              []string              `json:"tags,omitempty"`
	CreatedAt         string                `json:"created_at,omitempty"`
	UpdatedAt         string                `json:"updated_at,omitempty"`
	RequestedBy       *Href                 `json:"requested_by,omitempty"`

	raw json.RawMessage
}

// Raw is the object exactly as received (nil when built locally).
func (ic Interconnection) Raw() json.RawMessage { return ic.raw }

// UnmarshalJSON keeps the raw bytes for the detail view.
func (ic *Interconnection) UnmarshalJSON(b []byte) error {
	type plain Interconnection
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	*ic = Interconnection(p)
	ic.raw = append(json.RawMessage(nil), b...)
	return nil
}

// InterconnectionList is GET /organizations/{id}/connections and
// GET /projects/{id}/connections.
type InterconnectionList struct {
	Interconnections []Interconnection `json:"interconnections"`
	Meta             *Meta             `json:"meta,omitempty"`
}

// Port statuses (InterconnectionPort.status).
const (
	PortRequested    = "requested"
	PortActive       = "active"
	PortDeleting     = "deleting"
	PortExpired      = "expired"
	PortDeleteFailed = "delete_failed"
)

// InterconnectionPort is a dedicated port, or a Fabric VC's virtual port.
type InterconnectionPort struct {
	ID              string           `json:"id,omitempty"`
	Href            string           `json:"href,omitempty"`
	Name            string           `json:"name,omitempty"`
	Organization    *Href            `json:"organization,omitempty"`
	Role            string           `json:"role,omitempty"` // primary | secondary
	Status          string           `json:"status,omitempty"`
	SwitchID        string           `json:"switch_id,omitempty"`
	Speed           int64            `json:"speed,omitempty"`
	LinkStatus      string           `json:"link_status,omitempty"`
	VirtualCircuits []VirtualCircuit `json:"virtual_circuits,omitempty"`
}

// InterconnectionPortList is GET /connections/{id}/ports.
type InterconnectionPortList struct {
	Ports []InterconnectionPort `json:"ports"`
}

// FabricServiceToken is the token a shared interconnection is finished
// with on the Fabric side (A side: Metal billed; Z side: Fabric billed).
type FabricServiceToken struct {
	ID              string `json:"id,omitempty"`
	ExpiresAt       string `json:"expires_at,omitempty"`
	MaxAllowedSpeed int64  `json:"max_allowed_speed,omitempty"`
	Role            string `json:"role,omitempty"` // primary | secondary
}

// Virtual circuit types (VlanVirtualCircuit.type, VrfVirtualCircuit.type).
const (
	VCTypeVLAN = "vlan"
	VCTypeVRF  = "vrf"
)

// VLAN virtual circuit statuses (VlanVirtualCircuit.status).
const (
	VCPending                  = "pending"
	VCWaitingOnCustomerVLAN    = "waiting_on_customer_vlan"
	VCActivating               = "activating"
	VCChangingVLAN             = "changing_vlan"
	VCDeactivating             = "deactivating"
	VCDeleting                 = "deleting"
	VCActive                   = "active"
	VCExpired                  = "expired"
	VCActivationFailed         = "activation_failed"
	VCChangingVLANFailed       = "changing_vlan_failed"
	VCDeactivationFailed       = "deactivation_failed"
	VCDeleteFailed             = "delete_failed"
	VCConfigureRoutingProtocol = "configure_fabric_routing_protocols"
)

// VRF virtual circuit statuses that differ from the VLAN ones.
const (
	VCWaitingOnPeeringDetails      = "waiting_on_peering_details"
	VCChangingPeeringDetails       = "changing_peering_details"
	VCChangingPeeringDetailsFailed = "changing_peering_details_failed"
)

// VlanVirtualCircuit is a layer 2 virtual circuit: a Metal VLAN (vnid,
// the virtual network's VXLAN id) carried to a VLAN on the port (nni_vlan).
type VlanVirtualCircuit struct {
	ID                   string               `json:"id,omitempty"`
	Name                 string               `json:"name,omitempty"`
	Description          string               `json:"description,omitempty"`
	Type                 string               `json:"type,omitempty"` // "vlan"
	Status               string               `json:"status,omitempty"`
	Speed                int64                `json:"speed,omitempty"` // bps
	NNIVlan              int                  `json:"nni_vlan,omitempty"`
	VNID                 int                  `json:"vnid,omitempty"`
	VirtualNetwork       *Href                `json:"virtual_network,omitempty"`
	Port                 *InterconnectionPort `json:"port,omitempty"`
	Project              *Project             `json:"project,omitempty"`
	Bill                 *bool                `json:"bill,omitempty"`
	BillType             *string              `json:"bill_type,omitempty"`
	ProviderConnectionID string               `json:"provider_connection_id,omitempty"`
	Tags                 []string             `json:"tags,omitempty"`
	CreatedAt            string               `json:"created_at,omitempty"`
	UpdatedAt            string               `json:"updated_at,omitempty"`
}

// VrfVirtualCircuit is a layer 3 virtual circuit: a BGP peering between a
// VRF and the customer over a /30 or /31.
type VrfVirtualCircuit struct {
	ID           string               `json:"id,omitempty"`
	Name         string               `json:"name,omitempty"`
	Description  string               `json:"description,omitempty"`
	Type         string               `json:"type,omitempty"` // "vrf"
	Status       string               `json:"status,omitempty"`
	Speed        int64                `json:"speed,omitempty"`
	NNIVlan      int                  `json:"nni_vlan,omitempty"`
	Vrf          *Vrf                 `json:"vrf"` // required by the spec
	Subnet       string               `json:"subnet,omitempty"`
	SubnetIPv6   string               `json:"subnet_ipv6,omitempty"`
	MetalIP      string               `json:"metal_ip,omitempty"`
	CustomerIP   string               `json:"customer_ip,omitempty"`
	MetalIPv6    string               `json:"metal_ipv6,omitempty"`
	CustomerIPv6 string               `json:"customer_ipv6,omitempty"`
	PeerASN      int64                `json:"peer_asn,omitempty"`
	MD5          string               `json:"md5,omitempty"` // a BGP password: never shown
	Port         *InterconnectionPort `json:"port,omitempty"`
	Project      *Project             `json:"project,omitempty"`
	Tags         []string             `json:"tags,omitempty"`
	CreatedAt    string               `json:"created_at,omitempty"`
	UpdatedAt    string               `json:"updated_at,omitempty"`
}

// VirtualCircuit is the spec's VirtualCircuit: oneOf VlanVirtualCircuit
// and VrfVirtualCircuit. Exactly one of Vlan and Vrf is set after a
// successful decode (neither for JSON null); which one is decided by
// "type", or, without a type, by the presence of the required "vrf" (a
// bare {"id"} reference is a VLAN circuit by that rule, as the spec's
// oneOf also decides). Neither schema has an href.
type VirtualCircuit struct {
	Vlan *VlanVirtualCircuit
	Vrf  *VrfVirtualCircuit
	raw  json.RawMessage
}

// UnmarshalJSON picks the oneOf branch.
func (vc *VirtualCircuit) UnmarshalJSON(b []byte) error {
	var probe struct {
		Type string          `json:"type"`
		Vrf  json.RawMessage `json:"vrf"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*vc = VirtualCircuit{}
		return nil
	}
	*vc = VirtualCircuit{raw: append(json.RawMessage(nil), b...)}
	isVRF := probe.Type == VCTypeVRF || (probe.Type == "" && len(probe.Vrf) > 0 && !bytes.Equal(probe.Vrf, []byte("null")))
	if isVRF {
		vc.Vrf = new(VrfVirtualCircuit)
		return json.Unmarshal(b, vc.Vrf)
	}
	vc.Vlan = new(VlanVirtualCircuit)
	return json.Unmarshal(b, vc.Vlan)
}

// MarshalJSON writes whichever branch is set.
func (vc VirtualCircuit) MarshalJSON() ([]byte, error) {
	switch {
	case vc.Vrf != nil:
		return json.Marshal(vc.Vrf)
	case vc.Vlan != nil:
		return json.Marshal(vc.Vlan)
	}
	return nil, errors.New("metal: empty VirtualCircuit")
}

// Raw is the object exactly as received.
func (vc VirtualCircuit) Raw() json.RawMessage { return vc.raw }

// IsVRF reports whether this is a VRF (layer 3) circuit.
func (vc VirtualCircuit) IsVRF() bool { return vc.Vrf != nil }

// Common accessors over the two branches.

func (vc VirtualCircuit) ID() string {
	return vc.pick(func(v *VlanVirtualCircuit) string { return v.ID }, func(v *VrfVirtualCircuit) string { return v.ID })
}
func (vc VirtualCircuit) Name() string {
	return vc.pick(func(v *VlanVirtualCircuit) string { return v.Name }, func(v *VrfVirtualCircuit) string { return v.Name })
}
func (vc VirtualCircuit) Status() string {
	return vc.pick(func(v *VlanVirtualCircuit) string { return v.Status }, func(v *VrfVirtualCircuit) string { return v.Status })
}
func (vc VirtualCircuit) Description() string {
	return vc.pick(func(v *VlanVirtualCircuit) string { return v.Description }, func(v *VrfVirtualCircuit) string { return v.Description })
}
func (vc VirtualCircuit) CreatedAt() string {
	return vc.pick(func(v *VlanVirtualCircuit) string { return v.CreatedAt }, func(v *VrfVirtualCircuit) string { return v.CreatedAt })
}
func (vc VirtualCircuit) UpdatedAt() string {
	return vc.pick(func(v *VlanVirtualCircuit) string { return v.UpdatedAt }, func(v *VrfVirtualCircuit) string { return v.UpdatedAt })
}

// Speed is the circuit's speed in bps (0 when not stated).
func (vc VirtualCircuit) Speed() int64 {
	switch {
	case vc.Vlan != nil:
		return vc.Vlan.Speed
	case vc.Vrf != nil:
		return vc.Vrf.Speed
	}
	return 0
}

// NNIVlan is the VLAN on the port side (0 when not set).
func (vc VirtualCircuit) NNIVlan() int {
	switch {
	case vc.Vlan != nil:
		return vc.Vlan.NNIVlan
	case vc.Vrf != nil:
		return vc.Vrf.NNIVlan
	}
	return 0
}

// Port is the port reference (nil when absent).
func (vc VirtualCircuit) Port() *InterconnectionPort {
	switch {
	case vc.Vlan != nil:
		return vc.Vlan.Port
	case vc.Vrf != nil:
		return vc.Vrf.Port
	}
	return nil
}

// Project is the project reference (nil when absent).
func (vc VirtualCircuit) Project() *Project {
	switch {
	case vc.Vlan != nil:
		return vc.Vlan.Project
	case vc.Vrf != nil:
		return vc.Vrf.Project
	}
	return nil
}

func (vc VirtualCircuit) pick(vlan func(*VlanVirtualCircuit) string, vrf func(*VrfVirtualCircuit) string) string {
	switch {
	case vc.Vlan != nil:
		return vlan(vc.Vlan)
	case vc.Vrf != nil:
		return vrf(vc.Vrf)
	}
	return ""
}

// VirtualCircuitList is GET /connections/{id}/virtual-circuits and
// GET /connections/{id}/ports/{id}/virtual-circuits (not paged).
type VirtualCircuitList struct {
	VirtualCircuits []VirtualCircuit `json:"virtual_circuits"`
}

// VirtualNetwork is a Metro VLAN of a project.
type VirtualNetwork struct {
	ID                       string   `json:"id,omitempty"`
	Href                     string   `json:"href,omitempty"`
	Description              string   `json:"description,omitempty"`
	VXLAN                    int      `json:"vxlan,omitempty"`
	MetroCode                string   `json:"metro_code,omitempty"`
	Metro                    *Metro   `json:"metro,omitempty"`
	AssignedTo               *Project `json:"assigned_to,omitempty"`
	AssignedToVirtualCircuit *bool    `json:"assigned_to_virtual_circuit,omitempty"`
	Tags                     []string `json:"tags,omitempty"`
	CreatedAt                string   `json:"created_at,omitempty"`
}

// VirtualNetworkList is GET /projects/{id}/virtual-networks.
type VirtualNetworkList struct {
	VirtualNetworks []VirtualNetwork `json:"virtual_networks"`
}

// Vrf is a VRF, or a reference to one.
type Vrf struct {
	ID          string   `json:"id,omitempty"`
	Href        string   `json:"href,omitempty"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	LocalASN    int64    `json:"local_asn,omitempty"`
	IPRanges    []string `json:"ip_ranges,omitempty"`
	Metro       *Metro   `json:"metro,omitempty"`
	Project     *Project `json:"project,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	CreatedAt   string   `json:"created_at,omitempty"`
	UpdatedAt   string   `json:"updated_at,omitempty"`
}

// VrfList is GET /projects/{id}/vrfs.
type VrfList struct {
	Vrfs []Vrf `json:"vrfs"`
	Meta *Meta `json:"meta,omitempty"`
}

// Event is one entry of an object's event log.
type Event struct {
	ID            string `json:"id,omitempty"`
	Href          string `json:"href,omitempty"`
	Type          string `json:"type,omitempty"`
	Body          string `json:"body,omitempty"`
	Interpolated  string `json:"interpolated,omitempty"`
	State         string `json:"state,omitempty"`
	CreatedAt     string `json:"created_at,omitempty"`
	Relationships []Href `json:"relationships,omitempty"`
}

// EventList is GET .../events. (The spec declares the port and virtual
// circuit event lists as a single Event; servers send an EventList, which
// also fits that schema, and that is what is read.)
type EventList struct {
	Events []Event `json:"events"`
	Meta   *Meta   `json:"meta,omitempty"`
}

// InterconnectionMetro is one entry of GET /connections/metros (the spec's
// allOf Metro plus providers; the embedded fields are flattened).
type InterconnectionMetro struct {
	Metro
	Providers []MetroProvider `json:"providers,omitempty"`
}

// MetroProvider is a network provider reachable from a metro.
type MetroProvider struct {
	Type       string   `json:"type,omitempty"` // "CSP_AWS"
	Name       string   `json:"name,omitempty"`
	Locations  []string `json:"locations,omitempty"`
	Bandwidths []int    `json:"bandwidths,omitempty"` // Mbps
	Features   []string `json:"features,omitempty"`
}

// InterconnectionMetroList is GET /connections/metros.
type InterconnectionMetroList struct {
	Metros []InterconnectionMetro `json:"metros"`
	Meta   *Meta                  `json:"meta,omitempty"`
}

// --- request bodies ---

// InterconnectionUpdateInput is the body of PUT /connections/{id}. The spec
// allows name, description, contact email, mode and tags; redundancy
// cannot be changed after creation.
type InterconnectionUpdateInput struct {
	Name         *string  `json:"name,omitempty"`
	Description  *string  `json:"description,omitempty"`
	ContactEmail *string  `json:"contact_email,omitempty"`
	Mode         *string  `json:"mode,omitempty"`
	Tags         []string `json:"tags,omitempty"`
}

// InterconnectionCreateInput is the body of POST .../connections: the
// fields of DedicatedPortCreateInput, VlanFabricVcCreateInput,
// VrfFabricVcCreateInput and SharedPortVCVlanCreateInput (the spec's
// oneOf; "type" and the presence of vlans/vrfs select the branch).
type InterconnectionCreateInput struct {
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	Metro            string   `json:"metro"`
	Redundancy       string   `json:"redundancy,omitempty"`
	Speed            string   `json:"speed,omitempty"`
	Project          string   `json:"project,omitempty"`
	ContactEmail     string   `json:"contact_email,omitempty"`
	Description      string   `json:"description,omitempty"`
	Mode             string   `json:"mode,omitempty"`
	ServiceTokenType string   `json:"service_token_type,omitempty"`
	VLANs            []int    `json:"vlans,omitempty"`
	Vrfs             []string `json:"vrfs,omitempty"`
	Tags             []string `json:"tags,omitempty"`
}

// VlanVirtualCircuitCreateInput creates a VLAN VC on a dedicated port.
type VlanVirtualCircuitCreateInput struct {
	ProjectID   string   `json:"project_id"`
	VNID        string   `json:"vnid,omitempty"` // virtual network UUID
	NNIVlan     int      `json:"nni_vlan,omitempty"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Speed       string   `json:"speed,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

// VrfVirtualCircuitCreateInput creates a VRF VC on a dedicated port. MD5 is
// left out on purpose: noctop shows and audits every request body, and a
// BGP password must not appear in either.
type VrfVirtualCircuitCreateInput struct {
	ProjectID   string   `json:"project_id"`
	Vrf         string   `json:"vrf"`
	Subnet      string   `json:"subnet"`
	PeerASN     int64    `json:"peer_asn"`
	NNIVlan     int      `json:"nni_vlan"`
	MetalIP     string   `json:"metal_ip,omitempty"`
	CustomerIP  string   `json:"customer_ip,omitempty"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Speed       string   `json:"speed,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

// VirtualCircuitUpdateInput is the body of PUT /virtual-circuits/{id}: the
// fields of VlanVirtualCircuitUpdateInput and VrfVirtualCircuitUpdateInput
// noctop changes (never md5, see VrfVirtualCircuitCreateInput).
type VirtualCircuitUpdateInput struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	Speed       *string `json:"speed,omitempty"`
	VNID        *string `json:"vnid,omitempty"` // VLAN VC: virtual network UUID or VLAN number
	PeerASN     *int64  `json:"peer_asn,omitempty"`
	Subnet      *string `json:"subnet,omitempty"`
	MetalIP     *string `json:"metal_ip,omitempty"`
	CustomerIP  *string `json:"customer_ip,omitempty"`
}
