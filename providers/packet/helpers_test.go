package packet

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
func newEnv(t *testing.T, scale int, timing sim.Timing, opts ...SimOption) *testEnv {
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

// Validation modes of testEnv.provider.
const (
	noValidation = iota
	validateAll
	validateResponses // for tests that send invalid requests on purpose
)

// provider returns a provider on the env with the demo token; unless mode
// is noValidation, exchanges are checked against the spec (the test is
// skipped when it is absent).
func (e *testEnv) provider(t *testing.T, mode int, opts ...Option) *Provider {
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
	p, err := New("packet-test", e.srv.URL(), DemoToken, all...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// noSleepRetry keeps httpx's retry decisions but does not wait.
func noSleepRetry() httpx.RetryPolicy {
	return httpx.RetryPolicy{MaxAttempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }}
}

// walk visits every node of a tree.
func walk(ns []model.Node, f func(n model.Node, depth int)) {
	var rec func(ns []model.Node, d int)
	rec = func(ns []model.Node, d int) {
		for _, n := range ns {
			f(n, d)
			rec(n.Children, d+1)
		}
	}
	rec(ns, 0)
}

func findNode(ns []model.Node, pred func(model.Node) bool) (model.Node, bool) {
	var out model.Node
	found := false
	walk(ns, func(n model.Node, _ int) {
		if !found && pred(n) {
			out, found = n, true
		}
	})
	return out, found
}

func field(n model.Node, key string) string {
	for _, f := range n.Fields {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

func mustJSON(t *testing.T, path string, body any) model.HTTPRequest {
	t.Helper()
	h, err := jsonRequest(path, body)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func rawGetRequest(path string) httpx.Request {
	return httpx.Request{Method: http.MethodGet, Path: path}
}
