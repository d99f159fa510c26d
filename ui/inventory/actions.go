package inventory

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/widgets/confirm"
	"github.com/noctop/noctop/ui/widgets/detail"
)

// Actions on inventory nodes (a server's ports and power, Packet's):
// a key is on only where the node lists the action (model.Node.Actions),
// off with its reason in read-only mode, and every one goes through the
// one mutation path: plan, the dialog with the exact request, the audited
// runner, and a re-read of the inventory.

// nodeAction is one action a key asks for on the selected node.
type nodeAction struct {
	name  string // [keys] action
	kind  model.ActionKind
	key   func(km *keys.Map) key.Binding
	verb  string // "bond", "power off"
	noun  string // the read-only note
	short string // the footer's label
	// suffix follows the target's name in messages ("convert bond0 of
	// web-01 to layer 2").
	suffix string
}

// plan names what is planned, for "cannot plan …" messages.
func (a nodeAction) plan() string {
	if a.suffix != "" {
		return "the conversion"
	}
	return "the " + a.short
}

var nodeActions = []nodeAction{
	{"bond", model.ActionBondPort, func(km *keys.Map) key.Binding { return km.Bond }, "bond", "port bonding", "bond", ""},
	{"disbond", model.ActionDisbondPort, func(km *keys.Map) key.Binding { return km.Disbond }, "disbond", "port bonding", "disbond", ""},
	{"convert_layer2", model.ActionConvertLayer2, func(km *keys.Map) key.Binding { return km.ConvertLayer2 }, "convert", "layer conversions", "layer 2", " to layer 2"},
	{"convert_layer3", model.ActionConvertLayer3, func(km *keys.Map) key.Binding { return km.ConvertLayer3 }, "convert", "layer conversions", "layer 3", " to layer 3"},
	{"assign_vlan", model.ActionAssignVLAN, func(km *keys.Map) key.Binding { return km.AssignVLAN }, "assign a VLAN to", "VLAN changes", "add VLAN", ""},
	{"unassign_vlan", model.ActionUnassignVLAN, func(km *keys.Map) key.Binding { return km.UnassignVLAN }, "remove a VLAN from", "VLAN changes", "remove VLAN", ""},
	{"power_on", model.ActionPowerOn, func(km *keys.Map) key.Binding { return km.PowerOn }, "power on", "power actions", "power on", ""},
	{"power_off", model.ActionPowerOff, func(km *keys.Map) key.Binding { return km.PowerOff }, "power off", "power actions", "power off", ""},
	{"reboot", model.ActionReboot, func(km *keys.Map) key.Binding { return km.Reboot }, "reboot", "power actions", "reboot", ""},
}

// canAct reports whether some node offers an action and its source could
// run one (the bindings are left out of the table, the footer and ?
// otherwise).
func (p *Pane) canAct() bool {
	if !p.anyActions {
		return false
	}
	for _, s := range p.ctx.Sources {
		if s.Inventory != nil && s.Planner != nil && s.Runner != nil {
			return true
		}
	}
	return false
}

// selectedItem is the item under the cursor (or in the detail view).
func (p *Pane) selectedItem() *item {
	if p.detail != nil {
		return p.detail
	}
	if p.cur.Pos() >= len(p.rows) {
		return nil
	}
	return p.rows[p.cur.Pos()]
}

// actionKeys are the bindings of nodeActions for the selected node.
func (p *Pane) actionKeys() []keys.Binding {
	if !p.canAct() {
		return nil
	}
	var out []keys.Binding
	for _, a := range nodeActions {
		out = append(out, keys.Binding{
			Action: a.name, Key: a.key(p.keys), Short: a.short, Noun: a.noun,
			Show: keys.IfRoom | keys.Help, Group: 3, Mutates: true, // FooterOrder 0: first of the IfRoom ones
			ReadOnly: func() string {
				if it := p.selectedItem(); it != nil {
					return p.ctx.ReadOnlyReason(it.source)
				}
				return p.ctx.ReadOnlyReason("")
			},
			Disabled: func() string { return p.notOffered(a) },
			Run:      func() tea.Cmd { return p.beginAction(a) },
		})
	}
	return out
}

