// Package connections holds the list of connections and the two panes
// built on it by configuration: Connections (every connection of every
// provider) and Approvals (the connections waiting on us, oldest first).
//
// The engine (this file) turns the shared state into table rows once per
// refresh (reusing unchanged rows by fingerprint), sorts and filters them
// through model.Table, keeps the cursor on the same connection, marks rows
// new or changed since the previous refresh, and hosts the filter input, the
// detail view and the actions (through ui/mutate, the one mutation path).
package connections

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/errtext"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/widgets/detail"
	"github.com/noctop/noctop/ui/widgets/list"
	"github.com/noctop/noctop/ui/widgets/sparks"
	"github.com/noctop/noctop/ui/widgets/vtable"
)

// Column is one column: how it sorts and how it is laid out.
type Column struct {
	Name   string // also the filter field name
	Kind   model.ColumnKind
	Layout vtable.Column
}

// Config describes one list pane.
type Config struct {
	// Scope is the pane's key scope (its ID): [keys.<scope>] applies.
	Scope   keys.Scope
	Title   string
	Columns []Column
	// Include selects the connections the pane lists (nil = all).
	Include func(c *model.Connection) bool
	// Cells renders one connection: display text and numeric sort values
	// (len(Columns) each; nums may be nil for text-only tables).
	Cells func(c *model.Connection, loc *time.Location) (cells []string, nums []int64)
	// Dynamic, when set, overrides a cell at render time (ages).
	Dynamic func(c *model.Connection, col int, now time.Time) (string, bool)
	// StateCol is the column coloured by connection state (-1 for none).
	StateCol int
	// SortCol / SortDesc is the initial sort.
	SortCol  int
	SortDesc bool
	// Empty is the message when there is nothing to list at all.
	Empty string
	// Sparklines adds an optional 24h traffic column (off until the
	// sparklines key turns it on) for rows whose source has statistics.
	Sparklines bool
}

// provState holds one provider's rows between refreshes.
type provState struct {
	data   []model.Connection // the slice the rows were built from
	rows   []*model.Row
	byID   map[string]*slot // updated in place: a refresh costs lookups, not a new map
	at     []*slot          // slot of each input position of data (nil = excluded)
	marked map[string]bool
	built  int // how many refreshes were turned into rows
	fresh  []*model.Row
	// building is the data whose rows are being built off the Update
	// goroutine (nil when none); a newer refresh replaces it.
	building []model.Connection
}

// slot is one connection's row and the refresh that last listed it.
type slot struct {
	id  string
	row *model.Row
	gen int
}

// Model is the list engine.
type Model struct {
	ctx   *pane.Context
	cfg   Config
	table *model.Table
	view  vtable.Model
	provs map[string]*provState

	// keys is the key map of the pane's scope ([keys.<pane>] applied);
	// listTable and detailTable are its binding tables, built once.
	keys                   *keys.Map
	listTable, detailTable *keys.Table
	filter                 list.Filter
	// filterAnchor is the connection selected when the filter input opened.
	// While the operator types, the cursor returns to it whenever it
	// matches, and otherwise sits on the first match: following whichever
	// row an intermediate keystroke left it on ("!f" on the way to
	// "!fabric-x") would strand it somewhere arbitrary.
	filterAnchor string
	detail       *detail.Model
	raw          rawRead // the detail view's read of its API object (rawread.go)
	rawSeq       int     // reads started
	rawCmd       tea.Cmd // a re-read the last install started, for Update to return
	Flow         *mutate.Flow
	w, h         int
	loc          *time.Location
	contentW     []int
	// touched turns true with the operator's first key in this list; until
	// then refreshes keep the cursor on the first row (the oldest approval,
	// the top of the sort) instead of following whichever row loaded first.
	touched bool

	// exporting is true while the export format prompt is open.
	exporting bool
	// sparkCol is the sparkline column in the view (-1 = none); sparkOn
	// says whether it is shown.
	sparkCol int
	sparkOn  bool
	sparks   *sparks.Cache
}

