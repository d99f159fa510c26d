package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
)

// landing wraps a fake world with a Fabric-like landing-port planner: an
// approved creation lands on the chosen port (or the best one) with the
// chosen VLAN (or the lowest free), and a VLAN in use there is refused.
type landing struct {
	*fake.World
	ports []model.LandingPort
}

func newLanding() *landing {
	w := fake.New("fabric-demo", 12, 3, 11)
	return &landing{World: w, ports: []model.LandingPort{
		{ID: "port-am-1", Name: "AM-Dot1q-1", Metro: "AM", State: "ACTIVE", SpeedMbps: 10000, FreeMbps: 7500, RedundancyGroup: "1", Priority: "PRIMARY",
			Encapsulation: "DOT1Q", UsedVLANs: []int{2, 3, 100}, Suggested: true, SuggestedVLAN: 4},
		{ID: "port-am-2", Name: "AM-Dot1q-2", Metro: "AM", State: "ACTIVE", SpeedMbps: 10000, FreeMbps: 6000, RedundancyGroup: "1", Priority: "SECONDARY",
			Encapsulation: "DOT1Q", UsedVLANs: []int{2, 300}, SuggestedVLAN: 3},
		{ID: "port-am-q", Name: "AM-QinQ-1", Metro: "AM", State: "ACTIVE", SpeedMbps: 1000, FreeMbps: 900,
			Encapsulation: "QINQ", InnerTag: true, SuggestedVLAN: 2},
	}}
}

func (l *landing) source() model.Source {
	s := l.World.Source()
	s.Planner, s.Landing, s.Inventory = l, l, l
	return s
}

// Inventory names the metro (Fabric's metro nodes: code and name).
func (l *landing) Inventory(context.Context, *model.Progress) ([]model.Node, error) {
	return []model.Node{{Ref: model.Ref{Provider: "fabric-demo", Type: "metro", ID: "AM", Name: "Amsterdam"}, Kind: "metro", Label: "AM Amsterdam"}}, nil
}

func (l *landing) LandingPorts(_ context.Context, target model.Ref) ([]model.LandingPort, error) {
	return slices.Clone(l.ports), nil
}

// Plan is the world's plan with the z-side of an approval in the body.
func (l *landing) Plan(req model.ActionRequest) (model.Action, error) {
	a, err := l.World.Plan(req)
	if err != nil || req.Kind != model.ActionApprove {
		return a, err
	}
	port := l.ports[0]
	if id := req.Params[model.ParamPort]; id != "" {
		i := slices.IndexFunc(l.ports, func(p model.LandingPort) bool { return p.ID == id })
		if i < 0 {
			return model.Action{}, fmt.Errorf("port %q is not one of ours", id)
		}
		port = l.ports[i]
	}
	vlan := port.SuggestedVLAN
	if v := req.Params[model.ParamVLAN]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 || n > 4092 {
			return model.Action{}, fmt.Errorf("VLAN %q is not a number in 2..4092", v)
		}
		vlan = n
	}
	if slices.Contains(port.UsedVLANs, vlan) {
		return model.Action{}, fmt.Errorf("VLAN %d is already in use on port %s: choose another", vlan, port.Name)
	}
	lp := map[string]any{"type": "DOT1Q", "vlanTag": vlan}
	if port.InnerTag {
		inner := 2
		if v := req.Params[model.ParamInnerVLAN]; v != "" {
			inner, _ = strconv.Atoi(v)
		}
		lp = map[string]any{"type": "QINQ", "vlanSTag": vlan, "vlanCTag": inner}
	}
	body := map[string]any{"type": "CONNECTION_CREATION_ACCEPTANCE", "data": map[string]any{"zSide": map[string]any{"accessPoint": map[string]any{
		"type": "COLO", "port": map[string]any{"uuid": port.ID}, "linkProtocol": lp}}}}
	a.HTTP.Body, _ = json.MarshalIndent(body, "", "  ")
	return a, nil
}

// ipamStub is an IPAM whose one block carries VLAN 7 in metro AM.
type ipamStub struct{}

