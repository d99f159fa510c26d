// Package detail is the scrollable detail view: labelled values in titled
// sections, wrapped to the width. New shows one connection (a summary an
// operator reads first, then every field the API returned); NewLines any
// object (the inventory's nodes).
package detail

import (
	"fmt"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/styles"
)

// Model shows one connection.
type Model struct {
	conn   model.Connection
	src    []line   // what to show, before wrapping
	lines  []string // src wrapped to the width
	offset int
	w, h   int
	st     *styles.Styles
}

// line is one logical line of the view: a styled prefix (indent, label)
// and a plain value, wrapped under the value's column (hang) when it does
// not fit, so a long id or description is never cut.
type line struct {
	prefix string // styled; its width is pw
	pw     int
	value  string       // plain, sanitised
	paint  styles.Paint // around each piece of value
	hang   int          // indent of continuation lines
}

func (l line) String() string { return l.prefix + l.paint.Wrap(l.value) }

// wrap renders l in w cells.
func (l line) wrap(w int) []string {
	if l.pw+text.Width(l.value) <= w || w <= 0 {
		return []string{l.String()}
	}
	hang := min(l.hang, w/2)
	parts := text.Wrap(l.value, max(w-l.pw, 1), max(w-hang, 1))
	out := make([]string, len(parts))
	for i, p := range parts {
		if i == 0 {
			out[i] = l.prefix + l.paint.Wrap(p)
		} else {
			out[i] = strings.Repeat(" ", hang) + l.paint.Wrap(p)
		}
	}
	return out
}

// New builds the view of c; now is used for ages.
func New(c model.Connection, now time.Time, st *styles.Styles) Model {
	return NewWithHint(c, now, st, "")
}

// NewWithHint is New with a hint on how to answer a change waiting on us
// ("approve with a, reject with x", from the pane's keys).
func NewWithHint(c model.Connection, now time.Time, st *styles.Styles, decide string) Model {
	return NewWithNote(c, now, st, decide, "")
}

// NewWithNote is NewWithHint for a connection whose API object is not at
// hand (c.Raw is empty): rawNote says why in the API fields section
// ("reading …", "could not read …"); "" says the provider returned none.
func NewWithNote(c model.Connection, now time.Time, st *styles.Styles, decide, rawNote string) Model {
	m := Model{conn: c, st: st}
	m.src = build(c, now, st, decide, rawNote)
	m.rewrap()
	return m
}

// Conn is the connection shown.
func (m Model) Conn() model.Connection { return m.conn }

// SetSize sets the view size.
func (m *Model) SetSize(w, h int) {
	if w != m.w {
		m.w = w
		m.rewrap()
	}
	m.h = h
	m.clamp()
}

func (m *Model) rewrap() {
	var lines []string // not m.lines[:0]: a copy of the Model may share it
	for _, l := range m.src {
		lines = append(lines, l.wrap(m.w)...)
	}
	m.lines = lines
}

func (m *Model) clamp() {
	m.offset = min(m.offset, len(m.lines)-m.h)
	m.offset = max(m.offset, 0)
}

// MoveBy, MoveTo and PageRows make the view a list.Mover: the movement
// bindings (list.Nav) scroll it.
func (m *Model) MoveBy(d int) {
	m.offset += d
	m.clamp()
}

func (m *Model) MoveTo(i int) {
	if i < 0 {
		i = len(m.lines)
	}
	m.offset = i
	m.clamp()
}

func (m *Model) PageRows() int { return max(m.h, 1) }

// Line is one line of a generic detail view (NewLines).
type Line struct {
	Heading bool   // a section title
	Label   string // "" for a line of its own (a note)
	Value   string
	Paint   styles.Paint
}

// Heading, Field, Note and Blank build Lines.
func Heading(s string) Line                  { return Line{Heading: true, Value: s} }
func Field(label, value string) Line         { return Line{Label: label, Value: value} }
func Note(value string, p styles.Paint) Line { return Line{Value: value, Paint: p} }
func Blank() Line                            { return Line{} }

// NewLines builds a view of ls; fields with an empty value are left out.
func NewLines(ls []Line, st *styles.Styles) Model {
	m := Model{st: st}
	const labelW = 18
	for _, l := range ls {
		switch {
		case l.Heading:
			m.src = append(m.src, line{prefix: st.PaneTitle.Render(model.SafeText(l.Value))})
		case l.Label != "":
			if l.Value == "" {
				continue
			}
			k := model.SafeText(l.Label)
			m.src = append(m.src, line{prefix: "  " + st.Dim.Render(fmt.Sprintf("%-*s", labelW, k)), pw: 2 + max(labelW, text.Width(k)),
				value: model.SafeText(l.Value), paint: l.Paint, hang: 2 + labelW})
		case l.Value != "":
			m.src = append(m.src, line{prefix: "  ", pw: 2, value: model.SafeText(l.Value), paint: l.Paint, hang: 2})
		default:
			m.src = append(m.src, line{})
		}
	}
	m.rewrap()
	return m
}

