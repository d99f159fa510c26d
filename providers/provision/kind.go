package provision

import (
	"net/http"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/kind"
	"github.com/noctop/noctop/providers/sim"
)

// Config is what a [[provider]] table of kind provision may say besides
// the common keys.
type Config struct {
	// EntityHandle is the LIR's organisation handle deassign and SWIP
	// reassignments act for when the request names none.
	EntityHandle string `toml:"entity_handle,omitempty"`
}

// Descriptor is the ProVision kind, as providers.Kinds lists it.
var Descriptor = kind.Descriptor{
	Name:        Kind,
	Title:       "6connect ProVision IPAM",
	Credentials: [][]string{{"api_key", "secret_key"}},
	Config:      func() any { return new(Config) },
	New: func(r kind.Resolved) (model.Provider, error) {
		c := kind.ConfigOf[Config](r)
		opts := []Option{httpx.WithSettings(r.Settings)}
		if c.EntityHandle != "" {
			opts = append(opts, WithEntityHandle(c.EntityHandle))
		}
		creds := Credentials{APIKey: r.Secrets["api_key"], SecretKey: r.Secrets["secret_key"]}
		return kind.Built(New(r.Name, r.BaseURL, creds, opts...))
	},
	Can: []string{"ipam blocks", "utilization", "mask report", "assign", "deassign", "reassign", "holding tank"},
	Sim: kind.Simulator{
		Name: "ipam-demo",
		New: func(w *sim.World) (http.Handler, sim.FaultHooks) {
			return NewSimulator(w), FaultHooks()
		},
		Secrets: map[string]httpx.Secret{"api_key": DemoAPIKey, "secret_key": DemoSecretKey},
		Config:  func() any { return &Config{EntityHandle: DemoEntityHandle} },
	},
}
