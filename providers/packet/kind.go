package packet

import (
	"net/http"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/kind"
	"github.com/noctop/noctop/providers/sim"
)

// Config is what a [[provider]] table of kind packet may say besides the
// common keys: the scope (both optional).
type Config struct {
	ProjectID      string `toml:"project_id,omitempty"`
	OrganizationID string `toml:"organization_id,omitempty"`
}

// Descriptor is the Packet kind, as providers.Kinds lists it.
var Descriptor = kind.Descriptor{
	Name:        Kind,
	Title:       "Packet API",
	Credentials: [][]string{{"token"}},
	Config:      func() any { return new(Config) },
	New: func(r kind.Resolved) (model.Provider, error) {
		c := kind.ConfigOf[Config](r)
		opts := []Option{httpx.WithSettings(r.Settings)}
		if c.ProjectID != "" {
			opts = append(opts, WithProjectID(c.ProjectID))
		}
		if c.OrganizationID != "" {
			opts = append(opts, WithOrganizationID(c.OrganizationID))
		}
		return kind.Built(New(r.Name, r.BaseURL, r.Secrets["token"].Value(), opts...))
	},
	Can: []string{"inventory", "devices", "traffic", "bgp sessions", "events", "capacity", "reboots"},
	Sim: kind.Simulator{
		Name: "packet-demo",
		New: func(w *sim.World) (http.Handler, sim.FaultHooks) {
			return NewSimulator(w), SimFaultHooks()
		},
		Secrets: map[string]httpx.Secret{"token": DemoToken},
	},
}
