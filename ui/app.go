// Package ui is noctop's Bubble Tea program: the root model routes messages,
// lays out header, active pane, status bar and footer, and owns the shared
// state (one entry per provider and resource) that panes read.
package ui

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/approvals"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/conns"
	"github.com/noctop/noctop/ui/internal/errtext"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/inventory"
	"github.com/noctop/noctop/ui/ipam"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/state"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/traffic"
)

// Panes in tab order. Adding a pane: one new package and one line here.
var Panes = []pane.Factory{
	connections.New,
	approvals.New,
	ipam.New,
	inventory.New,
	traffic.New,
}

// Options configure the UI; main fills them from flags and the config.
type Options struct {
	Refresh   time.Duration       // per-provider auto-refresh interval (default 15s)
	ReadOnly  bool                // mutating keys unbound; pressing them says why
	Demo      bool                // show a DEMO banner
	Banner    string              // e.g. "DEMO — simulated providers on 127.0.0.1 · faults: chaos"
	AuditPath string              // shown in help and after actions
	Now       func() time.Time    // injectable clock (goldens use a fixed one)
	Keys      map[string][]string // [keys] table: action name -> keys (see ValidateKeys)
	Logger    *slog.Logger
	// PoolThreshold: IPAM pools at or above this use (percent) are
	// highlighted and counted in the status bar (default 80).
	PoolThreshold float64
	// Clipboard replaces the copy key's OSC 52 write (tests).
	Clipboard func(string) error
	// ExportDir is where the export key writes ("" = current directory).
	ExportDir string
}

// ValidateKeys checks a [keys] table for config loading: unknown action
// names, empty lists, unknown key names and conflicts are errors.
func ValidateKeys(m map[string][]string) error { return keys.Validate(m) }

// KeyActions lists the action names the [keys] table accepts.
func KeyActions() []string { return keys.Names() }

// toastTTL is how long a toast stays in the footer.
const toastTTL = 6 * time.Second

type toastExpiredMsg struct{ seq int }

// clockMsg re-renders once a second so the header clock and the ages in the
// Approvals pane keep moving between refreshes.
type clockMsg struct{}

func clockTick() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return clockMsg{} })
}

type counts struct{ conns, pending int }

// Model is the root tea.Model. It holds a pointer so that Update can
// mutate panes in place; Bubble Tea runs Update and View on one goroutine.
type Model struct{ a *app }

type app struct {
	opts     Options
	ctx      *pane.Context
	store    *state.Store
	panes    []pane.Pane
	active   int
	w, h     int
	spin     spinner.Model
	spinning bool
	help     help.Model
	showHelp bool
	toast    string
	toastErr bool
	toastSeq int
	counts   map[string]counts
	keyErr   error
	quitting bool
	palette  *palette // the command palette, while open
}

// New builds the UI for the given sources.
func New(opts Options, sources []model.Source) Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Refresh <= 0 {
		opts.Refresh = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	km, err := keys.New(opts.Keys, opts.ReadOnly)
	if err != nil {
		// main validates first; if it did not, fall back to defaults and say so.
		km, _ = keys.New(nil, opts.ReadOnly)
	}
	st := styles.New(styles.DefaultTheme())
	a := &app{opts: opts, counts: map[string]counts{}, keyErr: err}
	a.store = state.NewStore(opts.Refresh, opts.Now)
	a.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Info))
	a.help = help.New()
	a.help.Styles.ShortKey = st.Key
	a.help.Styles.FullKey = st.Key
	a.help.Styles.ShortDesc = st.Dim
	a.help.Styles.FullDesc = st.Dim
	a.ctx = &pane.Context{
		Sources: sources, Store: a.store, Keys: km, Styles: st, Now: opts.Now,
		ReadOnly: opts.ReadOnly, AuditPath: opts.AuditPath, Logger: opts.Logger,
		Spinner:       func() string { return a.spin.View() },
		PoolThreshold: opts.PoolThreshold,
		Copy:          opts.Clipboard,
		ExportDir:     opts.ExportDir,
	}
	for _, f := range Panes {
		p := f(a.ctx)
		if p == nil {
			continue // no configured source has what this pane shows
		}
		a.panes = append(a.panes, p)
		for _, sp := range p.Resources() {
			a.store.Register(sp)
		}
	}
	return Model{a: a}
}

// Store exposes the shared state (tests).
func (m Model) Store() *state.Store { return m.a.store }

// Panes returns the live panes in tab order (tests).
func (m Model) Panes() []pane.Pane { return m.a.panes }

// Active is the index of the active pane.
func (m Model) Active() int { return m.a.active }

