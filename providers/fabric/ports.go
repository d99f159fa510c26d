package fabric

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Our ports: listed (following the answer's pagination), shown in the
// inventory as metro › port › connections on it, and offered as landing
// places when we accept a connection request.

// maxPortPages bounds how many pages of GET /fabric/v4/ports are followed.
const maxPortPages = 100

var (
	_ model.InventorySource   = (*Provider)(nil)
	_ model.LandingPortSource = (*Provider)(nil)
)

// ListPorts returns the account's ports (GET /fabric/v4/ports). The spec
// gives the operation no paging parameters but answers with a pagination
// object: when it says there is more (a next link), the link is followed
// (only to the ports collection on this API, at most maxPortPages pages)
// through httpx.Linked, within the provider's bounds. Each answer streams
// in; ports without a uuid are counted, not kept, and ports seen twice
// are kept once.
func (c *Client) ListPorts(ctx context.Context) ([]Port, error) {
	uuid := func(p *Port) string { return p.UUID }
	listing := httpx.Listing[Port]{Provider: c.cfg.Provider, What: "ports", Bounds: c.cfg.Bounds, ID: uuid}
	listing.Bounds.MaxPages = min(listing.Bounds.MaxPages, maxPortPages)
	return httpx.Linked(ctx, listing, PortsPath, func(ctx context.Context, link string) (httpx.Page[Port], error) {
		var pagination *Pagination
		body := httpx.ListBody[Port]{Key: "data", What: "port", Missing: "port without a uuid", Max: c.cfg.Bounds.MaxItems, ID: uuid,
			Member: httpx.OptionalMember("pagination", &pagination)}
		var page httpx.Page[Port]
		_, err := c.api.DoStream(ctx, httpx.Request{Method: http.MethodGet, Path: link}, func(r io.Reader) error {
			var err error
			page, err = body.Decode(r)
			return err
		})
		if err != nil || pagination == nil {
			return page, err
		}
		page.Total, page.TotalKnown = pagination.Total, true
		if pagination.Next != "" {
			next, err := nextPortsPage(pagination.Next)
			if err != nil {
				c.cfg.Logger.Warn("fabric: not following the ports' next link", "provider", c.cfg.Provider, "err", err)
			}
			page.Next = next
		}
		return page, nil
	})
}

// nextPortsPage turns a next link into a path and query on our base URL.
func nextPortsPage(link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", err
	}
	if u.Path != PortsPath {
		return "", fmt.Errorf("next link %q is not the ports collection", truncate(link, 80))
	}
	if u.RawQuery == "" {
		return "", fmt.Errorf("next link %q names no page", truncate(link, 80))
	}
	return u.Path + "?" + u.RawQuery, nil
}

// portStates maps the spec's PortState enum.
var portStates = map[string]model.State{
	"ACTIVE": model.StateActive, "PROVISIONED": model.StateActive,
	"PENDING": model.StateProvisioning, "PROVISIONING": model.StateProvisioning, "REPROVISIONING": model.StateProvisioning,
	"PENDING_CROSS_CONNECT": model.StateProvisioning, "ADDED": model.StateProvisioning, "TO_BE_ADDED": model.StateProvisioning,
	"DEPROVISIONING": model.StateDeprovisioning, "TO_BE_DELETED": model.StateDeprovisioning,
	"DEPROVISIONED": model.StateDeprovisioned, "DELETED": model.StateDeprovisioned,
	"INACTIVE": model.StateFailed, "FAILED": model.StateFailed,
}

func portState(s string) model.State {
	if st, ok := portStates[s]; ok {
		return st
	}
	return model.StateUnknown
}

// connectionsTTL is how old the last connection listing may be for the
// inventory to reuse it.
const connectionsTTL = time.Minute

