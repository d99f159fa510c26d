// Package mutate is the one way noctop changes anything, for every pane:
//
//	key -> Spec (the pane says what and on what) -> Plan (no I/O; Prepare
//	first when the planner needs a read) -> the confirmation dialog showing
//	the exact request -> the hub's runner (the source's audited, read-only
//	guarded runner, then the re-read of what it affected, published to
//	every session) in a command -> the result line.
//
// Read-only is checked here before anything is planned (Context.
// ReadOnlyReason, global or per provider) and again before sending; the
// registry's guard refuses too. A pane embeds a Flow, gives it its keys
// while it is Active, and shows Result above its list.
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

// ResultTTL is how long the result line stays above the pane's list.
var ResultTTL = 30 * time.Second

var nextID atomic.Int64

// Spec is one mutation as the pane offering it describes it.
type Spec struct {
	// Request is what to plan: the kind, the target (its Provider picks
	// the source and decides read-only) and the parameters.
	Request model.ActionRequest
	// Action is the [keys] action that asked for it ("approve"): its
	// read-only message names it.
	Action string
	// Verb, Noun and Name word the messages: "cannot <verb> <name>",
	// "cannot plan <noun> of <name>", "✓ <verb> <name>: …".
	Verb, Noun, Name string
	// Target is the dialog's line about the object.
	Target string
	// Preparing says what a Prepare reads ("reading the cancellation
	// policy of Conn-1 from ix"), when the planner asks for one.
	Preparing string
	// Replan re-plans as the dialog's reason is typed (a rejection's).
	Replan bool
	// Param is the one value the dialog asks for, re-planned as typed
	// (a capacity, a bandwidth); nil for none.
	Param *Param
	// Choose, when set, reads a pick the dialog offers before it opens
	// (the port a connection lands on); the pick and Param's value become
	// the request's parameters through Choices.Apply.
	Choose  *Choose
	choices *Choices
	// Follow re-reads the target with backoff (FollowDelays) while the
	// re-read after the action finds it in a transitional status
	// (Reread.Transitional), until it leaves it or noctop gives up.
	Follow bool
	// Facts are labelled lines above the request; FactsOf adds the ones a
	// prepared request carries (dates of a decommission).
	Facts   []confirm.Fact
	FactsOf func(req model.ActionRequest) []confirm.Fact
	// Reread words what the hub's re-read after the action found (it runs
	// in the action's command: values only). The hub has merged the
	// re-read into its data already, or refreshed the provider. nil: no
	// words.
	Reread func(out model.Outcome) Reread
	// Done runs on the Update goroutine with the outcome (IPAM reveals the
	// block it made); note is appended to the result line.
	Done func(m DoneMsg) (note string, cmd tea.Cmd)
}

// Param is an input of the dialog for one request parameter.
type Param struct {
	Label, Placeholder string
	Key                string // the model.Param… it sets
	// Initial, when set, fills the input from the (prepared) request
	// when the dialog opens, without re-planning.
	Initial func(req model.ActionRequest) string
	// Default is the value an empty input stands for (the request the
	// dialog opens with is planned with it); "" leaves the parameter out.
	Default string
	// Check, when set, vets the value (Default for an empty input) before
	// the planner sees it (a VLAN that is the current one, a virtual
	// network the project lacks); its error blocks Confirm. The dialog is
	// re-planned when it opens, so a value that fails blocks Confirm from
	// the start. nil: the planner alone decides.
	Check func(value string) error
}

// Reread is what re-reading the target found.
type Reread struct {
	Now string // how the object is now, for the result line
	// Transitional is the object's status while it is still moving
	// (activating, changing_vlan, deleting ...); "" once it settled.
	Transitional string
}

func (s Spec) what() string {
	if s.Name == "" {
		return s.Verb
	}
	return s.Verb + " " + s.Name
}

func (s Spec) nounOf() string {
	if s.Name == "" {
		return s.Noun
	}
	return s.Noun + " of " + s.Name
}

func (s Spec) provider() string { return s.Request.Target.Provider }

// DoneMsg is the outcome of one confirmed action.
type DoneMsg struct {
	Flow   int64
	Action model.Action
	Result model.Result
	Err    error
	// Outcome is what the hub learnt (the re-read object, what it
	// refreshed); Reread words it.
	Outcome model.Outcome
	Reread  Reread
	spec    *Spec
}

// PreparedMsg is the outcome of ActionPreparer.Prepare for one flow.
type PreparedMsg struct {
	Flow int64
	Seq  int64
	Req  model.ActionRequest
	Err  error
}

