package provision

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

var simEpoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// basePath is where the test server mounts the API, like an instance
// path on a real installation ("https://host/6c_375/api/v1/api.php").
const basePath = "/6c_375"

// exchange is one request the simulator saw.
type exchange struct {
	Method string
	Query  url.Values // URL query and form body merged
	Raw    string     // raw URL query
	Body   string
}

type recorder struct {
	mu   sync.Mutex
	seen []exchange
}

func (r *recorder) all() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.seen...)
}

// count returns how many requests had action=a (and, when preview is not
// "", that preview value).
func (r *recorder) count(a, preview string) int {
	n := 0
	for _, e := range r.all() {
		if e.Query.Get("action") == a && (preview == "" || e.Query.Get("preview") == preview) {
			n++
		}
	}
	return n
}

type testEnv struct {
	clock *sim.FakeClock
	world *sim.World
	sim   *Simulator
	srv   *httptest.Server
	rec   *recorder
	// wrap, when set, answers instead of the simulator (fault tests).
	mu   sync.Mutex
	wrap func(w http.ResponseWriter, r *http.Request, next http.Handler)
}

func newEnv(t *testing.T, scale int) *testEnv {
	t.Helper()
	clk := sim.NewFakeClock(simEpoch)
	w := sim.NewWorld(sim.Config{Seed: 7, Scale: scale, Clock: clk, Timing: sim.StillTiming()})
	e := &testEnv{clock: clk, world: w, sim: NewSimulator(w), rec: &recorder{}}
	inner := http.StripPrefix(basePath, e.sim)
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := exchange{Method: r.Method, Raw: r.URL.RawQuery}
		ex.Query, _ = url.ParseQuery(r.URL.RawQuery)
		if r.Method == http.MethodPost {
			_ = r.ParseForm()
			for k, vs := range r.PostForm {
				ex.Query[k] = vs
			}
			ex.Body = r.PostForm.Encode()
		}
		e.rec.mu.Lock()
		e.rec.seen = append(e.rec.seen, ex)
		e.rec.mu.Unlock()
		e.mu.Lock()
		wrap := e.wrap
		e.mu.Unlock()
		if wrap != nil {
			wrap(w, r, inner)
			return
		}
		if r.Method == http.MethodPost {
			// ParseForm consumed the body: hand the simulator a fresh one.
			r.Body = http.NoBody
			r2 := r.Clone(r.Context())
			r2.Body = readCloser(ex.Body)
			inner.ServeHTTP(w, r2)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *testEnv) setWrap(f func(w http.ResponseWriter, r *http.Request, next http.Handler)) {
	e.mu.Lock()
	e.wrap = f
	e.mu.Unlock()
}

func readCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

func noSleepRetry() httpx.RetryPolicy {
	return httpx.RetryPolicy{MaxAttempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }}
}

var demoCreds = Credentials{APIKey: DemoAPIKey, SecretKey: DemoSecretKey}

func (e *testEnv) provider(t *testing.T, opts ...Option) *Provider {
	t.Helper()
	all := append([]Option{httpx.WithRetry(noSleepRetry()), httpx.WithClock(e.clock.Now), WithEntityHandle(DemoEntityHandle)}, opts...)
	p, err := New("ipam-test", e.srv.URL+basePath, demoCreds, all...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
