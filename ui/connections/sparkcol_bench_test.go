package connections_test

import (
	"math"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/widgets/graph"
	"github.com/noctop/noctop/ui/widgets/sparks"
	"github.com/noctop/noctop/ui/widgets/vtable"
)

// These benchmarks measure what a 24h sparkline column would add to the
// Connections list (BenchmarkConnectionsView100k / Move100k in
// ui/connections, budgets 1 ms and 0.5 ms): the same 100,000 rows at
// 200×60, with and without a 24-cell column whose every row already has a
// line (the steady state after the visible rows were fetched).

const rows = 100_000

func newSparkList(b *testing.B, withSparks bool) *connections.Model {
	world := fake.New("bench", rows, 50, 1)
	hub := fakehub.New(now, world.Source())
	ctx := &pane.Context{Sources: []model.Source{world.Source()}, Hub: hub, Keys: keys.Default(),
		Styles: styles.New(styles.DefaultTheme()), Now: now, Spinner: func() string { return "*" }}
	cols := append([]connections.Column(nil), connections.Columns...)
	cells := connections.Cells
	cfg := connections.Config{Title: "Connections", Columns: cols, Cells: cells, StateCol: connections.ColState, SortCol: connections.ColName}
	if withSparks {
		cache := sparks.New(1, now, nil)
		line := graph.Sparkline([]float64{1, 2, 3, 4, 5, 6, 7, 8, 7, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, math.NaN()}, 8)
		for _, c := range world.Snapshot() {
			cache.Put(c.Key(), line, 1e9, now())
		}
		spark := len(cols)
		cfg.Columns = append(cfg.Columns, connections.Column{Name: "24H", Layout: vtable.Column{Min: 24, Max: 24, Priority: 5}})
		cfg.Cells = func(c *model.Connection, loc *time.Location) ([]string, []int64) {
			cs, ns := cells(c, loc)
			return append(cs, ""), append(ns, 0)
		}
		cfg.Dynamic = func(c *model.Connection, col int, _ time.Time) (string, bool) {
			if col != spark {
				return "", false
			}
			return cache.Cell(c.Key()), true
		}
	}
	l := connections.NewModel(ctx, cfg)
	k := pane.Key("bench", pane.ResConnections)
	if err := hub.Load(k); err != nil {
		b.Fatal(err)
	}
	runList(l, l.Update(pane.ChangedMsg{Key: k, DataChanged: true}))
	l.SetSize(200, 60)
	if l.Table().Total() != rows {
		b.Fatalf("loaded %d rows", l.Table().Total())
	}
	return l
}

func runList(l *connections.Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			runList(l, c)
		}
	default:
		runList(l, l.Update(msg))
	}
}

func benchSparkColView(b *testing.B, withSparks bool) {
	l := newSparkList(b, withSparks)
	l.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	b.ReportAllocs()
	for b.Loop() {
		_ = l.View()
	}
}

func benchSparkColMove(b *testing.B, withSparks bool) {
	l := newSparkList(b, withSparks)
	down, home := tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyHome}
	b.ReportAllocs()
	for b.Loop() {
		k := down
		if l.TableView().Cursor() == rows-1 {
			k = home
		}
		l.Update(k)
		_ = l.View()
	}
}

func BenchmarkConnectionsViewNoSparks100k(b *testing.B)   { benchSparkColView(b, false) }
func BenchmarkConnectionsViewWithSparks100k(b *testing.B) { benchSparkColView(b, true) }
func BenchmarkConnectionsMoveNoSparks100k(b *testing.B)   { benchSparkColMove(b, false) }
func BenchmarkConnectionsMoveWithSparks100k(b *testing.B) { benchSparkColMove(b, true) }
