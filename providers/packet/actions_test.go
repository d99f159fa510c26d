package packet

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/sim"
)

// planIndex is a hand-made load: project p1 with web-01 (layer 3, eth1
// out of the bond, VLAN 1001 on eth1) and db-01 (powered off, layer2
// bond with VLAN 1002), both in sjc1; VLAN 1003 in another facility; a
// spare reservation r1 and a used one r2; project p2.
func planIndex() *index {
	ix := newIndex()
	ix.projects = []Project{{ID: "p1", Name: "prod"}, {ID: "p2", Name: "lab"}}
	for i := range ix.projects {
		ix.projByID[ix.projects[i].ID] = &ix.projects[i]
	}
	plan := &Plan{Slug: "c2.medium.x86", Specs: json.RawMessage(`{"nics":[{"count":2,"type":"10Gbps"}]}`)}
	sjc := &Facility{ID: "fsjc", Code: "sjc1"}
	vn := func(id string) VirtualNetwork { return VirtualNetwork{Href: "/virtual-networks/" + id} }
	ix.addDevices([]Device{
		{ID: "d-web", Hostname: "web-01", State: DeviceActive, Facility: sjc, Plan: plan, Project: &Href{Href: "/projects/p1"},
			NetworkPorts: []Port{
				{ID: "bond-web", Name: "bond0", Type: PortTypeBond, NetworkType: NetworkHybrid},
				{ID: "eth0-web", Name: "eth0", Type: PortTypePhysical, Bond: &BondRef{Name: "bond0"}, Data: PortData{Bonded: true}},
				{ID: "eth1-web", Name: "eth1", Type: PortTypePhysical, Bond: &BondRef{Name: "bond0"}, VirtualNetworks: []VirtualNetwork{vn("vn1001")}},
			}},
		{ID: "d-db", Hostname: "db-01", State: DeviceInactive, Facility: sjc, Plan: plan, Project: &Href{Href: "/projects/p1"},
			NetworkPorts: []Port{
				{ID: "bond-db", Name: "bond0", Type: PortTypeBond, NetworkType: NetworkLayer2Bonded, VirtualNetworks: []VirtualNetwork{vn("vn1002")}},
				{ID: "eth0-db", Name: "eth0", Type: PortTypePhysical, Bond: &BondRef{Name: "bond0"}, Data: PortData{Bonded: true}},
			}},
	}, "")
	ix.vnets["p1"] = []VirtualNetwork{
		{ID: "vn1001", VXLAN: 1001, Description: "backend", Facility: &Href{Href: "/facilities/fsjc"}},
		{ID: "vn1002", VXLAN: 1002, Description: "storage", Facility: &Href{Href: "/facilities/fsjc"}},
		{ID: "vn1003", VXLAN: 1003, Description: "elsewhere", Facility: &Href{Href: "/facilities/fams"}},
	}
	ix.reserv["p1"] = []HardwareReservation{{ID: "r1", ShortID: "r1short"}, {ID: "r2", ShortID: "r2short", Device: &Device{ID: "d-web", Hostname: "web-01"}}}
	ix.addNetworks()
	return ix
}

func planProvider() *Provider {
	p := &Provider{name: "pk", client: &Client{cfg: defaultConfig()}}
	p.ix = planIndex()
	return p
}