// Inventory is metro › port › the connections on it (either side), from
// a fresh port listing and the connections of the last listing, kept
// current by change listings (read again when neither ran in a minute). Connections on none of our known ports
// are not shown here (they are in the Connections pane).
func (p *Provider) Inventory(ctx context.Context, prog *model.Progress) ([]model.Node, error) {
	ports, err := p.client.ListPorts(ctx)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.ports, p.portsAt = ports, p.client.cfg.Clock()
	fresh := !p.connsAt.IsZero() && p.currentAt.After(p.client.cfg.Clock().Add(-connectionsTTL))
	p.mu.Unlock()
	if !fresh {
		if err := p.awaitListing(ctx, prog); err != nil {
			return nil, err
		}
	}
	p.mu.Lock()
	if p.inv.nodes != nil && p.inv.gen == p.gen && reflect.DeepEqual(p.inv.ports, ports) {
		// Nothing changed: the same slice again (the hub and the
		// sanitiser see that at once, without a walk over 100k nodes).
		nodes := p.inv.nodes
		p.mu.Unlock()
		return nodes, nil
	}
	gen := p.gen
	conns := make([]connFacts, 0, len(p.conns))
	p.eachFacts(func(f connFacts) { conns = append(conns, f) })
	p.mu.Unlock()
	nodes := buildInventoryFacts(p.name, ports, conns)
	p.mu.Lock()
	p.inv.gen, p.inv.ports, p.inv.nodes = gen, ports, nodes
	p.mu.Unlock()
	return nodes, nil
}

func buildInventory(provider string, ports []Port, conns []Connection) []model.Node {
	fs := make([]connFacts, 0, len(conns))
	for _, c := range conns {
		fs = append(fs, factsOf(c, toModel(provider, c), nil))
	}
	return buildInventoryFacts(provider, ports, fs)
}

func buildInventoryFacts(provider string, ports []Port, conns []connFacts) []model.Node {
	onPort := map[string][]connFacts{}
	for _, c := range conns {
		for _, side := range c.sides {
			if side.port != "" {
				onPort[side.port] = append(onPort[side.port], c)
			}
		}
	}
	metros := map[string]*model.Node{}
	var order []string
	for _, pt := range ports {
		code, name := "", ""
		if pt.Location != nil {
			code, name = pt.Location.MetroCode, pt.Location.MetroName
		}
		m, ok := metros[code]
		if !ok {
			label := model.SafeText(strings.TrimSpace(code + " " + name))
			if label == "" {
				label = "Unknown metro"
			}
			m = &model.Node{Ref: model.Ref{Provider: provider, Type: "metro", ID: model.SafeText(code), Name: model.SafeText(name)}, Kind: "metro", Label: label,
				Fields: []model.Field{{Key: "code", Value: model.SafeText(code)}, {Key: "name", Value: model.SafeText(name)}}}
			metros[code] = m
			order = append(order, code)
		}
		n := portNode(provider, pt)
		for _, c := range onPort[pt.UUID] {
			n.Children = append(n.Children, connNode(provider, c, pt.UUID))
		}
		slices.SortStableFunc(n.Children, func(a, b model.Node) int { return model.NaturalCompare(a.Label, b.Label) })
		m.Children = append(m.Children, n)
	}
	slices.Sort(order)
	out := make([]model.Node, 0, len(order))
	for _, code := range order {
		m := metros[code]
		slices.SortStableFunc(m.Children, func(a, b model.Node) int { return model.NaturalCompare(a.Label, b.Label) })
		out = append(out, *m)
	}
	return out
}

