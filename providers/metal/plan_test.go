package metal

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
)

// Plan works from what the last listing loaded and does no I/O: these
// tests load hand-written objects into a provider whose base URL points
// nowhere, and check the exact requests.

const (
	dedID      = "d0000000-0000-4000-8000-000000000001"
	priID      = "d0000000-0000-4000-8000-000000000002"
	secID      = "d0000000-0000-4000-8000-000000000003"
	waitVC     = "d0000000-0000-4000-8000-000000000004"
	vrfVC      = "d0000000-0000-4000-8000-000000000005"
	sharedID   = "d0000000-0000-4000-8000-000000000006"
	sharedPort = "d0000000-0000-4000-8000-000000000007"
	sharedVC   = "d0000000-0000-4000-8000-000000000008"
	projID     = "d0000000-0000-4000-8000-000000000009"
	orgIDc     = "d0000000-0000-4000-8000-00000000000a"
	vrfIDc     = "d0000000-0000-4000-8000-00000000000b"
	vnIDc      = "d0000000-0000-4000-8000-00000000000c"
	emptyDed   = "d0000000-0000-4000-8000-00000000000d"
	emptyPort  = "d0000000-0000-4000-8000-00000000000e"
)

var planFixtures = map[string]struct{ conn, vcs string }{
	dedID: {
		conn: `{"id":"` + dedID + `","name":"da-core-1","type":"dedicated","mode":"standard","redundancy":"redundant","status":"active",
		  "speed":10000000000,"metro":{"code":"da"},"organization":{"href":"/metal/v1/organizations/` + orgIDc + `"},
		  "project":{"href":"/metal/v1/projects/` + projID + `"},
		  "ports":[{"id":"` + priID + `","role":"primary","status":"active","name":"da-pri","speed":10000000000},
		           {"id":"` + secID + `","role":"secondary","status":"requested","name":"da-sec","speed":10000000000}]}`,
		vcs: `[{"id":"` + waitVC + `","type":"vlan","name":"wait-1","status":"waiting_on_customer_vlan","nni_vlan":1201,
		        "port":{"href":"/metal/v1/connections/` + dedID + `/ports/` + priID + `"},"project":{"href":"/metal/v1/projects/` + projID + `"}},
		       {"id":"` + vrfVC + `","type":"vrf","name":"l3-1","status":"active","nni_vlan":1202,"peer_asn":65001,"subnet":"10.1.0.0/30",
		        "vrf":{"href":"/metal/v1/vrfs/` + vrfIDc + `"},"port":{"href":"/metal/v1/connections/` + dedID + `/ports/` + priID + `"}}]`,
	},
	sharedID: {
		conn: `{"id":"` + sharedID + `","name":"da-fvc-1","type":"shared","redundancy":"primary","status":"active","speed":1000000000,
		  "metro":{"code":"da"},"project":{"href":"/metal/v1/projects/` + projID + `"},
		  "ports":[{"id":"` + sharedPort + `","role":"primary","status":"active"}]}`,
		vcs: `[{"id":"` + sharedVC + `","type":"vlan","name":"fvc-vc","status":"active","vnid":1500,"nni_vlan":1500,
		        "port":{"href":"/metal/v1/connections/` + sharedID + `/ports/` + sharedPort + `"}}]`,
	},
	emptyDed: {
		conn: `{"id":"` + emptyDed + `","name":"sv-new","type":"dedicated","mode":"standard","status":"active","metro":{"code":"sv"},
		  "ports":[{"id":"` + emptyPort + `","role":"primary","status":"active"}]}`,
		vcs: `[]`,
	},
}

func planProvider(t *testing.T) *Provider {
	t.Helper()
	p, err := New("metal-plan", "http://127.0.0.1:1/metal/v1", "tok-unused")
	if err != nil {
		t.Fatal(err)
	}
	ix := newIndex(simEpoch)
	ix.projects[projID] = Project{ID: projID, Name: "production"}
	ix.orgs[orgIDc] = Organization{ID: orgIDc, Name: "Noctop"}
	for _, f := range planFixtures {
		var ic Interconnection
		var vcs []VirtualCircuit
		if err := json.Unmarshal([]byte(f.conn), &ic); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(f.vcs), &vcs); err != nil {
			t.Fatal(err)
		}
		ix.addConn(&connEntry{ic: ic, ports: ic.Ports, vcs: vcs, orgID: orgID(ic.Organization), projectID: projectID(ic.Project)})
	}
	p.store(ix)
	return p
}

