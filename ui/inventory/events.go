package inventory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/clipboard"
	"github.com/noctop/noctop/ui/internal/errtext"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/detail"
	"github.com/noctop/noctop/ui/widgets/list"
)

// The events list: e on a node whose provider keeps an event log
// (model.EventSource, read through the pane context) lists that object's
// events, newest first, filterable with /. On a provider's row it lists
// every event in the provider's scope. esc closes it; e again reloads.

// EventsTimeout bounds one read of an event log.
var EventsTimeout = 30 * time.Second

// EventColumns are the fields the events filter knows.
var EventColumns = []string{"TIME", "TYPE", "EVENT", "ID"}

// noEvents are node kinds no provider keeps events about.
var noEvents = map[string]bool{
	"group": true, "metro": true, "metro-area": true, "facility": true, "pop": true, "region": true,
	"virtual-network": true, "hardware-reservation": true, "ip-reservation": true,
}

// eventList is the open list.
type eventList struct {
	provider string
	about    model.Ref
	title    string
	seq      int64
	loading  bool
	err      error
	all      []model.Event
	filtered // rows: all, as the filter sees them (Item: index into all)
	// open is the detail view of one event (enter), nil when closed.
	open *detail.Model
}

// eventsMsg is one read's outcome.
type eventsMsg struct {
	seq    int64
	events []model.Event
	err    error
}

// eventsKey is the e binding of the tree and the detail view.
func (p *Pane) eventsKey() keys.Binding {
	return keys.Binding{Action: "events", Key: p.keys.Events, Run: p.openEvents, Disabled: p.noEventsReason, Show: keys.IfRoom | keys.Help, Group: 2, FooterOrder: 1}
}

// eventTarget is what e on the selection lists: the provider and the
// object (the zero Ref on a provider's row).
func (p *Pane) eventTarget() (string, model.Ref, string, string) {
	it := p.selectedItem()
	if it == nil {
		return "", model.Ref{}, "", "nothing selected"
	}
	if !p.ctx.HasEvents(it.source) {
		return "", model.Ref{}, "", it.source + " keeps no event log"
	}
	if it.parent == nil {
		return it.source, model.Ref{}, it.source + " (every event in scope)", ""
	}
	n := it.node
	if n.Ref.ID == "" || n.Ref.Type == "" || noEvents[strings.ToLower(n.Kind)] || noEvents[n.Ref.Type] {
		return "", model.Ref{}, "", "no events of a " + text.Clean(firstNonEmpty(n.Kind, "node")) + ": select a server, a project or a port"
	}
	ref := n.Ref
	if ref.Provider == "" {
		ref.Provider = it.source
	}
	return it.source, ref, it.source + " › " + it.label, ""
}

func (p *Pane) noEventsReason() string {
	_, _, _, why := p.eventTarget()
	return why
}

// openEvents opens the list on the selection and starts its read.
func (p *Pane) openEvents() tea.Cmd {
	prov, ref, title, why := p.eventTarget()
	if why != "" {
		return pane.Toast(why, true)
	}
	ev := &eventList{provider: prov, about: ref, title: title, filtered: filtered{columns: EventColumns, input: list.NewFilter("text  type=port  !negate")}}
	ev.input.SetWidth(max(p.w-30, 10))
	ev.cur.SetHeight(p.eventsHeight())
	p.events = ev
	return p.loadEvents()
}

// loadEvents (re)reads the open list's events in a command.
func (p *Pane) loadEvents() tea.Cmd {
	ev := p.events
	if ev == nil {
		return nil
	}
	p.eventSeq++
	ev.seq, ev.loading, ev.err = p.eventSeq, true, nil
	seq, prov, about, ctx := ev.seq, ev.provider, ev.about, p.ctx
	parent := ctx.Background()
	return func() tea.Msg {
		c, cancel := context.WithTimeout(parent, EventsTimeout)
		defer cancel()
		evs, err := ctx.EventsOf(c, prov, about)
		return eventsMsg{seq: seq, events: evs, err: err}
	}
}

