// Package mutate runs one mutation the only way noctop allows: plan
// (no I/O) -> confirmation dialog showing the exact request -> Runner.Do in
// a command -> re-read the object from the provider -> report. Panes embed a
// Flow and forward keys to it while it is active.
package mutate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/confirm"
)

// Timeout bounds one action plus its re-read.
var Timeout = 60 * time.Second

// PrepareTimeout bounds the read a plan needs first (a cancellation policy).
var PrepareTimeout = 30 * time.Second

var nextID atomic.Int64

// DoneMsg is the outcome of one confirmed action.
type DoneMsg struct {
	Flow      int64
	Action    model.Action
	Result    model.Result
	Err       error
	Reread    model.Connection
	RereadErr error
	HasReread bool
}

// PreparedMsg is the outcome of ActionPreparer.Prepare for one flow.
type PreparedMsg struct {
	Flow int64
	Seq  int64
	Req  model.ActionRequest
	Err  error
}

// preparing is a Prepare in flight.
type preparing struct {
	seq    int64
	what   string // "reading the cancellation policy of Conn-1"
	cancel context.CancelFunc
	src    model.Source
	conn   model.Connection
}

// paramInput is the one value an action asks for in its dialog.
type paramInput struct {
	label, placeholder, param string
}

// paramInputs are the actions whose dialog takes a value.
var paramInputs = map[model.ActionKind]paramInput{
	model.ActionFileChangeRequest: {"Capacity (Mbit/s)", "empty = the planner's proposal in the request below", model.ParamCapacity},
	model.ActionChangeBandwidth:   {"Bandwidth (Mbit/s)", "empty = the next speed up, as in the request below", model.ParamBandwidth},
}

// Flow is the state of one pane's action: idle, preparing, dialog open, or
// running.
type Flow struct {
	id      int64
	ctx     *pane.Context
	dialog  *confirm.Model
	prep    *preparing
	seq     int64
	running string // "approve Conn-1" while the command runs
	src     model.Source
	conn    model.Connection
	// Last is a one-line report of the last outcome, shown by the pane.
	Last    string
	LastErr bool
}

// New makes an idle flow.
func New(ctx *pane.Context) *Flow {
	return &Flow{id: nextID.Add(1), ctx: ctx}
}

// Active reports whether the flow needs every key: the dialog is open, or
// a preparation runs (esc cancels it).
func (f *Flow) Active() bool { return f.dialog != nil || f.prep != nil }

// TextFocused reports whether the open dialog takes text (a reason, a
// parameter, the name to type).
func (f *Flow) TextFocused() bool { return f.dialog != nil && f.dialog.TextFocused() }

// Running describes an action in flight ("" when none).
func (f *Flow) Running() string { return f.running }

// Preparing describes a preparation in flight ("" when none).
func (f *Flow) Preparing() string {
	if f.prep == nil {
		return ""
	}
	return f.prep.what
}

// Busy reports whether a command of this flow is running.
func (f *Flow) Busy() bool { return f.running != "" || f.prep != nil }

// Dialog returns the open dialog (nil when closed), for tests and views.
func (f *Flow) Dialog() *confirm.Model { return f.dialog }

// verb phrases kind for "cannot <verb> X" and the outcome line.
func verb(k model.ActionKind) string {
	switch k {
	case model.ActionApprove:
		return "approve"
	case model.ActionReject:
		return "reject"
	case model.ActionDecommission:
		return "decommission"
	case model.ActionFileChangeRequest:
		return "file a change request for"
	case model.ActionWithdrawChangeRequest:
		return "withdraw the change request of"
	case model.ActionChangeBandwidth:
		return "change the bandwidth of"
	}
	return string(k)
}

// noun names kind in "the provider offers no <noun>".
func noun(k model.ActionKind) string {
	switch k {
	case model.ActionFileChangeRequest:
		return "change request"
	case model.ActionWithdrawChangeRequest:
		return "change request to withdraw"
	case model.ActionChangeBandwidth:
		return "bandwidth change"
	}
	return verb(k)
}

// KeyAction is the [keys] action name that triggers kind (its read-only
// message is keys.ReadOnlyMessage of it).
func KeyAction(k model.ActionKind) string {
	switch k {
	case model.ActionDecommission:
		return "delete"
	case model.ActionFileChangeRequest:
		return "change_request"
	case model.ActionWithdrawChangeRequest:
		return "withdraw_change"
	case model.ActionChangeBandwidth:
		return "change_bandwidth"
	}
	return string(k)
}

