// Package confirm is the confirmation dialog every mutation goes through.
// It shows the exact HTTP request the planner built, the target and the
// risk; focus starts on Cancel; when the action needs a reason, the reason
// is typed here and the request is re-planned as it changes, so the preview
// is always what will be sent.
//
// The request scrolls (↑/↓, PgUp/PgDn, Home/End, j/k when no input takes
// text), so it can be read whole at any terminal size; Confirm stays
// disabled until the operator has been shown its end.
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
	fieldChoice // walked first (see fields)
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
	action model.Action
	target string
	replan ReplanParam
	reason textinput.Model
	typed  textinput.Model // the object's name, when Action.ConfirmText is set
	param  textinput.Model // a kind-specific input (WithParam)
	label  string          // the param's label ("" = no param input)
	choice *Choice         // a pick among options (WithChoice); nil = none
	// replanChoice, when set, re-plans with the pick too (WithChoice).
	replanChoice ReplanChoice
	on           int // the input keystrokes go to (up/down switch)
	focus        int
	err          string
	planErr      string
	facts        []Fact
	st           *styles.Styles
	offset       int    // first request line on screen
	shown        *shown // what View last put on screen (shared by copies)
}

// shown records what the last View showed. Confirm depends on what the
// operator has actually been shown, not on what Update assumes the screen
// looks like, so View writes it; Bubble Tea calls View after every Update,
// on the same goroutine, so there is no race. Copies of a Model share it,
// which is what the pane that holds the dialog wants.
type shown struct {
	w, h int  // the size of the last View (0 before the first)
	end  bool // the last line of the request has been on screen
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
	tc.CharLimit = 500
	tc.Placeholder = model.SafeText(a.ConfirmText)
	m := Model{action: a, target: model.SafeText(target), reason: ti, typed: tc, focus: focusCancel, st: st, shown: &shown{}}
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
	if m.choice != nil {
		f = append(f, fieldChoice)
	}
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
	if f == fieldChoice {
		return nil
	}
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

// SeenWhole reports whether the whole request has been on screen, which
// Confirm requires.
func (m Model) SeenWhole() bool { return m.shown.end }

// TextFocused reports whether keystrokes go to a text input (a reason, a
// parameter, the name to type): the root then delivers several runes
// arriving at once as typed text instead of splitting them into keys.
func (m Model) TextFocused() bool { return m.hasInput() }

// Scroll is the first request line on screen and the number of lines of
// the request (tests and the scroll indicator).
func (m Model) Scroll() (offset, lines int) {
	f := m.frame(m.shown.w, m.shown.h)
	return m.clamp(f, m.offset), len(f.content)
}

const errNotSeen = "Confirm is disabled until you have seen the whole request: scroll to the end (end key)"

// Update handles one message.
func (m Model) Update(msg tea.Msg) (Model, Outcome, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	fs := m.fields()
	if !ok {
		var cmd tea.Cmd
		if len(fs) > 0 && m.on != fieldChoice {
			in := m.input(m.on)
			*in, cmd = in.Update(msg)
		}
		return m, Open, cmd
	}
	if m.choiceKey(k) {
		return m, Open, nil
	}
	if m.scrollKey(k, len(fs) == 0) {
		if m.err == errNotSeen {
			m.err = ""
		}
		return m, Open, nil
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
		if !m.shown.end {
			m.err = errNotSeen
			return m, Open, nil
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
			m.err = fmt.Sprintf("type %q exactly to confirm", model.SafeText(m.action.ConfirmText))
			return m, Open, nil
		}
		return m, Confirmed, nil
	case "ctrl+n", "ctrl+p":
		if len(fs) > 1 {
			i := 0
			for j, f := range fs {
				if f == m.on {
					i = j
				}
			}
			if k.String() == "ctrl+n" {
				i = (i + 1) % len(fs)
			} else {
				i = (i + len(fs) - 1) % len(fs)
			}
			return m, Open, m.setOn(fs[i])
		}
		return m, Open, nil
	}
	if m.on == fieldChoice && m.label != "" && k.Type == tea.KeyRunes {
		// Typing on the choice types into the parameter (the VLAN), as
		// the operator means.
		m.setOn(fieldParam)
	}
	if len(fs) == 0 || m.on == fieldChoice {
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
	if m.on != fieldTyped && (m.replan != nil || m.replanChoice != nil) {
		// The name typed to confirm is not part of the request.
		old := m.frame(m.shown.w, m.shown.h)
		atEnd := m.clamp(old, m.offset) >= maxOffset(old)
		m.replanNow()
		if m.planErr == "" {
			if atEnd {
				// Follow the end as the request grows with what is typed,
				// so the part being changed stays in view.
				m.offset = maxOffset(m.frame(m.shown.w, m.shown.h))
			}
		}
	}
	return m, Open, cmd
}

// scrollKey moves the request; j/k/ctrl+u/ctrl+d only when no input takes
// text (there they edit). Home and End always scroll: ctrl+a and ctrl+e
// still move within an input.
func (m *Model) scrollKey(k tea.KeyMsg, noInput bool) bool {
	f := m.frame(m.shown.w, m.shown.h)
	page := max(f.vh, 1)
	off := m.clamp(f, m.offset)
	switch s := k.String(); {
	case s == "up", noInput && s == "k":
		off--
	case s == "down", noInput && s == "j":
		off++
	case s == "pgup":
		off -= page
	case s == "pgdown":
		off += page
	case noInput && s == "ctrl+u":
		off -= max(page/2, 1)
	case noInput && s == "ctrl+d":
		off += max(page/2, 1)
	case s == "home":
		off = 0
	case s == "end":
		off = maxOffset(f)
	default:
		return false
	}
	m.offset = m.clamp(f, off)
	return true
}

// frame is the dialog laid out for one size: the request lines (which
// scroll), how many of them fit, and the fixed lines below them.
type frame struct {
	inner    int
	content  []string
	vh       int  // request lines on screen
	scroll   bool // the request is longer than vh: the indicator shows
	compact  bool // blank separator lines dropped to make room
	tooSmall bool // not even one request line fits
}

func maxOffset(f frame) int { return max(len(f.content)-f.vh, 0) }

func (m Model) clamp(f frame, off int) int { return min(max(off, 0), maxOffset(f)) }

// frame lays the dialog out in w×h (0×0 before the first View: every
// request line counts as off screen).
func (m Model) frame(w, h int) frame {
	inner := min(max(w-4, 10), 100)
	f := frame{inner: inner, content: m.content(inner)}
	if w < inner+4 {
		f.tooSmall = true
		return f
	}
	for _, compact := range []bool{false, true} {
		f.compact = compact
		avail := h - 2 - len(m.bottom(inner, compact, true)) // 2: the border
		if len(f.content) <= avail {
			f.vh, f.scroll = len(f.content), false
			return f
		}
		if avail-1 >= 1 { // one line for the indicator
			f.vh, f.scroll = avail-1, true
			return f
		}
	}
	f.tooSmall = true
	return f
}

// content is the request as the operator reads it: title and risk,
// target, facts, method and path, body. Everything is wrapped, never cut:
// what is confirmed must be seen whole.
func (m Model) content(inner int) []string {
	s := m.st
	var lines []string
	add := func(l string) { lines = append(lines, text.Truncate(l, inner)) }
	title := model.SafeText(m.action.Title)
	if title == "" {
		title = model.SafeText(fmt.Sprintf("%s %s", m.action.Request.Kind, m.action.Request.Target.Name))
	}
	risk := m.action.Risk
	rs, ok := s.Risk[risk]
	if !ok {
		rs = s.Error
	}
	// Planners put what matters in the title (dates of a decommission,
	// what a change request asks for).
	riskLabel := "risk: " + risk.String()
	tl := wrapWords(title, inner)
	if last := tl[len(tl)-1]; text.Width(last)+2+len(riskLabel) <= inner {
		for _, l := range tl[:len(tl)-1] {
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
	labelled := func(label string, lw int, parts []string, st lipgloss.Style) {
		for i, part := range parts {
			if i > 0 {
				label = ""
			}
			add(s.Dim.Render(text.Fit(label, lw, false)) + st.Render(part))
		}
	}
	const lw = 9 // "Request  "
	plain := lipgloss.NewStyle()
	labelled("Target", lw, wrapWords(model.SafeText(m.target), max(inner-lw, 10)), plain)
	flw := lw
	for _, f := range m.facts {
		flw = max(flw, text.Width(model.SafeText(f.Label))+2)
	}
	for _, f := range m.facts {
		labelled(model.SafeText(f.Label), flw, wrapWords(model.SafeText(f.Value), max(inner-flw, 10)), s.Warn)
	}
	// The requests are wrapped, never cut: what is confirmed must be seen
	// whole. An action of several requests shows each, in sending order.
	reqs := m.action.Requests()
	for k, r := range reqs {
		head := "Request"
		if k > 0 {
			head = fmt.Sprintf("then %d/%d", k+1, len(reqs))
		}
		labelled(head, lw, wrapHard(model.SafeText(r.Method+" "+r.Path), max(inner-lw, 10)), s.Code)
		body := strings.TrimRight(model.SafeMultiline(string(r.Body)), "\n")
		if body == "" {
			add(s.Dim.Render(strings.Repeat(" ", lw) + "(no body)"))
			continue
		}
		for _, l := range strings.Split(body, "\n") {
			for _, part := range wrapIndented(l, max(inner-lw, 10)) {
				add(strings.Repeat(" ", lw) + s.Code.Render(part))
			}
		}
	}
	return lines
}

// wrapIndented wraps one line of a JSON body in n cells (see text.Wrap);
// continuation lines are indented two cells deeper than the line itself,
// so the structure stays readable.
func wrapIndented(l string, n int) []string {
	if text.Width(l) <= n {
		return []string{l}
	}
	lead := len(l) - len(strings.TrimLeft(l, " "))
	indent := min(lead+2, n/2)
	parts := text.Wrap(l, n, n-indent)
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.Repeat(" ", indent) + parts[i]
	}
	return parts
}

// bottom is what stays below the request: inputs, errors, buttons. Its
// length does not depend on enabled, so frame can count it.
func (m Model) bottom(inner int, compact, enabled bool) []string {
	s := m.st
	var lines []string
	add := func(l string) { lines = append(lines, text.Truncate(l, inner)) }
	gap := func() {
		if !compact {
			add("")
		}
	}
	if m.choice != nil {
		gap()
		m.choiceLines(inner, add)
	}
	if m.label != "" {
		gap()
		lw := max(9, text.Width(m.label)+2)
		m.param.Width = max(inner-lw-3, 5)
		add(s.Dim.Render(text.Fit(m.label, lw, false)) + m.param.View())
	}
	if m.action.NeedsReason {
		gap()
		m.reason.Width = max(inner-12, 5)
		add(s.Dim.Render("Reason   ") + m.reason.View())
	}
	if m.action.ConfirmText != "" {
		gap()
		for _, l := range wrapWords("Type "+model.SafeText(m.action.ConfirmText)+" to confirm:", inner) {
			add(s.Warn.Render(l))
		}
		m.typed.Width = max(inner-12, 5)
		add(s.Dim.Render("Name     ") + m.typed.View())
	}
	if len(m.fields()) > 1 && !compact {
		add(s.Dim.Render("ctrl+n/ctrl+p switch between the inputs"))
	}
	if w := m.Warning(); w != "" {
		for _, l := range wrapWords("⚠ "+model.SafeText(w), inner) {
			add(s.Warn.Render(l))
		}
	}
	if m.planErr != "" {
		// The request above is the last valid plan; Confirm refuses until
		// the input plans again.
		for _, l := range wrapWords("plan: "+model.SafeText(m.planErr)+" (cannot confirm until this is fixed)", inner) {
			add(s.Error.Render(l))
		}
	}
	if m.err != "" {
		for _, l := range wrapWords(model.SafeText(m.err), inner) {
			add(s.Error.Render(l))
		}
	}
	gap()
	cancel, confirm := s.Button.Render("  Cancel  "), s.Button.Render("  Confirm  ")
	if m.focus == focusCancel {
		cancel = s.ButtonFocused.Render("[ Cancel ]")
	} else {
		confirm = s.ButtonFocused.Render("[ Confirm ]")
	}
	if !enabled {
		// Same cells as the enabled button, so nothing moves when it
		// enables; the scroll indicator above says why.
		label := "  Confirm  "
		if m.focus == focusConfirm {
			label = "[ Confirm ]"
		}
		confirm = s.Button.Faint(true).Render(label)
	}
	add(cancel + "  " + confirm + "   " + s.Dim.Render("tab switch · enter choose · esc cancel"))
	return lines
}

// View renders the dialog box to fit within w×h, and records what it
// showed (see shown).
func (m Model) View(w, h int) string {
	s := m.st
	m.shown.w, m.shown.h = w, h
	f := m.frame(w, h)
	if f.tooSmall {
		// Nothing is recorded as seen: the request is not on screen.
		msg := s.Warn.Render("too small to show the request: enlarge the window · esc cancels")
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, text.Truncate(msg, max(w, 0)))
	}
	off := m.clamp(f, m.offset)
	if off+f.vh >= len(f.content) {
		m.shown.end = true
	}
	lines := append([]string(nil), f.content[off:off+f.vh]...)
	if f.scroll {
		pos := fmt.Sprintf("lines %d–%d of %d", off+1, off+f.vh, len(f.content))
		if m.shown.end {
			lines = append(lines, s.Dim.Render(text.Truncate(pos+" · ↑↓ pgup/pgdn home/end scroll", f.inner)))
		} else {
			how := " · ↓ scroll to the end to enable Confirm"
			if m.choice != nil && m.on == fieldChoice {
				how = " · pgdn/end: scroll to the end to enable Confirm" // ↑/↓ move the pick
			}
			lines = append(lines, s.Warn.Render(text.Truncate(pos+how, f.inner)))
		}
	}
	lines = append(lines, m.bottom(f.inner, f.compact, m.shown.end)...)
	box := s.Dialog.Width(f.inner + 2).Render(strings.Join(lines, "\n"))
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