// New builds an empty list.
func NewModel(ctx *pane.Context, cfg Config) *Model {
	cols := make([]model.Column, len(cfg.Columns))
	vcols := make([]vtable.Column, len(cfg.Columns))
	for i, c := range cfg.Columns {
		cols[i] = model.Column{Name: c.Name, Kind: c.Kind}
		vcols[i] = c.Layout
		if vcols[i].Title == "" {
			vcols[i].Title = c.Name
		}
	}
	t := model.NewTable(cols)
	t.SetSort(cfg.SortCol, cfg.SortDesc)
	loc := time.Local
	if ctx.Now != nil {
		loc = ctx.Now().Location()
	}
	sparkCol := -1
	if cfg.Sparklines {
		sparkCol = len(vcols)
		vcols = append(vcols, vtable.Column{Title: SparkTitle, Min: 24, Max: 24, Priority: 5})
	}
	m := &Model{ctx: ctx, cfg: cfg, table: t, view: vtable.New(vcols, ctx.Styles), provs: map[string]*provState{},
		keys: ctx.Keys.For(cfg.Scope), filter: list.NewFilter("text  field=value  !negate"),
		Flow: mutate.New(ctx), loc: loc, contentW: make([]int, len(cfg.Columns)), sparkCol: sparkCol}
	if sparkCol >= 0 {
		m.view.SetHidden(sparkCol, true)
		m.sparks = sparks.New(sparkOwners.Add(1), ctx.Now, ctx.Background)
	}
	return m
}

// Table exposes the sorted, filtered rows (tests, benchmarks).
func (m *Model) Table() *model.Table { return m.table }

// View exposes the table view (cursor, widths) for tests.
func (m *Model) TableView() *vtable.Model { return &m.view }

// Selected returns the connection under the cursor.
func (m *Model) Selected() (*model.Connection, bool) {
	if m.table.Len() == 0 {
		return nil, false
	}
	c, ok := m.table.At(m.view.Cursor()).Item.(*model.Connection)
	return c, ok
}

// Capturing reports whether the list needs every key.
func (m *Model) Capturing() bool {
	return m.filter.Opened() || m.Flow.Active() || m.exporting
}

// TextFocused reports whether keystrokes go to a text input (the filter,
// a dialog's reason or name): the root then delivers several runes at once
// as typed text, not as keys.
func (m *Model) TextFocused() bool { return m.filter.Opened() || m.Flow.TextFocused() }

// InDetail reports whether the detail view is open.
func (m *Model) InDetail() bool { return m.detail != nil }

// Filtering reports whether the filter input is open.
func (m *Model) Filtering() bool { return m.filter.Opened() }

// Len is the number of rows shown.
func (m *Model) Len() int { return m.table.Len() }

// SetSize sets the size of the whole list area.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.view.SetSize(w, max(h-m.chrome(), 0))
	if m.detail != nil {
		m.detail.SetSize(w, max(h-1, 0))
	}
	m.filter.SetWidth(max(w-30, 10))
}

// chrome is the number of lines above the table.
func (m *Model) chrome() int {
	n := 1 // title
	if m.Flow.Last != "" {
		n++
	}
	return n
}

// Refresh rebuilds rows from the shared state for provider (or all when
// provider is ""), keeping the cursor on the same connection.
//
// When a refresh brings many new rows (a first load of a large account),
// the rows are built in a command and installed when builtMsg arrives, so
// Update stays short; the returned command must be run.
func (m *Model) Refresh(provider string) tea.Cmd {
	sel := ""
	if m.table.Len() > 0 {
		sel = m.table.At(m.view.Cursor()).Key
	}
	changed := false
	var cmds []tea.Cmd
	for _, s := range m.ctx.Sources {
		if provider != "" && s.Name != provider {
			continue
		}
		if _, registered := m.ctx.StatusOf(pane.Key(s.Name, pane.ResConnections)); !registered {
			continue
		}
		cs := m.ctx.ConnectionsOf(s.Name)
		p := m.provs[s.Name]
		if p == nil {
			p = &provState{}
			m.provs[s.Name] = p
		}
		if cs == nil && p.data == nil {
			continue
		}
		if sameSlice(cs, p.data) {
			p.building = nil // an older build in flight is superseded
			continue         // same slice: nothing new
		}
		if p.building != nil && sameSlice(cs, p.building) {
			continue // already being built
		}
		// A first load of a large account builds its rows off the UI
		// goroutine; refreshes reuse most rows and stay synchronous.
		if p.byID == nil && len(cs) >= AsyncBuild {
			if need := m.needed(p, cs); len(need) >= AsyncBuild {
				p.building = cs
				cmds = append(cmds, m.buildCmd(s.Name, cs, need))
				continue
			}
		}
		p.building = nil
		m.rebuild(p, cs)
		changed = true
	}
	if changed {
		m.install(sel)
	}
	return tea.Batch(cmds...)
}

