// Package confirm is the confirmation dialog every mutation goes through.
// It shows the exact HTTP request the planner built, the target and the
// risk; focus starts on Cancel; when the action needs a reason, the reason
// is typed here and the request is re-planned as it changes, so the preview
// is always what will be sent.
package confirm

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/styles"
)

// Replan re-plans the action with a new reason.
type Replan func(reason string) (model.Action, error)

// Outcome is what a key press did to the dialog.
type Outcome int

const (
	Open      Outcome = iota // still open
	Cancelled                // closed without doing anything
	Confirmed                // the operator confirmed Action()
)

const (
	focusCancel = iota
	focusConfirm
)

// Model is the dialog.
type Model struct {
	action  model.Action
	target  string
	replan  Replan
	reason  textinput.Model
	typed   textinput.Model // the object's name, when Action.ConfirmText is set
	onTyped bool            // keystrokes go to typed (up/down switch when both exist)
	focus   int
	err     string
	planErr string
	st      *styles.Styles
}

// New opens a dialog for a planned action. target describes the object in
// words ("fabric-prod · Conn-AMS-7 (id 1b2c…)").
func New(a model.Action, target string, replan Replan, st *styles.Styles) Model {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.Placeholder = "why (sent to the provider)"
	ti.CharLimit = 500
	tc := textinput.New()
	tc.Prompt = "> "
	tc.Placeholder = a.ConfirmText
	tc.CharLimit = 500
	m := Model{action: a, target: target, replan: replan, reason: ti, typed: tc, focus: focusCancel, st: st}
	switch {
	case a.NeedsReason:
		m.reason.Focus()
	case a.ConfirmText != "":
		m.onTyped = true
		m.typed.Focus()
	}
	return m
}

// hasInput reports whether the dialog takes text.
func (m Model) hasInput() bool { return m.action.NeedsReason || m.action.ConfirmText != "" }

// Action is the action the dialog currently shows (what Confirm sends).
func (m Model) Action() model.Action { return m.action }

// Reason is the reason typed so far.
func (m Model) Reason() string { return m.reason.Value() }

// FocusOnConfirm reports where focus is (tests).
func (m Model) FocusOnConfirm() bool { return m.focus == focusConfirm }

// Update handles one message.
func (m Model) Update(msg tea.Msg) (Model, Outcome, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		if m.onTyped {
			m.typed, cmd = m.typed.Update(msg)
		} else if m.action.NeedsReason {
			m.reason, cmd = m.reason.Update(msg)
		}
		return m, Open, cmd
	}
	switch k.String() {
	case "esc", "ctrl+c":
		return m, Cancelled, nil
	case "tab", "shift+tab":
		m.focus = 1 - m.focus
		return m, Open, nil
	case "enter":
		if m.focus == focusCancel {
			return m, Cancelled, nil
		}
		if m.planErr != "" {
			m.err = "cannot confirm: " + m.planErr
			return m, Open, nil
		}
		if m.action.NeedsReason && strings.TrimSpace(m.reason.Value()) == "" {
			m.err = "a reason is required"
			return m, Open, nil
		}
		if m.action.ConfirmText != "" && m.typed.Value() != m.action.ConfirmText {
			m.err = fmt.Sprintf("type %q exactly to confirm", m.action.ConfirmText)
			return m, Open, nil
		}
		return m, Confirmed, nil
	case "up", "down":
		if m.action.NeedsReason && m.action.ConfirmText != "" {
			m.onTyped = !m.onTyped
			if m.onTyped {
				m.reason.Blur()
				return m, Open, m.typed.Focus()
			}
			m.typed.Blur()
			return m, Open, m.reason.Focus()
		}
	}
	if m.onTyped {
		var cmd tea.Cmd
		m.typed, cmd = m.typed.Update(msg)
		m.err = ""
		return m, Open, cmd
	}
	if !m.hasInput() {
		switch k.String() {
		case "left", "right", "h", "l":
			m.focus = 1 - m.focus
		}
		return m, Open, nil
	}
	before := m.reason.Value()
	var cmd tea.Cmd
	m.reason, cmd = m.reason.Update(msg)
	if after := m.reason.Value(); after != before {
		m.err = ""
		if m.replan != nil {
			a, err := m.replan(after)
			if err != nil {
				m.planErr = model.ErrorSummary(err)
			} else {
				m.planErr = ""
				m.action = a
			}
		}
	}
	return m, Open, cmd
}

