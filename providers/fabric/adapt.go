package fabric

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
)

// Kind is the provider kind in configs and in model.Connection.ProviderKind.
const Kind = "fabric"

// Values of the spec enums that the adapter branches on.
const (
	dirIncoming = "INCOMING"
	dirOutgoing = "OUTGOING"

	changeCreation = "CONNECTION_CREATION"
	changeUpdate   = "CONNECTION_UPDATE"
	changeDeletion = "CONNECTION_DELETION"

	changeRequested           = "REQUESTED"
	changeSubmittedForApprove = "SUBMITTED_FOR_APPROVAL"

	statusPendingApproval = "PENDING_APPROVAL"
	statusPendingDelete   = "PENDING_DELETE" // equinixStatus spelling
	providerPendingDelete = "PENDING DELETE" // providerStatus spelling (with a space)
)

// connectionStates maps the spec's ConnectionState enum.
var connectionStates = map[string]model.State{
	"ACTIVE":         model.StateActive,
	"PENDING":        model.StatePending,
	"PROVISIONING":   model.StateProvisioning,
	"DEPROVISIONING": model.StateDeprovisioning,
	"DEPROVISIONED":  model.StateDeprovisioned,
	"CANCELLED":      model.StateDeprovisioned, // refined to rejected below when a status says so
	"DRAFT":          model.StateDraft,
	"FAILED":         model.StateFailed,
}

// equinixStates maps the spec's EquinixStatus enum; used when state is the
// empty string (allowed by the enum).
var equinixStates = map[string]model.State{
	"PROVISIONED":                     model.StateActive,
	"PROVISIONING":                    model.StateProvisioning,
	"PENDING_APPROVAL":                model.StatePending,
	"PENDING_AUTO_APPROVAL":           model.StatePending,
	"PENDING_BGP_PEERING":             model.StateProvisioning,
	"PENDING_PROVIDER_VLAN":           model.StatePending,
	"PENDING_INTERFACE_CONFIGURATION": model.StateProvisioning,
	"DEPROVISIONING":                  model.StateDeprovisioning,
	"PENDING_DELETE":                  model.StateDeprovisioning,
	"DEPROVISIONED":                   model.StateDeprovisioned,
	"DELETED":                         model.StateDeprovisioned,
	"CANCELLED":                       model.StateDeprovisioned,
	"REJECTED":                        model.StateRejected,
	"REJECTED_ACK":                    model.StateRejected,
	"NOT_PROVISIONED":                 model.StateFailed,
	"NOT_DEPROVISIONED":               model.StateFailed,
	"AUTO_APPROVAL_FAILED":            model.StateFailed,
	"PENDING_PROVIDER_VLAN_ERROR":     model.StateFailed,
	"DRAFT":                           model.StateDraft,
}

// normalState maps a connection to a model.State. An unknown state value
// (one not in the 4.31 enum) gives StateUnknown; RawState keeps it.
func normalState(c Connection, pending *model.PendingChange) model.State {
	var eqx, prov string
	if c.Operation != nil {
		eqx, prov = c.Operation.EquinixStatus, c.Operation.ProviderStatus
	}
	var st model.State
	if c.State == "" {
		s, ok := equinixStates[eqx]
		if !ok {
			return model.StateUnknown
		}
		st = s
	} else {
		s, ok := connectionStates[c.State]
		if !ok {
			return model.StateUnknown
		}
		st = s
	}
	rejected := isRejected(eqx) || isRejected(prov)
	switch {
	case rejected && (c.State == "PENDING" || c.State == "CANCELLED" || c.State == ""):
		return model.StateRejected
	case st == model.StateActive && pending != nil && pending.Kind != model.ChangeCreation:
		return model.StateChanging
	}
	return st
}

func isRejected(s string) bool { return s == "REJECTED" || s == "REJECTED_ACK" }

