package metal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
)

// Kind is the provider kind in configs and in model.Connection.ProviderKind.
const Kind = "metal"

// Connection row types (model.Connection.Type): interconnections show
// their API type ("dedicated", "shared", ...), virtual circuits these.
const (
	RowVLANVC = "vlan-vc"
	RowVRFVC  = "vrf-vc"
)

// Ref types of the objects this provider names (model.Ref.Type).
const (
	RefOrganization    = "organization"
	RefProject         = "project"
	RefInterconnection = "interconnection"
	RefPort            = "port"
	RefVirtualCircuit  = "virtual-circuit"
	RefServiceToken    = "service-token"
)

// idOf returns id, or the last path segment of href when id is empty and
// that segment is a UUID (references come as {"href": "/metal/v1/x/{id}"}).
func idOf(id, href string) string {
	if id != "" {
		return id
	}
	href = strings.TrimRight(strings.SplitN(href, "?", 2)[0], "/")
	if i := strings.LastIndexByte(href, '/'); i >= 0 {
		if seg := href[i+1:]; validID.MatchString(seg) {
			return seg
		}
	}
	return ""
}

func orgID(o *Organization) string {
	if o == nil {
		return ""
	}
	return idOf(o.ID, o.Href)
}

func projectID(p *Project) string {
	if p == nil {
		return ""
	}
	return idOf(p.ID, p.Href)
}

func portID(p *InterconnectionPort) string {
	if p == nil {
		return ""
	}
	return idOf(p.ID, p.Href)
}

// connOfPortHref is the interconnection id in a port href
// ("/metal/v1/connections/{id}/ports/{port}").
func connOfPortHref(href string) string {
	parts := strings.Split(strings.SplitN(href, "?", 2)[0], "/")
	for i := 0; i+3 < len(parts); i++ {
		if parts[i] == "connections" && parts[i+2] == "ports" && validID.MatchString(parts[i+1]) {
			return parts[i+1]
		}
	}
	return ""
}

// --- states ---

// vlanStates maps the VlanVirtualCircuit status enum.
var vlanStates = map[string]model.State{
	VCPending:                  model.StatePending,
	VCWaitingOnCustomerVLAN:    model.StatePending,
	VCActivating:               model.StateProvisioning,
	VCConfigureRoutingProtocol: model.StateProvisioning,
	VCChangingVLAN:             model.StateChanging,
	VCDeactivating:             model.StateChanging, // the VLAN is being removed; the VC stays
	VCDeleting:                 model.StateDeprovisioning,
	VCActive:                   model.StateActive,
	VCExpired:                  model.StateDeprovisioned, // the service token was never redeemed
	VCActivationFailed:         model.StateFailed,
	VCChangingVLANFailed:       model.StateFailed,
	VCDeactivationFailed:       model.StateFailed,
	VCDeleteFailed:             model.StateFailed,
}

// vrfStates maps the VrfVirtualCircuit status enum.
var vrfStates = map[string]model.State{
	VCPending:                      model.StatePending,
	VCWaitingOnPeeringDetails:      model.StatePending,
	VCActivating:                   model.StateProvisioning,
	VCChangingPeeringDetails:       model.StateChanging,
	VCDeactivating:                 model.StateChanging,
	VCDeleting:                     model.StateDeprovisioning,
	VCActive:                       model.StateActive,
	VCExpired:                      model.StateDeprovisioned,
	VCActivationFailed:             model.StateFailed,
	VCChangingPeeringDetailsFailed: model.StateFailed,
	VCDeactivationFailed:           model.StateFailed,
	VCDeleteFailed:                 model.StateFailed,
}

// portStates maps the InterconnectionPort status enum.
var portStates = map[string]model.State{
	PortRequested:    model.StatePending,
	PortActive:       model.StateActive,
	PortDeleting:     model.StateDeprovisioning,
	PortExpired:      model.StateDeprovisioned,
	PortDeleteFailed: model.StateFailed,
}