// Begin plans kind on c and opens the dialog, or explains why it cannot.
// When the planner needs data from the provider first (model.ErrPrepareFirst)
// it runs ActionPreparer.Prepare in a command and opens the dialog when
// that returns.
func (f *Flow) Begin(kind model.ActionKind, c model.Connection) tea.Cmd {
	if f.running != "" {
		return pane.Toast("wait: "+f.running+" is still running", true)
	}
	if f.prep != nil {
		return pane.Toast("wait: "+f.prep.what+"…", true)
	}
	if msg, blocked := f.readOnly(kind, c.Provider); blocked {
		return pane.Toast(msg, true)
	}
	if why := NotOffered(kind, c); why != "" {
		return pane.Toast(why, true)
	}
	src, ok := f.ctx.Source(c.Provider)
	if !ok || src.Planner == nil || src.Runner == nil {
		return pane.Toast(fmt.Sprintf("%s cannot %s connections", c.Provider, verb(kind)), true)
	}
	req := model.ActionRequest{
		Kind:   kind,
		Target: model.Ref{Provider: c.Provider, Type: "connection", ID: c.ID, Name: c.Name},
		Params: map[string]string{},
	}
	if c.Pending != nil {
		// The planner needs to know which change it answers (creation,
		// update, deletion) without doing I/O.
		req.Params["change"] = string(c.Pending.Kind)
		if c.Pending.ID != "" {
			req.Params["change_id"] = c.Pending.ID
		}
	}
	a, err := src.Planner.Plan(req)
	if errors.Is(err, model.ErrPrepareFirst) {
		if p, ok := src.Planner.(model.ActionPreparer); ok {
			return f.prepare(p, src, c, req)
		}
		return pane.Toast(fmt.Sprintf("cannot plan %s of %s: %s needs data it cannot read first (%s)", noun(kind), name(c), c.Provider, model.ErrorSummary(err)), true)
	}
	if err != nil {
		return pane.Toast(planError(kind, c, err), true)
	}
	return f.open(a, src, c, req)
}

// NotOffered says why c does not offer kind now ("" when it does).
func NotOffered(kind model.ActionKind, c model.Connection) string {
	if c.HasAction(kind) {
		return ""
	}
	return fmt.Sprintf("cannot %s %s: %s does not offer %s for it (state %s); nothing was sent", verb(kind), name(c), c.Provider, noun(kind), stateOf(c))
}

func planError(kind model.ActionKind, c model.Connection, err error) string {
	if errors.Is(err, model.ErrUnsupported) {
		return fmt.Sprintf("cannot %s %s: not supported by %s (%s)", verb(kind), name(c), c.Provider, model.ErrorSummary(err))
	}
	return fmt.Sprintf("cannot plan %s of %s: %s", noun(kind), name(c), model.ErrorSummary(err))
}

func stateOf(c model.Connection) string {
	s := string(c.State)
	if c.RawState != "" && !strings.EqualFold(c.RawState, s) {
		s += ", " + c.RawState
	}
	return s
}

// prepare runs p.Prepare in a command; esc cancels it.
func (f *Flow) prepare(p model.ActionPreparer, src model.Source, c model.Connection, req model.ActionRequest) tea.Cmd {
	f.seq++
	ctx, cancel := context.WithTimeout(f.ctx.Background(), PrepareTimeout)
	what := fmt.Sprintf("reading what %s of %s needs from %s", noun(req.Kind), name(c), c.Provider)
	if req.Kind == model.ActionDecommission {
		what = fmt.Sprintf("reading the cancellation policy of %s from %s", name(c), c.Provider)
	}
	f.prep = &preparing{seq: f.seq, what: what, cancel: cancel, src: src, conn: c}
	id, seq := f.id, f.seq
	return func() (msg tea.Msg) {
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				msg = PreparedMsg{Flow: id, Seq: seq, Req: req, Err: errors.New("internal error while preparing the action (recovered)")}
			}
		}()
		out, err := p.Prepare(ctx, req)
		return PreparedMsg{Flow: id, Seq: seq, Req: out, Err: err}
	}
}

