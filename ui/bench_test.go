package ui_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/pane"
)

// BenchmarkAppView100k is the whole screen (header, pane, status, footer)
// at 200×60 with 100,000 connections: what Bubble Tea calls after every
// message.
func BenchmarkAppView100k(b *testing.B) {
	w := fake.New("bench", 100_000, 50, 1)
	m := ui.New(ui.Options{Now: clock}, []model.Source{w.Source()})
	nm, _ := m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m = nm.(ui.Model)
	msg := m.Store().Start(pane.Key("bench", pane.ResConnections))()
	nm, _ = m.Update(msg)
	m = nm.(ui.Model)
	nm, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	m = nm.(ui.Model)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}
