package confirm

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/model/modeltest"
	"github.com/noctop/noctop/ui/styles"
)

// TestDialogShowsNoProviderControl: an action planned from raw provider
// text (title, target line, path, body, confirmation text, facts) draws a
// dialog without a control, with and without colour (SGR stripped): the
// operator's dialog cannot be cleared or rewritten by the provider.
func TestDialogShowsNoProviderControl(t *testing.T) {
	h := modeltest.Hostile
	a := model.Action{Title: "Approve " + h, Risk: model.RiskHigh, NeedsReason: true, ConfirmText: h,
		HTTP: model.HTTPRequest{Method: "POST", Path: "/c/" + h, Body: []byte("{\n  \"name\": \"" + h + "\"\n}")}}
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.TrueColor} {
		lipgloss.SetColorProfile(p)
		m := New(a, "p1 · "+h+" (id "+h+")", nil, styles.New(styles.DefaultTheme())).WithFacts(Fact{Label: "Now", Value: h})
		v := m.View(120, 60)
		if p != termenv.Ascii {
			v = modeltest.StripSGR(v)
		}
		if i := modeltest.FirstControl(v, true); i >= 0 || strings.ContainsAny(v, "\t\r") {
			t.Errorf("profile %v: the dialog draws a control at %d:\n%q", p, i, v)
		}
		if !strings.Contains(v, "Target   p1 · n␛]52;c;") {
			t.Errorf("profile %v: the target line does not show the escapes as pictures:\n%s", p, v)
		}
	}
	lipgloss.SetColorProfile(termenv.Ascii)
}