// prepared plans the prepared request and opens the dialog.
func (f *Flow) prepared(m PreparedMsg) tea.Cmd {
	if f.prep == nil || m.Seq != f.prep.seq {
		return nil // cancelled or superseded
	}
	p := f.prep
	f.prep = nil
	c := p.conn
	if m.Err != nil {
		f.Last = fmt.Sprintf("✗ cannot %s %s: %s failed: %s", verb(m.Req.Kind), name(c), p.what, model.ErrorSummary(m.Err))
		f.LastErr = true
		return pane.Toast(f.Last, true)
	}
	a, err := p.src.Planner.Plan(m.Req)
	if err != nil {
		f.Last, f.LastErr = "✗ "+planError(m.Req.Kind, c, err), true
		return pane.Toast(f.Last, true)
	}
	return f.open(a, p.src, c, m.Req)
}

// open shows the confirmation dialog for a planned action.
func (f *Flow) open(a model.Action, src model.Source, c model.Connection, req model.ActionRequest) tea.Cmd {
	planner := src.Planner
	target := fmt.Sprintf("%s · %s · %s (id %s)", c.Provider, name(c), c.State, c.ID)
	if c.Pending != nil {
		target += fmt.Sprintf(" · pending %s", c.Pending.Kind)
	}
	var d confirm.Model
	if in, ok := paramInputs[req.Kind]; ok {
		// What to change, re-planned as it is typed; left empty, the
		// planner proposes the next step.
		d = confirm.New(a, target, nil, f.ctx.Styles).WithParam(in.label, in.placeholder,
			func(reason, value string) (model.Action, error) {
				r := req
				r.Reason = reason
				r.Params = maps.Clone(req.Params)
				if v := strings.TrimSpace(value); v != "" {
					r.Params[in.param] = v
				} else {
					delete(r.Params, in.param)
				}
				return planner.Plan(r)
			})
		if c.BandwidthMbps > 0 {
			d = d.WithFacts(confirm.Fact{Label: "Now", Value: model.FormatMbps(c.BandwidthMbps)})
		}
	} else {
		d = confirm.New(a, target, func(reason string) (model.Action, error) {
			r := req
			r.Reason = reason
			return planner.Plan(r)
		}, f.ctx.Styles)
	}
	if v, ok := req.Params[model.ParamDecommissionAt]; ok {
		d = d.WithFacts(confirm.Fact{Label: "Decommission at", Value: v})
		cu := req.Params[model.ParamChargedUntil]
		if cu == "" {
			cu = "(not stated by the provider)"
		}
		d = d.WithFacts(confirm.Fact{Label: "Charged until", Value: cu})
	}
	f.dialog, f.src, f.conn = &d, src, c
	return nil
}

func (f *Flow) readOnly(kind model.ActionKind, provider string) (string, bool) {
	r := f.ctx.ReadOnlyReason(provider)
	if r == "" {
		return "", false
	}
	return keys.ReadOnlyMessage(KeyAction(kind), r), true
}

// Update handles keys while the dialog is open, and this flow's DoneMsg.
func (f *Flow) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case DoneMsg:
		if msg.Flow != f.id {
			return nil
		}
		return f.done(msg)
	case PreparedMsg:
		if msg.Flow != f.id {
			return nil
		}
		return f.prepared(msg)
	}
	if f.prep != nil {
		if k, ok := msg.(tea.KeyMsg); ok && (k.String() == "esc" || k.String() == "ctrl+c") {
			f.prep.cancel()
			f.prep = nil
			return pane.Toast("cancelled: nothing was sent", false)
		}
		return nil
	}
	if f.dialog == nil {
		return nil
	}
	d, out, cmd := f.dialog.Update(msg)
	f.dialog = &d
	switch out {
	case confirm.Cancelled:
		f.dialog = nil
		return pane.Toast("cancelled: nothing was sent", false)
	case confirm.Confirmed:
		a := d.Action()
		f.dialog = nil
		return f.run(a)
	}
	return cmd
}

