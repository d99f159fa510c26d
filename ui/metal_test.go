package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/inventory"
	"github.com/noctop/noctop/ui/mutate"
)

// metalWorld is a Metal-like provider: one dedicated interconnection with
// a port pair and virtual circuits as connection rows and as an inventory
// tree. An update or deletion moves the circuit through a transitional
// status that ends after settleAfter re-reads.
type metalWorld struct {
	mu          sync.Mutex
	name        string
	vcs         []model.Connection
	reads       map[string]int
	settleAfter int
	sent        []model.Action
	readOnly    bool
}

const (
	vcWeb  = "11111111-1111-4111-8111-111111111111"
	vcDB   = "22222222-2222-4222-8222-222222222222"
	vcNew  = "33333333-3333-4333-8333-333333333333"
	vcVRF  = "44444444-4444-4444-8444-444444444444"
	icID   = "99999999-9999-4999-8999-999999999999"
	vnUUID = "55555555-5555-4555-8555-555555555555"
)

func newMetalWorld() *metalWorld {
	at := time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC)
	vc := func(id, name, status string, st model.State, vnid, nni int, acts ...model.ActionKind) model.Connection {
		c := model.Connection{Provider: "metal-demo", ProviderKind: "fake", ID: id, Name: name, Type: "vlan-vc", State: st, RawState: status,
			BandwidthMbps: 1000, Status: "primary port active", Created: at, Updated: at, Actions: acts,
			A: model.Endpoint{Type: "metal", Name: "web-prod", Metro: "am", Account: "Acme / web-prod"},
			Z: model.Endpoint{Type: "port", Name: "ams-dedicated", PortName: "ams-primary (primary)", Metro: "am", VLANs: []int{nni}}}
		if vnid > 0 {
			c.A.VLANs = []int{vnid}
		}
		return c
	}
	all := []model.ActionKind{model.ActionUpdate, model.ActionDecommission}
	w := &metalWorld{name: "metal-demo", reads: map[string]int{}, settleAfter: 2, vcs: []model.Connection{
		vc(vcWeb, "vc-web", "active", model.StateActive, 1101, 301, all...),
		vc(vcDB, "vc-db", "active", model.StateActive, 1102, 302, all...),
		vc(vcNew, "vc-new", "waiting_on_customer_vlan", model.StatePending, 0, 303, append([]model.ActionKind{model.ActionApprove}, all...)...),
		vc(vcVRF, "vc-vrf", "active", model.StateActive, 0, 304, all...),
	}}
	w.vcs[2].Pending = &model.PendingChange{Kind: model.ChangeCreation, WaitingOnUs: true, Status: "waiting_on_customer_vlan", Since: at,
		Description: "set the Metal VLAN: update the virtual circuit with a virtual network in metro am of project web-prod (NNI VLAN 303)"}
	w.vcs[3].Type, w.vcs[3].A.Extra = "vrf-vc", "VRF vrf-prod, subnet 10.0.0.0/30"
	return w
}

func (w *metalWorld) source() model.Source {
	return model.Source{Name: w.name, Kind: "fake", ReadOnly: w.readOnly, Connections: w, Connection: w, Inventory: w, Planner: w, Runner: w}
}

func (w *metalWorld) Connections(context.Context, *model.Progress) ([]model.Connection, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]model.Connection(nil), w.vcs...), nil
}

func (w *metalWorld) find(id string) int {
	for i := range w.vcs {
		if w.vcs[i].ID == id {
			return i
		}
	}
	return -1
}

// Connection re-reads a circuit; a transitional status settles after
// settleAfter reads (a deletion then 404s).
func (w *metalWorld) Connection(_ context.Context, id string) (model.Connection, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	i := w.find(id)
	if i < 0 {
		return model.Connection{}, fmt.Errorf("%w: virtual circuit %s", model.ErrNotFound, id)
	}
	c := &w.vcs[i]
	w.reads[id]++
	if w.reads[id] > w.settleAfter {
		switch c.RawState {
		case "deleting":
			w.vcs = append(w.vcs[:i], w.vcs[i+1:]...)
			return model.Connection{}, fmt.Errorf("%w: virtual circuit %s", model.ErrNotFound, id)
		case "changing_vlan", "activating":
			c.State, c.RawState, c.Pending = model.StateActive, "active", nil
			c.Actions = []model.ActionKind{model.ActionUpdate, model.ActionDecommission}
		}
	}
	return *c, nil
}