func TestPlanBuildsExactRequests(t *testing.T) {
	port := func(id string) model.Ref { return model.Ref{Provider: "pk", Type: "port", ID: id} }
	dev := func(id string) model.Ref { return model.Ref{Provider: "pk", Type: "device", ID: id} }
	cases := []struct {
		name    string
		kind    model.ActionKind
		target  model.Ref
		params  map[string]string
		method  string
		path    string
		body    string // exact, "" for none
		confirm string
		risk    model.Risk
		title   string // a part of it
	}{
		{"bond one port", model.ActionBondPort, port("eth1-web"), nil, "POST", "/ports/eth1-web/bond", "", "", model.RiskMedium, "only this port; bulk_enable would bond every port of bond0"},
		{"bond with bulk", model.ActionBondPort, port("eth1-web"), map[string]string{model.ParamBulk: "true"}, "POST", "/ports/eth1-web/bond?bulk_enable=true", "", "", model.RiskMedium, "every other port of bond0"},
		{"bond a bond port is bulk", model.ActionBondPort, port("bond-web"), nil, "POST", "/ports/bond-web/bond?bulk_enable=true", "", "", model.RiskMedium, "bulk_enable"},
		{"disbond one port", model.ActionDisbondPort, port("eth0-web"), nil, "POST", "/ports/eth0-web/disbond", "", "", model.RiskHigh, "only this port; bulk_disable"},
		{"disbond with bulk", model.ActionDisbondPort, port("eth0-web"), map[string]string{model.ParamBulk: "true"}, "POST", "/ports/eth0-web/disbond?bulk_disable=true", "", "", model.RiskHigh, "bulk_disable"},
		{"convert to layer 2 on a VLAN", model.ActionConvertLayer2, port("bond-web"), map[string]string{model.ParamVirtualNetwork: "1002"}, "POST", "/ports/bond-web/convert/layer-2",
			"{\n  \"vnid\": \"1002\"\n}", "web-01", model.RiskHigh, "removes its IP addresses"},
		{"convert to layer 2 without a VLAN", model.ActionConvertLayer2, port("bond-web"), nil, "POST", "/ports/bond-web/convert/layer-2", "{}", "web-01", model.RiskHigh, "to layer 2:"},
		{"convert to layer 3", model.ActionConvertLayer3, port("bond-db"), nil, "", "", "", "", 0, "VLAN 1002: unassign"},
		{"assign a VLAN by id", model.ActionAssignVLAN, port("bond-web"), map[string]string{model.ParamVirtualNetwork: "vn1002"}, "POST", "/ports/bond-web/assign",
			"{\n  \"vnid\": \"vn1002\"\n}", "", model.RiskMedium, "Assign VLAN 1002 (storage) to bond0 of web-01"},
		{"unassign a VLAN by number", model.ActionUnassignVLAN, port("eth1-web"), map[string]string{model.ParamVirtualNetwork: "1001"}, "POST", "/ports/eth1-web/unassign",
			"{\n  \"vnid\": \"1001\"\n}", "", model.RiskMedium, "Remove VLAN 1001"},
		{"power off", model.ActionPowerOff, dev("d-web"), nil, "POST", "/devices/d-web/actions?type=power_off", "{\n  \"type\": \"power_off\"\n}", "web-01", model.RiskHigh, "Power off web-01"},
		{"reboot", model.ActionReboot, dev("d-web"), nil, "POST", "/devices/d-web/actions?type=reboot", "{\n  \"type\": \"reboot\"\n}", "web-01", model.RiskHigh, "Reboot web-01"},
		{"power on", model.ActionPowerOn, dev("d-db"), nil, "POST", "/devices/d-db/actions?type=power_on", "{\n  \"type\": \"power_on\"\n}", "", model.RiskMedium, "Power on db-01"},
		{"move a spare reservation", model.ActionMoveReservation, model.Ref{Type: "hardware-reservation", ID: "r1"}, map[string]string{model.ParamProject: "p2"}, "POST",
			"/hardware-reservations/r1/move", "{\n  \"project_id\": \"p2\"\n}", "", model.RiskMedium, "from prod to lab"},
	}
	p := planProvider()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := p.Plan(model.ActionRequest{Kind: c.kind, Target: c.target, Params: c.params})
			if c.method == "" {
				if err == nil || !strings.Contains(err.Error(), c.title) {
					t.Fatalf("want refusal containing %q, got %v (%+v)", c.title, err, a.HTTP)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.HTTP.Method != c.method || a.HTTP.Path != c.path || string(a.HTTP.Body) != c.body {
				t.Errorf("request %s %s %q, want %s %s %q", a.HTTP.Method, a.HTTP.Path, a.HTTP.Body, c.method, c.path, c.body)
			}
			if a.ConfirmText != c.confirm || a.Risk != c.risk || a.Idempotent {
				t.Errorf("confirm %q risk %v idempotent %v, want %q %v false", a.ConfirmText, a.Risk, a.Idempotent, c.confirm, c.risk)
			}
			if !strings.Contains(a.Title, c.title) {
				t.Errorf("title %q lacks %q", a.Title, c.title)
			}
			if !allowedMutation(a.HTTP) {
				t.Errorf("Do would refuse its own plan %s %s", a.HTTP.Method, a.HTTP.Path)
			}
		})
	}
}

