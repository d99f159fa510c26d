package ixapi

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func TestNormalState(t *testing.T) {
	cases := map[string]model.State{
		"requested":                 model.StatePending,
		"allocated":                 model.StateProvisioning,
		"testing":                   model.StateProvisioning,
		"production":                model.StateActive,
		"production_change_pending": model.StateChanging,
		"decommission_requested":    model.StateDeprovisioning,
		"decommissioned":            model.StateDeprovisioned,
		"archived":                  model.StateDeprovisioned,
		"error":                     model.StateFailed,
		"operator":                  model.StatePending,
		"scheduled":                 model.StateProvisioning,
		"":                          model.StateUnknown,
		"PRODUCTION":                model.StateUnknown, // enum values are lower case; anything else is unknown
		"quarantined":               model.StateUnknown,
	}
	for raw, want := range cases {
		if got := NormalState(raw); got != want {
			t.Errorf("NormalState(%q) = %s, want %s", raw, got, want)
		}
	}
	for _, s := range []string{"decommission_requested", "decommissioned", "archived", "mystery"} {
		if decommissionable(s) {
			t.Errorf("%s must not be decommissionable", s)
		}
	}
	for _, s := range []string{"production", "requested", "error", "testing"} {
		if !decommissionable(s) {
			t.Errorf("%s must be decommissionable", s)
		}
	}
}

func TestModelIDsAndRefs(t *testing.T) {
	cases := []struct {
		ref     model.Ref
		typ     ObjectType
		id      string
		wantErr bool
	}{
		{model.Ref{Type: "connection", ID: "conn:42"}, ObjConnection, "42", false},
		{model.Ref{Type: "connection", ID: "nsc:42"}, ObjNetworkServiceConfig, "42", false}, // the pane says "connection" for every row
		{model.Ref{Type: "network-service", ID: "ns:IX:9"}, ObjNetworkService, "IX:9", false},
		{model.Ref{Type: "port", ID: "port:p-1"}, ObjPort, "p-1", false},
		{model.Ref{Type: "port", ID: "p-1"}, ObjPort, "p-1", false},
		{model.Ref{Type: "network-service-config", ID: "77"}, ObjNetworkServiceConfig, "77", false},
		{model.Ref{Type: "peer", ID: "02:00:00:00:00:01"}, "", "", true},
		{model.Ref{ID: "42"}, "", "", true},
	}
	for _, c := range cases {
		typ, id, err := ParseRef(c.ref)
		if (err != nil) != c.wantErr || typ != c.typ || id != c.id {
			t.Errorf("ParseRef(%+v) = %q %q %v", c.ref, typ, id, err)
		}
		if c.wantErr && !errors.Is(err, model.ErrUnsupported) {
			t.Errorf("ParseRef(%+v): error %v must wrap ErrUnsupported", c.ref, err)
		}
	}
	for _, typ := range []ObjectType{ObjConnection, ObjNetworkServiceConfig, ObjNetworkService, ObjPort} {
		got, id, err := ParseRef(model.Ref{ID: ModelID(typ, "x1")})
		if err != nil || got != typ || id != "x1" {
			t.Errorf("round trip %s: %s %s %v", typ, got, id, err)
		}
	}
}

func TestStatusSummary(t *testing.T) {
	st := []Status{
		{Severity: 6, Tag: "info.tag", Message: "fine"},
		{Severity: 3, Tag: "link.down", Message: "no light"},
		{Severity: 4, Tag: "optics", Message: "low"},
	}
	if got := StatusSummary(st); got != "error link.down: no light (+2 more)" {
		t.Errorf("summary %q", got)
	}
	if got := StatusSummary([]Status{{Severity: 42, Tag: "x"}}); got != "severity 42 x" {
		t.Errorf("odd severity %q", got)
	}
	if StatusSummary(nil) != "" {
		t.Error("no status: empty")
	}
}