func (w *metalWorld) Inventory(context.Context, *model.Progress) ([]model.Node, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var vcs []model.Node
	for _, c := range w.vcs {
		vlan := "VRF · NNI " + strconv.Itoa(c.Z.VLANs[0])
		if c.Type == "vlan-vc" {
			v := "–"
			if len(c.A.VLANs) > 0 {
				v = strconv.Itoa(c.A.VLANs[0])
			}
			vlan = "VLAN " + v + " → NNI " + strconv.Itoa(c.Z.VLANs[0])
		}
		vcs = append(vcs, model.Node{Ref: model.Ref{Provider: w.name, Type: "virtual-circuit", ID: c.ID, Name: c.Name}, Kind: "virtual-circuit",
			Label: c.Name + " · " + vlan + " · 1G", State: c.State, RawState: c.RawState,
			Fields: []model.Field{{Key: "id", Value: c.ID}, {Key: "status", Value: c.RawState}}})
	}
	port := model.Node{Ref: model.Ref{Provider: w.name, Type: "port", ID: "port-1", Name: "ams-primary"}, Kind: "port", Label: "ams-primary (primary) · 10G", State: model.StateActive, Children: vcs}
	port2 := model.Node{Ref: model.Ref{Provider: w.name, Type: "port", ID: "port-2", Name: "ams-secondary"}, Kind: "port", Label: "ams-secondary (secondary) · 10G", State: model.StateActive}
	ic := model.Node{Ref: model.Ref{Provider: w.name, Type: "interconnection", ID: icID, Name: "ams-dedicated"}, Kind: "interconnection",
		Label: "ams-dedicated · dedicated · am · 2 ports", State: model.StatePending, Children: []model.Node{port, port2}}
	proj := model.Node{Ref: model.Ref{Provider: w.name, Type: "project", ID: "proj-1", Name: "web-prod"}, Kind: "project", Label: "web-prod · 1 interconnection", State: model.StatePending, Children: []model.Node{ic}}
	org := model.Node{Ref: model.Ref{Provider: w.name, Type: "organization", ID: "org-1", Name: "Acme"}, Kind: "organization", Label: "Acme · 1 project", State: model.StatePending, Children: []model.Node{proj}}
	return []model.Node{org}, nil
}

// Plan builds Metal-shaped requests: PUT /virtual-circuits/{id} with the
// vnid, DELETE with a typed name; setting the VLAN of a circuit waiting on
// one needs Prepare first (a free virtual network).
func (w *metalWorld) Plan(req model.ActionRequest) (model.Action, error) {
	w.mu.Lock()
	i := w.find(req.Target.ID)
	var c model.Connection
	if i >= 0 {
		c = w.vcs[i]
	}
	w.mu.Unlock()
	if i < 0 {
		return model.Action{}, fmt.Errorf("virtual circuit %q is not loaded", req.Target.ID)
	}
	path := "/metal/v1/virtual-circuits/" + c.ID
	a := model.Action{Request: req, Risk: model.RiskMedium}
	switch req.Kind {
	case model.ActionDecommission:
		a.Title, a.Risk, a.ConfirmText = "Delete virtual circuit "+c.Name, model.RiskHigh, c.Name
		a.HTTP = model.HTTPRequest{Method: "DELETE", Path: path}
		return a, nil
	case model.ActionApprove, model.ActionUpdate:
		v := strings.TrimSpace(req.Params[model.ParamVNID])
		if v == "" && req.Kind == model.ActionApprove {
			return model.Action{}, fmt.Errorf("%w: choose the virtual network", model.ErrPrepareFirst)
		}
		if v == "" {
			return model.Action{}, fmt.Errorf("nothing to change on %s", c.Name)
		}
		if n, err := strconv.Atoi(v); v != vnUUID && (err != nil || n < 2 || n > 3999) {
			return model.Action{}, fmt.Errorf("VLAN %q is neither a virtual network UUID nor a VLAN number in 2..3999", v)
		}
		a.Title = "Update virtual circuit " + c.Name + ": Metal VLAN → " + v
		b, _ := json.MarshalIndent(map[string]string{"vnid": v}, "", "  ")
		a.HTTP = model.HTTPRequest{Method: "PUT", Path: path, Body: b}
		return a, nil
	}
	return model.Action{}, model.ErrUnsupported
}

