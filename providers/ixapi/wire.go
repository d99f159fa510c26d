package ixapi

import "encoding/json"

// Wire types for IX-API v2. Objects, enums and error bodies follow the
// official 2.1.0 OpenAPI document (the only machine-readable IX-API schema
// available here); fields spelled exactly as there. Things 2.7 adds that
// 2.1.0 lacks (connection decommissioning, statistics) are marked where
// they appear; the statistics shapes live alone in stats_shape.go.
//
// The polymorphic objects (network services, network service configs,
// product offerings; discriminator "type") are one struct each holding the
// union of their variants' fields. Type-specific fields use omitempty (or a
// pointer when a variant requires them even when empty), so that what the
// simulator marshals for one variant carries only that variant's fields.
//
// Every object embeds Meta: the raw JSON as received (for the detail view)
// and, if some field had the wrong type, which ones (the rest of the object
// is still decoded, so one bad object never hides a listing).

// Meta is what the client records about each decoded object.
type Meta struct {
	raw       json.RawMessage
	decodeErr error
}

// Raw is the object exactly as the API sent it (nil for objects built in
// code).
func (m Meta) Raw() json.RawMessage { return m.raw }

// DecodeError says which fields could not be decoded (nil when all were).
func (m Meta) DecodeError() error { return m.decodeErr }

func (m *Meta) meta() *Meta { return m }

// States of stateful objects (spec enum, shared by every object that has a
// state). Values outside this list are kept verbatim.
const (
	StateRequested               = "requested"
	StateAllocated               = "allocated"
	StateTesting                 = "testing"
	StateProduction              = "production"
	StateProductionChangePending = "production_change_pending"
	StateDecommissionRequested   = "decommission_requested"
	StateDecommissioned          = "decommissioned"
	StateArchived                = "archived"
	StateError                   = "error"
	StateOperator                = "operator"
	StateScheduled               = "scheduled"
)

// Network service (and config, and product offering) types.
const (
	TypeExchangeLAN = "exchange_lan"
	TypeP2PVC       = "p2p_vc"
	TypeP2MPVC      = "p2mp_vc"
	TypeMP2MPVC     = "mp2mp_vc"
	TypeCloudVC     = "cloud_vc"
)

// Connection modes.
const (
	ModeLAGLACP      = "lag_lacp"
	ModeLAGStatic    = "lag_static"
	ModeFlexEthernet = "flex_ethernet"
	ModeStandalone   = "standalone"
)

// VLAN config types (discriminator vlan_type).
const (
	VLANTypePort  = "port"
	VLANTypeDot1Q = "dot1q"
	VLANTypeQinQ  = "qinq"
)

// Status is one status message of a stateful object.
type Status struct {
	Severity  int            `json:"severity"` // 0 emergency .. 7 debug (syslog levels)
	Tag       string         `json:"tag"`
	Message   string         `json:"message"`
	Attrs     map[string]any `json:"attrs"`
	Timestamp string         `json:"timestamp"`
}

// MetroArea is the spec's MetroArea.
type MetroArea struct {
	Meta
	ID                string   `json:"id"`
	UNLocode          string   `json:"un_locode"`
	IATACode          string   `json:"iata_code"`
	DisplayName       string   `json:"display_name"`
	Facilities        []string `json:"facilities"`
	MetroAreaNetworks []string `json:"metro_area_networks"`
}

// MetroAreaNetwork is the spec's MetroAreaNetwork.
type MetroAreaNetwork struct {
	Meta
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	MetroArea       string   `json:"metro_area"`
	ServiceProvider string   `json:"service_provider"`
	Pops            []string `json:"pops"`
}

// Facility is the spec's Facility.
type Facility struct {
	Meta
	ID                  string   `json:"id"`
	Name                string   `json:"name"`
	MetroArea           string   `json:"metro_area"`
	AddressCountry      string   `json:"address_country"`
	AddressLocality     string   `json:"address_locality"`
	AddressRegion       string   `json:"address_region"`
	PostalCode          string   `json:"postal_code"`
	StreetAddress       string   `json:"street_address"`
	OrganisationName    string   `json:"organisation_name"`
	Pops                []string `json:"pops"`
	PeeringDBFacilityID *int     `json:"peeringdb_facility_id,omitempty"`
}