func TestPlanExactRequests(t *testing.T) {
	p := planProvider(t)
	ref := func(id string) model.Ref { return model.Ref{Provider: "metal-plan", Type: "connection", ID: id} }
	cases := []struct {
		name          string
		req           model.ActionRequest
		method, path  string
		body          string
		risk          model.Risk
		confirm       string
		titleContains string
	}{
		{"set the VLAN of a waiting VC (approve)",
			model.ActionRequest{Kind: model.ActionApprove, Target: ref(waitVC), Params: map[string]string{model.ParamVNID: vnIDc, model.ParamVLAN: "1001"}},
			"PUT", "/virtual-circuits/" + waitVC, "{\n  \"vnid\": \"" + vnIDc + "\"\n}", model.RiskMedium, "", "VLAN 1001"},
		{"update a VC's VLAN by number, name and speed",
			model.ActionRequest{Kind: model.ActionUpdate, Target: ref(waitVC), Params: map[string]string{model.ParamVNID: "1001", model.ParamName: "new name", model.ParamSpeed: "500 Mbps"}},
			"PUT", "/virtual-circuits/" + waitVC, "{\n  \"name\": \"new name\",\n  \"speed\": \"500mbps\",\n  \"vnid\": \"1001\"\n}", model.RiskMedium, "", "Metal VLAN → VLAN 1001"},
		{"clear a description (low risk)",
			model.ActionRequest{Kind: model.ActionUpdate, Target: ref(waitVC), Params: map[string]string{model.ParamDescription: ""}},
			"PUT", "/virtual-circuits/" + waitVC, "{\n  \"description\": \"\"\n}", model.RiskLow, "", `description → ""`},
		{"VRF peering details",
			model.ActionRequest{Kind: model.ActionUpdate, Target: ref(vrfVC), Params: map[string]string{model.ParamPeerASN: "65002", model.ParamSubnet: "10.1.0.4/30", model.ParamCustomerIP: "10.1.0.6"}},
			"PUT", "/virtual-circuits/" + vrfVC, "{\n  \"peer_asn\": 65002,\n  \"subnet\": \"10.1.0.4/30\",\n  \"customer_ip\": \"10.1.0.6\"\n}", model.RiskMedium, "", "peer ASN → 65002"},
		{"delete a VC",
			model.ActionRequest{Kind: model.ActionDecommission, Target: ref(waitVC)},
			"DELETE", "/virtual-circuits/" + waitVC, "", model.RiskHigh, "wait-1", "NNI VLAN 1201"},
		{"rename an interconnection",
			model.ActionRequest{Kind: model.ActionUpdate, Target: ref(dedID), Params: map[string]string{model.ParamName: "da-core-01", model.ParamContactEmail: "noc@example.net"}},
			"PUT", "/connections/" + dedID, "{\n  \"name\": \"da-core-01\",\n  \"contact_email\": \"noc@example.net\"\n}", model.RiskLow, "", "da-core-01"},
		{"mode of a dedicated interconnection without VCs",
			model.ActionRequest{Kind: model.ActionUpdate, Target: ref(emptyDed), Params: map[string]string{model.ParamMode: "tunnel"}},
			"PUT", "/connections/" + emptyDed, "{\n  \"mode\": \"tunnel\"\n}", model.RiskMedium, "", "mode → tunnel"},
		{"delete an interconnection",
			model.ActionRequest{Kind: model.ActionDecommission, Target: ref(dedID)},
			"DELETE", "/connections/" + dedID, "", model.RiskHigh, "da-core-1", "2 ports and 2 virtual circuits"},
		{"create a VLAN VC on the primary port",
			model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: ref(dedID), Params: map[string]string{model.ParamVNID: vnIDc, model.ParamNNIVLAN: "1300", model.ParamName: "l2-new"}},
			"POST", "/connections/" + dedID + "/ports/" + priID + "/virtual-circuits",
			"{\n  \"project_id\": \"" + projID + "\",\n  \"vnid\": \"" + vnIDc + "\",\n  \"nni_vlan\": 1300,\n  \"name\": \"l2-new\"\n}", model.RiskMedium, "", "project production"},
		{"create a VRF VC",
			model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: ref(dedID), Params: map[string]string{model.ParamVRF: vrfIDc, model.ParamSubnet: "10.1.0.8/31", model.ParamPeerASN: "4200000000", model.ParamNNIVLAN: "1301", model.ParamSpeed: "1g"}},
			"POST", "/connections/" + dedID + "/ports/" + priID + "/virtual-circuits",
			"{\n  \"project_id\": \"" + projID + "\",\n  \"vrf\": \"" + vrfIDc + "\",\n  \"subnet\": \"10.1.0.8/31\",\n  \"peer_asn\": 4200000000,\n  \"nni_vlan\": 1301,\n  \"speed\": \"1g\"\n}", model.RiskMedium, "", "peer AS4200000000"},
		{"request a dedicated interconnection for the organization",
			model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefOrganization, ID: orgIDc, Name: "Noctop"},
				Params: map[string]string{model.ParamName: "fr-new", model.ParamMetro: "FR", model.ParamSpeed: "10gbps", model.ParamMode: "tunnel", model.ParamDescription: "new site"}},
			"POST", "/organizations/" + orgIDc + "/connections",
			"{\n  \"name\": \"fr-new\",\n  \"type\": \"dedicated\",\n  \"metro\": \"fr\",\n  \"redundancy\": \"primary\",\n  \"speed\": \"10gbps\",\n  \"description\": \"new site\",\n  \"mode\": \"tunnel\"\n}", model.RiskMedium, "", "dedicated interconnection fr-new in fr"},
		{"request a redundant shared (Fabric VC) for the organization",
			model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefOrganization, ID: orgIDc},
				Params: map[string]string{model.ParamConnectionType: "shared", model.ParamName: "fvc", model.ParamMetro: "da", model.ParamRedundancy: "redundant", model.ParamProject: projID, model.ParamVLANs: "1001, 1002", model.ParamServiceTokenType: "z_side"}},
			"POST", "/organizations/" + orgIDc + "/connections",
			"{\n  \"name\": \"fvc\",\n  \"type\": \"shared\",\n  \"metro\": \"da\",\n  \"redundancy\": \"redundant\",\n  \"project\": \"" + projID + "\",\n  \"service_token_type\": \"z_side\",\n  \"vlans\": [\n    1001,\n    1002\n  ]\n}", model.RiskMedium, "", "service tokens"},
		{"request a shared port VLAN for a project",
			model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefProject, ID: projID},
				Params: map[string]string{model.ParamConnectionType: "shared_port_vlan", model.ParamName: "spv", model.ParamMetro: "da", model.ParamVLANs: "1003"}},
			"POST", "/projects/" + projID + "/connections",
			"{\n  \"name\": \"spv\",\n  \"type\": \"shared_port_vlan\",\n  \"metro\": \"da\",\n  \"redundancy\": \"primary\",\n  \"project\": \"" + projID + "\",\n  \"vlans\": [\n    1003\n  ]\n}", model.RiskMedium, "", "shared (port VLAN)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := p.Plan(c.req)
			if err != nil {
				t.Fatal(err)
			}
			if a.HTTP.Method != c.method || a.HTTP.Path != c.path || string(a.HTTP.Body) != c.body {
				t.Fatalf("planned %s %s\n%s\nwant %s %s\n%s", a.HTTP.Method, a.HTTP.Path, a.HTTP.Body, c.method, c.path, c.body)
			}
			if a.Risk != c.risk || a.ConfirmText != c.confirm || a.Idempotent || !strings.Contains(a.Title, c.titleContains) {
				t.Fatalf("risk %v confirm %q idempotent %v title %q", a.Risk, a.ConfirmText, a.Idempotent, a.Title)
			}
			if len(a.HTTP.Body) > 0 && !json.Valid(a.HTTP.Body) {
				t.Fatal("body is not JSON")
			}
			if _, err := allowedAction(a.HTTP); err != nil {
				t.Fatalf("Do would refuse its own plan: %v", err)
			}
		})
	}
}