// Init starts the first fetch of every resource.
func (m Model) Init() tea.Cmd {
	a := m.a
	// The alt screen is requested here too, so any caller gets a restored
	// terminal on quit (Bubble Tea leaves it on exit).
	cmds := []tea.Cmd{tea.EnterAltScreen, a.store.StartAll(), a.startSpin(), clockTick()}
	for _, p := range a.panes {
		cmds = append(cmds, p.Init())
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
		cmd := a.key(msg)
		if a.busy() {
			// An action started: keep the spinner turning while it runs.
			cmd = tea.Batch(cmd, a.startSpin())
		}
		return m, cmd
	case state.FetchedMsg:
		current, changed, next := a.store.Apply(msg)
		if !current {
			return m, nil
		}
		switch {
		case state.Partial(msg.Err):
			a.opts.Logger.Warn("listing incomplete", "provider", msg.Key.Provider, "resource", msg.Key.Resource, "err", msg.Err)
		case msg.Err != nil:
			a.opts.Logger.Warn("fetch failed", "provider", msg.Key.Provider, "resource", msg.Key.Resource, "err", msg.Err)
		}
		if changed {
			a.recount(msg.Key.Provider)
		}
		return m, tea.Batch(next, a.broadcast(state.ChangedMsg{Key: msg.Key, DataChanged: changed}))
	case state.TickMsg:
		cmd := a.store.Tick(msg)
		if cmd == nil {
			return m, nil
		}
		return m, tea.Batch(cmd, a.startSpin(), a.broadcast(state.ChangedMsg{Key: msg.Key}))
	case spinner.TickMsg:
		busy := a.store.Snapshot()
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
		return m, tea.Tick(toastTTL, func(time.Time) tea.Msg { return toastExpiredMsg{seq} })
	case clockMsg:
		if a.quitting {
			return m, nil
		}
		return m, clockTick()
	case toastExpiredMsg:
		if msg.seq == a.toastSeq {
			a.toast = ""
		}
		return m, nil
	case pane.ShowMsg:
		for i, p := range a.panes {
			if p.Title() == msg.Pane {
				a.setActive(i)
				if msg.Msg == nil {
					return m, nil
				}
				np, cmd := p.Update(msg.Msg)
				a.panes[i] = np
				return m, cmd
			}
		}
		return m, pane.Toast("no "+msg.Pane+" pane in this build", true)
	case pane.RefreshMsg:
		return m, a.refresh(msg.Provider)
	case pane.UpdateMsg:
		e := a.store.Get(msg.Key)
		if e == nil || msg.Apply == nil {
			return m, nil
		}
		a.store.Put(msg.Key, msg.Apply(e.Data))
		a.recount(msg.Key.Provider)
		return m, a.broadcast(state.ChangedMsg{Key: msg.Key, DataChanged: true})
	}
	if a.palette != nil {
		// Cursor blinks and the like for the palette's input.
		var cmd tea.Cmd
		a.palette.input, cmd = a.palette.input.Update(msg)
		return m, tea.Batch(cmd, a.broadcast(msg))
	}
	return m, a.broadcast(msg)
}

// Busy is an optional pane method: true while the pane waits for
// something other than a fetch (an action in flight).
type Busy interface{ Busy() bool }

func (a *app) busy() bool {
	for _, p := range a.panes {
		if b, ok := p.(Busy); ok && b.Busy() {
			return true
		}
	}
	return false
}

// broadcast sends a non-key message to every pane.
func (a *app) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for i, p := range a.panes {
		np, cmd := p.Update(msg)
		a.panes[i] = np
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (a *app) refresh(provider string) tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range a.store.Keys() {
		if provider == "" || k.Provider == provider {
			cmds = append(cmds, a.store.Start(k))
		}
	}
	if len(cmds) == 0 {
		return nil
	}
	cmds = append(cmds, a.startSpin())
	for _, k := range a.store.Keys() {
		if provider == "" || k.Provider == provider {
			cmds = append(cmds, a.broadcast(state.ChangedMsg{Key: k}))
		}
	}
	return tea.Batch(cmds...)
}

