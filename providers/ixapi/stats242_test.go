package ixapi

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Fixtures in the IX-API 2.4.2 shape, written by hand from
// ../shared/specs/ixapi-2.4-statistics-and-change-requests.md (not from
// the simulator): aggregates keyed by window, no precision on them,
// start/end/accuracy, percentiles and peaks, errors and discards per
// second, light levels on ports; the resolution only in the timeseries.

// stats242Port is a port's statistics: two windows, light levels on four
// lanes, a field nobody knows yet, and percentile95_ops_in absent (2.4.2
// does not list it).
const stats242Port = `{
  "aggregates": {
    "1d": {
      "title": "Last 24 hours",
      "start": "2025-03-10T12:00:00Z", "end": "2025-03-11T12:00:00Z",
      "accuracy": 0.95,
      "created_at": "2025-03-11T12:00:10Z", "next_update_at": "2025-03-11T12:05:10Z",
      "average_pps_in": 120000, "average_pps_out": 80000,
      "average_ops_in": 125000000, "average_ops_out": 62500000,
      "average_eps_in": 0.25, "average_eps_out": 0,
      "average_dps_in": 1.5, "average_dps_out": 0.125,
      "percentile95_pps_in": 150000, "percentile95_pps_out": 90000, "percentile95_ops_out": 75000000,
      "maximum_pps_in": 700000, "maximum_pps_out": 100000,
      "maximum_ops_in": 1187500000, "maximum_ops_out": 81250000,
      "maximum_in_at": "2025-03-11T03:15:00Z", "maximum_out_at": "2025-03-10T19:40:00Z",
      "vendor_extension": {"anything": [1, 2, 3]}
    },
    "30d": {
      "title": "Last 30 days",
      "start": "2025-02-09T12:00:00Z", "end": "2025-03-11T12:00:00Z",
      "accuracy": 1,
      "created_at": "2025-03-11T12:00:10Z", "next_update_at": "2025-03-11T13:00:10Z",
      "average_pps_in": 100000, "average_pps_out": 70000,
      "average_ops_in": 100000000, "average_ops_out": 50000000
    }
  },
  "light_levels_tx": [-1.2, -0.8, -1.0, -1.1],
  "light_levels_rx": [-3.4, -2.9, -15.1, "-3.0"]
}`

func TestDecodeStatistics242(t *testing.T) {
	s := must[Statistics](t)(decodeStatistics([]byte(stats242Port)))
	if len(s.Aggregates) != 2 {
		t.Fatalf("aggregates: %v", s.Aggregates)
	}
	d := s.Aggregates["1d"]
	if !d.Windowed() || d.Precision != 0 {
		t.Errorf("a 2.4.2 aggregate has no precision: %+v", d)
	}
	if w := d.Window("1d"); w != 24*time.Hour {
		t.Errorf("window from start/end: %v", w)
	}
	if *d.Accuracy != 0.95 || *d.AverageEPSIn != 0.25 || *d.AverageDPSOut != 0.125 || *d.P95OPSOut != 75e6 || d.P95OPSIn != nil {
		t.Errorf("1d figures: %+v", d)
	}
	if *d.MaxOPSIn != 1187500000 || ParseTimestamp(d.MaxInAt) != time.Date(2025, 3, 11, 3, 15, 0, 0, time.UTC) {
		t.Errorf("peak: %v at %q", *d.MaxOPSIn, d.MaxInAt)
	}
	if len(d.Unreadable) != 0 {
		t.Errorf("an unknown field is not unreadable: %v", d.Unreadable)
	}
	want := []float64{-3.4, -2.9, -15.1, -3.0}
	if len(s.LightLevelsRX) != 4 || len(s.LightLevelsTX) != 4 {
		t.Fatalf("light levels: %v / %v", s.LightLevelsTX, s.LightLevelsRX)
	}
	for i, v := range want {
		if s.LightLevelsRX[i] != v {
			t.Errorf("rx lane %d = %v, want %v", i, s.LightLevelsRX[i], v)
		}
	}
}