// expiredMsg ends the result line of one outcome.
type expiredMsg struct {
	flow, seq int64
}

// preparing is a Prepare in flight.
type preparing struct {
	seq    int64
	cancel context.CancelFunc
	src    model.Source
	spec   Spec
}

// Flow is the state of one pane's mutations: idle, preparing, dialog open,
// or running; and the last outcome.
type Flow struct {
	id      int64
	ctx     *pane.Context
	dialog  *confirm.Model
	prep    *preparing
	seq     int64
	running string // "approve Conn-1" while the command runs
	src     model.Source
	spec    Spec
	// Last is a one-line report of the last outcome, shown by the pane
	// until ResultTTL passes or esc clears it.
	Last    string
	LastErr bool
	lastSeq int64
	// follow is the target being re-read until it settles (Spec.Follow).
	follow    *following
	followSeq int64
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
	return f.prep.spec.Preparing
}

// Busy reports whether a command of this flow is running.
func (f *Flow) Busy() bool { return f.running != "" || f.prep != nil }

// Dialog returns the open dialog (nil when closed), for tests and views.
func (f *Flow) Dialog() *confirm.Model { return f.dialog }

// Keys are the footer entries while the flow is active.
func (f *Flow) Keys() keys.Table {
	if f.prep != nil {
		return keys.Table{Scope: keys.Dialog, Bindings: []keys.Binding{keys.Fixed("esc", "cancel")}}
	}
	bs := []keys.Binding{keys.Fixed("tab", "switch button"), keys.Fixed("enter", "choose"), keys.Fixed("esc", "cancel")}
	if f.dialog != nil && f.dialog.Choice() >= 0 {
		bs = append([]keys.Binding{keys.Fixed("↑/↓", "pick"), keys.Fixed("ctrl+n", "next input")}, bs...)
	}
	return keys.Table{Scope: keys.Dialog, Bindings: bs}
}

// ClearResult drops the result line (esc).
func (f *Flow) ClearResult() { f.Last, f.LastErr = "", false }

// source finds the source of spec and says why it cannot act, if so.
func (f *Flow) source(spec Spec) (model.Source, string) {
	if f.running != "" {
		return model.Source{}, "wait: " + f.running + " is still running"
	}
	if f.prep != nil {
		return model.Source{}, "wait: " + f.prep.spec.Preparing + "…"
	}
	if r := f.ctx.ReadOnlyReason(spec.provider()); r != "" {
		return model.Source{}, keys.ReadOnlyMessage(spec.Action, r)
	}
	src, ok := f.ctx.Source(spec.provider())
	if !ok || src.Planner == nil || src.Runner == nil {
		return model.Source{}, fmt.Sprintf("%s cannot %s", spec.provider(), spec.Verb)
	}
	return src, ""
}

// Begin plans spec and opens the dialog, or explains why it cannot. When
// the planner needs data from the provider first (model.ErrPrepareFirst)
// it runs ActionPreparer.Prepare in a command and opens the dialog when
// that returns.
func (f *Flow) Begin(spec Spec) tea.Cmd {
	if spec.Choose != nil {
		return f.choose(spec)
	}
	src, why := f.source(spec)
	if why != "" {
		return pane.Toast(why, true)
	}
	a, err := src.Planner.Plan(spec.Request)
	if errors.Is(err, model.ErrPrepareFirst) {
		if p, ok := src.Planner.(model.ActionPreparer); ok {
			return f.prepare(p, src, spec)
		}
		return pane.Toast(fmt.Sprintf("cannot plan %s: %s needs data it cannot read first (%s)", spec.nounOf(), spec.provider(), model.ErrorSummary(err)), true)
	}
	if err != nil {
		return pane.Toast(planError(spec, err), true)
	}
	f.open(a, src, spec)
	return nil
}

// Open shows the dialog for an action the pane planned itself (from a form).
func (f *Flow) Open(a model.Action, spec Spec) tea.Cmd {
	src, why := f.source(spec)
	if why != "" {
		return pane.Toast(why, true)
	}
	f.open(a, src, spec)
	return nil
}

func planError(spec Spec, err error) string {
	if errors.Is(err, model.ErrUnsupported) {
		return fmt.Sprintf("cannot %s: not supported by %s (%s)", spec.what(), spec.provider(), model.ErrorSummary(err))
	}
	return fmt.Sprintf("cannot plan %s: %s", spec.nounOf(), model.ErrorSummary(err))
}

