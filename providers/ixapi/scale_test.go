package ixapi

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// Benchmarks of the simulator at --demo-scale sizes (the scale is the
// number of ports): building the exchange, and one page of ports.

func BenchmarkSimulatorBuild100k(b *testing.B) { benchBuild(b, 100_000) }
func BenchmarkSimulatorBuild1M(b *testing.B)   { benchBuild(b, 1_000_000) }

func benchBuild(b *testing.B, scale int) {
	var s *Simulator
	for b.Loop() {
		s = NewSimulator(sim.NewWorld(sim.Config{Seed: 1, Scale: scale, Clock: sim.NewFakeClock(testStart)}))
		s.e.Run(func(time.Time) {}) // built on first use
	}
	b.ReportMetric(float64(liveHeap())/(1<<20), "MB-live")
	runtime.KeepAlive(s)
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkPortsPage100k: a page of 1000 ports at a random offset.
func BenchmarkPortsPage100k(b *testing.B) {
	s := NewSimulator(sim.NewWorld(sim.Config{Seed: 1, Scale: 100_000, Clock: sim.NewFakeClock(testStart), Timing: sim.StillTiming()}))
	s.e.Run(func(time.Time) {})
	r := rand.New(rand.NewPCG(1, 1))
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("%s/ports?limit=1000&offset=%d", SimBasePath, r.IntN(99_000)), nil)
		req.Header.Set("Authorization", "Bearer "+DemoToken)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("ports: %d %s", rec.Code, rec.Body.String())
		}
	}
}
