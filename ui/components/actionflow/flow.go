// Package actionflow runs one mutation the only way noctop allows: plan
// (no I/O) -> confirmation dialog showing the exact request -> Runner.Do in
// a command -> re-read the object from the provider -> report. Panes embed a
// Flow and forward keys to it while it is active.
package actionflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/components/confirm"
	"github.com/noctop/noctop/ui/conns"
	"github.com/noctop/noctop/ui/pane"
)

// Timeout bounds one action plus its re-read.
var Timeout = 60 * time.Second

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

// Flow is the state of one pane's action: idle, dialog open, or running.
type Flow struct {
	id      int64
	ctx     *pane.Context
	dialog  *confirm.Model
	running string // "approving Conn-1" while the command runs
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

// Active reports whether the dialog is open (the pane must forward keys).
func (f *Flow) Active() bool { return f.dialog != nil }

// Running describes an action in flight ("" when none).
func (f *Flow) Running() string { return f.running }

// Dialog returns the open dialog (nil when closed), for tests and views.
func (f *Flow) Dialog() *confirm.Model { return f.dialog }

func verb(k model.ActionKind) string {
	switch k {
	case model.ActionApprove:
		return "approve"
	case model.ActionReject:
		return "reject"
	}
	return string(k)
}

// Begin plans kind on c and opens the dialog, or explains why it cannot.
func (f *Flow) Begin(kind model.ActionKind, c model.Connection) tea.Cmd {
	if f.running != "" {
		return pane.Toast("wait: "+f.running+" is still running", true)
	}
	if msg, blocked := f.readOnly(kind); blocked {
		return pane.Toast(msg, true)
	}
	if !c.HasAction(kind) {
		return pane.Toast(fmt.Sprintf("cannot %s %s: the provider offers no %s for it now", verb(kind), name(c), verb(kind)), true)
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
	if err != nil {
		return pane.Toast(fmt.Sprintf("cannot plan %s of %s: %s", verb(kind), name(c), model.ErrorSummary(err)), true)
	}
	planner := src.Planner
	replan := func(reason string) (model.Action, error) {
		r := req
		r.Reason = reason
		return planner.Plan(r)
	}
	target := fmt.Sprintf("%s · %s · %s (id %s)", c.Provider, name(c), c.State, c.ID)
	if c.Pending != nil {
		target += fmt.Sprintf(" · pending %s", c.Pending.Kind)
	}
	d := confirm.New(a, target, replan, f.ctx.Styles)
	f.dialog, f.src, f.conn = &d, src, c
	return nil
}

func (f *Flow) readOnly(kind model.ActionKind) (string, bool) {
	if !f.ctx.ReadOnly {
		return "", false
	}
	return fmt.Sprintf("read-only mode: %s disabled (--read-only)", map[model.ActionKind]string{
		model.ActionApprove: "approvals", model.ActionReject: "rejections"}[kind]), true
}

// Update handles keys while the dialog is open, and this flow's DoneMsg.
func (f *Flow) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case DoneMsg:
		if msg.Flow != f.id {
			return nil
		}
		return f.done(msg)
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
	if _, blocked := f.readOnly(a.Request.Kind); blocked {
		// Defence in depth; the registry's guard would refuse too.
		return pane.Toast("read-only mode: nothing was sent", true)
	}
	id, runner, reader, connID := f.id, f.src.Runner, f.src.Connection, f.conn.ID
	parent := f.ctx.Store.Context()
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
		fmt.Fprintf(&b, "✓ %s %s: HTTP %d", what, nm, m.Result.Status)
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
		if c.Provider == "" {
			c.Provider = target.Provider
		}
		now := string(c.State)
		if c.RawState != "" {
			now += " (" + c.RawState + ")"
		}
		if c.Pending != nil && c.Pending.WaitingOnUs {
			now += ", still waiting on us"
		}
		b.WriteString(" · now: " + now)
		upd := conns.Replace(c)
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
