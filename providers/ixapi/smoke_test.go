package ixapi

import (
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func TestSmoke(t *testing.T) {
	e := newEnv(t)
	p := e.provider()
	ctx := ctxT(t)
	t0 := time.Now()
	conns, err := p.Connections(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("connections: %d in %v", len(conns), time.Since(t0))
	for _, c := range conns[:3] {
		t.Logf("%+v", c.ID+" "+c.Name+" "+string(c.State)+" "+c.Type)
	}
	nodes, err := p.Inventory(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("roots %d", len(nodes))
	t0 = time.Now()
	ss, err := p.Series(ctx, model.SeriesQuery{Target: model.Ref{Type: "port", ID: "port-0001"}, Range: 30 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("series %d samples %d agg %s in %v", len(ss), len(ss[0].Samples), ss[0].Aggregate, time.Since(t0))
	var nsc string
	for _, c := range conns {
		if c.Type == "exchange_lan" {
			nsc = c.ID
			break
		}
	}
	peers, err := p.Peers(ctx, model.Ref{ID: nsc})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("peers %d first %+v", len(peers), peers[0])
	if e.val != nil {
		t.Logf("checked %v", e.val.checkedOps())
		t.Logf("uncovered %v", e.val.uncovered)
	}
}
