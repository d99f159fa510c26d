package hub

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// One provider's health from its resources, worst first.
func TestSummaryHealth(t *testing.T) {
	type step struct {
		listErr error
		advance time.Duration
	}
	tests := []struct {
		name  string
		steps []step // the first loads; each later one advances the clock
		gate  bool   // leave a fetch in flight at the end
		want  model.Health
		check func(t *testing.T, p model.ProviderSummary)
	}{
		{name: "never wanted", want: model.HealthIdle},
		{name: "ok", steps: []step{{}}, want: model.HealthOK},
		{name: "failing, nothing to show", steps: []step{{listErr: errors.New("dial tcp: refused")}}, want: model.HealthError,
			check: func(t *testing.T, p model.ProviderSummary) {
				if !p.Since.Equal(t0) || p.Err == nil {
					t.Errorf("since %s err %v", p.Since, p.Err)
				}
			}},
		{name: "stale", steps: []step{{}, {listErr: errors.New("boom"), advance: 15 * time.Second}}, want: model.HealthStale,
			check: func(t *testing.T, p model.ProviderSummary) {
				if !p.Since.Equal(t0) { // when the data shown was fetched
					t.Errorf("since %s", p.Since)
				}
			}},
		{name: "unauthorized", steps: []step{{listErr: &model.APIError{Status: 401}}}, want: model.HealthUnauthorized},
		{name: "forbidden", steps: []step{{listErr: &model.APIError{Status: 403}}}, want: model.HealthUnauthorized},
		{name: "rate limited", steps: []step{{listErr: &model.RateLimited{RetryAfter: time.Minute}}}, want: model.HealthRateLimited},
		{name: "loading", gate: true, want: model.HealthLoading},
		{name: "refreshing", steps: []step{{}}, gate: true, want: model.HealthRefreshing},
		{name: "retrying", steps: []step{{listErr: errors.New("boom")}}, gate: true, want: model.HealthError,
			check: func(t *testing.T, p model.ProviderSummary) {
				if !p.Retrying {
					t.Error("not retrying")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake("p", 2)
			f.conns = append(f.conns, waiting("w"))
			h := newHub(t, Options{Interval: 15 * time.Second}, f.source())
			feed := h.connFeed(t, "p")
			for i, s := range tt.steps {
				f.set(func(f *fakeSrc) { f.listErr = s.listErr })
				if i == 0 {
					defer feed.Want()()
				}
				h.advance(t, s.advance)
			}
			if tt.gate {
				f.set(func(f *fakeSrc) { f.gate = make(chan struct{}) })
				defer close(f.gate)
				if len(tt.steps) == 0 {
					defer feed.Want()()
				} else {
					h.RefreshKey(feed.Key())
				}
				h.clock.Advance(time.Hour) // any backoff passes
				waitStarted(t, f, "list")
			}
			p, ok := h.Summary().Provider("p")
			if !ok || p.Health != tt.want {
				t.Fatalf("health %q, want %q (%+v)", p.Health, tt.want, p)
			}
			if p.HasConnections != feed.Snapshot().HasData || (p.HasConnections && p.WaitingOnUs != 1) {
				t.Errorf("counts %+v", p)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

// Totals over providers, in source order.
func TestSummaryTotals(t *testing.T) {
	a, b := newFake("a", 1), newFake("b", 0)
	a.conns = append(a.conns, waiting("w1"), waiting("w2"))
	b.conns = []model.Connection{waiting("w3")}
	h := newHub(t, Options{}, a.source(), b.source())
	defer h.connFeed(t, "a").Want()()
	defer h.connFeed(t, "b").Want()()
	h.settle(t)
	s := h.Summary()
	if len(s.Providers) != 2 || s.Providers[0].Name != "a" || s.WaitingOnUs != 3 || s.Providers[0].Pending != 2 || s.Providers[0].Connections != 3 {
		t.Fatalf("summary = %+v", s)
	}
}

// The hub is a library for any front end: it imports no terminal UI
// package and nothing of ui/ (nor do its tests).
func TestImportRules(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH:", err)
	}
	for _, pkg := range []string{".", "./hubtest"} {
		out, err := exec.Command(goBin, "list", "-deps", "-test", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, bad := range []string{"github.com/charmbracelet/", "github.com/noctop/noctop/ui"} {
				if strings.HasPrefix(dep, bad) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
