package connections

import (
	"testing"

	"github.com/noctop/noctop/model"
)

func TestTransitional(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    model.Connection
		want string
	}{
		{"activating", model.Connection{State: model.StateProvisioning, RawState: "activating"}, "activating"},
		{"changing vlan", model.Connection{State: model.StateChanging, RawState: "changing_vlan"}, "changing_vlan"},
		{"deleting", model.Connection{State: model.StateDeprovisioning, RawState: "deleting"}, "deleting"},
		{"no raw state", model.Connection{State: model.StateDeprovisioning}, "deprovisioning"},
		{"active", model.Connection{State: model.StateActive, RawState: "active"}, ""},
		{"failed", model.Connection{State: model.StateFailed, RawState: "changing_vlan_failed"}, ""},
		{"waits on us", model.Connection{State: model.StatePending, RawState: "waiting_on_customer_vlan", Pending: &model.PendingChange{WaitingOnUs: true}}, ""},
		{"waits on Metal", model.Connection{State: model.StatePending, RawState: "pending", Pending: &model.PendingChange{}}, "pending"},
	} {
		if got := transitional(tc.c); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSetVLANNotOffered(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    model.Connection
		ok   bool
	}{
		{"active VLAN VC", model.Connection{Name: "a", Type: rowVLANVC, Actions: []model.ActionKind{model.ActionUpdate}}, true},
		{"waiting VLAN VC", model.Connection{Name: "a", Type: rowVLANVC, Actions: []model.ActionKind{model.ActionApprove}}, true},
		{"deleting VLAN VC", model.Connection{Name: "a", Type: rowVLANVC}, false},
		{"VRF VC", model.Connection{Name: "a", Type: rowVRFVC, Actions: []model.ActionKind{model.ActionUpdate}}, false},
		{"interconnection", model.Connection{Name: "a", Type: "dedicated", Actions: []model.ActionKind{model.ActionUpdate}}, false},
	} {
		if got := SetVLANNotOffered(tc.c); (got == "") != tc.ok {
			t.Errorf("%s: %q", tc.name, got)
		}
	}
}

func TestLandingApply(t *testing.T) {
	ports := []model.LandingPort{
		{ID: "d", Name: "D1", Encapsulation: "DOT1Q", UsedVLANs: []int{5}, SuggestedVLAN: 2, Suggested: true, Metro: "AM"},
		{ID: "q", Name: "Q1", Encapsulation: "QINQ", InnerTag: true, SuggestedVLAN: 3, Metro: "AM"},
	}
	ch := landingChoices(ports, nil, nil)
	for _, tc := range []struct {
		pick        int
		value       string
		err         string
		vlan, inner string
	}{
		{0, "10", "", "10", ""},
		{0, " 11 ", "", "11", ""},
		{0, "", "type the VLAN for port D1 (suggested 2)", "", ""},
		{0, "5", "VLAN 5 is already in use on port D1: choose another (2 is free)", "", ""},
		{0, "10:20", "port D1 is DOT1Q: it takes one VLAN, not S:C", "", ""},
		{1, "10:20", "", "10", "20"},
		{1, "10", "", "10", ""},
	} {
		ps := map[string]string{model.ParamInnerVLAN: "stale"}
		err := ch.Apply(ps, tc.pick, tc.value)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("%d %q: err %v, want %q", tc.pick, tc.value, err, tc.err)
			}
		case err != nil:
			t.Errorf("%d %q: %v", tc.pick, tc.value, err)
		case ps[model.ParamPort] != ports[tc.pick].ID || ps[model.ParamVLAN] != tc.vlan || ps[model.ParamInnerVLAN] != tc.inner:
			t.Errorf("%d %q: params %v", tc.pick, tc.value, ps)
		}
	}
	if ch.Selected != 0 || ch.ParamFor(1, -1, "") != "3" || ch.ParamFor(1, 0, "2") != "3" || ch.ParamFor(1, 0, "42") != "42" {
		t.Errorf("selection/prefill: %d %q %q %q", ch.Selected, ch.ParamFor(1, -1, ""), ch.ParamFor(1, 0, "2"), ch.ParamFor(1, 0, "42"))
	}
}
