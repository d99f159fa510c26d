package fabric

import (
	"encoding/json"
	"testing"

	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

// samplePage is one 100-connection search page as the simulator serves it.
func samplePage(b *testing.B) []byte {
	b.Helper()
	s := NewSimulator(sim.NewWorld(sim.Config{Seed: 1, Scale: 100, Clock: sim.NewFakeClock(simEpoch)}))
	s.engine.Lock()
	defer s.engine.Unlock()
	resp := ConnectionSearchResponse{Pagination: &Pagination{Limit: 100, Total: 100}}
	for _, sc := range s.order {
		resp.Data = append(resp.Data, *s.conn(sc))
	}
	body, _ := json.Marshal(resp)
	return body
}

// BenchmarkDecodeSearchPage: the client's streaming decoder on one page.
func BenchmarkDecodeSearchPage(b *testing.B) {
	body := samplePage(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := decodeSearchPage(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeSearchPageUnmarshal: plain encoding/json with raw capture
// (what decodeSearchPage replaces).
func BenchmarkDecodeSearchPageUnmarshal(b *testing.B) {
	body := samplePage(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var out ConnectionSearchResponse
		if err := httpx.DecodeJSON(body, &out); err != nil {
			b.Fatal(err)
		}
	}
}