func (ipamStub) Utilization(context.Context, model.UtilQuery) (model.Utilization, error) {
	return model.Utilization{}, nil
}
func (ipamStub) Blocks(context.Context, model.BlockQuery, *model.Progress) ([]model.Block, error) {
	return []model.Block{
		{ID: 1, Prefix: netip.MustParsePrefix("198.51.100.0/24"), Family: model.IPv4, Status: model.BlockAssigned, Region: "AM", RegionName: "Amsterdam", VLAN: 7, ResourceName: "Bluepeak"},
		{ID: 2, Prefix: netip.MustParsePrefix("203.0.113.0/24"), Family: model.IPv4, Status: model.BlockAssigned, Region: "FR", VLAN: 8},
		// A region of its own code, named after the metro's city.
		{ID: 3, Prefix: netip.MustParsePrefix("192.0.2.0/26"), Family: model.IPv4, Status: model.BlockAssigned, Region: "AMS", RegionName: "Amsterdam", VLAN: 9},
		{ID: 4, Prefix: netip.MustParsePrefix("192.0.2.64/26"), Family: model.IPv4, Status: model.BlockAssigned, Region: "FRA", RegionName: "Frankfurt", VLAN: 8},
	}, nil
}
func (ipamStub) MaskReport(context.Context, model.MaskQuery) (model.MaskReport, error) {
	return model.MaskReport{}, nil
}
func (ipamStub) HoldingTank(context.Context) (model.HoldingPreview, error) {
	return model.HoldingPreview{}, nil
}

func landingHarness(t *testing.T, l *landing) *harness {
	t.Helper()
	return newHarnessSources(t, ui.Options{AuditPath: "/tmp/audit.log"}, l.source(), model.Source{Name: "ipam", Kind: "fake", IPAM: ipamStub{}})
}

// openPicker opens the approve dialog of the oldest approval.
func openPicker(t *testing.T, h *harness) {
	t.Helper()
	h.keys("2", "a")
	if d := apprList(h).Flow.Dialog(); d == nil || d.Choice() < 0 {
		t.Fatalf("no port picker: %q", h.footer())
	}
}

func body(h *harness) string { return string(apprList(h).Flow.Dialog().Action().HTTP.Body) }

func TestLandingPickerChoosesPortAndVLAN(t *testing.T) {
	l := newLanding()
	h := landingHarness(t, l)
	openPicker(t, h)
	d := apprList(h).Flow.Dialog()
	if d.Choice() != 0 || d.Param() != "4" || !strings.Contains(body(h), `"uuid": "port-am-1"`) || !strings.Contains(body(h), `"vlanTag": 4`) {
		t.Fatalf("pre-selection: choice %d vlan %q body %s", d.Choice(), d.Param(), body(h))
	}
	for _, s := range []string{"▸ AM-Dot1q-1 · 10G · 7.5G free · group 1 primary · DOT1Q", "AM-Dot1q-2 · 10G · 6G free · group 1 secondary", "AM-QinQ-1"} {
		if !strings.Contains(h.view(), s) {
			t.Errorf("picker lacks %q:\n%s", s, h.view())
		}
	}
	// Another port: its own suggested VLAN follows, and the request too.
	h.keys("down")
	d = apprList(h).Flow.Dialog()
	if d.Choice() != 1 || d.Param() != "3" || !strings.Contains(body(h), `"uuid": "port-am-2"`) || !strings.Contains(body(h), `"vlanTag": 3`) {
		t.Fatalf("after down: choice %d vlan %q body %s", d.Choice(), d.Param(), body(h))
	}
	// Another VLAN, typed.
	h.keys("ctrl+n", "backspace")
	h.typeText("42")
	if !strings.Contains(body(h), `"vlanTag": 42`) || !strings.Contains(body(h), `"uuid": "port-am-2"`) {
		t.Fatalf("typed VLAN not in the request: %s", body(h))
	}
	h.keys("end", "tab", "enter")
	calls := l.Calls()
	if len(calls) != 1 || !strings.Contains(string(calls[0].HTTP.Body), `"vlanTag": 42`) || !strings.Contains(string(calls[0].HTTP.Body), "port-am-2") {
		t.Fatalf("sent %v", calls)
	}
	if !strings.Contains(apprList(h).Flow.Last, "✓ approve") {
		t.Errorf("outcome %q", apprList(h).Flow.Last)
	}
}

