package metal

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

// follow re-reads id, advancing the clock, until its raw state is one of
// want (or the attempts run out); it returns the last row.
func follow(t *testing.T, e *testEnv, p *Provider, id string, want ...string) model.Connection {
	t.Helper()
	var c model.Connection
	var err error
	for i := 0; i < 40; i++ {
		c, err = p.Connection(ctxT(t), id)
		if err != nil {
			t.Fatalf("re-read %s: %v", id, err)
		}
		for _, w := range want {
			if c.RawState == w {
				return c
			}
		}
		e.clock.Advance(5 * time.Second)
	}
	t.Fatalf("%s stayed %s, want one of %v", id, c.RawState, want)
	return c
}

func listed(t *testing.T, p *Provider) []model.Connection {
	t.Helper()
	cs, err := p.Connections(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// do sends a, checking that Verify (the reconciliation of a lost answer)
// says "not applied" before and "applied" after.
func do(t *testing.T, p *Provider, a model.Action) model.Result {
	t.Helper()
	if applied, detail, err := p.Verify(ctxT(t), a); err != nil || applied {
		t.Fatalf("Verify before %s %s: %v %q %v", a.HTTP.Method, a.HTTP.Path, applied, detail, err)
	}
	res, err := p.Do(ctxT(t), a)
	if err != nil {
		t.Fatalf("Do %s %s: %v", a.HTTP.Method, a.HTTP.Path, err)
	}
	if applied, detail, err := p.Verify(ctxT(t), a); err != nil || !applied {
		t.Fatalf("Verify after %s %s: %v %q %v", a.HTTP.Method, a.HTTP.Path, applied, detail, err)
	}
	return res
}

// The operator's walk in Approvals: a VC waiting on a customer VLAN is
// resolved by setting the VLAN; the plan shows the PUT; the VC is re-read
// and followed until active.
func TestWaitingVCIsResolvedBySettingTheVLAN(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	p := e.provider(t, validateAll)
	cs := listed(t, p)
	c, ok := findConn(cs, func(c model.Connection) bool {
		return c.RawState == VCWaitingOnCustomerVLAN && c.Pending != nil && c.Pending.WaitingOnUs && c.HasAction(model.ActionApprove) &&
			!strings.Contains(c.A.Account, "billing-readonly")
	})
	if !ok {
		t.Fatal("no VC waiting on a customer VLAN")
	}
	if !strings.Contains(c.Pending.Description, "set the Metal VLAN") {
		t.Errorf("pending description %q does not say what to do", c.Pending.Description)
	}
	req := model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{Provider: p.Name(), Type: "connection", ID: c.ID, Name: c.Name}}
	if _, err := p.Plan(req); !errors.Is(err, model.ErrPrepareFirst) {
		t.Fatalf("Plan without a VLAN: %v, want ErrPrepareFirst", err)
	}
	prepared, err := p.Prepare(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	vnid := prepared.Params[model.ParamVNID]
	a, err := p.Plan(prepared)
	if err != nil {
		t.Fatal(err)
	}
	if a.HTTP.Method != http.MethodPut || a.HTTP.Path != "/virtual-circuits/"+c.ID {
		t.Fatalf("planned %s %s", a.HTTP.Method, a.HTTP.Path)
	}
	if want := "{\n  \"vnid\": \"" + vnid + "\"\n}"; string(a.HTTP.Body) != want {
		t.Fatalf("body %s, want %s", a.HTTP.Body, want)
	}
	if !strings.Contains(a.Title, "VLAN "+prepared.Params[model.ParamVLAN]) {
		t.Errorf("title %q does not name the VLAN", a.Title)
	}
	res := do(t, p, a)
	if res.Status != http.StatusAccepted || len(res.Affected) != 1 || res.Affected[0].ID != c.ID {
		t.Fatalf("result %+v", res)
	}
	got := follow(t, e, p, c.ID, VCActive, VCActivationFailed)
	if got.RawState != VCActive {
		t.Fatalf("VC ended %s", got.RawState)
	}
	if got.Pending != nil || len(got.A.VLANs) != 1 || got.A.VLANs[0] != atoi(t, prepared.Params[model.ParamVLAN]) {
		t.Fatalf("after activation: pending %+v, metal VLANs %v", got.Pending, got.A.VLANs)
	}
	evs, err := p.Events(ctxT(t), model.Ref{Type: "connection", ID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) < 3 || evs[0].Type != "virtual_circuit.active" || !evs[0].At.After(evs[len(evs)-1].At) {
		t.Fatalf("events newest first: %+v", evs)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

func TestChangeVLANOfActiveVC(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	p := e.provider(t, validateAll)
	cs := listed(t, p)
	c, ok := findConn(cs, func(c model.Connection) bool {
		return c.Type == RowVLANVC && c.RawState == VCActive && len(c.A.VLANs) == 1 && !strings.Contains(c.A.Account, "readonly") && c.Z.Type == "port"
	})
	if !ok {
		t.Fatal("no active VLAN VC on a dedicated port")
	}
	ix := p.snapshot()
	ve := ix.vcByID[c.ID]
	vns, err := p.Client().ListProjectVirtualNetworks(ctxT(t), projectID(ve.vc.Project()), c.A.Metro)
	if err != nil {
		t.Fatal(err)
	}
	free := 0
	for _, vn := range vns {
		if vn.AssignedToVirtualCircuit != nil && !*vn.AssignedToVirtualCircuit {
			free = vn.VXLAN
			break
		}
	}
	if free == 0 {
		t.Fatal("no free virtual network")
	}
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{ID: c.ID}, Params: map[string]string{model.ParamVNID: itoa(free)}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{
  "vnid": "` + itoa(free) + `"
}`; string(a.HTTP.Body) != want || a.Risk != model.RiskMedium {
		t.Fatalf("body %s risk %v", a.HTTP.Body, a.Risk)
	}
	res := do(t, p, a)
	if res.Status != http.StatusAccepted {
		t.Fatalf("status %d", res.Status)
	}
	mid, err := p.Connection(ctxT(t), c.ID)
	if err != nil || mid.RawState != VCChangingVLAN || mid.State != model.StateChanging {
		t.Fatalf("right after: %v %s %s", err, mid.RawState, mid.State)
	}
	got := follow(t, e, p, c.ID, VCActive, VCChangingVLANFailed)
	if got.RawState == VCActive && got.A.VLANs[0] != free {
		t.Fatalf("active on VLAN %v, want %d", got.A.VLANs, free)
	}
	// Renaming is immediate: 200, no status change.
	a, err = p.Plan(model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{ID: c.ID}, Params: map[string]string{model.ParamName: "renamed-vc", model.ParamDescription: "for the test"}})
	if err != nil {
		t.Fatal(err)
	}
	if res := do(t, p, a); res.Status != http.StatusOK {
		t.Fatalf("rename: %d", res.Status)
	}
	if got, _ := p.Connection(ctxT(t), c.ID); got.Name != "renamed-vc" {
		t.Fatalf("name %q", got.Name)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestDeleteVCAndInterconnection(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	p := e.provider(t, validateAll)
	cs := listed(t, p)
	vc, ok := findConn(cs, func(c model.Connection) bool {
		return c.Type == RowVLANVC && c.RawState == VCActive && c.Z.Type == "port" && !strings.Contains(c.A.Account, "readonly")
	})
	if !ok {
		t.Fatal("no deletable VC")
	}
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionDecommission, Target: model.Ref{ID: vc.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if a.HTTP.Method != http.MethodDelete || a.HTTP.Path != "/virtual-circuits/"+vc.ID || a.HTTP.Body != nil || a.ConfirmText != vc.Name || a.Risk != model.RiskHigh {
		t.Fatalf("plan %+v", a)
	}
	if res := do(t, p, a); res.Status != http.StatusAccepted || !strings.Contains(res.Message, "deleting") {
		t.Fatalf("result %+v", res)
	}
	for i := 0; i < 20; i++ {
		e.clock.Advance(2 * time.Second)
		_, err = p.Connection(ctxT(t), vc.ID)
		if err != nil {
			break
		}
	}
	if !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("after deletion: %v, want not found", err)
	}

	// A shared interconnection's VC cannot be deleted on its own.
	shared, ok := findConn(cs, func(c model.Connection) bool { return c.Type == RowVLANVC && c.Z.Type == "fabric" })
	if !ok {
		t.Fatal("no shared VC")
	}
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionDecommission, Target: model.Ref{ID: shared.ID}}); !errors.Is(err, model.ErrUnsupported) {
		t.Fatalf("deleting a shared VC: %v", err)
	}

	ic, ok := findConn(cs, func(c model.Connection) bool {
		return c.Type == TypeDedicated && c.RawState == "active" && !strings.Contains(c.A.Account, "readonly")
	})
	if !ok {
		t.Fatal("no dedicated interconnection")
	}
	a, err = p.Plan(model.ActionRequest{Kind: model.ActionDecommission, Target: model.Ref{ID: ic.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if a.ConfirmText != ic.Name || a.HTTP.Path != "/connections/"+ic.ID || !strings.Contains(a.Title, "virtual circuit") {
		t.Fatalf("plan %+v", a)
	}
	if res := do(t, p, a); res.Status != http.StatusAccepted {
		t.Fatalf("%+v", res)
	}
	got, err := p.Connection(ctxT(t), ic.ID)
	if err != nil || got.State != model.StateDeprovisioning || got.Pending == nil || got.Pending.Kind != model.ChangeDeletion {
		t.Fatalf("after delete: %v %+v", err, got)
	}
	e.clock.Advance(30 * time.Second)
	if _, err := p.Connection(ctxT(t), ic.ID); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("interconnection still there: %v", err)
	}
	after := listed(t, p)
	if _, ok := findConn(after, func(c model.Connection) bool { return c.ID == ic.ID || c.Z.Name == ic.Name }); ok {
		t.Fatal("deleted interconnection or its VCs still listed")
	}
}

func TestUpdateInterconnection(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	p := e.provider(t, validateAll)
	cs := listed(t, p)
	ic, ok := findConn(cs, func(c model.Connection) bool {
		return c.Type == TypeDedicated && c.RawState == "active" && !strings.Contains(c.A.Account, "readonly")
	})
	if !ok {
		t.Fatal("no dedicated interconnection")
	}
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{ID: ic.ID}, Params: map[string]string{
		model.ParamName: "da-core-renamed", model.ParamDescription: "", model.ParamContactEmail: "ops@example.net",
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "name": "da-core-renamed",
  "description": "",
  "contact_email": "ops@example.net"
}`
	if string(a.HTTP.Body) != want || a.HTTP.Method != http.MethodPut || a.HTTP.Path != "/connections/"+ic.ID {
		t.Fatalf("plan %s %s %s", a.HTTP.Method, a.HTTP.Path, a.HTTP.Body)
	}
	if res := do(t, p, a); res.Status != http.StatusOK {
		t.Fatalf("%+v", res)
	}
	got, err := p.Connection(ctxT(t), ic.ID)
	if err != nil || got.Name != "da-core-renamed" {
		t.Fatalf("%v %q", err, got.Name)
	}
	// The mode of an interconnection with VCs cannot change: refused at
	// planning, and by the API if sent anyway.
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{ID: ic.ID}, Params: map[string]string{model.ParamMode: "tunnel"}}); err == nil {
		t.Fatal("mode change with VCs was planned")
	}
	forced := model.Action{HTTP: model.HTTPRequest{Method: http.MethodPut, Path: "/connections/" + ic.ID, Body: []byte(`{"mode":"tunnel"}`)}}
	_, err = p.Do(ctxT(t), forced)
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnprocessableEntity || !strings.Contains(ae.Message, "no associated virtual circuits") || !strings.Contains(ae.Details, "nothing was changed") {
		t.Fatalf("forced mode change: %v", err)
	}
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{ID: ic.ID}, Params: map[string]string{model.ParamRedundancy: "redundant"}}); !errors.Is(err, model.ErrUnsupported) {
		t.Fatalf("redundancy change: %v", err)
	}
}

func TestCreateVLANAndVRFVirtualCircuits(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	p := e.provider(t, validateAll)
	listed(t, p)
	ix := p.snapshot()
	var ce *connEntry
	for _, x := range ix.conns {
		if x.ic.Type == TypeDedicated && x.ic.Status == "active" && x.projectID != "" && !ix.projects[x.projectID].isReadOnly() && hasActivePort(x.ports) {
			ce = x
			break
		}
	}
	if ce == nil {
		t.Fatal("no dedicated interconnection with a project")
	}
	metro := metroCode(ce.ic.Metro)
	vns, err := p.Client().ListProjectVirtualNetworks(ctxT(t), ce.projectID, metro)
	if err != nil {
		t.Fatal(err)
	}
	var free *VirtualNetwork
	for i := range vns {
		if !*vns[i].AssignedToVirtualCircuit {
			free = &vns[i]
			break
		}
	}
	if free == nil {
		t.Fatal("no free VN")
	}
	// A VLAN number is turned into its virtual network by Prepare.
	req := model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: model.Ref{ID: ce.ic.ID, Type: RefInterconnection}, Params: map[string]string{
		model.ParamVNID: itoa(free.VXLAN), model.ParamNNIVLAN: "3999", model.ParamName: "new-l2", model.ParamPort: "primary",
	}}
	if _, err := p.Plan(req); !errors.Is(err, model.ErrPrepareFirst) {
		t.Fatalf("plan with a VLAN number: %v", err)
	}
	req, err = p.Prepare(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	a, err := p.Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := choosePort(ce, "primary")
	wantPath := "/connections/" + ce.ic.ID + "/ports/" + port.ID + "/virtual-circuits"
	wantBody := `{
  "project_id": "` + ce.projectID + `",
  "vnid": "` + free.ID + `",
  "nni_vlan": 3999,
  "name": "new-l2"
}`
	if a.HTTP.Method != http.MethodPost || a.HTTP.Path != wantPath || string(a.HTTP.Body) != wantBody {
		t.Fatalf("plan %s %s\n%s\nwant %s\n%s", a.HTTP.Method, a.HTTP.Path, a.HTTP.Body, wantPath, wantBody)
	}
	res := do(t, p, a)
	if res.Status != http.StatusCreated || len(res.Affected) != 1 {
		t.Fatalf("%+v", res)
	}
	got := follow(t, e, p, res.Affected[0].ID, VCActive, VCActivationFailed)
	if got.Z.VLANs[0] != 3999 || got.A.VLANs[0] != free.VXLAN {
		t.Fatalf("created VC %+v", got)
	}
	// The NNI VLAN is now taken on that port: refused at planning.
	listed(t, p)
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: model.Ref{ID: ce.ic.ID}, Params: map[string]string{
		model.ParamVNID: free.ID, model.ParamNNIVLAN: "3999", model.ParamPort: "primary"}}); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("duplicate NNI VLAN: %v", err)
	}

	// A VRF circuit.
	vrfs, err := p.Client().ListProjectVrfs(ctxT(t), ce.projectID, metro)
	if err != nil {
		t.Fatal(err)
	}
	var vrf string
	if len(vrfs) > 0 {
		vrf = vrfs[0].ID
	} else {
		t.Skip("no VRF in that project and metro")
	}
	a, err = p.Plan(model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: model.Ref{ID: ce.ic.ID}, Params: map[string]string{
		model.ParamVRF: vrf, model.ParamSubnet: "10.200.0.8/30", model.ParamPeerASN: "AS65010", model.ParamNNIVLAN: "3998",
		model.ParamMetalIP: "10.200.0.9", model.ParamCustomerIP: "10.200.0.10",
	}})
	if err != nil {
		t.Fatal(err)
	}
	wantBody = `{
  "project_id": "` + ce.projectID + `",
  "vrf": "` + vrf + `",
  "subnet": "10.200.0.8/30",
  "peer_asn": 65010,
  "nni_vlan": 3998,
  "metal_ip": "10.200.0.9",
  "customer_ip": "10.200.0.10"
}`
	if string(a.HTTP.Body) != wantBody {
		t.Fatalf("VRF body\n%s\nwant\n%s", a.HTTP.Body, wantBody)
	}
	res = do(t, p, a)
	got = follow(t, e, p, res.Affected[0].ID, VCActive, VCActivationFailed)
	if got.Type != RowVRFVC || !strings.Contains(got.A.Extra, "10.200.0.8/30") {
		t.Fatalf("VRF VC %+v", got)
	}
}

