// Package ui is noctop's Bubble Tea program: the root model routes messages,
// lays out header, active pane, status bar and footer. The data it shows
// lives in a hub (model.Hub) outside the program, shared with other
// sessions: the root wants what its panes read, and one bridge command
// turns the hub's change notifications into messages.
package ui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/internal/errtext"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/inventory"
	"github.com/noctop/noctop/ui/ipam"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/traffic"
)

// Panes in tab order. Adding a pane: one new package and one line here.
var Panes = []pane.Factory{
	connections.New,
	connections.NewApprovals,
	ipam.New,
	inventory.New,
	traffic.New,
}

// Options configure the UI; main fills them from flags and the config.
type Options struct {
	// Hub is the shared data: refreshes, snapshots, changes, the action
	// runner (required; main builds one over the registry's sources, tests
	// a fake). The program never closes it: several sessions may share it.
	Hub       model.Hub
	Refresh   time.Duration       // the default auto-refresh interval, as shown in help (default 15s)
	ReadOnly  bool                // mutating keys unbound; pressing them says why
	Demo      bool                // show a DEMO banner
	Banner    string              // e.g. "DEMO — simulated providers on 127.0.0.1 · faults: chaos"
	AuditPath string              // shown in help and after actions
	Now       func() time.Time    // injectable clock (goldens use a fixed one)
	Keys      map[string][]string // [keys] table: action name -> keys, in every pane (see ValidateKeys)
	// PaneKeys are the [keys.<pane>] tables: pane ID -> action -> keys,
	// binding in that pane only (the same key may mean different things
	// in different panes).
	PaneKeys map[string]map[string][]string
	Logger   *slog.Logger
	// PoolThreshold: IPAM pools at or above this use (percent) are
	// highlighted and counted in the status bar (default 80).
	PoolThreshold float64
	// LowLightDBM: ports receiving less than this (dBm) are flagged in the
	// inventory (0 = model.DefaultLowLightDBM).
	LowLightDBM float64
	// Clipboard replaces the copy key's OSC 52 write (tests).
	Clipboard func(string) error
	// ExportDir is where the export key writes ("" = current directory).
	ExportDir string
	// ClockSeconds shows seconds in the header clock ([ui] clock_seconds);
	// without them the clock wakes the program once a minute.
	ClockSeconds bool
}

// ValidateKeys checks the [keys] tables for config loading: unknown
// action or pane names, empty lists, unknown key names and conflicts
// within one pane are errors (*keys.ConfigError, which names its TOML key).
func ValidateKeys(all map[string][]string, panes map[string]map[string][]string) error {
	return keys.Validate(keys.Config{All: all, Panes: panes})
}

// KeyActions lists the action names the [keys] table accepts.
func KeyActions() []string { return keys.Names() }

// toastTTL is how long a toast stays in the footer.
const toastTTL = 6 * time.Second

type toastExpiredMsg struct{ seq int }

// clockMsg re-renders at the next boundary of what the screen shows in
// time: the header clock's minute (or second, with ClockSeconds), or the
// second while the active pane counts seconds (the ages in Approvals).
// Nothing else wakes an idle dashboard. seq drops a tick superseded by a
// change of pace (a pane that counts seconds became active).
type clockMsg struct{ seq int }

// hubMsg is one wake-up of the bridge: the hub's changes since the last
// one, coalesced per resource.
type hubMsg struct{ changes []model.Change }

// bridge waits for the hub's next changes and returns them as one
// message; the root re-arms it after each. It starts no goroutine of its
// own and ends (returning nil) when the program quits or the hub closes.
func bridge(ctx context.Context, sub model.Subscription) tea.Cmd {
	return func() tea.Msg {
		cs, err := sub.Next(ctx)
		if err != nil {
			return nil
		}
		return hubMsg{changes: cs}
	}
}

// secondsCounter is a pane whose view counts seconds while it is shown.
type secondsCounter interface{ CountsSeconds() bool }

// clockPace is how often the screen's times change now.
func (a *app) clockPace() time.Duration {
	if a.opts.ClockSeconds {
		return time.Second
	}
	if a.active < len(a.panes) {
		if c, ok := a.panes[a.active].(secondsCounter); ok && c.CountsSeconds() {
			return time.Second
		}
	}
	return time.Minute
}

// clockDelay is the wait from now to the next multiple of pace (the
// moment the shown time changes), never less than a millisecond.
func clockDelay(now time.Time, pace time.Duration) time.Duration {
	d := now.Truncate(pace).Add(pace).Sub(now)
	return max(d, time.Millisecond)
}

// clockTick schedules the next clock tick at the current pace.
func (a *app) clockTick() tea.Cmd {
	a.clockSeq++
	a.clockEvery = a.clockPace()
	return a.ctx.After(clockDelay(a.opts.Now(), a.clockEvery), clockMsg{a.clockSeq})
}

// repace restarts the clock when the pace changed (after a pane switch).
func (a *app) repace() tea.Cmd {
	if a.quitting || a.clockPace() == a.clockEvery {
		return nil
	}
	return a.clockTick()
}