func TestPlanRefusals(t *testing.T) {
	p := planProvider(t)
	ref := func(id string) model.Ref { return model.Ref{ID: id} }
	cases := []struct {
		name string
		req  model.ActionRequest
		want string
		is   error
	}{
		{"approve without a VLAN asks to prepare", model.ActionRequest{Kind: model.ActionApprove, Target: ref(waitVC)}, "choose the virtual network", model.ErrPrepareFirst},
		{"approve an active VC", model.ActionRequest{Kind: model.ActionApprove, Target: ref(vrfVC), Params: map[string]string{model.ParamVNID: "1001"}}, "not waiting", model.ErrUnsupported},
		{"update with nothing", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(waitVC)}, "nothing to change", nil},
		{"VLAN out of range", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(waitVC), Params: map[string]string{model.ParamVNID: "4000"}}, "2..3999", nil},
		{"VLAN that is text", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(waitVC), Params: map[string]string{model.ParamVNID: "vlan-7"}}, "neither", nil},
		{"speed that is no speed", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(waitVC), Params: map[string]string{model.ParamSpeed: "fast"}}, "not a speed", nil},
		{"speed of a shared VC", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(sharedVC), Params: map[string]string{model.ParamSpeed: "1gbps"}}, "dedicated port", model.ErrUnsupported},
		{"vnid of a VRF VC", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(vrfVC), Params: map[string]string{model.ParamVNID: "1001"}}, "VRF circuit", nil},
		{"peering of a VLAN VC", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(waitVC), Params: map[string]string{model.ParamPeerASN: "65001"}}, "VLAN circuit", nil},
		{"subnet that is a /29", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(vrfVC), Params: map[string]string{model.ParamSubnet: "10.1.0.0/29"}}, "/30 or /31", nil},
		{"IP outside the subnet", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(vrfVC), Params: map[string]string{model.ParamSubnet: "10.1.0.4/30", model.ParamMetalIP: "10.1.0.9"}}, "not in subnet", nil},
		{"network address as an IP", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(vrfVC), Params: map[string]string{model.ParamSubnet: "10.1.0.4/30", model.ParamMetalIP: "10.1.0.4"}}, "network or broadcast", nil},
		{"ASN too large", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(vrfVC), Params: map[string]string{model.ParamPeerASN: "4294967296"}}, "ASN", nil},
		{"delete a shared VC", model.ActionRequest{Kind: model.ActionDecommission, Target: ref(sharedVC)}, "go with it", model.ErrUnsupported},
		{"mode with VCs", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(dedID), Params: map[string]string{model.ParamMode: "tunnel"}}, "no virtual circuits", nil},
		{"mode of a shared interconnection", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(sharedID), Params: map[string]string{model.ParamMode: "standard"}}, "dedicated", model.ErrUnsupported},
		{"a mode that does not exist", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(emptyDed), Params: map[string]string{model.ParamMode: "turbo"}}, "standard or tunnel", nil},
		{"redundancy", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(dedID), Params: map[string]string{model.ParamRedundancy: "redundant"}}, "cannot be changed", model.ErrUnsupported},
		{"bad email", model.ActionRequest{Kind: model.ActionUpdate, Target: ref(dedID), Params: map[string]string{model.ParamContactEmail: "noc at example"}}, "not an email", nil},
		{"VC on a shared interconnection", model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: ref(sharedID), Params: map[string]string{model.ParamVNID: vnIDc, model.ParamNNIVLAN: "10"}}, "dedicated ports", model.ErrUnsupported},
		{"VC on a port that is not active", model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: ref(dedID), Params: map[string]string{model.ParamPort: "secondary", model.ParamVNID: vnIDc, model.ParamNNIVLAN: "10"}}, "not active", nil},
		{"VC with an NNI VLAN in use", model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: ref(dedID), Params: map[string]string{model.ParamVNID: vnIDc, model.ParamNNIVLAN: "1201"}}, "already used", nil},
		{"VC without an NNI VLAN", model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: ref(dedID), Params: map[string]string{model.ParamVNID: vnIDc}}, "NNI VLAN", nil},
		{"VC without a project", model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: ref(emptyDed), Params: map[string]string{model.ParamVNID: vnIDc, model.ParamNNIVLAN: "10"}}, "needs its project", nil},
		{"VC with both a VN and a VRF", model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: ref(dedID), Params: map[string]string{model.ParamVNID: vnIDc, model.ParamVRF: vrfIDc, model.ParamNNIVLAN: "10", model.ParamSubnet: "10.0.0.0/30", model.ParamPeerASN: "1"}}, "not both", nil},
		{"VRF VC without a subnet", model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: ref(dedID), Params: map[string]string{model.ParamVRF: vrfIDc, model.ParamNNIVLAN: "10", model.ParamPeerASN: "1"}}, "needs the subnet", nil},
		{"VLAN VC with a VLAN number asks to prepare", model.ActionRequest{Kind: model.ActionCreateVirtualCircuit, Target: ref(dedID), Params: map[string]string{model.ParamVNID: "1001", model.ParamNNIVLAN: "10"}}, "virtual network of VLAN 1001", model.ErrPrepareFirst},
		{"request for a connection", model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: ref(dedID), Params: map[string]string{model.ParamName: "x", model.ParamMetro: "da"}}, "organization or a project", model.ErrUnsupported},
		{"request without a name", model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefProject, ID: projID}, Params: map[string]string{model.ParamMetro: "da"}}, "needs a name", nil},
		{"dedicated without a speed", model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefProject, ID: projID}, Params: map[string]string{model.ParamName: "x", model.ParamMetro: "da"}}, "needs its speed", nil},
		{"shared without VLANs", model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefProject, ID: projID}, Params: map[string]string{model.ParamName: "x", model.ParamMetro: "da", model.ParamConnectionType: "shared"}}, "Metal VLAN of each port", nil},
		{"two VLANs for one port", model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefProject, ID: projID}, Params: map[string]string{model.ParamName: "x", model.ParamMetro: "da", model.ParamConnectionType: "shared", model.ParamVLANs: "1,2"}}, "VLAN", nil},
		{"shared for an organization without a project", model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefOrganization, ID: orgIDc}, Params: map[string]string{model.ParamName: "x", model.ParamMetro: "da", model.ParamConnectionType: "shared", model.ParamVLANs: "1001"}}, "needs its project", nil},
		{"CSP connections are not offered", model.ActionRequest{Kind: model.ActionRequestInterconnection, Target: model.Ref{Type: RefProject, ID: projID}, Params: map[string]string{model.ParamName: "x", model.ParamMetro: "da", model.ParamConnectionType: "shared_port_vlan_to_csp"}}, "connection type", model.ErrUnsupported},
		{"unknown object", model.ActionRequest{Kind: model.ActionUpdate, Target: ref("d0000000-0000-4000-8000-0000000000ff"), Params: map[string]string{model.ParamName: "x"}}, "refresh the list", nil},
		{"unknown kind on a VC", model.ActionRequest{Kind: model.ActionReject, Target: ref(waitVC)}, "reject", model.ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := p.Plan(c.req)
			if err == nil {
				t.Fatalf("planned %s %s %s", a.HTTP.Method, a.HTTP.Path, a.HTTP.Body)
			}
			if !strings.Contains(err.Error(), c.want) || (c.is != nil && !errors.Is(err, c.is)) {
				t.Fatalf("err %v, want %q (%v)", err, c.want, c.is)
			}
		})
	}
}