// VCState normalises a virtual circuit's status; unknown values give
// StateUnknown (the raw value is always kept next to it).
func VCState(vc VirtualCircuit) model.State {
	m := vlanStates
	if vc.IsVRF() {
		m = vrfStates
	}
	if s, ok := m[vc.Status()]; ok {
		return s
	}
	return model.StateUnknown
}

// PortState normalises a port status.
func PortState(status string) model.State {
	if s, ok := portStates[status]; ok {
		return s
	}
	return model.StateUnknown
}

// InterconnectionState normalises an interconnection's status, which the
// spec leaves as free text: the values seen in practice are matched
// case-insensitively, an empty status is derived from the ports, and
// anything else is StateUnknown.
func InterconnectionState(ic Interconnection, ports []InterconnectionPort) model.State {
	s := strings.ToLower(strings.TrimSpace(ic.Status))
	switch {
	case s == "":
		if len(ports) == 0 {
			return model.StateUnknown
		}
		var states []model.State
		for _, p := range ports {
			states = append(states, PortState(p.Status))
		}
		return worst(states...)
	case s == "active":
		return model.StateActive
	case s == "requested" || s == "pending":
		return model.StatePending
	case s == "provisioning" || s == "activating" || s == "configuring":
		return model.StateProvisioning
	case s == "deleting" || s == "deprovisioning":
		return model.StateDeprovisioning
	case s == "deleted" || s == "deprovisioned" || s == "expired":
		return model.StateDeprovisioned
	case s == "rejected" || s == "denied":
		return model.StateRejected
	case s == "failed" || strings.HasSuffix(s, "_failed"):
		return model.StateFailed
	}
	return model.StateUnknown
}

// severity orders states for roll-ups: what most needs an operator's eye
// comes first.
var severity = map[model.State]int{
	model.StateFailed:         9,
	model.StateRejected:       8,
	model.StateUnknown:        7,
	model.StatePending:        6,
	model.StateChanging:       5,
	model.StateProvisioning:   4,
	model.StateDeprovisioning: 3,
	model.StateActive:         2,
	model.StateDraft:          1,
	model.StateDeprovisioned:  0,
}

// worst returns the state that most needs attention (StateUnknown for
// none).
func worst(states ...model.State) model.State {
	out, best := model.StateUnknown, -1
	for _, s := range states {
		if v, ok := severity[s]; ok && v > best {
			out, best = s, v
		}
	}
	return out
}

// --- pending changes ---

// vcPending says what a VC is waiting for, and whether it waits for us.
func vcPending(vc VirtualCircuit, ctx vcContext) *model.PendingChange {
	p := &model.PendingChange{Status: vc.Status(), Since: parseTime(firstNonEmpty(vc.UpdatedAt(), vc.CreatedAt()))}
	switch vc.Status() {
	case VCWaitingOnCustomerVLAN:
		p.Kind, p.WaitingOnUs = model.ChangeCreation, true
		where := ""
		if ctx.metro != "" {
			where = " in metro " + ctx.metro
		}
		if ctx.project != "" {
			where += " of project " + ctx.project
		}
		p.Description = "set the Metal VLAN: update the virtual circuit with a virtual network" + where
		if n := vc.NNIVlan(); n > 0 {
			p.Description += fmt.Sprintf(" (NNI VLAN %d)", n)
		}
	case VCWaitingOnPeeringDetails:
		p.Kind, p.WaitingOnUs = model.ChangeCreation, true
		p.Description = "set the peering details: subnet, peer ASN and Metal/customer IPs (the BGP MD5 password in the Metal portal)"
	case VCPending:
		p.Kind = model.ChangeCreation
		p.Description = "Metal is setting the virtual circuit up"
		if ctx.shared {
			p.Description = "waiting for the Fabric connection (redeem the interconnection's service token in Fabric)"
		}
	case VCActivating, VCConfigureRoutingProtocol:
		p.Kind = model.ChangeCreation
		p.Description = "Metal is activating the virtual circuit"
	case VCChangingVLAN:
		p.Kind = model.ChangeUpdate
		p.Description = "Metal is changing the VLAN"
	case VCChangingPeeringDetails:
		p.Kind = model.ChangeUpdate
		p.Description = "Metal is changing the peering details"
	case VCDeactivating:
		p.Kind = model.ChangeUpdate
		p.Description = "Metal is removing the VLAN"
	case VCDeleting:
		p.Kind = model.ChangeDeletion
		p.Description = "Metal is deleting the virtual circuit"
	default:
		return nil
	}
	return p
}

