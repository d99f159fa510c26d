package fabric

import (
	"testing"

	"github.com/noctop/noctop/providers/sim"
)

// BenchmarkSimulatorBuild100k: building the --demo-scale 100000 world.
func BenchmarkSimulatorBuild100k(b *testing.B) {
	for b.Loop() {
		NewSimulator(sim.NewWorld(sim.Config{Seed: 1, Scale: 100_000, Clock: sim.NewFakeClock(simEpoch)}))
	}
}
