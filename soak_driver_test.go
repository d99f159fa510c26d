package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/ipam"
)

// The soak's operator: a random but careful one. It runs inside the
// program's message filter, on Bubble Tea's event-loop goroutine, so it may
// read the model it is about to drive; each soakStep it receives becomes at
// most one input (a key or a resize) chosen from what is on screen.
//
// The one rule it keeps: enter is only pressed where it cannot send
// anything — with nothing captured (it opens details), in a filter, in an
// IPAM parameter form (it plans, then the dialog opens), or in the palette
// on a command that switches panes or filters. In a confirmation dialog,
// while an action prepares, and in the export prompt (whose enter, j and c
// write a file) it never is: every dialog is left with esc. The soak counts
// what reaches the runners and the simulators to prove the rule held.

// soakStep asks the driver for the next input.
type soakStep struct{}

// soakSettle stops random input: the driver closes whatever is open,
// resumes auto-refresh and leaves the program alone until soakQuit.
type soakSettle struct{}

// soakQuit presses the quit key (after closing whatever is open).
type soakQuit struct{}

// capture is what holds the keyboard right now.
type capture int

const (
	capNone      capture = iota
	capPalette           // the command palette
	capFilter            // a filter input (lists, IPAM, inventory, peers)
	capDialog            // a confirmation dialog
	capPreparing         // an action reads what it needs before its dialog
	capForm              // an IPAM action's parameter form
	capExport            // the export prompt
	capUnknown           // a pane captures keys for a reason the driver does not know
)

func (c capture) String() string {
	return [...]string{"none", "palette", "filter", "dialog", "preparing", "form", "export", "unknown"}[c]
}

// listPane is a pane built on the connection list (Connections, Approvals).
type listPane interface{ List() *connections.Model }

func captureOf(m ui.Model) capture {
	if m.PaletteOpen() {
		return capPalette
	}
	ps := m.Panes()
	if len(ps) == 0 {
		return capNone
	}
	p := ps[m.Active()]
	if !p.Capturing() {
		return capNone
	}
	switch p := p.(type) {
	case listPane:
		l := p.List()
		switch {
		case l.Flow.Dialog() != nil:
			return capDialog
		case l.Flow.Preparing() != "":
			return capPreparing
		case l.Filtering():
			return capFilter
		case l.Exporting():
			return capExport
		}
		return capUnknown
	case *ipam.Pane:
		switch {
		case p.DialogOpen():
			return capDialog
		case p.FormOpen():
			return capForm
		}
		return capFilter // the only other input of the IPAM pane
	}
	// Inventory and Traffic capture keys only for their filter inputs.
	return capFilter
}

// action is one step of an episode: it returns the input to send (nil:
// nothing this step) and whether it is finished.
type action func(d *soakDriver, m ui.Model) (tea.Msg, bool)

type soakDriver struct {
	rng      *rand.Rand
	episode  []action
	round    []string
	helpOpen bool
	settling bool
	quitting bool
	w, h     int

	// What it did, for the report and the coverage checks.
	steps, keys, resizes int
	episodes             map[string]int
	opened               map[string]int // dialogs, forms and prompts seen open
	last                 []string       // the latest inputs, for a failure report
	providers            []string       // provider names, for filters and the palette
	ixName               string
}

func newSoakDriver(seed uint64, providers []string, ixName string) *soakDriver {
	return &soakDriver{
		rng:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		episodes:  map[string]int{},
		opened:    map[string]int{},
		providers: providers,
		ixName:    ixName,
	}
}

// filter is the tea.WithFilter hook: it turns the driver's control
// messages into inputs and passes every other message through.
func (d *soakDriver) filter(tm tea.Model, msg tea.Msg) tea.Msg {
	m, ok := tm.(ui.Model)
	if !ok {
		return msg
	}
	switch msg.(type) {
	case soakStep:
		if d.settling || d.quitting {
			return d.cleanUp(m)
		}
		return d.step(m)
	case soakSettle:
		d.settling, d.episode = true, nil
		return d.cleanUp(m)
	case soakQuit:
		d.quitting = true
		if out := d.cleanUp(m); out != nil {
			return out
		}
		return d.record(keyMsg("q"))
	}
	return msg
}

// cleanUp closes one open thing per call, then resumes auto-refresh and
// restores a usual size; nil once there is nothing left to do.
func (d *soakDriver) cleanUp(m ui.Model) tea.Msg {
	switch {
	case d.helpOpen:
		d.helpOpen = false
		return d.record(keyMsg("esc"))
	case captureOf(m) != capNone:
		return d.record(keyMsg("esc"))
	case m.Hub().Paused():
		return d.record(keyMsg("space"))
	case d.w < 80 || d.h < 24:
		return d.resize(120, 40)
	}
	return nil
}