// run sends a verbatim and re-reads the target; only captured values are
// used inside the command.
func (f *Flow) run(a model.Action) tea.Cmd {
	if _, blocked := f.readOnly(a.Request.Kind, a.Request.Target.Provider); blocked {
		// Defence in depth; the registry's guard would refuse too.
		return pane.Toast("read-only mode: nothing was sent", true)
	}
	id, runner, reader, connID, provider := f.id, f.src.Runner, f.src.Connection, f.conn.ID, f.conn.Provider
	parent := f.ctx.Background()
	f.running = fmt.Sprintf("%s %s", verb(a.Request.Kind), name(f.conn))
	if f.ctx.Logger != nil {
		f.ctx.Logger.Info("action confirmed", "provider", a.Request.Target.Provider, "kind", a.Request.Kind,
			"target", a.Request.Target.ID, "method", a.HTTP.Method, "path", a.HTTP.Path)
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, Timeout)
		defer cancel()
		m := DoneMsg{Flow: id, Action: a}
		m.Result, m.Err = runner.Do(ctx, a)
		if reader != nil {
			m.HasReread = true
			m.Reread, m.RereadErr = reader.Connection(ctx, connID)
			if m.RereadErr == nil {
				pane.Fetched(provider, &m.Reread)
			}
		}
		return m
	}
}

func (f *Flow) done(m DoneMsg) tea.Cmd {
	f.running = ""
	what := verb(m.Action.Request.Kind)
	target := m.Action.Request.Target
	nm := target.Name
	if nm == "" {
		nm = target.ID
	}
	audit := ""
	if f.ctx.AuditPath != "" {
		audit = " · audit: " + f.ctx.AuditPath
	}
	var cmds []tea.Cmd
	var b strings.Builder
	if m.Err != nil {
		fmt.Fprintf(&b, "✗ %s %s failed: %s", what, nm, model.ErrorSummary(m.Err))
		f.LastErr = true
		if f.ctx.Logger != nil {
			f.ctx.Logger.Error("action failed", "provider", target.Provider, "kind", m.Action.Request.Kind, "target", target.ID, "err", m.Err)
		}
	} else {
		fmt.Fprintf(&b, "✓ %s %s:", what, nm)
		if st := fmt.Sprintf("HTTP %d", m.Result.Status); !strings.Contains(m.Result.Message, st) {
			b.WriteString(" " + st)
		}
		if m.Result.Message != "" {
			b.WriteString(" " + m.Result.Message)
		}
		f.LastErr = false
		if f.ctx.Logger != nil {
			f.ctx.Logger.Info("action done", "provider", target.Provider, "kind", m.Action.Request.Kind, "target", target.ID, "status", m.Result.Status)
		}
	}
	switch {
	case !m.HasReread:
		b.WriteString(" · provider cannot re-read one connection; refreshing")
		cmds = append(cmds, func() tea.Msg { return pane.RefreshMsg{Provider: target.Provider} })
	case m.RereadErr != nil && errors.Is(m.RereadErr, model.ErrNotFound):
		b.WriteString(" · now: gone (404)")
		cmds = append(cmds, func() tea.Msg { return pane.RefreshMsg{Provider: target.Provider} })
	case m.RereadErr != nil:
		fmt.Fprintf(&b, " · re-read failed: %s; refreshing", model.ErrorSummary(m.RereadErr))
		cmds = append(cmds, func() tea.Msg { return pane.RefreshMsg{Provider: target.Provider} })
	default:
		c := m.Reread
		now := string(c.State)
		if c.RawState != "" {
			now += " (" + c.RawState + ")"
		}
		if model.WaitingOnUs(&c) {
			now += ", still waiting on us"
		}
		b.WriteString(" · now: " + now)
		upd := pane.ReplaceConnection(c)
		cmds = append(cmds, func() tea.Msg { return upd })
	}
	b.WriteString(audit)
	f.Last = b.String()
	cmds = append(cmds, pane.Toast(f.Last, m.Err != nil))
	return tea.Batch(cmds...)
}

func name(c model.Connection) string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// View renders the open dialog, or the notice of a preparation in flight,
// centred in w×h ("" when neither).
func (f *Flow) View(w, h int) string {
	if f.dialog != nil {
		return f.dialog.View(w, h)
	}
	if f.prep == nil {
		return ""
	}
	st := f.ctx.Styles
	spin := "…"
	if f.ctx.Spinner != nil {
		spin = f.ctx.Spinner()
	}
	inner := min(max(w-4, 10), 80)
	lines := []string{
		st.DialogTitle.Render(text.Truncate("Preparing", inner)),
		"",
		st.Info.Render(text.Truncate(spin+" "+text.Clean(f.prep.what)+"…", inner)),
		st.Dim.Render(text.Truncate("nothing is sent until you confirm the next dialog", inner)),
		"",
		st.Dim.Render("esc cancel"),
	}
	box := st.Dialog.Width(inner + 2).Render(strings.Join(lines, "\n"))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}