func TestPlanRefusesWithReasons(t *testing.T) {
	port := func(id string) model.Ref { return model.Ref{Type: "port", ID: id} }
	cases := []struct {
		name   string
		req    model.ActionRequest
		reason string
	}{
		{"already bonded", model.ActionRequest{Kind: model.ActionBondPort, Target: port("eth0-web")}, "already bonded"},
		{"not bonded", model.ActionRequest{Kind: model.ActionDisbondPort, Target: port("eth1-web")}, "not bonded"},
		{"layer 2 on a member", model.ActionRequest{Kind: model.ActionConvertLayer2, Target: port("eth0-web")}, "only a bond port"},
		{"already layer 2", model.ActionRequest{Kind: model.ActionConvertLayer2, Target: port("bond-db")}, "already layer2-bonded"},
		{"VLAN in another facility", model.ActionRequest{Kind: model.ActionAssignVLAN, Target: port("bond-web"), Params: map[string]string{model.ParamVirtualNetwork: "1003"}}, "is in facility fams"},
		{"unknown VLAN", model.ActionRequest{Kind: model.ActionAssignVLAN, Target: port("bond-web"), Params: map[string]string{model.ParamVirtualNetwork: "1999"}}, "no virtual network 1999"},
		{"VLAN on a bonded member", model.ActionRequest{Kind: model.ActionAssignVLAN, Target: port("eth0-web"), Params: map[string]string{model.ParamVirtualNetwork: "1002"}}, "is bonded: assign the VLAN to bond0"},
		{"VLAN twice", model.ActionRequest{Kind: model.ActionAssignVLAN, Target: port("eth1-web"), Params: map[string]string{model.ParamVirtualNetwork: "1001"}}, "already carries VLAN 1001"},
		{"VLAN not there", model.ActionRequest{Kind: model.ActionUnassignVLAN, Target: port("bond-web"), Params: map[string]string{model.ParamVirtualNetwork: "1001"}}, "does not carry VLAN 1001"},
		{"no VLAN chosen", model.ActionRequest{Kind: model.ActionAssignVLAN, Target: port("bond-web")}, "choose the virtual network"},
		{"hostile VLAN", model.ActionRequest{Kind: model.ActionAssignVLAN, Target: port("bond-web"), Params: map[string]string{model.ParamVirtualNetwork: "../x"}}, "neither an id nor a VLAN number"},
		{"bad address kind", model.ActionRequest{Kind: model.ActionConvertLayer3, Target: port("bond-web"), Params: map[string]string{model.ParamRequestIPs: "public-ipv5"}}, "unknown address kind"},
		{"power on an active server", model.ActionRequest{Kind: model.ActionPowerOn, Target: model.Ref{Type: "device", ID: "d-web"}}, "only a powered-off"},
		{"reboot an off server", model.ActionRequest{Kind: model.ActionReboot, Target: model.Ref{Type: "device", ID: "d-db"}}, "only an active server reboots"},
		{"power action on a port", model.ActionRequest{Kind: model.ActionPowerOff, Target: port("eth0-web")}, "applies to a server"},
		{"port action on a server", model.ActionRequest{Kind: model.ActionBondPort, Target: model.Ref{Type: "device", ID: "d-web"}}, "applies to a port"},
		{"unknown port", model.ActionRequest{Kind: model.ActionBondPort, Target: port("nope")}, "not loaded"},
		{"used reservation", model.ActionRequest{Kind: model.ActionMoveReservation, Target: model.Ref{Type: "hardware-reservation", ID: "r2"}, Params: map[string]string{model.ParamProject: "p2"}}, "only a spare reservation moves"},
		{"same project", model.ActionRequest{Kind: model.ActionMoveReservation, Target: model.Ref{Type: "hardware-reservation", ID: "r1"}, Params: map[string]string{model.ParamProject: "p1"}}, "already in that project"},
		{"foreign project", model.ActionRequest{Kind: model.ActionMoveReservation, Target: model.Ref{Type: "hardware-reservation", ID: "r1"}, Params: map[string]string{model.ParamProject: "p9"}}, "not one this token sees"},
		{"unknown kind", model.ActionRequest{Kind: model.ActionApprove, Target: port("eth0-web")}, "not supported"},
	}
	p := planProvider()
	for _, c := range cases {
		if _, err := p.Plan(c.req); err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: want %q, got %v", c.name, c.reason, err)
		}
	}
	if _, err := (&Provider{name: "pk", client: &Client{cfg: defaultConfig()}}).Plan(model.ActionRequest{Kind: model.ActionReboot}); !errors.Is(err, errNotLoaded) {
		t.Errorf("before a load: %v", err)
	}
}