// fixtureIndex is a small exchange: one metro, one pop, one device, a LAG
// of two ports, an exchange LAN config and a p2p config whose service has a
// change request.
func fixtureIndex() *index {
	ix := newIndex()
	ix.metros["m1"] = MetroArea{ID: "m1", IATACode: "FRA", DisplayName: "Frankfurt"}
	ix.mans["man1"] = MetroAreaNetwork{ID: "man1", Name: "NOC-IX-FRA", MetroArea: "m1", ServiceProvider: "NOC-IX"}
	ix.facilities["f1"] = Facility{ID: "f1", Name: "Equinix FR2", MetroArea: "m1", AddressLocality: "Frankfurt"}
	ix.pops["pop1"] = PointOfPresence{ID: "pop1", Name: "FRA-FR2", Facility: "f1", MetroAreaNetwork: "man1"}
	ix.devices["d1"] = Device{ID: "d1", Name: "edge1", Pop: "pop1"}
	ix.accounts["acc1"] = Account{ID: "acc1", Name: "Bluepeak Networks"}
	ix.accounts["acc2"] = Account{ID: "acc2", Name: "Cedarline Cloud"}
	conn := "c1"
	ix.ports["p1"] = Port{ID: "p1", Name: "xe-0/0/1", Speed: ptr(int64(10000)), Device: "d1", Pop: "pop1", Connection: &conn, State: "production"}
	ix.ports["p2"] = Port{ID: "p2", Name: "xe-0/0/2", Speed: ptr(int64(10000)), Device: "d1", Pop: "pop1", Connection: &conn, State: "production"}
	ix.conns["c1"] = Connection{ID: "c1", Name: "CUST-LAG-1", State: "production", Mode: ModeLAGLACP, Ports: []string{"p1", "p2"}, ConsumingAccount: "acc1"}
	ix.services["lan"] = NetworkService{ID: "lan", Type: TypeExchangeLAN, Name: "NOC-IX FRA peering LAN", State: "production", MetroAreaNetwork: "man1"}
	// We (acc1) joined a p2p_vc that acc2 created: the B-side.
	ix.services["p2p"] = NetworkService{ID: "p2p", Type: TypeP2PVC, State: "production_change_pending", Capacity: ptr(int64(1000)),
		ProductOffering: "po", ConsumingAccount: "acc2", ManagingAccount: "acc2", JoiningMemberAccount: "acc1"}
	ix.offerings["po"] = ProductOffering{ID: "po", Type: TypeP2PVC, DisplayName: "vPNI 10G", BandwidthMin: ptr(int64(100)), BandwidthMax: ptr(int64(10000))}
	ix.nscs["n1"] = NetworkServiceConfig{ID: "n1", Type: TypeExchangeLAN, State: "production", NetworkService: "lan", Connection: "c1",
		VLANConfig: &VLANConfig{VLANType: VLANTypeDot1Q, VLAN: ptr(1104)}, ASNs: []int64{64500}, ConsumingAccount: "acc1"}
	ix.nscs["n2"] = NetworkServiceConfig{ID: "n2", Type: TypeP2PVC, State: "production", NetworkService: "p2p", Connection: "c1",
		VLANConfig: &VLANConfig{VLANType: VLANTypeQinQ, OuterVLAN: ptr(300), InnerVLAN: ptr(12)}, Capacity: ptr(int64(1000)), ConsumingAccount: "acc1"}
	ix.changes["p2p"] = NetworkServiceChangeRequest{ProductOffering: "po", Capacity: ptr(int64(2000))}
	return ix
}

func TestConnToModel(t *testing.T) {
	ix := fixtureIndex()
	m := connToModel("ix", ix.conns["c1"], ix)
	if m.ID != "conn:c1" || m.Name != "CUST-LAG-1" || m.Type != ModeLAGLACP || m.State != model.StateActive || m.RawState != "production" {
		t.Errorf("identity: %+v", m)
	}
	if m.BandwidthMbps != 20000 {
		t.Errorf("LAG of 2×10G without speed: %d Mbps, want 20000", m.BandwidthMbps)
	}
	if m.A.Type != "lag" || m.A.Metro != "FRA" || m.A.Account != "Bluepeak Networks" || m.A.PortName != "xe-0/0/1" || !strings.Contains(m.A.Extra, "edge1:xe-0/0/2") {
		t.Errorf("A side: %+v", m.A)
	}
	if m.Z.Name != "NOC-IX-FRA" || m.Z.Account != "NOC-IX" {
		t.Errorf("Z side: %+v", m.Z)
	}
	if !m.HasAction(model.ActionDecommission) || m.FingerprintKey == 0 {
		t.Errorf("actions %v fp %d", m.Actions, m.FingerprintKey)
	}
	c := ix.conns["c1"]
	c.State = "decommission_requested"
	c.DecommissionAt = "2025-04-30"
	m = connToModel("ix", c, ix)
	if m.HasAction(model.ActionDecommission) || !strings.Contains(m.Status, "2025-04-30") || m.State != model.StateDeprovisioning {
		t.Errorf("going: %+v", m)
	}
}

