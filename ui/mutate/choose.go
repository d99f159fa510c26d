package mutate

import (
	"context"
	"errors"
	"maps"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/confirm"
)

// Choose is a pick the dialog offers (the port a connection lands on),
// whose options are read from the provider before the dialog opens, in a
// command like a Prepare (esc cancels it). Nothing is sent by reading.
type Choose struct {
	// Preparing says what Load reads ("reading our ports in AM from fabric").
	Preparing string
	// Load reads the options; it runs in a command and must only use
	// values it captured. An error wrapping model.ErrUnsupported means
	// there is nothing to choose: the action goes on without a choice.
	Load func(ctx context.Context) (Choices, error)
}

// Choices are what the operator picks from, and how a pick and the
// dialog's parameter input become the request's parameters.
type Choices struct {
	Label    string
	Options  []string
	Selected int
	// ParamFor fills the parameter input for pick i (see confirm.Choice).
	ParamFor func(i, prev int, current string) string
	// Warn is a warning about a pick and value that does not block.
	Warn func(i int, value string) string
	// Apply sets params for pick i and the typed value; an error is shown
	// in the dialog and blocks Confirm.
	Apply func(params map[string]string, i int, value string) error
	// Facts are extra lines above the request.
	Facts []confirm.Fact
}

// chosenMsg is the outcome of Choose.Load for one flow.
type chosenMsg struct {
	flow, seq int64
	choices   Choices
	err       error
}

// choose runs spec.Choose.Load in a command.
func (f *Flow) choose(spec Spec) tea.Cmd {
	src, why := f.source(spec)
	if why != "" {
		return pane.Toast(why, true)
	}
	f.seq++
	ctx, cancel := context.WithTimeout(f.ctx.Background(), PrepareTimeout)
	spec.Preparing = spec.Choose.Preparing
	if spec.Preparing == "" {
		spec.Preparing = "reading the choices of " + spec.nounOf() + " from " + spec.provider()
	}
	f.prep = &preparing{seq: f.seq, cancel: cancel, src: src, spec: spec}
	id, seq, load := f.id, f.seq, spec.Choose.Load
	return func() (msg tea.Msg) {
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				msg = chosenMsg{flow: id, seq: seq, err: errors.New("internal error while reading the choices (recovered)")}
			}
		}()
		ch, err := load(ctx)
		return chosenMsg{flow: id, seq: seq, choices: ch, err: err}
	}
}

// chosen opens the dialog with the choices read (or without a choice when
// there is none to make).
func (f *Flow) chosen(m chosenMsg) tea.Cmd {
	if f.prep == nil || m.seq != f.prep.seq {
		return nil // cancelled or superseded
	}
	p := f.prep
	f.prep = nil
	spec := p.spec
	spec.Choose = nil
	switch {
	case errors.Is(m.err, model.ErrUnsupported):
		return f.Begin(spec)
	case m.err != nil:
		return f.fail("✗ cannot " + spec.what() + ": " + spec.Preparing + " failed: " + model.ErrorSummary(m.err))
	case len(m.choices.Options) == 0:
		return f.fail("✗ cannot " + spec.what() + ": nothing to choose from (" + spec.Preparing + ")")
	}
	ch := m.choices
	if ch.Selected < 0 || ch.Selected >= len(ch.Options) {
		ch.Selected = 0
	}
	spec.choices = &ch
	spec.Facts = append(append([]confirm.Fact(nil), spec.Facts...), ch.Facts...)
	req, err := chooseRequest(spec.Request, ch, ch.Selected, initialValue(ch))
	if err != nil {
		return f.fail("✗ " + planError(spec, err))
	}
	a, err := p.src.Planner.Plan(req)
	if err != nil {
		// The pre-selection does not plan (a clash): the dialog opens
		// anyway, on the request as the provider would pick it, showing
		// why, so the operator can choose another.
		a, err = p.src.Planner.Plan(spec.Request)
		if err != nil {
			return f.fail("✗ " + planError(spec, err))
		}
	}
	f.open(a, p.src, spec)
	return nil
}

func initialValue(ch Choices) string {
	if ch.ParamFor == nil {
		return ""
	}
	return ch.ParamFor(ch.Selected, -1, "")
}

// chooseRequest is req with pick i and value applied.
func chooseRequest(req model.ActionRequest, ch Choices, i int, value string) (model.ActionRequest, error) {
	r := req
	r.Params = maps.Clone(req.Params)
	if r.Params == nil {
		r.Params = map[string]string{}
	}
	if ch.Apply != nil {
		if err := ch.Apply(r.Params, i, value); err != nil {
			return r, err
		}
	}
	return r, nil
}

// withChoice adds spec's choice to the dialog d.
func withChoice(d confirm.Model, spec Spec, planner model.ActionPlanner) confirm.Model {
	ch, req := *spec.choices, spec.Request
	return d.WithChoice(confirm.Choice{Label: ch.Label, Options: ch.Options, Selected: ch.Selected, ParamFor: ch.ParamFor, Warn: ch.Warn},
		func(reason, value string, i int) (model.Action, error) {
			r, err := chooseRequest(req, ch, i, value)
			if err != nil {
				return model.Action{}, err
			}
			r.Reason = reason
			return planner.Plan(r)
		})
}
