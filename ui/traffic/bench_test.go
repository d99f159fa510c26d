package traffic

import (
	"testing"
	"time"

	"github.com/guptarohit/asciigraph"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/widgets/graph"
)

// benchMonth is 30 days of 5-minute samples (8,640) with a daily cycle and
// one burst.
func benchMonth() []model.Sample {
	s := make([]model.Sample, 8640)
	for i := range s {
		s[i] = model.Sample{T: fixedNow.Add(-30*24*time.Hour + time.Duration(i)*5*time.Minute), V: 1e9 + float64(i%288)*1e7}
	}
	s[5000].V = 9.8e9
	return s
}

const benchCols, benchRows = 120, 30

// BenchmarkTrafficRender30d is what the pane does for one series: peak-
// preserving downsampling of 8,640 samples to 120 columns, then the plot.
func BenchmarkTrafficRender30d(b *testing.B) {
	s := benchMonth()
	w := benchCols + 11 // label and axis: 120 data columns
	if graph.Columns(w) != benchCols {
		b.Fatalf("width %d gives %d columns", w, graph.Columns(w))
	}
	label := func(v float64) string { return model.FormatBits(v) }
	from, to := s[0].T, s[len(s)-1].T.Add(5*time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		// As the pane does: the window comes from the stats computed at
		// fetch time, not from a scan of the samples.
		bk := model.Downsample(s, model.DownsampleOptions{Columns: benchCols, Precision: 5 * time.Minute, From: from, To: to})
		out := graph.Render(graph.Spec{Width: w, Height: benchRows + 3, Upper: 10e9, Label: label,
			Lines: []graph.Line{{Values: model.MaxLine(make([]float64, 0, benchCols), bk), Style: graph.StyleAt(0)}},
			From:  from, To: to})
		if len(out) == 0 {
			b.Fatal("empty plot")
		}
	}
}

// BenchmarkAsciigraphRaw30d hands the raw 8,640 samples to asciigraph.Plot
// (same height): the cost the downsampling avoids.
func BenchmarkAsciigraphRaw30d(b *testing.B) {
	s := benchMonth()
	raw := make([]float64, len(s))
	for i := range s {
		raw[i] = s[i].V
	}
	b.ReportAllocs()
	for b.Loop() {
		out := asciigraph.Plot(raw, asciigraph.Height(benchRows), asciigraph.LowerBound(0), asciigraph.UpperBound(10e9))
		if len(out) == 0 {
			b.Fatal("empty plot")
		}
	}
}

// BenchmarkAsciigraphWidth30d is asciigraph's own Width(120) on the raw
// samples: about as cheap, but it interpolates and drops the burst (see
// graph.TestAsciigraphWidthDropsSpikes). For comparison only.
func BenchmarkAsciigraphWidth30d(b *testing.B) {
	s := benchMonth()
	raw := make([]float64, len(s))
	for i := range s {
		raw[i] = s[i].V
	}
	b.ReportAllocs()
	for b.Loop() {
		asciigraph.Plot(raw, asciigraph.Width(benchCols), asciigraph.Height(benchRows), asciigraph.LowerBound(0), asciigraph.UpperBound(10e9))
	}
}

// BenchmarkTrafficPaneRebuild30d is the whole pane rebuild after new data
// (in and out, 8,640 samples each, legend) at 131×40.
func BenchmarkTrafficPaneRebuild30d(b *testing.B) {
	r := newRig(&testing.T{})
	r.p.rng = 4
	r.open(portTarget())
	g, _ := r.p.Graph()
	b.ReportAllocs()
	for b.Loop() {
		g.gen++
		r.p.View()
	}
}

// BenchmarkTrafficPaneView is a frame with nothing changed: cached.
func BenchmarkTrafficPaneView(b *testing.B) {
	r := newRig(&testing.T{})
	r.p.rng = 4
	r.open(portTarget())
	r.p.View()
	b.ReportAllocs()
	for b.Loop() {
		r.p.View()
	}
}
