package fabric

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

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
		p.conns[c.UUID] = c
	}
	enc := func(s string) *PortEncapsulation { return &PortEncapsulation{Type: s} }
	am := &SimplifiedLocation{MetroCode: "AM"}
	p.ports = []Port{
		{UUID: "port-am-small", Name: "am-1", State: "ACTIVE", Location: am, Encapsulation: enc("DOT1Q"), AvailableBandwidth: 100},
		{UUID: "port-am-big", Name: "am-2", State: "ACTIVE", Location: am, Encapsulation: enc("DOT1Q"), AvailableBandwidth: 9000},
		{UUID: "port-am-down", Name: "am-0", State: "INACTIVE", Location: am, Encapsulation: enc("DOT1Q"), AvailableBandwidth: 99999},
		{UUID: "port-fr", Name: "fr-1", State: "ACTIVE", Location: &SimplifiedLocation{MetroCode: "FR"}, Encapsulation: enc("QINQ"), AvailableBandwidth: 99999},
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
		p.conns[id] = Connection{UUID: id, ZSide: ConnectionSide{AccessPoint: &AccessPoint{Port: &SimplifiedPort{UUID: "port-am-big"}, LinkProtocol: &LinkProtocol{Type: "DOT1Q", VlanTag: v}}}}
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
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: spID}, Params: map[string]string{ParamPort: "port-fr", ParamVLAN: "777"}})
	if err != nil {
		t.Fatal(err)
	}
	lp := planBody(t, a).Data.ZSide.AccessPoint.LinkProtocol
	if lp.Type != "QINQ" || lp.VlanSTag != 777 || lp.VlanTag != 0 {
		t.Fatalf("link protocol %+v, want QINQ S-tag 777 on the QinQ port", lp)
	}
	for _, bad := range []string{"0", "4093", "vlan"} {
		if _, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: spID}, Params: map[string]string{ParamVLAN: bad}}); err == nil {
			t.Errorf("VLAN %q accepted", bad)
		}
	}
	p.ports = nil
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: spID}}); err == nil || !strings.Contains(err.Error(), `"port"`) {
		t.Fatalf("no known port: %v", err)
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
		{Method: "DELETE", Path: "/fabric/v4/connections/x"},
		{Method: "POST", Path: "/fabric/v4/ports"},
		{Method: "GET", Path: "/fabric/v4/connections/x/actions"},
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
