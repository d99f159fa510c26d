// Package ipam is the IPAM pane: host utilization per family with bars,
// regions by use, a sortable per-resource table, the mask report (IPv4 and
// IPv6 side by side), a block browser over the split tree
// (parent/child1/child2) with used shares, filters, details and copy, and
// the holding tank (preview, then process). Pools at or above the
// configured threshold are highlighted and counted in the status bar.
//
// Every mutation (smart assign, deassign, SWIP reassign, processing the
// holding tank) is planned by the provider, shown in the confirmation
// dialog with its exact request, and run through the source's guarded
// runner; the outcome is re-read from the provider, never assumed.
package ipam

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/vtable"
)

// View is one of the pane's screens.
type View int

const (
	ViewSummary View = iota
	ViewResources
	ViewMasks
	ViewBlocks
	ViewHolding
	numViews
)

var viewNames = [numViews]string{"Summary", "Resources", "Masks", "Blocks", "Holding"}

func (v View) String() string { return viewNames[v] }

// DefaultThreshold is the pool use (percent) highlighted when the config
// does not say otherwise.
const DefaultThreshold = 80.0

// LiveFilterMax is the largest tree filtered on every keystroke; bigger
// ones are filtered when enter is pressed.
const LiveFilterMax = 200_000

var nextID atomic.Int64

// Pane is the IPAM pane.
type Pane struct {
	id        int64
	ctx       *pane.Context
	keys      *keys.Map // this pane's scope ([keys.ipam] applied)
	provs     []string
	cur       int
	view      View
	w, h      int
	threshold float64

	// Summary: regions by use.
	regions   []RegionUse
	regSrc    *Blocks
	regCursor int
	regOffset int

	// Resources table.
	res    *model.Table
	resV   vtable.Model
	resSrc *Utilization

	// Masks: rendered lines, rebuilt on data or size change.
	maskLines  []string
	maskSrc    *model.MaskReport
	maskW      int
	maskOffset int

	// Blocks.
	br      *browser
	details bool

	// Holding.
	holdCursor, holdOffset int

	filtering bool
	input     textinput.Model

	form *form
	// flow is the pane's part of the one mutation path: the dialog, the
	// action in flight and the result line.
	flow *mutate.Flow
	// newID is the block the last smart assignment created (marked ●).
	newID int64
	// focus is the block to reveal when the next listing arrives.
	focus struct {
		provider string
		id       int64
	}

	// Copy writes text to the clipboard (OSC 52 by default; tests swap it).
	Copy func(string) error
}

// New builds the pane (a pane.Factory).
func New(ctx *pane.Context) pane.Pane {
	p := &Pane{id: nextID.Add(1), ctx: ctx, keys: ctx.Keys.For(keys.Scope(pane.IPAM)), threshold: ctx.PoolThreshold, br: newBrowser(), Copy: osc52Copy,
		flow: mutate.New(ctx)}
	if p.threshold <= 0 || p.threshold > 100 {
		p.threshold = DefaultThreshold
	}
	for _, s := range ctx.Sources {
		if s.IPAM != nil {
			p.provs = append(p.provs, s.Name)
		}
	}
	if len(p.provs) == 0 {
		return nil // no IPAM configured: no tab
	}
	p.res = model.NewTable(resourceColumns)
	p.res.SetSort(colShare, true) // shares compare across families; counts do not
	p.resV = vtable.New(resourceLayout, ctx.Styles)
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "text  region=IAD  rir=arin  tags=customer  vlan=1140  status=holding  !negate"
	in.CharLimit = 200
	p.input = in
	return p
}

// Threshold is the pool use (percent) highlighted.
func (p *Pane) Threshold() float64 { return p.threshold }

// CurrentView is the screen shown.
func (p *Pane) CurrentView() View { return p.view }

// SetView switches screens (tests and the region drill-down).
func (p *Pane) SetView(v View) {
	p.view = v
	p.layout()
}

// Provider is the IPAM provider shown ("" when none is configured).
func (p *Pane) Provider() string {
	if len(p.provs) == 0 {
		return ""
	}
	return p.provs[p.cur]
}

func (p *Pane) ID() pane.ID   { return pane.IPAM }
func (p *Pane) Title() string { return "IPAM" }

