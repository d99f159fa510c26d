package metal

import (
	"net/http"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/kind"
	"github.com/noctop/noctop/providers/sim"
)

// Config is what a [[provider]] table of kind metal may say besides the
// common keys: the scope (both optional; without them every organisation
// and project the token can see is read).
type Config struct {
	OrganizationID string `toml:"organization_id,omitempty"`
	ProjectID      string `toml:"project_id,omitempty"`
}

// Descriptor is the Metal kind, as providers.Kinds lists it.
var Descriptor = kind.Descriptor{
	Name:        Kind,
	Title:       "Equinix Metal v1",
	Credentials: [][]string{{"token"}},
	Config:      func() any { return new(Config) },
	New: func(r kind.Resolved) (model.Provider, error) {
		c := kind.ConfigOf[Config](r)
		return kind.Built(New(r.Name, r.BaseURL, r.Secrets["token"].Value(), httpx.WithSettings(r.Settings),
			WithOrganization(c.OrganizationID), WithProject(c.ProjectID)))
	},
	Can: []string{"connections", "inventory", "virtual circuits", "events"},
	Sim: kind.Simulator{
		Name: "metal-demo",
		New: func(w *sim.World) (http.Handler, sim.FaultHooks) {
			return NewSimulator(w), SimFaultHooks()
		},
		Secrets:  map[string]httpx.Secret{"token": DemoToken},
		BasePath: SimBasePath,
	},
}
