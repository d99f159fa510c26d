package vtable

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/model/modeltest"
	"github.com/noctop/noctop/ui/styles"
)

// TestCellsAreCleanedWhenDrawn: a row built from raw provider text (no
// cleaning on the way in) still draws without a control, selected or not.
func TestCellsAreCleanedWhenDrawn(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	st := styles.New(styles.DefaultTheme())
	tb := model.NewTable([]model.Column{{Name: "NAME"}, {Name: "STATE"}, {Name: "NOTE"}, {Name: "BW", Kind: model.ColNumber}})
	h := modeltest.Hostile
	tb.SetRows([]*model.Row{
		model.NewRow("a", []string{h, h, h, h}, []int64{0, 0, 0, 1}, nil),
		model.NewRow("b", []string{h, h, h, h}, []int64{0, 0, 0, 2}, nil),
	})
	m := New(cols, st)
	m.SetContentWidths(ContentWidths(tb.All(), 4))
	m.SetSize(200, 5)
	m.SetLen(tb.Len())
	if v := m.View(tb, plain{}); !modeltest.TerminalSafe(v, true) {
		t.Errorf("the table draws a control:\n%q", v)
	}
}
