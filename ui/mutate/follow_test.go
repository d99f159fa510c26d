package mutate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
)

// confirmAndRun confirms the open dialog and delivers the outcome.
func confirmAndRun(t *testing.T, f *Flow) {
	t.Helper()
	f.Dialog().View(100, 40)
	f.Update(key(tea.KeyTab))
	msgs := run(f.Update(key(tea.KeyEnter)))
	if len(msgs) != 1 {
		t.Fatalf("confirm gave %v", msgs)
	}
	run(f.Update(msgs[0]))
}

// followOnce delivers re-read n and returns what it did.
func followOnce(t *testing.T, f *Flow, n int) {
	t.Helper()
	if f.follow == nil {
		t.Fatalf("re-read %d: not following", n)
	}
	msgs := run(f.Update(followMsg{flow: f.id, seq: f.follow.seq, n: n}))
	if len(msgs) != 1 {
		t.Fatalf("re-read %d gave %v", n, msgs)
	}
	run(f.Update(msgs[0]))
}

func TestFollowUntilSettledOrGiveUp(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []string // what each re-read finds, the first after the action
		want     string
		follows  bool
	}{
		{"settles", []string{"changing_vlan", "changing_vlan", ""}, "✓ approve Conn-1 · now:  · settled after 2 re-reads", true},
		{"already settled", []string{""}, "✓ approve Conn-1", false},
		{"gives up", []string{"deleting", "deleting", "deleting", "deleting", "deleting", "deleting"}, "✓ approve Conn-1 · now: deleting · stopped following after 5 re-reads: still deleting", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &stub{}
			f := newFlow(false, s)
			i := 0
			sp := spec(new(int), new(int))
			sp.Follow = true
			sp.Reread = func(model.Outcome) Reread {
				st := tc.statuses[min(i, len(tc.statuses)-1)]
				i++
				return Reread{Now: "now: " + st, Transitional: st}
			}
			f.Begin(sp)
			confirmAndRun(t, f)
			if (f.follow != nil) != tc.follows {
				t.Fatalf("following %v, want %v (%q)", f.follow != nil, tc.follows, f.Last)
			}
			for n := 0; f.follow != nil; n++ {
				if n > len(FollowDelays) {
					t.Fatal("never gave up")
				}
				followOnce(t, f, n)
			}
			if !strings.Contains(f.Last, tc.want) {
				t.Fatalf("last %q, want %q", f.Last, tc.want)
			}
			if len(s.sent) != 1 {
				t.Errorf("sent %d times: following must only read", len(s.sent))
			}
		})
	}
}

func TestFollowNotAfterFailure(t *testing.T) {
	s := &stub{doErr: &model.APIError{Provider: "p", Status: 422, Message: "no"}}
	f := newFlow(false, s)
	sp := spec(new(int), new(int))
	sp.Follow = true
	sp.Reread = func(model.Outcome) Reread { return Reread{Transitional: "activating"} }
	f.Begin(sp)
	confirmAndRun(t, f)
	if f.follow != nil {
		t.Fatal("followed a failed action")
	}
}

// pickStub plans with the chosen port and VLAN, refusing a used one.
type pickStub struct{ stub }

func (p *pickStub) Plan(req model.ActionRequest) (model.Action, error) {
	a, _ := p.stub.Plan(req)
	if req.Params["vlan"] == "5" {
		return model.Action{}, errors.New("VLAN 5 is already in use on port " + req.Params["port"])
	}
	a.HTTP.Body = []byte(fmt.Sprintf(`{"port": %q, "vlan": %q}`, req.Params["port"], req.Params["vlan"]))
	return a, nil
}

func TestChooseLoadsThenOpensWithPick(t *testing.T) {
	s := &pickStub{}
	f := newFlow(false, &s.stub)
	f.ctx.Sources[0].Planner = s
	sp := spec(new(int), new(int))
	sp.Param = &Param{Label: "VLAN", Key: "vlan"}
	sp.Choose = &Choose{Preparing: "reading ports", Load: func(context.Context) (Choices, error) {
		return Choices{Label: "Port", Options: []string{"P1", "P2"}, Selected: 1,
			ParamFor: func(i, _ int, _ string) string { return []string{"10", "20"}[i] },
			Apply: func(ps map[string]string, i int, v string) error {
				ps["port"], ps["vlan"] = []string{"P1", "P2"}[i], v
				return nil
			}}, nil
	}}
	msgs := run(f.Begin(sp))
	if f.Preparing() != "reading ports" || len(msgs) != 1 {
		t.Fatalf("preparing %q, msgs %v", f.Preparing(), msgs)
	}
	run(f.Update(msgs[0]))
	d := f.Dialog()
	if d == nil || d.Choice() != 1 || string(d.Action().HTTP.Body) != `{"port": "P2", "vlan": "20"}` {
		t.Fatalf("dialog %v", d)
	}
	f.Update(key(tea.KeyUp))
	if b := string(f.Dialog().Action().HTTP.Body); b != `{"port": "P1", "vlan": "10"}` {
		t.Fatalf("after up: %s", b)
	}
	// Nothing to choose: the action goes on without a choice.
	sp.Choose.Load = func(context.Context) (Choices, error) {
		return Choices{}, fmt.Errorf("%w: names its port", model.ErrUnsupported)
	}
	f.Update(key(tea.KeyEsc))
	msgs = run(f.Begin(sp))
	run(f.Update(msgs[0]))
	if f.Dialog() == nil || f.Dialog().Choice() != -1 {
		t.Fatal("no plain dialog after an unsupported choice")
	}
}