// clockText is the header clock.
func (a *app) clockText() string {
	if a.opts.ClockSeconds {
		return a.opts.Now().Format("15:04:05")
	}
	return a.opts.Now().Format("15:04")
}

type counts struct{ conns, pending int }

// Model is the root tea.Model. It holds a pointer so that Update can
// mutate panes in place; Bubble Tea runs Update and View on one goroutine.
type Model struct{ a *app }

type app struct {
	opts     Options
	ctx      *pane.Context
	hub      model.Hub
	root     context.Context
	stop     context.CancelFunc
	sub      model.Subscription
	wanted   []model.ResourceKey // what the panes read, in the hub's order
	releases []func()            // the Wants held while the program runs
	panes    []pane.Pane
	active   int
	w, h     int
	spin     spinner.Model
	spinning bool
	// clockSeq numbers clock ticks (a superseded one is dropped);
	// clockEvery is the pace of the pending one.
	clockSeq   int
	clockEvery time.Duration
	help       help.Model
	showHelp   bool
	toast      string
	toastErr   bool
	toastSeq   int
	counts     map[string]counts
	keyErr     error
	quitting   bool
	palette    *palette // the command palette, while open
	history    []string // lines run in the palette, oldest first
	// globalTables caches the root's binding table per key scope.
	globalTables map[keys.Scope]keys.Table
}

// New builds the UI over opts.Hub for the given sources (nil: the hub's).
// Nothing is fetched until Init.
func New(opts Options, sources []model.Source) Model {
	if opts.Hub == nil {
		panic("ui.New: Options.Hub is nil")
	}
	if sources == nil {
		sources = opts.Hub.Sources()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Refresh <= 0 {
		opts.Refresh = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	km, err := keys.New(keys.Config{All: opts.Keys, Panes: opts.PaneKeys})
	if err != nil {
		// main validates first; if it did not, fall back to defaults and say so.
		km = keys.Default()
	}
	st := styles.New(styles.DefaultTheme())
	a := &app{opts: opts, counts: map[string]counts{}, keyErr: err}
	a.hub = opts.Hub
	a.root, a.stop = context.WithCancel(context.Background())
	a.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Info))
	a.help = help.New()
	a.help.Styles.ShortKey = st.Key
	a.help.Styles.FullKey = st.Key
	a.help.Styles.ShortDesc = st.Dim
	a.help.Styles.FullDesc = st.Dim
	a.ctx = &pane.Context{
		Sources: sources, Hub: a.hub, Root: a.root, Refresh: opts.Refresh, Keys: km, Styles: st, Now: opts.Now,
		ReadOnly: opts.ReadOnly, AuditPath: opts.AuditPath, Logger: opts.Logger,
		Spinner:       func() string { return a.spin.View() },
		PoolThreshold: opts.PoolThreshold,
		LowLightDBM:   opts.LowLightDBM,
		Copy:          opts.Clipboard,
		ExportDir:     opts.ExportDir,
	}
	for _, f := range Panes {
		p := f(a.ctx)
		if p == nil {
			continue // no configured source has what this pane shows
		}
		a.panes = append(a.panes, p)
		for _, k := range p.Resources() {
			if !slices.Contains(a.wanted, k) {
				a.wanted = append(a.wanted, k)
			}
		}
	}
	return Model{a: a}
}

// Hub is the hub the UI reads (tests).
func (m Model) Hub() model.Hub { return m.a.hub }

// Context is cancelled when the program quits (tests).
func (m Model) Context() context.Context { return m.a.root }

// Panes returns the live panes in tab order (tests).
func (m Model) Panes() []pane.Pane { return m.a.panes }

// Active is the index of the active pane.
func (m Model) Active() int { return m.a.active }

// Init wants every resource the panes read from the hub (the hub fetches
// what it does not hold yet) and starts the bridge.
func (m Model) Init() tea.Cmd {
	a := m.a
	// Subscribe before wanting: the first loads' changes must not be missed.
	if a.sub == nil && a.root.Err() == nil {
		a.sub = a.hub.Subscribe()
		for _, k := range a.wanted {
			if release, ok := pane.Want(a.hub, k); ok {
				a.releases = append(a.releases, release)
			}
		}
	}
	// The alt screen is requested here too, so any caller gets a restored
	// terminal on quit (Bubble Tea leaves it on exit).
	cmds := []tea.Cmd{tea.EnterAltScreen, a.startSpin(), a.clockTick()}
	if a.sub != nil {
		cmds = append(cmds, bridge(a.root, a.sub))
	}
	for _, k := range a.wanted {
		if st, ok := a.hub.Status(k); ok && st.HasData {
			// Another session loaded it already: the panes show it now.
			a.recount(k.Provider)
			cmds = append(cmds, a.broadcast(pane.ChangedMsg{Key: k, DataChanged: true}))
		}
	}
	for _, p := range a.panes {
		cmds = append(cmds, pane.Route(p.ID(), p.Init()))
	}
	if a.keyErr != nil {
		cmds = append(cmds, pane.Toast("config [keys]: "+a.keyErr.Error()+"; using defaults", true))
	}
	return tea.Batch(cmds...)
}

