package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/pane"
)

// The command palette (":" by default) switches panes and sets filters
// across panes, k9s style:
//
//	:approvals :traffic …   switch to the pane (any unique prefix)
//	:provider NAME          filter provider==NAME wherever there is a PROVIDER column
//	:vlan 1140              filter vlan~=1140 (a whole VLAN tag) wherever there is a VLAN column
//	                        (connections, IPAM blocks, inventory), replacing only
//	                        an earlier vlan term: the pane's other terms stay
//	:FIELD VALUE            filter FIELD=VALUE wherever there is such a column (":state pending")
//	:clear                  drop every pane's filter
//	:q                      quit
//
// ↑ and ↓ walk the lines run before (this session); tab completes, and
// lists the candidates when several remain.
//
// It lives in the root because it spans panes; panes take part by
// implementing pane.Filterer.
type palette struct {
	input textinput.Model
	err   string
	hint  string // candidates of the last tab
	// back is how far ↑ went into the history (0: the line being typed).
	back  int
	typed string // the line being typed, kept while walking the history
}

// historyMax bounds the palette's history.
const historyMax = 50

// paletteCommands are the fixed command words (panes are added live).
var paletteCommands = []string{"provider", "vlan", "clear", "quit", "help"}

func (a *app) openPalette() tea.Cmd {
	in := textinput.New()
	in.Prompt = ":"
	in.Placeholder = "approvals · provider NAME · vlan 1140 · state pending · clear · q   (tab completes)"
	in.CharLimit = 200
	in.Width = max(a.w-4, 10)
	a.palette = &palette{input: in}
	return a.palette.input.Focus()
}

// PaletteOpen reports whether the command palette is open (tests).
func (m Model) PaletteOpen() bool { return m.a.palette != nil }

func (a *app) paletteKey(msg tea.KeyMsg) tea.Cmd {
	p := a.palette
	switch msg.String() {
	case "esc":
		a.palette = nil
		return nil
	case "enter":
		line := strings.TrimSpace(p.input.Value())
		a.remember(line)
		cmd, err := a.runCommand(line)
		if err != "" {
			p.err = err
			return nil
		}
		a.palette = nil
		return cmd
	case "tab":
		c, cands := a.complete(p.input.Value())
		if c != "" {
			p.input.SetValue(c)
			p.input.CursorEnd()
		}
		p.hint = ""
		if len(cands) > 1 {
			p.hint = strings.Join(cands, "  ")
		}
		return nil
	case "up", "down":
		a.walkHistory(msg.String() == "up")
		return nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	p.err, p.hint, p.back = "", "", 0
	return cmd
}

// walkHistory shows the previous (up) or next line run before.
func (a *app) walkHistory(up bool) {
	p := a.palette
	n := len(a.history)
	if p.back == 0 {
		p.typed = p.input.Value()
	}
	switch {
	case up && p.back < n:
		p.back++
	case !up && p.back > 0:
		p.back--
	default:
		return
	}
	line := p.typed
	if p.back > 0 {
		line = a.history[n-p.back]
	}
	p.input.SetValue(line)
	p.input.CursorEnd()
	p.err, p.hint = "", ""
}

// remember adds line to the history (not twice in a row).
func (a *app) remember(line string) {
	if line == "" || (len(a.history) > 0 && a.history[len(a.history)-1] == line) {
		return
	}
	a.history = append(a.history, line)
	if len(a.history) > historyMax {
		a.history = a.history[len(a.history)-historyMax:]
	}
}

// runCommand executes one palette line; err is shown in the palette,
// which then stays open for a correction.
func (a *app) runCommand(line string) (tea.Cmd, string) {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil, ""
	}
	word, args := strings.ToLower(fields[0]), fields[1:]
	arg := strings.Join(args, " ")
	switch word {
	case "q", "q!", "quit", "qa":
		return a.quit(), ""
	case "help", "?":
		return pane.Toast(":PANE ("+strings.Join(a.paneWords(), " ")+") · :provider NAME · :vlan N · :FIELD VALUE · :clear · :q", false), ""
	case "clear":
		var cmds []tea.Cmd
		for _, p := range a.panes {
			if f, ok := p.(pane.Filterer); ok {
				cmds = append(cmds, pane.Route(p.ID(), f.ClearFilter()))
			}
		}
		return tea.Batch(append(cmds, pane.Toast("filters cleared", false))...), ""
	case "provider":
		if arg == "" {
			return nil, "usage: provider NAME (" + strings.Join(a.sourceNames(), ", ") + ")"
		}
		name, err := a.resolveSource(arg)
		if err != "" {
			return nil, err
		}
		return a.filterAll("provider", "==", name)
	case "vlan":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 || n > 4094 || len(args) != 1 {
			return nil, fmt.Sprintf("usage: vlan N (1-4094), not %q", text.Truncate(arg, 20))
		}
		return a.filterAll("vlan", "~=", strconv.Itoa(n))
	}
	if len(args) == 0 {
		i, err := a.resolvePane(word)
		if err != "" {
			return nil, err
		}
		a.setActive(i)
		return nil, ""
	}
	cmd, err := a.filterAll(word, "=", arg)
	if err != "" {
		return nil, fmt.Sprintf("unknown command %q (:help lists them)", text.Truncate(word, 20))
	}
	return cmd, ""
}