func TestDecodeStatisticsIsTolerant(t *testing.T) {
	// A wrong-typed field costs that field, not the answer; numbers may
	// come as strings; an aggregate that is not an object is dropped; an
	// unreadable light level is NaN in its place.
	body := `{"aggregates": {
	    "1d": {"start": "2025-03-10T12:00:00Z", "end": "2025-03-11T12:00:00Z", "accuracy": "0.5",
	           "average_ops_in": "1000", "average_ops_out": true, "percentile95_ops_out": {"x": 1}, "title": 7},
	    "5m": "not an aggregate",
	    "30d": null},
	  "light_levels_rx": [-3.1, "dark", null, 1e300]}`
	s := must[Statistics](t)(decodeStatistics([]byte(body)))
	d, ok := s.Aggregates["1d"]
	if !ok || len(s.Aggregates) != 1 {
		t.Fatalf("aggregates: %+v", s.Aggregates)
	}
	if *d.Accuracy != 0.5 || *d.AverageOPSIn != 1000 || d.AverageOPSOut != nil || d.P95OPSOut != nil || d.Title != "" {
		t.Errorf("tolerant fields: %+v", d)
	}
	if strings.Join(d.Unreadable, ",") != "average_ops_out,percentile95_ops_out,title" {
		t.Errorf("unreadable: %v", d.Unreadable)
	}
	rx := s.LightLevelsRX
	if len(rx) != 4 || rx[0] != -3.1 || !math.IsNaN(rx[1]) || !math.IsNaN(rx[2]) || !math.IsNaN(rx[3]) {
		t.Errorf("light levels: %v", rx)
	}
}

func TestChooseAggregateByWindow(t *testing.T) {
	win := func(from, to string) Aggregate { return Aggregate{Start: from, End: to} }
	end := "2025-03-11T12:00:00Z"
	windows := map[string]Aggregate{
		"5m":  win("2025-03-11T11:55:00Z", end),
		"1d":  win("2025-03-10T12:00:00Z", end),
		"30d": win("2025-02-09T12:00:00Z", end),
		"1y":  win("2024-03-11T12:00:00Z", end),
		// A custom window left over from a start/end query is never picked.
		AggregateCustom: win("2025-03-11T11:00:00Z", end),
	}
	// Windows known only by their names (no start/end sent).
	named := map[string]Aggregate{"5m": {}, "1d": {}, "30d": {}}
	// Names that are not intervals, windows only from start/end.
	odd := map[string]Aggregate{"day": win("2025-03-10T12:00:00Z", end), "month": win("2025-02-09T12:00:00Z", end)}
	cases := []struct {
		name string
		aggs map[string]Aggregate
		rng  time.Duration
		want string
	}{
		{"1h → the day", windows, time.Hour, "1d"},
		{"5m → the 5-minute window", windows, 5 * time.Minute, "5m"},
		{"24h → the day", windows, 24 * time.Hour, "1d"},
		{"7d → 30 days", windows, 7 * 24 * time.Hour, "30d"},
		{"30d → 30 days", windows, 30 * 24 * time.Hour, "30d"},
		{"2y → the widest", windows, 730 * 24 * time.Hour, "1y"},
		{"by name 6h", named, 6 * time.Hour, "1d"},
		{"by name 90d → widest", named, 90 * 24 * time.Hour, "30d"},
		{"odd names 7d", odd, 7 * 24 * time.Hour, "month"},
		{"odd names 1h", odd, time.Hour, "day"},
	}
	for _, c := range cases {
		got, a, ok := chooseAggregate(c.aggs, c.rng)
		if !ok || got != c.want {
			t.Errorf("%s: chose %q (ok %v), want %q", c.name, got, ok, c.want)
		}
		if wantCustom := c.name == "2y → the widest" || c.name == "by name 90d → widest"; needsCustomWindow(got, a, c.rng) != wantCustom {
			t.Errorf("%s: needsCustomWindow = %v", c.name, !wantCustom)
		}
	}
	if _, _, ok := chooseAggregate(map[string]Aggregate{AggregateCustom: windows[AggregateCustom], "odd": {}}, time.Hour); ok {
		t.Error("only a custom window and one of unknown span: nothing to choose")
	}
}

// fake242 serves a port's statistics and timeseries in the 2.4.2 shape,
// written by hand: windows 5m and 1d only (so a 7-day range needs a custom
// window), 5-minute samples in the 1d timeseries with a gap and a null,
// and custom windows when allowCustom.
type fake242 struct {
	t           *testing.T
	allowCustom bool
	columns     string // a "columns" header for the tuples, "" for none

	mu      sync.Mutex
	queries []string
}

const ts242 = `{"title": "Last 24 hours", "precision": 300, "origin_timezone": "Europe/Berlin",
  "created_at": "2025-03-11T12:00:10Z", "next_update_at": "2025-03-11T12:05:10Z", %COLUMNS%
  "samples": [
    ["2025-03-11T11:40:00Z", 100, 50, 1000000, 500000],
    ["2025-03-11T11:45:00Z", 100, 50, 2000000, null],
    ["2025-03-11T11:55:00Z", 100, 50, 4000000, 2000000]
  ]}`

