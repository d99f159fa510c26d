package connections

import (
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/detail"
	"github.com/noctop/noctop/ui/widgets/vtable"
)

// The Approvals pane is the same engine configured to list what waits on
// this side's decision (model.WaitingOnUs), oldest first, with what each
// row can do now.

// Column indices of the Approvals pane.
const (
	ApprWaiting = iota
	ApprProvider
	ApprName
	ApprChange
	ApprState
	ApprBW
	ApprA
	ApprZ
	ApprVLAN
	ApprCan
)

// ApprovalColumns are the Approvals pane's columns. WAITING sorts by the
// request time (oldest first is ascending) and renders as an age.
var ApprovalColumns = []Column{
	{Name: "WAITING", Kind: model.ColTime, Layout: vtable.Column{Min: 8, Max: 9, Priority: 10, Right: true}},
	{Name: "PROVIDER", Layout: vtable.Column{Min: 8, Max: 18, Priority: 3}},
	{Name: "NAME", Layout: vtable.Column{Min: 14, Max: 48, Flex: 3, Priority: 10}},
	{Name: "CHANGE", Layout: vtable.Column{Min: 8, Max: 10, Priority: 8}},
	{Name: "STATE", Layout: vtable.Column{Min: 7, Max: 14, Priority: 5}},
	{Name: "BW", Kind: model.ColNumber, Layout: vtable.Column{Min: 4, Max: 7, Priority: 6, Right: true}},
	{Name: "A-SIDE", Layout: vtable.Column{Min: 14, Max: 32, Flex: 2, Priority: 7}},
	{Name: "Z-SIDE", Layout: vtable.Column{Min: 14, Max: 32, Flex: 2, Priority: 6}},
	{Name: "VLAN", Layout: vtable.Column{Min: 4, Max: 14, Priority: 4}},
	{Name: "CAN", Layout: vtable.Column{Min: 7, Max: 14, Priority: 1}},
}

// ApprovalCells renders one waiting connection. The CAN column lists the
// decisions this operator can take on it: none when its provider is
// read-only (readOnly gives the reason, "" when writable).
func ApprovalCells(readOnly func(provider string) string) func(c *model.Connection, _ *time.Location) ([]string, []int64) {
	return func(c *model.Connection, _ *time.Location) ([]string, []int64) {
		can := ""
		if readOnly == nil || readOnly(c.Provider) == "" {
			if c.HasAction(model.ActionApprove) {
				can = "approve"
				if IsVLANCircuit(*c) {
					can = "set VLAN" // what approving it does
				}
			}
			if c.HasAction(model.ActionReject) {
				if can != "" {
					can += ","
				}
				can += "reject"
			}
		}
		var since int64
		if !c.Pending.Since.IsZero() {
			since = c.Pending.Since.UnixNano()
		}
		cs := []string{"", c.Provider, nameOf(*c), string(c.Pending.Kind), string(c.State), model.FormatMbps(c.BandwidthMbps),
			c.A.Label(), c.Z.Label(), c.VLANString(), can}
		nums := make([]int64, len(cs))
		nums[ApprWaiting] = since
		nums[ApprBW] = c.BandwidthMbps
		return cs, nums
	}
}

// approvalAge renders the WAITING cell at view time, so it keeps counting
// between refreshes.
func approvalAge(c *model.Connection, col int, now time.Time) (string, bool) {
	if col != ApprWaiting {
		return "", false
	}
	if c.Pending == nil || c.Pending.Since.IsZero() {
		return "?", true
	}
	return detail.Age(now.Sub(c.Pending.Since)), true
}

// NewApprovals builds the Approvals pane (a pane.Factory).
func NewApprovals(ctx *pane.Context) pane.Pane {
	return &Pane{id: pane.Approvals, title: "Approvals", ctx: ctx, list: NewModel(ctx, Config{
		Scope:    keys.Scope(pane.Approvals),
		Title:    "Approvals",
		Columns:  ApprovalColumns,
		Include:  model.WaitingOnUs,
		Cells:    ApprovalCells(ctx.ReadOnlyReason),
		Dynamic:  approvalAge,
		StateCol: ApprState,
		SortCol:  ApprWaiting,
		Empty:    "nothing is waiting for your approval.",
	})}
}
