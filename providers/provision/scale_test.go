package provision

import (
	"runtime"
	"testing"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// Building the simulated world at --demo-scale sizes (it is built on
// first use).

func BenchmarkSimulatorBuild100k(b *testing.B) { benchBuild(b, 100_000) }
func BenchmarkSimulatorBuild1M(b *testing.B)   { benchBuild(b, 1_000_000) }

func benchBuild(b *testing.B, scale int) {
	var s *Simulator
	for b.Loop() {
		s = NewSimulator(sim.NewWorld(sim.Config{Seed: 1, Scale: scale, Clock: sim.NewFakeClock(simEpoch)}))
		s.engine.Run(func(time.Time) {})
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "MB-live")
	runtime.KeepAlive(s)
}