// Badge counts pools at or above the threshold across providers.
func (p *Pane) Badge() string {
	n := 0
	for _, name := range p.provs {
		n += hotPools(blocksOf(p.ctx, name), p.threshold)
	}
	if n == 0 {
		return ""
	}
	return "▲" + strconv.Itoa(n)
}

// ProviderStatus is this pane's part of provider's status bar entry: how
// many pools are at or above the threshold.
func (p *Pane) ProviderStatus(provider string) string {
	b := blocksOf(p.ctx, provider)
	if b == nil {
		return ""
	}
	n := hotPools(b, p.threshold)
	th := strconv.FormatFloat(p.threshold, 'f', -1, 64)
	if n == 0 {
		return p.ctx.Styles.Dim.Render(fmt.Sprintf("pools <%s%%", th))
	}
	return p.ctx.Styles.Warn.Render(fmt.Sprintf("▲ %d pool%s ≥%s%%", n, plural(n), th))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (p *Pane) Resources() []model.ResourceKey { return Keys(p.ctx) }

func (p *Pane) Init() tea.Cmd { return nil }

// Capturing is true while a text input, form or dialog is open.
func (p *Pane) Capturing() bool { return p.filtering || p.form != nil || p.flow.Active() }

// TextFocused is true while keystrokes go to a text input (the root then
// delivers several runes at once as typed text, not as keys).
func (p *Pane) TextFocused() bool {
	return p.filtering || p.form != nil || p.flow.TextFocused()
}

// DialogOpen reports whether the confirmation dialog is open (tests).
func (p *Pane) DialogOpen() bool { return p.flow.Dialog() != nil }

// Result is the last action's result line ("" when none or expired).
func (p *Pane) Result() (string, bool) { return p.flow.Last, p.flow.LastErr }

// FormOpen reports whether an action's parameter form is open (tests).
func (p *Pane) FormOpen() bool { return p.form != nil }

// Busy keeps the app's spinner turning while an action runs.
func (p *Pane) Busy() bool { return p.flow.Busy() }

// SetSize sets the pane's size.
func (p *Pane) SetSize(w, h int) {
	p.w, p.h = max(w, 0), max(h, 0)
	p.input.Width = max(w-40, 10)
	p.layout()
}

// chrome is the number of lines above a view's body.
func (p *Pane) chrome() int {
	n := 1
	if p.flow.Last != "" {
		n++
	}
	return n
}

func (p *Pane) bodyHeight() int { return max(p.h-p.chrome(), 0) }

// layout recomputes the sizes of the views' tables.
func (p *Pane) layout() {
	body := p.bodyHeight()
	p.resV.SetSize(p.w, max(body-1, 0))
	bh := body - 1 // header line
	if p.details {
		bh -= detailLines + 1
	}
	p.br.setHeight(max(bh, 1))
	p.clampRegions()
	if p.maskW != p.w {
		p.maskSrc = nil // width changed: re-render
	}
	p.refreshMasks()
	p.clampHolding()
}

// refreshData pulls the current provider's data into the views.
func (p *Pane) refreshData() {
	name := p.Provider()
	if name == "" {
		return
	}
	if b := blocksOf(p.ctx, name); b != nil && b != p.br.data {
		p.br.setData(b)
		if p.focus.provider == name && p.focus.id != 0 {
			if p.br.reveal(p.focus.id) {
				p.view = ViewBlocks
			}
			p.focus.id = 0
		}
	}
	if b := blocksOf(p.ctx, name); b != p.regSrc {
		p.regSrc = b
		p.regions = Regions(b, p.threshold)
		p.clampRegions()
	}
	if u := utilOf(p.ctx, name); u != p.resSrc {
		p.resSrc = u
		p.fillResources(u)
	}
	p.refreshMasks()
	p.clampHolding()
}

// Update handles one message.
func (p *Pane) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case pane.ChangedMsg:
		if msg.DataChanged && msg.Key.Provider == p.Provider() && isIPAMResource(msg.Key.Resource) {
			p.refreshData()
		}
		return p, nil
	case copiedMsg:
		if msg.err != nil {
			return p, pane.Toast("copy failed: "+msg.err.Error(), true)
		}
		return p, pane.Toast("copied "+msg.text+" to the clipboard (OSC 52)", false)
	case tea.KeyMsg:
		switch {
		case p.flow.Active():
			return p, p.flow.Update(msg)
		case p.form != nil:
			return p, p.formKey(msg)
		case p.filtering:
			return p, p.filterKey(msg)
		}
		cmd, _ := pane.Dispatch(p.Keys(), msg)
		return p, cmd
	}
	// Cursor blinks and the like go to whatever input is live.
	switch {
	case mutate.IsResult(msg):
		had := p.flow.Last != ""
		cmd := p.flow.Update(msg)
		if had != (p.flow.Last != "") {
			p.layout()
		}
		return p, cmd
	case p.flow.Active():
		return p, p.flow.Update(msg)
	case p.form != nil:
		_, cmd := p.form.update(msg)
		return p, cmd
	case p.filtering:
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return p, cmd
	}
	return p, nil
}

