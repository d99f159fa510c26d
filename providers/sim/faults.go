package sim

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FaultSpec says which faults to inject and how often. Probabilities are
// per request; at most one of 5xx/429/malformed/truncate/stall hits a
// request, latency is added to every request.
type FaultSpec struct {
	LatencyMin, LatencyMax time.Duration
	Err5xx                 float64 // 500/502/503/504 with a provider-style body
	Err429                 float64 // 429 with Retry-After
	Malformed              float64 // 2xx with a body that is not valid JSON
	Truncate               float64 // Content-Length larger than the body, then the connection is closed
	Stall                  float64 // no answer until the client gives up
	RetryAfter             time.Duration
}

// TokenFaultScale scales the probabilities of injected errors on token
// endpoints: a real token endpoint is as slow as the API but rarely
// fails, and it never answers an injected fault with a credential error
// (that would look like a bad login, and five of those lock an account).
const TokenFaultScale = 0.1

// Fault presets usable in a spec string.
var FaultPresets = map[string]string{
	"none":  "",
	"chaos": "latency=50ms-400ms,5xx=0.05,429=0.03,malformed=0.02,truncate=0.02,stall=0.01",
	"slow":  "latency=300ms-1500ms",
	"flaky": "5xx=0.1,429=0.05",
}

const defaultRetryAfter = time.Second

// ParseFaults parses a fault spec such as
//
//	latency=50ms-400ms,5xx=0.05,429=0.03,malformed=0.02,truncate=0.02,stall=0.01
//
// Items are comma-separated; each is a preset name (chaos, slow, flaky,
// none) or key=value. Keys: latency (a duration or a min-max range), 5xx,
// 429, malformed, truncate, stall (probabilities 0..1, or percentages like
// "5%"), retry-after (a duration or whole seconds). Later items override
// earlier ones, so "chaos,stall=0" is chaos without stalls. The error
// probabilities must add up to at most 1.
func ParseFaults(s string) (FaultSpec, error) {
	var spec FaultSpec
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, hasVal := strings.Cut(item, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		if !hasVal {
			preset, ok := FaultPresets[key]
			if !ok {
				return FaultSpec{}, fmt.Errorf("fault spec: %q is neither a preset (%s) nor key=value", item, presetNames())
			}
			p, err := ParseFaults(preset)
			if err != nil {
				return FaultSpec{}, err
			}
			spec.merge(p)
			continue
		}
		var err error
		switch key {
		case "latency":
			spec.LatencyMin, spec.LatencyMax, err = parseLatency(val)
		case "5xx":
			spec.Err5xx, err = parseProb(val)
		case "429":
			spec.Err429, err = parseProb(val)
		case "malformed":
			spec.Malformed, err = parseProb(val)
		case "truncate":
			spec.Truncate, err = parseProb(val)
		case "stall":
			spec.Stall, err = parseProb(val)
		case "retry-after", "retryafter":
			spec.RetryAfter, err = parseSeconds(val)
		default:
			return FaultSpec{}, fmt.Errorf("fault spec: unknown key %q (want latency, 5xx, 429, malformed, truncate, stall, retry-after)", key)
		}
		if err != nil {
			return FaultSpec{}, fmt.Errorf("fault spec: %s: %w", key, err)
		}
	}
	if sum := spec.errorSum(); sum > 1+1e-9 {
		return FaultSpec{}, fmt.Errorf("fault spec: probabilities add up to %.3g, more than 1", sum)
	}
	return spec, nil
}

