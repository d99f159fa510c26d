package pane

import (
	"context"
	"log/slog"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/styles"
)

// Context is what every pane shares. Panes read shared data only through
// the accessors in data.go and change it only by returning messages
// (RefreshMsg) or through the hub's runner (ui/mutate).
type Context struct {
	Sources []model.Source
	// Hub is the shared data, its refresh schedule and the action runner
	// (shared with other sessions); panes use the accessors in data.go and
	// the helpers below.
	Hub model.Hub
	// Root is cancelled when the program quits: commands and timers of
	// this session derive from it (nil: never cancelled).
	Root context.Context
	// Refresh is the default auto-refresh interval (15s when 0).
	Refresh time.Duration
	Keys    *keys.Map
	Styles  *styles.Styles
	Now     func() time.Time
	// ReadOnly is the global read-only switch (--read-only or [ui]
	// read_only); a provider's own read_only is Source.ReadOnly. Ask
	// ReadOnlyReason, which weighs both.
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

	// copies holds the values the pointer accessors of data.go return,
	// one per resource and data version, so that a View reading them
	// allocates nothing and the same data is the same pointer. Like every
	// accessor, they are for the Update goroutine (Update, View, keys).
	copies map[model.ResourceKey]versioned
}

type versioned struct {
	version uint64
	ptr     any
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

// ReadOnlyReason is the one place read-only is decided: why mutations of
// provider's objects are off, "" when they are on. provider "" asks about
// the global switch only.
func (c *Context) ReadOnlyReason(provider string) string {
	if c.ReadOnly {
		return "--read-only"
	}
	if s, ok := c.Source(provider); ok && s.ReadOnly {
		return "read_only = true for " + model.SafeText(provider)
	}
	return ""
}

// Background is the parent context of every command a pane runs; it is
// cancelled when the program quits.
func (c *Context) Background() context.Context {
	if c.Root != nil {
		return c.Root
	}
	return context.Background()
}

// Interval is the default refresh interval.
func (c *Context) Interval() time.Duration {
	if c.Refresh > 0 {
		return c.Refresh
	}
	return 15 * time.Second
}

// After delivers msg after d, or nothing once the program quit. Unlike
// tea.Tick, whose goroutine sleeps out its timer after the program has
// quit, its goroutine ends on quit: a program per SSH session, or a test,
// must not leave timers behind.
func (c *Context) After(d time.Duration, msg tea.Msg) tea.Cmd {
	ctx := c.Background()
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return msg
		case <-ctx.Done():
			return nil
		}
	}
}

// Run sends a planned action through the hub's runner (audit, read-only,
// then the re-read of what it affected, published to every session).
func (c *Context) Run(ctx context.Context, provider string, a model.Action) (model.Outcome, error) {
	if c.Hub == nil {
		return model.Outcome{}, model.ErrUnsupported
	}
	return c.Hub.Run(ctx, provider, a)
}

// RereadConnection reads one row of provider's connection listing back
// through the hub (merged and published to every session).
func (c *Context) RereadConnection(ctx context.Context, provider, id string) model.Outcome {
	if c.Hub == nil {
		return model.Outcome{RereadErr: model.ErrUnsupported}
	}
	return c.Hub.RereadConnection(ctx, provider, id)
}

// Clock is the current time (the injectable Now, or the wall clock).
func (c *Context) Clock() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Spin is the spinner frame ("…" without a spinner).
func (c *Context) Spin() string {
	if c.Spinner != nil {
		return c.Spinner()
	}
	return "…"
}

// Paused reports whether auto-refresh is paused (space).
func (c *Context) Paused() bool { return c.Hub != nil && c.Hub.Paused() }
