package ipam

import (
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
)

// Every IPAM mutation goes through the one mutation path (ui/mutate):
// the forms below collect what the planner needs, the plan opens the same
// confirmation dialog approvals use, the source's guarded runner sends it,
// and the tree, reports and preview are re-read from the IPAM, never
// patched locally.

var verbs = map[model.ActionKind]string{
	model.ActionSmartAssign:    "smart-assign",
	model.ActionDeassign:       "SWIP deassign",
	model.ActionReassign:       "SWIP reassign",
	model.ActionProcessHolding: "process the holding tank",
}

// keyAction is the [keys] action of kind (its read-only message).
var keyAction = map[model.ActionKind]string{
	model.ActionSmartAssign:    "assign",
	model.ActionDeassign:       "delete",
	model.ActionReassign:       "swip",
	model.ActionProcessHolding: "process_holding",
}

func errf(format string, a ...any) error { return fmt.Errorf(format, a...) }

// actionSource checks, before a form opens, that the provider shown can
// act now: the mutation path checks again when the plan is ready.
func (p *Pane) actionSource(kind model.ActionKind) (model.Source, tea.Cmd) {
	if r := p.ctx.ReadOnlyReason(p.Provider()); r != "" {
		return model.Source{}, pane.Toast(keys.ReadOnlyMessage(keyAction[kind], r), true)
	}
	if r := p.flow.Running(); r != "" {
		return model.Source{}, pane.Toast("wait: "+r+" is still running", true)
	}
	src, ok := p.source()
	if !ok || src.Planner == nil || src.Runner == nil {
		return model.Source{}, pane.Toast(p.Provider()+" cannot run IPAM actions", true)
	}
	return src, nil
}

// spec describes one IPAM action to the mutation path; reveal is the block
// to show afterwards (deassign / SWIP target).
func (p *Pane) spec(req model.ActionRequest, target string, reveal int64) mutate.Spec {
	provider := p.Provider()
	return mutate.Spec{Request: req, Action: keyAction[req.Kind], Verb: verbs[req.Kind], Noun: verbs[req.Kind], Target: target,
		// Reread nil: the provider's resources are refreshed.
		Done: func(m mutate.DoneMsg) (string, tea.Cmd) { return p.done(m, provider, reveal), nil }}
}

// beginSmartAssign opens the smart-assign form, prefilled from what is
// selected: a block (family, RIR, region), a region, or a resource.
func (p *Pane) beginSmartAssign() tea.Cmd {
	if _, cmd := p.actionSource(model.ActionSmartAssign); cmd != nil {
		return cmd
	}
	fam, rir, region, resource := model.IPv4, "", "", ""
	switch p.view {
	case ViewBlocks:
		if b := p.br.selectedBlock(); b != nil {
			fam, rir, region = b.Family, b.RIR, b.Region
			if b.Status == model.BlockAssigned && b.ResourceID != 0 {
				resource = strconv.FormatInt(b.ResourceID, 10)
			}
		}
	case ViewSummary:
		if p.regCursor < len(p.regions) {
			r := p.regions[p.regCursor]
			fam, region = r.Family, r.Region
			if len(r.RIRs) > 0 {
				rir = r.RIRs[0]
			}
		}
	case ViewResources:
		if r := p.selectedResource(); r != nil {
			resource = strconv.FormatInt(r.ID, 10)
		}
	}
	mask := "29"
	if fam == model.IPv6 {
		mask = "56"
	}
	f := newForm(model.ActionSmartAssign, "Smart-assign a block on "+p.Provider(), p.Provider(), model.Ref{Provider: p.Provider(), Type: "resource"})
	f.add("customer", "resource", resource, "resource id or name (unique part of it)")
	f.add("mask", model.ParamMask, mask, "prefix length to assign, e.g. 29 (IPv4) or 56 (IPv6)")
	f.add("family", model.ParamFamily, string(fam), "ipv4 or ipv6")
	f.add("RIR", model.ParamRIR, rir, "ARIN, RIPE, APNIC, AfriNIC, LACNIC or 1918")
	f.add("region", model.ParamRegion, region, "optional: assign from this region only")
	f.add("tags", model.ParamTags, "", "optional: the source block must carry all of these (comma-separated)")
	f.add("VLAN", model.ParamVLAN, "", "optional: the source block's VLAN")
	f.add("code", model.ParamCode, "", "optional: block code to set")
	p.form = f
	return nil
}

// beginSWIP opens the deassign or SWIP-reassign form for the selected
// block. Deassigning asks for the CIDR to be typed.
func (p *Pane) beginSWIP(kind model.ActionKind) tea.Cmd {
	if _, cmd := p.actionSource(kind); cmd != nil {
		return cmd
	}
	b := p.br.selectedBlock()
	if b == nil {
		return nil
	}
	if b.Status != model.BlockAssigned {
		return pane.Toast(fmt.Sprintf("%s is %s: only assigned blocks can be %s", b.CIDR(), b.Status, map[model.ActionKind]string{
			model.ActionDeassign: "deassigned", model.ActionReassign: "reassigned"}[kind]), true)
	}
	title := fmt.Sprintf("SWIP reassign %s (ARIN simple reassign)", b.CIDR())
	if kind == model.ActionDeassign {
		title = fmt.Sprintf("SWIP deassign %s from %s", b.CIDR(), b.ResourceName)
	}
	f := newForm(kind, title, p.Provider(), b.Ref())
	if kind == model.ActionReassign {
		f.add("customer", "resource", strconv.FormatInt(b.ResourceID, 10), "resource id or name to reassign to")
	}
	f.add("entity handle", model.ParamEntityHandle, b.OrgID, "the LIR's org handle (e.g. CONNE-81)")
	f.add("net name", model.ParamNetName, "", "optional: overrides the default net name")
	if kind == model.ActionDeassign {
		f.add("confirm", "confirm", "", "type "+b.CIDR()+" to confirm")
		f.must = b.CIDR()
	}
	p.form = f
	return nil
}

