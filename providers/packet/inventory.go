package packet

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// Inventory returns, per project in scope:
//
//	project > facility > server > bond port > physical port
//
// plus groups for the project's virtual networks, hardware reservations
// and IP reservations. Servers are nodes of Kind "server" (a Packet
// "device" is a bare-metal server, and unlike a switch it has traffic to
// graph). Projects and facilities roll up their servers: one failed
// server (or port) makes the facility and project failed, so the problem
// shows while they are collapsed, and their labels count failed servers
// and BGP sessions down.
//
// Packet reports no link state for ports: a port's state is its server's.
func (p *Provider) Inventory(ctx context.Context, prog *model.Progress) ([]model.Node, error) {
	ix, err := p.load(ctx, prog)
	if ix == nil {
		return nil, err
	}
	return buildInventory(p.name, ix), err // nil, or the *model.Incomplete of what is missing
}

// rollup counts what a collapsed project or facility must show.
type rollup struct {
	servers, failed, bgpDown int
}

func (r *rollup) add(o rollup) {
	r.servers += o.servers
	r.failed += o.failed
	r.bgpDown += o.bgpDown
}

func (r rollup) state() model.State {
	if r.failed > 0 {
		return model.StateFailed
	}
	return model.StateActive
}

// label is name with the counts a collapsed row must show (the server
// count only where the servers are not the direct children: the tree
// counts those itself).
func (r rollup) label(name string, withServers bool) string {
	parts := []string{name}
	if withServers {
		parts = append(parts, plural(r.servers, "server", "servers"))
	}
	if r.failed > 0 {
		parts = append(parts, strconv.Itoa(r.failed)+" failed")
	}
	if r.bgpDown > 0 {
		parts = append(parts, plural(r.bgpDown, "BGP session down", "BGP sessions down"))
	}
	return strings.Join(parts, " · ")
}

func buildInventory(provider string, ix *index) []model.Node {
	var roots []model.Node
	for _, pr := range ix.projects {
		var total rollup
		byFac := map[string][]*Device{}
		var facIDs []string
		for _, d := range ix.devicesOf[pr.ID] {
			fid := facilityID(d.Facility)
			if _, ok := byFac[fid]; !ok {
				facIDs = append(facIDs, fid)
			}
			byFac[fid] = append(byFac[fid], d)
		}
		slices.SortFunc(facIDs, func(a, b string) int {
			return cmp.Or(strings.Compare(ix.facilityCodeByID(a), ix.facilityCodeByID(b)), strings.Compare(a, b))
		})
		var children []model.Node
		for _, fid := range facIDs {
			var r rollup
			var servers []model.Node
			for _, d := range byFac[fid] {
				n, dr := serverNode(provider, d, ix)
				servers = append(servers, n)
				r.add(dr)
			}
			total.add(r)
			f := ix.facilities[fid]
			code := firstNonEmpty(f.Code, ix.facilityCodeByID(fid), "(no facility)")
			name := code
			if f.Address != nil && f.Address.City != "" {
				name += " · " + f.Address.City
			} else if f.Name != "" {
				name += " · " + f.Name
			}
			fields := []model.Field{{Key: "id", Value: safe(fid)}, {Key: "code", Value: safe(code)}, {Key: "name", Value: safe(f.Name)}}
			if f.Address != nil {
				fields = append(fields, model.Field{Key: "address", Value: safe(joinNonEmpty(", ", f.Address.Address, f.Address.City, f.Address.Country))})
			}
			fields = append(fields, model.Field{Key: "servers", Value: strconv.Itoa(r.servers)}, model.Field{Key: "failed", Value: strconv.Itoa(r.failed)})
			children = append(children, model.Node{
				Ref:  model.Ref{Provider: provider, Type: "facility", ID: safe(fid), Name: safe(code)},
				Kind: "facility", Label: safe(r.label(name, false)), State: r.state(),
				Fields: fields, Children: servers,
			})
		}
		children = append(children, vnetGroup(provider, pr.ID, ix), reservationGroup(provider, pr.ID, ix), ipGroup(provider, pr.ID, ix))
		fields := []model.Field{{Key: "id", Value: safe(pr.ID)}, {Key: "name", Value: safe(pr.Name)},
			{Key: "servers", Value: strconv.Itoa(total.servers)}, {Key: "failed", Value: strconv.Itoa(total.failed)}}
		if cfg, ok := ix.bgp[pr.ID]; ok {
			fields = append(fields, model.Field{Key: "bgp", Value: safe(strings.TrimSpace(bgpConfigSummary(cfg) + " " + cfg.Status))})
		} else if err := ix.errs["bgp/"+pr.ID]; err != nil {
			fields = append(fields, model.Field{Key: "bgp", Value: "unavailable: " + safe(model.ErrorSummary(err))})
		}
		if total.bgpDown > 0 {
			fields = append(fields, model.Field{Key: "bgp sessions down", Value: strconv.Itoa(total.bgpDown)})
		}
		roots = append(roots, model.Node{
			Ref:  model.Ref{Provider: provider, Type: "project", ID: safe(pr.ID), Name: safe(pr.Name)},
			Kind: "project", Label: safe(total.label(firstNonEmpty(pr.Name, pr.ID), true)), State: total.state(),
			Fields: fields, Children: children,
		})
	}
	return roots
}