// pendingOf works out whether a change is pending and whether it waits
// for us.
//
// Decision (spec 4.31 + the user's examples): approvals are given by the
// Z side, the owner of the port or service profile a connection is
// requested to; the requester cannot approve its own request. The API
// reports `direction` from the caller's point of view: INCOMING (someone
// asked to connect to us: our decision), OUTGOING (we asked someone else:
// their decision), INTERNAL (both ends ours: our decision). A change waits
// for approval when change.status is SUBMITTED_FOR_APPROVAL, or (without a
// change object, or with change.status REQUESTED) when equinixStatus or
// providerStatus is PENDING_APPROVAL; for a deletion also when
// equinixStatus is PENDING_DELETE or providerStatus "PENDING DELETE". It
// waits on us unless direction is OUTGOING; a missing direction counts as
// ours, so an actionable request is never hidden (if it was not ours, the
// API refuses the action with a clear error). A change that is REQUESTED
// with no approval marker is in flight, shown as pending but not ours to
// decide.
func pendingOf(c Connection) *model.PendingChange {
	var eqx, prov string
	if c.Operation != nil {
		eqx, prov = c.Operation.EquinixStatus, c.Operation.ProviderStatus
	}
	approvalMarked := eqx == statusPendingApproval || prov == statusPendingApproval
	deleteMarked := eqx == statusPendingDelete || prov == providerPendingDelete

	p := &model.PendingChange{}
	switch ch := c.Change; {
	case ch != nil && (ch.Status == changeSubmittedForApprove || ch.Status == changeRequested) && changeKind(ch.Type) != "":
		p.Kind = changeKind(ch.Type)
		p.ID, p.Status = ch.UUID, ch.Status
		p.Since = parseTime(ch.CreatedDateTime)
		waiting := ch.Status == changeSubmittedForApprove || approvalMarked ||
			(p.Kind == model.ChangeDeletion && deleteMarked)
		p.WaitingOnUs = waiting && c.Direction != dirOutgoing
	case approvalMarked:
		p.Kind = model.ChangeCreation
		if c.State == "ACTIVE" {
			p.Kind = model.ChangeUpdate
		}
		p.Status = statusPendingApproval
		p.WaitingOnUs = c.Direction != dirOutgoing
	case deleteMarked:
		p.Kind = model.ChangeDeletion
		p.Status = prov
		if eqx == statusPendingDelete {
			p.Status = eqx
		}
		p.WaitingOnUs = c.Direction != dirOutgoing
	default:
		return nil
	}
	if p.Since.IsZero() && c.ChangeLog != nil {
		p.Since = parseTime(firstNonEmpty(c.ChangeLog.UpdatedDateTime, c.ChangeLog.CreatedDateTime))
	}
	p.Description = describeChange(c, p.Kind)
	return p
}

func changeKind(t string) model.ChangeKind {
	switch t {
	case changeCreation:
		return model.ChangeCreation
	case changeUpdate:
		return model.ChangeUpdate
	case changeDeletion:
		return model.ChangeDeletion
	}
	return ""
}

func describeChange(c Connection, kind model.ChangeKind) string {
	who := ""
	if ap := c.ASide.AccessPoint; ap != nil && ap.Account != nil {
		who = firstNonEmpty(ap.Account.OrganizationName, ap.Account.AccountName)
	}
	switch kind {
	case model.ChangeCreation:
		s := fmt.Sprintf("new %s, %d Mbps", firstNonEmpty(c.Type, "connection"), c.Bandwidth)
		if who != "" {
			s += " requested by " + who
		}
		return s
	case model.ChangeUpdate:
		var parts []string
		if c.Change != nil {
			for _, op := range c.Change.Ops() {
				parts = append(parts, strings.TrimSpace(op.Op+" "+op.Path+" "+compactValue(op.Value)))
			}
		}
		if len(parts) == 0 {
			return "update requested"
		}
		return strings.Join(parts, "; ")
	case model.ChangeDeletion:
		if who != "" {
			return "deletion requested by " + who
		}
		return "deletion requested"
	}
	return ""
}

// compactValue renders a change value on one line ({"bandwidth":2000} ->
// bandwidth=2000), bounded in length.
func compactValue(v json.RawMessage) string {
	var obj map[string]any
	if json.Unmarshal(v, &obj) == nil && len(obj) > 0 && len(obj) <= 4 {
		var parts []string
		for k, x := range obj {
			parts = append(parts, fmt.Sprintf("%s=%v", k, x))
		}
		slices.Sort(parts)
		return "→ " + strings.Join(parts, ", ")
	}
	s := strings.TrimSpace(string(v))
	if s == "" || s == "null" {
		return ""
	}
	return "→ " + truncate(s, 60)
}