func (a *app) startSpin() tea.Cmd {
	if a.spinning {
		return nil
	}
	a.spinning = true
	return a.spin.Tick
}

// Update routes one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	a := m.a
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		a.layout()
		return m, nil
	case tea.KeyMsg:
		cmd := a.keys(msg)
		if a.busy() {
			// An action started: keep the spinner turning while it runs.
			cmd = tea.Batch(cmd, a.startSpin())
		}
		return m, tea.Batch(cmd, a.repace())
	case hubMsg:
		if a.quitting {
			return m, nil
		}
		cmds := []tea.Cmd{bridge(a.root, a.sub)}
		for _, c := range msg.changes {
			if !slices.Contains(a.wanted, c.Key) {
				continue // a resource no pane here reads
			}
			if c.DataChanged {
				a.recount(c.Key.Provider)
			}
			cmds = append(cmds, a.broadcast(pane.ChangedMsg{Key: c.Key, DataChanged: c.DataChanged}))
		}
		if a.loading() {
			cmds = append(cmds, a.startSpin())
		}
		return m, tea.Batch(cmds...)
	case pane.ChangedMsg:
		// One change told directly (tests); the bridge's come as hubMsg.
		if msg.DataChanged {
			a.recount(msg.Key.Provider)
		}
		return m, a.broadcast(msg)
	case spinner.TickMsg:
		busy := a.loading()
		if !busy && !a.busy() {
			a.spinning = false
			return m, nil
		}
		var cmd tea.Cmd
		a.spin, cmd = a.spin.Update(msg)
		return m, cmd
	case pane.ToastMsg:
		a.toastSeq++
		a.toast, a.toastErr = msg.Text, msg.Err
		seq := a.toastSeq
		return m, a.ctx.After(toastTTL, toastExpiredMsg{seq})
	case clockMsg:
		if a.quitting || msg.seq != a.clockSeq {
			return m, nil
		}
		return m, a.clockTick()
	case toastExpiredMsg:
		if msg.seq == a.toastSeq {
			a.toast = ""
		}
		return m, nil
	case pane.ShowMsg:
		i := a.index(msg.Pane)
		if i < 0 {
			return m, pane.Toast("no "+string(msg.Pane)+" pane here", true)
		}
		a.setActive(i)
		if msg.Msg == nil {
			return m, a.repace()
		}
		return m, tea.Batch(a.deliver(i, msg.Msg), a.repace())
	case pane.Routed:
		if i := a.index(msg.To); i >= 0 {
			return m, a.deliver(i, msg.Msg)
		}
		return m, nil
	case pane.RefreshMsg:
		return m, a.refresh(msg.Provider)
	}
	if a.palette != nil {
		// Cursor blinks and the like for the palette's input.
		var cmd tea.Cmd
		a.palette.input, cmd = a.palette.input.Update(msg)
		return m, cmd
	}
	// Anything else unaddressed (a stray blink) is for the active pane.
	if len(a.panes) > 0 {
		return m, a.deliver(a.active, msg)
	}
	return m, nil
}

// loading reports whether the hub fetches anything this session reads.
func (a *app) loading() bool {
	for _, k := range a.wanted {
		if st, ok := a.hub.Status(k); ok && st.Loading {
			return true
		}
	}
	return false
}

func (a *app) busy() bool {
	for _, p := range a.panes {
		if b, ok := p.(pane.Busy); ok && b.Busy() {
			return true
		}
	}
	return false
}

// index is the position of pane id, -1 when there is none.
func (a *app) index(id pane.ID) int {
	for i, p := range a.panes {
		if p.ID() == id {
			return i
		}
	}
	return -1
}

// deliver gives msg to pane i; what its commands return comes back to it
// alone (pane.Route).
func (a *app) deliver(i int, msg tea.Msg) tea.Cmd {
	np, cmd := a.panes[i].Update(msg)
	a.panes[i] = np
	return pane.Route(np.ID(), cmd)
}

// broadcast sends a shared-data change (pane.ChangedMsg, RefreshMsg) to
// every pane: the only messages every pane hears.
func (a *app) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for i := range a.panes {
		cmds = append(cmds, a.deliver(i, msg))
	}
	return tea.Batch(cmds...)
}

// refresh asks the hub to fetch provider's resources ("" = all) now; a
// fetch already in flight is not started twice (the hub queues one
// follow-up). What changes arrives through the bridge.
func (a *app) refresh(provider string) tea.Cmd {
	asked := false
	for _, k := range a.wanted {
		if provider == "" || k.Provider == provider {
			asked = true
			break
		}
	}
	if !asked {
		return nil
	}
	a.hub.Refresh(provider)
	return a.startSpin()
}

