package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
)

// A connection listing refreshed incrementally says in the status bar
// when it is next fetched whole (deletions show only then); one always
// fetched whole says nothing of it.
func TestStatusBarSaysWhenTheNextFullResyncIs(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   time.Duration // from the clock to NextFullAt; 0: not incremental
		want string        // "" : no resync note at all
	}{
		{"always whole", 0, ""},
		{"minutes", 4 * time.Minute, "full resync in 4m"},
		{"rounded up", 3*time.Minute + 10*time.Second, "full resync in 4m"},
		{"under a minute", 30 * time.Second, "full resync in <1m"},
		{"hours", 90 * time.Minute, "full resync in 1h30m"},
		{"overdue", -time.Second, "full resync due"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := fake.New("fab", 20, 4, 1)
			src := w.Source()
			fh := fakehub.New(clock, src)
			t.Cleanup(fh.Close)
			opts := demoOpts()
			opts.Hub = fh
			h := newHarnessSources(t, opts, src)
			if st := h.status(); !strings.Contains(st, "● ok") || strings.Contains(st, "resync") {
				t.Fatalf("before: status bar %q", st)
			}
			if tc.in != 0 {
				fh.SetIncremental(model.ResourceKey{Provider: "fab", Resource: model.ResConnections}, fixedNow.Add(tc.in))
			}
			h.exec(nil) // the hub's change arrives through the bridge
			st := h.status()
			switch {
			case tc.want == "" && strings.Contains(st, "resync"):
				t.Fatalf("status bar %q: a listing fetched whole has no resync", st)
			case tc.want != "" && !strings.Contains(st, tc.want):
				t.Fatalf("status bar %q: want %q", st, tc.want)
			}
		})
	}
}
