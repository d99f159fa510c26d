package ixapi

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

func TestJWTExpiry(t *testing.T) {
	now := time.Date(2025, 3, 11, 12, 0, 0, 0, time.UTC)
	enc := func(payload string) string {
		return "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".sig"
	}
	exp := now.Add(10 * time.Minute)
	cases := []struct {
		tok  string
		want time.Time
	}{
		{enc(fmt.Sprintf(`{"exp":%d}`, exp.Unix())), exp},
		{enc(fmt.Sprintf(`{"exp":%d.5}`, exp.Unix())), exp.Add(500 * time.Millisecond)},
		{enc(fmt.Sprintf(`{"exp":"%d"}`, exp.Unix())), exp},
		{enc(`{"sub":"x"}`), time.Time{}},
		{enc(`{"exp":-5}`), time.Time{}},
		{enc(`{"exp":99999999999999}`), time.Time{}},
		{enc(`{"exp":1}`), time.Time{}}, // 1970: absurd
		{enc(`not json`), time.Time{}},
		{"opaque-token", time.Time{}},
		{"a.b.c", time.Time{}},
		{"", time.Time{}},
	}
	for _, c := range cases {
		if got := jwtExpiry(c.tok, now); !got.Equal(c.want) {
			t.Errorf("jwtExpiry(%q) = %v, want %v", c.tok, got, c.want)
		}
	}
	if !refreshUsable("opaque", now) || refreshUsable(enc(fmt.Sprintf(`{"exp":%d}`, now.Add(-time.Minute).Unix())), now) {
		t.Error("refreshUsable: an opaque token is tried, an expired JWT is not")
	}
}

