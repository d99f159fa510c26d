package metal

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
)

func TestEveryStatusOfTheSpecIsNormalised(t *testing.T) {
	for _, st := range vlanStatusesAll {
		if got := VCState(VirtualCircuit{Vlan: &VlanVirtualCircuit{Status: st}}); got == model.StateUnknown || got == "" {
			t.Errorf("VLAN %s -> %s", st, got)
		}
	}
	for _, st := range vrfStatusesAll {
		if got := VCState(VirtualCircuit{Vrf: &VrfVirtualCircuit{Status: st}}); got == model.StateUnknown || got == "" {
			t.Errorf("VRF %s -> %s", st, got)
		}
	}
	for _, st := range []string{PortRequested, PortActive, PortDeleting, PortExpired, PortDeleteFailed} {
		if PortState(st) == model.StateUnknown {
			t.Errorf("port %s unknown", st)
		}
	}
	cases := map[string]model.State{
		VCWaitingOnCustomerVLAN: model.StatePending, VCActivating: model.StateProvisioning, VCChangingVLAN: model.StateChanging,
		VCDeleting: model.StateDeprovisioning, VCActivationFailed: model.StateFailed, VCActive: model.StateActive, "brand_new_status": model.StateUnknown,
	}
	for st, want := range cases {
		if got := VCState(VirtualCircuit{Vlan: &VlanVirtualCircuit{Status: st}}); got != want {
			t.Errorf("%s -> %s, want %s", st, got, want)
		}
	}
	// A VRF-only status is no VLAN status.
	if VCState(VirtualCircuit{Vlan: &VlanVirtualCircuit{Status: VCWaitingOnPeeringDetails}}) != model.StateUnknown {
		t.Error("VLAN VC accepted a VRF status")
	}
	free := map[string]model.State{
		"active": model.StateActive, "ACTIVE": model.StateActive, " requested ": model.StatePending, "provisioning": model.StateProvisioning,
		"deleting": model.StateDeprovisioning, "activation_failed": model.StateFailed, "zzz": model.StateUnknown,
	}
	for st, want := range free {
		if got := InterconnectionState(Interconnection{Status: st}, nil); got != want {
			t.Errorf("interconnection %q -> %s, want %s", st, got, want)
		}
	}
	// No status: the worst port says it.
	if got := InterconnectionState(Interconnection{}, []InterconnectionPort{{Status: PortActive}, {Status: PortDeleteFailed}}); got != model.StateFailed {
		t.Errorf("derived %s", got)
	}
}