// toModel converts a wire connection into the provider-agnostic shape,
// every string sanitised (model.Connection.Sanitized).
func toModel(provider string, c Connection) model.Connection {
	m := model.Connection{
		Provider:      provider,
		ProviderKind:  Kind,
		ID:            c.UUID,
		Name:          c.Name,
		Type:          c.Type,
		RawState:      c.State,
		BandwidthMbps: c.Bandwidth,
		Raw:           maskSecrets(c.Raw()),
	}
	if err := c.DecodeError(); err != nil {
		m.State = model.StateUnknown
		m.Status = "undecodable: " + err.Error()
		return m.Sanitized()
	}
	var eqx, prov string
	if c.Operation != nil {
		eqx, prov = c.Operation.EquinixStatus, c.Operation.ProviderStatus
	}
	if m.RawState == "" {
		m.RawState = eqx
	}
	switch {
	case eqx != "" && prov != "":
		m.Status = eqx + " / " + prov
	default:
		m.Status = eqx + prov
	}
	m.Pending = pendingOf(c)
	m.State = normalState(c, m.Pending)
	m.A = endpoint(c.ASide)
	m.Z = endpoint(c.ZSide)
	if c.ChangeLog != nil {
		m.Created = parseTime(c.ChangeLog.CreatedDateTime)
		m.Updated = parseTime(firstNonEmpty(c.ChangeLog.UpdatedDateTime, c.ChangeLog.DeletedDateTime, c.ChangeLog.CreatedDateTime))
	}
	if p := m.Pending; p != nil && p.WaitingOnUs {
		switch p.Kind {
		case model.ChangeCreation, model.ChangeUpdate:
			m.Actions = []model.ActionKind{model.ActionApprove, model.ActionReject}
		case model.ChangeDeletion:
			// Fabric has no deletion rejection: the only answer is to accept.
			m.Actions = []model.ActionKind{model.ActionApprove}
		}
	}
	m.Actions = append(m.Actions, ownActions(c)...)
	m.FingerprintKey = m.Fingerprint()
	return m.Sanitized()
}

// interner keeps one copy of each string seen during one listing: 100,000
// connections spell a few metros, types, states, accounts, profiles and
// ports, and each would otherwise keep its own decoded copy alive. It is
// a plain map dropped with the listing (unique.Make's global map costs
// more per distinct string than the copies it saves). A nil interner
// returns its argument.
type interner map[string]string

func (in interner) str(s string) string {
	if in == nil || s == "" {
		return s
	}
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}

// conn interns the strings of m that repeat across connections.
func (in interner) conn(m *model.Connection) {
	m.Type, m.RawState, m.Status = in.str(m.Type), in.str(m.RawState), in.str(m.Status)
	for _, e := range []*model.Endpoint{&m.A, &m.Z} {
		e.Type, e.Metro, e.Account = in.str(e.Type), in.str(e.Metro), in.str(e.Account)
		e.Name, e.PortName, e.Extra = in.str(e.Name), in.str(e.PortName), in.str(e.Extra)
	}
}