func TestLayer3RequestsTheChosenAddresses(t *testing.T) {
	p := planProvider()
	p.ix.ports["bond-db"].port.VirtualNetworks = nil
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionConvertLayer3, Target: model.Ref{Type: "port", ID: "bond-db"},
		Params: map[string]string{model.ParamRequestIPs: "public-ipv4, public-ipv6,public-ipv4"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"request_ips\": [\n    {\n      \"address_family\": 4,\n      \"public\": true\n    },\n    {\n      \"address_family\": 6,\n      \"public\": true\n    }\n  ]\n}"
	if a.HTTP.Path != "/ports/bond-db/convert/layer-3" || string(a.HTTP.Body) != want {
		t.Errorf("%s %s", a.HTTP.Path, a.HTTP.Body)
	}
	if !strings.Contains(a.Title, "public IPv4, public IPv6") {
		t.Errorf("title %q", a.Title)
	}
}

func TestDoRefusesForeignRequests(t *testing.T) {
	p := planProvider()
	for _, h := range []model.HTTPRequest{
		{Method: http.MethodDelete, Path: "/devices/d-web"},
		{Method: http.MethodPost, Path: "/projects/p1/devices"},
		{Method: http.MethodPost, Path: "/devices/d-web/actions?type=reinstall"},
		{Method: http.MethodPost, Path: "/ports/eth0/bond?bulk_enable=true&x=1"},
		{Method: http.MethodPost, Path: "/ports/../projects/bond"},
		{Method: http.MethodGet, Path: "/ports/eth0/bond"},
	} {
		if _, err := p.Do(context.Background(), model.Action{HTTP: h}); err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%s %s: %v", h.Method, h.Path, err)
		}
	}
}

