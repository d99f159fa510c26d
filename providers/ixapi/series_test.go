package ixapi

import (
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func agg(precision, total int64) Aggregate {
	return Aggregate{Precision: precision, TotalSamples: total}
}

func TestChooseAggregate(t *testing.T) {
	simLike := map[string]Aggregate{
		"1m": agg(60, 1440), "5m": agg(300, 8640), "1h": agg(3600, 2160), "1d": agg(86400, 365), "30d": agg(2592000, 12),
	}
	// Names a server might use instead: the choice must follow precision and
	// coverage, never the names.
	renamed := map[string]Aggregate{
		"fine": agg(60, 1440), "month": agg(300, 8640), "quarter": agg(3600, 2160), "year": agg(86400, 365),
	}
	coarse := map[string]Aggregate{"1h": agg(3600, 2160), "1d": agg(86400, 365)}
	noTotals := map[string]Aggregate{"1d": agg(60, 0), "30d": agg(300, 0), "1y": agg(86400, 0)}
	tooFine := map[string]Aggregate{"1s": agg(1, 10_000_000)}
	short := map[string]Aggregate{"1m": agg(60, 60), "5m": agg(300, 288)}

	cases := []struct {
		name string
		aggs map[string]Aggregate
		rng  time.Duration
		want string
	}{
		{"1h", simLike, time.Hour, "1m"},
		{"6h", simLike, 6 * time.Hour, "1m"},
		{"24h", simLike, 24 * time.Hour, "1m"},
		{"7d", simLike, 7 * 24 * time.Hour, "5m"},
		{"30d", simLike, 30 * 24 * time.Hour, "5m"},
		{"90d", simLike, 90 * 24 * time.Hour, "1h"},
		{"2y falls back to the longest (1d keeps 365 days, 30d 360)", simLike, 730 * 24 * time.Hour, "1d"},
		{"zero range means 24h", simLike, 0, "1m"},
		{"renamed 7d", renamed, 7 * 24 * time.Hour, "month"},
		{"renamed 1h", renamed, time.Hour, "fine"},
		{"coarse only", coarse, time.Hour, "1h"},
		{"windows from names", noTotals, 7 * 24 * time.Hour, "30d"},
		{"windows from names 1h", noTotals, time.Hour, "1d"},
		{"never 2.6M samples", tooFine, 30 * 24 * time.Hour, "1s"},
		{"nothing covers 30d: furthest back", short, 30 * 24 * time.Hour, "5m"},
	}
	for _, c := range cases {
		got, _, ok := chooseAggregate(c.aggs, c.rng)
		if !ok || got != c.want {
			t.Errorf("%s: chose %q (ok %v), want %q", c.name, got, ok, c.want)
		}
	}
	if _, _, ok := chooseAggregate(map[string]Aggregate{"x": agg(0, 10), "../y": agg(60, 10)}, time.Hour); ok {
		t.Error("aggregates without precision or with unsafe names must not be chosen")
	}
	if _, _, ok := chooseAggregate(nil, time.Hour); ok {
		t.Error("no aggregates: nothing to choose")
	}
}

func f64(v float64) *float64 { return &v }

func tsAt(base time.Time, p time.Duration, idx []int, opsIn []float64) Timeseries {
	ts := Timeseries{Precision: int64(p / time.Second)}
	for k, i := range idx {
		var in *float64
		if opsIn[k] >= 0 {
			in = f64(opsIn[k])
		}
		ts.Samples = append(ts.Samples, TimeseriesSample{Timestamp: base.Add(time.Duration(i) * p), OPSIn: in, OPSOut: f64(1)})
	}
	return ts
}

func TestToSeriesGridGapsAndUnits(t *testing.T) {
	base := time.Date(2025, 3, 11, 11, 0, 0, 0, time.UTC)
	p := 5 * time.Minute
	// 12 slots (1h); slots 3 and 4 absent, slot 7 has a null.
	var idx []int
	var vals []float64
	for i := 0; i < 12; i++ {
		if i == 3 || i == 4 {
			continue
		}
		idx = append(idx, i)
		v := float64(i * 100)
		if i == 7 {
			v = -1
		}
		vals = append(vals, v)
	}
	ts := tsAt(base, p, idx, vals)
	ts.CreatedAt = FormatTimestamp(base.Add(time.Hour))
	ts.NextUpdateAt = FormatTimestamp(base.Add(time.Hour + p + 30*time.Second))
	now := base.Add(time.Hour + time.Minute)
	ref := model.Ref{Provider: "ix", Type: "port", ID: "port:p1"}
	s := toSeries(ts, seriesOpts{ref: ref, aggregate: "5m", capacity: 1e10, rng: time.Hour, now: now})
	in, out := s[0], s[1]
	if in.Name != "in" || out.Direction != "out" || in.Unit != model.UnitBitsPerSec || in.Aggregate != "5m" || in.Precision != p || in.Capacity != 1e10 || in.Ref != ref {
		t.Errorf("series metadata: %+v", in)
	}
	if len(in.Samples) != 12 || len(out.Samples) != 12 {
		t.Fatalf("want 12 grid slots, got %d/%d", len(in.Samples), len(out.Samples))
	}
	for i, smp := range in.Samples {
		wantMissing := i == 3 || i == 4 || i == 7
		if smp.Missing != wantMissing {
			t.Errorf("slot %d missing=%v, want %v", i, smp.Missing, wantMissing)
		}
		if !smp.T.Equal(base.Add(time.Duration(i) * p)) {
			t.Errorf("slot %d at %v", i, smp.T)
		}
		if !wantMissing && smp.V != float64(i*100)*8 {
			t.Errorf("slot %d = %v bps, want %v (octets × 8)", i, smp.V, i*800)
		}
		if smp.Missing && smp.V != 0 {
			t.Errorf("a gap must not carry a value")
		}
	}
	if out.Samples[7].Missing || !out.Samples[3].Missing {
		t.Errorf("out: slot 7 has a value, slot 3 none")
	}
	if in.Stale {
		t.Error("next_update_at is in the future: not stale")
	}
	// Past next_update_at (beyond the grace): stale.
	s = toSeries(ts, seriesOpts{ref: ref, aggregate: "5m", rng: time.Hour, now: base.Add(3 * time.Hour)})
	if !s[0].Stale || !s[1].Stale {
		t.Error("next_update_at long past: stale")
	}
}

func TestToSeriesTrimsToRangeFromTheEnd(t *testing.T) {
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	p := time.Hour
	var idx []int
	var vals []float64
	for i := 0; i < 48; i++ {
		idx = append(idx, i)
		vals = append(vals, float64(i))
	}
	ts := tsAt(base, p, idx, vals)
	// Samples arrive unsorted and with a duplicate.
	ts.Samples[0], ts.Samples[47] = ts.Samples[47], ts.Samples[0]
	ts.Samples = append(ts.Samples, TimeseriesSample{Timestamp: base.Add(47 * p), OPSIn: f64(999), OPSOut: f64(1)})
	s := toSeries(ts, seriesOpts{rng: 6 * time.Hour, now: base.Add(50 * p)})
	in := s[0].Samples
	if len(in) != 6 {
		t.Fatalf("6h of hourly samples: got %d", len(in))
	}
	if !in[0].T.Equal(base.Add(42*p)) || in[5].V != 999*8 {
		t.Errorf("window %v..: last %v", in[0].T, in[5].V)
	}
	// Precision missing in the answer: inferred from the samples.
	ts.Precision = 0
	s = toSeries(ts, seriesOpts{rng: 6 * time.Hour, now: base.Add(50 * p)})
	if s[0].Precision != p || len(s[0].Samples) != 6 {
		t.Errorf("inferred precision %v, %d samples", s[0].Precision, len(s[0].Samples))
	}
}

func TestToSeriesEmptyAndHostile(t *testing.T) {
	now := time.Date(2025, 3, 11, 12, 0, 0, 0, time.UTC)
	s := toSeries(Timeseries{Precision: 300}, seriesOpts{rng: time.Hour, now: now})
	if len(s[0].Samples) != 12 {
		t.Fatalf("no samples: a full window of gaps, got %d", len(s[0].Samples))
	}
	for _, smp := range s[0].Samples {
		if !smp.Missing {
			t.Fatal("no data must be gaps, not zeros")
		}
	}
	// A precision of one second over 30 days would be 2.6M slots: not
	// gridded, just the samples in range.
	ts := Timeseries{Precision: 1, Samples: []TimeseriesSample{{Timestamp: now.Add(-time.Second), OPSIn: f64(1), OPSOut: f64(1)}}}
	s = toSeries(ts, seriesOpts{rng: 30 * 24 * time.Hour, now: now})
	if len(s[0].Samples) != 1 {
		t.Errorf("hostile precision: %d samples", len(s[0].Samples))
	}
}