func (p Project) isReadOnly() bool { return strings.HasSuffix(p.Name, "-readonly") }

func TestRequestInterconnections(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	p := e.provider(t, validateAll)
	listed(t, p)
	ix := p.snapshot()
	var org, project string
	for id, pr := range ix.projects {
		if !pr.isReadOnly() && pr.Name == "production" {
			project, org = id, orgID(pr.Organization)
		}
	}
	// Dedicated, for the organization.
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefOrganization, ID: org, Name: "Noctop"}, Params: map[string]string{
		model.ParamName: "am-new-ded", model.ParamMetro: "AM", model.ParamRedundancy: "redundant", model.ParamSpeed: "10gbps", model.ParamContactEmail: "noc@example.net",
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "name": "am-new-ded",
  "type": "dedicated",
  "metro": "am",
  "redundancy": "redundant",
  "speed": "10gbps",
  "contact_email": "noc@example.net"
}`
	if a.HTTP.Path != "/organizations/"+org+"/connections" || string(a.HTTP.Body) != want {
		t.Fatalf("plan %s\n%s", a.HTTP.Path, a.HTTP.Body)
	}
	res := do(t, p, a)
	if res.Status != http.StatusCreated || len(res.Affected) != 1 {
		t.Fatalf("%+v", res)
	}
	got := follow(t, e, p, res.Affected[0].ID, "active")
	if got.Status != "primary active · secondary active" {
		t.Fatalf("ports %q", got.Status)
	}

	// Shared, for the project: the answer carries the service tokens.
	vns, err := p.Client().ListProjectVirtualNetworks(ctxT(t), project, "")
	if err != nil {
		t.Fatal(err)
	}
	free := map[string][]string{}
	metro := ""
	for _, vn := range vns {
		if !*vn.AssignedToVirtualCircuit {
			free[vn.MetroCode] = append(free[vn.MetroCode], itoa(vn.VXLAN))
			if len(free[vn.MetroCode]) >= 2 {
				metro = vn.MetroCode
			}
		}
	}
	if metro == "" {
		t.Fatal("no metro with two free VLANs")
	}
	vlans := free[metro][:2]
	a, err = p.Plan(model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefProject, ID: project}, Params: map[string]string{
		model.ParamConnectionType: TypeShared, model.ParamName: "da-fabric-new", model.ParamMetro: metro, model.ParamRedundancy: "redundant",
		model.ParamSpeed: "1gbps", model.ParamVLANs: strings.Join(vlans, ","),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(a.HTTP.Body), `"service_token_type": "a_side"`) || a.HTTP.Path != "/projects/"+project+"/connections" {
		t.Fatalf("plan %s %s", a.HTTP.Path, a.HTTP.Body)
	}
	res = do(t, p, a)
	var tokens []model.Ref
	for _, r := range res.Affected {
		if r.Type == RefServiceToken {
			tokens = append(tokens, r)
		}
	}
	if len(tokens) != 2 || !strings.Contains(res.Message, tokens[0].ID) || !strings.Contains(tokens[0].Name, "primary") || !strings.Contains(tokens[1].Name, "expires") {
		t.Fatalf("service tokens in the result: %+v", res)
	}
	row, err := p.Connection(ctxT(t), res.Affected[0].ID)
	if err != nil || row.Pending == nil || !row.Pending.WaitingOnUs || !strings.Contains(row.Pending.Description, tokens[1].ID) {
		t.Fatalf("new shared interconnection waits on us to redeem the tokens: %v %+v", err, row.Pending)
	}
}

func TestForbiddenAndUnauthorized(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	p := e.provider(t, validateAll)
	cs := listed(t, p)
	ro, ok := findConn(cs, func(c model.Connection) bool {
		return c.Type == RowVLANVC && strings.Contains(c.A.Account, "billing-readonly") && c.HasAction(model.ActionUpdate)
	})
	if !ok {
		t.Fatal("no VC in the read-only project")
	}
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{ID: ro.ID}, Params: map[string]string{model.ParamName: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Do(ctxT(t), a)
	if !errors.Is(err, model.ErrForbidden) || res.Status != http.StatusForbidden || !strings.Contains(err.Error(), "not authorized") || !strings.Contains(err.Error(), "ask an owner") {
		t.Fatalf("read-only project: %v (%+v)", err, res)
	}

	// The read-only token reads, and may change nothing.
	rop, err := New("metal-ro", e.baseURL(), DemoReadOnlyToken, httpx.WithHTTPClient(&http.Client{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rop.Connections(ctxT(t), nil); err != nil {
		t.Fatal(err)
	}
	free, _ := findConn(cs, func(c model.Connection) bool {
		return c.Type == RowVLANVC && !strings.Contains(c.A.Account, "readonly")
	})
	a, _ = rop.Plan(model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{ID: free.ID}, Params: map[string]string{model.ParamName: "x"}})
	if _, err := rop.Do(ctxT(t), a); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("read-only token: %v", err)
	}

	bad, _ := New("metal-bad", e.baseURL(), "wrong-token-1234", httpx.WithHTTPClient(&http.Client{}))
	_, err = bad.Connections(ctxT(t), nil)
	if !errors.Is(err, model.ErrUnauthorized) || !strings.Contains(err.Error(), "Invalid authentication token") || strings.Contains(err.Error(), "wrong-token-1234") {
		t.Fatalf("bad token: %v", err)
	}
}

// The validator is what makes the tests above meaningful: it must report
// requests and answers that break the spec.
func TestSpecValidatorCatchesViolations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		// "bogus" is no VLAN VC status, and "color" no field of it.
		_, _ = w.Write([]byte(`{"id":"` + uuidA + `","type":"vlan","status":"bogus","color":"red"}`))
	}))
	defer srv.Close()
	hc, log := newValidatingClientNoFail(t)
	c, err := NewClient(srv.URL+"/metal/v1", WithToken("t0ken-abcd"), httpx.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.GetVirtualCircuit(ctxT(t), uuidA)
	_, _, _ = c.UpdateVirtualCircuit(ctxT(t), uuidA, VirtualCircuitUpdateInput{Name: ptr("x")})
	_, _ = c.send(ctxT(t), model.HTTPRequest{Method: http.MethodPut, Path: "/virtual-circuits/" + uuidA, Body: []byte(`{"name": 12, "speedy": "1g"}`)})
	v := strings.Join(log.Violations(), "\n")
	for _, want := range []string{`response 200 to GET /virtual-circuits/{id}`, `/color is not in the schema`, `/speedy is not in the schema`, `matches no branch`} {
		if !strings.Contains(v, want) {
			t.Errorf("validator missed %q in:\n%s", want, v)
		}
	}
}

const (
	uuidA = "0f5b5c1e-1111-4a1a-9a1a-000000000001"
	uuidB = "0f5b5c1e-2222-4a1a-9a1a-000000000002"
	uuidC = "0f5b5c1e-3333-4a1a-9a1a-000000000003"
	uuidD = "0f5b5c1e-4444-4a1a-9a1a-000000000004"
)

func ptr[T any](v T) *T { return &v }
