// Package pane is the contract between the root app and its panes. A pane is
// a tea.Model-like value with its own key help and a size; it declares the
// shared resources it reads and the root fetches each resource once, however
// many panes need it.
//
// Adding a pane: write a package with a constructor of type Factory, and add
// it to the panes list in ui/app.go. Nothing else changes.
package pane

import (
	"log/slog"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/state"
	"github.com/noctop/noctop/ui/styles"
)

// Pane is one screen behind a tab.
type Pane interface {
	// help.KeyMap: ShortHelp feeds the footer, FullHelp the ? overlay.
	help.KeyMap
	// Title is the tab label ("Connections").
	Title() string
	// Badge is a short count shown after the title ("3"), "" for none.
	Badge() string
	// Resources are the shared resources this pane reads; the root
	// registers them (deduplicated) and keeps them refreshed.
	Resources() []state.Spec
	Init() tea.Cmd
	// Update receives key messages only while the pane is active, and every
	// other message always (state.ChangedMsg, its own results ...).
	Update(msg tea.Msg) (Pane, tea.Cmd)
	// View renders exactly the size given to SetSize.
	View() string
	SetSize(w, h int)
	// Capturing is true while the pane needs every key (a text input or a
	// dialog is open): the root then skips its global keys, except ctrl+c.
	Capturing() bool
}

// Factory builds a pane; app.go lists them in tab order. A factory returns
// nil when no configured source has the capability its pane shows (the
// IPAM pane without an IPAM provider): the tab is then left out.
type Factory func(ctx *Context) Pane

// Context is what every pane shares. Store is read-only for panes: they
// change shared state only by returning messages (UpdateMsg, RefreshMsg).
type Context struct {
	Sources   []model.Source
	Store     *state.Store
	Keys      *keys.Map
	Styles    *styles.Styles
	Now       func() time.Time
	ReadOnly  bool
	AuditPath string
	Logger    *slog.Logger
	// Spinner returns the current spinner frame (animated while loading).
	Spinner func() string
	// PoolThreshold is the IPAM use (percent) from which pools are
	// highlighted and counted in the status bar ([ui] pool_threshold).
	PoolThreshold float64
	// LowLightDBM is the received optical level (dBm) below which a port
	// is flagged ([ui] low_light_dbm; 0 = model.DefaultLowLightDBM).
	LowLightDBM float64
	// Copy puts text on the clipboard (nil: OSC 52 on stdout; tests swap
	// it). Panes call it from a command, never from Update.
	Copy func(string) error
	// ExportDir is where the export key writes files ("" = the current
	// directory).
	ExportDir string
}

// Source returns the source named name, or false.
func (c *Context) Source(name string) (model.Source, bool) {
	for _, s := range c.Sources {
		if s.Name == name {
			return s, true
		}
	}
	return model.Source{}, false
}

// ToastMsg asks the root to show a one-line message for a few seconds.
type ToastMsg struct {
	Text string
	Err  bool
}

// Toast returns a command emitting a ToastMsg.
func Toast(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return ToastMsg{Text: text, Err: isErr} }
}

// RefreshMsg asks the root to refetch every resource of Provider now
// ("" = everything).
type RefreshMsg struct{ Provider string }

// UpdateMsg asks the root to replace an entry's data with Apply(old data);
// the root then broadcasts state.ChangedMsg. Apply runs on the Update
// goroutine and must be quick and pure.
type UpdateMsg struct {
	Key   state.Key
	Apply func(old any) any
}

// ShowMsg asks the root to switch to the pane titled Pane and deliver Msg
// to it (e.g. the Connections pane's "g" opening the Traffic pane on the
// selected connection). Unknown titles produce a toast.
type ShowMsg struct {
	Pane string
	Msg  tea.Msg
}

// Filterer is a pane whose filter the command palette can set
// (":provider fabric-prod", ":vlan 1140").
type Filterer interface {
	// FilterBy replaces the pane's filter terms on field with
	// field+op+value (op "=", "==" or "~=", see model.ParseFilter); ok is
	// false when the pane has no such field.
	FilterBy(field, op, value string) (ok bool, cmd tea.Cmd)
	// ClearFilter drops the pane's filter.
	ClearFilter() tea.Cmd
}