// notOffered says why a cannot run on the selection ("" when it can).
func (p *Pane) notOffered(a nodeAction) string {
	it := p.selectedItem()
	if it == nil {
		return "nothing selected"
	}
	if !slices.Contains(it.node.Actions, a.kind) {
		what := "this " + strings.ToLower(text.Clean(firstNonEmpty(it.node.Kind, "object")))
		return fmt.Sprintf("cannot %s %s%s: %s does not offer it now", a.verb, what, a.suffix, it.source)
	}
	return ""
}

// server is the server item it is, or belongs to.
func server(it *item) *item {
	for ; it != nil; it = it.parent {
		if t := it.node.Ref.Type; t == "device" || t == "server" {
			return it
		}
	}
	return nil
}

// project is the project item above it.
func project(it *item) *item {
	for ; it != nil; it = it.parent {
		if it.node.Ref.Type == "project" {
			return it
		}
	}
	return nil
}

// nameOf words the target: "bond0 of web-01", "web-01".
func nameOf(it *item) string {
	n := it.node
	name := text.Clean(firstNonEmpty(n.Ref.Name, n.Ref.ID))
	if s := server(it); s != nil && s != it {
		name += " of " + text.Clean(firstNonEmpty(s.node.Ref.Name, s.node.Ref.ID))
	}
	return name
}

// vnet is one of a project's virtual networks, as the inventory lists it.
type vnet struct {
	id, vlan, desc, facility string
}

// projectVNets are the virtual networks under the project of it (the
// project's "Virtual networks" group).
func projectVNets(it *item) []vnet {
	pr := project(it)
	if pr == nil {
		return nil
	}
	var out []vnet
	for _, g := range pr.children {
		for _, c := range g.children {
			if c.node.Ref.Type != "virtual-network" {
				continue
			}
			v := vnet{id: text.Clean(c.node.Ref.ID)}
			for _, f := range c.node.Fields {
				switch f.Key {
				case "vlan":
					v.vlan = text.Clean(f.Value)
				case "description":
					v.desc = text.Clean(f.Value)
				case "facility":
					v.facility = text.Clean(f.Value)
				}
			}
			out = append(out, v)
		}
	}
	return out
}

// usableVNets splits the project's virtual networks into those the
// server of it can use (its facility, or no facility given) and the
// others; fac is the server's facility code ("" when unknown: all usable).
func usableVNets(it *item) (usable, others []vnet, fac string) {
	all := projectVNets(it)
	if s := server(it); s != nil {
		fac = field(s.node, "facility")
	}
	if fac == "" {
		return all, nil, ""
	}
	for _, v := range all {
		if v.facility == "" || v.facility == fac {
			usable = append(usable, v)
		} else {
			others = append(others, v)
		}
	}
	return usable, others, fac
}