// unredeemed lists the service tokens of a shared interconnection whose
// port has not found its Fabric connection yet.
func unredeemed(ic Interconnection, ports []InterconnectionPort) []FabricServiceToken {
	if len(ic.ServiceTokens) == 0 {
		return nil
	}
	requested := map[string]bool{}
	anyRequested := false
	for _, p := range ports {
		if p.Status == PortRequested {
			requested[p.Role] = true
			anyRequested = true
		}
	}
	if !anyRequested && len(ports) > 0 {
		return nil
	}
	var out []FabricServiceToken
	for _, t := range ic.ServiceTokens {
		if len(ports) == 0 || requested[t.Role] || t.Role == "" {
			out = append(out, t)
		}
	}
	return out
}

func interconnectionPending(ic Interconnection, ports []InterconnectionPort) *model.PendingChange {
	p := &model.PendingChange{Status: ic.Status, Since: parseTime(firstNonEmpty(ic.UpdatedAt, ic.CreatedAt))}
	st := InterconnectionState(ic, ports)
	if toks := unredeemed(ic, ports); len(toks) > 0 && st != model.StateDeprovisioning && st != model.StateDeprovisioned {
		p.Kind, p.WaitingOnUs = model.ChangeCreation, true
		var parts []string
		for _, t := range toks {
			s := firstNonEmpty(t.Role, "token") + " " + t.ID
			if exp := parseTime(t.ExpiresAt); !exp.IsZero() {
				s += " (expires " + exp.UTC().Format("2006-01-02") + ")"
			}
			parts = append(parts, s)
		}
		p.Description = "redeem the service token(s) in Equinix Fabric to finish the connection: " + strings.Join(parts, ", ")
		return p
	}
	switch st {
	case model.StatePending, model.StateProvisioning:
		p.Kind = model.ChangeCreation
		p.Description = "Equinix is provisioning the interconnection"
	case model.StateDeprovisioning:
		p.Kind = model.ChangeDeletion
		p.Description = "Metal is deleting the interconnection"
	default:
		return nil
	}
	return p
}

// --- rows ---

// vcContext is what a VC row needs from its interconnection and the
// organization's names.
type vcContext struct {
	conn      Interconnection
	connID    string
	shared    bool
	metro     string
	project   string // project name (or id)
	projectID string
	org       string
	port      InterconnectionPort // the VC's port, as the interconnection lists it
	vrfName   string
}

// interconnectionRow is the model row of an interconnection.
func interconnectionRow(provider string, ic Interconnection, ports []InterconnectionPort, org, project string) model.Connection {
	m := model.Connection{
		Provider:      provider,
		ProviderKind:  Kind,
		ID:            ic.ID,
		Name:          model.SafeText(ic.Name),
		Type:          model.SafeText(ic.Type),
		RawState:      model.SafeText(ic.Status),
		BandwidthMbps: ic.Speed / 1_000_000,
		Raw:           maskSecrets(ic.Raw()),
		Created:       parseTime(ic.CreatedAt),
		Updated:       parseTime(firstNonEmpty(ic.UpdatedAt, ic.CreatedAt)),
	}
	m.State = InterconnectionState(ic, ports)
	m.Status = model.SafeText(portSummary(ports))
	metro := metroCode(ic.Metro)
	m.A = model.Endpoint{
		Type:    "metal",
		Name:    model.SafeText(firstNonEmpty(project, org)),
		Metro:   metro,
		Account: model.SafeText(joinNonEmpty(" / ", org, project)),
	}
	m.Z = portsEndpoint(ic, ports, metro)
	m.Pending = interconnectionPending(ic, ports)
	if m.Pending != nil {
		m.Pending.Description = model.SafeText(m.Pending.Description)
		m.Pending.Status = model.SafeText(m.Pending.Status)
	}
	if m.State != model.StateDeprovisioning && m.State != model.StateDeprovisioned {
		m.Actions = append(m.Actions, model.ActionUpdate)
		if ic.Type == TypeDedicated && hasActivePort(ports) {
			m.Actions = append(m.Actions, model.ActionCreateVirtualCircuit)
		}
		m.Actions = append(m.Actions, model.ActionDecommission)
	}
	m.FingerprintKey = m.Fingerprint()
	return m
}