func TestNSCToModel(t *testing.T) {
	ix := fixtureIndex()
	lan := nscToModel("ix", ix.nscs["n1"], ix)
	if lan.ID != "nsc:n1" || lan.Name != "CUST-LAG-1.1104" || lan.Type != TypeExchangeLAN || lan.State != model.StateActive {
		t.Errorf("lan identity: %+v", lan)
	}
	if !slices.Equal(lan.A.VLANs, []int{1104}) || !strings.Contains(lan.A.Extra, "AS64500") || lan.Z.Name != "NOC-IX FRA peering LAN" || lan.BandwidthMbps != 20000 {
		t.Errorf("lan sides: A %+v Z %+v bw %d", lan.A, lan.Z, lan.BandwidthMbps)
	}
	if lan.Pending != nil || lan.HasAction(model.ActionFileChangeRequest) || !lan.HasAction(model.ActionDecommission) {
		t.Errorf("lan: no change requests on an exchange LAN: %+v", lan.Actions)
	}

	p2p := nscToModel("ix", ix.nscs["n2"], ix)
	if !slices.Equal(p2p.A.VLANs, []int{300, 12}) || p2p.VLANString() != "300.12" || p2p.Name != "CUST-LAG-1.300.12" {
		t.Errorf("QinQ: %v %q", p2p.A.VLANs, p2p.Name)
	}
	if p2p.State != model.StateChanging || p2p.Pending == nil || p2p.Pending.Kind != model.ChangeUpdate || p2p.Pending.WaitingOnUs {
		t.Fatalf("pending change: state %s pending %+v", p2p.State, p2p.Pending)
	}
	if p2p.Pending.Description != "capacity 1G → 2G — waiting for Cedarline Cloud" {
		t.Errorf("description %q", p2p.Pending.Description)
	}
	if !p2p.HasAction(model.ActionWithdrawChangeRequest) || p2p.HasAction(model.ActionFileChangeRequest) {
		t.Errorf("actions %v", p2p.Actions)
	}
	if p2p.Z.Account != "Cedarline Cloud" || p2p.Z.Name != "p2p from Cedarline Cloud" || p2p.BandwidthMbps != 1000 {
		t.Errorf("p2p Z %+v bw %d", p2p.Z, p2p.BandwidthMbps)
	}
	// Once accepted: production, a change request can be filed again.
	svc := ix.services["p2p"]
	svc.State = "production"
	ix.services["p2p"] = svc
	delete(ix.changes, "p2p")
	p2p = nscToModel("ix", ix.nscs["n2"], ix)
	if p2p.Pending != nil || p2p.State != model.StateActive || !p2p.HasAction(model.ActionFileChangeRequest) {
		t.Errorf("after acceptance: %+v", p2p)
	}
}