// ts242Reordered is ts242 with the columns named in another order.
const ts242Reordered = `{"title": "Last 24 hours", "precision": 300,
  "created_at": "2025-03-11T12:00:10Z", "next_update_at": "2025-03-11T12:05:10Z",
  "columns": ["average_ops_in", "average_ops_out", "timestamp", "average_pps_in", "average_pps_out"],
  "samples": [
    [1000000, 500000, "2025-03-11T11:40:00Z", 100, 50],
    [2000000, null, "2025-03-11T11:45:00Z", 100, 50],
    [4000000, 2000000, "2025-03-11T11:55:00Z", 100, 50]
  ]}`

const stats242Custom = `{"aggregates": {"custom": {"title": "Custom", "start": "2025-03-04T12:00:00Z", "end": "2025-03-11T12:00:00Z",
  "accuracy": 1, "average_ops_in": 10, "average_ops_out": 20, "percentile95_ops_out": 30, "maximum_ops_in": 40,
  "maximum_in_at": "2025-03-05T00:00:00Z"}}}`

const ts242Custom = `{"title": "Custom", "precision": 3600, "created_at": "2025-03-11T12:00:00Z",
  "samples": [["2025-03-11T10:00:00Z", 1, 1, 10, 20], ["2025-03-11T11:00:00Z", 1, 1, 10, 20]]}`

