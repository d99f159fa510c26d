// Package styles turns one Theme into every style the UI uses, once, so no
// pane builds lipgloss styles in a hot path. Colours are adaptive (light and
// dark terminals); NO_COLOR (via lipgloss' colour profile) drops colour and
// attributes, so every state the UI shows also has a textual cue.
package styles

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/noctop/noctop/model"
)

// Theme is the palette. Fields are adaptive colours (light, dark).
type Theme struct {
	Accent, Muted, Text, Good, Warn, Bad, Info, SelectedBg, SelectedFg, Border lipgloss.AdaptiveColor
}

// DefaultTheme is tuned for long shifts on dark terminals, readable on light.
func DefaultTheme() Theme {
	return Theme{
		Accent:     lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#A48BFF"},
		Muted:      lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8A8A"},
		Text:       lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#E4E4E4"},
		Good:       lipgloss.AdaptiveColor{Light: "#1E7F3C", Dark: "#5FD787"},
		Warn:       lipgloss.AdaptiveColor{Light: "#A15C00", Dark: "#FFB454"},
		Bad:        lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF6B6B"},
		Info:       lipgloss.AdaptiveColor{Light: "#0B62A4", Dark: "#6CB6FF"},
		SelectedBg: lipgloss.AdaptiveColor{Light: "#D9D2F5", Dark: "#3A3357"},
		SelectedFg: lipgloss.AdaptiveColor{Light: "#000000", Dark: "#FFFFFF"},
		Border:     lipgloss.AdaptiveColor{Light: "#9A9A9A", Dark: "#5A5A5A"},
	}
}

// Paint is a style reduced to the escape sequences around a text, so hot
// paths can colour a pre-padded cell with two string writes.
type Paint struct{ Pre, Post string }

// PaintOf extracts the sequences lipgloss emits around one character.
// Only use it for colour and attribute styles (no padding, width, borders).
func PaintOf(s lipgloss.Style) Paint {
	out := s.Render("\x01")
	i := strings.IndexByte(out, 1)
	if i < 0 {
		return Paint{}
	}
	return Paint{Pre: out[:i], Post: out[i+1:]}
}

// Wrap paints s.
func (p Paint) Wrap(s string) string {
	if p.Pre == "" {
		return s
	}
	return p.Pre + s + p.Post
}

// Styles is everything the UI renders with.
type Styles struct {
	Theme Theme

	AppName, Banner, Paused, ReadOnly lipgloss.Style
	TabActive, TabInactive            lipgloss.Style
	PaneTitle, Dim, Bold, Error, Warn lipgloss.Style
	Good, Info, Key, Toast, ToastErr  lipgloss.Style
	Dialog, DialogTitle, Code         lipgloss.Style
	Button, ButtonFocused             lipgloss.Style
	HelpBox                           lipgloss.Style

	// Table paints.
	HeaderRow, Selected, Marker, DimPaint, ErrPaint Paint
	State                                           map[model.State]Paint
	Risk                                            map[model.Risk]lipgloss.Style
}

// New builds Styles from t with the current lipgloss colour profile (set
// lipgloss.SetColorProfile before calling, as goldens do).
func New(t Theme) *Styles {
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	s := &Styles{Theme: t}
	s.AppName = fg(t.Accent).Bold(true)
	s.Banner = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "#000000", Dark: "#000000"}).Background(t.Warn)
	s.Paused = fg(t.Warn).Bold(true)
	s.ReadOnly = fg(t.Info).Bold(true)
	s.TabActive = fg(t.Accent).Bold(true).Underline(true)
	s.TabInactive = fg(t.Muted)
	s.PaneTitle = fg(t.Text).Bold(true)
	s.Dim = fg(t.Muted)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Error = fg(t.Bad).Bold(true)
	s.Warn = fg(t.Warn)
	s.Good = fg(t.Good)
	s.Info = fg(t.Info)
	s.Key = fg(t.Accent).Bold(true)
	s.Toast = fg(t.Good)
	s.ToastErr = fg(t.Bad).Bold(true)
	s.Dialog = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Accent).Padding(0, 1)
	s.DialogTitle = fg(t.Accent).Bold(true)
	s.Code = fg(t.Info)
	s.Button = fg(t.Muted).Padding(0, 1)
	s.ButtonFocused = lipgloss.NewStyle().Bold(true).Foreground(t.SelectedFg).Background(t.Accent).Padding(0, 1)
	s.HelpBox = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Border).Padding(0, 1)

	s.HeaderRow = PaintOf(fg(t.Muted).Bold(true))
	s.Selected = PaintOf(lipgloss.NewStyle().Background(t.SelectedBg).Foreground(t.SelectedFg).Bold(true))
	s.Marker = PaintOf(fg(t.Warn).Bold(true))
	s.DimPaint = PaintOf(fg(t.Muted))
	s.ErrPaint = PaintOf(fg(t.Bad))
	s.State = map[model.State]Paint{
		model.StateActive:         PaintOf(fg(t.Good)),
		model.StatePending:        PaintOf(fg(t.Warn).Bold(true)),
		model.StateProvisioning:   PaintOf(fg(t.Info)),
		model.StateChanging:       PaintOf(fg(t.Info)),
		model.StateDeprovisioning: PaintOf(fg(t.Muted)),
		model.StateDeprovisioned:  PaintOf(fg(t.Muted)),
		model.StateRejected:       PaintOf(fg(t.Bad)),
		model.StateFailed:         PaintOf(fg(t.Bad).Bold(true)),
		model.StateDraft:          PaintOf(fg(t.Muted)),
		model.StateUnknown:        PaintOf(fg(t.Warn)),
	}
	s.Risk = map[model.Risk]lipgloss.Style{
		model.RiskLow:    fg(t.Good).Bold(true),
		model.RiskMedium: fg(t.Warn).Bold(true),
		model.RiskHigh:   fg(t.Bad).Bold(true),
	}
	return s
}

// StatePaint returns the paint for st (none for unknown values).
func (s *Styles) StatePaint(st model.State) Paint { return s.State[st] }