func portNode(provider string, pt Port) model.Node {
	name := model.SafeText(firstNonEmpty(pt.Name, pt.UUID))
	speed := model.FormatMbps(pt.PhysicalPortsSpeed * int64(max(pt.PhysicalPortsCount, 1)))
	enc := model.SafeText(encapsulation(pt))
	n := model.Node{
		Ref:      model.Ref{Provider: provider, Type: RefPort, ID: pt.UUID, Name: name},
		Kind:     "port",
		Label:    strings.TrimSpace(name + " · " + speed + " " + enc),
		State:    portState(pt.State),
		RawState: model.SafeText(pt.State),
		Fields: []model.Field{
			{Key: "uuid", Value: pt.UUID}, {Key: "name", Value: name}, {Key: "speed", Value: speed},
			{Key: "state", Value: model.SafeText(pt.State)},
			{Key: "used bandwidth", Value: model.FormatMbps(pt.UsedBandwidth)},
			{Key: "available bandwidth", Value: model.FormatMbps(pt.AvailableBandwidth)},
			{Key: "encapsulation", Value: enc},
		},
	}
	if pt.Operation != nil && pt.Operation.OperationalStatus != "" {
		n.Fields = append(n.Fields, model.Field{Key: "operational status", Value: model.SafeText(pt.Operation.OperationalStatus)})
	}
	if pr := priorityOf(pt); pr != "" {
		n.Fields = append(n.Fields, model.Field{Key: "redundancy", Value: model.SafeText(pr)})
	}
	if pt.Device != nil && pt.Device.Name != "" {
		n.Fields = append(n.Fields, model.Field{Key: "device", Value: model.SafeText(pt.Device.Name)})
	}
	if pt.Location != nil && pt.Location.IBX != "" {
		n.Fields = append(n.Fields, model.Field{Key: "ibx", Value: model.SafeText(pt.Location.IBX)})
	}
	return n
}

// connNode is a connection as it appears under one of our ports.
func connNode(provider string, c connFacts, portUUID string) model.Node {
	vlans := ""
	for _, side := range c.sides {
		if side.port != "" && side.port == portUUID {
			vlans = vlanText(side.lp)
		}
	}
	label := model.SafeText(c.name) + " · " + model.FormatMbps(c.bandwidth)
	if vlans != "" {
		label += " · vlan " + vlans
	}
	n := model.Node{
		Ref:   model.Ref{Provider: provider, Type: RefConnection, ID: c.uuid, Name: model.SafeText(c.name)},
		Kind:  "connection",
		Label: label,
		State: c.mstate, RawState: model.SafeText(c.rawState),
		Fields: []model.Field{
			{Key: "uuid", Value: c.uuid}, {Key: "type", Value: model.SafeText(c.typ)}, {Key: "direction", Value: model.SafeText(c.direction)},
			{Key: "bandwidth", Value: model.FormatMbps(c.bandwidth)}, {Key: "vlan", Value: vlans},
			{Key: "a side", Value: model.SafeText(c.aName)}, {Key: "z side", Value: model.SafeText(c.zName)},
		},
	}
	if c.pending != "" {
		n.Fields = append(n.Fields, model.Field{Key: "pending", Value: model.SafeText(c.pending)})
	}
	return n
}

// vlanText is a link protocol's tags ("1001", "2001.300", "100-120").
func vlanText(lp *LinkProtocol) string {
	if lp == nil {
		return ""
	}
	switch {
	case lp.VlanTag > 0:
		return strconv.Itoa(lp.VlanTag)
	case lp.VlanSTag > 0 && lp.VlanCTag > 0:
		return strconv.Itoa(lp.VlanSTag) + "." + strconv.Itoa(lp.VlanCTag)
	case lp.VlanSTag > 0:
		return strconv.Itoa(lp.VlanSTag)
	case lp.VlanTagMin > 0:
		return strconv.Itoa(lp.VlanTagMin) + "-" + strconv.Itoa(lp.VlanTagMax)
	}
	return ""
}

func priorityOf(pt Port) string {
	switch {
	case pt.Redundancy != nil && pt.Redundancy.Priority != "":
		return pt.Redundancy.Priority
	case pt.Device != nil && pt.Device.Redundancy != nil:
		return pt.Device.Redundancy.Priority
	}
	return ""
}

func groupOf(pt Port) string {
	if pt.Device != nil && pt.Device.Redundancy != nil {
		return pt.Device.Redundancy.Group
	}
	return ""
}