// textFocused reports whether keystrokes are text right now: the palette,
// or a text input of the active pane.
func (a *app) textFocused() bool {
	switch {
	case a.palette != nil:
		return true
	case a.showHelp || len(a.panes) == 0:
		return false
	}
	p := a.panes[a.active]
	if tf, ok := p.(pane.TextFocuser); ok {
		return tf.TextFocused()
	}
	return p.Capturing()
}

// modal reports whether something other than navigation holds the keys
// (help, the palette, a pane's dialog, prompt or input).
func (a *app) modal() bool {
	return a.showHelp || a.palette != nil || (len(a.panes) > 0 && a.panes[a.active].Capturing())
}

// keys is the one place key messages enter the app. Several keys typed
// faster than the terminal is read (a laggy SSH link, tmux send-keys)
// arrive as one message of several runes, which matches no binding: unless
// a text input has focus, they are split and handled one by one, in
// order. Once a text input has focus the rest is typed into it. When a key
// opens something modal that takes no text (a confirmation dialog, the
// export prompt, help), the rest is dropped: keys pressed before a dialog
// appeared never act on it. Pasted text (bracketed paste) only ever goes to
// a text input, never acts as keys.
func (a *app) keys(msg tea.KeyMsg) tea.Cmd {
	if msg.Paste {
		if a.textFocused() {
			return a.key(msg)
		}
		return nil
	}
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Alt || a.textFocused() {
		return a.key(msg)
	}
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		wasModal := a.modal()
		cmds = append(cmds, a.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
		rest := msg.Runes[i+1:]
		if a.quitting || len(rest) == 0 {
			break
		}
		if a.textFocused() {
			cmds = append(cmds, a.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: rest}))
			break
		}
		if !wasModal && a.modal() {
			a.opts.Logger.Debug("keys typed ahead of a dialog dropped", "count", len(rest))
			break
		}
	}
	return tea.Batch(cmds...)
}

// key handles one key: the help overlay's, the palette's, an open
// dialog's (the pane captures), then the root's binding table, then the
// active pane's (it dispatches through its own table).
func (a *app) key(msg tea.KeyMsg) tea.Cmd {
	km := a.keymap()
	if msg.String() == "ctrl+c" {
		return a.quit()
	}
	if a.showHelp {
		// The overlay is a dialog scope of its own: close it or quit.
		closeHelp := func() tea.Cmd { a.showHelp = false; return nil }
		t := keys.Table{Scope: keys.Dialog, Bindings: []keys.Binding{
			{Action: "help", Key: km.Help, Run: closeHelp}, {Action: "back", Key: km.Back, Run: closeHelp}, {Action: "quit", Key: km.Quit, Run: a.quit}}}
		cmd, _ := pane.Dispatch(t, msg)
		return cmd
	}
	if a.palette != nil {
		return a.paletteKey(msg)
	}
	if a.panes[a.active].Capturing() {
		return a.deliver(a.active, msg)
	}
	if cmd, handled := pane.Dispatch(a.globalKeys(), msg); handled {
		return cmd
	}
	return a.deliver(a.active, msg)
}

// keymap is the key map of the active pane's scope: the root's actions
// may be rebound per pane too.
func (a *app) keymap() *keys.Map {
	if len(a.panes) == 0 {
		return a.ctx.Keys
	}
	return a.ctx.Keys.For(keys.Scope(a.panes[a.active].ID()))
}

// globalKeys is the root's binding table (one per scope: the root's keys
// may be rebound per pane), built once; handlers read the state when run.
func (a *app) globalKeys() keys.Table {
	km := a.keymap()
	if t, ok := a.globalTables[km.Scope()]; ok {
		return t
	}
	t := a.buildGlobalKeys(km)
	if a.globalTables == nil {
		a.globalTables = map[keys.Scope]keys.Table{}
	}
	a.globalTables[km.Scope()] = t
	return t
}

func (a *app) buildGlobalKeys(km *keys.Map) keys.Table {
	g := func(action string, k key.Binding, run func() tea.Cmd) keys.Binding {
		return keys.Binding{Action: action, Key: k, Run: run, Show: keys.Help}
	}
	var paneKeys []string
	for _, b := range km.Pane {
		paneKeys = append(paneKeys, b.Keys()...)
	}
	jump := key.NewBinding(key.WithKeys(paneKeys...), key.WithHelp(km.Pane[0].Help().Key+"…"+km.Pane[8].Help().Key, "jump to pane"))
	t := keys.Table{Scope: keys.Global, Bindings: []keys.Binding{
		g("next_pane", km.NextPane, func() tea.Cmd { a.setActive((a.active + 1) % len(a.panes)); return nil }),
		g("prev_pane", km.PrevPane, func() tea.Cmd { a.setActive((a.active + len(a.panes) - 1) % len(a.panes)); return nil }),
		{Key: jump, Show: keys.Help},
		g("command", km.Command, a.openPalette),
		g("refresh", km.Refresh, func() tea.Cmd {
			// Panes that fetch outside the shared state (Traffic) hear it too.
			return tea.Batch(a.refresh(""), a.broadcast(pane.RefreshMsg{}), pane.Toast("refreshing all providers…", false))
		}),
		g("pause", km.Pause, func() tea.Cmd {
			paused := !a.hub.Paused()
			a.hub.SetPaused(paused)
			if paused {
				return pane.Toast("auto-refresh paused (space resumes; r still refreshes)", false)
			}
			return tea.Batch(a.startSpin(), pane.Toast("auto-refresh resumed", false))
		}),
		g("help", km.Help, func() tea.Cmd { a.showHelp = true; return nil }),
		g("quit", km.Quit, a.quit),
	}}
	for i := range km.Pane {
		t.Bindings = append(t.Bindings, keys.Binding{Action: fmt.Sprintf("pane_%d", i+1), Key: km.Pane[i], Run: func() tea.Cmd {
			if i < len(a.panes) {
				a.setActive(i)
			}
			return nil
		}})
	}
	for i := range t.Bindings {
		t.Bindings[i].Group = 9
	}
	return t
}

