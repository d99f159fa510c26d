package ixapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

// testStart is the fake clock's start: a Tuesday noon, UTC.
var testStart = time.Date(2025, 3, 11, 12, 0, 0, 0, time.UTC)

// --- spec validation ---------------------------------------------------------

const specFile = "ixapi-v2.1.0.apisguru.yaml"

// specDir finds ../shared/specs relative to the module root.
func specDir() string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "..", "shared", "specs")
		}
	}
	return ""
}

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

const specHost = "http://ixapi.spec.test"

// loadSpec loads the 2.1.0 document once; ok false when it is absent.
func loadSpec(t testing.TB) (routers.Router, bool) {
	t.Helper()
	path := filepath.Join(specDir(), specFile)
	if _, err := os.Stat(path); err != nil {
		return nil, false
	}
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(path)
		if err != nil {
			specErr = err
			return
		}
		doc.Servers = openapi3.Servers{{URL: specHost + SimBasePath}}
		specRouter, specErr = gorillamux.NewRouter(doc)
	})
	if specErr != nil {
		t.Fatalf("loading %s: %v", path, specErr)
	}
	return specRouter, true
}

// validator checks requests and responses that the 2.1.0 spec covers.
type validator struct {
	t      testing.TB
	router routers.Router
	// badRequests: the test sends requests that violate the spec on
	// purpose; only responses are checked then.
	badRequests bool

	mu        sync.Mutex
	checked   map[string]int // "GET /connections 200" -> count
	uncovered map[string]int // 2.7 paths the spec does not have
	failures  []string
}

func (v *validator) record(m map[string]int, k string) {
	v.mu.Lock()
	m[k]++
	v.mu.Unlock()
}

func (v *validator) fail(format string, args ...any) {
	v.mu.Lock()
	v.failures = append(v.failures, fmt.Sprintf(format, args...))
	v.mu.Unlock()
	v.t.Errorf("spec 2.1.0: "+format, args...)
}

func (v *validator) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		vr := r.Clone(context.Background())
		u, _ := url.Parse(specHost + r.URL.RequestURI())
		vr.URL, vr.Host, vr.RequestURI = u, u.Host, ""
		vr.Body = io.NopCloser(bytes.NewReader(body))
		route, params, err := v.router.FindRoute(vr)
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, vals := range rec.Header() {
			w.Header()[k] = vals
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		if err != nil {
			v.record(v.uncovered, r.Method+" "+strings.TrimPrefix(r.URL.Path, SimBasePath))
			return
		}
		opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
		in := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route, Options: opts}
		key := fmt.Sprintf("%s %s %d", r.Method, route.Path, rec.Code)
		if !v.badRequests && rec.Code != http.StatusUnauthorized {
			if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
				v.fail("request %s %s: %v", r.Method, r.URL.RequestURI(), short(err))
			}
		}
		resp := rec.Body.Bytes()
		if r.URL.Query().Has("limit") || r.URL.Query().Has("offset") {
			// The envelope is not 2.1.0; its items must be.
			var env struct {
				Results json.RawMessage `json:"results"`
			}
			if rec.Code == http.StatusOK {
				if json.Unmarshal(resp, &env) != nil || env.Results == nil {
					v.fail("%s %s: paged answer without results", r.Method, r.URL.RequestURI())
					return
				}
				resp = env.Results
			}
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Options: opts}
		out.SetBodyBytes(resp)
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			v.fail("response to %s %s (%d): %v", r.Method, r.URL.RequestURI(), rec.Code, short(err))
			return
		}
		v.record(v.checked, key)
	})
}

func short(err error) string {
	s := err.Error()
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

func (v *validator) checkedOps() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	for k := range v.checked {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// --- simulator environment ---------------------------------------------------

type env struct {
	t     testing.TB
	clock *sim.FakeClock
	world *sim.World
	sim   *Simulator
	srv   *sim.Server
	val   *validator // nil when the spec is absent
	base  string     // client base URL
}

type envOpt func(*envConfig)

type envConfig struct {
	scale       int
	simOpts     []SimOption
	badRequests bool
	timing      sim.Timing
	wrap        func(http.Handler) http.Handler
	noSpec      bool
}

func withScale(n int) envOpt { return func(c *envConfig) { c.scale = n } }
func withSimOpts(o ...SimOption) envOpt {
	return func(c *envConfig) { c.simOpts = append(c.simOpts, o...) }
}
func withBadRequests() envOpt         { return func(c *envConfig) { c.badRequests = true } }
func withTiming(tm sim.Timing) envOpt { return func(c *envConfig) { c.timing = tm } }
func withoutSpec() envOpt             { return func(c *envConfig) { c.noSpec = true } }
func withWrap(f func(http.Handler) http.Handler) envOpt {
	return func(c *envConfig) { c.wrap = f }
}

// newEnv starts a simulator on loopback behind the spec validator.
func newEnv(t testing.TB, opts ...envOpt) *env {
	t.Helper()
	cfg := envConfig{scale: 300, timing: sim.StillTiming()}
	for _, o := range opts {
		o(&cfg)
	}
	clock := sim.NewFakeClock(testStart)
	w := sim.NewWorld(sim.Config{Seed: 7, Scale: cfg.scale, Clock: clock, Timing: cfg.timing})
	s := NewSimulator(w, cfg.simOpts...)
	var h http.Handler = s
	e := &env{t: t, clock: clock, world: w, sim: s}
	if router, ok := loadSpec(t); ok && !cfg.noSpec {
		e.val = &validator{t: t, router: router, badRequests: cfg.badRequests, checked: map[string]int{}, uncovered: map[string]int{}}
		h = e.val.wrap(h)
	}
	if cfg.wrap != nil {
		h = cfg.wrap(h)
	}
	srv, err := sim.Start(h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	e.srv = srv
	e.base = srv.URL() + SimBasePath
	return e
}

// demoCreds are the simulator's demo credentials.
var demoCreds = Credentials{APIKey: DemoAPIKey, APISecret: DemoAPISecret}

// fastRetry never sleeps.
var fastRetry = httpx.RetryPolicy{MaxAttempts: 3, Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}

func (e *env) provider(opts ...Option) *Provider {
	e.t.Helper()
	opts = append([]Option{httpx.WithClock(e.clock.Now), httpx.WithRetry(fastRetry), httpx.WithTimeout(10 * time.Second)}, opts...)
	p, err := New("ix-test", e.base, demoCreds, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func newHTTPTest(h http.Handler) *httptest.Server { return httptest.NewServer(h) }

func fastRetryN(n int) httpx.RetryPolicy {
	p := fastRetry
	p.MaxAttempts = n
	return p
}

// extractSamples returns the raw "samples" array of a timeseries body.
func extractSamples(body []byte) json.RawMessage {
	var w struct {
		Samples json.RawMessage `json:"samples"`
	}
	_ = json.Unmarshal(body, &w)
	return w.Samples
}
