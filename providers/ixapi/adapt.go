package ixapi

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// Kind is the provider kind in configs and in model.Connection.ProviderKind.
const Kind = "ixapi"

// states maps the spec's state enum onto model.State. Anything else is
// StateUnknown, with the value kept verbatim in RawState.
var states = map[string]model.State{
	StateRequested:               model.StatePending,      // asked for, not yet accepted
	StateAllocated:               model.StateProvisioning, // resources assigned, being built
	StateTesting:                 model.StateProvisioning, // built, under test before production
	StateProduction:              model.StateActive,
	StateProductionChangePending: model.StateChanging,
	StateDecommissionRequested:   model.StateDeprovisioning,
	StateDecommissioned:          model.StateDeprovisioned,
	StateArchived:                model.StateDeprovisioned,
	StateError:                   model.StateFailed,
	StateOperator:                model.StatePending,      // waiting for the exchange's staff
	StateScheduled:               model.StateProvisioning, // accepted, built at a set date
}

// NormalState maps an IX-API state onto model.State.
func NormalState(raw string) model.State {
	if s, ok := states[raw]; ok {
		return s
	}
	return model.StateUnknown
}

// decommissionable reports whether an object in state raw can still be
// asked to go.
func decommissionable(raw string) bool {
	switch raw {
	case StateDecommissionRequested, StateDecommissioned, StateArchived:
		return false
	}
	_, known := states[raw]
	return known
}

// Model IDs. Connections and network service configs share the Connections
// pane, and an exchange may number them from the same space, so the IDs
// noctop shows are qualified by type ("conn:42", "nsc:42"; "ns:" and
// "port:" in the inventory). Refs may also carry a bare id with Ref.Type
// saying what it is.
var idPrefixes = []struct {
	prefix string
	typ    ObjectType
}{
	{"conn:", ObjConnection},
	{"nsc:", ObjNetworkServiceConfig},
	{"ns:", ObjNetworkService},
	{"port:", ObjPort},
}

// ModelID qualifies an IX-API id with its type.
func ModelID(t ObjectType, id string) string {
	for _, p := range idPrefixes {
		if p.typ == t {
			return p.prefix + id
		}
	}
	return id
}

// ParseRef says which object a Ref points at.
func ParseRef(r model.Ref) (ObjectType, string, error) {
	for _, p := range idPrefixes {
		if id, ok := strings.CutPrefix(r.ID, p.prefix); ok {
			return p.typ, id, nil
		}
	}
	switch t := ObjectType(r.Type); t {
	case ObjPort, ObjConnection, ObjNetworkServiceConfig, ObjNetworkService:
		return t, r.ID, nil
	}
	return "", "", fmt.Errorf("%w: ixapi: %q is not an IX-API port, connection, network service or config", model.ErrUnsupported, r.ID)
}

// severityNames are the syslog severities status messages use.
var severityNames = []string{"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"}

// StatusSummary is the most severe status message on one line
// ("error port.down: no light (+2 more)").
func StatusSummary(st []Status) string {
	if len(st) == 0 {
		return ""
	}
	best := 0
	for i, s := range st {
		if s.Severity < st[best].Severity {
			best = i
		}
	}
	s := st[best]
	sev := "severity " + strconv.Itoa(s.Severity)
	if s.Severity >= 0 && s.Severity < len(severityNames) {
		sev = severityNames[s.Severity]
	}
	out := strings.TrimSpace(sev + " " + s.Tag)
	if s.Message != "" {
		out += ": " + s.Message
	}
	if len(st) > 1 {
		out += fmt.Sprintf(" (+%d more)", len(st)-1)
	}
	return out
}

// index is everything the adapters look names up in.
type index struct {
	metros     map[string]MetroArea
	mans       map[string]MetroAreaNetwork
	facilities map[string]Facility
	pops       map[string]PointOfPresence
	devices    map[string]Device
	ports      map[string]Port
	conns      map[string]Connection
	nscs       map[string]NetworkServiceConfig
	services   map[string]NetworkService
	offerings  map[string]ProductOffering
	accounts   map[string]Account
	changes    map[string]NetworkServiceChangeRequest // by network service id
}

func newIndex() *index {
	return &index{
		metros: map[string]MetroArea{}, mans: map[string]MetroAreaNetwork{}, facilities: map[string]Facility{},
		pops: map[string]PointOfPresence{}, devices: map[string]Device{}, ports: map[string]Port{},
		conns: map[string]Connection{}, nscs: map[string]NetworkServiceConfig{}, services: map[string]NetworkService{},
		offerings: map[string]ProductOffering{}, accounts: map[string]Account{}, changes: map[string]NetworkServiceChangeRequest{},
	}
}