func (a *app) setActive(i int) {
	a.active = i
	a.layout()
}

// quit ends this session: its Wants are released, its subscription is
// closed and its commands and timers end. The hub stays (its owner closes
// it; other sessions may read it).
func (a *app) quit() tea.Cmd {
	a.quitting = true
	a.close()
	return tea.Quit
}

func (a *app) close() {
	for _, release := range a.releases {
		release()
	}
	a.releases = nil
	if a.sub != nil {
		a.sub.Close()
	}
	a.stop()
}

// recount updates the status bar counts of provider.
// The hub counted them when the listing arrived (model.Summary), so no
// pass over the rows runs on the Update goroutine.
func (a *app) recount(provider string) {
	if p, ok := a.hub.Summary().Provider(provider); ok && p.HasConnections {
		a.counts[provider] = counts{conns: p.Connections, pending: p.WaitingOnUs}
	}
}

// Layout: header, pane, status bar, footer; fewer lines on tiny terminals.
func (a *app) rows() (header, body, status, footer int) {
	switch {
	case a.h >= 6:
		return 1, a.h - 3, 1, 1
	case a.h >= 3:
		return 1, a.h - 2, 1, 0
	case a.h >= 1:
		return 1, 0, 0, 0
	}
	return 0, 0, 0, 0
}

func (a *app) layout() {
	_, body, _, _ := a.rows()
	for _, p := range a.panes {
		p.SetSize(a.w, body)
	}
}

// View renders the whole screen, exactly w×h.
func (m Model) View() string {
	a := m.a
	if a.quitting || a.w <= 0 || a.h <= 0 {
		return ""
	}
	hr, br, sr, fr := a.rows()
	parts := make([]string, 0, 4)
	if hr > 0 {
		parts = append(parts, a.headerView())
	}
	if br > 0 {
		var body string
		if a.showHelp {
			body = a.helpView(br)
		} else {
			body = a.panes[a.active].View()
		}
		parts = append(parts, text.Block(body, a.w, br))
	}
	if sr > 0 {
		parts = append(parts, a.statusView())
	}
	if fr > 0 {
		parts = append(parts, a.footerView())
	}
	return text.Block(strings.Join(parts, "\n"), a.w, a.h)
}

// tabStep is one way of drawing the tabs, from roomiest to tightest.
type tabStep struct {
	inactive, active int  // title form: 0 full, 1 short, 2 one letter
	tight            bool // one space between tabs, no padding
	noName           bool // "noctop" left out
	noClock          bool
}

// tabSteps degrade the header until it fits: titles are abbreviated
// (others first, then the active one), spacing and the app name go, then
// titles shrink to one letter; the clock goes last. Badges and READ-ONLY/PAUSED always stay. At 80 columns
// five tabs and the clock fit.
var tabSteps = []tabStep{
	{}, {inactive: 1}, {inactive: 1, active: 1}, {inactive: 1, active: 1, tight: true},
	{inactive: 1, active: 1, tight: true, noName: true},
	{inactive: 2, active: 1, tight: true, noName: true},
	{inactive: 2, active: 2, tight: true, noName: true},
	{inactive: 2, active: 2, tight: true, noName: true, noClock: true},
}

// shortTitles are the abbreviations of the tab titles; others are cut to
// four letters.
var shortTitles = map[string]string{"Connections": "Conns", "Approvals": "Appr", "Inventory": "Inv", "Traffic": "Traf"}

func tabTitle(title string, form int) string {
	switch form {
	case 0:
		return title
	case 1:
		if s, ok := shortTitles[title]; ok {
			return s
		}
		if r := []rune(title); len(r) > 5 {
			return string(r[:4])
		}
		return title
	}
	if r := []rune(title); len(r) > 0 {
		return string(r[:1])
	}
	return title
}

