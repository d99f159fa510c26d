package providers

import (
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/kind"
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
	// Listen says where the simulators listen (zero: ephemeral ports).
	Listen Listen
}

// Listen says where each simulator listens: from Base ("127.0.0.1:8001":
// the first kind of the table on that port, the next ones counting up),
// or per kind or demo name in By ("fabric" or "fabric-demo" →
// "127.0.0.1:8001"; kinds not named get an ephemeral port). Only loopback
// addresses are accepted.
type Listen struct {
	Base string
	By   map[string]string
}

// ParseListen reads --listen: "HOST:PORT" (a base) or
// "NAME=HOST:PORT,NAME=HOST:PORT" (NAME a kind or a demo name).
func ParseListen(spec string) (Listen, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return Listen{}, nil
	}
	if !strings.Contains(spec, "=") {
		l := Listen{Base: spec}
		for i, k := range Kinds {
			a, err := l.addr(i, k)
			if err == nil {
				err = sim.CheckListen(a)
			}
			if err != nil {
				return Listen{}, fmt.Errorf("--listen: %v", err)
			}
		}
		return l, nil
	}
	l := Listen{By: map[string]string{}}
	for _, part := range strings.Split(spec, ",") {
		name, addr, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || name == "" || addr == "" {
			return Listen{}, fmt.Errorf("--listen: %q is not NAME=HOST:PORT", part)
		}
		known := false
		for _, k := range Kinds {
			known = known || name == k.Name || name == k.Sim.Name
		}
		if !known {
			return Listen{}, fmt.Errorf("--listen: no simulator %q (kinds: %s)", name, strings.Join(kind.Names(Kinds), ", "))
		}
		if _, dup := l.By[name]; dup {
			return Listen{}, fmt.Errorf("--listen: %q given twice", name)
		}
		if err := sim.CheckListen(addr); err != nil {
			return Listen{}, fmt.Errorf("--listen: %v", err)
		}
		l.By[name] = addr
	}
	return l, nil
}

// addr is where the i-th kind of the table listens.
func (l Listen) addr(i int, k kind.Descriptor) (string, error) {
	if l.Base != "" {
		host, port, err := net.SplitHostPort(l.Base)
		if err != nil {
			return "", fmt.Errorf("%q: want HOST:PORT or NAME=HOST:PORT,...", l.Base)
		}
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p+i > 65535 {
			return "", fmt.Errorf("%q: want a port between 1 and %d (one per simulator, counting up)", l.Base, 65535-len(Kinds)+1)
		}
		return net.JoinHostPort(host, strconv.Itoa(p+i)), nil
	}
	for _, name := range []string{k.Name, k.Sim.Name} {
		if a, ok := l.By[name]; ok {
			return a, nil
		}
	}
	return "127.0.0.1:0", nil
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
	for i, k := range Kinds {
		s := k.Sim
		h, hooks := s.New(w)
		h = d.Faults.Wrap(h, hooks)
		if o.Observe != nil {
			h = observe(k.Name, o.Observe, h)
		}
		addr, err := o.Listen.addr(i, k)
		if err != nil {
			d.Close()
			return nil, err
		}
		srv, err := sim.StartOn(addr, h)
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
		k, _ := kind.Find(Kinds, p.Kind)
		fmt.Fprintf(w, "  %-14s %-10s %s\n", p.Name, p.Kind, p.BaseURL)
		fmt.Fprintf(w, "  %-25s %s: %s\n", "", k.Title, strings.Join(k.Can, ", "))
		fmt.Fprintf(w, "  %-25s credentials: %s\n", "", describeCreds(p.Secrets))
	}
	if spec := d.Faults.Spec(); !spec.IsZero() {
		fmt.Fprintf(w, "  faults: %s\n", spec.String())
	}
}

// Snippet writes what points another tool at the simulators: the demo
// credentials as shell export lines (public constants, not secrets), then
// a config.toml whose [[provider]] tables read them by *_env. Everything
// from the line "# config.toml" on is the file.
func (d *Demo) Snippet(w io.Writer) error {
	var cfg strings.Builder
	vars, err := config.Snippet(&cfg, d.Providers, config.EnvName)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("# The demo credentials (public constants, not secrets), for your shell:\n")
	for _, v := range vars {
		fmt.Fprintf(&b, "export %s=%s\n", v.Name, shellQuote(v.Value))
	}
	b.WriteString("\n# config.toml for these simulators (noctop --config config.toml):\n")
	b.WriteString(cfg.String())
	_, err = io.WriteString(w, b.String())
	return err
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Close stops every simulator.
func (d *Demo) Close() {
	for _, s := range d.servers {
		s.Close()
	}
	d.servers = nil
}