// Who must act on a change request depends on our side of the p2p_vc:
// the B-side (joining member) files and withdraws; a request on a service
// we created (A-side) waits for our approval or rejection.
func TestChangeRequestRoles(t *testing.T) {
	asA := func(ix *index) {
		ix.services["p2p"] = NetworkService{ID: "p2p", Type: TypeP2PVC, State: "production_change_pending", Capacity: ptr(int64(1000)),
			ProductOffering: "po", ConsumingAccount: "acc1", ManagingAccount: "acc1", JoiningMemberAccount: "acc2"}
	}
	cases := []struct {
		name    string
		setup   func(ix *index)
		waiting bool
		actions []model.ActionKind
		desc    string
		zName   string
	}{
		{"B-side, pending", func(*index) {}, false, []model.ActionKind{model.ActionWithdrawChangeRequest}, "waiting for Cedarline Cloud", "p2p from Cedarline Cloud"},
		{"A-side, pending", asA, true, []model.ActionKind{model.ActionApprove, model.ActionReject}, "requested by Cedarline Cloud", "p2p to Cedarline Cloud"},
		{"A-side, request unreadable", func(ix *index) { asA(ix); delete(ix.changes, "p2p") }, true, []model.ActionKind{model.ActionReject}, "change pending", "p2p to Cedarline Cloud"},
		{"A-side, in production: nothing to file", func(ix *index) {
			asA(ix)
			s := ix.services["p2p"]
			s.State = "production"
			ix.services["p2p"] = s
			delete(ix.changes, "p2p")
		}, false, nil, "", "p2p to Cedarline Cloud"},
		{"side unknown: no change actions", func(ix *index) {
			s := ix.services["p2p"]
			s.ConsumingAccount, s.ManagingAccount, s.JoiningMemberAccount = "x", "x", "y"
			ix.services["p2p"] = s
		}, false, nil, "capacity 1G → 2G", ""},
	}
	for _, c := range cases {
		ix := fixtureIndex()
		c.setup(ix)
		ix.changeSince["p2p"] = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
		m := nscToModel("ix", ix.nscs["n2"], ix)
		var acts []model.ActionKind
		for _, a := range m.Actions {
			if a != model.ActionDecommission {
				acts = append(acts, a)
			}
		}
		if !slices.Equal(acts, c.actions) {
			t.Errorf("%s: actions %v, want %v", c.name, acts, c.actions)
		}
		if c.desc == "" {
			if m.Pending != nil {
				t.Errorf("%s: pending %+v", c.name, m.Pending)
			}
		} else if m.Pending == nil || m.Pending.WaitingOnUs != c.waiting || !strings.Contains(m.Pending.Description, c.desc) || !m.Pending.Since.Equal(ix.changeSince["p2p"]) {
			t.Errorf("%s: pending %+v", c.name, m.Pending)
		}
		if c.zName != "" && m.Z.Name != c.zName {
			t.Errorf("%s: Z %q", c.name, m.Z.Name)
		}
	}
}

func TestUnknownValuesKeptRaw(t *testing.T) {
	ix := fixtureIndex()
	raw := []byte(`{"id":"c9","name":"ODD","state":"quarantined","mode":"flex_ethernet_v2","vlan_types":["dot1ad"],
	  "outer_vlan_ethertypes":[],"managing_account":"a","consuming_account":"acc1","billing_account":"a","role_assignments":[],
	  "status":[{"severity":2,"tag":"new.tag","message":"something new","attrs":{},"timestamp":"2025-01-01T00:00:00Z"}]}`)
	c, err := decodeObject[Connection](raw)
	if err != nil || c.DecodeError() != nil {
		t.Fatal(err, c.DecodeError())
	}
	m := connToModel("ix", c, ix)
	if m.State != model.StateUnknown || m.RawState != "quarantined" || m.Type != "flex_ethernet_v2" || m.Status != "critical new.tag: something new" {
		t.Errorf("unknown enums: %+v", m)
	}
	if m.HasAction(model.ActionDecommission) {
		t.Error("an object in an unknown state gets no actions")
	}
	if string(m.Raw) != string(raw) {
		t.Error("raw JSON must be kept verbatim")
	}
	n, err := decodeObject[NetworkServiceConfig]([]byte(`{"id":"n9","type":"mp2mp_vc","state":"production","network_service":"x",
	  "connection":"c1","vlan_config":{"vlan_type":"dot1ad","vlan":5}}`))
	if err != nil {
		t.Fatal(err)
	}
	nm := nscToModel("ix", n, ix)
	if nm.Type != "mp2mp_vc" || nm.State != model.StateActive || !strings.Contains(nm.A.Extra, "dot1ad") {
		t.Errorf("unknown type/vlan: %+v", nm)
	}
}