func (d *soakDriver) step(m ui.Model) tea.Msg {
	d.steps++
	for range 100 {
		if len(d.episode) == 0 {
			d.begin(m)
		}
		ep := d.episode
		out, done := ep[0](d, m)
		if done && len(d.episode) > 0 && &d.episode[0] == &ep[0] {
			d.episode = d.episode[1:]
		}
		if out != nil || !done {
			return out
		}
	}
	return nil
}

// episodeNames are drawn in rounds: every round tries each once, in a
// random order, with extra bursts of random keys and resizes in between.
var episodeNames = []string{
	"approve", "reject", "change-request", "withdraw", "decommission",
	"ipam-assign", "ipam-holding", "ipam-deassign", "ipam-swip",
	"palette", "filter", "export", "help", "detail", "refresh",
}

func (d *soakDriver) begin(m ui.Model) {
	if len(d.round) == 0 {
		d.round = append([]string(nil), episodeNames...)
		for range len(episodeNames) {
			d.round = append(d.round, "burst", "resize")
		}
		d.rng.Shuffle(len(d.round), func(i, j int) { d.round[i], d.round[j] = d.round[j], d.round[i] })
	}
	name := d.round[0]
	d.round = d.round[1:]
	d.episodes[name]++
	ep := []action{escapeAll}
	switch name {
	case "burst":
		ep = append(ep, randomKeys(5+d.rng.IntN(40)))
	case "resize":
		n := 1 + d.rng.IntN(3)
		if d.rng.IntN(5) == 0 {
			n = 10 + d.rng.IntN(30) // a storm, like dragging a window corner
		}
		for range n {
			ep = append(ep, randomResize)
		}
	case "approve":
		ep = append(ep, d.mutation("Approvals", d.providerFilter(), "a")...)
	case "reject":
		ep = append(ep, d.mutation("Approvals", d.providerFilter(), "x")...)
	case "change-request":
		ep = append(ep, d.mutation("Connections", d.ixFilter("type=p2p state==active"), "c")...)
	case "withdraw":
		ep = append(ep, d.mutation("Connections", d.ixFilter("type=p2p state==changing"), "C")...)
	case "decommission":
		f := d.ixFilter("state==active")
		if d.rng.IntN(3) == 0 {
			f = "state==active" // any provider that offers it
		}
		ep = append(ep, d.mutation("Connections", f, "D")...)
	case "ipam-assign":
		ep = append(ep, d.ipamAction("A")...)
	case "ipam-holding":
		ep = append(ep, d.ipamAction("P")...)
	case "ipam-deassign":
		ep = append(ep, d.ipamAction("D")...)
	case "ipam-swip":
		ep = append(ep, d.ipamAction("W")...)
	case "palette":
		ep = append(ep, d.palette()...)
	case "filter":
		ep = append(ep, gotoPane(d.anyPaneTitle(m)), press("/"), expect(capFilter, "filter"))
		if d.rng.IntN(2) == 0 {
			ep = append(ep, textKey(keyMsg("ctrl+u")))
		}
		ep = append(ep, d.typeText(d.filterText())...)
		if d.rng.IntN(2) == 0 {
			ep = append(ep, enterIf(capFilter))
		}
		ep = append(ep, randomKeys(d.rng.IntN(10)))
	case "export":
		ep = append(ep, gotoPane([]string{"Connections", "Approvals"}[d.rng.IntN(2)]), press("ctrl+s"),
			expect(capExport, "export"), inCapture(d.rng.IntN(4)), escapeAll)
	case "help":
		ep = append(ep, openHelp, helpKeys(d.rng.IntN(8)), closeHelp)
	case "detail":
		ep = append(ep, gotoPane([]string{"Connections", "Approvals", "Inventory", "IPAM"}[d.rng.IntN(4)]),
			cursorMoves(d.rng.IntN(6)), press("enter"), randomKeys(d.rng.IntN(15)), press("esc"))
	case "refresh":
		ep = append(ep, press([]string{"r", "space", "space"}[d.rng.IntN(3)]))
	}
	d.episode = ep
}

// mutation opens the dialog of key on a row of the pane titled title
// (after filtering with filter when not empty), plays with it and cancels.
func (d *soakDriver) mutation(title, filter, key string) []action {
	ep := []action{gotoPane(title)}
	if d.rng.IntN(4) != 0 {
		ep = append(ep, d.setFilter(filter)...)
	}
	ep = append(ep, cursorMoves(d.rng.IntN(10)), press(key), waitPrepared(400), expect(capDialog, "dialog "+key),
		maybeResize(d.rng.IntN(3) == 0), inCapture(d.rng.IntN(25)), escapeAll)
	return ep
}

