package ui_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/pane"
)

// BenchmarkAppView100k is the whole screen (header, pane, status, footer)
// at 200×60 with 100,000 connections: what Bubble Tea calls after every
// message.
func BenchmarkAppView100k(b *testing.B) {
	w := fake.New("bench", 100_000, 50, 1)
	fh := fakehub.New(clock, w.Source())
	defer fh.Close()
	m := ui.New(ui.Options{Hub: fh, Now: clock}, nil)
	nm, _ := m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m = nm.(ui.Model)
	k := pane.Key("bench", pane.ResConnections)
	if err := fh.Load(k); err != nil {
		b.Fatal(err)
	}
	nm, _ = m.Update(pane.ChangedMsg{Key: k, DataChanged: true})
	m = nm.(ui.Model)
	nm, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	m = nm.(ui.Model)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}
