package metal

import (
	"runtime"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/sim"
)

// BenchmarkConnections10k lists an estate of ~10,000 virtual circuits
// (1,000 interconnections) from the simulator over loopback: every page,
// every interconnection's VC list, the VRF names; rows built.
func BenchmarkConnections10k(b *testing.B) {
	e := newEnv(b, 10_000, sim.Timing{})
	p := e.provider(b, noValidation)
	conns, vcs, _ := e.sim.Stats()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var prog model.Progress
		cs, err := p.Connections(ctxT(b), &prog)
		if err != nil {
			b.Fatal(err)
		}
		if len(cs) != conns+vcs {
			b.Fatalf("%d rows, want %d", len(cs), conns+vcs)
		}
	}
	b.ReportMetric(float64(vcs), "vcs")
}

// TestScale10k reports what one listing of ~10k VCs costs (run with -v).
func TestScale10k(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test")
	}
	e := newEnv(t, 10_000, sim.Timing{})
	p := e.provider(t, noValidation)
	conns, vcs, _ := e.sim.Stats()
	before := e.sim.Requests()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := time.Now()
	var prog model.Progress
	cs, err := p.Connections(ctxT(t), &prog)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	requests := e.sim.Requests() - before
	done, total := prog.Load()
	if len(cs) != conns+vcs || done != total || done < conns {
		t.Fatalf("%d rows (want %d), progress %d/%d", len(cs), conns+vcs, done, total)
	}
	start = time.Now()
	nodes, err := p.Inventory(ctxT(t), nil)
	if err != nil || len(nodes) == 0 {
		t.Fatal(err)
	}
	inv := time.Since(start)
	t.Logf("%d interconnections + %d VCs: %d requests, listing %s, inventory %s, %.1f MB allocated, %.1f MB live after GC",
		conns, vcs, requests, took.Round(time.Millisecond), inv.Round(time.Millisecond),
		float64(m1.TotalAlloc-m0.TotalAlloc)/1e6, float64(m1.HeapAlloc)/1e6)
}