// setFilter replaces the pane's filter with text (empty: clears it).
func (d *soakDriver) setFilter(text string) []action {
	ep := []action{press("/"), textKey(keyMsg("ctrl+u"))} // the input opens with the current filter
	ep = append(ep, d.typeText(text)...)
	return append(ep, enterIf(capFilter))
}

// ipamAction opens an IPAM action: its form (submitted once, which only
// plans) and then its confirmation dialog, which is cancelled.
func (d *soakDriver) ipamAction(key string) []action {
	ep := []action{gotoPane("IPAM")}
	for range d.rng.IntN(5) {
		ep = append(ep, press("v"))
	}
	ep = append(ep, cursorMoves(d.rng.IntN(8)), press(key), expect(capForm, "ipam form "+key), expect(capDialog, "ipam dialog "+key))
	if d.rng.IntN(3) != 0 {
		ep = append(ep, inCapture(d.rng.IntN(6)), enterIf(capForm), expect(capDialog, "ipam dialog "+key))
	}
	ep = append(ep, maybeResize(d.rng.IntN(3) == 0), inCapture(d.rng.IntN(20)), escapeAll)
	return ep
}

// palette types a command and runs it only when it is known harmless
// (switching panes, filtering); anything else is cancelled.
func (d *soakDriver) palette() []action {
	safe := []string{"approvals", "connections", "ipam", "inventory", "traffic", "clear", "vlan 1140", "state pending",
		"provider " + d.providers[d.rng.IntN(len(d.providers))], "help"}
	ep := []action{press(":"), expect(capPalette, "palette")}
	if d.rng.IntN(3) == 0 {
		ep = append(ep, d.typeText(d.junk(1+d.rng.IntN(12)))...)
		ep = append(ep, inCapture(d.rng.IntN(5)), escapeAll)
		return ep
	}
	ep = append(ep, d.typeText(safe[d.rng.IntN(len(safe))])...)
	if d.rng.IntN(2) == 0 {
		ep = append(ep, enterIf(capPalette))
	}
	return append(ep, escapeAll)
}

func (d *soakDriver) ixFilter(terms string) string {
	if d.ixName == "" {
		return terms
	}
	return "provider==" + d.ixName + " " + terms
}

// providerFilter is one provider's rows, or every row.
func (d *soakDriver) providerFilter() string {
	if d.rng.IntN(2) == 0 {
		return ""
	}
	return "provider==" + d.providers[d.rng.IntN(len(d.providers))]
}

func (d *soakDriver) filterText() string {
	texts := []string{"state==active", "pending", "!active", "vlan=1140", "provider==" + d.providers[d.rng.IntN(len(d.providers))],
		"name~=ams", "bw>1G", "10.0.", "status=holding", "é名🙂", "=", "!!", "a=b=c"}
	if d.rng.IntN(3) == 0 {
		return d.junk(1 + d.rng.IntN(30))
	}
	return texts[d.rng.IntN(len(texts))]
}

// junk is random printable text, some of it wide or combining.
func (d *soakDriver) junk(n int) string {
	const pool = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_=!~/.:,;'\"()[]{}<>|\\@#$%^&*+é名🙂\u0301"
	rs := []rune(pool)
	var b strings.Builder
	for range n {
		b.WriteRune(rs[d.rng.IntN(len(rs))])
	}
	return b.String()
}

// typeText types s one rune per key, or all at once as a paste.
func (d *soakDriver) typeText(s string) []action {
	if d.rng.IntN(4) == 0 {
		return []action{textKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: d.rng.IntN(2) == 0})}
	}
	var out []action
	for _, r := range s {
		out = append(out, textKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
	}
	return out
}

// rounds is how many times every episode has run.
func (d *soakDriver) rounds() int {
	n := -1
	for _, name := range episodeNames {
		if n < 0 || d.episodes[name] < n {
			n = d.episodes[name]
		}
	}
	return n
}

func (d *soakDriver) anyPaneTitle(m ui.Model) string {
	ps := m.Panes()
	return ps[d.rng.IntN(len(ps))].Title()
}