func TestWhatWaitsOnUs(t *testing.T) {
	vlanWait := vcRow("m", VirtualCircuit{Vlan: &VlanVirtualCircuit{ID: uuidA, Status: VCWaitingOnCustomerVLAN, NNIVlan: 1234}}, vcContext{metro: "da", project: "prod"})
	if p := vlanWait.Pending; p == nil || !p.WaitingOnUs || p.Kind != model.ChangeCreation ||
		!strings.Contains(p.Description, "metro da") || !strings.Contains(p.Description, "NNI VLAN 1234") {
		t.Fatalf("waiting VLAN VC: %+v", p)
	}
	if !vlanWait.HasAction(model.ActionApprove) || !vlanWait.HasAction(model.ActionUpdate) || !vlanWait.HasAction(model.ActionDecommission) {
		t.Fatalf("actions %v", vlanWait.Actions)
	}
	vrfWait := vcRow("m", VirtualCircuit{Vrf: &VrfVirtualCircuit{ID: uuidA, Status: VCWaitingOnPeeringDetails}}, vcContext{})
	if p := vrfWait.Pending; p == nil || !p.WaitingOnUs || !strings.Contains(p.Description, "peering details") || vrfWait.HasAction(model.ActionApprove) {
		t.Fatalf("waiting VRF VC: %+v %v", p, vrfWait.Actions)
	}
	for _, st := range []string{VCPending, VCActivating, VCChangingVLAN, VCDeleting} {
		r := vcRow("m", VirtualCircuit{Vlan: &VlanVirtualCircuit{ID: uuidA, Status: st}}, vcContext{})
		if r.Pending == nil || r.Pending.WaitingOnUs {
			t.Errorf("%s: %+v", st, r.Pending)
		}
	}
	if r := vcRow("m", VirtualCircuit{Vlan: &VlanVirtualCircuit{ID: uuidA, Status: VCDeleting}}, vcContext{}); len(r.Actions) != 0 {
		t.Errorf("a deleting VC offers %v", r.Actions)
	}
	if r := vcRow("m", VirtualCircuit{Vlan: &VlanVirtualCircuit{ID: uuidA, Status: VCActive}}, vcContext{shared: true}); r.HasAction(model.ActionDecommission) {
		t.Error("a shared VC offers deletion")
	}

	// A shared interconnection whose tokens wait to be redeemed in Fabric.
	ic := Interconnection{ID: uuidA, Name: "fvc", Type: TypeShared, Status: "requested", ServiceTokens: []FabricServiceToken{
		{ID: uuidB, Role: "primary", ExpiresAt: "2026-05-01T00:00:00Z"}, {ID: uuidC, Role: "secondary"},
	}}
	ports := []InterconnectionPort{{ID: uuidD, Role: "primary", Status: PortRequested}, {Role: "secondary", Status: PortActive}}
	row := interconnectionRow("m", ic, ports, "org", "prod")
	if p := row.Pending; p == nil || !p.WaitingOnUs || !strings.Contains(p.Description, uuidB) || strings.Contains(p.Description, uuidC) || !strings.Contains(p.Description, "2026-05-01") {
		t.Fatalf("token pending: %+v", row.Pending)
	}
	if !strings.Contains(row.Z.Extra, "service token "+uuidB) || !strings.Contains(row.Z.Extra, "service token "+uuidC) {
		t.Fatalf("tokens not on the Z side (the Fabric join key): %q", row.Z.Extra)
	}
	if row.Z.PortName != "primary + secondary" || !strings.Contains(row.Z.Extra, "redundant pair: primary requested · secondary active") {
		t.Fatalf("pair: %+v", row.Z)
	}
	ic.Status, ports[0].Status = "active", PortActive
	if r := interconnectionRow("m", ic, ports, "", ""); r.Pending != nil {
		t.Fatalf("redeemed tokens still pending: %+v", r.Pending)
	}
}

func TestRowsCarrySanitisedProviderText(t *testing.T) {
	evil := "x\x1b[2J\u202eevil\x07"
	ic := Interconnection{ID: uuidA, Name: evil, Type: evil, Status: evil, Mode: evil, Metro: &Metro{Code: evil},
		ServiceTokens: []FabricServiceToken{{ID: evil, Role: evil}}}
	ports := []InterconnectionPort{{ID: uuidB, Name: evil, Role: evil, Status: evil}}
	vc := VirtualCircuit{Vrf: &VrfVirtualCircuit{ID: uuidC, Name: evil, Status: evil, Subnet: evil, MetalIP: evil, CustomerIP: evil}}
	rows := []model.Connection{
		interconnectionRow("m", ic, ports, evil, evil),
		vcRow("m", vc, vcContext{conn: ic, metro: evil, project: evil, org: evil, port: ports[0], vrfName: evil}),
	}
	check := func(where, s string) {
		if strings.ContainsAny(s, "\x1b\x07\u202e") {
			t.Errorf("%s carries control text: %q", where, s)
		}
	}
	for _, r := range rows {
		b, _ := json.Marshal(struct {
			A, B any
			C    *model.PendingChange
		}{r.A, r.Z, r.Pending})
		var flat map[string]any
		_ = json.Unmarshal(b, &flat)
		for _, s := range []string{r.Name, r.Type, r.RawState, r.Status, r.A.Name, r.A.Metro, r.A.Account, r.A.Extra, r.Z.Name, r.Z.PortName, r.Z.Metro, r.Z.Extra} {
			check(r.ID, s)
		}
		if r.Pending != nil {
			check(r.ID+" pending", r.Pending.Description+r.Pending.Status)
		}
	}
	ix := newIndex(simEpoch)
	ix.addConn(&connEntry{ic: ic, ports: ports, vcs: []VirtualCircuit{vc}, orgID: uuidD})
	ix.orgs[uuidD] = Organization{ID: uuidD, Name: evil}
	var walk func(ns []model.Node)
	walk = func(ns []model.Node) {
		for _, n := range ns {
			check("node label", n.Label)
			check("node raw state", n.RawState)
			check("node ref", n.Ref.Name)
			for _, f := range n.Fields {
				check("field "+f.Key, f.Value)
			}
			walk(n.Children)
		}
	}
	walk(buildInventory("m", ix))
	ev := eventToModel("m", Event{ID: evil, Type: evil, Interpolated: evil}, model.Ref{})
	check("event", ev.ID+ev.Type+ev.Body)
}