// PointOfPresence is the spec's PointOfPresence (a pop).
type PointOfPresence struct {
	Meta
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Facility         string   `json:"facility"`
	MetroAreaNetwork string   `json:"metro_area_network"`
	Devices          []string `json:"devices"`
}

// DeviceCapability is one kind of port a device offers.
type DeviceCapability struct {
	MediaType    string `json:"media_type,omitempty"`
	Speed        int64  `json:"speed,omitempty"` // Mbit/s
	MaxLAG       int    `json:"max_lag,omitempty"`
	Availability int    `json:"availability,omitempty"`
}

// Device is the spec's Device.
type Device struct {
	Meta
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	Pop          string             `json:"pop"`
	Facility     string             `json:"facility,omitempty"`
	Capabilities []DeviceCapability `json:"capabilities,omitempty"`
}

// Port is the spec's Port.
type Port struct {
	Meta
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	State            string   `json:"state"`
	Status           []Status `json:"status,omitempty"`
	MediaType        string   `json:"media_type"`
	Speed            *int64   `json:"speed,omitempty"` // Mbit/s
	Device           string   `json:"device"`
	Pop              string   `json:"pop"`
	Connection       *string  `json:"connection"`
	ManagingAccount  string   `json:"managing_account"`
	ConsumingAccount string   `json:"consuming_account"`
	BillingAccount   string   `json:"billing_account"`
	RoleAssignments  []string `json:"role_assignments"`
	ExternalRef      *string  `json:"external_ref,omitempty"`
	ContractRef      *string  `json:"contract_ref,omitempty"`
	PurchaseOrder    string   `json:"purchase_order,omitempty"`
}

// Connection is the spec's Connection (a port or a LAG of ports).
type Connection struct {
	Meta
	ID                  string   `json:"id"`
	Name                string   `json:"name"`
	State               string   `json:"state"`
	Status              []Status `json:"status,omitempty"`
	Mode                string   `json:"mode"`
	LACPTimeout         *string  `json:"lacp_timeout,omitempty"`
	Ports               []string `json:"ports,omitempty"`
	Speed               *int64   `json:"speed,omitempty"` // Mbit/s
	VLANTypes           []string `json:"vlan_types"`
	OuterVLANEthertypes []string `json:"outer_vlan_ethertypes"`
	ManagingAccount     string   `json:"managing_account"`
	ConsumingAccount    string   `json:"consuming_account"`
	BillingAccount      string   `json:"billing_account"`
	RoleAssignments     []string `json:"role_assignments"`
	ExternalRef         *string  `json:"external_ref,omitempty"`
	ContractRef         *string  `json:"contract_ref,omitempty"`
	PurchaseOrder       string   `json:"purchase_order,omitempty"`
	// 2.7: a connection can be decommissioned like a service.
	DecommissionAt string `json:"decommission_at,omitempty"`
	ChargedUntil   string `json:"charged_until,omitempty"`
}

// VLANConfig is the spec's VlanConfig (discriminator vlan_type).
type VLANConfig struct {
	VLANType           string `json:"vlan_type"`
	VLAN               *int   `json:"vlan,omitempty"`           // dot1q
	VLANEthertype      string `json:"vlan_ethertype,omitempty"` // dot1q
	OuterVLAN          *int   `json:"outer_vlan,omitempty"`     // qinq
	InnerVLAN          *int   `json:"inner_vlan,omitempty"`     // qinq
	OuterVLANEthertype string `json:"outer_vlan_ethertype,omitempty"`
}

// NetworkService is the union of the spec's ExchangeLan, P2P, P2MP, MP2MP and
// Cloud network services.
type NetworkService struct {
	Meta
	ID               string   `json:"id"`
	Type             string   `json:"type"`
	Name             string   `json:"name,omitempty"`
	State            string   `json:"state"`
	Status           []Status `json:"status,omitempty"`
	ManagingAccount  string   `json:"managing_account"`
	ConsumingAccount string   `json:"consuming_account"`
	BillingAccount   string   `json:"billing_account,omitempty"`
	ProductOffering  string   `json:"product_offering,omitempty"`
	ExternalRef      *string  `json:"external_ref,omitempty"`
	ContractRef      *string  `json:"contract_ref,omitempty"`
	PurchaseOrder    string   `json:"purchase_order,omitempty"`
	Capacity         *int64   `json:"capacity,omitempty"` // Mbit/s
	DecommissionAt   string   `json:"decommission_at,omitempty"`
	ChargedUntil     string   `json:"charged_until,omitempty"`
	// exchange_lan
	MetroAreaNetwork string    `json:"metro_area_network,omitempty"`
	NetworkFeatures  *[]string `json:"network_features,omitempty"`
	SubnetV4         string    `json:"subnet_v4,omitempty"`
	SubnetV6         string    `json:"subnet_v6,omitempty"`
	PeeringDBIXID    *int      `json:"peeringdb_ixid,omitempty"`
	IXFDBIXID        *int      `json:"ixfdb_ixid,omitempty"`
	// p2p_vc
	JoiningMemberAccount string `json:"joining_member_account,omitempty"`
	// cloud_vc
	CloudKey    string  `json:"cloud_key,omitempty"`
	Diversity   int     `json:"diversity,omitempty"`
	ProviderRef *string `json:"provider_ref,omitempty"`
}

