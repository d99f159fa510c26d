package fabric

import (
	"testing"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// benchFetch reads 10,000 connections from the simulator with 20 ms of
// latency added to every request, with the given number of pages in flight.
func benchFetch(b *testing.B, concurrency int) {
	clk := sim.NewFakeClock(simEpoch)
	w := sim.NewWorld(sim.Config{Seed: 1, Scale: 10_000, Clock: clk, Timing: sim.StillTiming()})
	s := NewSimulator(w)
	faults := sim.NewFaults(sim.FaultSpec{LatencyMin: 20 * time.Millisecond, LatencyMax: 20 * time.Millisecond}, 1)
	srv, err := sim.Start(faults.Wrap(s, SimFaultHooks()))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	p, err := New("bench", srv.URL(), Credentials{ClientID: DemoClientID, ClientSecret: DemoClientSecret}, WithConcurrency(concurrency))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.Connections(ctx, nil); err != nil { // token, ports, warm caches
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		cs, err := p.Connections(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(cs) != 10_000 {
			b.Fatalf("got %d connections", len(cs))
		}
	}
}

// BenchmarkFetch10kConcurrent: 100 pages of 100, 8 in flight (the default).
func BenchmarkFetch10kConcurrent(b *testing.B) { benchFetch(b, DefaultConcurrency) }

// BenchmarkFetch10kSequential: the same pages, one after the other.
func BenchmarkFetch10kSequential(b *testing.B) { benchFetch(b, 1) }
