package confirm

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/styles"
)

func TestLongRequestIsWrappedNotCut(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	path := "/api/v1/api.php?target=ipam&action=smartAssign&mask=29&type=IPv4&rir=ARIN&resourceId=1026&region=IAD&tags=Customer%2CPTP&vlan=1140&code=CX-1234"
	a := model.Action{Title: "Smart-assign", HTTP: model.HTTPRequest{Method: "GET", Path: path}}
	v := New(a, "target", nil, styles.New(styles.DefaultTheme())).View(80, 30)
	var joined strings.Builder
	for _, l := range strings.Split(v, "\n") {
		l = strings.Trim(l, " │")
		if i := strings.Index(l, "GET "); i >= 0 {
			joined.WriteString(l[i:])
			continue
		}
		if joined.Len() > 0 && !strings.Contains(l, "(no body)") && l != "" && !strings.Contains(l, "Cancel") {
			joined.WriteString(strings.TrimSpace(l))
		}
		if strings.Contains(l, "(no body)") {
			break
		}
	}
	if got := joined.String(); got != "GET "+path {
		t.Fatalf("request not shown whole:\n%s\n--- view ---\n%s", got, v)
	}
	if w := wrapHard("abcdef", 4); len(w) != 2 || w[0] != "abcd" || w[1] != "ef" {
		t.Fatalf("wrapHard %q", w)
	}
}
