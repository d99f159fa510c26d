package fabric

import (
	"net/http"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/kind"
	"github.com/noctop/noctop/providers/sim"
)

// Descriptor is the Fabric kind, as providers.Kinds lists it.
var Descriptor = kind.Descriptor{
	Name:        Kind,
	Title:       "Equinix Fabric v4",
	Credentials: [][]string{{"client_id", "client_secret"}, {"token"}},
	New: func(r kind.Resolved) (model.Provider, error) {
		creds := Credentials{ClientID: r.Secrets["client_id"], ClientSecret: r.Secrets["client_secret"], Token: r.Secrets["token"]}
		return kind.Built(New(r.Name, r.BaseURL, creds, httpx.WithSettings(r.Settings)))
	},
	Can: []string{"connections", "approvals", "ports", "traffic", "bandwidth changes", "deletions"},
	Sim: kind.Simulator{
		Name: "fabric-demo",
		New: func(w *sim.World) (http.Handler, sim.FaultHooks) {
			return NewSimulator(w), SimFaultHooks()
		},
		Secrets: map[string]httpx.Secret{"client_id": DemoClientID, "client_secret": DemoClientSecret},
	},
}