func (w *metalWorld) Prepare(_ context.Context, req model.ActionRequest) (model.ActionRequest, error) {
	out := req
	out.Params = map[string]string{}
	for k, v := range req.Params {
		out.Params[k] = v
	}
	out.Params[model.ParamVNID], out.Params[model.ParamVLAN] = vnUUID, "1200"
	return out, nil
}

func (w *metalWorld) Do(_ context.Context, a model.Action) (model.Result, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent = append(w.sent, a)
	i := w.find(a.Request.Target.ID)
	if i < 0 {
		return model.Result{}, fmt.Errorf("%w", model.ErrNotFound)
	}
	c := &w.vcs[i]
	w.reads[c.ID] = 0
	switch a.HTTP.Method {
	case "DELETE":
		c.State, c.RawState, c.Actions = model.StateDeprovisioning, "deleting", nil
		return model.Result{Action: a, Status: 202, Message: "Metal accepted the deletion (HTTP 202)"}, nil
	}
	var body struct{ VNID string }
	json.Unmarshal(a.HTTP.Body, &body)
	if c.RawState == "waiting_on_customer_vlan" {
		c.State, c.RawState = model.StateProvisioning, "activating"
		c.Pending = &model.PendingChange{Kind: model.ChangeCreation, Status: "activating", Description: "Metal is activating the virtual circuit"}
		c.A.VLANs = []int{1200}
	} else {
		c.State, c.RawState = model.StateChanging, "changing_vlan"
		n, _ := strconv.Atoi(body.VNID)
		c.A.VLANs = []int{n}
	}
	return model.Result{Action: a, Status: 200, Message: "Metal accepted the update (HTTP 200)"}, nil
}

func (w *metalWorld) Sent() []model.Action {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]model.Action(nil), w.sent...)
}

// plannedFor wraps the world so that Prepare is visible to the flow.
type metalPreparer struct{ *metalWorld }

func metalHarness(t *testing.T, w *metalWorld, opts ui.Options) *harness {
	t.Helper()
	// Follow the circuit's status with waits short enough for the harness.
	old := mutate.FollowDelays
	mutate.FollowDelays = []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}
	t.Cleanup(func() { mutate.FollowDelays = old })
	if opts.AuditPath == "" {
		opts.AuditPath = "/tmp/audit.log"
	}
	return newHarnessSources(t, opts, w.source())
}

// selectConn filters the Connections pane to name and checks the cursor.
func selectConn(t *testing.T, h *harness, name string) {
	t.Helper()
	h.keys("1", "/")
	h.typeText("name==" + name)
	h.keys("enter")
	if c, ok := connList(h).Selected(); !ok || c.Name != name {
		t.Fatalf("%s not selected", name)
	}
}