// View renders the visible lines.
func (m Model) View() string {
	end := min(m.offset+m.h, len(m.lines))
	var b strings.Builder
	for i := m.offset; i < end; i++ {
		if i > m.offset {
			b.WriteByte('\n')
		}
		b.WriteString(text.Truncate(m.lines[i], m.w))
	}
	return b.String()
}

// Position describes the scroll position ("lines 12–40 of 120"); "" when
// everything fits.
func (m Model) Position() string {
	if len(m.lines) <= m.h {
		return ""
	}
	return fmt.Sprintf("lines %d–%d of %d", m.offset+1, min(m.offset+m.h, len(m.lines)), len(m.lines))
}

// Offset is the first line shown (tests).
func (m Model) Offset() int { return m.offset }

// Lines renders the summary and the flattened API object, one string per
// logical line (unwrapped).
func Lines(c model.Connection, now time.Time, st *styles.Styles) []string {
	src := build(c, now, st, "", "")
	out := make([]string, len(src))
	for i, l := range src {
		out[i] = l.String()
	}
	return out
}

// build lays out the view. Every provider string goes through
// model.SafeText here, whatever the adapter did: one miss upstream must not
// reach the terminal.
func build(c model.Connection, now time.Time, st *styles.Styles, decide, rawNote string) []line {
	var out []line
	const labelW = 16
	sec := func(s string) { out = append(out, line{prefix: st.PaneTitle.Render(model.SafeText(s))}) }
	blank := func() { out = append(out, line{}) }
	kvPaint := func(k, v string, p styles.Paint) {
		out = append(out, line{prefix: "  " + st.Dim.Render(fmt.Sprintf("%-*s", labelW, k)), pw: 2 + max(labelW, text.Width(k)),
			value: model.SafeText(v), paint: p, hang: 2 + labelW})
	}
	kv := func(k, v string) {
		if v == "" {
			return
		}
		kvPaint(k, v, styles.Paint{})
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(now.Location()).Format("2006-01-02 15:04:05 MST") + " (" + Age(now.Sub(t)) + " ago)"
	}
	sec("Summary")
	kv("provider", c.Provider+" ("+c.ProviderKind+")")
	kv("id", c.ID)
	kv("name", c.Name)
	kv("type", c.Type)
	state := string(c.State)
	if c.RawState != "" && !strings.EqualFold(c.RawState, state) {
		state += "  (raw: " + c.RawState + ")"
	}
	kvPaint("state", state, st.StatePaint(c.State))
	kv("status", c.Status)
	if c.BandwidthMbps > 0 {
		kv("bandwidth", model.FormatMbps(c.BandwidthMbps))
	}
	kv("vlans", c.VLANString())
	var acts []string
	for _, a := range c.Actions {
		acts = append(acts, string(a))
	}
	kv("actions", strings.Join(acts, ", "))
	kv("created", ts(c.Created))
	kv("updated", ts(c.Updated))
	if p := c.Pending; p != nil {
		blank()
		sec("Pending change")
		kv("kind", string(p.Kind))
		kv("status", p.Status)
		kv("change id", p.ID)
		kv("since", ts(p.Since))
		who := "the other side"
		if p.WaitingOnUs {
			who = "us"
			if decide != "" {
				who += " (" + decide + ")"
			}
		}
		kv("waiting on", who)
		kv("description", p.Description)
	}
	for _, side := range []struct {
		n string
		e model.Endpoint
	}{{"A side", c.A}, {"Z side", c.Z}} {
		blank()
		sec(side.n)
		e := side.e
		kv("type", e.Type)
		kv("name", e.Name)
		kv("port", strings.TrimSpace(e.PortName+" "+paren(e.PortID)))
		kv("metro", e.Metro)
		kv("account", e.Account)
		var vl []string
		for _, v := range e.VLANs {
			vl = append(vl, fmt.Sprint(v))
		}
		kv("vlans", strings.Join(vl, ", "))
		kv("extra", e.Extra)
	}
	blank()
	raw := Flatten(c.Raw)
	if len(raw) == 0 {
		sec("API fields")
		if rawNote == "" {
			rawNote = "the provider returned no raw object"
		}
		out = append(out, line{prefix: "  " + st.Dim.Render("("+model.SafeText(rawNote)+")")})
		return out
	}
	sec(fmt.Sprintf("API fields (%d lines, as returned)", len(raw)))
	for _, l := range raw {
		// Flatten indents by depth; continuation lines go two deeper.
		l = model.SafeText(l)
		lead := len(l) - len(strings.TrimLeft(l, " "))
		out = append(out, line{prefix: "  " + l[:lead], pw: 2 + lead, value: l[lead:], hang: 2 + lead + 2})
	}
	return out
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

// Age renders a duration the way operators say it: 45s, 3m, 2h5m, 3d4h.
func Age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		h := int(d / time.Hour)
		if m := int(d%time.Hour) / int(time.Minute); m > 0 {
			return fmt.Sprintf("%dh%dm", h, m)
		}
		return fmt.Sprintf("%dh", h)
	default:
		dd := int(d / (24 * time.Hour))
		if h := int(d%(24*time.Hour)) / int(time.Hour); h > 0 {
			return fmt.Sprintf("%dd%dh", dd, h)
		}
		return fmt.Sprintf("%dd", dd)
	}
}