// prepare runs p.Prepare in a command; esc cancels it.
func (f *Flow) prepare(p model.ActionPreparer, src model.Source, spec Spec) tea.Cmd {
	f.seq++
	ctx, cancel := context.WithTimeout(f.ctx.Background(), PrepareTimeout)
	if spec.Preparing == "" {
		spec.Preparing = fmt.Sprintf("reading what %s needs from %s", spec.nounOf(), spec.provider())
	}
	f.prep = &preparing{seq: f.seq, cancel: cancel, src: src, spec: spec}
	id, seq, req := f.id, f.seq, spec.Request
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
	if m.Err != nil {
		return f.fail(fmt.Sprintf("✗ cannot %s: %s failed: %s", p.spec.what(), p.spec.Preparing, model.ErrorSummary(m.Err)))
	}
	spec := p.spec
	spec.Request = m.Req
	a, err := p.src.Planner.Plan(m.Req)
	if err != nil {
		return f.fail("✗ " + planError(spec, err))
	}
	f.open(a, p.src, spec)
	return nil
}

// fail reports an outcome that sent nothing.
func (f *Flow) fail(line string) tea.Cmd {
	f.Last, f.LastErr = line, true
	return tea.Batch(pane.Toast(line, true), f.expire())
}

// expire schedules the end of the current result line.
func (f *Flow) expire() tea.Cmd {
	f.lastSeq++
	return f.ctx.After(ResultTTL, expiredMsg{flow: f.id, seq: f.lastSeq})
}

// open shows the confirmation dialog for a planned action.
func (f *Flow) open(a model.Action, src model.Source, spec Spec) {
	planner, req := src.Planner, spec.Request
	var d confirm.Model
	switch {
	case spec.Param != nil:
		in := *spec.Param
		d = confirm.New(a, spec.Target, nil, f.ctx.Styles).WithParam(in.Label, in.Placeholder,
			func(reason, value string) (model.Action, error) {
				v := strings.TrimSpace(value)
				if v == "" {
					v = in.Default
				}
				if in.Check != nil {
					if err := in.Check(v); err != nil {
						return model.Action{}, err
					}
				}
				r := req
				r.Reason = reason
				r.Params = maps.Clone(req.Params)
				if r.Params == nil {
					r.Params = map[string]string{}
				}
				if v != "" {
					r.Params[in.Key] = v
				} else {
					delete(r.Params, in.Key)
				}
				return planner.Plan(r)
			})
		if spec.choices != nil {
			d = withChoice(d, spec, planner)
		}
		if in.Initial != nil {
			d = d.WithParamValue(in.Initial(req))
		}
		if in.Check != nil {
			d = d.Replanned()
		}
	case spec.Replan:
		d = confirm.New(a, spec.Target, func(reason string) (model.Action, error) {
			r := req
			r.Reason = reason
			return planner.Plan(r)
		}, f.ctx.Styles)
	default:
		d = confirm.New(a, spec.Target, nil, f.ctx.Styles)
	}
	if spec.choices != nil && spec.Param == nil {
		d = withChoice(d, spec, planner)
	}
	if len(spec.Facts) > 0 {
		d = d.WithFacts(spec.Facts...)
	}
	if spec.FactsOf != nil {
		if fs := spec.FactsOf(req); len(fs) > 0 {
			d = d.WithFacts(fs...)
		}
	}
	f.dialog, f.src, f.spec = &d, src, spec
	// A new action ends the following of the last one (its result line
	// is about to be this one's); the list's refresh shows the rest.
	f.follow = nil
}

// Update handles keys while the flow is active, and this flow's results.
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
	case chosenMsg:
		if msg.flow != f.id {
			return nil
		}
		return f.chosen(msg)
	case followMsg:
		if msg.flow != f.id {
			return nil
		}
		return f.followUpdate(msg)
	case followedMsg:
		if msg.flow != f.id {
			return nil
		}
		return f.followUpdate(msg)
	case expiredMsg:
		if msg.flow == f.id && msg.seq == f.lastSeq {
			f.ClearResult()
		}
		return nil
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

// IsResult reports whether msg is a flow's own message (its outcome, its
// preparation, the end of its result line): panes pass those to Update.
func IsResult(msg tea.Msg) bool {
	switch msg.(type) {
	case DoneMsg, PreparedMsg, expiredMsg, chosenMsg, followMsg, followedMsg:
		return true
	}
	return false
}