func facilityID(f *Facility) string {
	if f == nil {
		return ""
	}
	if f.ID != "" {
		return f.ID
	}
	h := Href{Href: f.Href}
	return h.ID()
}

// serverNode is one device with its ports, and what it adds to the roll-up.
func serverNode(provider string, d *Device, ix *index) (model.Node, rollup) {
	st := DeviceState(d.State)
	r := rollup{servers: 1}
	plan := ""
	if d.Plan != nil {
		plan = firstNonEmpty(d.Plan.Slug, d.Plan.Name)
	}
	label := joinNonEmpty(" · ", firstNonEmpty(d.Hostname, d.ShortID, d.ID), plan, primaryIPv4(d))
	fields := []model.Field{
		{Key: "id", Value: safe(d.ID)}, {Key: "short id", Value: safe(d.ShortID)}, {Key: "hostname", Value: safe(d.Hostname)},
		{Key: "state", Value: safe(d.State)}, {Key: "plan", Value: safe(plan)},
		{Key: "facility", Value: safe(facilityCode(d.Facility, ix))},
		{Key: "network type", Value: safe(deviceNetworkType(d))},
	}
	if d.ProvisioningPercentage != nil && st == model.StateProvisioning {
		fields = append(fields, model.Field{Key: "provisioned", Value: strconv.FormatFloat(*d.ProvisioningPercentage, 'f', 0, 64) + "%"})
	}
	for _, ip := range d.IPAddresses {
		fields = append(fields, model.Field{Key: ipKey(ip), Value: safe(ip.Address + "/" + strconv.Itoa(ip.CIDR))})
	}
	if os := d.OperatingSystem; os != nil {
		fields = append(fields, model.Field{Key: "os", Value: safe(firstNonEmpty(os.Name, os.Slug))})
	}
	if len(d.Tags) > 0 {
		fields = append(fields, model.Field{Key: "tags", Value: safe(strings.Join(d.Tags, ", "))})
	}
	if d.Locked {
		fields = append(fields, model.Field{Key: "locked", Value: "yes"})
	}
	if d.HardwareReservation != nil {
		fields = append(fields, model.Field{Key: "hardware reservation", Value: safe(d.HardwareReservation.ID())})
	}
	if ss := ix.sessionsOf[d.ID]; len(ss) > 0 {
		down := 0
		for _, s := range ss {
			if SessionState(s.Status) == model.StateFailed {
				down++
			}
		}
		r.bgpDown = down
		fields = append(fields, model.Field{Key: "bgp sessions", Value: fmt.Sprintf("%d (%d down)", len(ss), down)})
	}
	if err := d.DecodeError(); err != nil {
		// Whatever did decode still counts: a broken server that says
		// "failed" stays failed.
		label = firstNonEmpty(d.Hostname, d.ID, "server") + " (undecodable)"
		fields = append(fields, model.Field{Key: "error", Value: safe(model.ErrorSummary(err))})
	}
	ports := portNodes(provider, d, st, ix)
	if st == model.StateFailed {
		r.failed = 1
	}
	return model.Node{
		Ref:  model.Ref{Provider: provider, Type: "device", ID: safe(d.ID), Name: safe(d.Hostname)},
		Kind: "server", Label: safe(label), State: st, RawState: safe(d.State),
		Fields: fields, Children: ports, Actions: serverActions(d),
	}, r
}

func ipKey(ip IPAssignment) string {
	k := "private"
	if ip.Public {
		k = "public"
	}
	return k + " ipv" + strconv.Itoa(ip.AddressFamily)
}

// primaryIPv4 is the management public IPv4 address ("" when none).
func primaryIPv4(d *Device) string {
	for _, ip := range d.IPAddresses {
		if ip.Public && ip.AddressFamily == 4 && ip.Management {
			return ip.Address
		}
	}
	return ""
}

