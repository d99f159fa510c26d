package detail

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/model/modeltest"
	"github.com/noctop/noctop/ui/styles"
)

// TestDetailShowsNoProviderControl: a connection whose every field (and
// raw object) carries escapes, not sanitised on the way in, renders
// without a control.
func TestDetailShowsNoProviderControl(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	var c model.Connection
	modeltest.Fill(&c)
	m := New(c, time.Unix(0, 0), styles.New(styles.DefaultTheme()))
	m.SetSize(200, 500)
	v := m.View()
	if i := modeltest.FirstControl(v, true); i >= 0 || strings.ContainsAny(v, "\t\r") {
		t.Errorf("the detail view draws a control at %d:\n%q", i, v)
	}
	if !strings.Contains(v, "name            n␛]52;c;") || !strings.Contains(v, "x␛[2J") {
		t.Errorf("fields or raw object not shown as pictures:\n%s", v)
	}
}
