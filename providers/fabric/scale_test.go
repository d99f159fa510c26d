package fabric

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// Benchmarks of the simulator at --demo-scale sizes: building the world
// and serving one search page right after the world changed (what a
// client listing a live world sees).

func BenchmarkSimulatorBuild100k(b *testing.B) { benchBuild(b, 100_000) }
func BenchmarkSimulatorBuild1M(b *testing.B)   { benchBuild(b, 1_000_000) }

func benchBuild(b *testing.B, scale int) {
	var live uint64
	for b.Loop() {
		s := NewSimulator(sim.NewWorld(sim.Config{Seed: 1, Scale: scale, Clock: sim.NewFakeClock(simEpoch)}))
		s.Len() // the world is built on first use
		b.StopTimer()
		live = liveHeap()
		runtime.KeepAlive(s)
		b.StartTimer()
	}
	b.ReportMetric(float64(live)/(1<<20), "MB-live")
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func BenchmarkSearchPageAfterChange100k(b *testing.B) { benchPage(b, 100_000, "") }
func BenchmarkSearchPageAfterChange1M(b *testing.B)   { benchPage(b, 1_000_000, "") }

// ByUUID is how the provider lists every connection.
func BenchmarkSearchPageByUUIDAfterChange100k(b *testing.B) {
	benchPage(b, 100_000, `"sort":[{"property":"/uuid","direction":"ASC"}],`)
}
func BenchmarkSearchPageByUUIDAfterChange1M(b *testing.B) {
	benchPage(b, 1_000_000, `"sort":[{"property":"/uuid","direction":"ASC"}],`)
}

var (
	benchSimsMu sync.Mutex
	benchSims   = map[int]*Simulator{}
)

// benchSim is a world of the given scale, built once per test binary.
func benchSim(scale int) *Simulator {
	benchSimsMu.Lock()
	defer benchSimsMu.Unlock()
	if s := benchSims[scale]; s != nil {
		return s
	}
	s := NewSimulator(sim.NewWorld(sim.Config{Seed: 1, Scale: scale, Clock: sim.NewFakeClock(simEpoch), Timing: sim.StillTiming()}))
	s.Len()
	benchSims[scale] = s
	return s
}

// benchPage serves 100-connection pages at random offsets, changing one
// connection before each (its update time moves, so it moves in the
// default order).
func benchPage(b *testing.B, scale int, sort string) {
	s := benchSim(scale)
	r := rand.New(rand.NewPCG(1, 1))
	at := simEpoch
	b.ResetTimer()
	for b.Loop() {
		s.engine.Run(func(time.Time) {
			sc := s.order[r.IntN(len(s.order))]
			c := s.pin(sc)
			at = at.Add(time.Second)
			c.ChangeLog.UpdatedDateTime = stamp(at)
			s.bump(sc)
		})
		body := fmt.Sprintf(`{%s"pagination":{"offset":%d,"limit":100}}`, sort, r.IntN(scale-100))
		req := httptest.NewRequest(http.MethodPost, SearchPath, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+DemoToken)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("search: %d %s", rec.Code, rec.Body.String())
		}
	}
}