// deviceNetworkType is the network type of the device's first bond.
func deviceNetworkType(d *Device) string {
	for _, pt := range d.NetworkPorts {
		if pt.IsBond() && pt.NetworkType != "" {
			return pt.NetworkType
		}
	}
	return ""
}

// portNodes are the device's bond ports, each with its member ports, then
// any port outside a bond. Ports take the server's state.
func portNodes(provider string, d *Device, st model.State, ix *index) []model.Node {
	speed := int64(0)
	if d.Plan != nil {
		speed = d.Plan.PortSpeedMbps()
	}
	members := map[string][]*Port{}
	var bonds, loose []*Port
	for i := range d.NetworkPorts {
		pt := &d.NetworkPorts[i]
		switch {
		case pt.IsBond():
			bonds = append(bonds, pt)
		case pt.Bond != nil && pt.Bond.Name != "":
			members[pt.Bond.Name] = append(members[pt.Bond.Name], pt)
		default:
			loose = append(loose, pt)
		}
	}
	var out []model.Node
	placed := map[string]bool{}
	for _, b := range bonds {
		n := portNode(provider, d, b, st, ix, speed*int64(len(members[b.Name])))
		n.Actions = bondActions(b, members[b.Name])
		if !networkChangeable(d) {
			n.Actions = nil
		}
		for _, m := range members[b.Name] {
			n.Children = append(n.Children, portNode(provider, d, m, st, ix, speed))
		}
		placed[b.Name] = true
		out = append(out, n)
	}
	for name, ms := range members {
		if !placed[name] { // a bond we were not shown: its members stand alone
			loose = append(loose, ms...)
		}
	}
	slices.SortFunc(loose, func(a, b *Port) int { return strings.Compare(a.Name, b.Name) })
	for _, pt := range loose {
		out = append(out, portNode(provider, d, pt, st, ix, speed))
	}
	return out
}

func portNode(provider string, d *Device, pt *Port, st model.State, ix *index, speedMbps int64) model.Node {
	vlans := portVLANs(pt, ix)
	var desc []string
	switch {
	case pt.IsBond():
		desc = append(desc, pt.NetworkType)
	case pt.Data.Bonded:
		desc = append(desc, "bonded")
	default:
		desc = append(desc, "not bonded")
	}
	if speedMbps > 0 {
		desc = append(desc, model.FormatMbps(speedMbps))
	}
	if len(vlans) > 0 {
		desc = append(desc, "VLAN "+joinInts(vlans))
	}
	fields := []model.Field{
		{Key: "id", Value: safe(pt.ID)}, {Key: "name", Value: safe(pt.Name)}, {Key: "type", Value: safe(pt.Type)},
		{Key: "server", Value: safe(firstNonEmpty(d.Hostname, d.ID))},
	}
	if pt.NetworkType != "" {
		fields = append(fields, model.Field{Key: "network type", Value: safe(pt.NetworkType)})
	}
	if !pt.IsBond() {
		fields = append(fields, model.Field{Key: "bonded", Value: strconv.FormatBool(pt.Data.Bonded)})
		if pt.Bond != nil {
			fields = append(fields, model.Field{Key: "bond", Value: safe(pt.Bond.Name)})
		}
	}
	if pt.Data.MAC != "" {
		fields = append(fields, model.Field{Key: "mac", Value: safe(pt.Data.MAC)})
	}
	if speedMbps > 0 {
		fields = append(fields, model.Field{Key: "speed", Value: model.FormatMbps(speedMbps)})
	}
	if len(vlans) > 0 {
		fields = append(fields, model.Field{Key: "vlan", Value: joinInts(vlans)})
	}
	if nv := pt.NativeVirtualNetwork; nv != nil {
		if v := ix.vlanOf(*nv); v > 0 {
			fields = append(fields, model.Field{Key: "native vlan", Value: strconv.Itoa(v)})
		}
	}
	fields = append(fields, model.Field{Key: "link", Value: "not reported by the API"})
	return model.Node{
		Ref:  model.Ref{Provider: provider, Type: "port", ID: safe(pt.ID), Name: safe(pt.Name)},
		Kind: "port", Label: safe(joinNonEmpty(" · ", pt.Name, strings.Join(desc, " · "))),
		State: st, RawState: safe(d.State), Fields: fields, Actions: portActions(d, pt),
	}
}

