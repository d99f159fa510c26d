package mutate

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
)

// stub is a planner and runner that records what it was asked.
type stub struct {
	mu      sync.Mutex
	planned []model.ActionRequest
	sent    []model.Action
	doErr   error
}

func (s *stub) Plan(req model.ActionRequest) (model.Action, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.planned = append(s.planned, req)
	return model.Action{Request: req, Title: "Do " + string(req.Kind), HTTP: model.HTTPRequest{Method: "POST", Path: "/x/" + req.Target.ID}}, nil
}

func (s *stub) Do(_ context.Context, a model.Action) (model.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, a)
	return model.Result{Action: a, Status: 200, Message: "ok"}, s.doErr
}

func newFlow(readOnly bool, s *stub) *Flow {
	srcs := []model.Source{{Name: "p", Planner: s, Runner: s, ReadOnly: readOnly}}
	ctx := &pane.Context{Sources: srcs, Hub: fakehub.New(time.Now, srcs...),
		Keys: keys.Default(), Styles: styles.New(styles.DefaultTheme()), Now: time.Now, AuditPath: "a.log"}
	return New(ctx)
}

func spec(reread *int, done *int) Spec {
	return Spec{Request: model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{Provider: "p", ID: "c1"}},
		Action: "approve", Verb: "approve", Noun: "approval", Name: "Conn-1", Target: "p · Conn-1",
		Reread: func(model.Outcome) Reread { *reread++; return Reread{Now: "now: active"} },
		Done:   func(DoneMsg) (string, tea.Cmd) { *done++; return "noted", nil }}
}

// run executes cmd and returns the messages it produced (batches opened).
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case m := <-ch:
		if b, ok := m.(tea.BatchMsg); ok {
			var out []tea.Msg
			for _, c := range b {
				out = append(out, run(c)...)
			}
			return out
		}
		return []tea.Msg{m}
	case <-time.After(50 * time.Millisecond):
		return nil // a timer (the result line's expiry)
	}
}

func key(k tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: k} }

func TestReadOnlyProviderRefusedBeforePlanning(t *testing.T) {
	s := &stub{}
	f := newFlow(true, s)
	var rr, dd int
	msgs := run(f.Begin(spec(&rr, &dd)))
	if len(msgs) != 1 || msgs[0].(pane.ToastMsg).Text != "read-only: approvals disabled (read_only = true for p)" {
		t.Fatalf("messages %v", msgs)
	}
	if f.Active() || len(s.planned) != 0 || len(s.sent) != 0 {
		t.Fatal("planned or opened for a read-only provider")
	}
}

func TestPlanConfirmSendRereadReport(t *testing.T) {
	s := &stub{}
	f := newFlow(false, s)
	var rr, dd int
	if cmd := f.Begin(spec(&rr, &dd)); cmd != nil || f.Dialog() == nil {
		t.Fatalf("no dialog (cmd %v)", cmd)
	}
	// Cancel is the default: enter sends nothing.
	run(f.Update(key(tea.KeyEnter)))
	if f.Active() || len(s.sent) != 0 {
		t.Fatal("enter on Cancel sent the action")
	}
	f.Begin(spec(&rr, &dd))
	f.Dialog().View(100, 30) // the whole request has been seen
	planned := f.Dialog().Action()
	f.Update(key(tea.KeyTab))
	msgs := run(f.Update(key(tea.KeyEnter)))
	if f.Running() != "approve Conn-1" || len(msgs) != 1 {
		t.Fatalf("running %q, msgs %v", f.Running(), msgs)
	}
	done, ok := msgs[0].(DoneMsg)
	if !ok || len(s.sent) != 1 || !reflect.DeepEqual(s.sent[0], planned) || rr != 1 {
		t.Fatalf("sent %v, re-read %d times", s.sent, rr)
	}
	run(f.Update(done))
	if f.Running() != "" || dd != 1 || f.LastErr {
		t.Fatalf("after done: running %q done %d", f.Running(), dd)
	}
	for _, part := range []string{"✓ approve Conn-1: HTTP 200 ok", "now: active", "noted", "audit: a.log"} {
		if !strings.Contains(f.Last, part) {
			t.Errorf("result %q lacks %q", f.Last, part)
		}
	}
	// An outcome of another flow is not ours.
	other := New(f.ctx)
	done.Flow = other.id
	f.ClearResult()
	f.Update(done)
	if f.Last != "" {
		t.Error("a flow took another flow's outcome")
	}
}

