package provision

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

func TestSimulatorWorldShape(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	bs := loadAll(t, p)
	tr := model.BuildBlockTree(bs)
	if tr.Cut != 0 || tr.Missing != 0 {
		t.Fatalf("broken links: cut %d missing %d", tr.Cut, tr.Missing)
	}
	rirs, regions, fams := map[string]bool{}, map[string]bool{}, map[model.IPFamily]bool{}
	hot, warm := 0, 0
	for _, r := range tr.Roots() {
		b := tr.Block(r)
		rirs[b.RIR], regions[b.Region], fams[b.Family] = true, true, true
		if s := tr.UsedShare(r); s > 0.9 {
			hot++
		} else if s > 0.8 {
			warm++
		}
		if b.Parent != 0 || b.TopAggregate != 0 {
			t.Fatalf("aggregate %s has parent %d top %d", b.CIDR(), b.Parent, b.TopAggregate)
		}
	}
	if len(rirs) < 4 || len(regions) < 8 || !fams[model.IPv4] || !fams[model.IPv6] {
		t.Fatalf("rirs %v regions %v families %v", rirs, regions, fams)
	}
	if hot < 2 || hot > 6 {
		t.Fatalf("%d pools above 90%% (want a few)", hot)
	}
	counts := map[model.BlockStatus]int{}
	vlans := 0
	for i := range bs {
		x := int32(i)
		b := tr.Block(x)
		counts[b.Status]++
		if p := tr.Parent(x); p >= 0 {
			pb := tr.Block(p)
			if !pb.Prefix.Contains(b.Prefix.Addr()) || b.Mask() != pb.Mask()+1 {
				t.Fatalf("%s is not a half of %s", b.CIDR(), pb.CIDR())
			}
			lower := pb.Child1 == b.ID
			if lower != (b.Prefix.Addr() == pb.Prefix.Addr()) {
				t.Fatalf("child1 of %s must be the lower half, got %s", pb.CIDR(), b.CIDR())
			}
			if b.TopAggregate != tr.Block(tr.Path(x)[0]).ID {
				t.Fatalf("%s top_aggregate %d", b.CIDR(), b.TopAggregate)
			}
		}
		if b.Leaf != (b.Status != model.BlockSplit) {
			t.Fatalf("%s: is_aggregate %v but status %s", b.CIDR(), b.Leaf, b.Status)
		}
		if b.Status == model.BlockAssigned && b.VLAN > 0 {
			vlans++
			// The VLAN is the shared world's service VLAN of that customer in that metro.
			company := int(b.ResourceID - simCustomerID)
			ok := false
			for _, m := range regionMetros {
				if mm, _ := sim.MetroByCode(m); mm.IATA == b.Region && sim.ServiceVLAN(e.world.Seed(), m, company) == b.VLAN {
					ok = true
				}
			}
			if !ok {
				t.Fatalf("%s vlan %d is not the service VLAN of resource %d", b.CIDR(), b.VLAN, b.ResourceID)
			}
		}
	}
	if counts[model.BlockAssigned] < 100 || counts[model.BlockHolding] < 5 || counts[model.BlockAvailable] < 50 || counts[model.BlockSplit] < 100 || vlans < 50 {
		t.Fatalf("status mix %v, %d with VLANs", counts, vlans)
	}
}

func TestSimulatorIsDeterministic(t *testing.T) {
	a := newEnv(t, 0)
	b := newEnv(t, 0)
	ba, bb := loadAll(t, a.provider(t)), loadAll(t, b.provider(t))
	if !reflect.DeepEqual(ba, bb) {
		t.Fatal("two worlds with the same seed differ")
	}
	big := newEnv(t, 3000)
	if n := big.sim.BlockCount(); n < 5*a.sim.BlockCount() {
		t.Fatalf("scale 3000 has %d blocks, scale 300 has %d", n, a.sim.BlockCount())
	}
}

