package provision

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/sim"
)

// BenchmarkDecodeBlocksPage decodes and adapts one 5,000-block page of
// action=get as the simulator prints it.
func BenchmarkDecodeBlocksPage(b *testing.B) {
	w := sim.NewWorld(sim.Config{Seed: 1, Scale: 3000, Clock: sim.NewFakeClock(simEpoch), Timing: sim.StillTiming()})
	s := NewSimulator(w)
	rec := httptest.NewRecorder()
	s.engine.Lock()
	q := map[string][]string{"selectCount": {"5000"}}
	s.handleGet(rec, q)
	s.engine.Unlock()
	body := rec.Body.Bytes()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		env, err := parseEnvelope(body, func(string) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		ws, err := phpList[Block](env.Data)
		if err != nil {
			b.Fatal(err)
		}
		ad := newAdapter("b", 0)
		for j := range ws {
			if _, err := ad.block(&ws[j]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkListBlocks lists every block of a scale-3000 world over HTTP.
func BenchmarkListBlocks(b *testing.B) {
	w := sim.NewWorld(sim.Config{Seed: 1, Scale: 3000, Clock: sim.NewFakeClock(simEpoch), Timing: sim.StillTiming()})
	srv := httptest.NewServer(NewSimulator(w))
	defer srv.Close()
	p, err := New("b", srv.URL, demoCreds, WithPageSize(1000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bs, err := p.Blocks(context.Background(), model.BlockQuery{}, nil)
		if err != nil || len(bs) == 0 {
			b.Fatal(err)
		}
	}
}

var _ = json.Marshal