// eventsLoaded applies a read; late or superseded ones are dropped.
func (p *Pane) eventsLoaded(m eventsMsg) tea.Cmd {
	ev := p.events
	if ev == nil || m.seq != ev.seq {
		return nil
	}
	ev.loading = false
	ev.err = m.err
	ev.cur.SetHeight(p.eventsHeight())
	if m.events == nil && m.err != nil && !model.IsPartial(m.err) {
		return nil // keep what was shown, with the error
	}
	all := slices.Clone(m.events)
	// Newest first, whatever order the provider kept.
	slices.SortStableFunc(all, func(a, b model.Event) int { return cmp.Or(b.At.Compare(a.At), strings.Compare(a.ID, b.ID)) })
	ev.all = all
	ev.rows = make([]*model.Row, len(all))
	for i, e := range all {
		ev.rows[i] = model.NewRow(e.ID, []string{eventTime(e.At), text.Clean(e.Type), text.Clean(e.Body), text.Clean(e.ID)}, nil, i)
	}
	ev.apply()
	return nil
}

// EventsOpen reports whether the events list is open, and what it shows
// (tests).
func (p *Pane) EventsOpen() (bool, []model.Event) {
	if p.events == nil {
		return false, nil
	}
	var out []model.Event
	for _, i := range p.events.shown {
		out = append(out, p.events.all[i])
	}
	return true, out
}

func (p *Pane) eventsHeight() int {
	if p.events != nil && p.events.err != nil {
		return max(p.h-3, 0) // the error line
	}
	return max(p.h-2, 0)
}

// eventKeys is the open list's binding table.
func (p *Pane) eventKeys() keys.Table {
	ev, km := p.events, p.keys
	if ev.input.Opened() {
		return keys.Table{Scope: keys.Dialog, Bindings: ev.input.Keys("keep filter")}
	}
	if ev.open != nil {
		nav := list.Nav(km, ev.open, nil)
		closeIt := func() tea.Cmd { ev.open = nil; return nil }
		return keys.Table{Scope: keys.Scope(pane.Inventory), Bindings: append(nav,
			keys.Binding{Action: "back", Key: km.Back, Short: "back", Run: closeIt, Show: keys.Footer | keys.Help, Group: 1},
			keys.Binding{Action: "open", Key: described(km.Open, "close"), Run: closeIt, Show: keys.Help, Group: 1})}
	}
	nav := list.Nav(km, &ev.cur, nil)
	for i := range nav {
		if a := nav[i].Action; a == "up" || a == "down" {
			nav[i].Show |= keys.Footer
		}
	}
	back := func() tea.Cmd {
		if ev.needle != "" {
			ev.setFilter("")
			return nil
		}
		p.events = nil
		return nil
	}
	return keys.Table{Scope: keys.Scope(pane.Inventory), Bindings: append(nav,
		keys.Binding{Action: "open", Key: described(km.Open, "whole event"), Run: p.openEvent, Show: keys.Footer | keys.Help, Group: 1},
		keys.Binding{Action: "filter", Key: km.Filter, Run: func() tea.Cmd { return ev.input.Open(ev.needle) }, Show: keys.Footer | keys.Help, Group: 1},
		keys.Binding{Action: "back", Key: km.Back, Short: "close", Run: back, Show: keys.Footer | keys.Help, Group: 1},
		keys.Binding{Action: "events", Key: described(km.Events, "reload events"), Short: "reload", Run: p.loadEvents, Show: keys.Footer | keys.Help, Group: 1},
		keys.Binding{Action: "copy", Key: described(km.Copy, "copy event id"), Run: func() tea.Cmd {
			if ev.cur.Pos() < len(ev.shown) {
				return clipboard.Cmd(p.ctx, ev.all[ev.shown[ev.cur.Pos()]].ID)
			}
			return pane.Toast("no event selected", true)
		}, Show: keys.Help, Group: 2},
	)}
}

