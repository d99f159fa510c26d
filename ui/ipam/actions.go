package ipam

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/confirm"
)

// ActionTimeout bounds one action (the holding tank's confirming preview
// included).
var ActionTimeout = 60 * time.Second

// pendingAction is what the open dialog would run.
type pendingAction struct {
	src      model.Source
	provider string
	revealID int64 // block to show afterwards (deassign / SWIP target)
}

// doneMsg is the outcome of a confirmed action.
type doneMsg struct {
	pane     int64
	provider string
	action   model.Action
	result   model.Result
	err      error
	revealID int64
}

func errf(format string, a ...any) error { return fmt.Errorf(format, a...) }

var verbs = map[model.ActionKind]string{
	model.ActionSmartAssign:    "smart-assign",
	model.ActionDeassign:       "SWIP deassign",
	model.ActionReassign:       "SWIP reassign",
	model.ActionProcessHolding: "process the holding tank",
}

// actionSource checks that the current provider can plan and run actions
// and that read-only mode is off (the registry's guard would refuse too;
// this says why before anything is planned).
func (p *Pane) actionSource(kind model.ActionKind) (model.Source, tea.Cmd) {
	if p.ctx.ReadOnly {
		return model.Source{}, pane.Toast("read-only mode: "+verbs[kind]+" disabled (--read-only)", true)
	}
	if p.running != "" {
		return model.Source{}, pane.Toast("wait: "+p.running+" is still running", true)
	}
	src, ok := p.source()
	if !ok || src.Planner == nil || src.Runner == nil {
		return model.Source{}, pane.Toast(p.Provider()+" cannot run IPAM actions", true)
	}
	return src, nil
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
	src, cmd := p.actionSource(model.ActionProcessHolding)
	if cmd != nil {
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
	a, err := src.Planner.Plan(req)
	if err != nil {
		return pane.Toast("cannot plan: "+model.ErrorSummary(err), true)
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
	p.openDialog(a, target, pendingAction{src: src, provider: p.Provider()})
	return nil
}

func (p *Pane) openDialog(a model.Action, target string, pend pendingAction) {
	d := confirm.New(a, target, nil, p.ctx.Styles)
	p.dialog, p.pending = &d, pend
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
		p.planForm()
	}
	return cmd
}

func (p *Pane) planForm() {
	f := p.form
	src, ok := p.source()
	if !ok || src.Planner == nil {
		f.err = "this provider cannot plan actions"
		return
	}
	req := model.ActionRequest{Kind: f.kind, Target: f.target, Params: f.params()}
	delete(req.Params, "resource")
	if v := f.value("resource"); v != "" || f.kind == model.ActionSmartAssign {
		id, name, err := resolveResource(p.knownResources(), v)
		if err != nil {
			f.err = err.Error()
			return
		}
		req.Params[model.ParamResourceID] = strconv.FormatInt(id, 10)
		if f.kind == model.ActionSmartAssign {
			req.Target = model.Ref{Provider: p.Provider(), Type: "resource", ID: strconv.FormatInt(id, 10), Name: name}
		}
	}
	a, err := src.Planner.Plan(req)
	if err != nil {
		f.err = model.ErrorSummary(err)
		return
	}
	target := p.Provider() + " · " + describeTarget(req)
	pend := pendingAction{src: src, provider: p.Provider()}
	if f.kind == model.ActionDeassign || f.kind == model.ActionReassign {
		pend.revealID, _ = strconv.ParseInt(req.Target.ID, 10, 64)
	}
	if f.must != "" {
		// The CIDR was typed in the form; the dialog need not ask again.
		a.ConfirmText = ""
		a.Title += " (CIDR typed)"
	}
	p.form = nil
	p.openDialog(a, target, pend)
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

// dialogKey feeds the confirmation dialog; confirming runs the action.
func (p *Pane) dialogKey(msg tea.KeyMsg) tea.Cmd {
	d, out, cmd := p.dialog.Update(msg)
	p.dialog = &d
	switch out {
	case confirm.Cancelled:
		p.dialog = nil
		return pane.Toast("cancelled: nothing was sent", false)
	case confirm.Confirmed:
		a := d.Action()
		p.dialog = nil
		return p.run(a)
	}
	return cmd
}

// run sends a through the source's (guarded, audited) runner; the command
// captures values only.
func (p *Pane) run(a model.Action) tea.Cmd {
	if p.ctx.ReadOnly {
		return pane.Toast("read-only mode: nothing was sent", true)
	}
	pend := p.pending
	runner, id, parent := pend.src.Runner, p.id, p.ctx.Background()
	p.running = verbs[a.Request.Kind]
	if p.ctx.Logger != nil {
		p.ctx.Logger.Info("action confirmed", "provider", pend.provider, "kind", a.Request.Kind, "target", a.Request.Target.ID, "method", a.HTTP.Method, "path", a.HTTP.Path)
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, ActionTimeout)
		defer cancel()
		m := doneMsg{pane: id, provider: pend.provider, action: a, revealID: pend.revealID}
		m.result, m.err = runner.Do(ctx, a)
		return m
	}
}

// done reports an outcome and re-reads the provider: the tree, reports and
// preview come back from the IPAM, never patched locally.
func (p *Pane) done(m doneMsg) tea.Cmd {
	p.running = ""
	what := verbs[m.action.Request.Kind]
	audit := ""
	if p.ctx.AuditPath != "" {
		audit = " · audit: " + p.ctx.AuditPath
	}
	if m.err != nil {
		p.last, p.lastErr = fmt.Sprintf("✗ %s failed: %s%s", what, model.ErrorSummary(m.err), audit), true
		if errors.Is(m.err, model.ErrReadOnly) {
			p.last = "✗ " + what + ": refused, read-only mode" + audit
		}
	} else {
		p.last, p.lastErr = fmt.Sprintf("✓ %s: %s%s", what, m.result.Message, audit), false
		switch {
		case m.action.Request.Kind == model.ActionSmartAssign && len(m.result.Affected) > 0:
			if id, err := strconv.ParseInt(m.result.Affected[0].ID, 10, 64); err == nil {
				p.newID = id
				p.focus.provider, p.focus.id = m.provider, id
				p.last += " · after: " + m.result.Affected[0].Name + " (shown in Blocks)"
			}
		case m.revealID != 0:
			p.focus.provider, p.focus.id = m.provider, m.revealID
		}
	}
	p.layout()
	provider := m.provider
	return tea.Batch(pane.Toast(p.last, m.err != nil), func() tea.Msg { return pane.RefreshMsg{Provider: provider} })
}
