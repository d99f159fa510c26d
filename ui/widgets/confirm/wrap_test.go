package confirm

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
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

func FuzzWrapIndented(f *testing.F) {
	for _, s := range []string{"", "    \"a\": \"b c d e f g h i j k l m n o p q r s t u v w x y z\",", strings.Repeat("␛界 x", 40), strings.Repeat(" ", 90) + "x"} {
		f.Add(s, 12)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = 10 + abs(n)%100
		s = model.SafeText(s) // what the dialog feeds it
		parts := wrapIndented(s, n)
		var joined strings.Builder
		for i, p := range parts {
			if w := text.Width(p); w > n {
				t.Fatalf("piece %d is %d wide, want <= %d: %q", i, w, n, p)
			}
			if i > 0 {
				lead := len(s) - len(strings.TrimLeft(s, " "))
				p = strings.TrimPrefix(p, strings.Repeat(" ", min(lead+2, n/2)))
			}
			joined.WriteString(p)
		}
		if joined.String() != s {
			t.Fatalf("wrapping lost text:\n%q\n%q", s, joined.String())
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
