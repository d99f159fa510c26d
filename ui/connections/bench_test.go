package connections_test

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/list"
	"github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
)

const benchRows = 100_000

var (
	downKey = tea.KeyMsg{Type: tea.KeyDown}
	homeKey = tea.KeyMsg{Type: tea.KeyHome}
)

type fixture struct {
	w   *fake.World
	hub *fakehub.Hub
	p   *connections.Pane
	key model.ResourceKey
}

func now() time.Time { return fake.Base }

// newFixture loads n connections into a Connections pane through the real
// path: the hub's fetch -> pane.ChangedMsg.
func newFixture(tb testing.TB, n, w, h int) *fixture {
	tb.Helper()
	world := fake.New("bench", n, 50, 1)
	hub := fakehub.New(now, world.Source())
	ctx := &pane.Context{Sources: []model.Source{world.Source()}, Hub: hub, Keys: keys.Default(),
		Styles: styles.New(styles.DefaultTheme()), Now: now, Spinner: func() string { return "*" }}
	p := connections.New(ctx).(*connections.Pane)
	f := &fixture{w: world, hub: hub, p: p, key: pane.Key("bench", pane.ResConnections)}
	f.deliver(tb, f.fetch(tb))
	p.SetSize(w, h)
	if got := p.List().Table().Total(); got != n {
		tb.Fatalf("loaded %d rows, want %d", got, n)
	}
	return f
}

// fetch reads the source (the hub does, off the UI goroutine in the app)
// and returns the listing.
func (f *fixture) fetch(tb testing.TB) []model.Connection {
	if err := f.hub.Load(f.key); err != nil {
		tb.Fatal(err)
	}
	return f.hub.Data(f.key).([]model.Connection)
}

// deliver makes cs the hub's data and tells the pane, as the bridge does.
func (f *fixture) deliver(tb testing.TB, cs []model.Connection) {
	f.hub.Set(f.key, cs)
	_, cmd := f.p.Update(pane.ChangedMsg{Key: f.key, DataChanged: true})
	f.run(cmd)
}

// run executes cmd and feeds its messages back, as the Bubble Tea loop does
// (a large first load builds its rows in a command).
func (f *fixture) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			f.run(c)
		}
	default:
		_, next := f.p.Update(msg)
		f.run(next)
	}
}

func BenchmarkConnectionsView100k(b *testing.B) {
	f := newFixture(b, benchRows, 200, 60)
	f.p.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = f.p.View()
	}
}

func BenchmarkConnectionsMove100k(b *testing.B) {
	f := newFixture(b, benchRows, 200, 60)
	l := f.p.List()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := downKey
		if l.TableView().Cursor() == benchRows-1 {
			k = homeKey
		}
		f.p.Update(k)
		_ = f.p.View()
	}
}

// BenchmarkBubblesTableMove100k is the same move with bubbles/table on the
// same rows and size, for comparison.
func BenchmarkBubblesTableMove100k(b *testing.B) {
	f := newFixture(b, benchRows, 200, 60)
	widths := f.p.List().TableView().Widths()
	var cols []table.Column
	for i, c := range connections.Columns {
		w := widths[i]
		if w == 0 {
			w = 8
		}
		cols = append(cols, table.Column{Title: c.Name, Width: w})
	}
	var rows []table.Row
	for _, r := range f.p.List().Table().Visible() {
		rows = append(rows, table.Row(r.Cells))
	}
	t := table.New(table.WithColumns(cols), table.WithRows(rows), table.WithHeight(58), table.WithWidth(200), table.WithFocused(true))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := downKey
		if t.Cursor() == benchRows-1 {
			k = homeKey
		}
		t, _ = t.Update(k)
		_ = t.View()
	}
}

// changedCopy returns a fresh slice as a refresh would deliver it: every
// connection copied, every 100th changed, fingerprints computed (the fetch
// command does that off the UI goroutine).
func changedCopy(src []model.Connection, round int) []model.Connection {
	out := make([]model.Connection, len(src))
	copy(out, src)
	for i := round % 100; i < len(out); i += 100 {
		out[i].Status = fmt.Sprintf("CHANGED-%d", round)
		out[i].FingerprintKey = 0
	}
	for i := range out {
		if out[i].FingerprintKey == 0 {
			out[i].FingerprintKey = out[i].Fingerprint()
		}
	}
	return out
}

func BenchmarkConnectionsRefresh100k(b *testing.B) {
	f := newFixture(b, benchRows, 200, 60)
	l := f.p.List()
	l.SetFilter("!state=deprov")
	l.TableView().SetCursor(l.Len() / 2)
	sel, _ := l.Selected()
	selKey := sel.Key()
	base, _ := f.hub.Data(f.key).([]model.Connection)
	// Pre-build the deliveries: fetching is not what this measures.
	const variants = 4
	var data [variants][]model.Connection
	for v := range data {
		data[v] = changedCopy(base, v+1)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.deliver(b, data[i%variants])
	}
	b.StopTimer()
	if c, _ := l.Selected(); c.Key() != selKey {
		b.Fatalf("cursor moved off %s to %s", selKey, c.Key())
	}
}

