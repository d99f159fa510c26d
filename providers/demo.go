package providers

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/sim"
)

// DemoOptions shape the simulated world.
type DemoOptions struct {
	Seed   int64  // 0: the default seed
	Scale  int    // Fabric connections; 0: a few hundred
	Faults string // fault spec ("chaos", "latency=...,5xx=0.05"); empty: none
	Clock  sim.Clock
	Timing *sim.Timing // nil: the lively demo timing
	// Observe, when set, sees every request a simulator receives (kind is
	// the provider kind), before any fault is injected. Tests count
	// requests with it; it must not read or keep the body.
	Observe func(kind string, r *http.Request)
}

// Demo is the set of simulators running on 127.0.0.1 and the provider
// configs that point at them. The clients reach them over real HTTP, exactly
// as they would reach the real APIs.
type Demo struct {
	Providers []config.Provider
	World     *sim.World
	Faults    *sim.Faults
	servers   []*sim.Server
}

// StartDemo starts every simulator. Close stops them.
func StartDemo(o DemoOptions) (*Demo, error) {
	spec, err := sim.ParseFaults(o.Faults)
	if err != nil {
		return nil, fmt.Errorf("--demo-faults: %w", err)
	}
	cfg := sim.Config{Seed: o.Seed, Scale: o.Scale, Clock: o.Clock}
	if o.Timing != nil {
		cfg.Timing = *o.Timing
	}
	w := sim.NewWorld(cfg)
	d := &Demo{World: w, Faults: sim.NewFaults(spec, uint64(w.Seed()))}
	for _, k := range Kinds {
		s := k.Sim
		h, hooks := s.New(w)
		h = d.Faults.Wrap(h, hooks)
		if o.Observe != nil {
			h = observe(k.Name, o.Observe, h)
		}
		srv, err := sim.Start(h)
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("starting the %s simulator: %w", k.Name, err)
		}
		d.servers = append(d.servers, srv)
		p := config.Provider{Name: s.Name, Kind: k.Name, BaseURL: srv.URL() + s.BasePath, Secrets: maps.Clone(s.Secrets)}
		if s.Config != nil {
			p.KindConfig = s.Config()
		}
		p.Timeout.Duration = 15 * time.Second
		d.Providers = append(d.Providers, p)
	}
	return d, nil
}

func observe(kind string, fn func(string, *http.Request), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn(kind, r)
		next.ServeHTTP(w, r)
	})
}

func describeCreds(m map[string]config.Secret) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k].Value())
	}
	return strings.Join(parts, " ")
}

// Banner is the one-line demo notice for the dashboard header.
func (d *Demo) Banner() string {
	b := "DEMO — simulated providers on 127.0.0.1"
	if spec := d.Faults.Spec(); !spec.IsZero() {
		b += " · faults: " + spec.String()
	}
	return b
}

// Describe prints each simulator's base URL and demo credentials (which are
// public constants, not secrets).
func (d *Demo) Describe(w io.Writer) {
	for _, p := range d.Providers {
		fmt.Fprintf(w, "  %-14s %-10s %s\n  %-14s %-10s credentials: %s\n", p.Name, p.Kind, p.BaseURL, "", "", describeCreds(p.Secrets))
	}
	if spec := d.Faults.Spec(); !spec.IsZero() {
		fmt.Fprintf(w, "  faults: %s\n", spec.String())
	}
}

// Close stops every simulator.
func (d *Demo) Close() {
	for _, s := range d.servers {
		s.Close()
	}
	d.servers = nil
}