func (a *app) tabs(step tabStep) string {
	st := a.ctx.Styles
	var b strings.Builder
	if !step.noName {
		b.WriteString(st.AppName.Render("noctop"))
	}
	for i, p := range a.panes {
		form := step.inactive
		if i == a.active {
			form = step.active
		}
		label := fmt.Sprintf("%d %s", i+1, tabTitle(p.Title(), form))
		if bd := p.Badge(); bd != "" {
			label += " " + bd
		}
		if b.Len() > 0 {
			if step.tight {
				b.WriteString(" ")
			} else {
				b.WriteString("  ")
			}
		}
		switch {
		case i == a.active:
			b.WriteString(st.TabActive.Render("[" + label + "]"))
		case step.tight:
			b.WriteString(st.TabInactive.Render(label))
		default:
			b.WriteString(st.TabInactive.Render(" " + label + " "))
		}
	}
	return b.String()
}

func (a *app) headerView() string {
	st := a.ctx.Styles
	// READ-ONLY and PAUSED change what keys do: they always show.
	var marks []string
	if a.opts.ReadOnly {
		marks = append(marks, st.ReadOnly.Render("READ-ONLY"))
	}
	if a.hub.Paused() {
		marks = append(marks, st.Paused.Render("PAUSED"))
	}
	clock := st.Dim.Render(a.clockText())
	banner := ""
	if a.opts.Demo {
		banner = a.opts.Banner
		if banner == "" {
			banner = "DEMO — simulated providers"
		}
	}
	for i, step := range tabSteps {
		l := a.tabs(step)
		right := append([]string(nil), marks...)
		if !step.noClock {
			right = append(right, clock)
		}
		r := strings.Join(right, "  ")
		minGap := 2
		if step.tight {
			minGap = 1
		}
		lw, rw := text.Width(l), text.Width(r)
		if lw+minGap+rw > a.w && i < len(tabSteps)-1 {
			continue
		}
		// The demo banner takes what is left: whole, cut, or just "DEMO".
		if room := a.w - lw - minGap - rw - 2; banner != "" {
			if rw == 0 {
				room += 2
			}
			var bs string
			switch {
			case room >= text.Width(banner)+2:
				bs = " " + banner + " "
			case room >= 10:
				bs = " " + text.Truncate(banner, room-2) + " "
			case room >= 4:
				bs = "DEMO"
			}
			if bs != "" && rw > 0 {
				r = st.Banner.Render(bs) + "  " + r
			} else if bs != "" {
				r = st.Banner.Render(bs)
			}
			rw = text.Width(r)
		}
		gap := a.w - lw - rw
		if gap < 1 {
			return text.Truncate(l+" "+r, a.w)
		}
		return l + strings.Repeat(" ", gap) + r
	}
	return ""
}

// statusPart is one provider in the status bar, in every form it can
// take: the bar uses the roomiest form that fits all providers.
type statusPart struct {
	name    string
	health  string // styled: "● ok", "rate limited until …", "✗ HTTP 503 …"
	symbol  string // styled, one cell: ● ✗ ! ◷ · or the spinner
	conns   string // styled " · 300 conns", "" when not known
	pending string // styled " · 34 pending"
	pendN   int
	resync  string   // styled " · full resync in 4m" (incremental listings), "" otherwise
	notes   []string // styled notes from panes (IPAM pools over threshold …)
}

// statusForm is how much of each provider the bar shows.
type statusForm struct {
	health   bool // the health in words (else one symbol)
	conns    bool // "· 300 conns"
	zero     bool // "· 0 pending" (else only when some are pending)
	longPend bool // "· 10 pending" (else "10p")
	resync   bool // "· full resync in 4m"
	notes    bool // notes from panes
	truncate bool // names cut to nameW cells
}

// statusForms, roomiest first: the bar uses the first that fits every
// provider, then truncates names.
var statusForms = []statusForm{
	{health: true, conns: true, zero: true, longPend: true, resync: true, notes: true},
	{health: true, zero: true, longPend: true, resync: true, notes: true},
	{health: true, longPend: true, notes: true},
	{longPend: true, notes: true},
	{notes: true},
	{},
}

func (p statusPart) render(f statusForm, st *styles.Styles, nameW int) string {
	name := model.SafeText(p.name)
	if f.truncate {
		if r := []rune(name); nameW <= 2 && len(r) > nameW {
			name = string(r[:max(nameW, 1)]) // an initial says more than "…"
		} else {
			name = text.Truncate(name, nameW)
		}
	}
	out := st.Bold.Render(name)
	if f.health {
		out += " " + p.health
	} else {
		out += " " + p.symbol
	}
	if f.conns {
		out += p.conns
	}
	switch {
	case p.pending == "":
	case f.longPend && (p.pendN > 0 || f.zero):
		out += p.pending
	case p.pendN > 0:
		out += st.Warn.Render(fmt.Sprintf(" %dp", p.pendN))
	}
	if f.resync {
		out += p.resync
	}
	if f.notes {
		for _, n := range p.notes {
			out += st.Dim.Render(" · ") + n
		}
	}
	return out
}

