package fabric

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func loadFixture(t *testing.T, name string) Connection {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "connections", name))
	if err != nil {
		t.Fatal(err)
	}
	var c Connection
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

func TestAdaptFixtures(t *testing.T) {
	type want struct {
		state      model.State
		raw        string
		status     string
		pending    model.ChangeKind // "" = no pending change
		waiting    bool
		actions    []model.ActionKind
		aVLANs     []int
		zVLANs     []int
		zExtra     string // substring
		aName      string
		desc       string // substring of the pending description
		needsZData bool
	}
	approveReject := []model.ActionKind{model.ActionApprove, model.ActionReject}
	tests := map[string]want{
		"active_dot1q.json": {state: model.StateActive, raw: "ACTIVE", status: "PROVISIONED / AVAILABLE",
			aVLANs: []int{1140}, zVLANs: []int{2077}, aName: "harborline-FR5-L-Dot1q-STD-PRI-10G-JN-12"},
		"pending_creation_incoming_sp.json": {state: model.StatePending, raw: "PENDING", status: "PENDING_APPROVAL / PENDING_APPROVAL",
			pending: model.ChangeCreation, waiting: true, actions: approveReject, aVLANs: []int{310}, zExtra: "profile Noctop Transit L2",
			desc: "requested by Quartzforge Cloud", needsZData: true},
		"pending_creation_outgoing.json": {state: model.StatePending, raw: "PENDING", status: "PENDING_APPROVAL / PENDING_APPROVAL",
			pending: model.ChangeCreation, waiting: false, aVLANs: []int{99}, needsZData: true,
			// Our own request: ours to withdraw by deleting it.
			actions: []model.ActionKind{model.ActionDecommission}},
		"pending_update_qinq.json": {state: model.StateChanging, raw: "ACTIVE", status: "PROVISIONED / AVAILABLE",
			pending: model.ChangeUpdate, waiting: true, actions: approveReject, aVLANs: []int{2001, 2002}, zVLANs: []int{1500},
			desc: "replace /bandwidth → bandwidth=2000"},
		"pending_deletion.json": {state: model.StateChanging, raw: "ACTIVE", status: "PENDING_DELETE / PENDING DELETE",
			pending: model.ChangeDeletion, waiting: true, actions: []model.ActionKind{model.ActionApprove}, aVLANs: []int{42}, zVLANs: []int{42},
			desc: "deletion requested by Emberstone Bank", needsZData: true},
		"pending_approval_no_change.json": {state: model.StatePending, raw: "PENDING", status: "PROVISIONING / PENDING_APPROVAL",
			pending: model.ChangeCreation, waiting: true, actions: approveReject, aVLANs: []int{5}, needsZData: true},
		"requested_in_flight.json": {state: model.StateProvisioning, raw: "PROVISIONING", status: "PROVISIONING / PROVISIONING",
			pending: model.ChangeCreation, waiting: false, needsZData: true},
		"cancelled_rejected.json": {state: model.StateRejected, raw: "CANCELLED", status: "REJECTED_ACK / REJECTED", needsZData: true},
		"cancelled_plain.json":    {state: model.StateDeprovisioned, raw: "CANCELLED", status: "CANCELLED / NOT_AVAILABLE", needsZData: true},
		"vd_vlan_range.json": {state: model.StateActive, raw: "ACTIVE", status: "PROVISIONED / AVAILABLE",
			zExtra: "VLAN range 300-1099", aName: "amberpeak-fr-vsrx-2"},
		"unknown_state.json":              {state: model.StateUnknown, raw: "QUANTUM_ENTANGLED", status: "PROVISIONED / TELEPORTING", needsZData: true},
		"empty_state_equinix_status.json": {state: model.StateProvisioning, raw: "PROVISIONING", status: "PROVISIONING / PROVISIONING", needsZData: true},
		"string_org_id.json":              {state: model.StateDeprovisioning, raw: "DEPROVISIONING", status: "DEPROVISIONING / DEPROVISIONING", zExtra: "profile Azure ExpressRoute", needsZData: true},
		"failed_and_draft.json": {state: model.StateFailed, raw: "FAILED", status: "NOT_PROVISIONED / ERROR", aName: "noctopdemo-fcr-ld",
			actions: []model.ActionKind{model.ActionDecommission}},
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "connections", "*.json"))
	if len(files) != len(tests)+1 { // + wrong_types.json, tested below
		t.Fatalf("%d fixture files but %d expectations: every fixture needs a case", len(files), len(tests)+1)
	}
	for name, w := range tests {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			wc := loadFixture(t, name)
			m := toModel("fab", wc)
			if m.State != w.state || m.RawState != w.raw || m.Status != w.status {
				t.Errorf("state %q raw %q status %q; want %q %q %q", m.State, m.RawState, m.Status, w.state, w.raw, w.status)
			}
			if m.Provider != "fab" || m.ProviderKind != "fabric" || m.ID != wc.UUID || m.Name != wc.Name || m.BandwidthMbps != wc.Bandwidth {
				t.Errorf("identity fields wrong: %+v", m)
			}
			switch {
			case w.pending == "" && m.Pending != nil:
				t.Errorf("unexpected pending change %+v", *m.Pending)
			case w.pending != "" && m.Pending == nil:
				t.Errorf("no pending change, want %s", w.pending)
			case w.pending != "":
				if m.Pending.Kind != w.pending || m.Pending.WaitingOnUs != w.waiting {
					t.Errorf("pending %s waiting %v; want %s %v", m.Pending.Kind, m.Pending.WaitingOnUs, w.pending, w.waiting)
				}
				if !strings.Contains(m.Pending.Description, w.desc) {
					t.Errorf("description %q does not contain %q", m.Pending.Description, w.desc)
				}
			}
			if !slices.Equal(m.Actions, w.actions) {
				t.Errorf("actions %v, want %v", m.Actions, w.actions)
			}
			if !slices.Equal(m.A.VLANs, w.aVLANs) || !slices.Equal(m.Z.VLANs, w.zVLANs) {
				t.Errorf("VLANs A %v Z %v; want %v %v", m.A.VLANs, m.Z.VLANs, w.aVLANs, w.zVLANs)
			}
			if !strings.Contains(m.Z.Extra, w.zExtra) {
				t.Errorf("Z extra %q does not contain %q", m.Z.Extra, w.zExtra)
			}
			if w.aName != "" && m.A.Name != w.aName {
				t.Errorf("A name %q, want %q", m.A.Name, w.aName)
			}
			if needsZSide(wc) != w.needsZData {
				t.Errorf("needsZSide = %v, want %v", needsZSide(wc), w.needsZData)
			}
			if m.FingerprintKey == 0 || m.FingerprintKey != m.Fingerprint() {
				t.Error("fingerprint not set")
			}
			if len(m.Raw) == 0 || !json.Valid(m.Raw) {
				t.Error("raw JSON not kept")
			}
		})
	}
}

