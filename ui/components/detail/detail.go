// Package detail is the scrollable detail view of one connection: a summary
// an operator reads first, then every field the API returned.
package detail

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/conns"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/styles"
)

// Model shows one connection.
type Model struct {
	conn   model.Connection
	lines  []string
	offset int
	w, h   int
	st     *styles.Styles
}

// New builds the view of c; now is used for ages.
func New(c model.Connection, now time.Time, st *styles.Styles) Model {
	m := Model{conn: c, st: st}
	m.lines = Lines(c, now, st)
	return m
}

// Conn is the connection shown.
func (m Model) Conn() model.Connection { return m.conn }

// SetSize sets the view size.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h; m.clamp() }

func (m *Model) clamp() {
	m.offset = min(m.offset, len(m.lines)-m.h)
	m.offset = max(m.offset, 0)
}

// HandleKey scrolls; it reports whether the key was a movement key.
func (m *Model) HandleKey(msg tea.KeyMsg, km *keys.Map) bool {
	page := max(m.h, 1)
	switch {
	case key.Matches(msg, km.Up):
		m.offset--
	case key.Matches(msg, km.Down):
		m.offset++
	case key.Matches(msg, km.PageUp):
		m.offset -= page
	case key.Matches(msg, km.PageDown):
		m.offset += page
	case key.Matches(msg, km.HalfUp):
		m.offset -= page / 2
	case key.Matches(msg, km.HalfDown):
		m.offset += page / 2
	case key.Matches(msg, km.Top):
		m.offset = 0
	case key.Matches(msg, km.Bottom):
		m.offset = len(m.lines)
	default:
		return false
	}
	m.clamp()
	return true
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

// Position describes the scroll position ("12-40/120").
func (m Model) Position() string {
	if len(m.lines) <= m.h {
		return ""
	}
	return fmt.Sprintf("%d-%d/%d", m.offset+1, min(m.offset+m.h, len(m.lines)), len(m.lines))
}

// Lines renders the summary and the flattened API object.
func Lines(c model.Connection, now time.Time, st *styles.Styles) []string {
	var out []string
	sec := func(s string) { out = append(out, st.PaneTitle.Render(s)) }
	kv := func(k, v string) {
		if v == "" {
			return
		}
		out = append(out, "  "+st.Dim.Render(fmt.Sprintf("%-16s", k))+text.Clean(v))
	}
	kvStyled := func(k, v string, p styles.Paint) {
		out = append(out, "  "+st.Dim.Render(fmt.Sprintf("%-16s", k))+p.Wrap(text.Clean(v)))
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
	kvStyled("state", state, st.StatePaint(c.State))
	kv("status", c.Status)
	kv("bandwidth", conns.FormatBandwidth(c.BandwidthMbps))
	kv("vlans", c.VLANString())
	var acts []string
	for _, a := range c.Actions {
		acts = append(acts, string(a))
	}
	kv("actions", strings.Join(acts, ", "))
	kv("created", ts(c.Created))
	kv("updated", ts(c.Updated))
	if p := c.Pending; p != nil {
		out = append(out, "")
		sec("Pending change")
		kv("kind", string(p.Kind))
		kv("status", p.Status)
		kv("change id", p.ID)
		kv("since", ts(p.Since))
		who := "the other side"
		if p.WaitingOnUs {
			who = "us (approve with a, reject with x)"
		}
		kv("waiting on", who)
		kv("description", p.Description)
	}
	for _, side := range []struct {
		n string
		e model.Endpoint
	}{{"A side", c.A}, {"Z side", c.Z}} {
		out = append(out, "")
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
	out = append(out, "")
	raw := Flatten(c.Raw)
	if len(raw) == 0 {
		sec("API fields")
		out = append(out, "  "+st.Dim.Render("(the provider returned no raw object)"))
		return out
	}
	sec(fmt.Sprintf("API fields (%d lines, as returned)", len(raw)))
	for _, l := range raw {
		out = append(out, "  "+l)
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