func (f *fake242) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.queries = append(f.queries, r.URL.Path+"?"+r.URL.RawQuery)
	f.mu.Unlock()
	q := r.URL.Query()
	custom := q.Has(QueryStart) || q.Has(QueryEnd)
	if custom && (!f.allowCustom || ParseTimestamp(q.Get(QueryStart)).IsZero() || ParseTimestamp(q.Get(QueryEnd)).IsZero()) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"type":"https://errors.ix-api.net/v2/validation-error.html","title":"Some fields did not validate.","status":400}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/ports/p1/statistics" && custom:
		_, _ = w.Write([]byte(stats242Custom))
	case r.URL.Path == "/ports/p1/statistics":
		five := strings.Replace(stats242Port, `"30d": {`, `"5m": {`, 1)
		five = strings.Replace(five, `"start": "2025-02-09T12:00:00Z"`, `"start": "2025-03-11T11:55:00Z"`, 1)
		_, _ = w.Write([]byte(five))
	case r.URL.Path == "/ports/p1/statistics/1d/timeseries":
		if f.columns == "reordered" {
			_, _ = w.Write([]byte(ts242Reordered))
			return
		}
		_, _ = w.Write([]byte(strings.Replace(ts242, "%COLUMNS%", f.columns, 1)))
	case r.URL.Path == "/ports/p1/statistics/custom/timeseries":
		_, _ = w.Write([]byte(ts242Custom))
	case r.URL.Path == "/ports/p1":
		_, _ = w.Write([]byte(`{"id":"p1","name":"xe-0/0/1","state":"production","media_type":"100GBASE-LR4","speed":100000,
		  "device":"d1","pop":"pop1","connection":null,"managing_account":"a","consuming_account":"a","billing_account":"a","role_assignments":[]}`))
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"type":"https://errors.ix-api.net/v2/not-found.html","title":"Not found.","status":404}`))
	}
}

func (f *fake242) provider(t *testing.T) *Provider {
	srv := httptest.NewServer(http.StripPrefix(SimBasePath, f))
	t.Cleanup(srv.Close)
	now := time.Date(2025, 3, 11, 12, 1, 0, 0, time.UTC)
	p, err := New("ix242", srv.URL+SimBasePath, Credentials{Token: "static-test-token"}, httpx.WithRetry(fastRetry), httpx.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSeriesFromA242Server(t *testing.T) {
	for _, columns := range []string{"", `"columns": ["timestamp","average_pps_in","average_pps_out","average_ops_in","average_ops_out"],`, "reordered"} {
		f := &fake242{t: t}
		f.columns = columns
		p := f.provider(t)
		ss, err := p.Series(context.Background(), model.SeriesQuery{Target: model.Ref{Type: "port", ID: "port:p1"}, Range: time.Hour})
		if err != nil {
			t.Fatalf("columns %q: %v", columns, err)
		}
		in, out := ss[0], ss[1]
		if in.Aggregate != "1d" || in.Precision != 5*time.Minute || len(in.Samples) != 12 || in.Capacity != 1e11 {
			t.Fatalf("columns %q: %s at %v, %d samples, capacity %v", columns, in.Aggregate, in.Precision, len(in.Samples), in.Capacity)
		}
		// The grid ends where created_at says: 11:00 .. 11:55; 11:50 is a gap.
		last := in.Samples[11]
		if !last.T.Equal(time.Date(2025, 3, 11, 11, 55, 0, 0, time.UTC)) || last.V != 32e6 {
			t.Errorf("columns %q: last sample %+v, want 11:55 = 4e6 octets/s = 32 Mb/s", columns, last)
		}
		if !in.Samples[10].Missing || !out.Samples[9].Missing || out.Samples[8].Missing {
			t.Errorf("columns %q: the gap at 11:50 and the null at 11:45 are missing, 11:40 is not", columns)
		}
		// The server's own figures, per direction, in bits per second.
		si, so := in.Server, out.Server
		if si == nil || so == nil {
			t.Fatalf("columns %q: no server summary", columns)
		}
		if si.Window != "1d" || si.Accuracy != 0.95 || si.P95 != nil || *si.Max != 1187500000*8 || !si.MaxAt.Equal(time.Date(2025, 3, 11, 3, 15, 0, 0, time.UTC)) {
			t.Errorf("in summary: %+v", si)
		}
		if *so.P95 != 75e6*8 || *si.ErrorsPerSec != 0.25 || *si.DiscardsPerSec != 1.5 || *so.DiscardsPerSec != 0.125 {
			t.Errorf("out summary: %+v", so)
		}
		if !si.From.Equal(time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)) {
			t.Errorf("window from %v", si.From)
		}
		// The port's light levels came along.
		if l := p.lightOf("p1"); l == nil || len(l.RX) != 4 || !l.Low(-14) || l.Low(-16) {
			t.Errorf("light levels: %+v", l)
		}
	}
}

func TestSeriesAsksForACustomWindow(t *testing.T) {
	// 7 days: neither 5m nor 1d covers it, so the client asks for exactly
	// the range.
	f := &fake242{t: t, allowCustom: true}
	p := f.provider(t)
	ss := must[[]model.Series](t)(p.Series(context.Background(), model.SeriesQuery{Target: model.Ref{Type: "port", ID: "port:p1"}, Range: 7 * 24 * time.Hour}))
	if ss[0].Aggregate != AggregateCustom || ss[0].Precision != time.Hour || len(ss[0].Samples) != 168 {
		t.Errorf("custom: %s at %v, %d samples", ss[0].Aggregate, ss[0].Precision, len(ss[0].Samples))
	}
	if ss[0].Server == nil || *ss[0].Server.Max != 320 || *ss[1].Server.P95 != 240 {
		t.Errorf("custom summary: %+v / %+v", ss[0].Server, ss[1].Server)
	}
	var sawStats, sawTS bool
	for _, q := range f.queries {
		if strings.HasPrefix(q, "/ports/p1/statistics?") && strings.Contains(q, "start=2025-03-04T12%3A01%3A00Z") && strings.Contains(q, "end=2025-03-11T12%3A01%3A00Z") {
			sawStats = true
		}
		if strings.HasPrefix(q, "/ports/p1/statistics/custom/timeseries?") && strings.Contains(q, "start=") {
			sawTS = true
		}
	}
	if !sawStats || !sawTS {
		t.Errorf("custom window not asked for: %v", f.queries)
	}

	// A server without custom windows: one refused request, then the widest
	// window.
	f = &fake242{t: t}
	p = f.provider(t)
	ss = must[[]model.Series](t)(p.Series(context.Background(), model.SeriesQuery{Target: model.Ref{Type: "port", ID: "port:p1"}, Range: 7 * 24 * time.Hour}))
	if ss[0].Aggregate != "1d" || len(ss[0].Samples) != 2016 {
		t.Errorf("fallback: %s, %d samples", ss[0].Aggregate, len(ss[0].Samples))
	}
}

func TestWindowQueryRefusesEmptyWindows(t *testing.T) {
	now := time.Now()
	for _, w := range [][2]time.Time{{{}, now}, {now, now}, {now, now.Add(-time.Hour)}} {
		if _, err := windowQuery(w[0], w[1]); err == nil {
			t.Errorf("window %v..%v accepted", w[0], w[1])
		}
	}
	c := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) { t.Errorf("request sent: %s", r.URL) })
	if _, err := c.TimeseriesWindow(context.Background(), ObjPort, "p1", now, now); err == nil || errors.Is(err, model.ErrBadResponse) {
		t.Errorf("empty window: %v", err)
	}
}
