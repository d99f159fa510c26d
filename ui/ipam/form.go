package ipam

import (
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/styles"
)

// field is one input of a form; key is the ActionRequest param it fills
// ("" for fields the pane reads itself, like the typed confirmation).
type field struct {
	label string
	key   string
	hint  string
	in    textinput.Model
}

// form collects an action's parameters before it is planned: nothing is
// planned, let alone sent, until the operator submits it, and the plan
// then still goes through the confirmation dialog.
type form struct {
	kind     model.ActionKind
	title    string
	provider string
	target   model.Ref
	fields   []field
	focus    int
	err      string
	// must is the text the "confirm" field must equal (deassign: the CIDR).
	must string
}

func newForm(kind model.ActionKind, title, provider string, target model.Ref) *form {
	return &form{kind: kind, title: title, provider: provider, target: target}
}

func (f *form) add(label, key, value, hint string) {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 200
	in.SetValue(text.Clean(value)) // prefilled from provider data: what is shown is what is planned
	in.CursorEnd()
	f.fields = append(f.fields, field{label: label, key: key, hint: hint, in: in})
	if len(f.fields) == 1 {
		f.fields[0].in.Focus()
	}
}

// value returns the trimmed value of the field with key.
func (f *form) value(key string) string {
	for _, x := range f.fields {
		if x.key == key {
			return strings.TrimSpace(x.in.Value())
		}
	}
	return ""
}

// params returns every keyed, non-empty field.
func (f *form) params() map[string]string {
	out := map[string]string{}
	for _, x := range f.fields {
		if x.key != "" && x.key != "confirm" {
			if v := strings.TrimSpace(x.in.Value()); v != "" {
				out[x.key] = v
			}
		}
	}
	return out
}

func (f *form) setFocus(i int) {
	n := len(f.fields)
	if n == 0 {
		return
	}
	f.fields[f.focus].in.Blur()
	f.focus = (i%n + n) % n
	f.fields[f.focus].in.Focus()
}

type formOutcome int

const (
	formOpen formOutcome = iota
	formCancelled
	formSubmitted
)

// update handles one message. Submitting checks the typed confirmation.
func (f *form) update(msg tea.Msg) (formOutcome, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "esc", "ctrl+c":
			return formCancelled, nil
		case "tab", "down":
			f.setFocus(f.focus + 1)
			return formOpen, nil
		case "shift+tab", "up":
			f.setFocus(f.focus - 1)
			return formOpen, nil
		case "enter":
			if f.must != "" && f.value("confirm") != f.must {
				f.err = "type " + f.must + " exactly to confirm"
				f.setFocus(len(f.fields) - 1)
				return formOpen, nil
			}
			return formSubmitted, nil
		}
	}
	if len(f.fields) == 0 {
		return formOpen, nil
	}
	var cmd tea.Cmd
	f.fields[f.focus].in, cmd = f.fields[f.focus].in.Update(msg)
	if _, ok := msg.(tea.KeyMsg); ok {
		f.err = ""
	}
	return formOpen, cmd
}

// view renders the form as a box centred in w×h.
func (f *form) view(w, h int, st *styles.Styles) string {
	inner := min(max(w-4, 20), 90)
	labelW := 0
	for _, x := range f.fields {
		labelW = max(labelW, text.Width(x.label))
	}
	var lines []string
	lines = append(lines, st.DialogTitle.Render(text.Truncate(text.Clean(f.title), inner)), "")
	for i, x := range f.fields {
		x.in.Width = max(inner-labelW-4, 8)
		mark := "  "
		if i == f.focus {
			mark = st.Key.Render("› ")
		}
		lines = append(lines, mark+st.Dim.Render(text.Fit(x.label, labelW, false))+"  "+x.in.View())
		if x.hint != "" && i == f.focus {
			lines = append(lines, "  "+strings.Repeat(" ", labelW+2)+st.Dim.Render(text.Truncate(text.Clean(x.hint), inner-labelW-4)))
		}
	}
	if f.err != "" {
		lines = append(lines, "", st.Error.Render(text.Truncate(text.Clean(f.err), inner)))
	}
	lines = append(lines, "", st.Dim.Render("tab next field · enter plan the request (nothing is sent yet) · esc cancel"))
	box := st.Dialog.Width(inner + 2).Render(strings.Join(lines, "\n"))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}
