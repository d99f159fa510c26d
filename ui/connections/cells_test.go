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
	// An unknown bandwidth reads as the dialog and the export write it.
	empty, _ := connections.Cells(&model.Connection{ID: "x"}, loc)
	if empty[connections.ColBW] != model.FormatMbps(0) || empty[connections.ColUpdated] != "" || empty[connections.ColName] != "x" {
		t.Errorf("zero values: %q", empty)
	}
	// One bandwidth formatter: the table says what the dialog and export say.
	for _, mbps := range []int64{1234, 2500, 1_000_000, 400_000} {
		c.BandwidthMbps = mbps
		cells, _ := connections.Cells(&c, loc)
		if cells[connections.ColBW] != model.FormatMbps(mbps) {
			t.Errorf("%d Mbps: cell %q, want %q", mbps, cells[connections.ColBW], model.FormatMbps(mbps))
		}
	}
}

func TestApprovalCellsCanColumnHonoursReadOnly(t *testing.T) {
	c := model.Connection{Provider: "ro", ID: "1", Pending: &model.PendingChange{Kind: model.ChangeCreation, WaitingOnUs: true},
		Actions: []model.ActionKind{model.ActionApprove, model.ActionReject}}
	rw, _ := connections.ApprovalCells(func(string) string { return "" })(&c, time.UTC)
	if rw[connections.ApprCan] != "approve,reject" {
		t.Errorf("writable: CAN = %q", rw[connections.ApprCan])
	}
	ro, _ := connections.ApprovalCells(func(p string) string {
		if p == "ro" {
			return "read_only = true for ro"
		}
		return ""
	})(&c, time.UTC)
	if ro[connections.ApprCan] != "" {
		t.Errorf("read-only provider: CAN = %q, want nothing", ro[connections.ApprCan])
	}
}