func presetNames() string {
	names := make([]string, 0, len(FaultPresets))
	for k := range FaultPresets {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// merge copies the fields p sets (non-zero) into s.
func (s *FaultSpec) merge(p FaultSpec) {
	if p.LatencyMax > 0 {
		s.LatencyMin, s.LatencyMax = p.LatencyMin, p.LatencyMax
	}
	for _, f := range []struct{ dst, src *float64 }{
		{&s.Err5xx, &p.Err5xx}, {&s.Err429, &p.Err429}, {&s.Malformed, &p.Malformed},
		{&s.Truncate, &p.Truncate}, {&s.Stall, &p.Stall},
	} {
		if *f.src > 0 {
			*f.dst = *f.src
		}
	}
	if p.RetryAfter > 0 {
		s.RetryAfter = p.RetryAfter
	}
}

func (s FaultSpec) errorSum() float64 {
	return s.Err5xx + s.Err429 + s.Malformed + s.Truncate + s.Stall
}

// IsZero reports whether the spec injects nothing.
func (s FaultSpec) IsZero() bool { return s.LatencyMax <= 0 && s.errorSum() == 0 }

// String renders the spec in the syntax ParseFaults reads ("none" if
// empty).
func (s FaultSpec) String() string {
	var parts []string
	switch {
	case s.LatencyMax <= 0:
	case s.LatencyMin == s.LatencyMax:
		parts = append(parts, "latency="+s.LatencyMax.String())
	default:
		parts = append(parts, "latency="+s.LatencyMin.String()+"-"+s.LatencyMax.String())
	}
	for _, f := range []struct {
		k string
		v float64
	}{{"5xx", s.Err5xx}, {"429", s.Err429}, {"malformed", s.Malformed}, {"truncate", s.Truncate}, {"stall", s.Stall}} {
		if f.v > 0 {
			parts = append(parts, f.k+"="+strconv.FormatFloat(f.v, 'g', -1, 64))
		}
	}
	if s.RetryAfter > 0 {
		parts = append(parts, "retry-after="+s.RetryAfter.String())
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

func parseLatency(v string) (min, max time.Duration, err error) {
	lo, hi, isRange := strings.Cut(v, "-")
	if min, err = time.ParseDuration(strings.TrimSpace(lo)); err != nil {
		return 0, 0, err
	}
	max = min
	if isRange {
		if max, err = time.ParseDuration(strings.TrimSpace(hi)); err != nil {
			return 0, 0, err
		}
	}
	if min < 0 || max < min {
		return 0, 0, fmt.Errorf("want a duration or min-max with 0 <= min <= max, got %q", v)
	}
	return min, max, nil
}

func parseProb(v string) (float64, error) {
	pct := strings.HasSuffix(v, "%")
	p, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil {
		return 0, fmt.Errorf("want a probability like 0.05 or 5%%, got %q", v)
	}
	if pct {
		p /= 100
	}
	if math.IsNaN(p) || p < 0 || p > 1 {
		return 0, fmt.Errorf("probability %q is outside 0..1", v)
	}
	return p, nil
}

func parseSeconds(v string) (time.Duration, error) {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("want a duration or whole seconds, got %q", v)
	}
	return d, nil
}

// FaultKind names one kind of injected fault.
type FaultKind int

const (
	FaultLatency FaultKind = iota
	Fault5xx
	Fault429
	FaultMalformed
	FaultTruncate
	FaultStall
	faultKinds
)

func (k FaultKind) String() string {
	return [...]string{"latency", "5xx", "429", "malformed", "truncate", "stall"}[k]
}

// FaultHooks adapt the middleware to one provider.
type FaultHooks struct {
	// ErrorBody renders the body of an injected 5xx or 429 the way this
	// provider's API would. nil: a short text/plain body.
	ErrorBody func(status int, r *http.Request) (contentType string, body []byte)
	// IsToken reports whether r goes to a token endpoint (see
	// TokenFaultScale). nil: no request is a token request.
	IsToken func(r *http.Request) bool
}

// Faults injects faults into HTTP handlers. Its spec can be switched at
// runtime from any goroutine; one Faults may wrap several simulators.
type Faults struct {
	spec   atomic.Pointer[FaultSpec]
	mu     sync.Mutex
	rng    *rand.Rand
	counts [faultKinds]atomic.Int64
}

// NewFaults returns an injector with spec; seed makes the sequence of
// injected faults reproducible for a given request order.
func NewFaults(spec FaultSpec, seed uint64) *Faults {
	f := &Faults{rng: rand.New(rand.NewPCG(seed, mix64(seed)))}
	f.Set(spec)
	return f
}

// Set switches to spec (takes effect for the next request).
func (f *Faults) Set(spec FaultSpec) { f.spec.Store(&spec) }

// Spec returns the current spec.
func (f *Faults) Spec() FaultSpec { return *f.spec.Load() }

// Count returns how many faults of kind k were injected so far.
func (f *Faults) Count(k FaultKind) int64 {
	if k < 0 || k >= faultKinds {
		return 0
	}
	return f.counts[k].Load()
}

func (f *Faults) roll() (u, lat float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rng.Float64(), f.rng.Float64()
}

// Wrap returns next with faults injected according to the current spec.
func (f *Faults) Wrap(next http.Handler, hooks FaultHooks) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		spec := f.Spec()
		if spec.IsZero() {
			next.ServeHTTP(w, r)
			return
		}
		u, lu := f.roll()
		if spec.LatencyMax > 0 {
			d := spec.LatencyMin + time.Duration(lu*float64(spec.LatencyMax-spec.LatencyMin))
			f.counts[FaultLatency].Add(1)
			if !sleepCtx(r.Context(), d) {
				return
			}
		}
		scale := 1.0
		if hooks.IsToken != nil && hooks.IsToken(r) {
			scale = TokenFaultScale
		}
		kind := FaultKind(-1)
		for _, c := range []struct {
			k FaultKind
			p float64
		}{{FaultStall, spec.Stall}, {Fault5xx, spec.Err5xx}, {Fault429, spec.Err429}, {FaultTruncate, spec.Truncate}, {FaultMalformed, spec.Malformed}} {
			p := c.p * scale
			if u < p {
				kind = c.k
				break
			}
			u -= p
		}
		switch kind {
		case FaultStall:
			f.counts[FaultStall].Add(1)
			<-r.Context().Done()
			// Drop the connection rather than answer: whoever is still
			// listening (a server shutting down) must not see a 200.
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
		case Fault5xx:
			f.counts[Fault5xx].Add(1)
			status := []int{500, 502, 503, 503, 504}[int(lu*5)%5]
			if status == 503 {
				w.Header().Set("Retry-After", retryAfterSeconds(spec.RetryAfter))
			}
			writeFault(w, r, hooks, status)
		case Fault429:
			f.counts[Fault429].Add(1)
			w.Header().Set("Retry-After", retryAfterSeconds(spec.RetryAfter))
			writeFault(w, r, hooks, http.StatusTooManyRequests)
		case FaultMalformed, FaultTruncate:
			rec := &recorder{header: http.Header{}, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			body := rec.body.Bytes()
			if len(body) < 2 {
				rec.replay(w, body) // nothing worth breaking
				return
			}
			if kind == FaultMalformed {
				f.counts[FaultMalformed].Add(1)
				bad := append(append([]byte(nil), body[:len(body)/2]...), "\x00<!-- simulated malformed body -->"...)
				rec.replay(w, bad)
				return
			}
			f.counts[FaultTruncate].Add(1)
			truncate(w, rec, body)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func retryAfterSeconds(d time.Duration) string {
	if d <= 0 {
		d = defaultRetryAfter
	}
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}

func writeFault(w http.ResponseWriter, r *http.Request, hooks FaultHooks, status int) {
	ctype, body := "text/plain; charset=utf-8", []byte(fmt.Sprintf("simulated fault: %d %s\n", status, http.StatusText(status)))
	if hooks.ErrorBody != nil {
		ctype, body = hooks.ErrorBody(status, r)
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// truncate announces the whole body but sends half, then drops the
// connection, like a proxy dying mid-response.
func truncate(w http.ResponseWriter, rec *recorder, body []byte) {
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.status)
	_, _ = w.Write(body[:len(body)/2])
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	if conn, _, err := rc.Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	// Not hijackable (HTTP/2, a recorder): net/http closes a connection
	// whose handler wrote less than its Content-Length.
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// recorder buffers a response so a fault can rewrite it.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(s int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = s, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	return r.body.Write(b)
}

func (r *recorder) replay(w http.ResponseWriter, body []byte) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(r.status)
	_, _ = w.Write(body)
}