// NetworkServiceConfig is the union of the spec's network service configs:
// how one connection takes part in a network service.
type NetworkServiceConfig struct {
	Meta
	ID                    string      `json:"id"`
	Type                  string      `json:"type"`
	State                 string      `json:"state"`
	Status                []Status    `json:"status,omitempty"`
	NetworkService        string      `json:"network_service"`
	Connection            string      `json:"connection"`
	VLANConfig            *VLANConfig `json:"vlan_config,omitempty"`
	Capacity              *int64      `json:"capacity,omitempty"` // Mbit/s
	ProductOffering       string      `json:"product_offering,omitempty"`
	ManagingAccount       string      `json:"managing_account"`
	ConsumingAccount      string      `json:"consuming_account"`
	BillingAccount        string      `json:"billing_account"`
	RoleAssignments       []string    `json:"role_assignments"`
	ExternalRef           *string     `json:"external_ref,omitempty"`
	ContractRef           *string     `json:"contract_ref,omitempty"`
	PurchaseOrder         string      `json:"purchase_order,omitempty"`
	DecommissionAt        string      `json:"decommission_at,omitempty"`
	ChargedUntil          string      `json:"charged_until,omitempty"`
	NetworkFeatureConfigs []string    `json:"network_feature_configs,omitempty"`
	// exchange_lan
	ASNs   []int64  `json:"asns,omitempty"`
	Listed *bool    `json:"listed,omitempty"`
	MACs   []string `json:"macs,omitempty"`
	IPs    []string `json:"ips,omitempty"`
	// cloud_vc
	Handover  int  `json:"handover,omitempty"`
	CloudVLAN *int `json:"cloud_vlan,omitempty"`
}

// ProductOffering is the union of the spec's product offerings.
type ProductOffering struct {
	Meta
	ID                       string  `json:"id"`
	Type                     string  `json:"type"`
	Name                     string  `json:"name"`
	DisplayName              string  `json:"display_name"`
	ProviderVLANs            string  `json:"provider_vlans"`
	ResourceType             string  `json:"resource_type"`
	HandoverMetroAreaNetwork string  `json:"handover_metro_area_network"`
	HandoverMetroArea        string  `json:"handover_metro_area"`
	ServiceMetroAreaNetwork  string  `json:"service_metro_area_network"`
	ServiceMetroArea         string  `json:"service_metro_area"`
	BandwidthMin             *int64  `json:"bandwidth_min"` // Mbit/s, nullable
	BandwidthMax             *int64  `json:"bandwidth_max"`
	PhysicalPortSpeed        *int64  `json:"physical_port_speed"`
	ServiceProvider          string  `json:"service_provider"`
	DowngradeAllowed         bool    `json:"downgrade_allowed"`
	UpgradeAllowed           bool    `json:"upgrade_allowed"`
	ExchangeLANNetworkSvc    string  `json:"exchange_lan_network_service,omitempty"`
	ServiceProviderRegion    *string `json:"service_provider_region,omitempty"`
	ServiceProviderPop       *string `json:"service_provider_pop,omitempty"`
	ServiceProviderWorkflow  string  `json:"service_provider_workflow,omitempty"`
	DeliveryMethod           string  `json:"delivery_method,omitempty"`
	Diversity                int     `json:"diversity,omitempty"`
}

// Address is a postal address.
type Address struct {
	Country       string `json:"country"`
	Locality      string `json:"locality"`
	PostalCode    string `json:"postal_code"`
	StreetAddress string `json:"street_address"`
	Region        string `json:"region,omitempty"`
}