// endpoint describes one side.
func endpoint(s ConnectionSide) model.Endpoint {
	var e model.Endpoint
	ap := s.AccessPoint
	if ap == nil {
		if s.ServiceToken != nil {
			e.Type = "SERVICE_TOKEN"
			e.Name = firstNonEmpty(s.ServiceToken.Name, s.ServiceToken.UUID)
			e.Extra = "service token " + s.ServiceToken.UUID
		}
		return e
	}
	e.Type = ap.Type
	var extra []string
	if ap.Port != nil {
		e.PortID, e.PortName = ap.Port.UUID, ap.Port.Name
		if ap.Port.Redundancy != nil && ap.Port.Redundancy.Priority != "" {
			extra = append(extra, strings.ToLower(ap.Port.Redundancy.Priority)+" port")
		}
	}
	if ap.Location != nil {
		e.Metro = firstNonEmpty(ap.Location.MetroCode, ap.Location.MetroName)
	}
	if ap.Account != nil {
		e.Account = firstNonEmpty(ap.Account.OrganizationName, ap.Account.AccountName, ap.Account.GlobalOrgID)
	}
	switch {
	case ap.Profile != nil:
		e.Name = firstNonEmpty(ap.Profile.Name, ap.Profile.UUID)
		extra = append(extra, "profile "+firstNonEmpty(ap.Profile.Name, ap.Profile.UUID))
	case ap.VirtualDevice != nil:
		e.Name = firstNonEmpty(ap.VirtualDevice.Name, ap.VirtualDevice.UUID)
		if ap.Interface != nil && ap.Interface.ID != 0 {
			extra = append(extra, "interface "+strconv.FormatInt(int64(ap.Interface.ID), 10))
		}
	case ap.Router != nil:
		e.Name = firstNonEmpty(ap.Router.Name, ap.Router.UUID)
	case ap.Network != nil:
		e.Name = firstNonEmpty(ap.Network.Name, ap.Network.UUID)
	}
	if e.Name == "" {
		e.Name = firstNonEmpty(ap.Name, e.PortName)
	}
	if lp := ap.LinkProtocol; lp != nil {
		vlans, note := vlansOf(*lp)
		e.VLANs = vlans
		if note != "" {
			extra = append(extra, note)
		}
	}
	if ap.SellerRegion != "" {
		extra = append(extra, "region "+ap.SellerRegion)
	}
	if s.ServiceToken != nil {
		extra = append(extra, "service token "+s.ServiceToken.UUID)
	}
	e.Extra = strings.Join(extra, ", ")
	return e
}

// vlansOf lists the tags of a link protocol: [tag] for DOT1Q, [S, C] for
// QINQ. Ranges (Network Edge: vlanTagMin..Max, vlanCTagMin..Max) are not
// expanded into hundreds of tags: they go into the note instead.
func vlansOf(lp LinkProtocol) (vlans []int, note string) {
	switch lp.Type {
	case "QINQ":
		if lp.VlanSTag > 0 {
			vlans = append(vlans, lp.VlanSTag)
		}
		if lp.VlanCTag > 0 {
			vlans = append(vlans, lp.VlanCTag)
		} else if lp.VlanCTagMin > 0 || lp.VlanCTagMax > 0 {
			note = fmt.Sprintf("QinQ C-VLANs %d-%d", lp.VlanCTagMin, lp.VlanCTagMax)
		}
	case "UNTAGGED":
		note = "untagged"
	default: // DOT1Q, and anything unknown that carries a tag
		if lp.VlanTag > 0 {
			vlans = append(vlans, lp.VlanTag)
		} else if lp.VlanTagMin > 0 || lp.VlanTagMax > 0 {
			note = fmt.Sprintf("VLAN range %d-%d", lp.VlanTagMin, lp.VlanTagMax)
		}
		if lp.Type != "" && lp.Type != "DOT1Q" {
			note = strings.TrimPrefix(note+", "+lp.Type, ", ")
		}
	}
	return vlans, note
}

// timeLayouts are the timestamp styles seen in Fabric responses.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05-0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
}

func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// secretFields are values the detail view must not show: cloud provider
// authorization keys and BGP passwords can appear in connection objects.
var secretFields = regexp.MustCompile(`("(?:authenticationKey|bgpAuthKey|authKey|password|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// maskSecrets replaces secret string values in raw JSON; everything else
// is kept byte for byte.
func maskSecrets(raw json.RawMessage) json.RawMessage {
	// A cheap scan first: almost no connection carries such a field, and
	// the regexp would cost more than decoding the object.
	if raw == nil || !(bytes.Contains(raw, []byte(`Key"`)) || bytes.Contains(raw, []byte(`password"`)) || bytes.Contains(raw, []byte(`secret"`))) {
		return raw
	}
	if !secretFields.Match(raw) {
		return raw
	}
	return secretFields.ReplaceAll(raw, []byte(`$1"[REDACTED]"`))
}