// usedVLANs is every outer tag in use on each of our ports, from the
// connections of the last listing and the acceptances sent since.
// Called with p.mu held.
func (p *Provider) usedVLANs() map[string]map[int]bool {
	used := map[string]map[int]bool{}
	mark := func(port string, v int) {
		if v < 1 || v > 4094 {
			return
		}
		if used[port] == nil {
			used[port] = map[int]bool{}
		}
		used[port][v] = true
	}
	p.eachFacts(func(c connFacts) {
		if st := c.state; st == "DEPROVISIONED" || st == "CANCELLED" {
			return // their tags are free again
		}
		for _, s := range c.sides {
			if s.port == "" || s.lp == nil {
				continue
			}
			lp := s.lp
			mark(s.port, lp.VlanTag)
			mark(s.port, lp.VlanSTag)
			for v := lp.VlanTagMin; v > 0 && v <= lp.VlanTagMax && v <= 4094; v++ {
				mark(s.port, v)
			}
		}
	})
	for k := range p.claimed {
		if port, v, ok := strings.Cut(k, "/"); ok {
			n, _ := strconv.Atoi(v)
			mark(port, n)
		}
	}
	return used
}

// candidates are our ports a connection landing in metro can use, best
// first: active, DOT1Q or QINQ, most free bandwidth, then by name.
func candidates(ports []Port, metro string) []Port {
	var out []Port
	for _, pt := range ports {
		if pt.Location == nil || pt.Location.MetroCode != metro || (pt.State != "" && pt.State != "ACTIVE") {
			continue
		}
		if enc := encapsulation(pt); enc != "DOT1Q" && enc != "QINQ" {
			continue
		}
		out = append(out, pt)
	}
	slices.SortStableFunc(out, func(a, b Port) int {
		return cmp.Or(cmp.Compare(b.AvailableBandwidth, a.AvailableBandwidth), strings.Compare(a.Name, b.Name))
	})
	return out
}

// lowestFree is the lowest tag in 2..4092 not in used (0 when none).
func lowestFree(used map[int]bool) int {
	for v := 2; v <= 4092; v++ {
		if !used[v] {
			return v
		}
	}
	return 0
}

// landingMetro is where a connection lands on our side.
func landingMetro(c Connection) string {
	if ap := c.ZSide.AccessPoint; ap != nil && ap.Location != nil {
		return ap.Location.MetroCode
	}
	return ""
}

// LandingPorts lists the ports of ours a pending creation request could
// be accepted onto (the ports in the metro it lands in), best first, with
// the VLANs in use on each; the first is the one a plan without
// parameters takes. It reads our ports when the cached list is stale.
func (p *Provider) LandingPorts(ctx context.Context, target model.Ref) ([]model.LandingPort, error) {
	if p.portsStale() {
		p.refreshPorts(ctx)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.conn(target.ID)
	if !ok {
		return nil, errorf("connection %q is not loaded: refresh the list first", truncate(target.ID, 60))
	}
	if !needsZSide(c) {
		return nil, fmt.Errorf("%w: fabric: %s already names the port and VLAN on our side", model.ErrUnsupported, model.SafeText(firstNonEmpty(c.Name, c.UUID)))
	}
	metro := landingMetro(c)
	used := p.usedVLANs()
	var out []model.LandingPort
	for i, pt := range candidates(p.ports, metro) {
		tags := make([]int, 0, len(used[pt.UUID]))
		for v := range used[pt.UUID] {
			tags = append(tags, v)
		}
		slices.Sort(tags)
		lp := model.LandingPort{
			ID: pt.UUID, Name: model.SafeText(firstNonEmpty(pt.Name, pt.UUID)), Metro: model.SafeText(metro), State: model.SafeText(pt.State),
			SpeedMbps: pt.PhysicalPortsSpeed * int64(max(pt.PhysicalPortsCount, 1)), FreeMbps: pt.AvailableBandwidth,
			RedundancyGroup: model.SafeText(groupOf(pt)), Priority: model.SafeText(priorityOf(pt)),
			Encapsulation: encapsulation(pt), InnerTag: encapsulation(pt) == "QINQ", UsedVLANs: tags,
			SuggestedVLAN: lowestFree(used[pt.UUID]),
		}
		lp.Suggested = i == 0
		out = append(out, lp)
	}
	return out, nil
}