// networkChangeable: Packet changes a server's ports only while it is
// active or powered off (422 otherwise).
func networkChangeable(d *Device) bool {
	return d.State == DeviceActive || d.State == DeviceInactive
}

func portActions(d *Device, pt *Port) []model.ActionKind {
	if !networkChangeable(d) || pt.IsBond() {
		return nil
	}
	out := memberActions(pt)
	if pt.Data.Bonded && pt.Bond != nil && lastBondedOfL3(d, pt) {
		out = slices.DeleteFunc(out, func(a model.ActionKind) bool { return a == model.ActionDisbondPort })
	}
	return out
}

// carriesIPs reports whether a bond port is in a layer-3 mode (layer3,
// hybrid): it holds the server's addresses.
func carriesIPs(b *Port) bool {
	return b.NetworkType != "" && !strings.HasPrefix(b.NetworkType, "layer2")
}

// lastBondedOfL3 reports whether pt is the only bonded member of a bond
// that carries the server's addresses.
func lastBondedOfL3(d *Device, pt *Port) bool {
	l3, others := false, 0
	for i := range d.NetworkPorts {
		x := &d.NetworkPorts[i]
		switch {
		case x.IsBond() && x.Name == pt.Bond.Name:
			l3 = carriesIPs(x)
		case (x.ID != pt.ID || x.Name != pt.Name) && !x.IsBond() && x.Bond != nil && x.Bond.Name == pt.Bond.Name && x.Data.Bonded:
			others++
		}
	}
	return l3 && others == 0
}

// serverActions are the power actions the server's state allows (Plan
// refuses the others with the same rule).
func serverActions(d *Device) []model.ActionKind {
	switch d.State {
	case DeviceActive:
		return []model.ActionKind{model.ActionPowerOff, model.ActionReboot}
	case DeviceInactive:
		return []model.ActionKind{model.ActionPowerOn}
	}
	return nil
}

// bondActions are what a bond port offers: bond or disbond its members
// (bulk), a conversion to the other layer, and its virtual networks.
func bondActions(b *Port, members []*Port) []model.ActionKind {
	var out []model.ActionKind
	// A port carrying VLANs cannot join a bond (Packet answers 422):
	// bonding is offered when every port out of the bond is free of them.
	bonded, unbonded, blocked := false, false, false
	for _, m := range members {
		if m.Data.Bonded {
			bonded = true
		} else {
			unbonded = true
			blocked = blocked || len(m.VirtualNetworks) > 0
		}
	}
	if (unbonded || len(members) == 0) && !blocked {
		out = append(out, model.ActionBondPort)
	}
	// A bond that carries the server's addresses (layer 3, hybrid) keeps
	// at least one bonded port: Packet refuses to disbond all of them.
	if (bonded || len(members) == 0) && !carriesIPs(b) {
		out = append(out, model.ActionDisbondPort)
	}
	vlans := len(b.VirtualNetworks) > 0
	if !strings.HasPrefix(b.NetworkType, "layer2") {
		out = append(out, model.ActionConvertLayer2)
	}
	if b.NetworkType != NetworkLayer3 && !vlans {
		out = append(out, model.ActionConvertLayer3)
	}
	out = append(out, model.ActionAssignVLAN)
	if vlans {
		out = append(out, model.ActionUnassignVLAN)
	}
	return out
}

// memberActions are what a physical port offers (a bond port's list
// replaces this one): bond or disbond it, and VLANs once out of its bond.
func memberActions(pt *Port) []model.ActionKind {
	if pt.IsBond() {
		return nil
	}
	var out []model.ActionKind
	switch {
	case pt.Data.Bonded:
		out = append(out, model.ActionDisbondPort)
	case len(pt.VirtualNetworks) > 0: // bonding waits until its VLANs are removed
		out = append(out, model.ActionAssignVLAN)
	default:
		out = append(out, model.ActionBondPort, model.ActionAssignVLAN)
	}
	if len(pt.VirtualNetworks) > 0 {
		out = append(out, model.ActionUnassignVLAN)
	}
	return out
}