func TestLoginOnceAndReuse(t *testing.T) {
	e := newEnv(t, withSimOpts(WithSimStaticToken("")))
	p := e.provider()
	ctx := ctxT(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.Client().ListMetroAreas(ctx, nil, nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if c := e.sim.Counters(); c.Logins != 1 || c.Refreshes != 0 {
		t.Errorf("8 concurrent requests: %+v, want exactly one login", c)
	}
}

func TestRefreshBeforeExpiry(t *testing.T) {
	e := newEnv(t, withSimOpts(WithSimTokenTTL(5*time.Minute, time.Hour)))
	p := e.provider()
	ctx := ctxT(t)
	must[[]MetroArea](t)(p.Client().ListMetroAreas(ctx, nil, nil))
	// 4m30s later the token has 30s left, inside the 60s skew: renewed with
	// the refresh token before it expires, so no request ever sees a 401.
	e.clock.Advance(4*time.Minute + 30*time.Second)
	must[[]MetroArea](t)(p.Client().ListMetroAreas(ctx, nil, nil))
	if c := e.sim.Counters(); c.Logins != 1 || c.Refreshes != 1 {
		t.Errorf("counters %+v, want 1 login then 1 refresh", c)
	}
	// Well within the new token's life: nothing more.
	e.clock.Advance(time.Minute)
	must[[]MetroArea](t)(p.Client().ListMetroAreas(ctx, nil, nil))
	if c := e.sim.Counters(); c.Logins != 1 || c.Refreshes != 1 {
		t.Errorf("counters %+v after a minute", c)
	}
}

func TestRefreshAfterOne401(t *testing.T) {
	e := newEnv(t)
	p := e.provider()
	ctx := ctxT(t)
	must[[]MetroArea](t)(p.Client().ListMetroAreas(ctx, nil, nil))
	e.sim.RevokeTokens() // the server forgets every access token; refresh tokens still work
	e.clock.Advance(2 * time.Second)
	if _, err := p.Client().ListMetroAreas(ctx, nil, nil); err != nil {
		t.Fatalf("after a 401 the client must refresh and retry once: %v", err)
	}
	if c := e.sim.Counters(); c.Logins != 1 || c.Refreshes != 1 {
		t.Errorf("counters %+v, want 1 login, 1 refresh", c)
	}
}

func TestExpiredRefreshTokenMeansLogin(t *testing.T) {
	e := newEnv(t, withSimOpts(WithSimTokenTTL(5*time.Minute, 10*time.Minute)))
	p := e.provider()
	ctx := ctxT(t)
	must[[]MetroArea](t)(p.Client().ListMetroAreas(ctx, nil, nil))
	e.clock.Advance(time.Hour) // both tokens long expired
	must[[]MetroArea](t)(p.Client().ListMetroAreas(ctx, nil, nil))
	if c := e.sim.Counters(); c.Logins != 2 || c.Refreshes != 0 {
		t.Errorf("counters %+v: an expired refresh JWT is not sent; log in again", c)
	}
}

func TestRefusedRefreshFallsBackToLogin(t *testing.T) {
	var logins, refreshes atomic.Int64
	now := time.Date(2025, 3, 11, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case TokenPath:
			n := logins.Add(1)
			w.WriteHeader(201)
			writeJSON(w, AuthToken{AccessToken: fmt.Sprintf("access-%d", n), RefreshToken: "opaque-refresh"})
		case RefreshPath:
			refreshes.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"type":"https://errors.ix-api.net/v2/authentication-error.html","title":"bad refresh token","status":401}`))
		default:
			if r.Header.Get("Authorization") != "Bearer access-2" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(401)
				_, _ = w.Write([]byte(`{"type":"https://errors.ix-api.net/v2/authentication-error.html","title":"Authentication failed","status":401}`))
				return
			}
			writeJSON(w, []any{})
		}
	})
	p, err := New("ix", srv+SimBasePath, demoCreds, httpx.WithClock(clock), httpx.WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	// access-1 is refused -> refresh refused -> login gives access-2.
	if _, err := p.Client().ListMetroAreas(ctxT(t), nil, nil); err != nil {
		t.Fatal(err)
	}
	if logins.Load() != 2 || refreshes.Load() != 1 {
		t.Errorf("logins %d refreshes %d, want 2 and 1", logins.Load(), refreshes.Load())
	}
}

func TestRefusedLoginIsNotRepeated(t *testing.T) {
	e := newEnv(t, withBadRequests())
	bad := Credentials{APIKey: DemoAPIKey, APISecret: httpx.Secret(strings.Repeat("x", 86))}
	p, err := New("ix", e.base, bad, httpx.WithClock(e.clock.Now), httpx.WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	for i := 0; i < 3; i++ {
		_, err := p.Client().ListMetroAreas(ctx, nil, nil)
		var ae *model.APIError
		if !errors.As(err, &ae) || ae.Status != 401 || !errors.Is(err, model.ErrUnauthorized) {
			t.Fatalf("attempt %d: %v", i, err)
		}
		if !strings.Contains(err.Error(), "Authentication failed") || !strings.Contains(err.Error(), "noctop does not repeat a refused login") {
			t.Errorf("message: %v", err)
		}
		if strings.Contains(err.Error(), bad.APISecret.Value()) || strings.Contains(err.Error(), DemoAPIKey) {
			t.Errorf("credentials leaked: %v", err)
		}
	}
	if c := e.sim.Counters(); c.LoginsRefused != 1 {
		t.Errorf("refused logins %d: a refused login must not be repeated", c.LoginsRefused)
	}
	// Wrong lengths: a validation problem with properties, also not repeated.
	p2, _ := New("ix", e.base, Credentials{APIKey: "short", APISecret: "short"}, httpx.WithClock(e.clock.Now))
	_, err = p2.Client().ListMetroAreas(ctx, nil, nil)
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Problem == nil || len(ae.Problem.Properties) != 2 {
		t.Errorf("validation error: %v", err)
	}
}

func TestStaticToken(t *testing.T) {
	e := newEnv(t)
	p, err := New("ix", e.base, Credentials{Token: DemoToken}, httpx.WithClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Client().ListMetroAreas(ctxT(t), nil, nil); err != nil {
		t.Fatal(err)
	}
	if c := e.sim.Counters(); c.Logins != 0 {
		t.Errorf("a static token needs no login: %+v", c)
	}
	bad, _ := New("ix", e.base, Credentials{Token: "wrong-token"}, httpx.WithClock(e.clock.Now))
	_, err = bad.Client().ListMetroAreas(ctxT(t), nil, nil)
	if !errors.Is(err, model.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-token") {
		t.Errorf("bad static token: %v", err)
	}
}

// fakeServer is an httptest server under /api/v2 (no client).
func fakeServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := newHTTPTest(http.StripPrefix(SimBasePath, h))
	t.Cleanup(srv.Close)
	return srv.URL
}