// Account is the spec's Account (the organisation owning or consuming
// objects).
type Account struct {
	Meta
	ID                       string   `json:"id"`
	Name                     string   `json:"name"`
	LegalName                *string  `json:"legal_name,omitempty"`
	State                    string   `json:"state"`
	Status                   []Status `json:"status,omitempty"`
	ManagingAccount          *string  `json:"managing_account,omitempty"`
	MetroAreaNetworkPresence []string `json:"metro_area_network_presence"`
	Discoverable             bool     `json:"discoverable"`
	ExternalRef              *string  `json:"external_ref,omitempty"`
	Address                  *Address `json:"address,omitempty"`
}

// AuthTokenRequest is the body of POST /auth/token.
type AuthTokenRequest struct {
	APIKey    string `json:"api_key"`
	APISecret string `json:"api_secret"`
}

// RefreshTokenRequest is the body of POST /auth/refresh.
type RefreshTokenRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// AuthToken is the answer of both token endpoints.
type AuthToken struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// CancellationPolicy says when an object can go and until when it is paid
// for (dates, YYYY-MM-DD).
type CancellationPolicy struct {
	DecommissionAt string `json:"decommission_at"`
	ChargedUntil   string `json:"charged_until"`
}

// CancellationRequest is the optional body of a decommission DELETE.
type CancellationRequest struct {
	DecommissionAt string `json:"decommission_at,omitempty"`
}

// NetworkServiceChangeRequest asks for a new product offering and/or
// capacity of a p2p_vc network service.
type NetworkServiceChangeRequest struct {
	ProductOffering string `json:"product_offering"`
	Capacity        *int64 `json:"capacity,omitempty"` // Mbit/s
}

// Health is GET /health (draft-inadarei-api-health-check).
type Health struct {
	Status    string                       `json:"status"` // pass, fail, warn
	Version   string                       `json:"version,omitempty"`
	ReleaseID string                       `json:"releaseId,omitempty"`
	ServiceID string                       `json:"serviceId,omitempty"`
	Output    string                       `json:"output,omitempty"`
	Notes     []string                     `json:"notes,omitempty"`
	Checks    map[string]map[string]string `json:"checks,omitempty"`
	Links     map[string]string            `json:"links,omitempty"`
}

// Implementation is GET /implementation.
type Implementation struct {
	SchemaVersion                      string   `json:"schema_version"`
	ServiceVersion                     string   `json:"service_version,omitempty"`
	SupportedNetworkServiceTypes       []string `json:"supported_network_service_types"`
	SupportedNetworkServiceConfigTypes []string `json:"supported_network_service_config_types"`
	SupportedNetworkFeatureTypes       []string `json:"supported_network_feature_types"`
	SupportedNetworkFeatureConfigTypes []string `json:"supported_network_feature_config_types"`
	SupportedOperations                []string `json:"supported_operations"`
}

// Problem is an RFC 7807 problem document as IX-API sends it, with the
// extras some problem types carry.
type Problem struct {
	Type       string            `json:"type"`
	Title      string            `json:"title,omitempty"`
	Status     int               `json:"status,omitempty"`
	Detail     string            `json:"detail,omitempty"`
	Instance   string            `json:"instance,omitempty"`
	Properties []ProblemProperty `json:"properties,omitempty"` // validation-error
	// cancellation-policy-error: the earliest possible dates.
	DecommissionAt string `json:"decommission_at,omitempty"`
	ChargedUntil   string `json:"charged_until,omitempty"`
}

// ProblemProperty is one invalid field of a validation error.
type ProblemProperty struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Problem types (the spec's error type URIs).
const (
	ProblemBase               = "https://errors.ix-api.net/v2/"
	ProblemValidation         = ProblemBase + "validation-error.html"
	ProblemAuthentication     = ProblemBase + "authentication-error.html"
	ProblemSignatureExpired   = ProblemBase + "signature-expired.html"
	ProblemNotAuthenticated   = ProblemBase + "not-authenticated.html"
	ProblemPermissionDenied   = ProblemBase + "permission-denied.html"
	ProblemNotFound           = ProblemBase + "not-found.html"
	ProblemCancellationPolicy = ProblemBase + "cancellation-policy-error.html"
	ProblemUnableToFulfill    = ProblemBase + "unable-to-fulfill.html"
	ProblemServerError        = ProblemBase + "server-error.html"
)
