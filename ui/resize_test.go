package ui_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
)

// 200 random sizes down to 1×1, in every kind of screen (list, detail,
// a scrolling confirmation dialog, a dialog with a reason, help, the
// palette): no panic, and the view is always exactly the terminal's size.
func TestRandomResizesNeverPanic(t *testing.T) {
	states := []struct {
		name string
		keys []string
	}{
		{"list", nil},
		{"detail", []string{"2", "enter"}},
		{"approve dialog", []string{"2", "a"}},
		{"approve dialog scrolled", []string{"2", "a", "end", "tab"}},
		{"reject dialog", []string{"2", "x", "n", "o"}},
		{"help", []string{"?"}},
		{"palette", []string{":"}},
	}
	for _, st := range states {
		t.Run(st.name, func(t *testing.T) {
			world := fake.New("a-provider-with-a-rather-long-name", 60, 6, 1)
			src := world.Source()
			src.Planner = longPlanner{src.Planner}
			h := newHarnessSources(t, ui.Options{Demo: true, Banner: "DEMO — a long banner that cannot possibly fit"}, src,
				fake.New("second", 5, 1, 2).Source())
			h.keys(st.keys...)
			r := rand.New(rand.NewPCG(7, uint64(len(st.name))))
			for i := range 200 {
				w, ht := 1+r.IntN(200), 1+r.IntN(60)
				if i%10 == 0 {
					w, ht = 1+r.IntN(4), 1+r.IntN(4)
				}
				h.update(sizeMsg(w, ht))
				if i%7 == 0 {
					h.update(keyMsg("down")) // scroll while small
				}
				lines := strings.Split(h.view(), "\n")
				if len(lines) != ht {
					t.Fatalf("%d×%d: %d lines", w, ht, len(lines))
				}
				for _, l := range lines {
					if lw := lipglossWidth(l); lw > w {
						t.Fatalf("%d×%d: a line is %d wide: %q", w, ht, lw, l)
					}
				}
			}
			if strings.Contains(st.name, "dialog") && apprList(h).Flow.Dialog() == nil {
				t.Fatal("the dialog closed")
			}
			if len(world.Calls()) != 0 {
				t.Fatalf("resizing sent %d actions", len(world.Calls()))
			}
		})
	}
}