// AsyncBuild is the number of rows from which a provider's first load
// builds them in a command instead of in Update.
var AsyncBuild = 20000

func sameSlice(a, b []model.Connection) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// builtMsg carries rows built by buildCmd.
type builtMsg struct {
	owner    *Model
	provider string
	data     []model.Connection
	state    *provState // the provider's rows and slots, ready to adopt
}

// needed lists the indices of cs that need a new row (read-only).
func (m *Model) needed(p *provState, cs []model.Connection) []int {
	var need []int
	for i := range cs {
		c := &cs[i]
		if m.cfg.Include != nil && !m.cfg.Include(c) {
			continue
		}
		var sl *slot
		if i < len(p.at) && p.at[i] != nil && p.at[i].id == c.ID {
			sl = p.at[i]
		} else if p.byID != nil {
			sl = p.byID[c.ID]
		}
		if sl == nil || sl.row == nil || sl.row.Version != c.FingerprintKey {
			need = append(need, i)
		}
	}
	return need
}

// buildCmd builds a provider's first set of rows in a goroutine: the rows
// for cs[need] and the bookkeeping (slots by id and position) around them,
// so installing them in Update is mostly an assignment. It captures only
// immutable values: the data slice is never modified after a fetch.
func (m *Model) buildCmd(provider string, cs []model.Connection, need []int) tea.Cmd {
	owner, cells, loc, include := m, m.cfg.Cells, m.loc, m.cfg.Include
	sortCol, _ := m.table.SortBy()
	textSort := m.cfg.Columns[sortCol].Kind == model.ColText
	return func() tea.Msg {
		st := &provState{byID: make(map[string]*slot, len(need)), at: make([]*slot, len(cs)), built: 1}
		st.rows = make([]*model.Row, 0, len(need))
		for i := range cs {
			c := &cs[i]
			if include != nil && !include(c) {
				continue
			}
			if _, dup := st.byID[c.ID]; dup {
				continue // a provider listing one id twice must not break the table
			}
			r := newRow(c, cells, loc)
			if textSort {
				r.WarmSortKey(sortCol) // take this cost off the UI goroutine too
			}
			sl := &slot{id: c.ID, row: r, gen: 1}
			st.byID[c.ID], st.at[i] = sl, sl
			st.rows = append(st.rows, r)
		}
		st.fresh = st.rows
		st.data = cs
		st.marked = map[string]bool{}
		return builtMsg{owner: owner, provider: provider, data: cs, state: st}
	}
}

func newRow(c *model.Connection, cellsOf func(*model.Connection, *time.Location) ([]string, []int64), loc *time.Location) *model.Row {
	cells, nums := cellsOf(c, loc)
	for j := range cells {
		cells[j] = text.Clean(cells[j])
	}
	r := model.NewRow(c.Key(), cells, nums, c)
	r.Version = c.FingerprintKey // computed once, by the hub when the data was fetched
	return r
}

// installBuilt applies a builtMsg when its data is still the newest.
func (m *Model) installBuilt(msg builtMsg) {
	p := m.provs[msg.provider]
	if p == nil || p.building == nil || !sameSlice(p.building, msg.data) {
		return // superseded by a newer refresh
	}
	sel := ""
	if m.table.Len() > 0 {
		sel = m.table.At(m.view.Cursor()).Key
	}
	if p.byID == nil && msg.state != nil {
		*p = *msg.state // a first load: adopt what the command prepared
	} else {
		m.rebuild(p, msg.data)
	}
	p.building = nil
	m.install(sel)
}

// Building reports whether rows are being prepared off the UI goroutine.
func (m *Model) Building() bool {
	for _, p := range m.provs {
		if p.building != nil {
			return true
		}
	}
	return false
}

