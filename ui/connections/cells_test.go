package connections_test

import (
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/connections"
)

func TestCells(t *testing.T) {
	loc := time.FixedZone("X", 3600)
	c := model.Connection{Provider: "fab", ID: "id-1", Type: "EVPL_VC", State: model.StateActive, Status: "PROVISIONED",
		BandwidthMbps: 2500,
		A:             model.Endpoint{PortName: "et-0/0/9", Metro: "AM", VLANs: []int{1001, 1002}},
		Z:             model.Endpoint{Name: "aws-profile", Metro: "FR", VLANs: []int{1001, 1002}},
		Updated:       time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)}
	cells, nums := connections.Cells(&c, loc)
	want := []string{"fab", "id-1", "EVPL_VC", "active", "PROVISIONED", "2.5G", "et-0/0/9@AM", "aws-profile@FR", "1001.1002", "2025-03-01 11:00"}
	for i := range want {
		if cells[i] != want[i] {
			t.Errorf("cell %s = %q, want %q", connections.Columns[i].Name, cells[i], want[i])
		}
	}
	if nums[connections.ColBW] != 2500 || nums[connections.ColUpdated] != c.Updated.UnixNano() {
		t.Errorf("sort values = %v", nums)
	}
	empty, _ := connections.Cells(&model.Connection{ID: "x"}, loc)
	if empty[connections.ColBW] != "" || empty[connections.ColUpdated] != "" || empty[connections.ColName] != "x" {
		t.Errorf("zero values should render empty: %q", empty)
	}
}