func hasActivePort(ports []InterconnectionPort) bool {
	for _, p := range ports {
		if p.Status == PortActive {
			return true
		}
	}
	return false
}

// portsEndpoint describes the port side of an interconnection: the port,
// or the redundant pair, and for shared ones the Fabric service tokens.
func portsEndpoint(ic Interconnection, ports []InterconnectionPort, metro string) model.Endpoint {
	e := model.Endpoint{Type: "port", Metro: metro}
	if ic.Type != TypeDedicated {
		e.Type = "fabric"
	}
	var names, extra []string
	for _, p := range sortedPorts(ports) {
		names = append(names, model.SafeText(firstNonEmpty(p.Name, p.Role, p.ID)))
		if e.PortID == "" {
			e.PortID = p.ID
		}
	}
	switch len(ports) {
	case 0:
	case 1:
		e.PortName = names[0]
	default:
		e.PortName = strings.Join(names, " + ")
		extra = append(extra, "redundant pair: "+portSummary(ports))
	}
	e.Name = model.SafeText(firstNonEmpty(ic.Name, ic.ID))
	if ic.Mode != "" {
		extra = append(extra, "mode "+model.SafeText(ic.Mode))
	}
	for _, t := range ic.ServiceTokens {
		// The Fabric side joins on this spelling (see fabric's endpoint).
		extra = append(extra, "service token "+model.SafeText(t.ID)+" ("+model.SafeText(firstNonEmpty(t.Role, "token"))+")")
	}
	e.Extra = strings.Join(extra, ", ")
	return e
}

