package fabric

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// BenchmarkRSS100k loads 100,000 connections from the simulator over HTTP
// and reports the client's live heap per connection: the heap (after a
// GC) holding the returned rows and the provider's own state, less the
// heap before the load (the simulator's world, which lives in this
// process too). NOCTOP_HEAPPROFILE=FILE writes a heap profile after the
// load. The goal (issue 10) is at most 1.5 KB a connection.
func BenchmarkRSS100k(b *testing.B) {
	const n = 100_000
	s := NewSimulator(sim.NewWorld(sim.Config{Seed: 1, Scale: n, Clock: sim.NewFakeClock(simEpoch), Timing: sim.StillTiming()}))
	s.Len() // build the world first: its memory is not the client's
	srv, err := sim.Start(s)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	var perConn, total, decodeAll, peakHeap float64
	for b.Loop() {
		b.StopTimer()
		before := liveHeap()
		b.StartTimer()
		p, err := New("rss", srv.URL(), Credentials{ClientID: DemoClientID, ClientSecret: DemoClientSecret})
		if err != nil {
			b.Fatal(err)
		}
		// The peak of the live heap during the load, sampled.
		stop := make(chan struct{})
		peakDone := make(chan uint64)
		go func() {
			var peak uint64
			var m runtime.MemStats
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					peakDone <- peak
					return
				case <-tick.C:
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapAlloc)
				}
			}
		}()
		cs, err := p.Connections(ctx, nil)
		close(stop)
		if peak := <-peakDone; peak > before {
			peakHeap = float64(peak-before) / (1 << 20)
		}
		if err != nil {
			b.Fatal(err)
		}
		if len(cs) < n {
			b.Fatalf("got %d connections", len(cs))
		}
		b.StopTimer()
		after := liveHeap()
		if f := os.Getenv("NOCTOP_HEAPPROFILE"); f != "" {
			if out, err := os.Create(f); err == nil {
				_ = pprof.WriteHeapProfile(out)
				_ = out.Close()
			}
		}
		t0 := time.Now()
		p.mu.Lock()
		p.eachFacts(func(connFacts) {})
		p.mu.Unlock()
		decodeAll = float64(time.Since(t0).Milliseconds())
		total = float64(after-before) / (1 << 20)
		perConn = float64(after-before) / float64(len(cs))
		runtime.KeepAlive(cs)
		runtime.KeepAlive(p)
		b.StartTimer()
	}
	b.ReportMetric(perConn, "B/conn-live")
	b.ReportMetric(total, "MB-client-live")
	// The heap's peak during the load, less the heap before it (includes
	// garbage not yet collected: an upper bound of what the load needs).
	b.ReportMetric(peakHeap, "MB-client-peak")
	// What Inventory and the VLANs-in-use scan pay to walk the cache.
	b.ReportMetric(decodeAll, "ms-walk-all")
}
