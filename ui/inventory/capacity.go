package inventory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/errtext"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/widgets/list"
)

// The capacity table: c on a node of a provider that reports deployable
// capacity (model.CapacitySource, through the pane context) lists
// location × plan → level, filterable with /; opened on a facility or a
// server it starts filtered to that facility. esc closes it; c reloads.

// CapacityTimeout bounds one read of the capacity report.
var CapacityTimeout = 30 * time.Second

// CapacityColumns are the fields the capacity filter knows.
var CapacityColumns = []string{"LOCATION", "PLAN", "LEVEL", "AVAILABLE"}

// capacityList is the open table.
type capacityList struct {
	provider string
	seq      int64
	loading  bool
	err      error
	all      []model.Capacity
	filtered // rows: all, as the filter sees them
}

type capacityMsg struct {
	seq  int64
	caps []model.Capacity
	err  error
}

func (p *Pane) capacityKey() keys.Binding {
	return keys.Binding{Action: "capacity", Key: p.keys.Capacity, Run: p.openCapacity, Disabled: p.noCapacityReason, Show: keys.IfRoom | keys.Help, Group: 2, FooterOrder: 4}
}

func (p *Pane) noCapacityReason() string {
	it := p.selectedItem()
	if it == nil {
		return "nothing selected"
	}
	if !p.ctx.HasCapacity(it.source) {
		return it.source + " reports no capacity"
	}
	return ""
}

// capacityFacility is the facility code the table starts filtered to.
func capacityFacility(it *item) string {
	for ; it != nil; it = it.parent {
		n := it.node
		if n.Ref.Type == "facility" || strings.EqualFold(n.Kind, "facility") {
			return text.Clean(firstNonEmpty(field(n, "code"), n.Ref.Name))
		}
		if f := field(n, "facility"); f != "" && (n.Ref.Type == "device" || n.Ref.Type == "server") {
			return f
		}
	}
	return ""
}

func (p *Pane) openCapacity() tea.Cmd {
	if why := p.noCapacityReason(); why != "" {
		return pane.Toast(why, true)
	}
	it := p.selectedItem()
	c := &capacityList{provider: it.source, filtered: filtered{columns: CapacityColumns, input: list.NewFilter("text  level=limited  plan=c3  !negate")}}
	c.input.SetWidth(max(p.w-30, 10))
	if fac := capacityFacility(it); fac != "" {
		c.setFilter("location==" + fac)
	}
	p.capacity = c
	p.capacity.cur.SetHeight(p.capacityHeight())
	return p.loadCapacity()
}

func (p *Pane) loadCapacity() tea.Cmd {
	c := p.capacity
	if c == nil {
		return nil
	}
	p.eventSeq++
	c.seq, c.loading, c.err = p.eventSeq, true, nil
	seq, prov, ctx := c.seq, c.provider, p.ctx
	parent := ctx.Background()
	return func() tea.Msg {
		cx, cancel := context.WithTimeout(parent, CapacityTimeout)
		defer cancel()
		caps, err := ctx.CapacityOf(cx, prov)
		return capacityMsg{seq: seq, caps: caps, err: err}
	}
}

func (p *Pane) capacityLoaded(m capacityMsg) tea.Cmd {
	c := p.capacity
	if c == nil || m.seq != c.seq {
		return nil
	}
	c.loading, c.err = false, m.err
	c.cur.SetHeight(p.capacityHeight())
	if m.caps == nil && m.err != nil && !model.IsPartial(m.err) {
		return nil
	}
	all := slices.Clone(m.caps)
	slices.SortStableFunc(all, func(a, b model.Capacity) int {
		return cmp.Or(strings.Compare(a.Location, b.Location), strings.Compare(a.Plan, b.Plan))
	})
	c.all = all
	c.rows = make([]*model.Row, len(all))
	for i, x := range all {
		c.rows[i] = model.NewRow(x.Location+"/"+x.Plan, []string{text.Clean(x.Location), text.Clean(x.Plan), text.Clean(x.Level), available(x)}, nil, i)
	}
	c.apply()
	return nil
}

// available is "12 of 40", "12", or "" when not reported.
func available(x model.Capacity) string {
	switch {
	case x.Available < 0:
		return ""
	case x.Total >= 0:
		return strconv.Itoa(x.Available) + " of " + strconv.Itoa(x.Total)
	}
	return strconv.Itoa(x.Available)
}

// CapacityOpen reports whether the capacity table is open and what it
// shows (tests).
func (p *Pane) CapacityOpen() (bool, []model.Capacity) {
	if p.capacity == nil {
		return false, nil
	}
	var out []model.Capacity
	for _, i := range p.capacity.shown {
		out = append(out, p.capacity.all[i])
	}
	return true, out
}

func (p *Pane) capacityHeight() int {
	if p.capacity != nil && p.capacity.err != nil {
		return max(p.h-3, 0)
	}
	return max(p.h-2, 0)
}

