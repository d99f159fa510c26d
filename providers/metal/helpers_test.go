package metal

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

var simEpoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type testEnv struct {
	clock *sim.FakeClock
	world *sim.World
	sim   *Simulator
	srv   *sim.Server
	log   *exchangeLog // nil when not validating
}

// newEnv starts a simulator (fake clock, still timing unless timing is
// given) on a real loopback server.
func newEnv(t testing.TB, scale int, timing sim.Timing, opts ...SimOption) *testEnv {
	t.Helper()
	if timing == (sim.Timing{}) {
		timing = sim.StillTiming()
	}
	clk := sim.NewFakeClock(simEpoch)
	w := sim.NewWorld(sim.Config{Seed: 7, Scale: scale, Clock: clk, Timing: timing})
	s := NewSimulator(w, opts...)
	srv, err := sim.Start(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &testEnv{clock: clk, world: w, sim: s, srv: srv}
}

// baseURL is where the simulated API lives, as in a real config.
func (e *testEnv) baseURL() string { return e.srv.URL() + SimBasePath }

// Validation modes of testEnv.provider.
const (
	noValidation = iota
	validateAll
	validateResponses // for tests that send invalid requests on purpose
)

// provider returns a provider on the env with the demo token; unless mode
// is noValidation, exchanges are checked against the spec (the test is
// skipped when it is absent).
func (e *testEnv) provider(t testing.TB, mode int, opts ...Option) *Provider {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{}}
	switch mode {
	case validateAll:
		hc, e.log = newValidatingClient(t)
	case validateResponses:
		hc, e.log = newResponseValidatingClient(t)
	default:
		t.Cleanup(hc.CloseIdleConnections)
	}
	all := append([]Option{httpx.WithHTTPClient(hc), httpx.WithRetry(noSleepRetry()), httpx.WithClock(e.clock.Now)}, opts...)
	p, err := New("metal-test", e.baseURL(), DemoToken, all...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// noSleepRetry keeps httpx's retry decisions but does not wait.
func noSleepRetry() httpx.RetryPolicy {
	return httpx.RetryPolicy{MaxAttempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }}
}

func findConn(cs []model.Connection, pred func(model.Connection) bool) (model.Connection, bool) {
	for _, c := range cs {
		if pred(c) {
			return c, true
		}
	}
	return model.Connection{}, false
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