func TestAdaptDetails(t *testing.T) {
	m := toModel("fab", loadFixture(t, "active_dot1q.json"))
	if m.A.Metro != "FR" || m.A.Account != "Harborline Networks" || m.A.PortID != "aaaaaaaa-0000-4000-8000-000000000001" || m.A.Extra != "primary port" {
		t.Errorf("A side %+v", m.A)
	}
	if want := time.Date(2025, 11, 3, 8, 16, 41, 120e6, time.UTC); !m.Updated.Equal(want) || m.Created.IsZero() {
		t.Errorf("created %v updated %v", m.Created, m.Updated)
	}
	if m.VLANString() != "1140/2077" {
		t.Errorf("VLANString %q", m.VLANString())
	}

	up := toModel("fab", loadFixture(t, "pending_update_qinq.json"))
	if want := time.Date(2026, 3, 2, 8, 50, 0, 0, time.UTC); !up.Pending.Since.Equal(want) || up.Pending.ID != "chg-upd-4" || up.Pending.Status != "SUBMITTED_FOR_APPROVAL" {
		t.Errorf("pending %+v", *up.Pending)
	}

	// Quoted numbers decode, and the authorization key never reaches the detail view.
	s := loadFixture(t, "string_org_id.json")
	if s.Account.OrgID != 91997 || s.Account.AccountNumber != 270106 || s.ASide.AccessPoint.Account.OrgID != 91996 {
		t.Errorf("quoted numbers not read: %+v", s.Account)
	}
	sm := toModel("fab", s)
	if strings.Contains(string(sm.Raw), "s3cr3t") || !strings.Contains(string(sm.Raw), `"authenticationKey": "[REDACTED]"`) || !json.Valid(sm.Raw) {
		t.Errorf("authentication key not masked in raw: %s", sm.Raw)
	}

	svc := toModel("fab", loadFixture(t, "failed_and_draft.json"))
	if svc.Z.Type != "SERVICE_TOKEN" || !strings.Contains(svc.Z.Extra, "99999999-0000-4000-8000-000000000001") {
		t.Errorf("service token side %+v", svc.Z)
	}
}

