package connections_test

import (
	"math"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/internal/fakestats"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/widgets/graph"
)

// The 24h trend column (t) on the real pane: the same 100,000 rows at
// 200×60 as BenchmarkConnectionsView100k / Move100k, from a source with
// statistics, with the column on and every row's line already cached (the
// steady state after the visible rows were fetched: a move then only
// checks the cache for the rows on screen). The plain benchmarks above are
// the "off" numbers: off, the column costs one comparison per key.

func newSparkFixture(tb testing.TB, on bool) *fixture {
	tb.Helper()
	world := fake.New("bench", benchRows, 50, 1)
	src := world.Source()
	src.Stats = fakestats.New("bench", now).ModelSource().Stats
	hub := fakehub.New(now, src)
	ctx := &pane.Context{Sources: []model.Source{src}, Hub: hub, Keys: keys.Default(),
		Styles: styles.New(styles.DefaultTheme()), Now: now, Spinner: func() string { return "*" }}
	p := connections.New(ctx).(*connections.Pane)
	f := &fixture{w: world, hub: hub, p: p, key: pane.Key("bench", pane.ResConnections)}
	f.deliver(tb, f.fetch(tb))
	p.SetSize(200, 60)
	l := p.List()
	line := graph.Sparkline([]float64{1, 2, 3, 4, 5, 6, 7, 8, 7, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, math.NaN()}, 8)
	for _, r := range l.Table().All() {
		l.Sparks().Put(r.Key, line, 1e9, now())
	}
	if on {
		if cmd := l.SetSparklines(true); cmd != nil {
			tb.Fatal("cached lines were fetched again")
		}
	}
	return f
}

func benchSparkView(b *testing.B, on bool) {
	f := newSparkFixture(b, on)
	f.p.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = f.p.View()
	}
}

func benchSparkMove(b *testing.B, on bool) {
	f := newSparkFixture(b, on)
	l := f.p.List()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := downKey
		if l.TableView().Cursor() == benchRows-1 {
			k = homeKey
		}
		if _, cmd := f.p.Update(k); cmd != nil {
			b.Fatal("a move fetched a cached sparkline")
		}
		_ = f.p.View()
	}
}

func BenchmarkConnectionsViewSparksOff100k(b *testing.B) { benchSparkView(b, false) }
func BenchmarkConnectionsViewSparksOn100k(b *testing.B)  { benchSparkView(b, true) }
func BenchmarkConnectionsMoveSparksOff100k(b *testing.B) { benchSparkMove(b, false) }
func BenchmarkConnectionsMoveSparksOn100k(b *testing.B)  { benchSparkMove(b, true) }
