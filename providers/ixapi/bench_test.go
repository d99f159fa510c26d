package ixapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// BenchmarkSeries30d measures what the traffic pane waits for when it
// opens on a port: Series for 30 days against the simulator over loopback
// (statistics + an 8,640-sample timeseries, decoded, gridded, converted).
// "warm": the simulator has the series cached (it keeps computed windows);
// "cold": a different port each time, so the simulator computes 30 days of
// one-minute traffic first, as on first open.
func BenchmarkSeries30d(b *testing.B) {
	e := newEnv(b, withoutSpec())
	p := e.provider()
	ctx := ctxT(b)
	if _, err := p.Connections(ctx, nil); err != nil {
		b.Fatal(err)
	}
	q := model.SeriesQuery{Target: model.Ref{Type: "port", ID: "port-0001"}, Range: 30 * 24 * time.Hour}
	b.Run("warm", func(b *testing.B) {
		if _, err := p.Series(ctx, q); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := p.Series(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cold", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			q := model.SeriesQuery{Target: model.Ref{Type: "port", ID: fmt.Sprintf("port-%04d", 2+i%290)}, Range: 30 * 24 * time.Hour}
			if _, err := p.Series(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkConnections is one refresh of the Connections pane (connections,
// configs, services, ports; reference data cached) against the simulator.
func BenchmarkConnections(b *testing.B) {
	e := newEnv(b, withoutSpec())
	p := e.provider()
	ctx := ctxT(b)
	if _, err := p.Connections(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Connections(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeTimeseries30d is the client's share: decoding 8,640
// tuples (fast path) versus encoding/json (slow path).
func BenchmarkDecodeTimeseries30d(b *testing.B) {
	e := newEnv(b, withoutSpec())
	var body []byte
	e.sim.e.Run(func(now time.Time) {
		st, _ := e.sim.streamOf("ports", "port-0001")
		body = e.sim.timeseriesJSON(st, spanOf(simWindows[2], now, false)) // 30d at 5m
	})
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for i := 0; i < b.N; i++ {
			ts, err := decodeTimeseries(body)
			if err != nil || len(ts.Samples) < 8000 {
				b.Fatal(err, len(ts.Samples))
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for i := 0; i < b.N; i++ {
			raw := extractSamples(body)
			s, _, err := decodeSamplesSlow(raw, defaultOrder)
			if err != nil || len(s) < 8000 {
				b.Fatal(err, len(s))
			}
		}
	})
}