// openEvent shows the selected event whole (its text wrapped).
func (p *Pane) openEvent() tea.Cmd {
	ev := p.events
	if ev.cur.Pos() >= len(ev.shown) {
		return nil
	}
	e := ev.all[ev.shown[ev.cur.Pos()]]
	about := text.Clean(firstNonEmpty(e.Ref.Name, e.Ref.ID))
	if e.Ref.Type != "" {
		about = text.Clean(e.Ref.Type) + " " + about
	}
	d := detail.NewLines([]detail.Line{detail.Heading("Event"),
		detail.Field("time", eventTime(e.At)+" UTC"), detail.Field("type", text.Clean(e.Type)), detail.Field("id", text.Clean(e.ID)),
		detail.Field("about", about), detail.Field("provider", ev.provider), detail.Blank(), detail.Field("event", text.Clean(e.Body))}, p.ctx.Styles)
	d.SetSize(p.w, max(p.h-1, 0))
	ev.open = &d
	return nil
}

// eventTime is an event's time as the list shows it (UTC, to the second).
func eventTime(t time.Time) string {
	if t.IsZero() {
		return "(no time)"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

const (
	evTimeW = 20
	evTypeW = 28
)

// eventsView renders the open list.
func (p *Pane) eventsView() string {
	ev, st := p.events, p.ctx.Styles
	if ev.open != nil {
		title := st.PaneTitle.Render("Events · "+text.Clean(ev.title)) + "  " + st.Dim.Render("esc back")
		return text.Truncate(title, p.w) + "\n" + ev.open.View()
	}
	var b strings.Builder
	title := st.PaneTitle.Render("Events · " + text.Clean(ev.title))
	switch {
	case len(ev.shown) != len(ev.all):
		title += st.Dim.Render(fmt.Sprintf(" (%d of %d, newest first)", len(ev.shown), len(ev.all)))
	default:
		title += st.Dim.Render(fmt.Sprintf(" (%d, newest first)", len(ev.all)))
	}
	if ev.input.Opened() {
		title += " " + ev.input.View()
	} else if ev.needle != "" {
		title += " " + st.Key.Render("/"+ev.needle)
	}
	if ev.loading {
		title += "  " + st.Dim.Render(p.spin()+" reading "+ev.provider+"…")
	}
	title += "  " + st.Dim.Render("esc back")
	b.WriteString(text.Truncate(title, p.w))
	b.WriteByte('\n')
	if ev.err != nil {
		b.WriteString(st.Error.Render(text.Truncate("  ✗ "+errtext.Long(ev.err, ev.provider), p.w)))
		b.WriteByte('\n')
	}
	switch {
	case len(ev.all) == 0 && ev.err != nil:
		return b.String()
	case len(ev.all) == 0 && ev.loading:
		b.WriteString(st.Dim.Render("  Loading events…"))
		return b.String()
	case len(ev.all) == 0 && ev.err == nil:
		b.WriteString(st.Dim.Render("  No events."))
		return b.String()
	case len(ev.shown) == 0 && ev.needle != "":
		b.WriteString(st.Dim.Render(fmt.Sprintf("  Nothing matches /%s — esc clears the filter.", ev.needle)))
		return b.String()
	}
	tw, yw := evTimeW, evTypeW
	if p.w < 80 {
		yw = 0
	}
	bw := max(p.w-2-tw-yw, 0)
	var hb strings.Builder
	hb.WriteString("  ")
	text.WriteFit(&hb, "TIME (UTC)", tw, false)
	text.WriteFit(&hb, "TYPE", yw, false)
	text.WriteFit(&hb, "EVENT", bw, false)
	b.WriteString(st.HeaderRow.Wrap(hb.String()))
	start, end := ev.cur.Window()
	for i := start; i < end; i++ {
		e := ev.rows[ev.shown[i]]
		var lb strings.Builder
		if i == ev.cur.Pos() {
			lb.WriteString("> ")
		} else {
			lb.WriteString("  ")
		}
		text.WriteFit(&lb, e.Cells[0], tw, false)
		if yw > 0 {
			text.WriteFit(&lb, e.Cells[1], yw-1, false)
			lb.WriteByte(' ')
		}
		text.WriteFit(&lb, e.Cells[2], bw, false)
		b.WriteByte('\n')
		if i == ev.cur.Pos() {
			b.WriteString(st.Selected.Wrap(text.PadRight(lb.String(), p.w)))
		} else {
			b.WriteString(lb.String())
		}
	}
	return b.String()
}