// install merges every provider's rows into the table.
func (m *Model) install(sel string) {
	var all []*model.Row
	n := 0
	for _, p := range m.provs {
		n += len(p.rows)
	}
	all = make([]*model.Row, 0, n)
	for _, s := range m.ctx.Sources {
		if p := m.provs[s.Name]; p != nil {
			all = append(all, p.rows...)
		}
	}
	m.table.SetRows(all)
	// Only new rows can widen a column; a full re-measure happens when most
	// rows are new anyway.
	var fresh []*model.Row
	for _, p := range m.provs {
		fresh = append(fresh, p.fresh...)
	}
	if len(fresh)*4 > len(all) {
		m.contentW = vtable.ContentWidths(all, len(m.cfg.Columns))
	} else {
		for c, w := range vtable.ContentWidths(fresh, len(m.cfg.Columns)) {
			m.contentW[c] = max(m.contentW[c], w)
		}
	}
	m.view.SetContentWidths(m.contentW)
	m.afterChange(sel)
	if m.detail != nil {
		// Keep the detail view current when its connection was refreshed.
		key := m.detail.Conn().Key()
		if p := m.provs[m.detail.Conn().Provider]; p != nil {
			if sl := p.byID[m.detail.Conn().ID]; sl != nil && sl.row != nil && sl.row.Key == key {
				r := sl.row
				if c, ok := r.Item.(*model.Connection); ok && r.Version != m.detail.Conn().FingerprintKey {
					// It changed: the API object read for it is old too.
					m.rawCmd = m.readRaw(*c)
					m.detail = m.detailOf(*c)
				}
			}
		}
	}
}

// rebuild turns one provider's connections into rows, reusing rows whose
// fingerprint did not change. Providers usually list connections in the
// same order every time, so a row is first looked for at the same input
// position, then by id.
func (m *Model) rebuild(p *provState, cs []model.Connection) {
	first := p.built == 0
	p.built++
	gen := p.built
	if p.byID == nil {
		p.byID = make(map[string]*slot, len(cs))
	}
	rows := make([]*model.Row, 0, len(cs))
	at := make([]*slot, len(cs))
	marked := map[string]bool{}
	p.fresh = p.fresh[:0]
	listed := 0
	for i := range cs {
		c := &cs[i]
		if m.cfg.Include != nil && !m.cfg.Include(c) {
			continue
		}
		var sl *slot
		if i < len(p.at) && p.at[i] != nil && p.at[i].id == c.ID {
			sl = p.at[i]
		} else {
			sl = p.byID[c.ID]
		}
		if sl != nil && sl.gen == gen {
			continue // a provider listing one id twice must not break the table
		}
		if sl == nil {
			sl = &slot{id: c.ID}
			p.byID[c.ID] = sl
		}
		sl.gen = gen
		at[i] = sl
		listed++
		r := sl.row
		if r != nil && r.Version == c.FingerprintKey {
			r.Item = c // fresh data for the detail view and actions
		} else {
			r = newRow(c, m.cfg.Cells, m.loc)
			sl.row = r
			p.fresh = append(p.fresh, r)
			if !first {
				marked[r.Key] = true
			}
		}
		rows = append(rows, r)
	}
	if len(p.byID) > listed {
		for id, sl := range p.byID {
			if sl.gen != gen {
				delete(p.byID, id)
			}
		}
	}
	p.data, p.rows, p.at, p.marked = cs, rows, at, marked
}

// afterChange puts the cursor back on key when it is still listed.
func (m *Model) afterChange(key string) {
	hint := m.view.Cursor()
	m.view.SetLen(m.table.Len())
	if key == "" || !m.touched {
		return
	}
	if i := m.table.IndexNear(key, hint); i >= 0 {
		m.view.SetCursor(i)
	}
}

func (m *Model) selectedKey() string {
	if m.table.Len() == 0 {
		return ""
	}
	return m.table.At(m.view.Cursor()).Key
}

func (m *Model) now() time.Time { return m.ctx.Clock() }

// SetFilter applies a filter query (as typed in the input).
func (m *Model) SetFilter(q string) {
	sel := m.selectedKey()
	m.table.SetFilter(q)
	m.afterChange(sel)
}

// CycleSort moves the sort to the next column (ascending).
func (m *Model) CycleSort() {
	col, _ := m.table.SortBy()
	sel := m.selectedKey()
	m.table.SetSort((col+1)%len(m.cfg.Columns), false)
	m.afterChange(sel)
}

// ReverseSort flips the sort direction.
func (m *Model) ReverseSort() {
	col, desc := m.table.SortBy()
	sel := m.selectedKey()
	m.table.SetSort(col, !desc)
	m.afterChange(sel)
}