func TestWrongFieldTypesKeepTheObject(t *testing.T) {
	ix := fixtureIndex()
	c, err := decodeObject[Connection]([]byte(`{"id":"c7","name":"HALF","state":"production","speed":"fast","mode":"standalone"}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "c7" || c.Name != "HALF" || c.DecodeError() == nil || !errors.Is(c.DecodeError(), model.ErrBadResponse) {
		t.Fatalf("lenient decode: %+v err %v", c, c.DecodeError())
	}
	m := connToModel("ix", c, ix)
	if m.State != model.StateUnknown || !strings.HasPrefix(m.Status, "undecodable") || m.ID != "conn:c7" {
		t.Errorf("undecodable row: %+v", m)
	}
	items := decodeItems[Port]([]json.RawMessage{[]byte(`{"id":"p9"}`), []byte(`7`), []byte(`{"id":"p10","speed":[]}`)})
	if len(items) != 3 || items[0].DecodeError() != nil || items[1].DecodeError() == nil || items[2].ID != "p10" || items[2].DecodeError() == nil {
		t.Errorf("items: %+v", items)
	}
}

func TestPeerFilterFor(t *testing.T) {
	cases := map[string]PeerFilter{
		"02:AA:bb:00:00:01": {MACAddress: "02:aa:bb:00:00:01"},
		"02-aa-bb-00-00-01": {MACAddress: "02-aa-bb-00-00-01"},
		"10.0.0.1":          {IPAddress: "10.0.0.1"},
		"2001:db8::1":       {IPAddress: "2001:db8::1"},
		"AS64500":           {ASN: 64500},
		"as64500":           {ASN: 64500},
		"64500":             {ASN: 64500},
	}
	for in, want := range cases {
		got, err := peerFilterFor(in)
		if err != nil || got != want {
			t.Errorf("peerFilterFor(%q) = %+v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "AS", "peer-one", "AS99999999999"} {
		if _, err := peerFilterFor(bad); err == nil {
			t.Errorf("peerFilterFor(%q) accepted", bad)
		}
	}
}

func TestInventoryFromFixture(t *testing.T) {
	ix := fixtureIndex()
	roots := buildInventory("ix", ix, nil)
	if len(roots) != 2 || roots[0].Kind != "metro-area" || roots[1].Label != "Network services" {
		t.Fatalf("roots: %+v", labels(roots))
	}
	fac := roots[0].Children[0]
	pop := fac.Children[0]
	dev := pop.Children[0]
	if fac.Kind != "facility" || pop.Kind != "pop" || dev.Kind != "device" || len(dev.Children) != 2 {
		t.Fatalf("path: %s > %s > %s (%d ports)", fac.Kind, pop.Kind, dev.Kind, len(dev.Children))
	}
	port := dev.Children[0]
	if port.Ref.Type != "port" || port.Ref.ID != "port:p1" || len(port.Children) != 1 {
		t.Fatalf("port: %+v", port.Ref)
	}
	conn := port.Children[0]
	if conn.Ref.Type != "connection" || conn.Ref.ID != "conn:c1" || len(conn.Children) != 2 {
		t.Fatalf("connection: %+v with %d configs", conn.Ref, len(conn.Children))
	}
	for _, n := range conn.Children {
		if n.Ref.Type != "network-service-config" || !strings.HasPrefix(n.Ref.ID, "nsc:") {
			t.Errorf("config ref %+v", n.Ref)
		}
	}
	// A LAG's connection is under each member port.
	if dev.Children[1].Children[0].Ref.ID != "conn:c1" {
		t.Error("second LAG member lacks its connection")
	}
	// A port whose device is unknown is unplaced, not lost.
	ix.ports["p3"] = Port{ID: "p3", Name: "et-9/9/9", Device: "ghost"}
	roots = buildInventory("ix", ix, nil)
	found := false
	for _, r := range roots {
		if r.Label == "Unplaced" {
			for _, c := range r.Children {
				found = found || c.Ref.ID == "port:p3"
			}
		}
	}
	if !found {
		t.Errorf("unplaced port missing: %v", labels(roots))
	}
}

func labels(ns []model.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Kind+":"+n.Label)
	}
	return out
}