func isIPAMResource(r string) bool {
	return r == ResBlocks || r == ResUtilization || r == ResMasks || r == ResHolding
}

// cycleView moves through the views; past the last view of one provider
// comes the first view of the next (when several IPAMs are configured).
func (p *Pane) cycleView(d int) {
	v := int(p.view) + d
	switch {
	case v >= int(numViews):
		v = 0
		p.switchProvider(1)
	case v < 0:
		v = int(numViews) - 1
		p.switchProvider(-1)
	}
	p.view = View(v)
	p.layout()
}

func (p *Pane) switchProvider(d int) {
	if len(p.provs) < 2 {
		return
	}
	p.cur = (p.cur + d + len(p.provs)) % len(p.provs)
	p.br = newBrowser()
	p.regSrc, p.resSrc, p.maskSrc = nil, nil, nil
	p.refreshData()
	p.layout()
}

func (p *Pane) filterKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "enter":
		p.filtering = false
		p.input.Blur()
		p.applyFilter(p.input.Value())
		return nil
	case "esc":
		p.filtering = false
		p.input.Blur()
		p.applyFilter("")
		return nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.view == ViewResources || (p.br.tree() != nil && p.br.tree().Len() <= LiveFilterMax) {
		p.applyFilter(p.input.Value())
	}
	return cmd
}

func (p *Pane) applyFilter(q string) {
	if p.view == ViewResources {
		p.res.SetFilter(q)
		p.resV.SetLen(p.res.Len())
		return
	}
	p.br.setFilter(q)
}

func (p *Pane) filterQuery() string {
	if p.view == ViewResources {
		return p.res.Filter().Query
	}
	return p.br.filter.Query
}

func (p *Pane) startFilter() tea.Cmd {
	p.filtering = true
	p.input.SetValue(p.filterQuery())
	p.input.CursorEnd()
	return p.input.Focus()
}

// FilterBy lets the command palette set a term of the block browser's
// filter (":vlan 1140": blocks carry VLANs), keeping its others; the pane
// then shows the blocks.
func (p *Pane) FilterBy(field, op, value string) (bool, string, tea.Cmd) {
	q, ok := model.WithTerm(p.br.filter.Query, FilterColumns, field, op, value)
	if !ok {
		return false, "", nil
	}
	p.FilterBlocks(q)
	return true, q, nil
}

// ClearFilter drops the block and resource filters (":clear").
func (p *Pane) ClearFilter() tea.Cmd {
	p.br.setFilter("")
	p.res.SetFilter("")
	p.resV.SetLen(p.res.Len())
	return nil
}

// FilterBlocks applies a block filter and shows the browser (the summary's
// region drill-down; tests).
func (p *Pane) FilterBlocks(q string) {
	p.view = ViewBlocks
	p.br.setFilter(q)
	p.layout()
}

// Browser exposes the block browser's rows (tests, benchmarks).
func (p *Pane) Browser() (rows []int32, cursor int, tree *model.BlockTree) {
	return p.br.rows, p.br.cursor, p.br.tree()
}

// SelectedBlock is the block under the browser's cursor.
func (p *Pane) SelectedBlock() *model.Block { return p.br.selectedBlock() }

func (p *Pane) source() (model.Source, bool) { return p.ctx.Source(p.Provider()) }