// Update handles a message for the list.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if mutate.IsResult(msg) {
		hadLast := m.Flow.Last != ""
		cmd := m.Flow.Update(msg)
		if hadLast != (m.Flow.Last != "") {
			m.SetSize(m.w, m.h) // the result line came or went
		}
		return cmd
	}
	switch msg := msg.(type) {
	case pane.ChangedMsg:
		if msg.Key.Resource == pane.ResConnections && msg.DataChanged {
			return tea.Batch(m.Refresh(msg.Key.Provider), m.wantSparks())
		}
		return nil
	case builtMsg:
		if msg.owner == m {
			m.installBuilt(msg)
			reread := m.rawCmd
			m.rawCmd = nil
			return tea.Batch(m.wantSparks(), reread)
		}
		return nil
	case rawReadMsg:
		m.rawArrived(msg)
		return nil
	case sparks.Msg:
		if m.sparks != nil && m.sparks.Apply(msg) {
			m.view.Invalidate() // the cell changed, the row did not
			return m.wantSparks()
		}
		return nil
	case tea.KeyMsg:
		m.touched = true
		switch {
		case m.Flow.Active():
			return m.Flow.Update(msg)
		case m.filter.Opened():
			return m.filterKey(msg)
		case m.exporting:
			return m.exportKey(msg)
		}
		cmd, _ := pane.Dispatch(m.Keys(), msg)
		return cmd
	}
	// Other messages (cursor blink ...) go to whichever input is live.
	if m.Flow.Active() {
		return m.Flow.Update(msg)
	}
	return m.filter.Update(msg)
}

func (m *Model) filterKey(msg tea.KeyMsg) tea.Cmd {
	out, q, cmd := m.filter.Key(msg)
	switch out {
	case list.Kept:
		return m.wantSparks()
	case list.Cleared:
		m.typeFilter("")
		return m.wantSparks()
	}
	if q != m.table.Filter().Query {
		m.typeFilter(q)
	}
	return cmd
}

// typeFilter applies a query being typed: the cursor goes back to the
// anchor when it matches, else to the first match.
func (m *Model) typeFilter(q string) {
	m.table.SetFilter(q)
	m.view.SetLen(m.table.Len())
	if !m.touched {
		return
	}
	i := -1
	if m.filterAnchor != "" {
		i = m.table.IndexNear(m.filterAnchor, m.view.Cursor())
	}
	m.view.SetCursor(max(i, 0))
}

// decor adapts the list to vtable.Decor.
type decor struct{ m *Model }

func (d decor) CellPaint(r *model.Row, col int) styles.Paint {
	if col == d.m.cfg.StateCol {
		if c, ok := r.Item.(*model.Connection); ok {
			return d.m.ctx.Styles.StatePaint(c.State)
		}
	}
	return styles.Paint{}
}

func (d decor) Marked(r *model.Row) bool {
	if c, ok := r.Item.(*model.Connection); ok {
		if p := d.m.provs[c.Provider]; p != nil {
			return p.marked[r.Key]
		}
	}
	return false
}

// Volatile disables the table's line cache when cells depend on the clock.
func (d decor) Volatile() bool { return d.m.cfg.Dynamic != nil }

func (d decor) Cell(r *model.Row, col int) string {
	if col == d.m.sparkCol {
		return d.m.sparks.Cell(r.Key)
	}
	if d.m.cfg.Dynamic != nil {
		if c, ok := r.Item.(*model.Connection); ok {
			if s, ok := d.m.cfg.Dynamic(c, col, d.m.now()); ok {
				return s
			}
		}
	}
	return r.Cells[col]
}

// Title is the pane title: "Connections (42/380) /state=pending".
func (m *Model) Title() string {
	t := fmt.Sprintf("%s (%d/%d)", m.cfg.Title, m.table.Len(), m.table.Total())
	if m.table.Len() == m.table.Total() {
		t = fmt.Sprintf("%s (%d)", m.cfg.Title, m.table.Total())
	}
	return t
}