// View renders the dialog box to fit within w×h.
func (m Model) View(w, h int) string {
	inner := min(max(w-4, 10), 100)
	s := m.st
	var lines []string
	add := func(l string) { lines = append(lines, l) }
	title := m.action.Title
	if title == "" {
		title = fmt.Sprintf("%s %s", m.action.Request.Kind, m.action.Request.Target.Name)
	}
	risk := m.action.Risk
	rs, ok := s.Risk[risk]
	if !ok {
		rs = s.Error
	}
	add(s.DialogTitle.Render(text.Truncate(title, inner-14)) + "  " + rs.Render("risk: "+risk.String()))
	add("")
	add(s.Dim.Render("Target   ") + text.Truncate(m.target, inner-9))
	// The request is wrapped, never cut: what is confirmed must be seen whole.
	for i, part := range wrapHard(m.action.HTTP.Method+" "+text.Clean(m.action.HTTP.Path), max(inner-9, 10)) {
		label := "Request  "
		if i > 0 {
			label = "         "
		}
		add(s.Dim.Render(label) + s.Code.Render(part))
	}
	body := strings.TrimRight(string(m.action.HTTP.Body), "\n")
	if body == "" {
		add(s.Dim.Render("         (no body)"))
	} else {
		bl := strings.Split(body, "\n")
		// Keep room for the rest of the dialog.
		room := max(h-14, 3)
		if len(bl) > room {
			bl = append(bl[:room-1], fmt.Sprintf("… %d more lines", len(bl)-room+1))
		}
		for _, l := range bl {
			add("         " + s.Code.Render(text.Truncate(text.Clean(l), inner-9)))
		}
	}
	if m.action.NeedsReason {
		add("")
		m.reason.Width = max(inner-12, 5)
		add(s.Dim.Render("Reason   ") + m.reason.View())
	}
	if m.action.ConfirmText != "" {
		add("")
		add(s.Warn.Render(text.Truncate("Type "+m.action.ConfirmText+" to confirm:", inner)))
		m.typed.Width = max(inner-12, 5)
		add(s.Dim.Render("Name     ") + m.typed.View())
		if m.action.NeedsReason {
			add(s.Dim.Render("↑/↓ switch between reason and name"))
		}
	}
	if m.planErr != "" {
		add(s.Error.Render(text.Truncate("plan: "+m.planErr, inner)))
	}
	if m.err != "" {
		add(s.Error.Render(text.Truncate(m.err, inner)))
	}
	add("")
	cancel, confirm := s.Button.Render("  Cancel  "), s.Button.Render("  Confirm  ")
	if m.focus == focusCancel {
		cancel = s.ButtonFocused.Render("[ Cancel ]")
	} else {
		confirm = s.ButtonFocused.Render("[ Confirm ]")
	}
	add(cancel + "  " + confirm + "   " + s.Dim.Render("tab switch · enter choose · esc cancel"))
	box := s.Dialog.Width(inner + 2).Render(strings.Join(lines, "\n"))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// wrapHard splits s into pieces of at most n cells (a URL has no spaces to
// break at).
func wrapHard(s string, n int) []string {
	var out []string
	var cur []rune
	w := 0
	for _, r := range s {
		rw := text.Width(string(r))
		if w+rw > n && len(cur) > 0 {
			out = append(out, string(cur))
			cur, w = cur[:0], 0
		}
		cur = append(cur, r)
		w += rw
	}
	if len(cur) > 0 || len(out) == 0 {
		out = append(out, string(cur))
	}
	return out
}
