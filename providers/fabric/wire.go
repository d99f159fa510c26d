package fabric

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Wire types for Equinix Fabric v4 (spec 4.31) and the Equinix OAuth2 token
// endpoint (accesstoken v1.2). Field names are spelled exactly as in the
// specs; only the fields noctop reads or the simulator serves are modelled.
// Optional scalars use omitempty; objects are pointers so that absent
// stays absent.

// Connection is the spec's Connection schema.
type Connection struct {
	Href           string                   `json:"href,omitempty"`
	Type           string                   `json:"type"`
	UUID           string                   `json:"uuid,omitempty"`
	Name           string                   `json:"name"`
	State          string                   `json:"state,omitempty"`
	Change         *Change                  `json:"change,omitempty"`
	Operation      *ConnectionOperation     `json:"operation,omitempty"`
	Order          *Order                   `json:"order,omitempty"`
	Notifications  []SimplifiedNotification `json:"notifications,omitempty"`
	Account        *SimplifiedAccount       `json:"account,omitempty"`
	ChangeLog      *Changelog               `json:"changeLog,omitempty"`
	Bandwidth      int64                    `json:"bandwidth"`
	GeoScope       string                   `json:"geoScope,omitempty"`
	Redundancy     *ConnectionRedundancy    `json:"redundancy,omitempty"`
	IsRemote       *bool                    `json:"isRemote,omitempty"`
	Direction      string                   `json:"direction,omitempty"`
	ASide          ConnectionSide           `json:"aSide"`
	ZSide          ConnectionSide           `json:"zSide"`
	AdditionalInfo []AdditionalInfo         `json:"additionalInfo,omitempty"`
	Project        *Project                 `json:"project,omitempty"`

	raw       json.RawMessage // the object as received, set by UnmarshalJSON
	decodeErr error           // why the object could not be decoded, if so
}

// UnmarshalJSON decodes c and keeps a copy of the raw object for the
// detail view. It never fails: one connection with a field of the wrong
// type must not hide the other 9,999 of a listing. Such a connection keeps
// whatever uuid and name could be read, and DecodeError says what was wrong.
func (c *Connection) UnmarshalJSON(b []byte) error {
	type plain Connection
	var p plain
	raw := append(json.RawMessage(nil), b...)
	if err := json.Unmarshal(b, &p); err != nil {
		var ids struct {
			UUID any `json:"uuid"`
			Name any `json:"name"`
			Type any `json:"type"`
		}
		_ = json.Unmarshal(b, &ids)
		*c = Connection{UUID: asString(ids.UUID), Name: asString(ids.Name), Type: asString(ids.Type)}
		c.raw, c.decodeErr = raw, describeDecodeError(err)
		return nil
	}
	*c = Connection(p)
	c.raw = raw
	return nil
}

// DecodeError reports why the connection could not be decoded (nil if it
// was fine).
func (c Connection) DecodeError() error { return c.decodeErr }

func asString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

func describeDecodeError(err error) error {
	return fmt.Errorf("%w: %s", model.ErrBadResponse, httpx.DescribeJSONError(err))
}

// Raw returns the JSON the connection was decoded from (nil if it was
// built in code).
func (c Connection) Raw() json.RawMessage { return c.raw }

// ConnectionSide is one end of a connection.
type ConnectionSide struct {
	ServiceToken   *ServiceToken    `json:"serviceToken,omitempty"`
	AccessPoint    *AccessPoint     `json:"accessPoint,omitempty"`
	AdditionalInfo []AdditionalInfo `json:"additionalInfo,omitempty"`
}

// AccessPoint is the spec's AccessPoint (subset).
type AccessPoint struct {
	Type              string                    `json:"type,omitempty"`
	Account           *SimplifiedAccount        `json:"account,omitempty"`
	Location          *SimplifiedLocation       `json:"location,omitempty"`
	Port              *SimplifiedPort           `json:"port,omitempty"`
	Profile           *SimplifiedServiceProfile `json:"profile,omitempty"`
	Router            *CloudRouter              `json:"router,omitempty"`
	LinkProtocol      *LinkProtocol             `json:"linkProtocol,omitempty"`
	VirtualDevice     *VirtualDevice            `json:"virtualDevice,omitempty"`
	Interface         *Interface                `json:"interface,omitempty"`
	Network           *SimplifiedNetwork        `json:"network,omitempty"`
	SellerRegion      string                    `json:"sellerRegion,omitempty"`
	PeeringType       string                    `json:"peeringType,omitempty"`
	AuthenticationKey string                    `json:"authenticationKey,omitempty"`
	ProviderConnID    string                    `json:"providerConnectionId,omitempty"`
	Role              string                    `json:"role,omitempty"`
	// Name is not in the 4.31 AccessPoint schema but is a search/sort
	// property and appears in the user's examples; read it when present.
	Name string `json:"name,omitempty"`
}