// TestActionsChangeTheSimulatedWorld plans and runs each action against
// the simulator (validated against the spec) and re-reads the result.
func TestActionsChangeTheSimulatedWorld(t *testing.T) {
	e := newEnv(t, 120, sim.Timing{})
	p := e.provider(t, validateAll)
	ctx := context.Background()
	reload := func() []model.Node {
		t.Helper()
		p.forget()
		nodes, err := p.Inventory(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return nodes
	}
	do := func(kind model.ActionKind, ref model.Ref, params map[string]string) model.Result {
		t.Helper()
		a, err := p.Plan(model.ActionRequest{Kind: kind, Target: ref, Params: params})
		if err != nil {
			t.Fatalf("plan %s: %v", kind, err)
		}
		verified(t, p, a, false)
		res, err := p.Do(ctx, a)
		if err != nil {
			t.Fatalf("do %s %s: %v", kind, a.HTTP.Path, err)
		}
		verified(t, p, a, true)
		return res
	}
	nodes := reload()
	// A layer-3 server whose bond we take to layer 2 on a VLAN of its
	// facility, then back.
	var server, bond model.Node
	walk(nodes, func(n model.Node, _ int) {
		if server.Ref.ID == "" && n.Kind == "server" && n.RawState == DeviceActive && field(n, "network type") == NetworkLayer3 {
			server = n
			bond = n.Children[0]
		}
	})
	loc := p.last().ports[bond.Ref.ID]
	vlans := p.last().vnets[loc.device.ProjectID()]
	vlan := ""
	for _, v := range vlans {
		if v.Facility.ID() == facilityID(loc.device.Facility) {
			vlan = v.VirtualNetworkID()
		}
	}
	if vlan == "" {
		t.Fatal("no VLAN in the server's facility")
	}
	res := do(model.ActionConvertLayer2, bond.Ref, map[string]string{model.ParamVirtualNetwork: vlan})
	if res.Status != 200 || !strings.Contains(res.Message, "layer2-bonded") || len(res.Affected) != 1 {
		t.Errorf("layer 2 result %+v", res)
	}
	nodes = reload()
	n, _ := findNode(nodes, func(n model.Node) bool { return n.Ref.ID == bond.Ref.ID })
	if field(n, "network type") != NetworkLayer2Bonded || field(n, "vlan") == "" {
		t.Fatalf("after layer 2: %+v", n.Fields)
	}
	srv, _ := findNode(nodes, func(n model.Node) bool { return n.Ref.ID == server.Ref.ID })
	if field(srv, "public ipv4") != "" {
		t.Error("a layer-2 server kept its addresses")
	}
	do(model.ActionUnassignVLAN, bond.Ref, map[string]string{model.ParamVirtualNetwork: vlan})
	reload() // plans work from the last read, as after every action
	do(model.ActionConvertLayer3, bond.Ref, nil)
	nodes = reload()
	n, _ = findNode(nodes, func(n model.Node) bool { return n.Ref.ID == bond.Ref.ID })
	srv, _ = findNode(nodes, func(n model.Node) bool { return n.Ref.ID == server.Ref.ID })
	if field(n, "network type") != NetworkLayer3 || field(srv, "public ipv4") == "" {
		t.Fatalf("after layer 3: %+v / %+v", n.Fields, srv.Fields)
	}
	// Disbond one member (hybrid), assign it a VLAN, take it back.
	eth := n.Children[1]
	do(model.ActionDisbondPort, eth.Ref, nil)
	reload()
	do(model.ActionAssignVLAN, eth.Ref, map[string]string{model.ParamVirtualNetwork: vlan})
	nodes = reload()
	n, _ = findNode(nodes, func(n model.Node) bool { return n.Ref.ID == bond.Ref.ID })
	if field(n, "network type") != NetworkHybrid {
		t.Errorf("after disbonding %s: %s", eth.Label, field(n, "network type"))
	}
	do(model.ActionUnassignVLAN, eth.Ref, map[string]string{model.ParamVirtualNetwork: vlan})
	reload()
	do(model.ActionBondPort, eth.Ref, nil)
	nodes = reload()
	n, _ = findNode(nodes, func(n model.Node) bool { return n.Ref.ID == bond.Ref.ID })
	if field(n, "network type") != NetworkLayer3 {
		t.Errorf("after bonding again: %s", field(n, "network type"))
	}
	// Power: off (typed hostname), through powering_off to inactive, on again.
	a, _ := p.Plan(model.ActionRequest{Kind: model.ActionPowerOff, Target: server.Ref})
	if a.ConfirmText != server.Ref.Name {
		t.Errorf("power off must be confirmed by typing %q, not %q", server.Ref.Name, a.ConfirmText)
	}
	if res := do(model.ActionPowerOff, server.Ref, nil); res.Status != http.StatusAccepted {
		t.Errorf("power off: %+v", res)
	}
	if st, _ := e.sim.DeviceState(server.Ref.ID); st != DevicePoweringOff {
		t.Fatalf("state after power off: %s", st)
	}
	e.clock.Advance(time.Minute)
	if st, _ := e.sim.DeviceState(server.Ref.ID); st != DeviceInactive {
		t.Fatalf("state a minute after power off: %s", st)
	}
	reload()
	do(model.ActionPowerOn, server.Ref, nil)
	e.clock.Advance(time.Minute)
	if st, _ := e.sim.DeviceState(server.Ref.ID); st != DeviceActive {
		t.Fatalf("state after power on: %s", st)
	}
	reload()
	do(model.ActionReboot, server.Ref, nil)
	if st, _ := e.sim.DeviceState(server.Ref.ID); st != DeviceRebooting {
		t.Fatalf("state after reboot: %s", st)
	}
	evs, err := p.Events(ctx, server.Ref)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range evs {
		kinds = append(kinds, ev.Type)
	}
	for _, want := range []string{"instance.reboot", "instance.power_on", "instance.powered_off", "instance.power_off", "port.bonded", "port.disbonded", "port.layer3", "port.layer2"} {
		if !strings.Contains(strings.Join(kinds, " "), want) {
			t.Errorf("no %s event among %v", want, kinds)
		}
	}
	// A mutation the world refuses comes back as a typed 422, not retried.
	before := e.sim.Requests()
	_, err = p.client.BondPort(ctx, bond.Ref.ID, false)
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != 422 || e.sim.Requests()-before != 1 {
		t.Errorf("bonding a bond port without bulk: %v (%d requests)", err, e.sim.Requests()-before)
	}
}

func TestMoveReservationInTheSimulator(t *testing.T) {
	e := newEnv(t, 60, sim.Timing{})
	p := e.provider(t, validateAll)
	ctx := context.Background()
	if _, err := p.Inventory(ctx, nil); err != nil {
		t.Fatal(err)
	}
	ix := p.last()
	var spare HardwareReservation
	from := ""
	for pid, hs := range ix.reserv {
		for _, h := range hs {
			if h.Device == nil && spare.ID == "" {
				spare, from = h, pid
			}
		}
	}
	to := ""
	for _, pr := range ix.projects {
		if pr.ID != from {
			to = pr.ID
		}
	}
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionMoveReservation, Target: model.Ref{Type: "hardware-reservation", ID: spare.ID}, Params: map[string]string{model.ParamProject: to}})
	if err != nil {
		t.Fatal(err)
	}
	verified(t, p, a, false)
	res, err := p.Do(ctx, a)
	if err != nil || res.Status != 200 {
		t.Fatalf("%+v %v", res, err)
	}
	verified(t, p, a, true)
	hs, err := p.client.ListHardwareReservations(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hs {
		found = found || h.ID == spare.ID
	}
	if !found {
		t.Error("the reservation is not in the target project after the move")
	}
}

// defaultConfig is the client config with every default.
func defaultConfig() config {
	c, err := newConfig(nil)
	if err != nil {
		panic(err)
	}
	return c
}

// verified checks what Verify (the reconciliation of a lost answer) says
// about a: applied after it was sent; before, not applied (or, for a
// reboot of a running server, that it cannot tell).
func verified(t *testing.T, p *Provider, a model.Action, sent bool) {
	t.Helper()
	applied, detail, err := p.Verify(context.Background(), a)
	switch {
	case sent && (err != nil || !applied):
		t.Fatalf("Verify after %s %s: %v %q %v", a.HTTP.Method, a.HTTP.Path, applied, detail, err)
	case !sent && applied:
		t.Fatalf("Verify before %s %s says applied: %q", a.HTTP.Method, a.HTTP.Path, detail)
	case !sent && err != nil && !(a.Request.Kind == model.ActionReboot && strings.Contains(err.Error(), "cannot tell")):
		t.Fatalf("Verify before %s %s: %v", a.HTTP.Method, a.HTTP.Path, err)
	}
}