func TestFailureIsReportedAndStillReread(t *testing.T) {
	s := &stub{doErr: &model.APIError{Provider: "p", Status: 409, Message: "not approvable"}}
	f := newFlow(false, s)
	var rr, dd int
	f.Begin(spec(&rr, &dd))
	f.Dialog().View(100, 30)
	f.Update(key(tea.KeyTab))
	msgs := run(f.Update(key(tea.KeyEnter)))
	run(f.Update(msgs[0]))
	if !f.LastErr || !strings.HasPrefix(f.Last, "✗ approve Conn-1 failed:") || !strings.Contains(f.Last, "409") || rr != 1 {
		t.Errorf("result %q (err %v), re-read %d", f.Last, f.LastErr, rr)
	}
	s.doErr = model.ErrReadOnly
	f.Begin(spec(&rr, &dd))
	f.Dialog().View(100, 30)
	f.Update(key(tea.KeyTab))
	msgs = run(f.Update(key(tea.KeyEnter)))
	run(f.Update(msgs[0]))
	if !strings.Contains(f.Last, "refused, read-only mode") || !errors.Is(model.ErrReadOnly, model.ErrReadOnly) {
		t.Errorf("read-only refusal: %q", f.Last)
	}
}

// A Param's Default stands for an empty input (the dialog opens with it
// planned), and its Check refuses a value before the planner sees it.
func TestParamDefaultAndCheck(t *testing.T) {
	s := &stub{}
	f := newFlow(false, s)
	var rr, dd int
	sp := spec(&rr, &dd)
	sp.Request.Params = map[string]string{"vnet": "1001"}
	sp.Param = &Param{Label: "VLAN", Key: "vnet", Default: "1001", Check: func(v string) error {
		if v != "1001" && v != "1002" {
			return errors.New("not a VLAN of this project")
		}
		return nil
	}}
	f.Begin(sp)
	if f.Dialog() == nil {
		t.Fatal("no dialog")
	}
	typ := func(r rune) { f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}) }
	last := func() model.ActionRequest { return s.planned[len(s.planned)-1] }
	for _, r := range "1002" {
		typ(r)
	}
	if got := f.Dialog().Action().Request.Params["vnet"]; got != "1002" || last().Params["vnet"] != "1002" {
		t.Fatalf("typed 1002: dialog plans %q", got)
	}
	n := len(s.planned)
	typ('9') // 10029: refused by Check, the planner is not asked
	if len(s.planned) != n {
		t.Error("the planner saw a value Check refuses")
	}
	f.Dialog().View(100, 30)
	f.Update(key(tea.KeyTab))
	f.Update(key(tea.KeyEnter))
	if !f.Active() || len(s.sent) != 0 || !strings.Contains(f.Dialog().View(100, 30), "not a VLAN of this project") {
		t.Fatalf("a refused value was confirmable:\n%s", f.Dialog().View(100, 30))
	}
	// Erased: the default is planned again, not an empty parameter.
	for range 5 {
		f.Update(key(tea.KeyBackspace))
	}
	if got := last().Params["vnet"]; got != "1001" {
		t.Errorf("empty input planned %q, want the default", got)
	}
	run(f.Update(key(tea.KeyEnter)))
	if len(s.sent) != 1 || s.sent[0].Request.Params["vnet"] != "1001" {
		t.Fatalf("sent %+v", s.sent)
	}
}