func (a *app) key(msg tea.KeyMsg) tea.Cmd {
	km := a.ctx.Keys
	if msg.String() == "ctrl+c" {
		return a.quit()
	}
	if a.showHelp {
		switch {
		case key.Matches(msg, km.Quit):
			return a.quit()
		case key.Matches(msg, km.Help), key.Matches(msg, km.Back):
			a.showHelp = false
		}
		return nil
	}
	if a.palette != nil {
		return a.paletteKey(msg)
	}
	p := a.panes[a.active]
	if p.Capturing() {
		np, cmd := p.Update(msg)
		a.panes[a.active] = np
		return cmd
	}
	if text, blocked := km.BlockedByReadOnly(msg); blocked {
		return pane.Toast(text, true)
	}
	switch {
	case key.Matches(msg, km.Quit):
		return a.quit()
	case key.Matches(msg, km.Help):
		a.showHelp = true
		return nil
	case key.Matches(msg, km.Command):
		return a.openPalette()
	case key.Matches(msg, km.NextPane):
		a.setActive((a.active + 1) % len(a.panes))
		return nil
	case key.Matches(msg, km.PrevPane):
		a.setActive((a.active + len(a.panes) - 1) % len(a.panes))
		return nil
	case key.Matches(msg, km.Refresh):
		// Panes that fetch outside the shared state (Traffic) hear it too.
		return tea.Batch(a.refresh(""), a.broadcast(pane.RefreshMsg{}), pane.Toast("refreshing all providers…", false))
	case key.Matches(msg, km.Pause):
		paused := !a.store.Paused()
		cmd := a.store.SetPaused(paused)
		if paused {
			return tea.Batch(cmd, pane.Toast("auto-refresh paused (space resumes; r still refreshes)", false))
		}
		return tea.Batch(cmd, a.startSpin(), pane.Toast("auto-refresh resumed", false))
	}
	for i := range km.Pane {
		if key.Matches(msg, km.Pane[i]) {
			if i < len(a.panes) {
				a.setActive(i)
			}
			return nil
		}
	}
	np, cmd := p.Update(msg)
	a.panes[a.active] = np
	return cmd
}

func (a *app) setActive(i int) {
	a.active = i
	a.layout()
}

func (a *app) quit() tea.Cmd {
	a.quitting = true
	a.store.Close()
	return tea.Quit
}