// filterAll sets field op value in every pane that has the field and
// shows the active pane's result, or the first pane's that took it.
func (a *app) filterAll(field, op, value string) (tea.Cmd, string) {
	var cmds []tea.Cmd
	var took []string
	first := -1
	for i, p := range a.panes {
		f, ok := p.(pane.Filterer)
		if !ok {
			continue
		}
		done, q, cmd := f.FilterBy(field, op, value)
		if !done {
			continue
		}
		cmds = append(cmds, pane.Route(p.ID(), cmd))
		took = append(took, p.Title()+" /"+q)
		if first < 0 || i == a.active {
			first = i
		}
	}
	if first < 0 {
		return nil, fmt.Sprintf("no pane here can filter by %q", text.Truncate(field, 20))
	}
	a.setActive(first)
	// Say what happened: only the term on this field was replaced, each
	// pane's other terms stay (its whole filter is shown).
	cmds = append(cmds, pane.Toast(fmt.Sprintf("%s%s%s replaces any %s term, other terms kept: %s (esc clears a pane's, :clear all)",
		field, op, value, field, strings.Join(took, " · ")), false))
	return tea.Batch(cmds...), ""
}

// resolvePane finds the pane a word names: exact title or unique prefix.
func (a *app) resolvePane(word string) (int, string) {
	var hits []int
	for i, p := range a.panes {
		t := strings.ToLower(p.Title())
		if t == word {
			return i, ""
		}
		if strings.HasPrefix(t, word) {
			hits = append(hits, i)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], ""
	case 0:
		return 0, fmt.Sprintf("unknown command %q (:help lists them)", text.Truncate(word, 20))
	}
	var names []string
	for _, i := range hits {
		names = append(names, strings.ToLower(a.panes[i].Title()))
	}
	return 0, fmt.Sprintf("%q is ambiguous: %s", word, strings.Join(names, ", "))
}

// resolveSource finds a provider by exact name (any case) or unique prefix.
func (a *app) resolveSource(name string) (string, string) {
	var hits []string
	for _, s := range a.ctx.Sources {
		if strings.EqualFold(s.Name, name) {
			return s.Name, ""
		}
		if strings.HasPrefix(strings.ToLower(s.Name), strings.ToLower(name)) {
			hits = append(hits, s.Name)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], ""
	case 0:
		return "", fmt.Sprintf("no provider %q (configured: %s)", text.Truncate(name, 30), strings.Join(a.sourceNames(), ", "))
	}
	return "", fmt.Sprintf("%q is ambiguous: %s", name, strings.Join(hits, ", "))
}

// sourceNames are the configured names as shown and completed (cleaned:
// the palette writes them to the screen).
func (a *app) sourceNames() []string {
	var out []string
	for _, s := range a.ctx.Sources {
		out = append(out, text.Clean(s.Name))
	}
	return out
}

func (a *app) paneWords() []string {
	var out []string
	for _, p := range a.panes {
		out = append(out, strings.ToLower(p.Title()))
	}
	return out
}

// complete extends the line to the longest common prefix of the
// candidates (command words first, provider names after "provider ") and
// returns the candidates.
func (a *app) complete(line string) (string, []string) {
	var cands []string
	prefix, word := "", strings.ToLower(strings.TrimLeft(line, " "))
	if rest, ok := strings.CutPrefix(word, "provider "); ok {
		prefix, word = "provider ", strings.TrimSpace(rest)
		for _, n := range a.sourceNames() {
			if strings.HasPrefix(strings.ToLower(n), word) {
				cands = append(cands, n)
			}
		}
	} else {
		if strings.Contains(word, " ") {
			return "", nil
		}
		for _, c := range append(a.paneWords(), paletteCommands...) {
			if strings.HasPrefix(c, word) && !slices.Contains(cands, c) {
				cands = append(cands, c)
			}
		}
	}
	if len(cands) == 0 {
		return "", nil
	}
	common := cands[0]
	for _, c := range cands[1:] {
		for !strings.HasPrefix(strings.ToLower(c), strings.ToLower(common)) {
			common = common[:len(common)-1]
		}
	}
	if len(cands) == 1 {
		common += " "
		if prefix == "" && !slices.Contains(paletteCommands[:2], cands[0]) {
			common = cands[0] // a pane or a bare command: nothing follows
		}
	}
	return prefix + common, cands
}

// paletteView is the footer line while the palette is open.
func (a *app) paletteView() string {
	st := a.ctx.Styles
	p := a.palette
	in := p.input
	if p.err != "" || p.hint != "" {
		in.Placeholder = ""
		in.Width = min(max(text.Width(in.Value())+1, 10), max(a.w/2, 10))
		if p.err != "" {
			return text.Truncate(in.View()+"  "+st.Error.Render(text.Clean(p.err)), a.w)
		}
		return text.Truncate(in.View()+"  "+st.Dim.Render(text.Clean(p.hint)), a.w)
	}
	return text.Truncate(in.View(), a.w)
}