// beginProcess plans processing the holding tank from the preview on
// screen and opens the dialog. The provider refuses a plan without a
// preview it served, and re-checks the preview before sending.
func (p *Pane) beginProcess() tea.Cmd {
	if _, cmd := p.actionSource(model.ActionProcessHolding); cmd != nil {
		return cmd
	}
	h := holdingOf(p.ctx, p.Provider())
	if h == nil {
		return pane.Toast("the holding tank has not been previewed yet: wait for the preview (r refreshes)", true)
	}
	if len(h.Blocks) == 0 {
		return pane.Toast("the holding tank preview is empty: nothing would move", false)
	}
	req := model.ActionRequest{
		Kind:   model.ActionProcessHolding,
		Target: model.Ref{Provider: p.Provider(), Type: "holding-tank", ID: h.Fingerprint, Name: "holding tank"},
		Params: map[string]string{model.ParamPreview: h.Fingerprint},
	}
	var names []string
	for i, b := range h.Blocks {
		if i == 4 {
			names = append(names, fmt.Sprintf("+%d more", len(h.Blocks)-4))
			break
		}
		names = append(names, b.CIDR())
	}
	target := fmt.Sprintf("%s · %d block%s previewed %s: %s", p.Provider(), len(h.Blocks), plural(len(h.Blocks)),
		h.At.In(p.ctx.Now().Location()).Format("15:04:05"), strings.Join(names, ", "))
	return p.flow.Begin(p.spec(req, target, 0))
}

// formKey feeds the form; a submitted form is planned and, when the plan
// succeeds, replaced by the confirmation dialog.
func (p *Pane) formKey(msg tea.KeyMsg) tea.Cmd {
	out, cmd := p.form.update(msg)
	switch out {
	case formCancelled:
		p.form = nil
		return pane.Toast("cancelled: nothing was planned or sent", false)
	case formSubmitted:
		return tea.Batch(cmd, p.planForm())
	}
	return cmd
}

func (p *Pane) planForm() tea.Cmd {
	f := p.form
	src, ok := p.source()
	if !ok || src.Planner == nil {
		f.err = "this provider cannot plan actions"
		return nil
	}
	req := model.ActionRequest{Kind: f.kind, Target: f.target, Params: f.params()}
	delete(req.Params, "resource")
	if v := f.value("resource"); v != "" || f.kind == model.ActionSmartAssign {
		id, name, err := resolveResource(p.knownResources(), v)
		if err != nil {
			f.err = err.Error()
			return nil
		}
		req.Params[model.ParamResourceID] = strconv.FormatInt(id, 10)
		if f.kind == model.ActionSmartAssign {
			req.Target = model.Ref{Provider: p.Provider(), Type: "resource", ID: strconv.FormatInt(id, 10), Name: name}
		}
	}
	a, err := src.Planner.Plan(req)
	if err != nil {
		f.err = model.ErrorSummary(err)
		return nil
	}
	target := p.Provider() + " · " + describeTarget(req)
	var reveal int64
	if f.kind == model.ActionDeassign || f.kind == model.ActionReassign {
		reveal, _ = strconv.ParseInt(req.Target.ID, 10, 64)
	}
	if f.must != "" {
		// The CIDR was typed in the form; the dialog need not ask again.
		a.ConfirmText = ""
		a.Title += " (CIDR typed)"
	}
	p.form = nil
	return p.flow.Open(a, p.spec(req, target, reveal))
}

func describeTarget(req model.ActionRequest) string {
	t := req.Target
	switch req.Kind {
	case model.ActionSmartAssign:
		name := t.Name
		if name == "" {
			name = "resource " + t.ID
		} else {
			name += " (resource " + t.ID + ")"
		}
		return fmt.Sprintf("/%s %s for %s", strings.TrimPrefix(req.Params[model.ParamMask], "/"), req.Params[model.ParamFamily], name)
	}
	return fmt.Sprintf("block %s (id %s)", t.Name, t.ID)
}

// done shows what the action made (a smart assignment's block, or the
// deassigned / reassigned one) once the listing comes back; the note is
// appended to the result line.
func (p *Pane) done(m mutate.DoneMsg, provider string, reveal int64) string {
	defer p.layout()
	switch {
	case m.Err != nil:
		return ""
	case m.Action.Request.Kind == model.ActionSmartAssign && len(m.Result.Affected) > 0:
		if id, err := strconv.ParseInt(m.Result.Affected[0].ID, 10, 64); err == nil {
			p.newID = id
			p.focus.provider, p.focus.id = provider, id
			return "after: " + m.Result.Affected[0].Name + " (shown in Blocks)"
		}
	case reveal != 0:
		p.focus.provider, p.focus.id = provider, reveal
	}
	return ""
}