func byID[T any](items []T, id func(*T) string) map[string]T {
	m := make(map[string]T, len(items))
	for i := range items {
		if k := id(&items[i]); k != "" {
			m[k] = items[i]
		}
	}
	return m
}

func (ix *index) accountName(id string) string {
	if a, ok := ix.accounts[id]; ok && a.Name != "" {
		return a.Name
	}
	return id
}

// metroOfPop is the metro area (IATA code or name) a pop is in.
func (ix *index) metroOfPop(popID string) string {
	pop, ok := ix.pops[popID]
	if !ok {
		return ""
	}
	metroID := ""
	if f, ok := ix.facilities[pop.Facility]; ok {
		metroID = f.MetroArea
	}
	if metroID == "" {
		if man, ok := ix.mans[pop.MetroAreaNetwork]; ok {
			metroID = man.MetroArea
		}
	}
	if m, ok := ix.metros[metroID]; ok {
		return firstNonEmpty(m.IATACode, m.DisplayName, m.ID)
	}
	return metroID
}

// connPorts returns a connection's ports in its order (known ones only).
func (ix *index) connPorts(c Connection) []Port {
	var out []Port
	for _, id := range c.Ports {
		if p, ok := ix.ports[id]; ok {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		// Old servers may not list ports on the connection.
		for _, p := range ix.ports {
			if p.Connection != nil && *p.Connection == c.ID {
				out = append(out, p)
			}
		}
		slices.SortFunc(out, func(a, b Port) int { return model.NaturalCompare(a.Name, b.Name) })
	}
	return out
}

// connSpeed is the connection's speed, or the sum of its ports'.
func (ix *index) connSpeed(c Connection) int64 {
	if c.Speed != nil && *c.Speed > 0 {
		return *c.Speed
	}
	var sum int64
	for _, p := range ix.connPorts(c) {
		if p.Speed != nil {
			sum += *p.Speed
		}
	}
	return sum
}

// connEndpoint describes our side of a connection.
func (ix *index) connEndpoint(c Connection) model.Endpoint {
	e := model.Endpoint{Type: "port", Account: ix.accountName(c.ConsumingAccount)}
	ports := ix.connPorts(c)
	if len(ports) > 1 || c.Mode == ModeLAGLACP || c.Mode == ModeLAGStatic {
		e.Type = "lag"
	}
	var names []string
	for _, p := range ports {
		n := firstNonEmpty(p.Name, p.ID)
		if d, ok := ix.devices[p.Device]; ok && d.Name != "" {
			n = d.Name + ":" + n
		}
		names = append(names, n)
	}
	if len(ports) > 0 {
		e.PortID, e.PortName = ports[0].ID, firstNonEmpty(ports[0].Name, ports[0].ID)
		e.Metro = ix.metroOfPop(ports[0].Pop)
	}
	e.Name = firstNonEmpty(c.Name, c.ID)
	if len(names) > 0 {
		e.Extra = strings.Join(names, " + ")
	}
	return e
}

// connToModel converts a connection into a Connections-pane row, every
// string sanitised (model.Connection.Sanitized).
func connToModel(provider string, c Connection, ix *index) model.Connection {
	m := model.Connection{
		Provider: provider, ProviderKind: Kind,
		ID: ModelID(ObjConnection, c.ID), Name: firstNonEmpty(c.Name, c.ID),
		Type: c.Mode, RawState: c.State, State: NormalState(c.State),
		Status: StatusSummary(c.Status), BandwidthMbps: ix.connSpeed(c),
		Raw: c.Raw(),
	}
	if err := c.DecodeError(); err != nil {
		m.State, m.Status = model.StateUnknown, "undecodable: "+err.Error()
		m.FingerprintKey = m.Fingerprint()
		return m.Sanitized()
	}
	m.A = ix.connEndpoint(c)
	m.Z = model.Endpoint{Type: "exchange"}
	if ports := ix.connPorts(c); len(ports) > 0 {
		if pop, ok := ix.pops[ports[0].Pop]; ok {
			if man, ok := ix.mans[pop.MetroAreaNetwork]; ok {
				m.Z.Name = firstNonEmpty(man.Name, man.ID)
				m.Z.Account = man.ServiceProvider
			}
			m.Z.Metro = m.A.Metro
		}
	}
	if c.DecommissionAt != "" {
		m.Status = joinNonEmpty("; ", m.Status, "decommission at "+c.DecommissionAt)
	}
	if decommissionable(c.State) {
		m.Actions = []model.ActionKind{model.ActionDecommission}
	}
	m.FingerprintKey = m.Fingerprint()
	return m.Sanitized()
}

// vlanOf lists a VLAN config's tags (outer first) and a note.
func vlanOf(v *VLANConfig) ([]int, string) {
	if v == nil {
		return nil, ""
	}
	switch v.VLANType {
	case VLANTypeDot1Q:
		if v.VLAN != nil {
			return []int{*v.VLAN}, ""
		}
	case VLANTypeQinQ:
		var out []int
		if v.OuterVLAN != nil {
			out = append(out, *v.OuterVLAN)
		}
		if v.InnerVLAN != nil {
			out = append(out, *v.InnerVLAN)
		}
		return out, "QinQ"
	case VLANTypePort:
		return nil, "untagged (whole port)"
	}
	return nil, v.VLANType
}

// nscName names a config, which has no name of its own in IX-API: its
// connection and VLAN ("FRA-CUST-0012.1104", ".untagged" for a port
// config).
func nscName(n NetworkServiceConfig, ix *index) string {
	base := n.Connection
	if c, ok := ix.conns[n.Connection]; ok && c.Name != "" {
		base = c.Name
	}
	if base == "" {
		base = n.ID
	}
	tags, _ := vlanOf(n.VLANConfig)
	switch {
	case len(tags) > 0:
		parts := make([]string, len(tags))
		for i, t := range tags {
			parts[i] = strconv.Itoa(t)
		}
		return base + "." + strings.Join(parts, ".")
	case n.VLANConfig != nil && n.VLANConfig.VLANType == VLANTypePort:
		return base + ".untagged"
	}
	return base + "/" + n.ID
}

// serviceLabel describes a network service on one line.
func serviceLabel(s NetworkService, ix *index) string {
	switch s.Type {
	case TypeExchangeLAN:
		return firstNonEmpty(s.Name, "exchange LAN "+s.ID)
	case TypeP2PVC:
		return "p2p to " + ix.accountName(s.JoiningMemberAccount)
	case TypeCloudVC:
		if po, ok := ix.offerings[s.ProductOffering]; ok {
			return "cloud " + firstNonEmpty(po.ServiceProvider, po.DisplayName)
		}
		return "cloud " + s.ID
	}
	return firstNonEmpty(s.Name, s.Type+" "+s.ID)
}

// changeDescription describes a change request.
func changeDescription(s NetworkService, cr *NetworkServiceChangeRequest, ix *index) string {
	if cr == nil {
		return "change pending"
	}
	var parts []string
	if cr.Capacity != nil {
		from := "?"
		if s.Capacity != nil {
			from = model.FormatMbps(*s.Capacity)
		}
		parts = append(parts, "capacity "+from+" → "+model.FormatMbps(*cr.Capacity))
	}
	if cr.ProductOffering != "" && cr.ProductOffering != s.ProductOffering {
		name := cr.ProductOffering
		if po, ok := ix.offerings[cr.ProductOffering]; ok {
			name = firstNonEmpty(po.DisplayName, po.Name, po.ID)
		}
		parts = append(parts, "offering → "+name)
	}
	if len(parts) == 0 {
		return "change requested (same offering and capacity)"
	}
	return strings.Join(parts, ", ")
}

// nscToModel converts a network service config into a Connections-pane
// row: A side our connection with the VLAN, Z side the network service.
func nscToModel(provider string, n NetworkServiceConfig, ix *index) model.Connection {
	m := model.Connection{
		Provider: provider, ProviderKind: Kind,
		ID: ModelID(ObjNetworkServiceConfig, n.ID), Name: nscName(n, ix),
		Type: n.Type, RawState: n.State, State: NormalState(n.State),
		Status: StatusSummary(n.Status), Raw: n.Raw(),
	}
	if err := n.DecodeError(); err != nil {
		m.State, m.Status = model.StateUnknown, "undecodable: "+err.Error()
		m.FingerprintKey = m.Fingerprint()
		return m.Sanitized()
	}
	conn, haveConn := ix.conns[n.Connection]
	if haveConn {
		m.A = ix.connEndpoint(conn)
	} else {
		m.A = model.Endpoint{Type: "connection", Name: n.Connection}
	}
	m.A.Account = ix.accountName(n.ConsumingAccount)
	tags, note := vlanOf(n.VLANConfig)
	m.A.VLANs = tags
	var extra []string
	if len(n.ASNs) > 0 {
		asns := make([]string, len(n.ASNs))
		for i, a := range n.ASNs {
			asns[i] = "AS" + strconv.FormatInt(a, 10)
		}
		extra = append(extra, strings.Join(asns, " "))
	}
	extra = append(extra, note)
	if n.ExternalRef != nil {
		extra = append(extra, "ref "+*n.ExternalRef)
	}
	m.A.Extra = joinNonEmpty(", ", extra...)

	svc, haveSvc := ix.services[n.NetworkService]
	m.Z = model.Endpoint{Type: n.Type, Name: n.NetworkService}
	if haveSvc {
		m.Z.Type = svc.Type
		m.Z.Name = serviceLabel(svc, ix)
		switch svc.Type {
		case TypeP2PVC:
			m.Z.Account = ix.accountName(svc.JoiningMemberAccount)
		case TypeCloudVC:
			if po, ok := ix.offerings[svc.ProductOffering]; ok {
				m.Z.Account = po.ServiceProvider
				m.Z.Extra = joinNonEmpty(", ", ptrString(po.ServiceProviderRegion), ptrString(po.ServiceProviderPop))
			}
		case TypeExchangeLAN:
			if man, ok := ix.mans[svc.MetroAreaNetwork]; ok {
				m.Z.Account = man.ServiceProvider
				m.Z.Metro = m.A.Metro
			}
		}
	}
	switch {
	case n.Capacity != nil && *n.Capacity > 0:
		m.BandwidthMbps = *n.Capacity
	case haveSvc && svc.Capacity != nil && *svc.Capacity > 0:
		m.BandwidthMbps = *svc.Capacity
	case haveConn:
		m.BandwidthMbps = ix.connSpeed(conn)
	}
	// A change request lives on the service; show it on our config.
	pendingChange := haveSvc && svc.State == StateProductionChangePending
	var cr *NetworkServiceChangeRequest
	if c, ok := ix.changes[n.NetworkService]; ok {
		cr, pendingChange = &c, haveSvc
	}
	if pendingChange {
		m.Pending = &model.PendingChange{
			Kind:        model.ChangeUpdate,
			Status:      StateProductionChangePending,
			Description: changeDescription(svc, cr, ix),
			WaitingOnUs: false, // we asked; the other side decides
		}
		if m.State == model.StateActive {
			m.State = model.StateChanging
		}
	}
	if n.DecommissionAt != "" {
		m.Status = joinNonEmpty("; ", m.Status, "decommission at "+n.DecommissionAt)
	}
	if haveSvc && svc.Type == TypeP2PVC {
		switch svc.State {
		case StateProduction:
			if cr == nil {
				m.Actions = append(m.Actions, model.ActionFileChangeRequest)
			}
		case StateProductionChangePending:
			m.Actions = append(m.Actions, model.ActionWithdrawChangeRequest)
		}
	}
	if decommissionable(n.State) {
		m.Actions = append(m.Actions, model.ActionDecommission)
	}
	m.FingerprintKey = m.Fingerprint()
	return m.Sanitized()
}

// macRe and friends tell what kind of peer id a SeriesQuery names.
var macRe = regexp.MustCompile(`^(?i)[0-9a-f]{2}([:-][0-9a-f]{2}){5}$`)

// peerFilterFor turns a peer id (MAC, IP, "AS64500") into a filter.
func peerFilterFor(id string) (PeerFilter, error) {
	id = strings.TrimSpace(id)
	switch {
	case macRe.MatchString(id):
		return PeerFilter{MACAddress: strings.ToLower(id)}, nil
	case strings.Contains(id, ".") || strings.Contains(id, ":"):
		return PeerFilter{IPAddress: id}, nil
	}
	asn := strings.TrimPrefix(strings.TrimPrefix(strings.ToUpper(id), "ASN:"), "AS")
	n, err := strconv.ParseInt(asn, 10, 64)
	if err != nil || n <= 0 || n > 4294967295 {
		return PeerFilter{}, errorf("peer %q is neither a MAC address, an IP address nor an ASN", truncate(id, 40))
	}
	return PeerFilter{ASN: n}, nil
}

// peerID is the id a model.Peer gets: its MAC address when known (unique
// on an exchange LAN), else its first IP, else its ASN.
func peerID(p PeerStatistics) string {
	switch {
	case p.MACAddress != "":
		return strings.ToLower(p.MACAddress)
	case len(p.IPAddresses) > 0:
		return p.IPAddresses[0]
	}
	return "AS" + strconv.FormatInt(p.ASN, 10)
}

func peerName(p PeerStatistics) string {
	as := "AS" + strconv.FormatInt(p.ASN, 10)
	if p.Name != "" {
		return as + " " + p.Name
	}
	return as
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func joinNonEmpty(sep string, s ...string) string {
	var parts []string
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			parts = append(parts, x)
		}
	}
	return strings.Join(parts, sep)
}

func ptrString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func sortNodes(ns []model.Node) {
	slices.SortStableFunc(ns, func(a, b model.Node) int {
		return cmp.Or(model.NaturalCompare(a.Label, b.Label), strings.Compare(a.Ref.ID, b.Ref.ID))
	})
}
