package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math/big"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func ipamBlocks() []model.Block {
	return []model.Block{
		{Provider: "ipam", ID: 7, Family: model.IPv4, Prefix: netip.MustParsePrefix("23.41.0.0/29"), Status: model.BlockAssigned,
			Assigned: true, Region: "IAD", RIR: "ARIN", VLAN: 1140, ResourceID: 1001, ResourceName: "Bluepeak, \"Networks\"",
			Parent: 3, TopAggregate: 1, Tags: []string{"Customer", "PTP"}, UpdatedAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)},
		{Provider: "ipam", ID: 9, Family: model.IPv6, Prefix: netip.MustParsePrefix("2001:db8::/32"), Status: model.BlockSplit, Region: "AMS\x1b[2J"},
	}
}

func TestBlocksJSON(t *testing.T) {
	var b bytes.Buffer
	if err := Blocks(&b, "json", ipamBlocks()); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d records", len(got))
	}
	for _, k := range []string{"provider", "id", "cidr", "region", "is_assigned"} {
		for i := range got {
			if _, ok := got[i][k]; !ok {
				t.Errorf("record %d lacks %q", i, k)
			}
		}
	}
	if got[0]["cidr"] != "23.41.0.0/29" || got[0]["id"] != float64(7) || got[0]["is_assigned"] != true || got[0]["vlan"] != float64(1140) {
		t.Fatalf("record %v", got[0])
	}
	if got[1]["is_assigned"] != false || got[1]["status"] != "split" || got[1]["mask"] != float64(32) {
		t.Fatalf("record %v", got[1])
	}
}

func TestBlocksCSVAndTable(t *testing.T) {
	var b bytes.Buffer
	if err := Blocks(&b, "csv", ipamBlocks()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if rows[0][2] != "cidr" || rows[1][2] != "23.41.0.0/29" || rows[1][12] != `Bluepeak, "Networks"` || rows[1][15] != "Customer;PTP" {
		t.Fatalf("csv %v", rows[1])
	}
	b.Reset()
	if err := Blocks(&b, "table", ipamBlocks()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "23.41.0.0/29") || !strings.Contains(out, "2001:db8::/32") || strings.Contains(out, "\x1b") {
		t.Fatalf("table:\n%s", out)
	}
	if err := Blocks(&b, "yaml", nil); err == nil {
		t.Fatal("unknown format accepted")
	}
}

func TestUtilizationJSONAndTable(t *testing.T) {
	two96, _ := model.ParseHosts(new(big.Int).Lsh(big.NewInt(1), 96).String())
	us := []model.Utilization{
		{Provider: "ipam", Family: model.IPv4, Unit: "addresses", Total: model.HostsOf(1024), Assigned: model.HostsOf(768),
			Available: model.HostsOf(200), Holding: model.HostsOf(56), AssignedPct: 75, AvailablePct: 19.53125, HoldingPct: 5.46875,
			Resources: []model.ResourceUsage{{ID: 1001, Name: "Bluepeak", Hosts: model.HostsOf(512), Blocks: 3, Percent: 50}}},
		{Provider: "ipam", Family: model.IPv6, Unit: "/64s", Total: two96, Assigned: two96.Sub(model.HostsOf(1)), AssignedPct: 99.999},
	}
	var b bytes.Buffer
	if err := Utilization(&b, "json", us); err != nil {
		t.Fatal(err)
	}
	// Exact big counts survive as JSON numbers.
	if !strings.Contains(b.String(), `"total": 79228162514264337593543950336`) {
		t.Fatalf("json:\n%s", b.String())
	}
	var got []struct {
		Provider    string `json:"provider"`
		Family      string `json:"family"`
		Total       json.Number
		Percentages map[string]float64
		Resources   []map[string]any
	}
	dec := json.NewDecoder(&b)
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Family != "ipv4" || got[0].Total.String() != "1024" {
		t.Fatalf("%+v", got)
	}
	p := got[0].Percentages
	if p["assigned"] != 75 || p["available"] != 19.53 || p["holding"] != 5.47 || p["used"] != 80.47 {
		t.Fatalf("percentages %v", p)
	}
	if len(got[0].Resources) != 1 {
		t.Fatalf("resources %v", got[0].Resources)
	}
	b.Reset()
	if err := Utilization(&b, "table", us); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "768 (75.00%)") || !strings.Contains(b.String(), "IPv6") {
		t.Fatalf("table:\n%s", b.String())
	}
	if err := Utilization(&b, "csv", us); err == nil {
		t.Fatal("csv is not a utilization format")
	}
}