func TestAdaptUndecodableConnectionIsKeptAsARow(t *testing.T) {
	var resp ConnectionSearchResponse
	b, _ := os.ReadFile(filepath.Join("testdata", "connections", "wrong_types.json"))
	good, _ := os.ReadFile(filepath.Join("testdata", "connections", "active_dot1q.json"))
	page := `{"pagination":{"offset":0,"limit":100,"total":2},"data":[` + string(b) + `,` + string(good) + `]}`
	if err := json.Unmarshal([]byte(page), &resp); err != nil {
		t.Fatalf("one bad connection failed the whole page: %v", err)
	}
	if len(resp.Data) != 2 {
		t.Fatalf("got %d connections", len(resp.Data))
	}
	bad := toModel("fab", resp.Data[0])
	if !errors.Is(resp.Data[0].DecodeError(), model.ErrBadResponse) || bad.State != model.StateUnknown ||
		bad.ID != "0d4c7e2a-1111-4a0b-9c3d-000000000014" || bad.Name != "broken-bandwidth" || !strings.Contains(bad.Status, "bandwidth") {
		t.Errorf("bad row %+v (err %v)", bad, resp.Data[0].DecodeError())
	}
	if ok := toModel("fab", resp.Data[1]); ok.State != model.StateActive {
		t.Errorf("good row after a bad one: %+v", ok)
	}
}

func TestParseTimeLayouts(t *testing.T) {
	want := time.Date(2021, 7, 15, 19, 30, 29, 526e6, time.UTC)
	for _, s := range []string{"2021-07-15T19:30:29.526Z", "2021-07-15T19:30:29.526+0000", "2021-07-15 19:30:29.526+00:00", "2021-07-15T21:30:29.526+02:00"} {
		if got := parseTime(s); !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v", s, got)
		}
	}
	if !parseTime("yesterday").IsZero() || !parseTime("").IsZero() {
		t.Error("garbage should give the zero time")
	}
}

func TestTokenTimeout(t *testing.T) {
	for in, want := range map[string]time.Duration{"3599": 3599 * time.Second, "3599 (60 minutes)": 3599 * time.Second, " 60": time.Minute} {
		if d, ok := parseTokenTimeout(in); !ok || d != want {
			t.Errorf("parseTokenTimeout(%q) = %v %v", in, d, ok)
		}
	}
	for _, in := range []string{"", "soon", "0", "-5", "99999999999999999999"} {
		if _, ok := parseTokenTimeout(in); ok {
			t.Errorf("parseTokenTimeout(%q) accepted", in)
		}
	}
}
