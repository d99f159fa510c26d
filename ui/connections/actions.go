package connections

import (
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/confirm"
)

// How an approval (and every other action on a connection) is sent: the
// key's binding (keys.go) calls begin, which describes the action to the
// one mutation path (ui/mutate): plan, the confirmation dialog, the
// source's guarded runner, then a re-read of this connection from the
// provider, never assumed.

// verb phrases kind for "cannot <verb> X" and the outcome line.
func verb(k model.ActionKind) string {
	switch k {
	case model.ActionApprove:
		return "approve"
	case model.ActionReject:
		return "reject"
	case model.ActionDecommission:
		return "decommission"
	case model.ActionFileChangeRequest:
		return "file a change request for"
	case model.ActionWithdrawChangeRequest:
		return "withdraw the change request of"
	case model.ActionChangeBandwidth:
		return "change the bandwidth of"
	}
	return string(k)
}

// noun names kind in "the provider offers no <noun>".
func noun(k model.ActionKind) string {
	switch k {
	case model.ActionFileChangeRequest:
		return "change request"
	case model.ActionWithdrawChangeRequest:
		return "change request to withdraw"
	case model.ActionChangeBandwidth:
		return "bandwidth change"
	}
	return verb(k)
}

// params are the actions whose dialog asks for one value.
var params = map[model.ActionKind]mutate.Param{
	model.ActionFileChangeRequest: {Label: "Capacity (Mbit/s)", Placeholder: "empty = the planner's proposal in the request below", Key: model.ParamCapacity},
	model.ActionChangeBandwidth:   {Label: "Bandwidth (Mbit/s)", Placeholder: "empty = the next speed up, as in the request below", Key: model.ParamBandwidth},
}

// NotOffered says why c does not offer kind now ("" when it does).
func NotOffered(kind model.ActionKind, c model.Connection) string {
	if c.HasAction(kind) {
		return ""
	}
	return fmt.Sprintf("cannot %s %s: %s does not offer %s for it (state %s); nothing was sent", verb(kind), nameOf(c), c.Provider, noun(kind), stateOf(c))
}

func stateOf(c model.Connection) string {
	s := string(c.State)
	if c.RawState != "" && !strings.EqualFold(c.RawState, s) {
		s += ", " + c.RawState
	}
	return s
}

// begin asks the mutation path for kind on c.
func (m *Model) begin(action string, kind model.ActionKind, c model.Connection) tea.Cmd {
	if why := NotOffered(kind, c); why != "" {
		return pane.Toast(why, true)
	}
	return m.Flow.Begin(m.spec(action, kind, c))
}

// spec describes kind on c to the mutation path.
func (m *Model) spec(action string, kind model.ActionKind, c model.Connection) mutate.Spec {
	req := model.ActionRequest{
		Kind:   kind,
		Target: model.Ref{Provider: c.Provider, Type: "connection", ID: c.ID, Name: c.Name},
		Params: map[string]string{},
	}
	if c.Pending != nil {
		// The planner needs to know which change it answers (creation,
		// update, deletion) without doing I/O.
		req.Params["change"] = string(c.Pending.Kind)
		if c.Pending.ID != "" {
			req.Params["change_id"] = c.Pending.ID
		}
	}
	target := fmt.Sprintf("%s · %s · %s (id %s)", c.Provider, nameOf(c), c.State, c.ID)
	if c.Pending != nil {
		target += fmt.Sprintf(" · pending %s", c.Pending.Kind)
	}
	s := mutate.Spec{Request: req, Action: action, Verb: verb(kind), Noun: noun(kind), Name: nameOf(c), Target: target, Replan: true}
	if kind == model.ActionDecommission {
		s.Preparing = fmt.Sprintf("reading the cancellation policy of %s from %s", nameOf(c), c.Provider)
		s.FactsOf = decommissionFacts
	}
	if in, ok := params[kind]; ok {
		s.Param, s.Replan = &in, false
		if c.BandwidthMbps > 0 {
			s.Facts = []confirm.Fact{{Label: "Now", Value: model.FormatMbps(c.BandwidthMbps)}}
		}
	}
	s.Reread = rereadConnection
	switch {
	case kind == model.ActionApprove && IsVLANCircuit(c):
		// Approving a circuit waiting on a customer VLAN sets its VLAN.
		return SetVLANSpec(m.ctx, action, c)
	case kind == model.ActionApprove:
		if ch := m.landingChoose(c); ch != nil {
			in := landingParam
			s.Choose, s.Param, s.Replan = ch, &in, false
		}
	case kind == model.ActionDecommission && IsCircuit(c):
		s.Verb, s.Noun, s.Preparing, s.FactsOf, s.Follow = "delete", "deletion", "", nil, true
	}
	return s
}

// decommissionFacts are the dates a prepared decommission carries.
func decommissionFacts(req model.ActionRequest) []confirm.Fact {
	v, ok := req.Params[model.ParamDecommissionAt]
	if !ok {
		return nil
	}
	cu := req.Params[model.ParamChargedUntil]
	if cu == "" {
		cu = "(not stated by the provider)"
	}
	return []confirm.Fact{{Label: "Decommission at", Value: v}, {Label: "Charged until", Value: cu}}
}

// rereadConnection words the hub's re-read of the connection after an
// action (the hub merged it into the listing, or refreshed the listing).
func rereadConnection(out model.Outcome) mutate.Reread {
	switch {
	case errors.Is(out.RereadErr, model.ErrNotFound):
		return mutate.Reread{Now: "now: gone (404)"}
	case out.RereadErr != nil:
		return mutate.Reread{Now: "re-read failed: " + model.ErrorSummary(out.RereadErr) + "; refreshing"}
	case out.Reread == nil:
		return mutate.Reread{Now: "provider cannot re-read one connection; refreshing"}
	}
	c := out.Reread
	now := string(c.State)
	if c.RawState != "" {
		now += " (" + c.RawState + ")"
	}
	if model.WaitingOnUs(c) {
		now += ", still waiting on us"
	}
	return mutate.Reread{Now: "now: " + now, Transitional: transitional(*c)}
}