// LinkProtocol is SimplifiedLinkProtocol. The range fields (vlanTagMin/Max,
// vlanCTagMin/Max) are not in that schema in 4.31, but they are search
// properties, appear in LinkProtocolResponse and in the user's examples
// for Network Edge connections, so they are read (and served) too.
type LinkProtocol struct {
	Type        string `json:"type,omitempty"` // UNTAGGED, DOT1Q, QINQ, EVPN_VXLAN, VXLAN
	VlanTag     int    `json:"vlanTag,omitempty"`
	VlanSTag    int    `json:"vlanSTag,omitempty"`
	VlanCTag    int    `json:"vlanCTag,omitempty"`
	VlanTagMin  int    `json:"vlanTagMin,omitempty"`
	VlanTagMax  int    `json:"vlanTagMax,omitempty"`
	VlanCTagMin int    `json:"vlanCTagMin,omitempty"`
	VlanCTagMax int    `json:"vlanCTagMax,omitempty"`
}

// SimplifiedAccount identifies a customer account. Numbers arrive as
// integers per the spec but as strings in some real responses (orgId in
// the user's examples), so they are read leniently.
type SimplifiedAccount struct {
	AccountNumber    FlexInt `json:"accountNumber,omitempty"`
	AccountName      string  `json:"accountName,omitempty"`
	OrgID            FlexInt `json:"orgId,omitempty"`
	OrganizationName string  `json:"organizationName,omitempty"`
	GlobalOrgID      string  `json:"globalOrgId,omitempty"`
}

// SimplifiedLocation is a metro reference.
type SimplifiedLocation struct {
	MetroHref string `json:"metroHref,omitempty"`
	Region    string `json:"region,omitempty"`
	MetroName string `json:"metroName,omitempty"`
	MetroCode string `json:"metroCode,omitempty"`
	IBX       string `json:"ibx,omitempty"`
}

// SimplifiedPort is a port reference on an access point.
type SimplifiedPort struct {
	Href       string          `json:"href,omitempty"`
	Type       string          `json:"type,omitempty"`
	UUID       string          `json:"uuid,omitempty"`
	Name       string          `json:"name,omitempty"`
	Redundancy *PortRedundancy `json:"redundancy,omitempty"`
}

// SimplifiedServiceProfile is a service profile reference.
type SimplifiedServiceProfile struct {
	Href string `json:"href,omitempty"`
	Type string `json:"type,omitempty"`
	Name string `json:"name,omitempty"`
	UUID string `json:"uuid,omitempty"`
}

// CloudRouter is a Fabric Cloud Router reference.
type CloudRouter struct {
	Href string `json:"href,omitempty"`
	UUID string `json:"uuid,omitempty"`
	Name string `json:"name,omitempty"`
}

// VirtualDevice is a Network Edge device reference.
type VirtualDevice struct {
	Href string `json:"href,omitempty"`
	UUID string `json:"uuid,omitempty"`
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
}

// Interface is a virtual device interface.
type Interface struct {
	Href string  `json:"href,omitempty"`
	UUID string  `json:"uuid,omitempty"`
	ID   FlexInt `json:"id,omitempty"`
	Type string  `json:"type,omitempty"`
}

// SimplifiedNetwork is a Fabric network reference.
type SimplifiedNetwork struct {
	Href  string `json:"href,omitempty"`
	UUID  string `json:"uuid"`
	Name  string `json:"name,omitempty"`
	Type  string `json:"type,omitempty"`
	Scope string `json:"scope,omitempty"`
}

// ServiceToken is a service token reference.
type ServiceToken struct {
	Type string `json:"type,omitempty"`
	Href string `json:"href,omitempty"`
	UUID string `json:"uuid,omitempty"`
	Name string `json:"name,omitempty"`
}

// ConnectionOperation is the connection's operational data.
type ConnectionOperation struct {
	ProviderStatus    string  `json:"providerStatus,omitempty"`
	EquinixStatus     string  `json:"equinixStatus,omitempty"`
	OperationalStatus string  `json:"operationalStatus,omitempty"` // UP, DOWN
	Errors            []Error `json:"errors,omitempty"`
	OpStatusChangedAt string  `json:"opStatusChangedAt,omitempty"`
}

