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

// ReplanParam re-plans the action with the reason and the value of the
// dialog's parameter input (see WithParam).
type ReplanParam func(reason, value string) (model.Action, error)

// Fact is one labelled line the dialog shows above the request (dates a
// preparation read, what a change asks for ...).
type Fact struct {
	Label string
	Value string
}

// Input fields, in the order up/down walks them.
const (
	fieldParam = iota
	fieldReason
	fieldTyped
)

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
	replan  ReplanParam
	reason  textinput.Model
	typed   textinput.Model // the object's name, when Action.ConfirmText is set
	param   textinput.Model // a kind-specific input (WithParam)
	label   string          // the param's label ("" = no param input)
	on      int             // the input keystrokes go to (up/down switch)
	focus   int
	err     string
	planErr string
	facts   []Fact
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
	m := Model{action: a, target: target, reason: ti, typed: tc, focus: focusCancel, st: st}
	if replan != nil {
		m.replan = func(reason, _ string) (model.Action, error) { return replan(reason) }
	}
	m.focusField(m.fields())
	return m
}

// WithParam adds an input for one parameter of the action (a change
// request's capacity): it takes the keystrokes first, and the action is
// re-planned with replan as it is typed, so the preview is always what
// Confirm sends. An invalid value shows the planner's error and blocks
// Confirm.
func (m Model) WithParam(label, placeholder string, replan ReplanParam) Model {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = placeholder
	in.CharLimit = 100
	m.param, m.label, m.replan = in, label, replan
	m.reason.Blur()
	m.typed.Blur()
	m.focusField(m.fields())
	return m
}

// WithFacts adds labelled lines above the request.
func (m Model) WithFacts(f ...Fact) Model {
	m.facts = append(append([]Fact(nil), m.facts...), f...)
	return m
}

// Param is the parameter value typed so far.
func (m Model) Param() string { return m.param.Value() }

// fields lists the inputs this dialog has, in order.
func (m Model) fields() []int {
	var f []int
	if m.label != "" {
		f = append(f, fieldParam)
	}
	if m.action.NeedsReason {
		f = append(f, fieldReason)
	}
	if m.action.ConfirmText != "" {
		f = append(f, fieldTyped)
	}
	return f
}

// focusField puts the cursor in the first of fs (when any).
func (m *Model) focusField(fs []int) tea.Cmd {
	if len(fs) == 0 {
		return nil
	}
	return m.setOn(fs[0])
}

func (m *Model) setOn(f int) tea.Cmd {
	m.on = f
	m.param.Blur()
	m.reason.Blur()
	m.typed.Blur()
	return m.input(f).Focus()
}

func (m *Model) input(f int) *textinput.Model {
	switch f {
	case fieldParam:
		return &m.param
	case fieldReason:
		return &m.reason
	}
	return &m.typed
}

// hasInput reports whether the dialog takes text.
func (m Model) hasInput() bool { return len(m.fields()) > 0 }

// Action is the action the dialog currently shows (what Confirm sends).
func (m Model) Action() model.Action { return m.action }

// Reason is the reason typed so far.
func (m Model) Reason() string { return m.reason.Value() }

// FocusOnConfirm reports where focus is (tests).
func (m Model) FocusOnConfirm() bool { return m.focus == focusConfirm }