// portVLANs are the VLAN numbers the port carries (its "vlan" field).
func portVLANs(n *model.Node) []string {
	for _, f := range n.Fields {
		if f.Key == "vlan" {
			var out []string
			for _, v := range strings.Split(f.Value, ",") {
				if v = strings.TrimSpace(text.Clean(v)); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	return nil
}

// field is n's field key ("" when absent).
func field(n *model.Node, k string) string {
	for _, f := range n.Fields {
		if f.Key == k {
			return text.Clean(f.Value)
		}
	}
	return ""
}

// vnetFact lists vs for the dialog ("1001 backend (sjc1), 1002 …").
func vnetFact(vs []vnet, none string) confirm.Fact {
	if len(vs) == 0 {
		return confirm.Fact{Label: "Virtual networks", Value: none}
	}
	var parts []string
	for _, v := range vs {
		s := "VLAN " + v.vlan
		if v.desc != "" {
			s += " " + v.desc
		}
		if v.facility != "" {
			s += " (" + v.facility + ")"
		}
		parts = append(parts, s)
	}
	return confirm.Fact{Label: "Virtual networks", Value: strings.Join(parts, ", ")}
}

// checkVNet accepts a VLAN number or id among vs.
func checkVNet(vs []vnet, what string) func(string) error {
	return func(v string) error {
		for _, n := range vs {
			if v == n.vlan || v == n.id {
				return nil
			}
		}
		var known []string
		for _, n := range vs {
			known = append(known, n.vlan)
		}
		if len(known) == 0 {
			return fmt.Errorf("%q is not %s (there are none)", text.Clean(v), what)
		}
		return fmt.Errorf("%q is not %s (VLAN %s)", text.Clean(v), what, strings.Join(known, ", "))
	}
}

// bondFacts explain bulk_enable / bulk_disable for the selected port.
func bondFacts(it *item, bond bool) []confirm.Fact {
	flag, verb := "bulk_disable", "leaves"
	if bond {
		flag, verb = "bulk_enable", "joins"
	}
	n := it.node
	var fs []confirm.Fact
	if len(it.children) > 0 { // a bond port: its members
		var ms []string
		for _, c := range it.children {
			ms = append(ms, text.Clean(c.node.Ref.Name)+" bonded="+firstNonEmpty(field(c.node, "bonded"), "?"))
		}
		fs = append(fs, confirm.Fact{Label: flag, Value: "true: every member port of " + text.Clean(n.Ref.Name) + " " + verb + " the bond at once"},
			confirm.Fact{Label: "Members", Value: strings.Join(ms, ", ")})
	} else {
		bondName := firstNonEmpty(field(n, "bond"), "its bond")
		fs = append(fs, confirm.Fact{Label: flag, Value: "false: only " + text.Clean(n.Ref.Name) + " " + verb + " " + bondName +
			"; select " + bondName + " to act on every member port at once (" + flag + ")"})
	}
	if !bond {
		fs = append(fs, confirm.Fact{Label: "Effect", Value: "the server's traffic moves off the port at once; a disbonded port can carry its own VLANs"})
	}
	return fs
}

// spec builds the mutation of a on the selected item.
func (p *Pane) spec(a nodeAction, it *item) mutate.Spec {
	n := it.node
	ref := n.Ref
	if ref.Provider == "" {
		ref.Provider = it.source
	}
	req := model.ActionRequest{Kind: a.kind, Target: ref, Params: map[string]string{}}
	name := nameOf(it)
	s := mutate.Spec{
		Request: req, Action: a.name, Verb: a.verb, Noun: a.plan(), Name: name + a.suffix,
		Target: fmt.Sprintf("%s · %s (%s %s, state %s)", it.source, name, text.Clean(ref.Type), text.Clean(ref.ID), text.Clean(firstNonEmpty(n.RawState, string(n.State)))),
	}
	vs, others, fac := usableVNets(it)
	vfact := func(none string) []confirm.Fact {
		fs := []confirm.Fact{vnetFact(vs, none)}
		if len(others) > 0 {
			fs = append(fs, confirm.Fact{Label: "Elsewhere", Value: fmt.Sprintf("%d more in other facilities, not usable from %s", len(others), fac)})
		}
		return fs
	}
	usable := "a virtual network of this project"
	if fac != "" {
		usable += " in " + fac
	}
	switch a.kind {
	case model.ActionBondPort:
		s.Facts = bondFacts(it, true)
	case model.ActionDisbondPort:
		s.Facts = bondFacts(it, false)
	case model.ActionConvertLayer2:
		s.Param = &mutate.Param{Label: "Virtual network", Placeholder: "VLAN number or id (empty: none yet, assign one later)",
			Key: model.ParamVirtualNetwork, Check: checkVNet(vs, usable)}
		s.Facts = append(vfact("none usable here: the port converts with no network"),
			confirm.Fact{Label: "Effect", Value: "the bond's IP addresses are removed: the server is reachable only on its VLANs"})
	case model.ActionConvertLayer3:
		s.Param = &mutate.Param{Label: "Request IPs", Placeholder: "public-ipv4,private-ipv4,public-ipv6 (default: all three)", Key: model.ParamRequestIPs}
		s.Facts = []confirm.Fact{{Label: "Effect", Value: "the bond gets IP addresses again; it must carry no VLAN"}}
	case model.ActionAssignVLAN:
		on := portVLANs(n)
		var free []vnet
		for _, v := range vs {
			if !slices.Contains(on, v.vlan) {
				free = append(free, v)
			}
		}
		def := ""
		if len(free) > 0 {
			def = free[0].vlan
		}
		s.Param = &mutate.Param{Label: "Virtual network", Placeholder: "VLAN number or id (empty: VLAN " + def + ")",
			Key: model.ParamVirtualNetwork, Default: def, Check: checkVNet(vs, usable)}
		s.Facts = vfact("none usable here")
		if len(on) > 0 {
			s.Facts = append(s.Facts, confirm.Fact{Label: "On the port", Value: "VLAN " + strings.Join(on, ", ")})
		}
		if def != "" {
			s.Request.Params[model.ParamVirtualNetwork] = def
		}
	case model.ActionUnassignVLAN:
		on := portVLANs(n)
		var carried []vnet
		for _, v := range projectVNets(it) {
			if slices.Contains(on, v.vlan) {
				carried = append(carried, v)
			}
		}
		for _, num := range on { // a VLAN the project group does not list
			if !slices.ContainsFunc(carried, func(v vnet) bool { return v.vlan == num }) {
				carried = append(carried, vnet{vlan: num})
			}
		}
		def := ""
		if len(on) > 0 {
			def = on[0]
		}
		s.Param = &mutate.Param{Label: "Virtual network", Placeholder: "VLAN number or id (empty: VLAN " + def + ")",
			Key: model.ParamVirtualNetwork, Default: def, Check: checkVNet(carried, "a VLAN this port carries")}
		s.Facts = []confirm.Fact{{Label: "On the port", Value: "VLAN " + strings.Join(on, ", ")}}
		if def != "" {
			s.Request.Params[model.ParamVirtualNetwork] = def
		}
	case model.ActionPowerOn, model.ActionPowerOff, model.ActionReboot:
		s.Facts = []confirm.Fact{{Label: "Server", Value: text.Clean(it.label)}, {Label: "State", Value: text.Clean(firstNonEmpty(n.RawState, string(n.State)))}}
		if a.kind != model.ActionPowerOn {
			s.Facts = append(s.Facts, confirm.Fact{Label: "Confirm", Value: "stays disabled until the server's name is typed exactly below"})
		}
	}
	if a.kind == model.ActionConvertLayer2 {
		// The name to type is the planner's (Action.ConfirmText), shown by
		// the dialog itself.
		s.Facts = append(s.Facts, confirm.Fact{Label: "Confirm", Value: "stays disabled until the server's name is typed exactly below (ctrl+n moves to that input)"})
	}
	s.Reread = rereadNode
	provider := it.source
	s.Done = func(m mutate.DoneMsg) (string, tea.Cmd) {
		if m.Err == nil || errors.Is(m.Err, model.ErrOutcomeUnknown) {
			p.watchSeq++
			p.watch = &rereadWatch{provider: provider, ref: ref, seq: p.watchSeq}
			// A re-read that brings back the same tree publishes no
			// change: the pane asks the hub when it has ended.
			return "", p.ctx.After(rereadPoll, rereadCheckMsg{seq: p.watchSeq})
		}
		return "", nil
	}
	return s
}

// beginAction plans a on the selection and opens the dialog.
func (p *Pane) beginAction(a nodeAction) tea.Cmd {
	it := p.selectedItem()
	if it == nil {
		return nil
	}
	return p.flow.Begin(p.spec(a, it))
}

// rereadNode words the hub's re-read after an action on a node: the
// provider lists no single node, so the hub refetches the provider's
// inventory; how the node is now is told when that arrives (watchReread).
func rereadNode(out model.Outcome) mutate.Reread {
	for _, k := range out.Refreshed {
		if k.Resource == pane.ResInventory {
			return mutate.Reread{Now: rereadPending}
		}
	}
	return mutate.Reread{Now: "the inventory was not re-read (refresh with r)"}
}

// rereadPending stands in the result line until the re-read inventory
// arrives; watchReread replaces it with how the node is now.
const rereadPending = "re-reading the inventory…"

// rereadWatch is the node whose re-read the result line waits for.
type rereadWatch struct {
	provider string
	ref      model.Ref
	seq      int64
	checks   int
}

// rereadPoll is how often the pane asks whether the re-read ended, up to
// rereadChecks times (a minute).
var (
	rereadPoll   = 500 * time.Millisecond
	rereadChecks = 120
)

// rereadCheckMsg asks whether watch seq's re-read has ended.
type rereadCheckMsg struct{ seq int64 }

// checkReread handles a rereadCheckMsg: the line is completed once the
// re-read ended, asked again while it runs, and given up after a minute.
func (p *Pane) checkReread(m rereadCheckMsg) tea.Cmd {
	w := p.watch
	if w == nil || w.seq != m.seq {
		return nil
	}
	if p.watchReread(w.provider, false) {
		return nil
	}
	if w.checks++; w.checks < rereadChecks {
		return p.ctx.After(rereadPoll, m)
	}
	p.watch = nil
	p.flow.Last = strings.Replace(p.flow.Last, rereadPending, "the re-read is still running (the tree shows it when it ends)", 1)
	return nil
}

// watchReread puts how the watched node is now into the result line once
// provider's inventory has been re-read (called on its changes and by
// checkReread), or says the re-read failed (the tree keeps what was last
// read). It reports whether the watch ended.
func (p *Pane) watchReread(provider string, dataChanged bool) bool {
	w := p.watch
	if w == nil || w.provider != provider {
		return w == nil
	}
	st, _ := p.ctx.StatusOf(Key(provider))
	if st.Loading {
		return false
	}
	p.watch = nil
	nodes, ok := p.ctx.InventoryOf(provider)
	now := "re-read: " + text.Clean(firstNonEmpty(w.ref.Name, w.ref.ID)) + " is no longer listed"
	switch {
	case st.Err != nil && !dataChanged:
		now = "re-read failed: " + model.ErrorSummary(st.Err) + " (the tree shows what was last read)"
		p.flow.LastErr = true
		ok = false
	case !ok:
		now = "re-read: nothing listed"
	}
	if n := findRef(nodes, w.ref); ok && n != nil {
		now = "now " + text.Clean(n.Label)
		if st := text.Clean(firstNonEmpty(n.RawState, string(n.State))); st != "" {
			now += " (" + st + ")"
		}
	}
	if strings.Contains(p.flow.Last, rereadPending) {
		p.flow.Last = strings.Replace(p.flow.Last, rereadPending, now, 1)
	}
	return true
}

// findRef is the node of nodes with ref's type and id.
func findRef(nodes []model.Node, ref model.Ref) *model.Node { return findRefAt(nodes, ref, 0) }

func findRefAt(nodes []model.Node, ref model.Ref, depth int) *model.Node {
	if depth >= maxDepth {
		return nil
	}
	for i := range nodes {
		n := &nodes[i]
		if n.Ref.ID == ref.ID && n.Ref.Type == ref.Type {
			return n
		}
		if f := findRefAt(n.Children, ref, depth+1); f != nil {
			return f
		}
	}
	return nil
}

// actionLines are the detail view's list of what the node offers now.
func (p *Pane) actionLines(it *item) []detail.Line {
	st := p.ctx.Styles
	var ls []detail.Line
	for _, a := range nodeActions {
		if slices.Contains(it.node.Actions, a.kind) {
			k := a.key(p.keys).Help()
			ls = append(ls, detail.Field(k.Key, k.Desc))
		}
	}
	if len(ls) == 0 || !p.canAct() {
		return nil
	}
	out := append([]detail.Line{detail.Blank(), detail.Heading("Actions")}, ls...)
	if r := p.ctx.ReadOnlyReason(it.source); r != "" {
		out = append(out, detail.Note("off: read-only ("+r+")", styles.PaintOf(st.Warn)))
	} else {
		out = append(out, detail.Note("each asks for confirmation and shows the exact request", styles.PaintOf(st.Dim)))
	}
	return out
}

// offersActions reports whether it or a node below it lists an action.
func offersActions(it *item) bool {
	if len(it.node.Actions) > 0 {
		return true
	}
	for _, c := range it.children {
		if offersActions(c) {
			return true
		}
	}
	return false
}
