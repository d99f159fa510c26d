package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers"
	"github.com/noctop/noctop/providers/audit"
	"github.com/noctop/noctop/providers/hub"
	"github.com/noctop/noctop/providers/sim"
	"github.com/noctop/noctop/ui"
)

// httpLog records every request the simulators receive.
type httpLog struct {
	mu   sync.Mutex
	reqs []string // "kind METHOD /path"
}

func (l *httpLog) observe(kind string, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, kind+" "+r.Method+" "+r.URL.Path)
}

// since returns the requests after the first n that read data the hub
// shares (listings, re-reads, actions): the traffic statistics a session
// draws (sparklines) are its own and left out.
func (l *httpLog) since(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.reqs[n:] {
		if !strings.Contains(r, "stat") && !strings.Contains(r, "metrics") {
			out = append(out, r)
		}
	}
	return out
}

func (l *httpLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

// countingSource counts the listing calls that reach one source.
type countingSource struct {
	mu sync.Mutex
	n  map[string]int // provider/resource -> calls
}

func (c *countingSource) add(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[k]++
}

func (c *countingSource) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

type countedConns struct {
	model.ConnectionSource
	name string
	c    *countingSource
}

func (s countedConns) Connections(ctx context.Context, p *model.Progress) ([]model.Connection, error) {
	s.c.add(s.name + "/connections")
	return s.ConnectionSource.Connections(ctx, p)
}

type countedChanges struct {
	model.ConnectionChangeSource
	name string
	c    *countingSource
}

func (s countedChanges) ConnectionChanges(ctx context.Context, since time.Time, p *model.Progress) ([]model.Connection, error) {
	s.c.add(s.name + "/connection-changes")
	return s.ConnectionChangeSource.ConnectionChanges(ctx, since, p)
}

type countedInventory struct {
	model.InventorySource
	name string
	c    *countingSource
}

func (s countedInventory) Inventory(ctx context.Context, p *model.Progress) ([]model.Node, error) {
	s.c.add(s.name + "/inventory")
	return s.InventorySource.Inventory(ctx, p)
}

type countedIPAM struct {
	model.IPAMSource
	name string
	c    *countingSource
}

func (s countedIPAM) Blocks(ctx context.Context, q model.BlockQuery, p *model.Progress) ([]model.Block, error) {
	s.c.add(s.name + "/blocks")
	return s.IPAMSource.Blocks(ctx, q, p)
}

func (s countedIPAM) Utilization(ctx context.Context, q model.UtilQuery) (model.Utilization, error) {
	s.c.add(s.name + "/utilization")
	return s.IPAMSource.Utilization(ctx, q)
}

func (s countedIPAM) MaskReport(ctx context.Context, q model.MaskQuery) (model.MaskReport, error) {
	s.c.add(s.name + "/masks")
	return s.IPAMSource.MaskReport(ctx, q)
}

func (s countedIPAM) HoldingTank(ctx context.Context) (model.HoldingPreview, error) {
	s.c.add(s.name + "/holding")
	return s.IPAMSource.HoldingTank(ctx)
}

// counted wraps every listing capability of srcs with c.
func counted(srcs []model.Source, c *countingSource) []model.Source {
	out := make([]model.Source, len(srcs))
	for i, s := range srcs {
		if s.Connections != nil {
			s.Connections = countedConns{s.Connections, s.Name, c}
		}
		if s.Changes != nil {
			s.Changes = countedChanges{s.Changes, s.Name, c}
		}
		if s.Inventory != nil {
			s.Inventory = countedInventory{s.Inventory, s.Name, c}
		}
		if s.IPAM != nil {
			s.IPAM = countedIPAM{s.IPAM, s.Name, c}
		}
		out[i] = s
	}
	return out
}

// Two operators' sessions on one hub over the embedded simulators: the
// second session fetches nothing the first already has (its screen comes
// from the hub's snapshots), and an approval sent from the first shows in
// the second, from the hub's re-read, without a listing being fetched
// again by anyone.
func TestTwoSessionsShareOneHub(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	clock := sim.NewFakeClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	still := sim.StillTiming()
	var log httpLog
	d, err := providers.StartDemo(providers.DemoOptions{Clock: clock, Timing: &still, Observe: log.observe})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	auditPath := filepath.Join(t.TempDir(), "audit.log")
	al, err := audit.Open(auditPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer al.Close()
	built, err := providers.Build(d.Providers, providers.Options{Audit: al})
	if err != nil {
		t.Fatal(err)
	}
	calls := &countingSource{n: map[string]int{}}
	srcs := counted(built, calls)
	var fab model.Source
	for _, s := range srcs {
		if s.Kind == "fabric" {
			fab = s
		}
	}
	target := oldestWaitingCreation(t, fab)
	calls.reset() // the test's own read above is not the hub's

	h := hub.New(srcs, hub.Options{Interval: time.Hour})
	defer h.Close()
	session := func() *teatest.TestModel {
		m := ui.New(ui.Options{Hub: h, Now: clock.Now, Refresh: time.Hour, AuditPath: auditPath}, nil)
		return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(230, 45))
	}
	waitIn := func(tm *teatest.TestModel, what string, ok func(string) bool) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return ok(string(b)) },
			teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(25*time.Millisecond))
	}
	contains := func(s string) func(string) bool { return func(b string) bool { return strings.Contains(b, s) } }
	keys := func(tm *teatest.TestModel, s string) { tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}) }
	settled := func() {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			busy := false
			for _, k := range h.Keys() {
				if st, _ := h.Status(k); st.Loading || (st.Wanted && !st.HasData && st.Err == nil) {
					busy = true
				}
			}
			if !busy {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the hub's first loads did not finish")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// Session A loads everything once.
	a := session()
	waitIn(a, "A: connections loaded", contains("Connections ("))
	settled()
	loaded := calls.snapshot()
	if loaded[fab.Name+"/connections"] != 1 {
		t.Fatalf("the first session listed %s's connections %d times, want 1", fab.Name, loaded[fab.Name+"/connections"])
	}
	mark := log.len()

	// Session B shows the same data without a fetch of its own.
	b := session()
	waitIn(b, "B: connections shown from the hub", contains("Connections ("))
	keys(b, "/")
	keys(b, target.Name)
	b.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitIn(b, "B: filtered to the target", func(s string) bool {
		i := strings.LastIndex(s, target.Name[:min(len(target.Name), 18)])
		return strings.Contains(s, "(1/") && i >= 0 && strings.Contains(s[i:], "pending")
	})
	if extra := log.since(mark); len(extra) != 0 {
		t.Fatalf("the second session caused requests:\n  %s", strings.Join(extra, "\n  "))
	}

	// A approves the target through the dialog.
	keys(a, "2")
	waitIn(a, "A: approvals pane", contains("Approvals ("))
	keys(a, "/")
	keys(a, target.Name)
	a.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitIn(a, "A: filtered to the target", contains("(1/"))
	keys(a, "a")
	waitIn(a, "A: confirmation dialog", contains("CONNECTION_CREATION_ACCEPTANCE"))
	a.Send(tea.KeyMsg{Type: tea.KeyTab})
	a.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitIn(a, "A: re-read shows provisioning", contains("now: provisioning"))

	// B sees the re-read the hub merged, with nobody listing again.
	waitIn(b, "B: the target is provisioning", func(s string) bool {
		i := strings.LastIndex(s, target.Name[:min(len(target.Name), 18)])
		return i >= 0 && strings.Contains(s[i:], "provisioning")
	})
	keys(a, "q")
	keys(b, "q")
	a.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	b.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	if got := calls.snapshot(); !equalCounts(got, loaded) {
		t.Errorf("listing calls changed after the first load:\n  before %v\n  after  %v", loaded, got)
	}
	// After the first load: the action and the one re-read, nothing else.
	extra := log.since(mark)
	if len(extra) != 2 || !strings.Contains(extra[0], "POST") || !strings.Contains(extra[0], target.ID) ||
		!strings.Contains(extra[1], "GET") || !strings.Contains(extra[1], target.ID) {
		t.Errorf("requests after the first load, want the approval and its re-read:\n  %s", strings.Join(extra, "\n  "))
	}
}

func (c *countingSource) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.n)
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