func TestMetalSetVLANFromConnections(t *testing.T) {
	w := newMetalWorld()
	h := metalHarness(t, w, ui.Options{})
	selectConn(t, h, "vc-web")
	h.keys("v")
	d := connList(h).Flow.Dialog()
	if d == nil {
		t.Fatalf("no dialog: %q", h.footer())
	}
	// Nothing to confirm until a new VLAN is typed.
	if !strings.Contains(d.PlanError(), "type the new Metal VLAN (now 1101)") {
		t.Fatalf("plan error %q", d.PlanError())
	}
	h.typeText("1101")
	if !strings.Contains(connList(h).Flow.Dialog().PlanError(), "VLAN 1101 is the current one") {
		t.Fatalf("the current VLAN was accepted")
	}
	for range 4 {
		h.keys("backspace")
	}
	h.typeText("1150")
	v := h.view()
	for _, s := range []string{"PUT /metal/v1/virtual-circuits/" + vcWeb, `"vnid": "1150"`, "Metal VLAN 1101 (NNI VLAN 301 on the port)"} {
		if !strings.Contains(v, s) {
			t.Errorf("dialog lacks %q:\n%s", s, v)
		}
	}
	h.keys("end", "tab", "enter")
	sent := w.Sent()
	if len(sent) != 1 || sent[0].HTTP.Method != "PUT" || string(sent[0].HTTP.Body) != "{\n  \"vnid\": \"1150\"\n}" {
		t.Fatalf("sent %v", sent)
	}
	// Re-read and followed until it left changing_vlan.
	l := connList(h)
	if !strings.Contains(l.Flow.Last, "✓ set the VLAN of vc-web · now: active") || !strings.Contains(l.Flow.Last, "now: active") {
		t.Fatalf("not followed to active: %q", l.Flow.Last)
	}
	if c, _ := l.Selected(); c == nil || c.RawState != "active" || c.A.VLANs[0] != 1150 {
		t.Fatalf("row not re-read: %+v", c)
	}
}

func TestMetalSetVLANGivesUpFollowing(t *testing.T) {
	w := newMetalWorld()
	w.settleAfter = 100
	h := metalHarness(t, w, ui.Options{})
	selectConn(t, h, "vc-web")
	h.keys("v")
	h.typeText("1150")
	h.keys("end", "tab", "enter")
	if l := connList(h).Flow.Last; !strings.Contains(l, "stopped following after 3 re-reads: still changing_vlan") {
		t.Fatalf("last %q", l)
	}
}

func TestMetalDeleteCircuitNeedsItsName(t *testing.T) {
	w := newMetalWorld()
	h := metalHarness(t, w, ui.Options{})
	selectConn(t, h, "vc-db")
	h.keys("D")
	d := connList(h).Flow.Dialog()
	if d == nil || d.Action().HTTP.Method != "DELETE" || !strings.Contains(h.view(), "Type vc-db to confirm") {
		t.Fatalf("no delete dialog:\n%s", h.view())
	}
	h.keys("end", "tab", "enter")
	if len(w.Sent()) != 0 || !strings.Contains(h.view(), `type "vc-db" exactly to confirm`) {
		t.Fatalf("deleted without the name:\n%s", h.view())
	}
	h.typeText("vc-db")
	h.keys("enter")
	if s := w.Sent(); len(s) != 1 || s[0].HTTP.Method != "DELETE" {
		t.Fatalf("sent %v", s)
	}
	if l := connList(h).Flow.Last; !strings.Contains(l, "✓ delete vc-db · now: gone (404) · settled after") {
		t.Fatalf("outcome %q", l)
	}
}

func TestMetalReadOnlyBlocksCircuitActions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		global bool
		reason string
	}{
		{"global", true, "--read-only"},
		{"provider", false, "read_only = true for metal-demo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newMetalWorld()
			w.readOnly = !tc.global
			h := metalHarness(t, w, ui.Options{ReadOnly: tc.global})
			selectConn(t, h, "vc-web")
			h.keys("v")
			if !strings.Contains(h.view(), "VLAN changes disabled ("+tc.reason+")") {
				t.Errorf("v: %q", h.footer())
			}
			h.keys("D")
			if !strings.Contains(h.view(), "deletion, deassignment and decommission disabled ("+tc.reason+")") {
				t.Errorf("D: %q", h.footer())
			}
			// Inventory: the same keys, the same reason.
			h.keys(strconv.Itoa(paneIndex(t, h, "Inventory") + 1))
			walkToCircuit(t, h, "vc-web")
			h.keys("v")
			if !strings.Contains(h.view(), "VLAN changes disabled ("+tc.reason+")") {
				t.Errorf("inventory v: %q", h.footer())
			}
			if connList(h).Flow.Active() || invPane(t, h).Flow().Active() || len(w.Sent()) != 0 {
				t.Fatal("a dialog opened or something was sent in read-only mode")
			}
			// Approvals lists the waiting circuit but offers nothing.
			h.keys("2")
			if l := h.line("vc-new"); l == "" || strings.Contains(l, "set VLAN") {
				t.Errorf("approvals row %q", l)
			}
		})
	}
}