func TestPlanNeedsALoadedList(t *testing.T) {
	p, _ := New("m", "http://127.0.0.1:1/metal/v1", "tok")
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{ID: waitVC}}); err == nil || !strings.Contains(err.Error(), "refresh") {
		t.Fatal(err)
	}
}

func TestPlanSanitisesWhatItShows(t *testing.T) {
	p := planProvider(t)
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{ID: waitVC}, Params: map[string]string{model.ParamName: "evil\x1b]52;c;AAAA\x07"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(a.Title, "\x1b\x07") {
		t.Fatalf("title carries control characters: %q", a.Title)
	}
	// The body sends exactly what was asked (JSON-escaped), no more.
	var body map[string]string
	if json.Unmarshal(a.HTTP.Body, &body) != nil || body["name"] != "evil\x1b]52;c;AAAA\x07" {
		t.Fatalf("body %s", a.HTTP.Body)
	}
}

func TestDoSendsOnlyWhatPlanBuilds(t *testing.T) {
	p := planProvider(t)
	for _, h := range []model.HTTPRequest{
		{Method: http.MethodGet, Path: "/virtual-circuits/" + waitVC},
		{Method: http.MethodPost, Path: "/virtual-circuits/" + waitVC},
		{Method: http.MethodPut, Path: "/virtual-circuits/" + waitVC + "?x=1"},
		{Method: http.MethodPut, Path: "/virtual-circuits/../connections/" + dedID},
		{Method: http.MethodDelete, Path: "/organizations/" + orgIDc},
		{Method: http.MethodDelete, Path: "/projects/" + projID + "/connections"},
		{Method: http.MethodPost, Path: "/connections/" + dedID + "/ports/" + priID + "/virtual-circuits/"},
		{Method: http.MethodPost, Path: "/connections/" + dedID + "/ports//virtual-circuits"},
		{Method: http.MethodPut, Path: "/virtual-circuits/not-a-uuid"},
		{Method: http.MethodPut, Path: "https://evil.example/virtual-circuits/" + waitVC},
		{Method: http.MethodPut, Path: "/virtual-circuits/" + waitVC + "%2f.."},
	} {
		if _, err := p.Do(ctxT(t), model.Action{HTTP: h}); err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%s %s: %v", h.Method, h.Path, err)
		}
	}
}
