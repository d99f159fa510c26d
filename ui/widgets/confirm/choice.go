package confirm

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
)

// Choice is a list the operator picks one entry of in the dialog (the
// port a connection lands on): ↑/↓ move the pick while the choice has
// the focus (ctrl+n/ctrl+p walk the inputs; PgUp/PgDn and Home/End still
// scroll the request), and the action is re-planned with every move, so
// the preview is always what Confirm sends.
type Choice struct {
	Label    string
	Options  []string // one line each, already worded ("AM-1 · 10G · 4.5G free · group A")
	Selected int
	// ParamFor, when set, is the parameter input's value after the pick
	// moves to i (the VLAN suggested on that port), given the value typed
	// so far and the previous pick; it also fills the input when the
	// dialog opens (prev -1).
	ParamFor func(i, prev int, current string) string
	// Warn, when set, is a warning about the pick and the parameter that
	// does not block Confirm ("" for none): it shows under the inputs.
	Warn func(i int, value string) string
}

// ReplanChoice re-plans the action with the reason, the parameter input's
// value and the index of the pick.
type ReplanChoice func(reason, value string, choice int) (model.Action, error)

// maxChoiceRows is how many options show at once; the rest scroll with
// the pick.
const maxChoiceRows = 4

// WithChoice adds a choice (before any parameter input, which it may
// fill; see Choice.ParamFor). replan replaces any earlier one: it gets
// the pick as well. The choice takes the focus first. The action is
// re-planned once with the initial pick and value, so the request shown
// when the dialog opens is the one for what is pre-selected.
func (m Model) WithChoice(c Choice, replan ReplanChoice) Model {
	c.Options = append([]string(nil), c.Options...)
	if c.Selected < 0 || c.Selected >= len(c.Options) {
		c.Selected = 0
	}
	m.choice = &c
	m.replanChoice = replan
	if c.ParamFor != nil {
		m.param.SetValue(c.ParamFor(c.Selected, -1, m.param.Value()))
	}
	m.reason.Blur()
	m.typed.Blur()
	m.param.Blur()
	m.focusField(m.fields())
	m.replanNow()
	return m
}

// WithParamValue puts v in the parameter input (see WithParam) without
// re-planning: the request shown stays the planned one.
func (m Model) WithParamValue(v string) Model {
	m.param.SetValue(v)
	m.param.CursorEnd()
	return m
}

// Replanned re-plans the action now with what the inputs hold (a dialog
// whose initial inputs must be checked before anything can be confirmed).
func (m Model) Replanned() Model {
	m.replanNow()
	return m
}

// Choice is the index of the pick (-1 when the dialog has no choice).
func (m Model) Choice() int {
	if m.choice == nil {
		return -1
	}
	return m.choice.Selected
}

// Warning is the choice's current warning ("" for none).
func (m Model) Warning() string {
	if m.choice == nil || m.choice.Warn == nil {
		return ""
	}
	return m.choice.Warn(m.choice.Selected, m.param.Value())
}

// PlanError is why the inputs do not plan ("" when they do).
func (m Model) PlanError() string { return m.planErr }

// replanNow re-plans with the current inputs, keeping the last valid
// action on error (Confirm then refuses).
func (m *Model) replanNow() {
	if m.replanChoice != nil {
		a, err := m.replanChoice(m.reason.Value(), m.param.Value(), m.choice.Selected)
		m.applyPlan(a, err)
		return
	}
	if m.replan != nil {
		a, err := m.replan(m.reason.Value(), m.param.Value())
		m.applyPlan(a, err)
	}
}

func (m *Model) applyPlan(a model.Action, err error) {
	if err != nil {
		m.planErr = model.ErrorSummary(err)
		return
	}
	m.planErr = ""
	m.action = a
}

// choiceKey moves the pick while the choice has the focus.
func (m *Model) choiceKey(k tea.KeyMsg) bool {
	if m.choice == nil || m.on != fieldChoice || len(m.choice.Options) == 0 {
		return false
	}
	i := m.choice.Selected
	switch k.String() {
	case "up", "k":
		i--
	case "down", "j":
		i++
	default:
		return false
	}
	n := len(m.choice.Options)
	i = (i + n) % n
	if i != m.choice.Selected {
		prev := m.choice.Selected
		c := *m.choice
		c.Selected = i
		m.choice = &c
		if c.ParamFor != nil {
			m.param.SetValue(c.ParamFor(i, prev, m.param.Value()))
			m.param.CursorEnd()
		}
		m.err = ""
		old := m.frame(m.shown.w, m.shown.h)
		atEnd := m.clamp(old, m.offset) >= maxOffset(old)
		m.replanNow()
		if atEnd {
			m.offset = maxOffset(m.frame(m.shown.w, m.shown.h))
		}
	}
	return true
}

// choiceLines renders the choice: its label, a window of options around
// the pick (▸ marks it) and where the window is when it does not show
// them all.
func (m Model) choiceLines(inner int, add func(string)) {
	s := m.st
	c := m.choice
	head := c.Label
	if m.on == fieldChoice {
		head += "  (↑/↓ choose)"
	} else {
		head += "  (ctrl+p to change)"
	}
	add(s.Dim.Render(model.SafeText(head)))
	n := len(c.Options)
	if n == 0 {
		add(s.Warn.Render("  (nothing to choose from)"))
		return
	}
	rows := min(n, maxChoiceRows)
	start := min(max(c.Selected-rows/2, 0), n-rows)
	for i := start; i < start+rows; i++ {
		line := "  " + model.SafeText(c.Options[i])
		if i == c.Selected {
			line = "▸ " + model.SafeText(c.Options[i])
			st := s.Info
			if m.on == fieldChoice {
				st = st.Bold(true)
			}
			add(st.Render(text.Truncate(line, inner)))
			continue
		}
		add(line)
	}
	if rows < n {
		add(s.Dim.Render(fmt.Sprintf("  %d of %d", c.Selected+1, n)))
	}
}
