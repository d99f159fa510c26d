package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakestats"
)

// emptyIPAM is enough of an IPAM for the IPAM tab to exist.
type emptyIPAM struct{}

func (emptyIPAM) Utilization(context.Context, model.UtilQuery) (model.Utilization, error) {
	return model.Utilization{}, nil
}
func (emptyIPAM) Blocks(context.Context, model.BlockQuery, *model.Progress) ([]model.Block, error) {
	return nil, nil
}
func (emptyIPAM) MaskReport(context.Context, model.MaskQuery) (model.MaskReport, error) {
	return model.MaskReport{}, nil
}
func (emptyIPAM) HoldingTank(context.Context) (model.HoldingPreview, error) {
	return model.HoldingPreview{}, nil
}

var longNames = []string{"alpha-fabric-production-amsterdam", "bravo-ix-api-frankfurt-peering", "charlie-metal-dallas-bare-metal",
	"delta-packet-legacy-sunnyvale", "echo-provision-ipam-global-v4"}

// fivePanes is every pane (Connections, Approvals, IPAM, Inventory,
// Traffic) over five providers with long names; the second is rate limited.
func fivePanes(t *testing.T, opts ui.Options, retryAfter time.Duration) *harness {
	t.Helper()
	var srcs []model.Source
	for i, n := range longNames {
		w := fake.New(n, 20+i, 4, int64(i+1))
		if i == 1 && retryAfter > 0 {
			w.ListErr = &model.RateLimited{Provider: n, RetryAfter: retryAfter}
		}
		src := w.Source()
		if i == 0 {
			ms := fakestats.New(n, clock).ModelSource()
			src.Stats, src.Peers, src.Inventory = ms.Stats, ms.Peers, ms.Inventory
		}
		if i == 4 {
			src.IPAM = emptyIPAM{}
		}
		srcs = append(srcs, src)
	}
	h := newHarnessSources(t, opts, srcs...)
	if n := len(h.m.Panes()); n != 5 {
		t.Fatalf("%d panes, want 5", n)
	}
	return h
}

func TestHeaderKeepsEveryTabAndTheClock(t *testing.T) {
	h := fivePanes(t, demoOpts(), 0)
	for _, w := range []int{160, 120, 80, 60, 40} {
		for _, active := range []string{"1", "2", "5"} {
			h.size(w, 24)
			h.keys(active)
			head := strings.SplitN(h.view(), "\n", 2)[0]
			if got := lipglossWidth(head); got > w {
				t.Fatalf("%d columns: header is %d wide: %q", w, got, head)
			}
			rest := head
			for i, p := range h.m.Panes() {
				// Tabs in order, each with its number, at least its
				// first letter, and its badge.
				label := fmt.Sprintf("%d %s", i+1, p.Title()[:1])
				j := strings.Index(rest, label)
				if j < 0 {
					t.Fatalf("%d columns, pane %s active: tab %q missing: %q", w, active, label, head)
				}
				rest = rest[j+len(label):]
				if b := p.Badge(); b != "" {
					if k := strings.Index(rest, b); k < 0 || k > 12 {
						t.Fatalf("%d columns: badge %q of %s missing: %q", w, b, p.Title(), head)
					}
				}
			}
			if w >= 60 && !strings.Contains(head, "10:30") {
				t.Errorf("%d columns: clock missing: %q", w, head)
			}
			if w >= 120 && !strings.Contains(head, "Connections") {
				t.Errorf("%d columns: abbreviated without need: %q", w, head)
			}
		}
	}
	// Read-only and paused stay too, at 80.
	o := demoOpts()
	o.ReadOnly = true
	h = fivePanes(t, o, 0)
	h.size(80, 24)
	h.keys("space")
	head := strings.SplitN(h.view(), "\n", 2)[0]
	for _, s := range []string{"READ-ONLY", "PAUSED", "10:30", "5 T"} {
		if !strings.Contains(head, s) {
			t.Errorf("80 columns, read-only and paused: %q missing: %q", s, head)
		}
	}
}

func TestStatusBarKeepsEveryProvider(t *testing.T) {
	h := fivePanes(t, ui.Options{}, 90*time.Second)
	for _, w := range []int{400, 160, 80, 60, 40} {
		h.size(w, 24)
		st := h.status()
		if got := lipglossWidth(st); got > w {
			t.Fatalf("%d columns: status bar is %d wide: %q", w, got, st)
		}
		segs := strings.Split(st, "│")
		if len(segs) != len(longNames) {
			t.Fatalf("%d columns: %d providers shown, want %d: %q", w, len(segs), len(longNames), st)
		}
		for i, n := range longNames {
			seg := strings.TrimSpace(segs[i])
			prefix := n[:1]
			if w >= 80 {
				prefix = n[:6]
			}
			if !strings.HasPrefix(seg, prefix) {
				t.Errorf("%d columns: provider %d shown as %q, want it to start with %q", w, i, seg, prefix)
			}
			// Health is always there: a symbol at least.
			if !strings.ContainsAny(seg, "●◷✗!·") && !strings.Contains(seg, "ok") {
				t.Errorf("%d columns: no health for %s: %q", w, n, seg)
			}
		}
		if w >= 400 && !strings.Contains(st, "rate limited until 10:31:30 · auto-refresh resumes then") {
			t.Errorf("%d columns: %q", w, st)
		}
		if w < 160 && !strings.Contains(segs[1], "◷") {
			t.Errorf("%d columns: the rate limit lost its symbol: %q", w, segs[1])
		}
	}
}

func TestRateLimitShowsWhenRefreshResumes(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
		pause bool
		want  string
	}{
		{"today", 90 * time.Second, false, "rate limited until 10:31:30 · auto-refresh resumes then"},
		{"another day", 30 * time.Hour, false, "rate limited until " + fixedNow.Add(30*time.Hour).Format("Jan 2 15:04") + " · auto-refresh resumes then"},
		// The store's first retry is 5 s: a shorter Retry-After resumes later.
		{"backoff longer", time.Second, false, "rate limited until 10:30:01 · auto-refresh resumes 10:30:05"},
		{"paused", 90 * time.Second, true, "rate limited until 10:31:30 · auto-refresh paused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := fake.New("r", 5, 0, 4)
			w.ListErr = &model.RateLimited{RetryAfter: tt.after}
			h := newHarness(t, ui.Options{}, w)
			if tt.pause {
				h.keys("space")
			}
			if st := h.status(); !strings.Contains(st, tt.want) {
				t.Errorf("status = %q\nwant %q", st, tt.want)
			}
		})
	}
}

// Goldens at 80 columns: the header with five tabs, the status bar with
// five long provider names (one rate limited).
func TestGoldenBars80(t *testing.T) {
	h := fivePanes(t, demoOpts(), 90*time.Second)
	h.size(80, 24)
	h.keys("2")
	v := strings.Split(h.view(), "\n")
	golden.RequireEqual(t, []byte(strings.Join([]string{v[0], v[len(v)-2]}, "\n")))
}
