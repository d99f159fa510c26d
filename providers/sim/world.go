package sim

import (
	"math/rand/v2"
	"time"
)

// Defaults for the demo.
const (
	DefaultSeed  = 20240611
	DefaultScale = 300
	// MaxScale bounds the scale knob: 1,000,000 connections per simulator
	// is far beyond any benchmark we run and still fits in memory.
	MaxScale = 1_000_000
)

// Timing is how fast the simulated world moves.
type Timing struct {
	// ArrivalMin/Max: gap between new requests that wait for our approval.
	// ArrivalMax <= 0 switches arrivals off.
	ArrivalMin, ArrivalMax time.Duration
	// ProvisionMin/Max: approved -> active.
	ProvisionMin, ProvisionMax time.Duration
	// DeprovisionMin/Max: deletion accepted -> gone.
	DeprovisionMin, DeprovisionMax time.Duration
	// RemoteMin/Max: how long the other party takes to answer a request we
	// made (our outgoing requests).
	RemoteMin, RemoteMax time.Duration
}

// DemoTiming is lively enough to watch: a new request every 20-40 s,
// provisioning in 5-15 s.
func DemoTiming() Timing {
	return Timing{
		ArrivalMin: 20 * time.Second, ArrivalMax: 40 * time.Second,
		ProvisionMin: 5 * time.Second, ProvisionMax: 15 * time.Second,
		DeprovisionMin: 5 * time.Second, DeprovisionMax: 15 * time.Second,
		RemoteMin: 30 * time.Second, RemoteMax: 90 * time.Second,
	}
}

// StillTiming freezes the world: no arrivals, but approvals still complete
// (after the demo delays) so an approve -> active flow can be observed.
func StillTiming() Timing {
	t := DemoTiming()
	t.ArrivalMin, t.ArrivalMax = 0, 0
	return t
}

// Config describes a world.
type Config struct {
	Seed  int64 // 0 means DefaultSeed
	Scale int   // connections per simulator; 0 means DefaultScale; capped at MaxScale
	Clock Clock // nil means RealClock
	// Timing; the zero value means DemoTiming().
	Timing Timing
}

// World is the shared, deterministic simulated world: seed, scale, clock,
// timing, geography and companies. It holds no provider state: each
// simulator builds its own entities from it (see the package doc) so that
// providers agree on metros and companies without sharing locks.
type World struct {
	seed   int64
	scale  int
	clock  Clock
	timing Timing
	epoch  time.Time
}

// NewWorld returns a world for cfg.
func NewWorld(cfg Config) *World {
	if cfg.Seed == 0 {
		cfg.Seed = DefaultSeed
	}
	switch {
	case cfg.Scale <= 0:
		cfg.Scale = DefaultScale
	case cfg.Scale > MaxScale:
		cfg.Scale = MaxScale
	}
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	if cfg.Timing == (Timing{}) {
		cfg.Timing = DemoTiming()
	}
	return &World{
		seed:   cfg.Seed,
		scale:  cfg.Scale,
		clock:  cfg.Clock,
		timing: cfg.Timing,
		epoch:  cfg.Clock.Now(),
	}
}

// Seed returns the world's seed.
func (w *World) Seed() int64 { return w.seed }

// Scale returns how many connections each simulator should create.
func (w *World) Scale() int { return w.scale }

// Clock returns the world's clock.
func (w *World) Clock() Clock { return w.clock }

// Now is Clock().Now().
func (w *World) Now() time.Time { return w.clock.Now() }

// Epoch is the clock's time when the world was created: initial entities
// are generated relative to it (created "3 days before the epoch"), so the
// same seed and clock give the same timestamps.
func (w *World) Epoch() time.Time { return w.epoch }

// Timing returns the world's timing.
func (w *World) Timing() Timing { return w.timing }

// Rand returns the deterministic random stream for key (e.g.
// w.Rand("fabric", "connection", "42")).
func (w *World) Rand(key ...string) *rand.Rand { return NewRand(w.seed, key...) }

// Hash is Hash(w.Seed(), key...).
func (w *World) Hash(key ...string) uint64 { return Hash(w.seed, key...) }

// Traffic returns the world's traffic generator.
func (w *World) Traffic() Traffic { return Traffic{Seed: w.seed} }

// Company returns company i (i >= 0) of this world.
func (w *World) Company(i int) Company { return CompanyAt(w.seed, i) }

// Self is the operator's own organisation.
func (w *World) Self() Company { return SelfCompany() }

// CompanyCount is how many distinct companies simulators should draw
// from at this scale (at least 40, growing slowly with the scale).
func (w *World) CompanyCount() int {
	n := 40 + w.scale/50
	if n > 5000 {
		n = 5000
	}
	return n
}

// NewEngine returns an event engine on the world's clock.
func (w *World) NewEngine() *Engine { return NewEngine(w.clock) }

// Metros returns the shared metro table.
func (w *World) Metros() []Metro { return Metros() }