func TestInventoryTreeAndRollUp(t *testing.T) {
	p := planProvider(t)
	ix := p.snapshot()
	// A failed VC on the secondary port of the dedicated interconnection.
	var failed VirtualCircuit
	_ = json.Unmarshal([]byte(`{"id":"`+uuidD+`","type":"vlan","name":"broken","status":"activation_failed","port":{"href":"/metal/v1/connections/`+dedID+`/ports/`+secID+`"}}`), &failed)
	e := ix.connByID[dedID]
	e.vcs = append(e.vcs, failed)
	ix.addConn(e)
	roots := buildInventory("m", ix)
	if len(roots) != 2 || roots[0].Kind != "organization" || roots[0].Label != "Noctop · ⚠ 1 failed" {
		t.Fatalf("roots %+v", labels(roots))
	}
	org := roots[0]
	if len(org.Children) != 1 || org.Children[0].Kind != "project" || !strings.HasPrefix(org.Children[0].Label, "production") {
		t.Fatalf("org children %v", labels(org.Children))
	}
	proj := org.Children[0]
	var ded *model.Node
	for i := range proj.Children {
		if proj.Children[i].Ref.ID == dedID {
			ded = &proj.Children[i]
		}
	}
	if ded == nil || len(ded.Children) != 2 || !strings.HasPrefix(ded.Children[0].Label, "da-pri") || !strings.HasPrefix(ded.Children[1].Label, "da-sec") {
		t.Fatalf("interconnection %+v", ded)
	}
	sec := ded.Children[1]
	if len(sec.Children) != 1 || sec.Children[0].Ref.Type != RefVirtualCircuit || sec.Children[0].State != model.StateFailed {
		t.Fatalf("secondary port %+v", sec)
	}
	// Collapsed, the interconnection (and the project, and the org) shows
	// the failed VC; its own status stays in RawState.
	for _, n := range []model.Node{*ded, proj, org} {
		if n.State != model.StateFailed {
			t.Errorf("%s rolled up to %s", n.Label, n.State)
		}
	}
	if ded.RawState != "active" || !hasField(*ded, "attention", "1 object failed (activation_failed)") || !strings.HasSuffix(ded.Label, "· ⚠ 1 failed") {
		t.Errorf("own state %q fields %+v", ded.RawState, ded.Fields)
	}
	// Organization-level interconnection (no project) hangs under the org.
	if roots[1].Kind != "group" || roots[1].Children[0].Ref.ID != emptyDed {
		// emptyDed has no organization: it lands in the group.
		t.Fatalf("unplaced %v", labels(roots[1].Children))
	}
	// Deprovisioned children do not make a parent look worse than active.
	n := model.Node{State: model.StateActive, Children: []model.Node{{State: model.StateDeprovisioned}}}
	rollUp(&n, "")
	if n.State != model.StateActive || len(n.Fields) != 0 {
		t.Fatalf("active + deprovisioned -> %s %+v", n.State, n.Fields)
	}
}

func labels(ns []model.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Kind+":"+n.Label)
	}
	return out
}

func hasField(n model.Node, k, v string) bool {
	for _, f := range n.Fields {
		if f.Key == k && strings.Contains(f.Value, v) {
			return true
		}
	}
	return false
}

func TestIDsFromReferences(t *testing.T) {
	cases := map[[2]string]string{
		{"", "/metal/v1/projects/" + uuidA}:          uuidA,
		{"", "/metal/v1/projects/" + uuidA + "/"}:    uuidA,
		{"", "/metal/v1/projects/" + uuidA + "?x=1"}: uuidA,
		{uuidB, "/metal/v1/projects/" + uuidA}:       uuidB,
		{"", "/metal/v1/projects/not-a-uuid"}:        "",
		{"", ""}:                                     "",
	}
	for in, want := range cases {
		if got := idOf(in[0], in[1]); got != want {
			t.Errorf("idOf%v = %q, want %q", in, got, want)
		}
	}
	if connOfPortHref("/metal/v1/connections/"+uuidA+"/ports/"+uuidB) != uuidA || connOfPortHref("/metal/v1/ports/"+uuidB) != "" {
		t.Error("connOfPortHref")
	}
}