// View renders the pane in exactly its size.
func (p *Pane) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	switch {
	case p.flow.Active():
		return p.flow.View(p.w, p.h)
	case p.form != nil:
		return p.form.view(p.w, p.h, p.ctx.Styles)
	}
	st := p.ctx.Styles
	var b strings.Builder
	b.WriteString(p.titleLine())
	if p.flow.Last != "" {
		ls := st.Good
		if p.flow.LastErr {
			ls = st.Error
		}
		b.WriteByte('\n')
		b.WriteString(ls.Render(text.Truncate(text.Clean(p.flow.Last), p.w)))
	}
	b.WriteByte('\n')
	if len(p.provs) == 0 {
		b.WriteString(st.Dim.Render("  No configured provider has an IPAM (add a [[provider]] with kind = \"provision\")."))
		return b.String()
	}
	switch p.view {
	case ViewSummary:
		b.WriteString(p.summaryView())
	case ViewResources:
		b.WriteString(p.resourcesView())
	case ViewMasks:
		b.WriteString(p.masksView())
	case ViewBlocks:
		b.WriteString(p.blocksView())
	case ViewHolding:
		b.WriteString(p.holdingView())
	}
	return b.String()
}

// titleLine: "IPAM ipam-demo  Summary · Resources · … " plus loading/filter
// state and the running action.
func (p *Pane) titleLine() string {
	st := p.ctx.Styles
	var b strings.Builder
	b.WriteString(st.PaneTitle.Render("IPAM"))
	if name := p.Provider(); name != "" {
		b.WriteString(" " + st.Bold.Render(name))
		if len(p.provs) > 1 {
			b.WriteString(st.Dim.Render(fmt.Sprintf(" (%d/%d)", p.cur+1, len(p.provs))))
		}
	}
	b.WriteString("  ")
	for i, n := range viewNames {
		if i > 0 {
			b.WriteString(st.Dim.Render(" · "))
		}
		if View(i) == p.view {
			b.WriteString(st.TabActive.Render(n))
		} else {
			b.WriteString(st.TabInactive.Render(n))
		}
	}
	if p.filtering {
		b.WriteString("  " + p.input.View())
	} else if q := p.filterQuery(); q != "" && (p.view == ViewBlocks || p.view == ViewResources) {
		b.WriteString("  " + st.Key.Render("/"+text.Clean(q)))
	}
	if p.view == ViewBlocks && !p.filtering {
		if info := p.blocksInfo(); info != "" {
			b.WriteString("  " + st.Dim.Render(info))
		}
	}
	if r := p.flow.Running(); r != "" {
		b.WriteString("  " + st.Info.Render(p.spin()+" "+text.Clean(r)+"…"))
	} else if n := p.loadingNote(); n != "" {
		b.WriteString("  " + st.Dim.Render(n))
	}
	return text.Truncate(b.String(), p.w)
}

func (p *Pane) spin() string {
	if p.ctx.Spinner != nil {
		return p.ctx.Spinner()
	}
	return "…"
}

func (p *Pane) loadingNote() string {
	name := p.Provider()
	var parts []string
	for _, r := range []string{ResBlocks, ResUtilization, ResMasks, ResHolding} {
		if e, ok := status(p.ctx, name, r); ok && e.Loading {
			s := strings.TrimPrefix(r, "ipam-")
			if e.Done > 0 {
				s += fmt.Sprintf(" %d pages", e.Done)
			}
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return p.spin() + " loading " + strings.Join(parts, ", ")
}

// state explains a resource that has no data yet: loading or its error.
func (p *Pane) stateNote(res, what string) string {
	st := p.ctx.Styles
	e, ok := status(p.ctx, p.Provider(), res)
	switch {
	case !ok:
		return st.Dim.Render("  " + what + ": not available")
	case e.Err != nil:
		return st.Error.Render(text.Truncate("  ✗ "+what+": "+text.Clean(model.ErrorSummary(e.Err)), p.w))
	case e.Loading || e.Loads == 0:
		return st.Dim.Render("  " + p.spin() + " loading " + what + "…")
	}
	return st.Dim.Render("  " + what + ": nothing to show")
}

// staleNote is shown above data that is older than the last attempt.
func (p *Pane) staleNote(res string) string {
	e, ok := status(p.ctx, p.Provider(), res)
	if !ok || !e.Stale() {
		return ""
	}
	loc := p.ctx.Now().Location()
	return p.ctx.Styles.Warn.Render(text.Truncate(fmt.Sprintf("  stale since %s: %s", e.FetchedAt.In(loc).Format("15:04:05"), text.Clean(model.ErrorSummary(e.Err))), p.w))
}
