package fabric

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// planProvider is a provider with a fixture and ports loaded in its cache
// (Plan does no I/O, so no server is needed).
func planProvider(t *testing.T, fixtures ...string) *Provider {
	t.Helper()
	p, err := New("plan", "http://127.0.0.1:1", Credentials{Token: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fixtures {
		c := loadFixture(t, f)
		p.keep(c)
	}
	enc := func(s string) *PortEncapsulation { return &PortEncapsulation{Type: s} }
	am := &SimplifiedLocation{MetroCode: "AM"}
	p.ports = []Port{
		{UUID: "port-am-small", Name: "am-1", State: "ACTIVE", Location: am, Encapsulation: enc("DOT1Q"), AvailableBandwidth: 100},
		{UUID: "port-am-big", Name: "am-2", State: "ACTIVE", Location: am, Encapsulation: enc("DOT1Q"), AvailableBandwidth: 9000},
		{UUID: "port-am-down", Name: "am-0", State: "INACTIVE", Location: am, Encapsulation: enc("DOT1Q"), AvailableBandwidth: 99999},
		{UUID: "port-fr", Name: "fr-1", State: "ACTIVE", Location: &SimplifiedLocation{MetroCode: "FR"}, Encapsulation: enc("QINQ"), AvailableBandwidth: 99999},
		{UUID: "port-am-qinq", Name: "am-3", State: "ACTIVE", Location: am, Encapsulation: enc("QINQ"), AvailableBandwidth: 50},
	}
	return p
}

const spID = "0d4c7e2a-1111-4a0b-9c3d-000000000002" // pending_creation_incoming_sp.json, metro AM

func planBody(t *testing.T, a model.Action) ConnectionActionRequest {
	t.Helper()
	var b ConnectionActionRequest
	if err := json.Unmarshal(a.HTTP.Body, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPlanChoosesPortAndLowestFreeVLAN(t *testing.T) {
	p := planProvider(t, "pending_creation_incoming_sp.json")
	// Another connection already uses VLANs 2 and 3 on the big port.
	for i, v := range []int{2, 3} {
		id := fmt.Sprintf("0d4c7e2a-9999-4a0b-9c3d-00000000000%d", i)
		p.keep(Connection{UUID: id, ZSide: ConnectionSide{AccessPoint: &AccessPoint{Port: &SimplifiedPort{UUID: "port-am-big"}, LinkProtocol: &LinkProtocol{Type: "DOT1Q", VlanTag: v}}}})
	}
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: spID}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "type": "CONNECTION_CREATION_ACCEPTANCE",
  "data": {
    "zSide": {
      "accessPoint": {
        "type": "COLO",
        "port": {
          "uuid": "port-am-big"
        },
        "linkProtocol": {
          "type": "DOT1Q",
          "vlanTag": 4
        }
      }
    }
  }
}`
	if string(a.HTTP.Body) != want {
		t.Fatalf("body:\n%s\nwant:\n%s", a.HTTP.Body, want)
	}
	if a.Title != "Approve creation of quartzforge-AM-cloud-03" || a.NeedsReason || a.ConfirmText != "" {
		t.Fatalf("plan %+v", a)
	}
}

func TestPlanParamsOverrideAndAreChecked(t *testing.T) {
	p := planProvider(t, "pending_creation_incoming_sp.json")
	plan := func(params map[string]string) (model.Action, error) {
		return p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: spID}, Params: params})
	}
	// The operator's port and VLAN, on a QinQ port: an S-tag and a C-tag
	// (by default the requester's VLAN, 310 in the fixture).
	a, err := plan(map[string]string{ParamPort: "port-am-qinq", ParamVLAN: "777"})
	if err != nil {
		t.Fatal(err)
	}
	ap := planBody(t, a).Data.ZSide.AccessPoint
	if lp := ap.LinkProtocol; ap.Port.UUID != "port-am-qinq" || lp.Type != "QINQ" || lp.VlanSTag != 777 || lp.VlanCTag != 310 || lp.VlanTag != 0 {
		t.Fatalf("access point %+v %+v, want QINQ 777.310 on the QinQ port", ap.Port, ap.LinkProtocol)
	}
	a = must1[model.Action](t)(plan(map[string]string{ParamPort: "port-am-qinq", ParamVLAN: "777", ParamInnerVLAN: "42"}))
	if lp := planBody(t, a).Data.ZSide.AccessPoint.LinkProtocol; lp.VlanCTag != 42 {
		t.Fatalf("inner tag %+v", lp)
	}
	// A DOT1Q port of the operator's choice with a free VLAN.
	a = must1[model.Action](t)(plan(map[string]string{ParamPort: "port-am-small", ParamVLAN: "100"}))
	if lp := planBody(t, a).Data.ZSide.AccessPoint.LinkProtocol; lp.Type != "DOT1Q" || lp.VlanTag != 100 {
		t.Fatalf("dot1q %+v", lp)
	}
	// Refused: bad VLANs, an inner tag on DOT1Q, a port elsewhere, down, or
	// not ours, and a VLAN already used on the port.
	p.keep(Connection{UUID: "0d4c7e2a-9999-4a0b-9c3d-000000000001", State: "ACTIVE",
		ZSide: ConnectionSide{AccessPoint: &AccessPoint{Port: &SimplifiedPort{UUID: "port-am-small"}, LinkProtocol: &LinkProtocol{Type: "DOT1Q", VlanTag: 555}}}})
	for _, bad := range []struct {
		params map[string]string
		want   string
	}{
		{map[string]string{ParamVLAN: "0"}, "2..4092"},
		{map[string]string{ParamVLAN: "4093"}, "2..4092"},
		{map[string]string{ParamVLAN: "vlan"}, "2..4092"},
		{map[string]string{ParamPort: "port-am-qinq", ParamVLAN: "777", ParamInnerVLAN: "5000"}, "2..4092"},
		{map[string]string{ParamPort: "port-am-small", ParamInnerVLAN: "12"}, "DOT1Q"},
		{map[string]string{ParamPort: "port-fr"}, `in metro "FR"`},
		{map[string]string{ParamPort: "port-am-down"}, "cannot take a connection"},
		{map[string]string{ParamPort: "port-unknown"}, "not one of our known ports"},
		{map[string]string{ParamPort: "port-am-small", ParamVLAN: "555"}, "VLAN 555 is already in use on port am-1"},
	} {
		if _, err := plan(bad.params); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: %v, want %q", bad.params, err, bad.want)
		}
	}
	// The VLAN that clashes on one port is fine on another.
	if _, err := plan(map[string]string{ParamPort: "port-am-big", ParamVLAN: "555"}); err != nil {
		t.Errorf("VLAN 555 on another port: %v", err)
	}
	p.ports = nil
	if _, err := plan(nil); err == nil || !strings.Contains(err.Error(), `"port"`) {
		t.Fatalf("no known port: %v", err)
	}
}

// The data the port picker shows: our ports in the metro, best first, the
// VLANs used on each, the QinQ ones needing an inner tag, the pre-selected
// port and VLAN the same a plan without parameters takes.
func TestLandingPorts(t *testing.T) {
	p := planProvider(t, "pending_creation_incoming_sp.json", "pending_update_qinq.json")
	p.portsAt = time.Now().Add(time.Hour) // fresh: no refresh from the (absent) server
	for i, v := range []int{2, 3, 7} {
		id := fmt.Sprintf("0d4c7e2a-9999-4a0b-9c3d-00000000000%d", i)
		p.keep(Connection{UUID: id, State: "ACTIVE", ZSide: ConnectionSide{AccessPoint: &AccessPoint{Port: &SimplifiedPort{UUID: "port-am-big"}, LinkProtocol: &LinkProtocol{Type: "DOT1Q", VlanTag: v}}}})
	}
	lps, err := p.LandingPorts(ctx, model.Ref{ID: spID})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, lp := range lps {
		names = append(names, lp.Name)
	}
	if strings.Join(names, ",") != "am-2,am-1,am-3" {
		t.Fatalf("ports %v: AM only, active only, most free bandwidth first", names)
	}
	big, qinq := lps[0], lps[2]
	if !big.Suggested || big.SuggestedVLAN != 4 || !slices.Equal(big.UsedVLANs, []int{2, 3, 7}) || big.FreeMbps != 9000 || big.Encapsulation != "DOT1Q" || big.InnerTag {
		t.Errorf("big port %+v", big)
	}
	if lps[1].Suggested || !qinq.InnerTag || qinq.Encapsulation != "QINQ" || qinq.SuggestedVLAN != 2 {
		t.Errorf("other ports %+v %+v", lps[1], qinq)
	}
	a := must1[model.Action](t)(p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: spID}}))
	ap := planBody(t, a).Data.ZSide.AccessPoint
	if ap.Port.UUID != big.ID || ap.LinkProtocol.VlanTag != big.SuggestedVLAN {
		t.Errorf("plan took %s/%d, picker suggests %s/%d", ap.Port.UUID, ap.LinkProtocol.VlanTag, big.ID, big.SuggestedVLAN)
	}
	// Not for a request that already names our port, nor an unknown one.
	if _, err := p.LandingPorts(ctx, model.Ref{ID: "0d4c7e2a-1111-4a0b-9c3d-000000000004"}); !errors.Is(err, model.ErrUnsupported) {
		t.Errorf("update request: %v", err)
	}
	if _, err := p.LandingPorts(ctx, model.Ref{ID: "nope"}); err == nil {
		t.Error("unknown connection")
	}
}

func TestPlanRefusals(t *testing.T) {
	p := planProvider(t, "pending_creation_outgoing.json", "active_dot1q.json", "pending_update_qinq.json")
	for _, tc := range []struct {
		name string
		req  model.ActionRequest
		want error
	}{
		{"not loaded", model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: "nope"}}, nil},
		{"outgoing", model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: "0d4c7e2a-1111-4a0b-9c3d-000000000003"}}, model.ErrUnsupported},
		{"nothing pending", model.ActionRequest{Kind: model.ActionReject, Target: model.Ref{ID: "0d4c7e2a-1111-4a0b-9c3d-000000000001"}, Reason: "x"}, model.ErrUnsupported},
		{"decommission", model.ActionRequest{Kind: model.ActionDecommission, Target: model.Ref{ID: "0d4c7e2a-1111-4a0b-9c3d-000000000004"}}, model.ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Plan(tc.req)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionReject, Target: model.Ref{ID: "0d4c7e2a-1111-4a0b-9c3d-000000000004"}, Reason: "  too expensive  "})
	if err != nil {
		t.Fatal(err)
	}
	if b := planBody(t, a); b.Type != ActionUpdateRejection || b.Description != "too expensive" || !a.NeedsReason || a.Idempotent {
		t.Fatalf("update rejection %+v %s", a, a.HTTP.Body)
	}
	if !strings.Contains(a.Title, "bandwidth=2000") {
		t.Fatalf("title %q does not describe the update", a.Title)
	}
}

func TestDoRefusesAnythingButAnAction(t *testing.T) {
	p := planProvider(t)
	for _, h := range []model.HTTPRequest{
		{Method: "DELETE", Path: "/fabric/v4/connections/x/actions"},
		{Method: "DELETE", Path: "/fabric/v4/connections/x", Body: []byte(`{}`)},
		{Method: "PATCH", Path: "/fabric/v4/connections/x", Body: []byte(`[]`)}, // not a JSON patch
		{Method: "PATCH", Path: "/fabric/v4/connections/x?dryRun=true", Body: []byte(`[]`), ContentType: ContentJSONPatch},
		{Method: "POST", Path: "/fabric/v4/ports"},
		{Method: "GET", Path: "/fabric/v4/connections/x/actions"},
		{Method: "DELETE", Path: "/fabric/v4/connections/../ports"},
	} {
		if _, err := p.Do(ctx, model.Action{HTTP: h}); err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%s %s: %v", h.Method, h.Path, err)
		}
	}
}

func TestCredentialsNeverPrint(t *testing.T) {
	c := Credentials{ClientID: "the-id", ClientSecret: "the-secret", Token: ""}
	var sb strings.Builder
	slog.New(slog.NewTextHandler(&sb, nil)).Info("x", "creds", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), sb.String(),
		fmt.Sprintf("%+v", TokenRequest{ClientID: "the-id", ClientSecret: "the-secret"}),
		fmt.Sprintf("%#v", TokenResponse{AccessToken: "the-token"})} {
		for _, secret := range []string{"the-id", "the-secret", "the-token"} {
			if strings.Contains(s, secret) {
				t.Fatalf("%q leaks %q", s, secret)
			}
		}
	}
	for _, bad := range []Credentials{{}, {ClientID: "a"}, {ClientSecret: "b"}} {
		if _, err := New("x", "http://127.0.0.1:1", bad); err == nil {
			t.Errorf("credentials %v accepted", bad)
		}
	}
	if _, err := New("", "http://127.0.0.1:1", Credentials{Token: "t"}); err == nil {
		t.Error("empty name accepted")
	}
	if _, err := New("x", "::not a url", Credentials{Token: "t"}); err == nil {
		t.Error("bad URL accepted")
	}
}

func TestPlanDoesNotReproposeAClaimedVLAN(t *testing.T) {
	p := planProvider(t, "pending_creation_incoming_sp.json")
	p.claim([]byte(`{"type":"CONNECTION_CREATION_ACCEPTANCE","data":{"zSide":{"accessPoint":{"type":"COLO","port":{"uuid":"port-am-big"},"linkProtocol":{"type":"DOT1Q","vlanTag":2}}}}}`))
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: spID}})
	if err != nil {
		t.Fatal(err)
	}
	if lp := planBody(t, a).Data.ZSide.AccessPoint.LinkProtocol; lp.VlanTag != 3 {
		t.Fatalf("proposed VLAN %d, want 3 (2 was just requested)", lp.VlanTag)
	}
}
