package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func sample() []model.Connection {
	return []model.Connection{{
		Provider: "fab", ProviderKind: "fabric", ID: "c-1", Name: "Conn\t1\x1b[31m", Type: "EVPL_VC",
		State: model.StatePending, RawState: "PENDING", BandwidthMbps: 1000,
		A:       model.Endpoint{PortName: "et-0/0/1", Metro: "AM", VLANs: []int{1001}},
		Z:       model.Endpoint{Name: "AWS", Metro: "FR", VLANs: []int{2001, 2002}},
		Pending: &model.PendingChange{Kind: model.ChangeCreation, WaitingOnUs: true},
		Created: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
	}}
}

func TestJSONHasContractFields(t *testing.T) {
	var b bytes.Buffer
	if err := Connections(&b, "json", sample()); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("want 1 object, got %d", len(out))
	}
	for k, want := range map[string]any{"provider": "fab", "id": "c-1", "state": "pending", "bandwidth_mbps": 1000.0, "pending_change": "creation"} {
		if out[0][k] != want {
			t.Errorf("%s = %v, want %v", k, out[0][k], want)
		}
	}
	if _, ok := out[0]["name"]; !ok {
		t.Error("name missing")
	}
}

func TestEmptyJSONIsArray(t *testing.T) {
	var b bytes.Buffer
	_ = Connections(&b, "json", nil)
	if strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("empty export = %q, want []", b.String())
	}
}

func TestCSVAndTable(t *testing.T) {
	var b bytes.Buffer
	if err := Connections(&b, "csv", sample()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 2 || len(rows[0]) != len(rows[1]) {
		t.Fatalf("csv rows=%v err=%v", rows, err)
	}
	b.Reset()
	if err := Connections(&b, "table", sample()); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b") || !strings.Contains(b.String(), "et-0/0/1@AM") || !strings.Contains(b.String(), "waiting on us") {
		t.Errorf("table = %q", b.String())
	}
	if err := Connections(&b, "yaml", nil); err == nil {
		t.Error("unknown format accepted")
	}
}