// Change is the latest change of a connection.
type Change struct {
	UUID            string `json:"uuid,omitempty"`
	Type            string `json:"type"`             // CONNECTION_CREATION, CONNECTION_UPDATE, CONNECTION_DELETION, ...
	Status          string `json:"status,omitempty"` // APPROVED, COMPLETED, FAILED, REJECTED, REQUESTED, SUBMITTED_FOR_APPROVAL
	CreatedDateTime string `json:"createdDateTime"`
	UpdatedDateTime string `json:"updatedDateTime,omitempty"`
	Information     string `json:"information,omitempty"`
	// Data is a ConnectionChangeOperation per the spec; kept raw because
	// some responses send a list of them.
	Data json.RawMessage `json:"data,omitempty"`
}

// Ops returns the change's operations whether Data is one object or a list.
func (c Change) Ops() []ConnectionChangeOperation {
	d := bytes.TrimSpace(c.Data)
	if len(d) == 0 {
		return nil
	}
	if d[0] == '[' {
		var ops []ConnectionChangeOperation
		if json.Unmarshal(d, &ops) == nil {
			return ops
		}
		return nil
	}
	var op ConnectionChangeOperation
	if json.Unmarshal(d, &op) == nil {
		return []ConnectionChangeOperation{op}
	}
	return nil
}

// ConnectionChangeOperation is one JSON-patch-like operation, used in
// change.data and as the PATCH /connections/{id} body.
type ConnectionChangeOperation struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// Changelog records who changed what when. Times are kept as strings:
// the API mixes RFC 3339 and "2020-05-21 10:30:00+00:00" styles.
type Changelog struct {
	CreatedBy       string `json:"createdBy,omitempty"`
	CreatedDateTime string `json:"createdDateTime,omitempty"`
	UpdatedBy       string `json:"updatedBy,omitempty"`
	UpdatedDateTime string `json:"updatedDateTime,omitempty"`
	DeletedBy       string `json:"deletedBy,omitempty"`
	DeletedDateTime string `json:"deletedDateTime,omitempty"`
}

// Order holds the order details of a connection.
type Order struct {
	PurchaseOrderNumber string `json:"purchaseOrderNumber,omitempty"`
	BillingTier         string `json:"billingTier,omitempty"`
	OrderID             string `json:"orderId,omitempty"`
	OrderNumber         string `json:"orderNumber,omitempty"`
}

// SimplifiedNotification is a notification setting.
type SimplifiedNotification struct {
	Type   string   `json:"type"`
	Emails []string `json:"emails"`
}

// ConnectionRedundancy places a connection in a redundancy group.
type ConnectionRedundancy struct {
	Group    string `json:"group,omitempty"`
	Priority string `json:"priority,omitempty"` // PRIMARY, SECONDARY
}

// Project is a customer project reference.
type Project struct {
	ProjectID string `json:"projectId"`
}

// AdditionalInfo is a key/value pair.
type AdditionalInfo struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
}

// Expression is a search filter: either a combination (and/or of
// sub-expressions) or one condition (property, operator, values).
type Expression struct {
	And      []Expression `json:"and,omitempty"`
	Or       []Expression `json:"or,omitempty"`
	Property string       `json:"property,omitempty"`
	Operator string       `json:"operator,omitempty"` // =, !=, >, >=, <, <=, LIKE, ILKE, IS NOT NULL, IS NULL, IN, BETWEEN
	Values   []string     `json:"values,omitempty"`
}

