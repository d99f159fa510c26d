package ixapi

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// Inventory returns the exchange as the account sees it:
//
//	metro area > facility > pop > device > port > connection > network service config
//
// plus a "Network services" group. Ports, connections, configs and
// services carry Refs (Type "port", "connection", "network-service-config",
// "network-service"; type-qualified ids) so the UI can graph them. A LAG's
// connection appears under each of its ports. Objects whose parent is not
// visible land in an "Unplaced" group rather than disappearing.
func (p *Provider) Inventory(ctx context.Context, prog *model.Progress) ([]model.Node, error) {
	ix, err := p.load(ctx, prog)
	if err != nil && !isIncomplete(err) {
		return nil, err
	}
	p.readLight(ctx, ix.ports)
	return buildInventory(p.name, ix, p.lightOf), err
}

// buildInventory builds the tree from the index, every string sanitised;
// light (may be nil) gives a port's light levels.
func buildInventory(provider string, ix *index, light func(portID string) *model.LightLevels) []model.Node {
	nscsOf := map[string][]NetworkServiceConfig{}
	for _, n := range ix.nscs {
		nscsOf[n.Connection] = append(nscsOf[n.Connection], n)
	}
	connNode := func(c Connection) model.Node {
		n := model.Node{
			Ref:   model.Ref{Provider: provider, Type: string(ObjConnection), ID: ModelID(ObjConnection, c.ID), Name: c.Name},
			Kind:  "connection",
			Label: fmt.Sprintf("%s · %s %s", firstNonEmpty(c.Name, c.ID), c.Mode, model.FormatMbps(ix.connSpeed(c))),
			State: NormalState(c.State), RawState: c.State,
			Fields: []model.Field{
				{Key: "id", Value: c.ID}, {Key: "mode", Value: c.Mode}, {Key: "speed", Value: model.FormatMbps(ix.connSpeed(c))},
				{Key: "state", Value: c.State}, {Key: "ports", Value: strconv.Itoa(len(c.Ports))},
				{Key: "consuming account", Value: ix.accountName(c.ConsumingAccount)},
			},
		}
		if s := StatusSummary(c.Status); s != "" {
			n.Fields = append(n.Fields, model.Field{Key: "status", Value: s})
		}
		for _, cfg := range nscsOf[c.ID] {
			m := nscToModel(provider, cfg, ix)
			child := model.Node{
				Ref:   model.Ref{Provider: provider, Type: string(ObjNetworkServiceConfig), ID: m.ID, Name: m.Name},
				Kind:  "network-service-config",
				Label: fmt.Sprintf("%s · %s → %s", m.Name, cfg.Type, m.Z.Name),
				State: m.State, RawState: cfg.State,
				Fields: []model.Field{
					{Key: "id", Value: cfg.ID}, {Key: "type", Value: cfg.Type}, {Key: "state", Value: cfg.State},
					{Key: "network service", Value: cfg.NetworkService}, {Key: "vlan", Value: m.VLANString()},
					{Key: "capacity", Value: model.FormatMbps(m.BandwidthMbps)},
				},
			}
			if m.A.Extra != "" {
				child.Fields = append(child.Fields, model.Field{Key: "details", Value: m.A.Extra})
			}
			if m.Pending != nil {
				child.Fields = append(child.Fields, model.Field{Key: "change", Value: m.Pending.Description})
			}
			n.Children = append(n.Children, child)
		}
		sortNodes(n.Children)
		return n
	}
	portNode := func(pt Port) model.Node {
		speed := ""
		if pt.Speed != nil {
			speed = model.FormatMbps(*pt.Speed)
		}
		n := model.Node{
			Ref:   model.Ref{Provider: provider, Type: string(ObjPort), ID: ModelID(ObjPort, pt.ID), Name: pt.Name},
			Kind:  "port",
			Label: strings.TrimSpace(firstNonEmpty(pt.Name, pt.ID) + " · " + speed + " " + pt.MediaType),
			State: NormalState(pt.State), RawState: pt.State,
			Fields: []model.Field{
				{Key: "id", Value: pt.ID}, {Key: "name", Value: pt.Name}, {Key: "speed", Value: speed},
				{Key: "media type", Value: pt.MediaType}, {Key: "state", Value: pt.State},
			},
		}
		if s := StatusSummary(pt.Status); s != "" {
			n.Fields = append(n.Fields, model.Field{Key: "status", Value: s})
		}
		if light != nil {
			if l := light(pt.ID); l != nil {
				n.Light = l
				n.Fields = append(n.Fields,
					model.Field{Key: "light tx", Value: model.FormatDBM(l.TX)},
					model.Field{Key: "light rx", Value: model.FormatDBM(l.RX)})
			}
		}
		if pt.Connection != nil {
			if c, ok := ix.conns[*pt.Connection]; ok {
				n.Children = []model.Node{connNode(c)}
			} else {
				n.Fields = append(n.Fields, model.Field{Key: "connection", Value: *pt.Connection})
			}
		}
		return n
	}

	// Ports by device, devices by pop, pops by facility, facilities by metro.
	placed := map[string]bool{} // port ids
	portsOf := map[string][]model.Node{}
	for _, pt := range ix.ports {
		if _, ok := ix.devices[pt.Device]; ok {
			portsOf[pt.Device] = append(portsOf[pt.Device], portNode(pt))
			placed[pt.ID] = true
		}
	}
	devicesOf := map[string][]model.Node{}
	for _, d := range ix.devices {
		n := model.Node{
			Kind: "device", Label: firstNonEmpty(d.Name, d.ID),
			Ref:    model.Ref{Provider: provider, Type: "device", ID: d.ID, Name: d.Name},
			Fields: []model.Field{{Key: "id", Value: d.ID}, {Key: "name", Value: d.Name}},
		}
		for _, c := range d.Capabilities {
			n.Fields = append(n.Fields, model.Field{Key: "capability", Value: fmt.Sprintf("%s %s, %d available", c.MediaType, model.FormatMbps(c.Speed), c.Availability)})
		}
		n.Children = portsOf[d.ID]
		sortNodes(n.Children)
		popID := d.Pop
		if _, ok := ix.pops[popID]; !ok {
			popID = ""
		}
		devicesOf[popID] = append(devicesOf[popID], n)
	}
	popsOf := map[string][]model.Node{}
	for _, pop := range ix.pops {
		n := model.Node{
			Kind: "pop", Label: firstNonEmpty(pop.Name, pop.ID),
			Ref:    model.Ref{Provider: provider, Type: "pop", ID: pop.ID, Name: pop.Name},
			Fields: []model.Field{{Key: "id", Value: pop.ID}, {Key: "metro area network", Value: pop.MetroAreaNetwork}},
		}
		if man, ok := ix.mans[pop.MetroAreaNetwork]; ok {
			n.Fields[1].Value = firstNonEmpty(man.Name, man.ID)
		}
		n.Children = devicesOf[pop.ID]
		sortNodes(n.Children)
		fac := pop.Facility
		if _, ok := ix.facilities[fac]; !ok {
			fac = ""
		}
		popsOf[fac] = append(popsOf[fac], n)
	}
	facsOf := map[string][]model.Node{}
	for _, f := range ix.facilities {
		n := model.Node{
			Kind: "facility", Label: fmt.Sprintf("%s (%s)", firstNonEmpty(f.Name, f.ID), f.AddressLocality),
			Ref: model.Ref{Provider: provider, Type: "facility", ID: f.ID, Name: f.Name},
			Fields: []model.Field{{Key: "id", Value: f.ID}, {Key: "operator", Value: f.OrganisationName},
				{Key: "address", Value: joinNonEmpty(", ", f.StreetAddress, f.PostalCode+" "+f.AddressLocality, f.AddressCountry)}},
		}
		n.Children = popsOf[f.ID]
		sortNodes(n.Children)
		m := f.MetroArea
		if _, ok := ix.metros[m]; !ok {
			m = ""
		}
		facsOf[m] = append(facsOf[m], n)
	}
	var roots []model.Node
	for _, m := range ix.metros {
		n := model.Node{
			Kind: "metro-area", Label: strings.TrimSpace(m.IATACode + " " + m.DisplayName),
			Ref:    model.Ref{Provider: provider, Type: "metro-area", ID: m.ID, Name: m.DisplayName},
			Fields: []model.Field{{Key: "id", Value: m.ID}, {Key: "UN/LOCODE", Value: m.UNLocode}, {Key: "IATA", Value: m.IATACode}},
		}
		n.Children = facsOf[m.ID]
		sortNodes(n.Children)
		roots = append(roots, n)
	}
	sortNodes(roots)

	// Whatever could not be placed under a metro area.
	var unplaced []model.Node
	unplaced = append(unplaced, facsOf[""]...)
	unplaced = append(unplaced, popsOf[""]...)
	unplaced = append(unplaced, devicesOf[""]...)
	for _, pt := range ix.ports {
		if !placed[pt.ID] {
			unplaced = append(unplaced, portNode(pt))
		}
	}
	onPort := map[string]bool{}
	for _, pt := range ix.ports {
		if pt.Connection != nil {
			onPort[*pt.Connection] = true
		}
	}
	for _, c := range ix.conns {
		if !onPort[c.ID] {
			unplaced = append(unplaced, connNode(c))
		}
	}
	if len(unplaced) > 0 {
		sortNodes(unplaced)
		roots = append(roots, model.Node{Kind: "group", Label: "Unplaced", Children: unplaced})
	}

	var services []model.Node
	for _, s := range ix.services {
		n := model.Node{
			Ref:   model.Ref{Provider: provider, Type: string(ObjNetworkService), ID: ModelID(ObjNetworkService, s.ID), Name: serviceLabel(s, ix)},
			Kind:  "network-service",
			Label: fmt.Sprintf("%s · %s", serviceLabel(s, ix), s.Type),
			State: NormalState(s.State), RawState: s.State,
			Fields: []model.Field{{Key: "id", Value: s.ID}, {Key: "type", Value: s.Type}, {Key: "state", Value: s.State}},
		}
		if s.Capacity != nil {
			n.Fields = append(n.Fields, model.Field{Key: "capacity", Value: model.FormatMbps(*s.Capacity)})
		}
		if s.SubnetV4 != "" || s.SubnetV6 != "" {
			n.Fields = append(n.Fields, model.Field{Key: "subnets", Value: joinNonEmpty(" ", s.SubnetV4, s.SubnetV6)})
		}
		if s.CloudKey != "" {
			n.Fields = append(n.Fields, model.Field{Key: "cloud key", Value: "[REDACTED]"})
		}
		if cr, ok := ix.changes[s.ID]; ok {
			n.Fields = append(n.Fields, model.Field{Key: "change request", Value: changeDescription(s, &cr, ix)})
		}
		services = append(services, n)
	}
	if len(services) > 0 {
		sortNodes(services)
		roots = append(roots, model.Node{Kind: "group", Label: "Network services", Children: services})
	}
	return model.SanitizeNodes(roots)
}