// record notes an input for the failure report.
func (d *soakDriver) record(msg tea.Msg) tea.Msg {
	var s string
	switch msg := msg.(type) {
	case tea.KeyMsg:
		d.keys++
		s = fmt.Sprintf("key %q", msg.String())
	case tea.WindowSizeMsg:
		d.resizes++
		d.w, d.h = msg.Width, msg.Height
		s = fmt.Sprintf("size %dx%d", msg.Width, msg.Height)
	}
	d.last = append(d.last, s)
	if len(d.last) > 40 {
		d.last = d.last[len(d.last)-40:]
	}
	return msg
}

func (d *soakDriver) resize(w, h int) tea.Msg {
	return d.record(tea.WindowSizeMsg{Width: w, Height: h})
}

// randomSize favours tiny and odd terminals next to the usual ones.
func (d *soakDriver) randomSize() (int, int) {
	switch d.rng.IntN(10) {
	case 0, 1, 2:
		return d.rng.IntN(13), d.rng.IntN(7)
	case 3:
		return []int{1, 300, 2}[d.rng.IntN(3)], []int{200, 1, 3}[d.rng.IntN(3)]
	case 4, 5:
		return 250 + d.rng.IntN(60), 60 + d.rng.IntN(50)
	}
	return 60 + d.rng.IntN(90), 15 + d.rng.IntN(40)
}

// ---- actions ----

// escapeAll closes whatever holds the keyboard (help included).
func escapeAll(d *soakDriver, m ui.Model) (tea.Msg, bool) {
	if d.helpOpen {
		d.helpOpen = false
		return d.record(keyMsg("esc")), false
	}
	if captureOf(m) != capNone {
		return d.record(keyMsg("esc")), false
	}
	return nil, true
}

// press sends k, but only with nothing captured (or into a filter or the
// palette, which is where an episode's typing goes).
func press(k string) action {
	return func(d *soakDriver, m ui.Model) (tea.Msg, bool) {
		if c := captureOf(m); c != capNone {
			d.episode = nil // something else opened: start over
			return nil, true
		}
		return d.record(keyMsg(k)), true
	}
}

// textKey types into a filter, form, dialog input or the palette; never
// into the export prompt (its letters write files).
func textKey(k tea.KeyMsg) action {
	return func(d *soakDriver, m ui.Model) (tea.Msg, bool) {
		switch captureOf(m) {
		case capFilter, capPalette, capForm, capDialog:
			return d.record(k), true
		}
		d.episode = nil
		return nil, true
	}
}

// enterIf presses enter only while c holds the keyboard (a filter, an IPAM
// form or the palette, never a dialog).
func enterIf(c capture) action {
	if c == capDialog || c == capExport || c == capPreparing {
		panic("soak: enter in " + c.String())
	}
	return func(d *soakDriver, m ui.Model) (tea.Msg, bool) {
		if captureOf(m) == c {
			return d.record(keyMsg("enter")), true
		}
		return nil, true
	}
}

// expect records that c is open (for the coverage report).
func expect(c capture, what string) action {
	return func(d *soakDriver, m ui.Model) (tea.Msg, bool) {
		if captureOf(m) == c {
			d.opened[what]++
		}
		return nil, true
	}
}

// waitPrepared waits up to n steps while an action reads what its dialog
// needs.
func waitPrepared(n int) action {
	return func(d *soakDriver, m ui.Model) (tea.Msg, bool) {
		if captureOf(m) != capPreparing {
			return nil, true
		}
		n--
		return nil, n <= 0
	}
}

// inCapture sends n keys fitting what holds the keyboard: typing and
// scrolling in inputs and dialogs, never enter; esc in the export prompt
// and anything unknown; nothing while an action prepares.
func inCapture(n int) action {
	return func(d *soakDriver, m ui.Model) (tea.Msg, bool) {
		if n <= 0 {
			return nil, true
		}
		n--
		if d.rng.IntN(12) == 0 {
			w, h := d.randomSize()
			return d.resize(w, h), false
		}
		switch captureOf(m) {
		case capNone:
			return nil, true
		case capPreparing:
			return nil, false
		case capExport, capUnknown:
			return d.record(keyMsg("esc")), true
		case capDialog:
			ks := []string{"up", "down", "pgup", "pgdown", "home", "end", "tab", "shift+tab", "left", "right", "h", "l", "backspace", "space"}
			if d.rng.IntN(3) == 0 {
				return d.record(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(d.junk(1 + d.rng.IntN(3)))}), false
			}
			return d.record(keyMsg(ks[d.rng.IntN(len(ks))])), false
		}
		ks := []string{"tab", "shift+tab", "up", "down", "left", "right", "backspace", "home", "end"}
		if d.rng.IntN(2) == 0 {
			return d.record(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(d.junk(1 + d.rng.IntN(4)))}), false
		}
		return d.record(keyMsg(ks[d.rng.IntN(len(ks))])), false
	}
}