func TestSimulatorChurnFillsTheHoldingTank(t *testing.T) {
	clk := sim.NewFakeClock(simEpoch)
	w := sim.NewWorld(sim.Config{Seed: 3, Clock: clk, Timing: sim.DemoTiming()})
	s := NewSimulator(w)
	srv := httptest.NewServer(s)
	defer srv.Close()
	p, err := New("churn", srv.URL, demoCreds, httpx.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	held := func() int {
		n := 0
		for _, b := range loadAll(t, p) {
			if b.Status == model.BlockHolding {
				n++
			}
		}
		return n
	}
	before := held()
	clk.Advance(30 * time.Minute)
	if after := held(); after <= before {
		t.Fatalf("holding %d -> %d after half an hour of churn", before, after)
	}
}

func TestSimulatorProtocol(t *testing.T) {
	e := newEnv(t, 0)
	get := func(method, rawQuery string) (int, map[string]any) {
		req, _ := http.NewRequest(method, e.srv.URL+basePath+APIPath+"?"+SignQuery(rawQuery, demoCreds), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		b, _ := io.ReadAll(resp.Body)
		_ = json.Unmarshal(b, &m)
		return resp.StatusCode, m
	}
	for _, q := range []string{"target=dns&action=get", "target=ipam&action=explode", "target=ipam&action=getHostUtilization",
		"target=ipam&action=get&selectOffset=-1", "target=ipam&action=smartAssign&mask=29", "target=ipam&action=deassign&blockId=1",
		"target=ipam&action=processHoldingTank&preview=maybe", "target=ipam&action=get&sortField=evil"} {
		st, m := get(http.MethodGet, q)
		if st != 200 || m["success"] != float64(0) || m["message"] == "" {
			t.Errorf("%s: %d %v", q, st, m)
		}
	}
	st, m := get(http.MethodGet, "target=ipam&action=get&selectCount=3&sortField=mask&sortOrder=DESC")
	data, _ := m["data"].([]any)
	if st != 200 || m["success"] != float64(1) || len(data) != 3 {
		t.Fatalf("get: %d %v", st, m["message"])
	}
	first := data[0].(map[string]any)
	for _, k := range []string{"id", "cidr", "address", "end_address", "mask", "parent", "child1", "child2", "top_aggregate", "is_aggregate", "is_assigned", "resource_name", "region", "vlan", "rir", "tags", "lir_id"} {
		if _, ok := first[k]; !ok {
			t.Errorf("block lacks %q", k)
		}
	}
	st, _ = get(http.MethodDelete, "target=ipam&action=get")
	if st != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE: %d", st)
	}
	// Injected faults look like ProVision's envelope.
	ct, body := FaultHooks().ErrorBody(503, nil)
	var env Envelope
	if ct != "application/json" || json.Unmarshal(body, &env) != nil || env.Success == nil || *env.Success {
		t.Fatalf("fault body %s", body)
	}
}

func TestProviderAgainstChaos(t *testing.T) {
	// Reads survive the flaky preset thanks to retries; nothing panics.
	clk := sim.NewFakeClock(simEpoch)
	w := sim.NewWorld(sim.Config{Seed: 5, Clock: clk, Timing: sim.StillTiming()})
	spec, _ := sim.ParseFaults("5xx=0.2,malformed=0.05")
	f := sim.NewFaults(spec, 1)
	srv := httptest.NewServer(f.Wrap(NewSimulator(w), FaultHooks()))
	defer srv.Close()
	p, err := New("chaos", srv.URL, demoCreds, httpx.WithRetry(noSleepRetry()), WithPageSize(100))
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for i := 0; i < 10; i++ {
		if _, err := p.Blocks(context.Background(), model.BlockQuery{}, nil); err == nil {
			ok++
		} else if !strings.Contains(err.Error(), "chaos") {
			t.Fatalf("error does not name the provider: %v", err)
		}
	}
	if ok == 0 {
		t.Fatal("no listing survived 20% 5xx with retries")
	}
}
