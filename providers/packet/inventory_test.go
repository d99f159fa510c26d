package packet

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func TestInventoryTreeAndRollUp(t *testing.T) {
	ix := planIndex()
	ix.errs["ips/p1"] = errors.New("GET /projects/p1/ips: 403 forbidden")
	// A third server, failed, in another facility, with a BGP session down.
	ix.addDevices([]Device{{ID: "d-bad", Hostname: "bad-01", State: DeviceFailed, Facility: &Facility{ID: "fams", Code: "ams1"},
		Project: &Href{Href: "/projects/p1"}, Plan: &Plan{Slug: "c2.medium.x86"},
		NetworkPorts: []Port{{ID: "pb-bond0", Name: "bond0", Type: PortTypeBond, NetworkType: NetworkLayer3}, {ID: "pb-eth1", Name: "eth1", Type: PortTypePhysical, Bond: &BondRef{Name: "bond0"}}}}}, "")
	ix.sessions["p1"] = []BGPSession{{ID: "s1", Status: "down", Device: &Href{Href: "/devices/d-web"}}, {ID: "s2", Status: "up", Device: &Href{Href: "/devices/d-web"}}}
	ix.addNetworks()
	nodes := buildInventory("pk", ix)
	if len(nodes) != 2 || nodes[0].Ref.ID != "p1" {
		t.Fatalf("projects: %+v", nodes)
	}
	prod := nodes[0]
	if prod.State != model.StateFailed || prod.Label != "prod · 3 servers · 1 failed · 1 BGP session down" {
		t.Errorf("project roll-up: %s %q", prod.State, prod.Label)
	}
	var kinds []string
	for _, c := range prod.Children {
		kinds = append(kinds, c.Kind+":"+c.Label)
	}
	want := []string{"facility:ams1 · 1 failed", "facility:sjc1 · 1 BGP session down", "group:Virtual networks", "group:Hardware reservations", "group:IP reservations (unavailable)"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("children:\n%v\nwant\n%v", kinds, want)
	}
	if prod.Children[0].State != model.StateFailed || prod.Children[1].State != model.StateActive {
		t.Errorf("facility states %s %s", prod.Children[0].State, prod.Children[1].State)
	}
	if g := prod.Children[4]; g.State != model.StateUnknown || !strings.Contains(field(g, "error"), "403") {
		t.Errorf("an unreadable group must say why: %+v", g)
	}
	web := prod.Children[1].Children[1]
	if web.Kind != "server" || web.Ref != (model.Ref{Provider: "pk", Type: "device", ID: "d-web", Name: "web-01"}) || field(web, "bgp sessions") != "2 (1 down)" {
		t.Fatalf("server node %+v", web)
	}
	bond := web.Children[0]
	if bond.Label != "bond0 · hybrid · 20G" || len(bond.Children) != 2 {
		t.Errorf("bond %q with %d members", bond.Label, len(bond.Children))
	}
	eth1 := bond.Children[1]
	if eth1.Label != "eth1 · not bonded · 10G · VLAN 1001" || field(eth1, "bond") != "bond0" || eth1.State != model.StateActive {
		t.Errorf("eth1 %q %+v", eth1.Label, eth1.Fields)
	}
	// The actions each node offers now, as Plan would allow them.
	acts := func(n model.Node) string {
		var s []string
		for _, a := range n.Actions {
			s = append(s, string(a))
		}
		return strings.Join(s, ",")
	}
	if got, want := acts(web), "power-off,reboot"; got != want {
		t.Errorf("active server actions %q, want %q", got, want)
	}
	if got := acts(prod.Children[0].Children[0]); got != "" {
		t.Errorf("a failed server offers no power action, got %q", got)
	}
	if len(prod.Children[0].Children[0].Children) == 0 {
		t.Fatal("the failed server lost its ports")
	}
	for _, pt := range append(prod.Children[0].Children[0].Children, prod.Children[0].Children[0].Children[0].Children...) {
		if got := acts(pt); got != "" {
			t.Errorf("a failed server's port %s offers %q: Packet changes ports only while the server is active or off", pt.Label, got)
		}
	}
	// eth1 is out of the bond and carries VLAN 1001: no bonding until it
	// is removed (Packet answers 422).
	if got, want := acts(bond), "convert-layer2,convert-layer3,assign-vlan"; got != want {
		t.Errorf("hybrid bond with one member out: %q, want %q", got, want)
	}
	if got, want := acts(eth1), "assign-vlan,unassign-vlan"; got != want {
		t.Errorf("unbonded eth1 on VLAN 1001: %q, want %q", got, want)
	}
	// eth0 is the last bonded port of a hybrid bond: it stays (Packet
	// refuses to leave a layer-3 bond without one).
	if got, want := acts(bond.Children[0]), ""; got != want {
		t.Errorf("bonded eth0: %q, want %q", got, want)
	}
	vnets := prod.Children[2].Children
	if len(vnets) != 3 || vnets[0].Label != "VLAN 1001 · backend · sjc1 · 1 port" {
		t.Errorf("virtual networks %+v", vnets)
	}
	res := prod.Children[3].Children
	if len(res) != 2 || !strings.HasSuffix(res[0].Label, "spare") || !strings.HasSuffix(res[1].Label, "web-01") {
		t.Errorf("reservations %+v", res)
	}
}