func (p *Pane) capacityKeys() keys.Table {
	c, km := p.capacity, p.keys
	if c.input.Opened() {
		return keys.Table{Scope: keys.Dialog, Bindings: c.input.Keys("keep filter")}
	}
	nav := list.Nav(km, &c.cur, nil)
	for i := range nav {
		if a := nav[i].Action; a == "up" || a == "down" {
			nav[i].Show |= keys.Footer
		}
	}
	back := func() tea.Cmd {
		if c.needle != "" {
			c.setFilter("")
			return nil
		}
		p.capacity = nil
		return nil
	}
	return keys.Table{Scope: keys.Scope(pane.Inventory), Bindings: append(nav,
		keys.Binding{Action: "filter", Key: km.Filter, Run: func() tea.Cmd { return c.input.Open(c.needle) }, Show: keys.Footer | keys.Help, Group: 1},
		keys.Binding{Action: "back", Key: km.Back, Short: "clear filter / close", Run: back, Show: keys.Footer | keys.Help, Group: 1},
		keys.Binding{Action: "capacity", Key: described(km.Capacity, "reload capacity"), Short: "reload", Run: p.loadCapacity, Show: keys.Footer | keys.Help, Group: 1},
	)}
}

// levelPaint colours a level: the ones that stop a deployment stand out.
func levelPaint(st *styles.Styles, level string) styles.Paint {
	switch strings.ToLower(level) {
	case "unavailable":
		return styles.PaintOf(st.Error)
	case "limited":
		return styles.PaintOf(st.Warn)
	case "normal":
		return styles.PaintOf(st.Good)
	}
	return styles.Paint{}
}

const (
	capLocW   = 14
	capPlanW  = 24
	capLevelW = 14
)

func (p *Pane) capacityView() string {
	c, st := p.capacity, p.ctx.Styles
	var b strings.Builder
	title := st.PaneTitle.Render("Capacity · " + text.Clean(c.provider))
	if len(c.shown) != len(c.all) {
		title += st.Dim.Render(fmt.Sprintf(" (%d of %d location × plan)", len(c.shown), len(c.all)))
	} else {
		title += st.Dim.Render(fmt.Sprintf(" (%d location × plan)", len(c.all)))
	}
	if c.input.Opened() {
		title += " " + c.input.View()
	} else if c.needle != "" {
		title += " " + st.Key.Render("/"+c.needle)
	}
	if c.loading {
		title += "  " + st.Dim.Render(p.spin()+" reading "+c.provider+"…")
	}
	title += "  " + st.Dim.Render("esc back")
	b.WriteString(text.Truncate(title, p.w))
	b.WriteByte('\n')
	if c.err != nil {
		b.WriteString(st.Error.Render(text.Truncate("  ✗ "+errtext.Long(c.err, c.provider), p.w)))
		b.WriteByte('\n')
	}
	switch {
	case len(c.all) == 0 && c.err != nil:
		return b.String()
	case len(c.all) == 0 && c.loading:
		b.WriteString(st.Dim.Render("  Loading capacity…"))
		return b.String()
	case len(c.all) == 0:
		b.WriteString(st.Dim.Render("  No capacity reported."))
		return b.String()
	case len(c.shown) == 0:
		b.WriteString(st.Dim.Render(fmt.Sprintf("  Nothing matches /%s — esc clears the filter.", c.needle)))
		return b.String()
	}
	var hb strings.Builder
	hb.WriteString("  ")
	text.WriteFit(&hb, "LOCATION", capLocW, false)
	text.WriteFit(&hb, "PLAN", capPlanW, false)
	text.WriteFit(&hb, "LEVEL", capLevelW, false)
	text.WriteFit(&hb, "AVAILABLE", max(p.w-2-capLocW-capPlanW-capLevelW, 0), false)
	b.WriteString(st.HeaderRow.Wrap(hb.String()))
	start, end := c.cur.Window()
	for i := start; i < end; i++ {
		r := c.rows[c.shown[i]]
		sel := i == c.cur.Pos()
		var lb strings.Builder
		if sel {
			lb.WriteString("> ")
		} else {
			lb.WriteString("  ")
		}
		text.WriteFit(&lb, r.Cells[0], capLocW-1, false)
		lb.WriteByte(' ')
		text.WriteFit(&lb, r.Cells[1], capPlanW-1, false)
		lb.WriteByte(' ')
		paint := levelPaint(st, r.Cells[2])
		if sel {
			paint = styles.Paint{}
		}
		lb.WriteString(paint.Pre)
		text.WriteFit(&lb, r.Cells[2], capLevelW-1, false)
		lb.WriteString(paint.Post)
		lb.WriteByte(' ')
		lb.WriteString(text.Truncate(r.Cells[3], max(p.w-2-capLocW-capPlanW-capLevelW, 0)))
		b.WriteByte('\n')
		if sel {
			b.WriteString(st.Selected.Wrap(text.PadRight(lb.String(), p.w)))
		} else {
			b.WriteString(lb.String())
		}
	}
	return b.String()
}
