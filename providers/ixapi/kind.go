package ixapi

import (
	"net/http"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/kind"
	"github.com/noctop/noctop/providers/sim"
)

// Descriptor is the IX-API kind, as providers.Kinds lists it.
var Descriptor = kind.Descriptor{
	Name:        Kind,
	Title:       "IX-API v2",
	Credentials: [][]string{{"api_key", "api_secret"}, {"token"}},
	New: func(r kind.Resolved) (model.Provider, error) {
		creds := Credentials{APIKey: r.Secrets["api_key"], APISecret: r.Secrets["api_secret"], Token: r.Secrets["token"]}
		return kind.Built(New(r.Name, r.BaseURL, creds, httpx.WithSettings(r.Settings)))
	},
	Can: []string{"connections", "approvals", "change requests", "inventory", "traffic", "peers", "decommissions"},
	Sim: kind.Simulator{
		Name: "ix-demo",
		New: func(w *sim.World) (http.Handler, sim.FaultHooks) {
			s := NewSimulator(w)
			return s, s.FaultHooks()
		},
		Secrets:  map[string]httpx.Secret{"api_key": DemoAPIKey, "api_secret": DemoAPISecret},
		BasePath: SimBasePath,
	},
}