// recount updates the status bar counts of provider.
func (a *app) recount(provider string) {
	cs := conns.Of(a.store, provider)
	c := counts{conns: len(cs)}
	for i := range cs {
		if cs[i].Pending != nil && cs[i].Pending.WaitingOnUs {
			c.pending++
		}
	}
	a.counts[provider] = c
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

func (a *app) headerView() string {
	st := a.ctx.Styles
	var left strings.Builder
	left.WriteString(st.AppName.Render("noctop"))
	for i, p := range a.panes {
		label := fmt.Sprintf("%d %s", i+1, p.Title())
		if b := p.Badge(); b != "" {
			label += " " + b
		}
		left.WriteString("  ")
		if i == a.active {
			left.WriteString(st.TabActive.Render("[" + label + "]"))
		} else {
			left.WriteString(st.TabInactive.Render(" " + label + " "))
		}
	}
	// READ-ONLY and PAUSED change what keys do: they always show. The
	// clock goes first when space is short, then the banner is squeezed.
	var marks []string
	if a.opts.ReadOnly {
		marks = append(marks, st.ReadOnly.Render("READ-ONLY"))
	}
	if a.store.Paused() {
		marks = append(marks, st.Paused.Render("PAUSED"))
	}
	clock := st.Dim.Render(a.opts.Now().Format("15:04:05"))
	banner := ""
	if a.opts.Demo {
		b := a.opts.Banner
		if b == "" {
			b = "DEMO — simulated providers"
		}
		banner = st.Banner.Render(" " + b + " ")
	}
	join := func(banner string, withClock bool) string {
		parts := append([]string(nil), marks...)
		if banner != "" {
			parts = append([]string{banner}, parts...)
		}
		if withClock {
			parts = append(parts, clock)
		}
		return strings.Join(parts, "  ")
	}
	l := left.String()
	lw := text.Width(l)
	r := join(banner, true)
	if lw+2+text.Width(r) > a.w {
		r = join(banner, false)
	}
	if over := lw + 2 + text.Width(r) - a.w; over > 0 && banner != "" {
		if bw := text.Width(banner) - over; bw >= 8 {
			r = join(text.Truncate(banner, bw), false)
		} else {
			r = join("", false)
		}
	}
	rw := text.Width(r)
	gap := a.w - lw - rw
	if gap < 1 {
		return text.Truncate(l+" "+r, a.w)
	}
	return l + strings.Repeat(" ", gap) + r
}

func (a *app) statusView() string {
	st := a.ctx.Styles
	var parts []string
	for _, s := range a.ctx.Sources {
		parts = append(parts, a.providerStatus(s.Name))
	}
	if len(parts) == 0 {
		return st.Dim.Render("no providers configured")
	}
	return text.Truncate(strings.Join(parts, st.Dim.Render(" │ ")), a.w)
}

// providerStatus is one provider's health and counts.
func (a *app) providerStatus(name string) string {
	st := a.ctx.Styles
	loc := a.opts.Now().Location()
	var health string
	var worst, partial *state.Entry // partial: data shown with what it lacks
	loading, loaded := false, false
	pages := ""
	for _, k := range a.store.Keys() {
		if k.Provider != name {
			continue
		}
		e := a.store.Get(k)
		if e.Loading {
			loading = true
			if e.Total > 0 {
				pages = fmt.Sprintf(" %d/%d", e.Done, e.Total)
			}
		}
		if e.Data != nil {
			loaded = true
		}
		if e.Err != nil && worst == nil {
			worst = e
		}
		if e.Incomplete != nil && partial == nil {
			partial = e
		}
	}
	var rl *model.RateLimited
	switch {
	case worst != nil && asRate(worst.Err, &rl) && !worst.RetryAt.IsZero():
		health = st.Warn.Render("rate limited until " + worst.RetryAt.In(loc).Format("15:04:05"))
	case worst != nil && isUnauthorized(worst.Err):
		health = st.Error.Render("✗ unauthorized")
	case worst != nil && worst.Data != nil:
		health = st.Warn.Render(fmt.Sprintf("stale since %s: %s", worst.FetchedAt.In(loc).Format("15:04"), shortErr(worst.Err, name)))
	case worst != nil:
		health = st.Error.Render("✗ " + shortErr(worst.Err, name))
	case partial != nil:
		health = st.Warn.Render("⚠ " + shortErr(partial.Incomplete, name))
	case loading && !loaded:
		health = st.Info.Render(a.spin.View() + " loading…" + pages)
	case loading:
		health = st.Info.Render(a.spin.View() + " refreshing…")
	case loaded:
		health = st.Good.Render("● ok")
	default:
		health = st.Dim.Render("idle")
	}
	if worst != nil && loading {
		health += st.Info.Render(" (retrying…)")
	}
	out := st.Bold.Render(name) + " " + health
	src, _ := a.ctx.Source(name)
	if c, ok := a.counts[name]; ok && loaded && src.Connections != nil {
		out += st.Dim.Render(fmt.Sprintf(" · %d conns", c.conns))
		if c.pending > 0 {
			out += " · " + st.Warn.Render(fmt.Sprintf("%d pending", c.pending))
		} else {
			out += st.Dim.Render(" · 0 pending")
		}
	}
	// Panes may add a provider-specific note (IPAM: pools over threshold).
	for _, p := range a.panes {
		if ps, ok := p.(interface{ ProviderStatus(string) string }); ok {
			if s := ps.ProviderStatus(name); s != "" {
				out += st.Dim.Render(" · ") + s
			}
		}
	}
	return out
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
	km := a.ctx.Keys
	bindings := append([]key.Binding{}, a.panes[a.active].ShortHelp()...)
	if !a.panes[a.active].Capturing() {
		bindings = append(bindings, km.Help, km.Quit)
	}
	h := a.help
	h.Width = a.w
	return h.ShortHelpView(bindings)
}

func (a *app) helpView(height int) string {
	st := a.ctx.Styles
	km := a.ctx.Keys
	p := a.panes[a.active]
	groups := append([][]key.Binding{}, p.FullHelp()...)
	groups = append(groups, km.Global())
	h := a.help
	h.Width = max(a.w-6, 10)
	var b strings.Builder
	b.WriteString(st.DialogTitle.Render("Keys — " + p.Title()))
	b.WriteString("\n\n")
	b.WriteString(h.FullHelpView(groups))
	b.WriteString("\n\n")
	b.WriteString(st.Dim.Render("Filter: text  field=value  field==exact  field~=word  !negate  (terms ANDed; fields: column names or prefixes)"))
	if hn, ok := p.(interface{ HelpNote(readOnly bool) string }); ok {
		// The pane knows which of its keys change the world.
		if a.opts.ReadOnly {
			b.WriteString("\n" + st.ReadOnly.Render(hn.HelpNote(true)))
		} else {
			b.WriteString("\n" + st.Dim.Render(hn.HelpNote(false)))
		}
	} else if a.opts.ReadOnly {
		b.WriteString("\n" + st.ReadOnly.Render("read-only mode: approve (a) and reject (x) are disabled (--read-only)"))
	} else {
		b.WriteString("\n" + st.Dim.Render("approve/reject always ask for confirmation; the dialog shows the exact request"))
	}
	if a.opts.AuditPath != "" {
		b.WriteString("\n" + st.Dim.Render("audit: "+a.opts.AuditPath))
	}
	b.WriteString("\n" + st.Dim.Render(fmt.Sprintf("auto-refresh every %s · esc or ? closes", a.opts.Refresh)))
	box := st.HelpBox.Render(b.String())
	return lipgloss.Place(a.w, height, lipgloss.Center, lipgloss.Center, box)
}
