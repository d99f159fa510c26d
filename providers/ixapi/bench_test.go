package ixapi

import (
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// BenchmarkSeries30d measures what the traffic pane waits for: Series for
// 30 days of a port against the simulator over loopback (statistics +
// 8,640-sample timeseries, decoded and gridded).
func BenchmarkSeries30d(b *testing.B) {
	e := newEnv(b, withoutSpec())
	p := e.provider()
	ctx := ctxT(b)
	q := model.SeriesQuery{Target: model.Ref{Type: "port", ID: "port-0001"}, Range: 30 * 24 * time.Hour}
	if _, err := p.Series(ctx, q); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Series(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}