func TestConnectionsFailOnAMissingProject(t *testing.T) {
	p := planProvider()
	p.ix.at = time.Now()
	p.client.cfg.Clock = time.Now
	p.ix.errs["sessions/p2"] = errors.New("boom")
	if _, err := p.Connections(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("a project whose sessions could not be read must fail the listing, got %v", err)
	}
	delete(p.ix.errs, "sessions/p2")
	cs, err := p.Connections(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var vlan1002 model.Connection
	for _, c := range cs {
		if c.ID == "vnet:vn1002" {
			vlan1002 = c
		}
	}
	if vlan1002.VLANString() != "1002" || vlan1002.A.Name != "prod" || vlan1002.A.Metro != "sjc1" || vlan1002.Status != "1 port assigned" {
		t.Errorf("virtual network row %+v", vlan1002)
	}
}

func TestSeriesTargets(t *testing.T) {
	p := planProvider()
	// web-01 gets a second bond: a bond's series then says it is the
	// whole server's traffic.
	n2 := Device{ID: "d-n2", Hostname: "n2-01", State: DeviceActive, Project: &Href{Href: "/projects/p1"},
		Plan: &Plan{Specs: json.RawMessage(`{"nics":[{"count":4,"type":"25Gbps"}]}`)},
		NetworkPorts: []Port{
			{ID: "n2-bond0", Name: "bond0", Type: PortTypeBond}, {ID: "n2-eth0", Name: "eth0", Bond: &BondRef{Name: "bond0"}, Type: PortTypePhysical},
			{ID: "n2-eth1", Name: "eth1", Bond: &BondRef{Name: "bond0"}, Type: PortTypePhysical},
			{ID: "n2-bond1", Name: "bond1", Type: PortTypeBond}, {ID: "n2-eth2", Name: "eth2", Bond: &BondRef{Name: "bond1"}, Type: PortTypePhysical},
			{ID: "n2-eth3", Name: "eth3", Bond: &BondRef{Name: "bond1"}, Type: PortTypePhysical},
		}}
	p.ix.addDevices([]Device{n2}, "")
	p.ix.sessions["p1"] = []BGPSession{{ID: "s1", Device: &Href{Href: "/devices/d-n2"}}}
	cases := []struct {
		ref      model.Ref
		capacity float64
		prefix   string
		err      string
	}{
		{model.Ref{Type: "device", ID: "d-web"}, 20e9, "", ""},
		{model.Ref{Type: "server", ID: "d-n2"}, 100e9, "", ""},
		{model.Ref{Type: "port", ID: "bond-web"}, 20e9, "", ""},
		{model.Ref{Type: "port", ID: "n2-bond1"}, 50e9, "server ", ""},
		{model.Ref{Type: "connection", ID: "bgp:s1"}, 100e9, "server ", ""},
		{model.Ref{Type: "port", ID: "eth0-web"}, 0, "", "graph the server or its bond"},
		{model.Ref{Type: "connection", ID: "vnet:vn1001"}, 0, "", "only servers, bond ports and BGP sessions"},
		{model.Ref{Type: "facility", ID: "fsjc"}, 0, "", "traffic of a facility"},
		{model.Ref{Type: "port", ID: "unknown"}, 0, "", "not loaded"},
	}
	for _, c := range cases {
		tt, err := p.resolveTarget(context.Background(), c.ref)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%+v: want %q, got %v", c.ref, c.err, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%+v: %v", c.ref, err)
			continue
		}
		if tt.capacity != c.capacity || tt.prefix != c.prefix || tt.ref.Provider != "pk" {
			t.Errorf("%+v: capacity %g prefix %q, want %g %q", c.ref, tt.capacity, tt.prefix, c.capacity, c.prefix)
		}
	}
	if _, err := p.Series(context.Background(), model.SeriesQuery{Target: model.Ref{Type: "device", ID: "d-web"}, Peers: []string{"x"}}); !errors.Is(err, model.ErrUnsupported) {
		t.Errorf("peers: %v", err)
	}
}

