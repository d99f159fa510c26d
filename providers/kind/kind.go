// Package kind describes a provider kind: what a [[provider]] table of
// that kind may say, how a provider of it is built, and how it is
// simulated. Each provider package exports one Descriptor; the table
// providers.Kinds lists them, and the registry, config validation, the demo
// and `noctop sim` read everything they know about a kind from there. A new
// kind is its package plus one line in that table.
//
// The package is small and imports no provider, so both the provider
// packages and the config can use it.
package kind

import (
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

// Descriptor is everything noctop knows about one provider kind.
type Descriptor struct {
	// Name is the kind as configs and model values spell it ("fabric").
	Name string
	// Title names the API for people ("Equinix Fabric v4").
	Title string
	// Credentials lists the alternative sets of secrets that authenticate
	// the kind; one complete set is required. A secret NAME is configured
	// as NAME_env (an environment variable) or NAME_file (a file).
	Credentials [][]string
	// Config returns a pointer to a new, empty value of the kind's own
	// settings: a struct whose toml tags are the extra keys a [[provider]]
	// table of this kind accepts (organization_id, entity_handle ...).
	// nil: the kind has none.
	Config func() any
	// New builds a provider from a resolved configuration.
	New func(Resolved) (model.Provider, error)
	// Can says what the kind offers, in the words of the UI ("connections",
	// "approvals", "traffic" ...), for help and `noctop sim`.
	Can []string
	// Sim serves the kind's API from the simulated world (demo mode and
	// `noctop sim`).
	Sim Simulator
}

// Resolved is one [[provider]] table after validation: its secrets read,
// its kind's own settings decoded.
type Resolved struct {
	Name    string
	BaseURL string
	// Secrets holds the values of the credentials configured, by secret
	// name ("client_secret").
	Secrets map[string]httpx.Secret
	// Settings are the shared client settings (provider name, timeout,
	// logger, paging bounds); a constructor passes them on with
	// httpx.WithSettings.
	Settings httpx.Settings
	// Config is what Descriptor.Config returned, filled from the table
	// (nil when the kind has no settings of its own).
	Config any
}

// ConfigOf returns r's kind settings as a *T, or a new zero T when there
// are none (a provider built by hand, not from a file).
func ConfigOf[T any](r Resolved) *T {
	if c, ok := r.Config.(*T); ok && c != nil {
		return c
	}
	return new(T)
}

// Built is a constructor's result as New returns it: the provider, or the
// error alone (never a typed nil pointer inside a non-nil interface):
//
//	New: func(r kind.Resolved) (model.Provider, error) { return kind.Built(fabric.New(...)) }
func Built[P model.Provider](p P, err error) (model.Provider, error) {
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Simulator is how a kind's API is served on loopback.
type Simulator struct {
	// Name is the instance name in the demo ("fabric-demo").
	Name string
	// New builds the handler over the world, with the hooks fault
	// injection needs to answer like this API.
	New func(w *sim.World) (http.Handler, sim.FaultHooks)
	// Secrets are the simulator's credentials, by secret name: public
	// constants, not secrets.
	Secrets map[string]httpx.Secret
	// Config returns the kind settings the demo uses (ProVision's entity
	// handle); nil: none.
	Config func() any
	// BasePath is appended to the server's URL to form the base URL
	// ("/api/v2").
	BasePath string
}

// SecretNames lists every secret the kind may be given, in the order of
// its credential sets.
func (d Descriptor) SecretNames() []string {
	var out []string
	for _, set := range d.Credentials {
		for _, n := range set {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// ConfigKeys lists the keys of the kind's own settings (the toml tags of
// what Config returns), in field order.
func (d Descriptor) ConfigKeys() []string {
	if d.Config == nil {
		return nil
	}
	t := reflect.TypeOf(d.Config())
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		out = append(out, name)
	}
	return out
}

// Find returns the descriptor named name in kinds.
func Find(kinds []Descriptor, name string) (Descriptor, bool) {
	for _, d := range kinds {
		if d.Name == name {
			return d, true
		}
	}
	return Descriptor{}, false
}

// Names lists the kinds' names, in table order.
func Names(kinds []Descriptor) []string {
	out := make([]string, len(kinds))
	for i, d := range kinds {
		out[i] = d.Name
	}
	return out
}