func TestLandingPickerRefusesClashAndWarnsIPAM(t *testing.T) {
	l := newLanding()
	h := landingHarness(t, l)
	openPicker(t, h)
	h.keys("ctrl+n", "backspace")
	h.typeText("100") // in use on AM-Dot1q-1
	if !strings.Contains(h.view(), "VLAN 100 is already in use on port AM-Dot1q-1") {
		t.Fatalf("clash not shown:\n%s", h.view())
	}
	h.keys("end", "tab", "enter")
	if len(l.Calls()) != 0 || apprList(h).Flow.Dialog() == nil || !strings.Contains(h.view(), "cannot confirm") {
		t.Fatalf("a clash was sent or closed the dialog: %v", l.Calls())
	}
	// The same VLAN is free on the other port: moving there clears it.
	h.keys("ctrl+p", "down")
	if d := apprList(h).Flow.Dialog(); d.PlanError() != "" || d.Param() != "100" || !strings.Contains(body(h), "port-am-2") {
		t.Fatalf("on AM-Dot1q-2: err %q vlan %q", d.PlanError(), d.Param())
	}
	// VLAN 7 is carried by an IPAM block in AM: warned, named, not blocked.
	h.keys("ctrl+n", "backspace", "backspace", "backspace")
	h.typeText("7")
	if !strings.Contains(h.view(), "IPAM: VLAN 7 is carried by 198.51.100.0/24 (Bluepeak) in AM") {
		t.Fatalf("no IPAM warning:\n%s", h.view())
	}
	for _, tc := range []struct{ vlan, want string }{
		{"9", "IPAM: VLAN 9 is carried by 192.0.2.0/26 in AM"}, // by the region's name
		{"8", ""}, // Frankfurt's, not here
		{"7", "IPAM: VLAN 7 is carried by 198.51.100.0/24 (Bluepeak) in AM"},
	} {
		h.keys("backspace")
		h.typeText(tc.vlan)
		if w := apprList(h).Flow.Dialog().Warning(); w != tc.want && !strings.HasPrefix(w, tc.want+";") {
			t.Errorf("VLAN %s: warning %q, want %q", tc.vlan, w, tc.want)
		}
	}
	if !apprList(h).Flow.Dialog().FocusOnConfirm() {
		t.Fatal("focus left Confirm")
	}
	h.keys("end", "enter")
	if calls := l.Calls(); len(calls) != 1 || !strings.Contains(string(calls[0].HTTP.Body), `"vlanTag": 7`) {
		t.Fatalf("the warned VLAN was not sent: %v", calls)
	}
}

func TestLandingPickerQinQInnerTag(t *testing.T) {
	l := newLanding()
	h := landingHarness(t, l)
	openPicker(t, h)
	h.keys("up") // wraps to the QinQ port
	h.keys("ctrl+n", "backspace")
	h.typeText("20:33")
	if b := body(h); !strings.Contains(b, `"vlanSTag": 20`) || !strings.Contains(b, `"vlanCTag": 33`) {
		t.Fatalf("QinQ tags: %s", b)
	}
	h.keys("ctrl+p", "up") // a DOT1Q port refuses an inner tag
	if d := apprList(h).Flow.Dialog(); !strings.Contains(d.PlanError(), "takes one VLAN") {
		t.Fatalf("DOT1Q with S:C: %q", d.PlanError())
	}
}

func TestGoldenLandingPicker(t *testing.T) {
	for _, sz := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h := landingHarness(t, newLanding())
			h.size(sz[0], sz[1])
			openPicker(t, h)
			h.keys("down")
			golden.RequireEqual(t, []byte(h.view()))
		})
	}
}