func (a *app) statusView() string {
	st := a.ctx.Styles
	if len(a.ctx.Sources) == 0 {
		return st.Dim.Render("no providers configured")
	}
	parts := make([]statusPart, 0, len(a.ctx.Sources))
	for _, s := range a.ctx.Sources {
		parts = append(parts, a.providerStatus(s.Name))
	}
	sep := st.Dim.Render(" │ ")
	join := func(f statusForm, nameW []int) string {
		f.truncate = nameW != nil
		out := make([]string, len(parts))
		for i, p := range parts {
			w := 0
			if nameW != nil {
				w = nameW[i]
			}
			out[i] = p.render(f, st, w)
		}
		return strings.Join(out, sep)
	}
	for _, f := range statusForms {
		if s := join(f, nil); text.Width(s) <= a.w {
			return s
		}
	}
	// Names share what is left after symbols, counts and separators; when
	// that leaves them less than a few cells, the separators shrink too.
	share := func(sep string) []int {
		avail := a.w - text.Width(sep)*(len(parts)-1)
		widths := make([]int, len(parts))
		for i, p := range parts {
			avail -= text.Width(p.render(statusForm{truncate: true}, st, 1)) - 1 // all but a one-cell name
			widths[i] = text.Width(model.SafeText(p.name))
		}
		return shareWidth(widths, avail)
	}
	nameW := share(sep)
	if slices.Min(nameW) < 4 {
		sep = st.Dim.Render("│")
		nameW = share(sep)
	}
	return text.Truncate(join(statusForm{}, nameW), a.w)
}

// shareWidth divides avail cells among items wanting want[i] each: no item
// gets more than it wants, the rest share equally (at least one cell).
func shareWidth(want []int, avail int) []int {
	got := make([]int, len(want))
	left := len(want)
	done := make([]bool, len(want))
	for changed := true; changed && left > 0; {
		changed = false
		share := avail / left
		for i, w := range want {
			if !done[i] && w <= share {
				got[i], done[i] = w, true
				avail -= w
				left--
				changed = true
			}
		}
	}
	if left > 0 {
		share := max(avail/left, 1)
		for i := range want {
			if !done[i] {
				got[i] = share
			}
		}
	}
	return got
}

// clockAt words a time for the status bar: the time of day today, with
// the date otherwise ("Dec 11 03:28").
func clockAt(t, now time.Time, todayLayout string) string {
	t = t.In(now.Location())
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format(todayLayout)
	}
	return t.Format("Jan 2 15:04")
}

// providerStatus is one provider's health and counts.
func (a *app) providerStatus(name string) statusPart {
	st := a.ctx.Styles
	now := a.opts.Now()
	p := statusPart{name: name}
	var worst, limited *model.Status
	var partial *model.Incomplete // what the data shown lacks
	loading, loaded := false, false
	pages := ""
	for _, k := range a.wanted {
		if k.Provider != name {
			continue
		}
		e, ok := a.hub.Status(k)
		if !ok {
			continue
		}
		if e.Loading {
			loading = true
			if e.Total > 0 {
				pages = fmt.Sprintf(" %d/%d", e.Done, e.Total)
			}
		}
		if e.HasData {
			loaded = true
		}
		if e.Err != nil && worst == nil {
			w := e // copied only when kept: a healthy bar allocates nothing
			worst = &w
		}
		if e.Err != nil && isRate(e.Err) && !e.RetryAt.IsZero() && (limited == nil || e.RetryAt.After(limited.RetryAt)) {
			l := e
			limited = &l
		}
		if partial == nil && e.Warning != nil {
			partial = pane.IncompleteOf(e.Warning)
		}
	}
	switch {
	case limited != nil:
		// When auto-refresh resumes: the store waits at least Retry-After,
		// longer when its backoff says so.
		resumes := "auto-refresh resumes then"
		switch {
		case a.hub.Paused():
			resumes = "auto-refresh paused"
		case limited.NextAt.Sub(limited.RetryAt) >= time.Second:
			resumes = "auto-refresh resumes " + clockAt(limited.NextAt, now, "15:04:05")
		}
		p.health = st.Warn.Render("rate limited until " + clockAt(limited.RetryAt, now, "15:04:05") + " · " + resumes)
		p.symbol = st.Warn.Render("◷")
	case worst != nil && isUnauthorized(worst.Err):
		p.health, p.symbol = st.Error.Render("✗ unauthorized"), st.Error.Render("✗")
	case worst != nil && worst.HasData:
		p.health = st.Warn.Render(fmt.Sprintf("stale since %s: %s", clockAt(worst.FetchedAt, now, "15:04"), shortErr(worst.Err, name)))
		p.symbol = st.Warn.Render("!")
	case worst != nil:
		p.health, p.symbol = st.Error.Render("✗ "+shortErr(worst.Err, name)), st.Error.Render("✗")
	case partial != nil:
		p.health, p.symbol = st.Warn.Render("⚠ "+shortErr(partial, name)), st.Warn.Render("⚠")
	case loading && !loaded:
		p.health, p.symbol = st.Info.Render(a.spin.View()+" loading…"+pages), st.Info.Render(a.spin.View())
	case loading:
		p.health, p.symbol = st.Info.Render(a.spin.View()+" refreshing…"), st.Info.Render(a.spin.View())
	case loaded:
		p.health, p.symbol = st.Good.Render("● ok"), st.Good.Render("●")
	default:
		p.health, p.symbol = st.Dim.Render("idle"), st.Dim.Render("·")
	}
	if (worst != nil || limited != nil) && loading {
		p.health += st.Info.Render(" (retrying…)")
	}
	src, _ := a.ctx.Source(name)
	if c, ok := a.counts[name]; ok && loaded && src.Connections != nil {
		p.conns = st.Dim.Render(fmt.Sprintf(" · %d conns", c.conns))
		p.pendN = c.pending
		if c.pending > 0 {
			p.pending = " · " + st.Warn.Render(fmt.Sprintf("%d pending", c.pending))
		} else {
			p.pending = st.Dim.Render(" · 0 pending")
		}
	}
	// A listing refreshed incrementally (only what changed) says when it
	// is next fetched whole: deletions show only then.
	if s, ok := a.ctx.StatusOf(pane.Key(name, pane.ResConnections)); ok && s.HasData && !s.NextFullAt.IsZero() && slices.Contains(a.wanted, pane.Key(name, pane.ResConnections)) {
		p.resync = st.Dim.Render(" · full resync " + untilText(s.NextFullAt.Sub(now)))
	}
	// A provider that refuses mutations on its own (read_only in its
	// config) says so; the global switch is in the header.
	if src.ReadOnly && !a.opts.ReadOnly {
		p.notes = append(p.notes, st.ReadOnly.Render("read-only"))
	}
	// Panes may add a provider-specific note (IPAM: pools over threshold).
	for _, pn := range a.panes {
		if ps, ok := pn.(pane.ProviderStatuser); ok {
			if s := ps.ProviderStatus(name); s != "" {
				p.notes = append(p.notes, s)
			}
		}
	}
	return p
}