// run sends a verbatim and re-reads the target; only captured values are
// used inside the command.
func (f *Flow) run(a model.Action) tea.Cmd {
	if r := f.ctx.ReadOnlyReason(a.Request.Target.Provider); r != "" {
		// Defence in depth; the registry's guard would refuse too.
		return pane.Toast("read-only mode: nothing was sent", true)
	}
	spec := f.spec
	id, run, reread := f.id, f.ctx.Run, spec.Reread
	provider := a.Request.Target.Provider
	parent := f.ctx.Background()
	f.running = spec.what()
	if f.ctx.Logger != nil {
		f.ctx.Logger.Info("action confirmed", "provider", a.Request.Target.Provider, "kind", a.Request.Kind,
			"target", a.Request.Target.ID, "method", a.HTTP.Method, "path", a.HTTP.Path)
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, Timeout)
		defer cancel()
		m := DoneMsg{Flow: id, Action: a, spec: &spec}
		m.Outcome, m.Err = run(ctx, provider, a)
		m.Result = m.Outcome.Result
		if reread != nil {
			m.Reread = reread(m.Outcome)
		}
		return m
	}
}

func (f *Flow) done(m DoneMsg) tea.Cmd {
	f.running = ""
	spec := f.spec
	if m.spec != nil {
		spec = *m.spec
	}
	target := m.Action.Request.Target
	var cmds []tea.Cmd
	var b strings.Builder
	var unknown *model.UnknownOutcome
	switch {
	case errors.As(m.Err, &unknown):
		// Sent, but the answer was lost: the re-read below says what happened.
		fmt.Fprintf(&b, "? %s: %s", spec.what(), model.SafeText(unknown.Summary()))
	case errors.Is(m.Err, model.ErrReadOnly):
		fmt.Fprintf(&b, "✗ %s: refused, read-only mode", spec.what())
	case m.Err != nil:
		fmt.Fprintf(&b, "✗ %s failed: %s", spec.what(), model.ErrorSummary(m.Err))
	default:
		fmt.Fprintf(&b, "✓ %s:", spec.what())
		if st := fmt.Sprintf("HTTP %d", m.Result.Status); m.Result.Status != 0 && !strings.Contains(m.Result.Message, st) {
			b.WriteString(" " + st)
		}
		if m.Result.Message != "" {
			b.WriteString(" " + m.Result.Message)
		}
	}
	f.LastErr = m.Err != nil
	if f.ctx.Logger != nil {
		if unknown != nil {
			f.ctx.Logger.Warn("action outcome unknown", "provider", target.Provider, "kind", m.Action.Request.Kind, "target", target.ID, "err", m.Err)
		} else if m.Err != nil {
			f.ctx.Logger.Error("action failed", "provider", target.Provider, "kind", m.Action.Request.Kind, "target", target.ID, "err", m.Err)
		} else {
			f.ctx.Logger.Info("action done", "provider", target.Provider, "kind", m.Action.Request.Kind, "target", target.ID, "status", m.Result.Status)
		}
	}
	if r := m.Reread; r.Now != "" {
		b.WriteString(" · " + r.Now)
	}
	if spec.Done != nil {
		note, cmd := spec.Done(m)
		if note != "" {
			b.WriteString(" · " + note)
		}
		cmds = append(cmds, cmd)
	}
	if f.ctx.AuditPath != "" {
		b.WriteString(" · audit: " + f.ctx.AuditPath)
	}
	if m.Err == nil || unknown != nil {
		head := "✓ " + spec.what()
		if unknown != nil {
			head = "? " + spec.what()
		}
		if cmd := f.startFollow(spec, m.Reread, head); cmd != nil {
			b.WriteString(fmt.Sprintf(" · following its status (%s)", m.Reread.Transitional))
			cmds = append(cmds, cmd)
		}
	}
	f.Last = b.String()
	cmds = append(cmds, pane.Toast(f.Last, m.Err != nil), f.expire())
	return tea.Batch(cmds...)
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
	inner := min(max(w-4, 10), 80)
	lines := []string{
		st.DialogTitle.Render(text.Truncate("Preparing", inner)),
		"",
		st.Info.Render(text.Truncate(f.ctx.Spin()+" "+text.Clean(f.prep.spec.Preparing)+"…", inner)),
		st.Dim.Render(text.Truncate("nothing is sent until you confirm the next dialog", inner)),
		"",
		st.Dim.Render("esc cancel"),
	}
	box := st.Dialog.Width(inner + 2).Render(strings.Join(lines, "\n"))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}
