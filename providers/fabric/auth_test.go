package fabric

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

func TestExpiredTokenIsRefreshedAfterOne401(t *testing.T) {
	env := newEnv(t, 30, sim.Timing{})
	// The client believes its token is fresh (its own clock stands still),
	// the simulator's clock moves past the token's lifetime: the API
	// answers 401 and the client logs in again once.
	p := env.provider(t, validateAll, httpx.WithClock(func() time.Time { return simEpoch }))
	if _, err := p.Connections(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if env.sim.TokenCalls() != 1 {
		t.Fatalf("%d token calls", env.sim.TokenCalls())
	}
	env.clock.Advance(time.Hour)
	if _, err := p.Connection(ctx, firstID(t, env)); err != nil {
		t.Fatal(err)
	}
	if env.sim.TokenCalls() != 2 {
		t.Fatalf("%d token calls after expiry, want 2", env.sim.TokenCalls())
	}
	seen := strings.Join(env.log.Seen(), "\n")
	if !strings.Contains(seen, "GET /fabric/v4/connections/{connectionId} 401") {
		t.Fatalf("no 401 was served; saw:\n%s", seen)
	}
}

func TestTokenRenewedBeforeExpiryWithoutA401(t *testing.T) {
	env := newEnv(t, 30, sim.Timing{}, WithSimTokenTTL(10*time.Minute))
	p := env.provider(t, validateAll, httpx.WithClock(env.clock.Now))
	if _, err := p.Connections(ctx, nil); err != nil {
		t.Fatal(err)
	}
	env.clock.Advance(9*time.Minute + 30*time.Second) // inside the 60s skew
	if _, err := p.Connection(ctx, firstID(t, env)); err != nil {
		t.Fatal(err)
	}
	if env.sim.TokenCalls() != 2 || strings.Contains(strings.Join(env.log.Seen(), "\n"), " 401") {
		t.Fatalf("token calls %d, seen %v: want a proactive renewal and no 401", env.sim.TokenCalls(), env.log.Seen())
	}
}

func firstID(t *testing.T, env *testEnv) string {
	t.Helper()
	env.sim.engine.Lock()
	defer env.sim.engine.Unlock()
	return env.sim.order[0].uuid
}

func TestBadSecretLocksTheAccountAfterFiveTries(t *testing.T) {
	env := newEnv(t, 10, sim.Timing{})
	hc, _ := newValidatingClient(t)
	for i := 0; i < 5; i++ {
		// A fresh provider each time: one provider never asks twice.
		p, _ := New("x", env.srv.URL(), Credentials{ClientID: DemoClientID, ClientSecret: "wrong"}, httpx.WithHTTPClient(hc))
		_, err := p.Connections(ctx, nil)
		var ae *model.APIError
		if !errors.As(err, &ae) || ae.Status != 400 || !strings.Contains(err.Error(), "valid client id/client secret") {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
		if _, err := p.Connections(ctx, nil); err == nil {
			t.Fatal("refused login then success")
		}
	}
	if env.sim.TokenCalls() != 5 {
		t.Fatalf("%d token calls for 5 providers x 2 listings, want 5: a refused login must not be repeated", env.sim.TokenCalls())
	}
	p, _ := New("x", env.srv.URL(), Credentials{ClientID: DemoClientID, ClientSecret: DemoClientSecret}, httpx.WithHTTPClient(hc))
	if _, err := p.Connections(ctx, nil); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("correct secret after 5 failures: %v, want the account locked", err)
	}
}

func TestStaticTokenAndMissingToken(t *testing.T) {
	env := newEnv(t, 10, sim.Timing{})
	hc, _ := newValidatingClient(t)
	p, _ := New("x", env.srv.URL(), Credentials{Token: DemoToken}, httpx.WithHTTPClient(hc))
	if cs, err := p.Connections(ctx, nil); err != nil || len(cs) != 10 {
		t.Fatalf("static token: %d %v", len(cs), err)
	}
	n := env.sim.Requests()
	p, _ = New("x", env.srv.URL(), Credentials{Token: "not-the-token"}, httpx.WithHTTPClient(hc))
	_, err := p.Connection(ctx, firstID(t, env))
	if !errors.Is(err, model.ErrUnauthorized) || env.sim.Requests() != n+1 || env.sim.TokenCalls() != 0 {
		t.Fatalf("bad static token: %v after %d requests; want one 401 and no retry", err, env.sim.Requests()-n)
	}
	// Without any Authorization header the metros endpoint answers with its own error list.
	rc, log := newResponseValidatingClient(t)
	resp, err := rc.Get(env.srv.URL() + MetrosPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(strings.Join(log.Seen(), ","), "GET /fabric/v4/metros 401") {
		t.Fatalf("status %d, validated %v", resp.StatusCode, log.Seen())
	}
}