// PaginationRequest asks for one page.
type PaginationRequest struct {
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// SortCriteria orders search results.
type SortCriteria struct {
	Direction string `json:"direction,omitempty"` // ASC, DESC
	Property  string `json:"property,omitempty"`
}

// SearchRequest is the body of POST /fabric/v4/connections/search.
type SearchRequest struct {
	Filter     *Expression        `json:"filter,omitempty"`
	Pagination *PaginationRequest `json:"pagination,omitempty"`
	Sort       []SortCriteria     `json:"sort,omitempty"`
}

// Pagination describes a page of a response.
type Pagination struct {
	Offset   int    `json:"offset"`
	Limit    int    `json:"limit"`
	Total    int    `json:"total"`
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// ConnectionSearchResponse is one page of search results.
type ConnectionSearchResponse struct {
	Pagination *Pagination    `json:"pagination,omitempty"`
	Sort       []SortCriteria `json:"sort,omitempty"`
	Data       []Connection   `json:"data"`
}

// ConnectionActionRequest is the body of POST /connections/{id}/actions.
type ConnectionActionRequest struct {
	Type        string                    `json:"type"`
	Description string                    `json:"description,omitempty"`
	Data        *ConnectionAcceptanceData `json:"data,omitempty"`
}

// ConnectionAcceptanceData carries the z-side details an acceptance
// supplies (which of our ports and VLANs the connection lands on).
type ConnectionAcceptanceData struct {
	ZSide             *ConnectionSide `json:"zSide,omitempty"`
	ProviderBandwidth int64           `json:"providerBandwidth,omitempty"`
}

// ConnectionAction is the 202 response to an action.
type ConnectionAction struct {
	Type      string                   `json:"type"`
	Href      string                   `json:"href"`
	UUID      string                   `json:"uuid"`
	Data      ConnectionAcceptanceData `json:"data"`
	ChangeLog *Changelog               `json:"changeLog,omitempty"`
}

// Action types (the spec's Actions enum, the ones noctop sends).
const (
	ActionCreationAcceptance = "CONNECTION_CREATION_ACCEPTANCE"
	ActionCreationRejection  = "CONNECTION_CREATION_REJECTION"
	ActionUpdateAcceptance   = "CONNECTION_UPDATE_ACCEPTANCE"
	ActionUpdateRejection    = "CONNECTION_UPDATE_REJECTION"
	ActionDeletionAcceptance = "CONNECTION_DELETION_ACCEPTANCE"
)

// Port is the spec's Port (subset).
type Port struct {
	Href               string              `json:"href,omitempty"`
	Type               string              `json:"type,omitempty"` // XF_PORT
	UUID               string              `json:"uuid,omitempty"`
	Name               string              `json:"name,omitempty"`
	Description        string              `json:"description,omitempty"`
	PhysicalPortsSpeed int64               `json:"physicalPortsSpeed,omitempty"`
	ConnectionsCount   int                 `json:"connectionsCount,omitempty"`
	PhysicalPortsType  string              `json:"physicalPortsType,omitempty"`
	PhysicalPortsCount int                 `json:"physicalPortsCount,omitempty"`
	State              string              `json:"state,omitempty"`
	Account            *SimplifiedAccount  `json:"account,omitempty"`
	ServiceCode        string              `json:"serviceCode,omitempty"`
	AvailableBandwidth int64               `json:"availableBandwidth,omitempty"`
	UsedBandwidth      int64               `json:"usedBandwidth,omitempty"`
	Location           *SimplifiedLocation `json:"location,omitempty"`
	Device             *PortDevice         `json:"device,omitempty"`
	Redundancy         *PortRedundancy     `json:"redundancy,omitempty"`
	Encapsulation      *PortEncapsulation  `json:"encapsulation,omitempty"`
	LagEnabled         bool                `json:"lagEnabled,omitempty"`
	Package            *PortPackage        `json:"package,omitempty"`
	Operation          *PortOperation      `json:"operation,omitempty"`
}

// PortDevice is the switch a port is on.
type PortDevice struct {
	Name       string                `json:"name,omitempty"`
	Redundancy *PortDeviceRedundancy `json:"redundancy,omitempty"`
}

// PortDeviceRedundancy is the device's place in a redundant pair.
type PortDeviceRedundancy struct {
	Group    string `json:"group,omitempty"`
	Priority string `json:"priority,omitempty"`
}

// PortRedundancy is a port's place in a redundant pair.
type PortRedundancy struct {
	Enabled  *bool  `json:"enabled,omitempty"`
	Priority string `json:"priority,omitempty"` // PRIMARY, SECONDARY
}

// PortEncapsulation says how a port tags frames.
type PortEncapsulation struct {
	Type          string `json:"type,omitempty"` // DOT1Q, QINQ, UNTAGGED
	TagProtocolID string `json:"tagProtocolId,omitempty"`
}

// PortPackage is a port's commercial package.
type PortPackage struct {
	Code string `json:"code,omitempty"` // STANDARD, UNLIMITED, UNLIMITED_PLUS
}

// PortOperation is a port's operational data.
type PortOperation struct {
	OperationalStatus string `json:"operationalStatus,omitempty"` // UP, DOWN, PARTIAL
	ConnectionCount   int64  `json:"connectionCount,omitempty"`
	OpStatusChangedAt string `json:"opStatusChangedAt,omitempty"`
}

// AllPortsResponse is GET /fabric/v4/ports.
type AllPortsResponse struct {
	Pagination *Pagination `json:"pagination,omitempty"`
	Data       []Port      `json:"data"`
}

// Metro is the spec's Metro (subset).
type Metro struct {
	Href                string          `json:"href,omitempty"`
	Type                string          `json:"type,omitempty"`
	Code                string          `json:"code,omitempty"`
	Region              string          `json:"region,omitempty"`
	Name                string          `json:"name,omitempty"`
	Country             string          `json:"country,omitempty"`
	EquinixAsn          int64           `json:"equinixAsn,omitempty"`
	LocalVCBandwidthMax int64           `json:"localVCBandwidthMax,omitempty"`
	GeoCoordinates      *GeoCoordinates `json:"geoCoordinates,omitempty"`
	GeoScopes           []string        `json:"geoScopes,omitempty"`
}

// GeoCoordinates is a position.
type GeoCoordinates struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// MetroResponse is one page of GET /fabric/v4/metros.
type MetroResponse struct {
	Pagination *Pagination `json:"pagination,omitempty"`
	Data       []Metro     `json:"data"`
}

// Error is one entry of an ErrorList.
type Error struct {
	ErrorCode      string                `json:"errorCode"`
	ErrorMessage   string                `json:"errorMessage"`
	CorrelationID  string                `json:"correlationId,omitempty"`
	Details        string                `json:"details,omitempty"`
	Help           string                `json:"help,omitempty"`
	AdditionalInfo []ErrorAdditionalInfo `json:"additionalInfo,omitempty"`
}

// ErrorAdditionalInfo names an offending property (PriceError_additionalInfo).
type ErrorAdditionalInfo struct {
	Property string `json:"property,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// ErrorList is the error body of every Fabric operation.
type ErrorList []Error

// ValidateRequest is the body of POST /fabric/v4/connections/validate.
type ValidateRequest struct {
	Filter ValidateFilter `json:"filter"`
}

// ValidateFilter is ValidateRequest_filter.
type ValidateFilter struct {
	And []ValidateCondition `json:"and"`
}

// ValidateCondition is ValidateRequest_filter_and.
type ValidateCondition struct {
	Property string   `json:"property"`
	Operator string   `json:"operator"`
	Values   []string `json:"values"`
}

// ValidateResponse is the spec's ConnectionResponse.
type ValidateResponse struct {
	AdditionalInfo []AdditionalInfo             `json:"additionalInfo,omitempty"`
	Data           []ValidateConnectionResponse `json:"data,omitempty"`
}

// ValidateConnectionResponse is one validated connection option.
type ValidateConnectionResponse struct {
	UUID       string                `json:"uuid,omitempty"`
	Bandwidth  int64                 `json:"bandwidth,omitempty"`
	Redundancy *ConnectionRedundancy `json:"redundancy,omitempty"`
	ASide      *ConnectionSide       `json:"aSide,omitempty"`
	ZSide      *ConnectionSide       `json:"zSide,omitempty"`
}

// TokenRequest is Oauth2TokenRequest (client credentials grant).
type TokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
}

// String never shows the secret.
func (r TokenRequest) String() string {
	return "TokenRequest{client_id: [REDACTED], client_secret: [REDACTED], grant_type: " + r.GrantType + "}"
}

// GoString never shows the secret either (%#v).
func (r TokenRequest) GoString() string { return r.String() }

// TokenResponse is Oauth2TokenResponse. token_timeout is a string of
// seconds ("3599").
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenTimeout string `json:"token_timeout"`
	UserName     string `json:"user_name"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// String never shows the token.
func (r TokenResponse) String() string {
	return "TokenResponse{access_token: [REDACTED], token_timeout: " + r.TokenTimeout + ", token_type: " + r.TokenType + "}"
}

// GoString never shows the token either (%#v).
func (r TokenResponse) GoString() string { return r.String() }

// TokenError is Oauth2TokenErrorResponse.
type TokenError struct {
	ErrorDomain      string `json:"error_domain"`
	ErrorTitle       string `json:"error_title"`
	ErrorCode        string `json:"error_code"`
	DeveloperMessage string `json:"developer_message"`
	ErrorMessage     string `json:"error_message"`
}

// FlexInt is an integer that also accepts a JSON string of digits (some
// Fabric responses quote orgId). Anything else decodes as 0 rather than
// failing the whole response.
type FlexInt int64

// UnmarshalJSON accepts 123, "123" and null.
func (n *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 1 && b[0] == '"' {
		b = b[1 : len(b)-1]
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		*n = 0
		return nil
	}
	*n = FlexInt(v)
	return nil
}