// BenchmarkConnectionsFirstLoad100k builds every row from scratch (first
// load, or every connection changed), including the row-building command.
func BenchmarkConnectionsFirstLoad100k(b *testing.B) {
	world := fake.New("bench", benchRows, 50, 1)
	cs := changedCopy(world.Snapshot(), 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		hub := fakehub.New(now, world.Source())
		ctx := &pane.Context{Sources: []model.Source{world.Source()}, Hub: hub, Keys: keys.Default(),
			Styles: styles.New(styles.DefaultTheme()), Now: now}
		p := connections.New(ctx).(*connections.Pane)
		f := &fixture{hub: hub, p: p, key: pane.Key("bench", pane.ResConnections)}
		data := append([]model.Connection(nil), cs...)
		b.StartTimer()
		f.deliver(b, data)
	}
}

// filterQueries alternates a widening and a narrowing keystroke, so every
// measured keystroke changes the result set.
var filterQueries = []string{"et-1/", "et-1/0"}

func typeFilter(p *connections.Pane, q string) {
	// Replace the input's text the way a keystroke does: one rune added or
	// removed through Update.
	cur := p.List().Table().Filter().Query
	if strings.HasPrefix(q, cur) {
		for _, r := range q[len(cur):] {
			p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
		return
	}
	for len(cur) > len(q) {
		p.Update(tea.KeyMsg{Type: tea.KeyBackspace})
		cur = cur[:len(cur)-1]
	}
}

func BenchmarkConnectionsFilter100k(b *testing.B) {
	for _, mode := range []string{"alternating", "narrowing"} {
		b.Run(mode, func(b *testing.B) {
			f := newFixture(b, benchRows, 200, 60)
			f.p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'/'}})
			if !f.p.List().Filtering() {
				b.Fatal("filter input did not open")
			}
			typeFilter(f.p, "et-1/")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if mode == "alternating" {
					// et-1/ -> et-1/0 (narrowing) and back (widening: full scan).
					typeFilter(f.p, filterQueries[(i+1)%2])
				} else {
					// Each keystroke narrows: only previous matches are rescanned.
					b.StopTimer()
					f.p.List().SetFilter("e")
					b.StartTimer()
					typeFilter(f.p, "et")
				}
				_ = f.p.View()
			}
		})
	}
}

type item string

func (i item) FilterValue() string { return string(i) }

type delegate struct{}

func (delegate) Height() int                         { return 1 }
func (delegate) Spacing() int                        { return 0 }
func (delegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }
func (delegate) Render(w io.Writer, m list.Model, index int, it list.Item) {
	io.WriteString(w, string(it.(item)))
}

// BenchmarkBubblesListFilter100k is bubbles/list's built-in filter on the
// same rows (FilterValue = all cells) and the same keystrokes.
func BenchmarkBubblesListFilter100k(b *testing.B) {
	f := newFixture(b, benchRows, 200, 60)
	var items []list.Item
	for _, r := range f.p.List().Table().Visible() {
		items = append(items, item(strings.Join(r.Cells, " ")))
	}
	l := list.New(items, delegate{}, 200, 60)
	l.SetFilterText("et-1/")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.SetFilterText(filterQueries[(i+1)%2])
		_ = l.View()
	}
}

// BenchmarkConnectionsFirstLoadUpdate100k is the part of a first load that
// runs inside Update (the UI is blocked only this long); the rows are built
// by the command it returns, which is not run here.
func BenchmarkConnectionsFirstLoadUpdate100k(b *testing.B) {
	world := fake.New("bench", benchRows, 50, 1)
	cs := changedCopy(world.Snapshot(), 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		hub := fakehub.New(now, world.Source())
		ctx := &pane.Context{Sources: []model.Source{world.Source()}, Hub: hub, Keys: keys.Default(),
			Styles: styles.New(styles.DefaultTheme()), Now: now}
		p := connections.New(ctx).(*connections.Pane)
		k := pane.Key("bench", pane.ResConnections)
		data := append([]model.Connection(nil), cs...)
		b.StartTimer()
		hub.Set(k, data)
		_, cmd := p.Update(pane.ChangedMsg{Key: k, DataChanged: true})
		if cmd == nil {
			b.Fatal("expected the rows to be built in a command")
		}
	}
}

// BenchmarkConnectionsFirstLoadInstall100k is the second Update of a first
// load: installing the rows the command built (slot maps, full sort,
// filter, layout). Together with FirstLoadUpdate it is all the UI
// goroutine spends on a 100k first load.
func BenchmarkConnectionsFirstLoadInstall100k(b *testing.B) {
	world := fake.New("bench", benchRows, 50, 1)
	cs := changedCopy(world.Snapshot(), 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		hub := fakehub.New(now, world.Source())
		ctx := &pane.Context{Sources: []model.Source{world.Source()}, Hub: hub, Keys: keys.Default(),
			Styles: styles.New(styles.DefaultTheme()), Now: now}
		p := connections.New(ctx).(*connections.Pane)
		k := pane.Key("bench", pane.ResConnections)
		data := append([]model.Connection(nil), cs...)
		hub.Set(k, data)
		_, cmd := p.Update(pane.ChangedMsg{Key: k, DataChanged: true})
		built := cmd()
		b.StartTimer()
		p.Update(built)
		b.StopTimer()
		if p.List().Table().Total() != benchRows {
			b.Fatalf("installed %d rows", p.List().Table().Total())
		}
		b.StartTimer()
	}
}
