package packet

import (
	"context"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/sim"
)

func TestSmoke(t *testing.T) {
	e := newEnv(t, 120, sim.Timing{})
	p := e.provider(t, validateAll)
	ctx := context.Background()
	nodes, err := p.Inventory(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	walk(nodes, func(x model.Node, d int) { n++ })
	t.Logf("nodes %d", n)
	cs, err := p.Connections(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("conns %d", len(cs))
	dev, _ := findNode(nodes, func(x model.Node) bool { return x.Kind == "server" && x.State == model.StateActive })
	for _, r := range []time.Duration{time.Hour, 24 * time.Hour, 7 * 24 * time.Hour} {
		ss, err := p.Series(ctx, model.SeriesQuery{Target: dev.Ref, Range: r})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v %s %d %v cap %v", r, ss[0].Name, len(ss[0].Samples), ss[0].Precision, ss[0].Capacity)
	}
	evs, err := p.Events(ctx, model.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("events %d", len(evs))
	caps, err := p.Capacity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("caps %d", len(caps))
	t.Log(e.log.Seen())
}