// sortedPorts puts the primary first.
func sortedPorts(ports []InterconnectionPort) []InterconnectionPort {
	out := append([]InterconnectionPort(nil), ports...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && roleRank(out[j].Role) < roleRank(out[j-1].Role); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func roleRank(r string) int {
	switch r {
	case "primary":
		return 0
	case "secondary":
		return 1
	}
	return 2
}

// portSummary is "primary active · secondary requested".
func portSummary(ports []InterconnectionPort) string {
	var parts []string
	for _, p := range sortedPorts(ports) {
		parts = append(parts, strings.TrimSpace(firstNonEmpty(p.Role, "port")+" "+p.Status))
	}
	return strings.Join(parts, " · ")
}

// vcRow is the model row of a virtual circuit.
func vcRow(provider string, vc VirtualCircuit, ctx vcContext) model.Connection {
	m := model.Connection{
		Provider:      provider,
		ProviderKind:  Kind,
		ID:            vc.ID(),
		Name:          model.SafeText(firstNonEmpty(vc.Name(), vc.ID())),
		Type:          RowVLANVC,
		RawState:      model.SafeText(vc.Status()),
		State:         VCState(vc),
		BandwidthMbps: vc.Speed() / 1_000_000,
		Raw:           maskSecrets(vc.Raw()),
		Created:       parseTime(vc.CreatedAt()),
		Updated:       parseTime(firstNonEmpty(vc.UpdatedAt(), vc.CreatedAt())),
	}
	if vc.IsVRF() {
		m.Type = RowVRFVC
	}
	if m.BandwidthMbps == 0 {
		m.BandwidthMbps = ctx.port.Speed / 1_000_000
	}
	metro := model.SafeText(ctx.metro)
	m.A = model.Endpoint{
		Type:    "metal",
		Name:    model.SafeText(firstNonEmpty(ctx.project, ctx.org)),
		Metro:   metro,
		Account: model.SafeText(joinNonEmpty(" / ", ctx.org, ctx.project)),
	}
	m.Z = model.Endpoint{
		Type:     "port",
		Name:     model.SafeText(firstNonEmpty(ctx.conn.Name, ctx.connID)),
		PortID:   ctx.port.ID,
		PortName: model.SafeText(strings.TrimSpace(firstNonEmpty(ctx.port.Name, ctx.port.ID) + " " + roleNote(ctx.port.Role))),
		Metro:    metro,
	}
	if ctx.shared {
		m.Z.Type = "fabric"
	}
	var aExtra, zExtra []string
	if v := vc.Vlan; v != nil {
		if v.VNID > 0 {
			m.A.VLANs = []int{v.VNID}
		}
		if v.NNIVlan > 0 {
			m.Z.VLANs = []int{v.NNIVlan}
		}
		if v.ProviderConnectionID != "" {
			zExtra = append(zExtra, "provider connection "+model.SafeText(v.ProviderConnectionID))
		}
	}
	if v := vc.Vrf; v != nil {
		if v.NNIVlan > 0 {
			m.Z.VLANs = []int{v.NNIVlan}
		}
		vrf := firstNonEmpty(ctx.vrfName, vrfID(v.Vrf))
		if vrf != "" {
			aExtra = append(aExtra, "VRF "+model.SafeText(vrf))
		}
		if v.Subnet != "" {
			aExtra = append(aExtra, "subnet "+model.SafeText(v.Subnet))
		}
		if v.MetalIP != "" {
			aExtra = append(aExtra, "metal "+model.SafeText(v.MetalIP))
		}
		if v.PeerASN > 0 {
			zExtra = append(zExtra, fmt.Sprintf("peer AS%d", v.PeerASN))
		}
		if v.CustomerIP != "" {
			zExtra = append(zExtra, "customer "+model.SafeText(v.CustomerIP))
		}
	}
	m.A.Extra, m.Z.Extra = strings.Join(aExtra, ", "), strings.Join(zExtra, ", ")
	m.Status = model.SafeText(strings.TrimSpace(ctx.port.Role + " port " + ctx.port.Status))
	if ctx.port.Role == "" && ctx.port.Status == "" {
		m.Status = ""
	}
	m.Pending = vcPending(vc, ctx)
	if m.Pending != nil {
		m.Pending.Description = model.SafeText(m.Pending.Description)
		m.Pending.Status = model.SafeText(m.Pending.Status)
	}
	switch vc.Status() {
	case VCDeleting, VCExpired:
	default:
		if vc.Status() == VCWaitingOnCustomerVLAN {
			m.Actions = append(m.Actions, model.ActionApprove)
		}
		m.Actions = append(m.Actions, model.ActionUpdate)
		if !ctx.shared {
			// The API deletes VCs only from dedicated ports; a shared
			// connection's VCs go with the interconnection.
			m.Actions = append(m.Actions, model.ActionDecommission)
		}
	}
	m.FingerprintKey = m.Fingerprint()
	return m
}

func roleNote(role string) string {
	if role == "" {
		return ""
	}
	return "(" + role + ")"
}

func vrfID(v *Vrf) string {
	if v == nil {
		return ""
	}
	return idOf(v.ID, v.Href)
}

func metroCode(m *Metro) string {
	if m == nil {
		return ""
	}
	return model.SafeText(strings.ToLower(firstNonEmpty(m.Code, m.Name, m.ID)))
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// parseTime reads Metal's RFC 3339 timestamps (zero when absent or bad).
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05 MST"} {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// secretFields are values the detail view must not show: a VRF VC's BGP
// MD5 password and a Fabric authorization code.
var secretFields = regexp.MustCompile(`("(?:md5|authorization_code|password)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// maskSecrets replaces secret string values in raw JSON; everything else
// is kept byte for byte.
func maskSecrets(raw json.RawMessage) json.RawMessage {
	if raw == nil || !(bytes.Contains(raw, []byte(`md5"`)) || bytes.Contains(raw, []byte(`code"`)) || bytes.Contains(raw, []byte(`password"`))) {
		return raw
	}
	if !secretFields.Match(raw) {
		return raw
	}
	return secretFields.ReplaceAll(raw, []byte(`$1"[REDACTED]"`))
}