// untilText words how long until something is due, in whole minutes
// (rounded up: the status bar redraws once a minute): "in 4m", "in 1h05m",
// "in <1m", "due".
func untilText(d time.Duration) string {
	switch {
	case d <= 0:
		return "due"
	case d < time.Minute:
		return "in <1m"
	}
	m := int((d + time.Minute - 1) / time.Minute)
	if m < 60 {
		return fmt.Sprintf("in %dm", m)
	}
	return fmt.Sprintf("in %dh%02dm", m/60, m%60)
}

func shortErr(err error, provider string) string {
	return text.Truncate(errtext.Short(err, provider), 50)
}

func (a *app) footerView() string {
	st := a.ctx.Styles
	if a.palette != nil {
		return a.paletteView()
	}
	if a.toast != "" {
		s := st.Toast
		if a.toastErr {
			s = st.ToastErr
		}
		return s.Render(text.Truncate(text.Clean(a.toast), a.w))
	}
	km := a.keymap()
	bindings := a.panes[a.active].Keys().ShortHelp(a.w)
	if !a.panes[a.active].Capturing() {
		bindings = append(bindings, km.Help, km.Quit)
	}
	h := a.help
	h.Width = a.w
	return h.ShortHelpView(bindings)
}

func (a *app) helpView(height int) string {
	st := a.ctx.Styles
	p := a.panes[a.active]
	t := p.Keys()
	groups := append(t.FullHelp(), a.globalKeys().FullHelp()...)
	h := a.help
	h.Width = max(a.w-6, 10)
	var b strings.Builder
	b.WriteString(st.DialogTitle.Render("Keys — " + p.Title()))
	b.WriteString("\n\n")
	b.WriteString(h.FullHelpView(groups))
	b.WriteString("\n\n")
	b.WriteString(st.Dim.Render("Filter: text  field=value  field==exact  field~=word  !negate  (terms ANDed; fields: column names or prefixes)"))
	b.WriteString("\n" + st.Dim.Render("Status bar, when narrow: ● ok  ! stale  ✗ failing  ◷ rate limited  5p = 5 pending"))
	// What the pane's mutating keys do, or why they are off: read from
	// the same table as the keys above.
	wrapped := func(s string, style lipgloss.Style) {
		// The box is at most the screen: a long note wraps, never cut.
		for _, l := range text.Wrap(s, max(a.w-10, 20), max(a.w-12, 18)) {
			b.WriteString("\n" + style.Render(strings.TrimRight(l, " ")))
		}
	}
	switch note := t.Note(); {
	case strings.Contains(note, "read-only"):
		wrapped(note, st.ReadOnly)
	case note != "":
		wrapped(note, st.Dim)
	case a.opts.ReadOnly:
		wrapped("read-only mode (--read-only): every key that changes something is off", st.ReadOnly)
	}
	if a.opts.AuditPath != "" {
		b.WriteString("\n" + st.Dim.Render("audit: "+a.opts.AuditPath))
	}
	b.WriteString("\n" + st.Dim.Render(fmt.Sprintf("auto-refresh every %s · esc or ? closes", a.opts.Refresh)))
	box := st.HelpBox.Render(b.String())
	return lipgloss.Place(a.w, height, lipgloss.Center, lipgloss.Center, box)
}