func TestMetalWaitingCircuitApprovedBySettingVLAN(t *testing.T) {
	w := newMetalWorld()
	h := metalHarness(t, w, ui.Options{})
	h.keys("2")
	if l := h.line("vc-new"); !strings.Contains(l, "set VLAN") {
		t.Fatalf("approvals row %q", l)
	}
	h.keys("enter")
	if !strings.Contains(h.view(), "us (set the VLAN with a)") {
		t.Errorf("the detail view does not say what to do:\n%s", h.view())
	}
	h.keys("esc", "a")
	d := apprList(h).Flow.Dialog()
	if d == nil || d.Param() != "1200" || !strings.Contains(string(d.Action().HTTP.Body), vnUUID) {
		t.Fatalf("set-VLAN dialog: %v\n%s", d, h.view())
	}
	if !strings.Contains(h.view(), "set the Metal VLAN: update the virtual circuit") {
		t.Errorf("the dialog does not say what to do:\n%s", h.view())
	}
	h.keys("end", "tab", "enter")
	if s := w.Sent(); len(s) != 1 || !strings.Contains(string(s[0].HTTP.Body), vnUUID) {
		t.Fatalf("sent %v", s)
	}
	if l := apprList(h).Flow.Last; !strings.Contains(l, "✓ set the VLAN of vc-new · now: active (active) · settled after") {
		t.Fatalf("outcome %q", l)
	}
	if h.line("vc-new") != "" && strings.Contains(h.line("vc-new"), "set VLAN") {
		t.Errorf("still listed as waiting: %q", h.line("vc-new"))
	}
}

func invPane(t *testing.T, h *harness) *inventory.Pane {
	return h.m.Panes()[paneIndex(t, h, "Inventory")].(*inventory.Pane)
}

// walkToCircuit walks the tree down to the circuit named name, expanding
// organization › project › interconnection › port on the way.
func walkToCircuit(t *testing.T, h *harness, name string) {
	t.Helper()
	ip := invPane(t, h)
	for range 40 {
		rows := ip.Rows()
		if ip.Cursor() < len(rows) && strings.Contains(rows[ip.Cursor()], name) {
			return
		}
		h.keys("right", "down")
	}
	t.Fatalf("%s not reached: %v", name, ip.Rows())
}

func TestMetalSetVLANFromInventory(t *testing.T) {
	w := newMetalWorld()
	h := metalHarness(t, w, ui.Options{})
	h.keys(strconv.Itoa(paneIndex(t, h, "Inventory") + 1))
	walkToCircuit(t, h, "vc-web")
	h.keys("v")
	ip := invPane(t, h)
	if ip.Flow().Dialog() == nil || !strings.Contains(h.view(), "PUT /metal/v1/virtual-circuits/"+vcWeb) {
		t.Fatalf("no dialog:\n%s", h.view())
	}
	h.typeText("1160")
	h.keys("end", "tab", "enter")
	if s := w.Sent(); len(s) != 1 || !strings.Contains(string(s[0].HTTP.Body), "1160") {
		t.Fatalf("sent %v", s)
	}
	if l := ip.Flow().Last; !strings.Contains(l, "✓ set the VLAN of vc-web · now: active (active) · settled after") {
		t.Fatalf("outcome %q", l)
	}
	// A port is not a circuit: v says so.
	h.keys("up")
	h.keys("v")
	if !strings.Contains(h.view(), "select a virtual circuit") {
		t.Errorf("v on a port: %q", h.footer())
	}
}

func TestGoldenMetalRows(t *testing.T) {
	h := metalHarness(t, newMetalWorld(), demoOpts())
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenMetalTree(t *testing.T) {
	h := metalHarness(t, newMetalWorld(), demoOpts())
	h.keys(strconv.Itoa(paneIndex(t, h, "Inventory") + 1))
	walkToCircuit(t, h, "vc-new")
	golden.RequireEqual(t, []byte(h.view()))
}