// portVLANs are the VLAN numbers of the networks on a port, sorted.
func portVLANs(pt *Port, ix *index) []int {
	var out []int
	for _, v := range pt.VirtualNetworks {
		if n := ix.vlanOf(v); n > 0 && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// groupNode is a project's group of one kind of object, or the error that
// kept it from being read.
func groupNode(label string, children []model.Node, err error) model.Node {
	n := model.Node{Kind: "group", Label: label, Children: children}
	if err != nil {
		n.Label = label + " (unavailable)"
		n.State = model.StateUnknown
		n.Fields = []model.Field{{Key: "error", Value: safe(model.ErrorSummary(err))}}
	}
	return n
}

func vnetGroup(provider, projectID string, ix *index) model.Node {
	vs := slices.Clone(ix.vnets[projectID])
	slices.SortFunc(vs, func(a, b VirtualNetwork) int {
		return cmp.Or(cmp.Compare(a.VXLAN, b.VXLAN), strings.Compare(a.ID, b.ID))
	})
	var nodes []model.Node
	for _, v := range vs {
		id := v.VirtualNetworkID()
		fac := ix.facilityCodeByID(v.Facility.ID())
		ports := ix.portsOnVLAN[id]
		nodes = append(nodes, model.Node{
			Ref:  model.Ref{Provider: provider, Type: "virtual-network", ID: safe(id), Name: safe(v.Description)},
			Kind: "virtual-network", State: model.StateActive,
			Label: safe(joinNonEmpty(" · ", "VLAN "+strconv.Itoa(v.VXLAN), v.Description, fac, plural(ports, "port", "ports"))),
			Fields: []model.Field{{Key: "id", Value: safe(id)}, {Key: "vlan", Value: strconv.Itoa(v.VXLAN)},
				{Key: "description", Value: safe(v.Description)}, {Key: "facility", Value: safe(fac)}, {Key: "ports", Value: strconv.Itoa(ports)}},
		})
	}
	return groupNode("Virtual networks", nodes, ix.errs["vnets/"+projectID])
}

func reservationGroup(provider, projectID string, ix *index) model.Node {
	hs := slices.Clone(ix.reserv[projectID])
	slices.SortFunc(hs, func(a, b HardwareReservation) int {
		return cmp.Or(strings.Compare(a.ShortID, b.ShortID), strings.Compare(a.ID, b.ID))
	})
	var nodes []model.Node
	for _, h := range hs {
		plan, fac, use := "", facilityCode(h.Facility, ix), "spare"
		if h.Plan != nil {
			plan = firstNonEmpty(h.Plan.Slug, h.Plan.Name)
		}
		if h.Device != nil && h.Device.ID != "" {
			use = firstNonEmpty(h.Device.Hostname, h.Device.ID)
		}
		nodes = append(nodes, model.Node{
			Ref:  model.Ref{Provider: provider, Type: "hardware-reservation", ID: safe(h.ID), Name: safe(h.ShortID)},
			Kind: "hardware-reservation", State: model.StateActive,
			Label: safe(joinNonEmpty(" · ", firstNonEmpty(h.ShortID, h.ID), plan, fac, use)),
			Fields: []model.Field{{Key: "id", Value: safe(h.ID)}, {Key: "short id", Value: safe(h.ShortID)},
				{Key: "plan", Value: safe(plan)}, {Key: "facility", Value: safe(fac)}, {Key: "server", Value: safe(use)}},
		})
	}
	return groupNode("Hardware reservations", nodes, ix.errs["reservations/"+projectID])
}

func ipGroup(provider, projectID string, ix *index) model.Node {
	rs := slices.Clone(ix.ips[projectID])
	slices.SortFunc(rs, func(a, b IPReservation) int {
		return cmp.Or(cmp.Compare(a.AddressFamily, b.AddressFamily), strings.Compare(a.Network, b.Network), cmp.Compare(a.CIDR, b.CIDR))
	})
	var nodes []model.Node
	for _, r := range rs {
		scope := "private"
		if r.Public {
			scope = "public"
		}
		prefix := r.Network + "/" + strconv.Itoa(r.CIDR)
		fac := facilityCode(r.Facility, ix)
		nodes = append(nodes, model.Node{
			Ref:  model.Ref{Provider: provider, Type: "ip-reservation", ID: safe(r.ID), Name: safe(prefix)},
			Kind: "ip-reservation", State: model.StateActive,
			Label: safe(joinNonEmpty(" · ", prefix, scope+" ipv"+strconv.Itoa(r.AddressFamily), fac)),
			Fields: []model.Field{{Key: "id", Value: safe(r.ID)}, {Key: "prefix", Value: safe(prefix)},
				{Key: "scope", Value: scope}, {Key: "management", Value: strconv.FormatBool(r.Management)},
				{Key: "facility", Value: safe(fac)}, {Key: "state", Value: safe(r.State)}},
		})
	}
	return groupNode("IP reservations", nodes, ix.errs["ips/"+projectID])
}
