package packet

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// Wire values to model values. Every provider string goes through
// model.SafeText on its way in.

var safe = model.SafeText

// deviceStates maps device states onto model states. A powered-off
// server ("inactive") carries nothing and shows muted, like an object out
// of service.
var deviceStates = map[string]model.State{
	DeviceActive:        model.StateActive,
	DeviceQueued:        model.StateProvisioning,
	DeviceProvisioning:  model.StateProvisioning,
	DeviceReinstalling:  model.StateProvisioning,
	"post_provisioning": model.StateProvisioning,
	DevicePoweringOn:    model.StateChanging,
	DevicePoweringOff:   model.StateChanging,
	DeviceRebooting:     model.StateChanging,
	DeviceInactive:      model.StateDeprovisioned,
	DeviceDeprovision:   model.StateDeprovisioning,
	DeviceFailed:        model.StateFailed,
}

// DeviceState normalises a device state.
func DeviceState(raw string) model.State {
	if s, ok := deviceStates[strings.ToLower(strings.TrimSpace(raw))]; ok {
		return s
	}
	return model.StateUnknown
}

// sessionStatuses splits a BGP session status ("up", "up,down" with one
// value per switch) into its values.
func sessionStatuses(raw string) []string {
	return strings.FieldsFunc(strings.ToLower(raw), func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}

// SessionState normalises a BGP session status: down on any switch is a
// failed session (the operator must see it), up everywhere is active, a
// session whose status is still unknown everywhere is pending (every
// session starts that way); up where known counts as active.
func SessionState(raw string) model.State {
	vals := sessionStatuses(raw)
	if len(vals) == 0 {
		return model.StateUnknown
	}
	up, unknown := 0, 0
	for _, v := range vals {
		switch v {
		case "down":
			return model.StateFailed
		case "up":
			up++
		case "unknown":
			unknown++
		default:
			return model.StateUnknown
		}
	}
	if up == 0 {
		return model.StatePending
	}
	return model.StateActive
}

// Connection ids: the object type and its uuid, so one provider's two
// kinds of rows cannot collide.
const (
	bgpPrefix  = "bgp:"
	vnetPrefix = "vnet:"
)

// SessionConnectionID is the model.Connection id of a BGP session.
func SessionConnectionID(sessionID string) string { return bgpPrefix + sessionID }

// VirtualNetworkConnectionID is the model.Connection id of a virtual network.
func VirtualNetworkConnectionID(vnID string) string { return vnetPrefix + vnID }

// parseConnectionID splits a connection id into its type and uuid.
func parseConnectionID(id string) (kind, uuid string, ok bool) {
	for _, p := range []string{bgpPrefix, vnetPrefix} {
		if rest, found := strings.CutPrefix(id, p); found && validID.MatchString(rest) {
			return p, rest, true
		}
	}
	return "", "", false
}

// sessionToModel is one BGP session as a connection row: our device on
// the A side, Packet's routers on the Z side, learned routes in Status.
func sessionToModel(provider string, s BGPSession, ix *index) model.Connection {
	dev := ix.devices[s.Device.ID()]
	c := model.Connection{
		Provider: provider, ProviderKind: Kind,
		ID:    safe(SessionConnectionID(s.ID)),
		Type:  model.ConnTypeBGPSession,
		State: SessionState(s.Status), RawState: safe(s.Status),
		A: model.Endpoint{Type: "device"},
		Z: model.Endpoint{Type: "bgp-peer", Name: "Packet routers"},
	}
	af := safe(s.AddressFamily)
	host := safe(s.Device.ID())
	if dev != nil {
		host = safe(firstNonEmpty(dev.Hostname, dev.ID))
		c.A.Name = host
		c.A.Metro = safe(facilityCode(dev.Facility, ix))
		for _, pt := range dev.NetworkPorts {
			if pt.IsBond() {
				c.A.PortName = safe(pt.Name) // sessions run over the (first) bond
				break
			}
		}
		c.A.Account = safe(ix.projectName(dev.ProjectID()))
		if cfg, ok := ix.bgp[dev.ProjectID()]; ok {
			c.A.Extra = bgpConfigSummary(cfg)
		}
	} else {
		c.A.Name = host
	}
	c.Name = strings.TrimSpace(host + " " + af)
	c.Status = fmt.Sprintf("%d learned routes", len(s.LearnedRoutes))
	if len(s.LearnedRoutes) == 1 {
		c.Status = "1 learned route"
	}
	if s.DefaultRoute {
		c.Z.Extra = "default route"
	}
	if err := s.DecodeError(); err != nil {
		c.State, c.Status = model.StateUnknown, "undecodable: "+safe(model.ErrorSummary(err))
	}
	c.Raw = rawJSON(s)
	c.FingerprintKey = c.Fingerprint()
	return c
}

// bgpConfigSummary is "AS65000 local" (the md5 password is never read).
func bgpConfigSummary(cfg BGPConfig) string {
	s := ""
	if cfg.ASN > 0 {
		s = "AS" + strconv.FormatInt(cfg.ASN, 10)
	}
	return strings.TrimSpace(s + " " + safe(cfg.DeploymentType))
}

// vnetToModel is one virtual network as a connection row, so :vlan N
// finds it next to the other providers' circuits on that VLAN.
func vnetToModel(provider, projectID string, v VirtualNetwork, ix *index) model.Connection {
	id := v.VirtualNetworkID()
	name := safe(v.Description)
	if name == "" {
		name = "VLAN " + strconv.Itoa(v.VXLAN)
	}
	ports := ix.portsOnVLAN[id]
	c := model.Connection{
		Provider: provider, ProviderKind: Kind,
		ID:    safe(VirtualNetworkConnectionID(id)),
		Name:  name,
		Type:  "virtual-network",
		State: model.StateActive, RawState: "",
		A: model.Endpoint{
			Type: "project", Name: safe(ix.projectName(projectID)), Metro: safe(ix.facilityCodeByID(v.Facility.ID())),
			Account: safe(ix.projectName(projectID)),
		},
		Z:      model.Endpoint{Type: "ports", Name: plural(ports, "port", "ports")},
		Status: plural(ports, "port", "ports") + " assigned",
	}
	if v.VXLAN > 0 && v.VXLAN <= 4094 {
		c.A.VLANs = []int{v.VXLAN}
	}
	if err := v.DecodeError(); err != nil {
		c.State, c.Status = model.StateUnknown, "undecodable: "+safe(model.ErrorSummary(err))
	}
	c.Raw = rawJSON(v)
	c.FingerprintKey = c.Fingerprint()
	return c
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// rawJSON is the object as decoded, for the detail view (the wire types
// hold no secrets), sanitised like every other provider text.
func rawJSON(v any) json.RawMessage {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil
	}
	return json.RawMessage(model.SafeMultiline(string(b)))
}

// eventToModel is one event; the object it is about is its first
// relationship (a device, a port ...).
func eventToModel(provider string, e Event) model.Event {
	body := firstNonEmpty(e.Interpolated, e.Body)
	if err := e.DecodeError(); err != nil && body == "" {
		body = "undecodable event: " + model.ErrorSummary(err)
	}
	m := model.Event{
		Provider: provider, ID: safe(e.ID), Type: safe(e.Type), Body: safe(body), At: e.CreatedAt.Time,
	}
	for _, r := range e.Relationships {
		if t, id := refOfHref(r.Href); id != "" {
			m.Ref = model.Ref{Provider: provider, Type: t, ID: safe(id)}
			break
		}
	}
	return m
}

// refOfHref reads "/devices/<id>" as ("device", id).
func refOfHref(href string) (typ, id string) {
	parts := strings.Split(strings.Trim(href, "/"), "/")
	if len(parts) < 2 {
		return "", ""
	}
	kind, id := parts[len(parts)-2], parts[len(parts)-1]
	if !validID.MatchString(id) {
		return "", ""
	}
	switch kind {
	case "devices":
		return "device", id
	case "projects":
		return "project", id
	case "ports":
		return "port", id
	case "bgp-sessions", "sessions":
		return "bgp-session", id
	case "virtual-networks":
		return "virtual-network", id
	case "hardware-reservations":
		return "hardware-reservation", id
	}
	if !collection.MatchString(kind) {
		return "", ""
	}
	return strings.TrimSuffix(kind, "s"), id
}

var collection = regexp.MustCompile(`^[a-z][a-z_-]{0,40}$`)

// capacityToModel flattens the capacity report, sorted by facility and plan.
func capacityToModel(provider string, cl CapacityList) []model.Capacity {
	var out []model.Capacity
	for fac, plans := range cl.Capacity {
		for plan, lvl := range plans {
			c := model.Capacity{Provider: provider, Location: safe(fac), Plan: safe(plan), Level: safe(lvl.Level), Available: -1, Total: -1}
			if lvl.AvailableServers != nil && *lvl.AvailableServers >= 0 {
				c.Available = *lvl.AvailableServers
			}
			if lvl.TotalServers != nil && *lvl.TotalServers >= 0 {
				c.Total = *lvl.TotalServers
			}
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b model.Capacity) int {
		return cmp.Or(strings.Compare(a.Location, b.Location), strings.Compare(a.Plan, b.Plan))
	})
	return out
}

// facilityCode is the facility's code, from the embedded object or the
// facility table when only a link was sent.
func facilityCode(f *Facility, ix *index) string {
	if f == nil {
		return ""
	}
	if f.Code != "" {
		return f.Code
	}
	id := f.ID
	if id == "" {
		h := Href{Href: f.Href}
		id = h.ID()
	}
	return ix.facilityCodeByID(id)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
