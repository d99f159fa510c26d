package ipam

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/ui/internal/text"
)

// Goldens: ASCII colour profile (TestMain), fixed clock, fixed size.
// Update with: go test ./ui/ipam/ -run TestGolden -update

func view(tp *testPane, w, h int) []byte {
	tp.p.SetSize(w, h)
	return []byte(text.Block(tp.p.View(), w, h))
}

func TestGoldenSummary(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam-demo"))
	golden.RequireEqual(t, view(tp, 120, 24))
}

func TestGoldenSummaryNarrow(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam-demo"))
	golden.RequireEqual(t, view(tp, 72, 30))
}

func TestGoldenMaskReport(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam-demo"))
	tp.p.SetView(ViewMasks)
	golden.RequireEqual(t, view(tp, 140, 16))
}

func TestGoldenMaskReportStacked(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam-demo"))
	tp.p.SetView(ViewMasks)
	golden.RequireEqual(t, view(tp, 80, 24))
}

func TestGoldenBlocksDrilled(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam-demo"))
	tp.keys("enter", "F", "down", "F", "enter")
	golden.RequireEqual(t, view(tp, 120, 24))
}

func TestGoldenHolding(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam-demo"))
	tp.p.SetView(ViewHolding)
	golden.RequireEqual(t, view(tp, 120, 10))
}
