// Package conns holds what the connection-based panes share: the fetch spec
// for a source's connections and helpers to read and patch them in the
// shared state.
package conns

import (
	"context"
	"strconv"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/state"
)

// Key is the state key of src's connections.
func Key(provider string) state.Key {
	return state.Key{Provider: provider, Resource: state.Connections}
}

// Specs returns one connections spec per source that can list connections.
func Specs(ctx *pane.Context) []state.Spec {
	var out []state.Spec
	for _, s := range ctx.Sources {
		if s.Connections == nil {
			continue
		}
		src, name := s.Connections, s.Name
		out = append(out, state.Spec{Key: Key(name), Fetch: func(c context.Context, p *model.Progress) (any, error) {
			cs, err := src.Connections(c, p)
			if err != nil && !state.Partial(err) {
				return nil, err
			}
			// Done here, off the UI goroutine: the pane compares
			// fingerprints to mark changed rows.
			for i := range cs {
				if cs[i].Provider == "" {
					cs[i].Provider = name
				}
				if cs[i].FingerprintKey == 0 {
					cs[i].FingerprintKey = cs[i].Fingerprint()
				}
			}
			return cs, err
		}})
	}
	return out
}

// Of returns the connections last fetched for provider (nil if none).
func Of(st *state.Store, provider string) []model.Connection {
	e := st.Get(Key(provider))
	if e == nil {
		return nil
	}
	cs, _ := e.Data.([]model.Connection)
	return cs
}

// Replace returns an UpdateMsg that swaps in c (matched by ID) in its
// provider's connections, appending it when absent.
func Replace(c model.Connection) pane.UpdateMsg {
	if c.FingerprintKey == 0 {
		c.FingerprintKey = c.Fingerprint()
	}
	return pane.UpdateMsg{Key: Key(c.Provider), Apply: func(old any) any {
		cs, _ := old.([]model.Connection)
		out := make([]model.Connection, len(cs), len(cs)+1)
		copy(out, cs)
		for i := range out {
			if out[i].ID == c.ID {
				out[i] = c
				return out
			}
		}
		return append(out, c)
	}}
}

// FormatBandwidth renders Mbps compactly: 500M, 1G, 2.5G, 100G.
func FormatBandwidth(mbps int64) string {
	switch {
	case mbps <= 0:
		return ""
	case mbps >= 1000 && mbps%1000 == 0:
		return strconv.FormatInt(mbps/1000, 10) + "G"
	case mbps >= 1000:
		return strconv.FormatFloat(float64(mbps)/1000, 'f', 1, 64) + "G"
	default:
		return strconv.FormatInt(mbps, 10) + "M"
	}
}

// Side renders an endpoint as "port@METRO" (or name, or type).
func Side(e model.Endpoint) string {
	n := e.PortName
	if n == "" {
		n = e.Name
	}
	if n == "" {
		n = e.Type
	}
	if e.Metro != "" {
		if n == "" {
			return e.Metro
		}
		return n + "@" + e.Metro
	}
	return n
}