// Update handles one message.
func (m Model) Update(msg tea.Msg) (Model, Outcome, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	fs := m.fields()
	if !ok {
		var cmd tea.Cmd
		if len(fs) > 0 {
			in := m.input(m.on)
			*in, cmd = in.Update(msg)
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
		if len(fs) > 1 {
			i := 0
			for j, f := range fs {
				if f == m.on {
					i = j
				}
			}
			if k.String() == "down" {
				i = (i + 1) % len(fs)
			} else {
				i = (i + len(fs) - 1) % len(fs)
			}
			return m, Open, m.setOn(fs[i])
		}
	}
	if len(fs) == 0 {
		switch k.String() {
		case "left", "right", "h", "l":
			m.focus = 1 - m.focus
		}
		return m, Open, nil
	}
	in := m.input(m.on)
	before := in.Value()
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	if in.Value() == before {
		return m, Open, cmd
	}
	m.err = ""
	if m.on != fieldTyped && m.replan != nil {
		// The name typed to confirm is not part of the request.
		a, err := m.replan(m.reason.Value(), m.param.Value())
		if err != nil {
			m.planErr = model.ErrorSummary(err)
		} else {
			m.planErr = ""
			m.action = a
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
	// The title is wrapped, never cut: planners put what matters in it
	// (dates of a decommission, what a change request asks for).
	riskLabel := "risk: " + risk.String()
	tl := wrapWords(text.Clean(title), inner)
	if last := tl[len(tl)-1]; text.Width(last)+2+len(riskLabel) <= inner {
		tl = tl[:len(tl)-1]
		for _, l := range tl {
			add(s.DialogTitle.Render(l))
		}
		add(s.DialogTitle.Render(last) + "  " + rs.Render(riskLabel))
	} else {
		for _, l := range tl {
			add(s.DialogTitle.Render(l))
		}
		add(rs.Render(riskLabel))
	}
	add("")
	add(s.Dim.Render("Target   ") + text.Truncate(m.target, inner-9))
	lw := 9
	for _, f := range m.facts {
		lw = max(lw, text.Width(f.Label)+2)
	}
	for _, f := range m.facts {
		for i, part := range wrapWords(text.Clean(f.Value), max(inner-lw, 10)) {
			label := f.Label
			if i > 0 {
				label = ""
			}
			add(s.Dim.Render(text.Fit(label, lw, false)) + s.Warn.Render(part))
		}
	}
	// The requests are wrapped, never cut: what is confirmed must be seen
	// whole. An action of several requests shows each, in sending order.
	reqs := m.action.Requests()
	room := max((h-14)/len(reqs), 3) // body lines per request, leaving room for the rest
	for k, r := range reqs {
		head := "Request  "
		if k > 0 {
			head = fmt.Sprintf("then %d/%d ", k+1, len(reqs))
		}
		for i, part := range wrapHard(r.Method+" "+text.Clean(r.Path), max(inner-9, 10)) {
			label := head
			if i > 0 {
				label = "         "
			}
			add(s.Dim.Render(label) + s.Code.Render(part))
		}
		body := strings.TrimRight(string(r.Body), "\n")
		if body == "" {
			add(s.Dim.Render("         (no body)"))
			continue
		}
		bl := strings.Split(body, "\n")
		if len(bl) > room {
			bl = append(bl[:room-1], fmt.Sprintf("… %d more lines", len(bl)-room+1))
		}
		for _, l := range bl {
			add("         " + s.Code.Render(text.Truncate(text.Clean(l), inner-9)))
		}
	}
	if m.label != "" {
		add("")
		lw := max(9, text.Width(m.label)+2)
		m.param.Width = max(inner-lw-3, 5)
		add(s.Dim.Render(text.Fit(m.label, lw, false)) + m.param.View())
	}
	if m.action.NeedsReason {
		add("")
		m.reason.Width = max(inner-12, 5)
		add(s.Dim.Render("Reason   ") + m.reason.View())
	}
	if m.action.ConfirmText != "" {
		add("")
		add(s.Warn.Render(text.Truncate("Type "+text.Clean(m.action.ConfirmText)+" to confirm:", inner)))
		m.typed.Width = max(inner-12, 5)
		add(s.Dim.Render("Name     ") + m.typed.View())
	}
	if len(m.fields()) > 1 {
		add(s.Dim.Render("↑/↓ switch between the inputs"))
	}
	if m.planErr != "" {
		// The request above is the last valid plan; Confirm refuses until
		// the input plans again.
		for _, l := range wrapWords("plan: "+m.planErr+" (cannot confirm until this is fixed)", inner) {
			add(s.Error.Render(l))
		}
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

// wrapWords splits s into lines of at most n cells at spaces, cutting
// words longer than a line.
func wrapWords(s string, n int) []string {
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		for text.Width(w) > n {
			if cur != "" {
				out = append(out, cur)
				cur = ""
			}
			parts := wrapHard(w, n)
			out = append(out, parts[:len(parts)-1]...)
			w = parts[len(parts)-1]
		}
		switch {
		case cur == "":
			cur = w
		case text.Width(cur)+1+text.Width(w) <= n:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = w
		}
	}
	if cur != "" || len(out) == 0 {
		out = append(out, cur)
	}
	return out
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