// burstKeys are what an operator presses on a list: moves, panes, sorts,
// views, graph ranges; also the keys that open the filter, the
// palette, the export prompt and every dialog, which the next key then
// handles by what opened. Never q, ctrl+c or ? (quit and help are their
// own episodes, and so are r and space: at this rate they would cancel
// every fetch before it could finish).
var burstKeys = []string{
	"up", "down", "j", "k", "pgup", "pgdown", "ctrl+u", "ctrl+d", "home", "end", "left", "right", "l",
	"enter", "esc", "tab", "shift+tab", "1", "2", "3", "4", "5", "6", "s", "S", "g",
	"h", "H", "d", "w", "M", "[", "]", "f", "i", "u", "p", "m", "t", "v", "V", "y", "F",
	"/", ":", "ctrl+s", "a", "x", "c", "C", "D", "A", "P", "W",
}

// randomKeys sends n keys: burst keys with nothing captured, fitting keys
// otherwise (see inCapture).
func randomKeys(n int) action {
	inner := inCapture(1)
	return func(d *soakDriver, m ui.Model) (tea.Msg, bool) {
		if n <= 0 {
			return nil, true
		}
		n--
		if captureOf(m) != capNone {
			inner = inCapture(1)
			out, _ := inner(d, m)
			return out, false
		}
		switch d.rng.IntN(20) {
		case 0:
			w, h := d.randomSize()
			return d.resize(w, h), false
		case 1:
			// Several keys in one read (a paste, a laggy link).
			rs := []rune("jjjkkkhl123sSvVtgfium")
			n := 2 + d.rng.IntN(4)
			out := make([]rune, n)
			for i := range out {
				out[i] = rs[d.rng.IntN(len(rs))]
			}
			return d.record(tea.KeyMsg{Type: tea.KeyRunes, Runes: out}), false
		}
		return d.record(keyMsg(burstKeys[d.rng.IntN(len(burstKeys))])), false
	}
}

func randomResize(d *soakDriver, _ ui.Model) (tea.Msg, bool) {
	w, h := d.randomSize()
	return d.resize(w, h), true
}

func maybeResize(yes bool) action {
	return func(d *soakDriver, _ ui.Model) (tea.Msg, bool) {
		if !yes {
			return nil, true
		}
		w, h := d.randomSize()
		return d.resize(w, h), true
	}
}

func cursorMoves(n int) action {
	return func(d *soakDriver, m ui.Model) (tea.Msg, bool) {
		if n <= 0 || captureOf(m) != capNone {
			return nil, true
		}
		n--
		return d.record(keyMsg([]string{"down", "down", "j", "pgdown", "end", "up"}[d.rng.IntN(6)])), false
	}
}

// gotoPane switches to the pane titled title (by its number key); the
// episode ends when there is no such pane.
func gotoPane(title string) action {
	return func(d *soakDriver, m ui.Model) (tea.Msg, bool) {
		if captureOf(m) != capNone {
			d.episode = nil
			return nil, true
		}
		for i, p := range m.Panes() {
			if p.Title() == title {
				if i == m.Active() {
					return nil, true
				}
				return d.record(keyMsg(fmt.Sprint(i + 1))), true
			}
		}
		d.episode = nil
		return nil, true
	}
}

// helpKeys presses keys the help overlay swallows (all but esc, ? and
// quit), so it stays open.
func helpKeys(n int) action {
	return func(d *soakDriver, _ ui.Model) (tea.Msg, bool) {
		if n <= 0 {
			return nil, true
		}
		n--
		k := burstKeys[d.rng.IntN(len(burstKeys))]
		if k == "esc" {
			k = "j"
		}
		return d.record(keyMsg(k)), false
	}
}

func openHelp(d *soakDriver, m ui.Model) (tea.Msg, bool) {
	if captureOf(m) != capNone {
		d.episode = nil
		return nil, true
	}
	d.helpOpen = true
	d.opened["help"]++
	return d.record(keyMsg("?")), true
}

func closeHelp(d *soakDriver, _ ui.Model) (tea.Msg, bool) {
	d.helpOpen = false
	return d.record(keyMsg([]string{"esc", "?"}[d.rng.IntN(2)])), true
}

// keyMsg is the message Bubble Tea delivers for the key named k.
func keyMsg(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"ctrl+c": tea.KeyCtrlC, "ctrl+d": tea.KeyCtrlD, "ctrl+u": tea.KeyCtrlU, "ctrl+s": tea.KeyCtrlS,
		"backspace": tea.KeyBackspace,
	}
	if t, ok := named[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	if k == "space" {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}
