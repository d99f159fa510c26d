// Package pane is the contract between the root app and its panes, in one
// file: what every pane must do (Pane), what a pane may also do (the
// optional capabilities below, each a named interface), how panes are
// addressed (ID) and the messages a pane sends the root.
//
// Routing: the root delivers key messages to the active pane only; results
// of a pane's own commands come back to that pane only (the root tags them
// with its ID, see Route); only changes of shared data (ChangedMsg,
// RefreshMsg) are broadcast to every pane.
//
// Adding a pane: write a package with a constructor of type Factory and a
// new ID here, and add the factory to the panes list in ui/app.go.
package pane

import (
	"reflect"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/keys"
)

// ID names a pane. Panes are addressed by ID, never by their title.
type ID string

// The built-in panes.
const (
	Connections ID = "connections"
	Approvals   ID = "approvals"
	IPAM        ID = "ipam"
	Inventory   ID = "inventory"
	Traffic     ID = "traffic"
)

// Pane is one screen behind a tab. Every method is required.
type Pane interface {
	// Keys is the pane's binding table for what it shows now (its list,
	// its detail view, or an open dialog's keys): the footer, the ?
	// overlay and the read-only note are read from it, and the pane's
	// Update dispatches its keys through it (Dispatch).
	Keys() keys.Table
	// ID is the pane's address (ShowMsg, routing, [keys.<id>] tables).
	ID() ID
	// Title is the tab label ("Connections").
	Title() string
	// Badge is a short count shown after the title ("3"), "" for none.
	Badge() string
	// Resources are the hub resources this pane reads; the root wants
	// them from the hub (which keeps them refreshed, once for every pane
	// and session) while the program runs.
	Resources() []model.ResourceKey
	Init() tea.Cmd
	// Update receives key messages while the pane is active, the results
	// of its own commands, and broadcasts of shared-data changes.
	Update(msg tea.Msg) (Pane, tea.Cmd)
	// View renders exactly the size given to SetSize.
	View() string
	SetSize(w, h int)
	// Capturing is true while the pane needs every key (a text input or a
	// dialog is open): the root then skips its global keys, except ctrl+c.
	Capturing() bool
}

// Optional capabilities. The root checks for each with a type assertion.
type (
	// Busy keeps the root's spinner turning while the pane waits for
	// something other than a shared fetch (an action, sparklines).
	Busy interface{ Busy() bool }

	// TextFocuser reports whether keystrokes go to a text input right now;
	// the root then delivers several runes at once as typed text. A pane
	// without it is taken to be typing whenever it captures keys.
	TextFocuser interface{ TextFocused() bool }

	// Filterer is a pane whose filter the command palette can set
	// (":provider fabric-prod", ":vlan 1140").
	Filterer interface {
		// FilterBy replaces the pane's filter terms on field with
		// field+op+value (op "=", "==" or "~=", see model.ParseFilter),
		// keeping its other terms; ok is false when the pane has no such
		// field. query is the pane's whole filter afterwards.
		FilterBy(field, op, value string) (ok bool, query string, cmd tea.Cmd)
		// ClearFilter drops the pane's filter.
		ClearFilter() tea.Cmd
	}

	// ProviderStatuser adds a pane's note to a provider's status bar entry
	// (IPAM: pools over the threshold).
	ProviderStatuser interface{ ProviderStatus(provider string) string }
)

// Dispatch runs the binding of t that key msg asks for; a key that is off
// (read-only, or nothing to act on) answers with a toast saying why.
// handled is false when t has no binding for msg.
func Dispatch(t keys.Table, msg tea.KeyMsg) (cmd tea.Cmd, handled bool) {
	cmd, why, ok := t.Dispatch(msg)
	if why != "" {
		return Toast(why, true), true
	}
	return cmd, ok
}

// Factory builds a pane; app.go lists them in tab order. A factory returns
// nil when no configured source has the capability its pane shows (the
// IPAM pane without an IPAM provider): the tab is then left out.
type Factory func(ctx *Context) Pane

// rootMsg marks the messages addressed to the root itself: Route leaves
// them alone.
type rootMsg interface{ forRoot() }

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
// ("" = everything). The root broadcasts it afterwards, so panes that
// fetch outside the shared state (Traffic) refetch too.
type RefreshMsg struct{ Provider string }

// ShowMsg asks the root to switch to pane Pane and deliver Msg to it (the
// Connections pane's "g" opening the Traffic pane on the selected
// connection). An ID without a pane produces a toast.
type ShowMsg struct {
	Pane ID
	Msg  tea.Msg
}

// Show returns a command emitting a ShowMsg.
func Show(id ID, msg tea.Msg) tea.Cmd {
	return func() tea.Msg { return ShowMsg{Pane: id, Msg: msg} }
}

func (ToastMsg) forRoot()   {}
func (RefreshMsg) forRoot() {}
func (ShowMsg) forRoot()    {}

// Routed is a message for one pane: the root delivers Msg to pane To only.
type Routed struct {
	To  ID
	Msg tea.Msg
}

func (Routed) forRoot() {}

// teaPkg is Bubble Tea's import path: its own messages (quit, batches,
// sequences, screen control) are for the program, never for a pane.
var teaPkg = reflect.TypeOf(tea.QuitMsg{}).PkgPath()

// Route tags the result of cmd, a command pane id returned, so that the
// root delivers it back to that pane only; root messages and Bubble Tea's
// own pass untouched, batches are routed element by element.
func Route(id ID, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		switch m := cmd().(type) {
		case nil:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, len(m))
			for i, c := range m {
				out[i] = Route(id, c)
			}
			return out
		case rootMsg:
			return m
		default:
			if t := reflect.TypeOf(m); t.PkgPath() == teaPkg || (t.Kind() == reflect.Pointer && t.Elem().PkgPath() == teaPkg) {
				return m
			}
			return Routed{To: id, Msg: m}
		}
	}
}
