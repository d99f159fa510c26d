package fabric

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

// Fixtures written by hand after the shapes of fabric-v4.yaml 4.31 (the
// metrics answer as its example shows it: end times only, a few seconds
// off the 5-minute grid, a summary object, bit/s; the stats answer in the
// example's nesting under "stats" with intervalEndDateTime and an extra
// lastPolled, and in the schema's flat shape).

const metricsFixture = `{
  "pagination": {"offset": 0, "limit": 20, "total": 1, "next": null, "previous": null},
  "data": [{
    "type": "GAUGE", "name": "%NAME%", "unit": "bit/s", "interval": "PT5M",
    "resource": {"href": "https://api.equinix.com/fabric/v4/connections/c0ffee00-0000-4000-8000-000000000001",
                 "uuid": "c0ffee00-0000-4000-8000-000000000001", "type": "EVPL_VC", "state": "ACTIVE", "name": "conn-1"},
    "summary": {"mean": 150000000, "max": 400000000},
    "datapoints": [
      {"endDateTime": "2026-03-02 08:45:04+00:00", "value": 100000000},
      {"endDateTime": "2026-03-02 08:49:58+00:00", "value": "200000000"},
      {"endDateTime": "2026-03-02 08:55:00+00:00", "value": null},
      {"endDateTime": "2026-03-02 09:00:02+00:00", "value": 400000000}
    ]
  }]
}`

const statsExampleFixture = `{
  "href": "https://api.equinix.com/fabric/v4/connections/c0ffee00-0000-4000-8000-000000000001",
  "type": "EVPL_VC", "uuid": "c0ffee00-0000-4000-8000-000000000001", "name": "conn-1",
  "stats": {
    "startDateTime": "2026-03-02 08:40:00+00:00", "endDateTime": "2026-03-02 09:00:00+00:00", "viewPoint": "zSide",
    "bandwidthUtilization": {
      "unit": "Mbps", "metricInterval": "PT5M",
      "inbound": {"max": 68.5, "mean": 40, "lastPolled": 41,
        "metrics": [{"intervalEndDateTime": "2026-03-02 08:45:00+00:00", "max": 41.5, "mean": 30},
                    {"intervalEndDateTime": "2026-03-02 09:00:00+00:00", "max": 68.5, "mean": 50}]},
      "outbound": {"max": 20, "mean": 10,
        "metrics": [{"intervalEndDateTime": "2026-03-02 08:45:00+00:00", "max": 12, "mean": "10"}]}
    }
  }
}`

const statsSchemaFixture = `{
  "startDateTime": "2026-03-02T08:40:00Z", "endDateTime": "2026-03-02T09:00:00Z",
  "bandwidthUtilization": {"unit": "Mbps", "metricInterval": "PT5M",
    "inbound": {"max": 2, "mean": 1, "metrics": [{"intervalEndTimestamp": "2026-03-02T09:00:00Z", "max": 2, "mean": 1}]},
    "outbound": {"max": 4, "mean": 3, "metrics": [{"intervalEndTimestamp": "2026-03-02T09:00:00Z", "max": 4, "mean": 3}]}}
}`

const connID = "c0ffee00-0000-4000-8000-000000000001"

// fakeTraffic serves a connection, its metrics (unless noMetrics) and its
// stats.
type fakeTraffic struct {
	noMetrics, noStats bool
	stats              string
	mu                 sync.Mutex
	hits               []string
}

func (f *fakeTraffic) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.hits = append(f.hits, r.URL.Path+"?"+r.URL.RawQuery)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == ConnPath+connID:
		_, _ = w.Write([]byte(`{"uuid":"` + connID + `","name":"conn-1","type":"EVPL_VC","state":"ACTIVE","bandwidth":1000,"direction":"INCOMING"}`))
	case strings.HasSuffix(r.URL.Path, "/metrics") && !f.noMetrics:
		_, _ = w.Write([]byte(strings.ReplaceAll(metricsFixture, "%NAME%", r.URL.Query().Get("name"))))
	case strings.HasSuffix(r.URL.Path, "/stats") && !f.noStats:
		_, _ = w.Write([]byte(f.stats))
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`[{"errorCode":"EQ-3000404","errorMessage":"Resource not found"}]`))
	}
}

