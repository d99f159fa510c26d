package ipam

import (
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/pane"
)

// bigPane is a pane showing a 1,000,000-block IPAM.
func bigPane(tb testing.TB, expandAll bool) *testPane {
	t, ok := tb.(*testing.T)
	if !ok {
		t = &testing.T{}
	}
	tp := newTestPane(t, false, newFake("big"))
	blocks := NewBlocks("big", genBlocks(1_000_000, 3))
	k := Key("big", ResBlocks)
	tp.hub().Set(k, blocks)
	tp.p.Update(pane.ChangedMsg{Key: k, DataChanged: true})
	tp.p.SetView(ViewBlocks)
	tp.p.SetSize(160, 50)
	if expandAll {
		for i := range blocks.List {
			if blocks.List[i].Status == model.BlockSplit {
				tp.p.br.expanded[blocks.List[i].ID] = true
			}
		}
		tp.p.br.rebuild()
		tp.p.br.moveTo(len(tp.p.br.rows) / 2)
	}
	return tp
}

func TestViewOfAMillionBlocksIsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a million blocks")
	}
	tp := bigPane(t, true)
	if n := len(tp.p.br.rows); n != 1_000_000 {
		t.Fatalf("%d rows expanded, want all 1,000,000", n)
	}
	start := time.Now()
	const n = 200
	for i := 0; i < n; i++ {
		tp.p.br.move(1)
		_ = tp.p.View()
	}
	// The budget is 1 ms per View; allow headroom for a loaded CI machine
	// running the race detector.
	if per := time.Since(start) / n; per > 20*time.Millisecond {
		t.Fatalf("View took %s per frame", per)
	}
}

// BenchmarkIPAMView1M renders the block browser of a 1,000,000-block IPAM
// with every block expanded (budget: 1 ms per View).
func BenchmarkIPAMView1M(b *testing.B) {
	tp := bigPane(b, true)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tp.p.br.move(1 - 2*(i%2))
		_ = tp.p.View()
	}
}

// BenchmarkIPAMSummaryView1M renders the summary (regions from the pools)
// of the same IPAM.
func BenchmarkIPAMSummaryView1M(b *testing.B) {
	tp := bigPane(b, false)
	tp.p.SetView(ViewSummary)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = tp.p.View()
		_ = tp.p.Badge()
		_ = tp.p.ProviderStatus("big")
	}
}

// BenchmarkIPAMFlatten1M expands every block of a 1,000,000-block tree
// (the cost of a key that changes what is visible, not of View).
func BenchmarkIPAMFlatten1M(b *testing.B) {
	tp := bigPane(b, true)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tp.p.br.rebuild()
	}
}

// BenchmarkIPAMTreeBuild1M is model.BuildBlockTree plus the pane's data
// wrapper (NewBlocks), as the fetch does it.
func BenchmarkIPAMTreeBuild1M(b *testing.B) {
	list := genBlocks(1_000_000, 3)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = NewBlocks("big", list)
	}
}
