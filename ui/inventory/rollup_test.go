package inventory

import (
	"context"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
)

type fixedTree []model.Node

func (f fixedTree) Inventory(context.Context, *model.Progress) ([]model.Node, error) { return f, nil }

// A collapsed row shows failures inside it when the provider did not roll
// its state up; where it did (the row is failed itself), it is not said twice.
func TestCollapsedRowsRollUpFailures(t *testing.T) {
	port := func(name string, st model.State, raw string) model.Node {
		return model.Node{Ref: model.Ref{Type: "port", ID: name}, Kind: "port", Label: name, State: st, RawState: raw}
	}
	tree := fixedTree{
		{Kind: "metro", Label: "Frankfurt", Children: []model.Node{
			{Kind: "facility", Label: "FR2", State: model.StateActive, Children: []model.Node{
				{Kind: "device", Label: "edge1", State: model.StateActive, Children: []model.Node{
					port("et-1", model.StateActive, "up"), port("et-2", model.StateActive, "down"), port("et-3", model.StateFailed, "")}},
			}},
			{Kind: "facility", Label: "FR4", State: model.StateFailed, Children: []model.Node{
				{Kind: "device", Label: "edge2", State: model.StateFailed, Children: []model.Node{port("et-9", model.StateFailed, "")}}}},
			{Kind: "facility", Label: "FR5", State: model.StateActive, Children: []model.Node{
				{Kind: "device", Label: "edge3", State: model.StateActive, Children: []model.Node{port("et-7", model.StateActive, "up")}}}},
		}},
	}
	planner := fake.NewServers("ix") // it can act, but no node offers an action
	src := model.Source{Name: "ix", Kind: "ixapi", Inventory: tree, Planner: planner, Runner: planner}
	hub := fakehub.New(clock, src)
	t.Cleanup(hub.Close)
	ctx := &pane.Context{Sources: []model.Source{src}, Hub: hub, Keys: keys.Default(),
		Styles: styles.New(styles.DefaultTheme()), Now: clock}
	p := NewPane(ctx)
	p.SetSize(140, 20)
	k := Key("ix")
	if err := hub.Load(k); err != nil {
		t.Fatal(err)
	}
	p.Update(pane.ChangedMsg{Key: k, DataChanged: true})
	line := func(label string) string {
		for _, l := range strings.Split(p.View(), "\n") {
			if strings.Contains(l, label) {
				return l
			}
		}
		t.Fatalf("no row %q:\n%s", label, p.View())
		return ""
	}
	for _, b := range p.Keys().Bindings {
		if b.Action == "bond" || b.Action == "power_off" {
			t.Errorf("%s is in the table of an inventory where no node offers it", b.Action)
		}
	}
	if l := line("FR2"); !strings.Contains(l, "FR2 (1)  ✗ 2 failed inside") {
		t.Errorf("FR2 (a port down, a port failed, collapsed): %q", l)
	}
	if l := line("FR4"); strings.Contains(l, "inside") {
		t.Errorf("FR4 is failed itself: the roll-up is its provider's: %q", l)
	}
	if l := line("FR5"); strings.Contains(l, "inside") {
		t.Errorf("FR5 has nothing failed: %q", l)
	}
	// Open FR2: the marker moves down to the collapsed device.
	p.expanded[p.roots[0].children[0].children[0].key] = true
	p.reflow("")
	if l := line("FR2"); strings.Contains(l, "inside") {
		t.Errorf("an open row lists its children itself: %q", l)
	}
	if l := line("edge1"); !strings.Contains(l, "edge1 (3)  ✗ 2 failed inside") {
		t.Errorf("edge1: %q", l)
	}
}