func (f *fakeTraffic) provider(t *testing.T) *Provider {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	now := time.Date(2026, 3, 2, 9, 0, 30, 0, time.UTC)
	p, err := New("fab", srv.URL, Credentials{Token: "static"}, httpx.WithRetry(noSleepRetry()), httpx.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSeriesFromMetrics(t *testing.T) {
	f := &fakeTraffic{}
	p := f.provider(t)
	ss, err := p.Series(ctx, model.SeriesQuery{Target: model.Ref{Type: "connection", ID: connID}, Range: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || ss[0].Direction != "in" || ss[1].Direction != "out" {
		t.Fatalf("series %+v", ss)
	}
	in := ss[0]
	if in.Precision != 5*time.Minute || in.Unit != model.UnitBitsPerSec || in.Capacity != 1e9 || in.Aggregate != "PT5M" || len(in.Samples) != 12 {
		t.Fatalf("in: %s %v cap %v, %d samples", in.Aggregate, in.Precision, in.Capacity, len(in.Samples))
	}
	// The grid ends where the last datapoint ends; the null is a gap, the
	// slots before the data are gaps, the string value is read.
	n := len(in.Samples)
	if in.Samples[n-1].V != 4e8 || !in.Samples[n-2].Missing || in.Samples[n-3].V != 2e8 || in.Samples[n-4].V != 1e8 || !in.Samples[0].Missing {
		t.Errorf("samples: %+v", in.Samples[n-5:])
	}
	if in.Server == nil || *in.Server.Max != 4e8 {
		t.Errorf("summary: %+v", in.Server)
	}
	// Both directions asked for by their metric names, with the range.
	seen := strings.Join(f.hits, "\n")
	for _, want := range []string{"name=" + MetricConnRx, "name=" + MetricConnTx, "fromDateTime=2026-03-02T08%3A00%3A30Z", "toDateTime=2026-03-02T09%3A00%3A30Z"} {
		if !strings.Contains(seen, want) {
			t.Errorf("no request with %s:\n%s", want, seen)
		}
	}
}

func TestSeriesFallsBackToStats(t *testing.T) {
	for _, fx := range []string{statsExampleFixture, statsSchemaFixture} {
		f := &fakeTraffic{noMetrics: true, stats: fx}
		p := f.provider(t)
		ss, err := p.Series(ctx, model.SeriesQuery{Target: model.Ref{Type: "connection", ID: connID}, Range: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		in, out := ss[0], ss[1]
		last := in.Samples[len(in.Samples)-1]
		if in.Precision != 5*time.Minute || last.Missing || !last.T.Equal(time.Date(2026, 3, 2, 8, 55, 0, 0, time.UTC)) {
			t.Errorf("in: %v, last %+v", in.Precision, last)
		}
		if fx == statsExampleFixture {
			if last.V != 50e6 || *in.Server.Max != 68.5e6 || *in.Server.Avg != 40e6 || out.Samples[len(out.Samples)-4].V != 10e6 {
				t.Errorf("example shape: last %v, server %+v, out %+v", last.V, in.Server, out.Samples[len(out.Samples)-4:])
			}
		} else if last.V != 1e6 || out.Samples[len(out.Samples)-1].V != 3e6 {
			t.Errorf("schema shape: %v / %v", last.V, out.Samples[len(out.Samples)-1].V)
		}
		// Our side of an incoming connection is Z.
		if seen := strings.Join(f.hits, "\n"); !strings.Contains(seen, "viewPoint=zSide") || !strings.Contains(seen, "startDateTime=") {
			t.Errorf("stats query:\n%s", seen)
		}
		// The next graph goes straight to stats.
		f.mu.Lock()
		f.hits = nil
		f.mu.Unlock()
		must(t, func() error {
			_, err := p.Series(ctx, model.SeriesQuery{Target: model.Ref{ID: connID}, Range: time.Hour})
			return err
		})
		for _, h := range f.hits {
			if strings.Contains(h, "/metrics") {
				t.Errorf("metrics asked again: %s", h)
			}
		}
	}
	// Neither works (an unknown connection): metrics' answer is the error,
	// and metrics are not given up on.
	f := &fakeTraffic{noMetrics: true, noStats: true}
	p := f.provider(t)
	if _, err := p.Series(ctx, model.SeriesQuery{Target: model.Ref{ID: connID}, Range: time.Hour}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("both missing: %v", err)
	}
	if p.metricsOff(time.Date(2026, 3, 2, 9, 0, 30, 0, time.UTC)) {
		t.Error("metrics given up although stats did not answer either")
	}
}

func TestMetricsAndStatsAreTolerantButNotWrong(t *testing.T) {
	for _, c := range []struct{ unit, want string }{{"bit/s", ""}, {"Mbps", ""}, {"Gbps", ""}, {"bytes/s", ""}, {"furlongs", "not a bandwidth unit"}} {
		ms := []Metric{{Name: MetricPortRx, Unit: c.unit, Interval: "PT1H", Datapoints: []MetricDatapoint{{EndDateTime: "2026-03-02T09:00:00Z", Value: f64p(1)}}}}
		rs, err := metricSeries(ms, MetricPortRx, "in")
		if c.want != "" {
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v", c.unit, err)
			}
			continue
		}
		if err != nil || rs.precision != time.Hour || len(rs.points) != 1 || !rs.points[0].t.Equal(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: %+v %v", c.unit, rs, err)
		}
	}
	if _, err := metricSeries([]Metric{{Name: MetricPortTx}}, MetricPortRx, "in"); !errors.Is(err, model.ErrBadResponse) {
		t.Errorf("the wrong metric: %v", err)
	}
	for in, want := range map[string]time.Duration{"PT5M": 5 * time.Minute, "PT1H": time.Hour, "P1D": 24 * time.Hour, "PT90S": 90 * time.Second, "5m": 0, "": 0} {
		if got := parseInterval(in); got != want {
			t.Errorf("parseInterval(%q) = %v", in, got)
		}
	}
	if _, err := decodeStats([]byte(`[]`)); !errors.Is(err, model.ErrBadResponse) {
		t.Errorf("a list is not stats: %v", err)
	}
}

// The simulator serves both APIs with the world's traffic, validated
// against fabric-v4.yaml on both sides; a simulator without metrics is
// read through the stats endpoints with the same numbers.
func TestSimulatorTrafficAgainstTheSpec(t *testing.T) {
	env := newEnv(t, 100, sim.Timing{})
	p := env.provider(t, validateAll, httpx.WithClock(env.clock.Now))
	cs := must1[[]model.Connection](t)(p.Connections(ctx, nil))
	conn, ok := findConn(cs, func(c model.Connection) bool { return c.State == model.StateActive && c.BandwidthMbps >= 1000 })
	if !ok {
		t.Fatal("no active connection")
	}
	ports := must1[[]Port](t)(p.Client().ListPorts(ctx))
	for _, rng := range []time.Duration{time.Hour, 24 * time.Hour, 7 * 24 * time.Hour} {
		ss := must1[[]model.Series](t)(p.Series(ctx, model.SeriesQuery{Target: model.Ref{Type: "connection", ID: conn.ID}, Range: rng}))
		want := int(rng / (5 * time.Minute))
		for _, s := range ss {
			present := 0
			for _, smp := range s.Samples {
				if !smp.Missing {
					present++
					if smp.V < 0 || smp.V > s.Capacity {
						t.Fatalf("%s: %v outside 0..%v", s.Name, smp.V, s.Capacity)
					}
				}
			}
			if len(s.Samples) != want || present < want*9/10 || s.Capacity != float64(conn.BandwidthMbps)*1e6 || s.Stale {
				t.Errorf("%v %s: %d samples (%d present), capacity %v, stale %v", rng, s.Name, len(s.Samples), present, s.Capacity, s.Stale)
			}
		}
	}
	port := must1[[]model.Series](t)(p.Series(ctx, model.SeriesQuery{Target: model.Ref{Type: "port", ID: ports[0].UUID}, Range: 24 * time.Hour}))
	if port[0].Capacity != float64(ports[0].PhysicalPortsSpeed)*1e6 || len(port[0].Samples) != 288 {
		t.Errorf("port: capacity %v, %d samples", port[0].Capacity, len(port[0].Samples))
	}
	// The same numbers through the deprecated stats endpoints.
	env2 := newEnv(t, 100, sim.Timing{}, WithSimNoMetrics())
	p2 := env2.provider(t, validateAll, httpx.WithClock(env2.clock.Now))
	must1[[]model.Connection](t)(p2.Connections(ctx, nil))
	viaMetrics := must1[[]model.Series](t)(p.Series(ctx, model.SeriesQuery{Target: model.Ref{Type: "port", ID: ports[0].UUID}, Range: 6 * time.Hour}))
	viaStats := must1[[]model.Series](t)(p2.Series(ctx, model.SeriesQuery{Target: model.Ref{Type: "port", ID: ports[0].UUID}, Range: 6 * time.Hour}))
	for d := range viaMetrics {
		a, b := viaMetrics[d].Samples, viaStats[d].Samples
		if len(a) != len(b) {
			t.Fatalf("%d vs %d samples", len(a), len(b))
		}
		for i := range a {
			if a[i].Missing != b[i].Missing || !a[i].T.Equal(b[i].T) || abs(a[i].V-b[i].V) > 1e3 {
				t.Fatalf("sample %d: metrics %+v, stats %+v", i, a[i], b[i])
			}
		}
	}
	for _, c := range []struct {
		log  *exchangeLog
		want []string
	}{
		{env.log, []string{"GET /fabric/v4/{asset}/{assetId}/metrics 200"}},
		{env2.log, []string{"GET /fabric/v4/{asset}/{assetId}/metrics 404", "GET /fabric/v4/ports/{portId}/stats 200"}},
	} {
		seen := strings.Join(c.log.Seen(), "\n")
		for _, w := range c.want {
			if !strings.Contains(seen, w) {
				t.Errorf("not validated: %s\n%s", w, seen)
			}
		}
	}
	// The connection's deprecated stats are validated too.
	must1[StatsResponse](t)(p2.Client().ConnectionStats(ctx, conn.ID, env2.clock.Now().Add(-time.Hour), env2.clock.Now(), ViewZSide))
	if !strings.Contains(strings.Join(env2.log.Seen(), "\n"), "GET /fabric/v4/connections/{connectionId}/stats 200") {
		t.Error("connection stats not validated")
	}
	// Invalid queries are refused (requests sent raw: the client never
	// builds them; only the answers are validated).
	pr := env.provider(t, validateResponses, httpx.WithClock(env.clock.Now))
	for _, q := range []string{"name=equinix.fabric.port.bandwidth_rx.usage", "name=bogus", "name=equinix.fabric.connection.bandwidth_rx.usage&fromDateTime=yesterday"} {
		_, err := pr.Client().api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: ConnPath + conn.ID + "/metrics?" + q}, nil)
		if ae := (*model.APIError)(nil); !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
			t.Errorf("%s: %v", q, err)
		}
	}
}

// A burst (one 5-minute interval near line rate) shows in a week of a
// connection's traffic as that week's maximum.
func TestSimulatorBurstVisibleInAWeek(t *testing.T) {
	env := newEnv(t, 100, sim.Timing{})
	p := env.provider(t, noValidation, httpx.WithClock(env.clock.Now))
	cs := must1[[]model.Connection](t)(p.Connections(ctx, nil))
	tr := env.world.Traffic()
	for _, c := range cs {
		if c.State != model.StateActive || tr.Profile("fabric/conn/"+c.ID).Class != sim.TrafficNormal {
			continue
		}
		ss := must1[[]model.Series](t)(p.Series(ctx, model.SeriesQuery{Target: model.Ref{ID: c.ID}, Range: 7 * 24 * time.Hour}))
		for _, s := range ss {
			st := model.ComputeStats(s.Samples, s.Precision)
			if tr.IsBurst("fabric/conn/"+c.ID, st.MaxAt) && st.Max > 0.85*s.Capacity {
				return
			}
		}
	}
	t.Error("no connection shows a burst as its weekly maximum")
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func must(t *testing.T, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatal(err)
	}
}

func must1[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