func TestNodeActionsFollowPortAndServerState(t *testing.T) {
	vn := []VirtualNetwork{{ID: "vn-1", VXLAN: 1001}}
	mem := func(bonded bool, vs []VirtualNetwork) *Port {
		return &Port{Type: PortTypePhysical, Data: PortData{Bonded: bonded}, VirtualNetworks: vs}
	}
	bond := func(nt string, vs []VirtualNetwork) *Port {
		return &Port{Type: PortTypeBond, NetworkType: nt, VirtualNetworks: vs}
	}
	server := func(nt string, eth0, eth1 bool) *Device {
		return &Device{State: DeviceActive, NetworkPorts: []Port{{Name: "bond0", Type: PortTypeBond, NetworkType: nt},
			{Name: "eth0", Type: PortTypePhysical, Bond: &BondRef{Name: "bond0"}, Data: PortData{Bonded: eth0}},
			{Name: "eth1", Type: PortTypePhysical, Bond: &BondRef{Name: "bond0"}, Data: PortData{Bonded: eth1}}}}
	}
	str := func(as []model.ActionKind) string {
		var s []string
		for _, a := range as {
			s = append(s, string(a))
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct {
		name string
		got  []model.ActionKind
		want string
	}{
		// A layer-3 (or hybrid) bond keeps a bonded port: no bulk disbond.
		{"layer3 bond, all bonded", bondActions(bond(NetworkLayer3, nil), []*Port{mem(true, nil), mem(true, nil)}), "convert-layer2,assign-vlan"},
		{"hybrid bond, a member out and free", bondActions(bond(NetworkHybrid, nil), []*Port{mem(true, nil), mem(false, nil)}), "bond-port,convert-layer2,convert-layer3,assign-vlan"},
		{"layer2 bond, all bonded", bondActions(bond(NetworkLayer2Bonded, nil), []*Port{mem(true, nil), mem(true, nil)}), "disbond-port,convert-layer3,assign-vlan"},
		{"layer2 bond on a VLAN", bondActions(bond(NetworkLayer2Bonded, vn), []*Port{mem(true, nil), mem(true, nil)}), "disbond-port,assign-vlan,unassign-vlan"},
		{"all members out", bondActions(bond(NetworkLayer3, nil), []*Port{mem(false, nil), mem(false, nil)}), "bond-port,convert-layer2,assign-vlan"},
		{"bonded member", memberActions(mem(true, nil)), "disbond-port"},
		{"one of two bonded on layer 3", portActions(server(NetworkLayer3, true, true), &server(NetworkLayer3, true, true).NetworkPorts[1]), "disbond-port"},
		{"the last bonded on layer 3", portActions(server(NetworkHybrid, true, false), &server(NetworkHybrid, true, false).NetworkPorts[1]), ""},
		{"the last bonded on layer 2", portActions(server(NetworkLayer2Bonded, true, false), &server(NetworkLayer2Bonded, true, false).NetworkPorts[1]), "disbond-port"},
		{"free member", memberActions(mem(false, nil)), "bond-port,assign-vlan"},
		{"member on a VLAN", memberActions(mem(false, vn)), "assign-vlan,unassign-vlan"},
		{"active server", serverActions(&Device{State: DeviceActive}), "power-off,reboot"},
		{"powered-off server", serverActions(&Device{State: DeviceInactive}), "power-on"},
		{"provisioning server", serverActions(&Device{State: "provisioning"}), ""},
	} {
		if got := str(tc.got); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
