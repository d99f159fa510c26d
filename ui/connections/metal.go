package connections

import (
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/confirm"
)

// Virtual circuits (Equinix Metal): set a VLAN circuit's VLAN (v), delete
// a circuit (D, typing its name), and in Approvals set the VLAN of one
// waiting on a customer VLAN (a). All go through ui/mutate; afterwards the
// circuit is re-read and followed until it leaves a transitional status
// (activating, changing_vlan, deleting ...).

// Row types of virtual circuits as the provider gives them
// (model.Connection.Type).
const (
	rowVLANVC = "vlan-vc"
	rowVRFVC  = "vrf-vc"
)

// IsVLANCircuit reports whether c is a VLAN virtual circuit.
func IsVLANCircuit(c model.Connection) bool { return c.Type == rowVLANVC }

// IsCircuit reports whether c is a virtual circuit (VLAN or VRF).
func IsCircuit(c model.Connection) bool { return c.Type == rowVLANVC || c.Type == rowVRFVC }

// SetVLANNotOffered says why c's VLAN cannot be set now ("" when it can).
func SetVLANNotOffered(c model.Connection) string {
	switch {
	case !IsVLANCircuit(c):
		return fmt.Sprintf("cannot set the VLAN of %s: only a VLAN virtual circuit has one to set", nameOf(c))
	case c.HasAction(model.ActionApprove), c.HasAction(model.ActionUpdate):
		return ""
	}
	return fmt.Sprintf("cannot set the VLAN of %s: %s does not offer it now (state %s); nothing was sent", nameOf(c), c.Provider, stateOf(c))
}

// currentVLAN is the circuit's Metal VLAN ("" when it has none yet).
func currentVLAN(c model.Connection) string {
	if len(c.A.VLANs) > 0 && c.A.VLANs[0] > 0 {
		return strconv.Itoa(c.A.VLANs[0])
	}
	return ""
}

// SetVLANSpec is the mutation of c's Metal VLAN: the approval of a circuit
// waiting on a customer VLAN (the provider proposes a free one), or an
// update of an active one. The hub re-reads it afterwards.
func SetVLANSpec(ctx *pane.Context, action string, c model.Connection) mutate.Spec {
	req := model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{Provider: c.Provider, Type: "virtual-circuit", ID: c.ID, Name: c.Name}, Params: map[string]string{}}
	target := fmt.Sprintf("%s · %s · %s (id %s)", c.Provider, nameOf(c), stateOf(c), c.ID)
	if c.Z.Name != "" {
		target += " · on " + c.Z.Label()
	}
	s := mutate.Spec{Request: req, Action: action, Verb: "set the VLAN of", Noun: "VLAN change", Name: nameOf(c), Target: target,
		Reread: rereadConnection, Follow: true}
	now := currentVLAN(c)
	if c.HasAction(model.ActionApprove) {
		// Waiting on a customer VLAN: the provider's Prepare proposes a
		// free virtual network; the operator may type another.
		s.Request.Kind = model.ActionApprove
		if c.Pending != nil {
			s.Request.Params["change"] = string(c.Pending.Kind)
			s.Facts = []confirm.Fact{{Label: "To do", Value: c.Pending.Description}}
		}
		s.Preparing = fmt.Sprintf("finding a free virtual network for %s in %s", nameOf(c), c.Provider)
		s.Param = &mutate.Param{Label: "Metal VLAN", Placeholder: "a VLAN (2..3999) or a virtual network UUID", Key: model.ParamVNID,
			// The proposal's VLAN, shown; the request keeps the proposed
			// virtual network until the operator types something else.
			Initial: func(r model.ActionRequest) string { return r.Params[model.ParamVLAN] }}
		return s
	}
	if now != "" {
		// Planned with the current VLAN only so that a request shows; the
		// check below blocks Confirm until another one is typed.
		s.Request.Params[model.ParamVNID] = now
		s.Facts = []confirm.Fact{{Label: "Now", Value: "Metal VLAN " + now + nniNote(c)}}
	}
	where := ""
	if c.A.Name != "" {
		where += " of project " + c.A.Name
	}
	if c.A.Metro != "" {
		where += " in metro " + c.A.Metro
	}
	s.Facts = append(s.Facts, confirm.Fact{Label: "New VLAN", Value: "must be a Metro VLAN (virtual network)" + where + " that no other circuit uses"})
	s.Param = &mutate.Param{Label: "New VLAN", Placeholder: "a VLAN (2..3999) or a virtual network UUID", Key: model.ParamVNID,
		Check: func(v string) error {
			switch {
			case v == "" && now != "":
				return fmt.Errorf("type the new Metal VLAN (now %s)", now)
			case v == "":
				return fmt.Errorf("type the Metal VLAN")
			case v == now:
				return fmt.Errorf("VLAN %s is the current one: type another", now)
			}
			return nil
		}}
	return s
}

func nniNote(c model.Connection) string {
	if len(c.Z.VLANs) > 0 {
		return fmt.Sprintf(" (NNI VLAN %d on the port)", c.Z.VLANs[0])
	}
	return ""
}

// beginSetVLAN opens the set-VLAN dialog of c.
func (m *Model) beginSetVLAN(action string, c model.Connection) tea.Cmd {
	if why := SetVLANNotOffered(c); why != "" {
		return pane.Toast(why, true)
	}
	return m.Flow.Begin(SetVLANSpec(m.ctx, action, c))
}

// transitional is c's status while a change is under way on the
// provider's side ("" when it has settled, or waits on us).
func transitional(c model.Connection) string {
	moving := false
	switch c.State {
	case model.StateProvisioning, model.StateChanging, model.StateDeprovisioning:
		moving = true
	case model.StatePending:
		moving = c.Pending != nil && !c.Pending.WaitingOnUs
	}
	if !moving {
		return ""
	}
	if c.RawState != "" {
		return strings.ToLower(c.RawState)
	}
	return string(c.State)
}

// DeleteCircuitSpec is the deletion of virtual circuit c (the dialog
// asks to type its name), for panes other than the lists (Inventory).
func DeleteCircuitSpec(ctx *pane.Context, action string, c model.Connection) mutate.Spec {
	m := &Model{ctx: ctx}
	return m.spec(action, model.ActionDecommission, c)
}