// View renders the list (or the detail view / dialog) in w×h.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	st := m.ctx.Styles
	var body string
	if m.detail != nil {
		c := m.detail.Conn()
		title := st.PaneTitle.Render(fmt.Sprintf("%s › %s", m.cfg.Title, text.Clean(nameOf(c))))
		if pos := m.detail.Position(); pos != "" {
			title += "  " + st.Dim.Render(pos)
		}
		title += "  " + st.Dim.Render("esc back")
		body = text.Truncate(title, m.w) + "\n" + m.detail.View()
	} else {
		var b strings.Builder
		title := st.PaneTitle.Render(m.Title())
		if m.filter.Opened() {
			title += " " + m.filter.View()
		} else if q := m.table.Filter().Query; q != "" {
			title += " " + st.Key.Render("/"+text.Clean(q))
		}
		if m.exporting {
			title += "  " + st.Warn.Render(fmt.Sprintf("export %d rows as: enter JSON · c CSV · esc cancel", m.table.Len()))
		}
		if r := m.Flow.Running(); r != "" {
			title += "  " + st.Info.Render(m.spin()+" "+text.Clean(r)+"…")
		} else if l := m.loadingNote(); l != "" && m.table.Total() > 0 {
			title += "  " + st.Dim.Render(l)
		}
		b.WriteString(text.Truncate(title, m.w))
		if m.Flow.Last != "" {
			b.WriteByte('\n')
			ls := st.Good
			if m.Flow.LastErr {
				ls = st.Error
			}
			b.WriteString(ls.Render(text.Truncate(text.Clean(m.Flow.Last), m.w)))
		}
		b.WriteByte('\n')
		if m.table.Len() == 0 {
			b.WriteString(m.emptyView())
		} else {
			b.WriteString(m.view.View(m.table, decor{m}))
		}
		body = b.String()
	}
	if m.Flow.Active() {
		return m.Flow.View(m.w, m.h)
	}
	return body
}

func (m *Model) spin() string { return m.ctx.Spin() }

// loadingNote says which providers are refreshing, with page progress.
func (m *Model) loadingNote() string {
	var parts []string
	for _, s := range m.ctx.Sources {
		if p := m.provs[s.Name]; p != nil && p.building != nil {
			parts = append(parts, s.Name+" (preparing rows)")
			continue
		}
		e, ok := m.ctx.StatusOf(pane.Key(s.Name, pane.ResConnections))
		if !ok || !e.Loading {
			continue
		}
		parts = append(parts, s.Name+progress(e))
	}
	if len(parts) == 0 {
		return ""
	}
	return m.spin() + " refreshing " + strings.Join(parts, ", ")
}

func progress(e pane.Status) string {
	switch {
	case e.Total > 0:
		return fmt.Sprintf(" %d/%d pages", e.Done, e.Total)
	case e.Done > 0:
		return fmt.Sprintf(" %d pages", e.Done)
	}
	return ""
}

// emptyView explains why there are no rows: loading, errors, or a filter.
func (m *Model) emptyView() string {
	st := m.ctx.Styles
	var lines []string
	if m.table.Total() > 0 {
		lines = append(lines, "", st.Dim.Render(fmt.Sprintf("  Nothing matches /%s — esc clears the filter.", m.table.Filter().Query)))
		return strings.Join(lines, "\n")
	}
	found := false
	for _, s := range m.ctx.Sources {
		e, ok := m.ctx.StatusOf(pane.Key(s.Name, pane.ResConnections))
		if !ok {
			continue
		}
		found = true
		p := m.provs[s.Name]
		switch {
		case p != nil && p.building != nil:
			lines = append(lines, fmt.Sprintf("  %s Preparing %d connections from %s…", m.spin(), len(p.building), s.Name))
		case e.Loading:
			lines = append(lines, fmt.Sprintf("  %s Loading connections from %s…%s", m.spin(), s.Name, progress(e)))
		case e.Err != nil:
			lines = append(lines, st.Error.Render(text.Truncate(fmt.Sprintf("  ✗ %s: %s", s.Name, errtext.Long(e.Err, s.Name)), m.w)))
			if !e.NextAt.IsZero() {
				lines = append(lines, st.Dim.Render(fmt.Sprintf("    retrying at %s · r retries now", e.NextAt.In(m.loc).Format("15:04:05"))))
			}
		case e.Loads > 0:
			if m.cfg.Empty != "" {
				lines = append(lines, st.Dim.Render(fmt.Sprintf("  %s: %s", s.Name, m.cfg.Empty)))
			} else {
				lines = append(lines, st.Dim.Render(fmt.Sprintf("  %s: no connections.", s.Name)))
			}
		default:
			lines = append(lines, st.Dim.Render(fmt.Sprintf("  %s: waiting to load…", s.Name)))
		}
	}
	if !found {
		lines = append(lines, st.Dim.Render("  No configured provider can list connections."))
	}
	return "\n" + strings.Join(lines, "\n")
}

func nameOf(c model.Connection) string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}
