package pane

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
)

// GraphTarget is what the Traffic pane graphs. It lives here, not in the
// Traffic pane, so that other panes (and widgets) can ask for a graph
// without importing that pane.
type GraphTarget struct {
	Source string    // provider instance name
	Ref    model.Ref // port, connection, network service config ...
	Title  string    // how the operator knows it ("et-0/0/1 @ FRA")
	// Capacity in bits per second when the caller knows it (a connection's
	// bandwidth); a capacity the provider returns with the series wins.
	Capacity float64
	// Peers, when set, graphs these peers of the config Ref instead of the
	// config itself (SeriesQuery.Peers).
	Peers []model.Peer
}

// GraphMsg asks the Traffic pane to graph Target.
type GraphMsg struct{ Target GraphTarget }

// Graph switches to the Traffic pane and graphs t there.
func Graph(t GraphTarget) tea.Cmd { return Show(Traffic, GraphMsg{Target: t}) }

// ConnectionTarget is how a listed connection is graphed: its provider's
// id with Ref.Type "connection" (providers resolve their own qualified
// ids, e.g. IX-API's "nsc:42"), its bandwidth as the capacity hint.
func ConnectionTarget(c *model.Connection) GraphTarget {
	name := c.Name
	if name == "" {
		name = c.ID
	}
	return GraphTarget{
		Source:   c.Provider,
		Ref:      model.Ref{Provider: c.Provider, Type: "connection", ID: c.ID, Name: c.Name},
		Title:    name,
		Capacity: float64(c.BandwidthMbps) * 1e6,
	}
}

// GraphConnection graphs c when its provider offers statistics, and says
// so in a toast otherwise.
func (ctx *Context) GraphConnection(c *model.Connection) tea.Cmd {
	if s, ok := ctx.Source(c.Provider); !ok || s.Stats == nil {
		return Toast(c.Provider+" offers no traffic statistics", true)
	}
	return Graph(ConnectionTarget(c))
}
