package ixapi

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
)

// How statistics become graphs. The shapes themselves are in
// stats_shape.go; this is what noctop does with them.

const (
	// maxSamplesPerQuery keeps a range from choosing an aggregate that would
	// send hundreds of thousands of samples (30 days of 1-second data).
	maxSamplesPerQuery = 20_000
	// maxGridSlots bounds gap filling against a hostile precision.
	maxGridSlots = 200_000
	// defaultRange is used when a query names none.
	defaultRange = 24 * time.Hour
)

// chooseAggregate picks the aggregate for showing rng: the finest one that
// reaches back far enough without sending more than maxSamplesPerQuery
// samples; failing that, the one reaching furthest back. Names come only
// from the server.
func chooseAggregate(aggs map[string]Aggregate, rng time.Duration) (string, Aggregate, bool) {
	if rng <= 0 {
		rng = defaultRange
	}
	type cand struct {
		name   string
		a      Aggregate
		p, win time.Duration
	}
	var cs []cand
	for name, a := range aggs {
		p := PrecisionDuration(a.Precision)
		if p <= 0 || !validAggregate.MatchString(name) {
			continue
		}
		cs = append(cs, cand{name, a, p, a.Window(name)})
	}
	if len(cs) == 0 {
		return "", Aggregate{}, false
	}
	slices.SortFunc(cs, func(x, y cand) int {
		switch {
		case x.p != y.p:
			return cmpDur(x.p, y.p)
		case x.win != y.win:
			return cmpDur(x.win, y.win)
		}
		return strings.Compare(x.name, y.name)
	})
	fits := func(c cand) bool { return float64(rng)/float64(c.p) <= maxSamplesPerQuery }
	// Finest that covers the range.
	for _, c := range cs {
		if c.win >= rng && fits(c) {
			return c.name, c.a, true
		}
	}
	// Nothing covers it: the one reaching furthest back (finest on ties),
	// among those not sending too much.
	best := -1
	for i, c := range cs {
		if c.win <= 0 || !fits(c) {
			continue
		}
		if best < 0 || c.win > cs[best].win {
			best = i
		}
	}
	if best >= 0 {
		return cs[best].name, cs[best].a, true
	}
	// No windows known: the finest that does not send too much.
	for _, c := range cs {
		if fits(c) {
			return c.name, c.a, true
		}
	}
	c := cs[len(cs)-1]
	return c.name, c.a, true
}

func cmpDur(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// seriesOpts says what one timeseries is turned into.
type seriesOpts struct {
	ref       model.Ref
	prefix    string // "AS64500 " for peers, "" otherwise
	aggregate string
	agg       Aggregate // from statistics, for fallbacks
	capacity  float64   // bps
	rng       time.Duration
	now       time.Time
}

// toSeries turns a timeseries into the in and out series in bits per
// second over the last rng of the data. Samples are placed on the
// aggregate's grid, ending where the data ends (created_at when it is
// consistent with the samples): a slot without a sample, or with a null
// value, is Missing. The series is Stale when next_update_at has passed.
func toSeries(ts Timeseries, o seriesOpts) [2]model.Series {
	rng := o.rng
	if rng <= 0 {
		rng = defaultRange
	}
	p := PrecisionDuration(ts.Precision)
	if p <= 0 {
		p = PrecisionDuration(o.agg.Precision)
	}
	samples := slices.Clone(ts.Samples)
	slices.SortStableFunc(samples, func(a, b TimeseriesSample) int { return a.Timestamp.Compare(b.Timestamp) })
	if p <= 0 {
		p = inferPrecision(samples)
	}
	var end time.Time
	if n := len(samples); n > 0 {
		end = samples[n-1].Timestamp.Add(p)
	}
	if created := ParseTimestamp(firstNonEmpty(ts.CreatedAt, o.agg.CreatedAt)); !created.IsZero() &&
		(end.IsZero() || (created.After(end) && created.Sub(end) < rng && !created.After(o.now.Add(p)))) {
		end = created
	}
	if end.IsZero() {
		end = o.now
	}
	start := end.Add(-rng)

	var in, out []model.Sample
	emit := func(t time.Time, s *TimeseriesSample) {
		if s == nil {
			in = append(in, model.Sample{T: t, Missing: true})
			out = append(out, model.Sample{T: t, Missing: true})
			return
		}
		in = append(in, value(t, s.OPSIn))
		out = append(out, value(t, s.OPSOut))
	}
	if slots := int64(math.Ceil(float64(rng) / float64(p))); p > 0 && slots <= maxGridSlots {
		n := int(slots)
		first := end.Add(-time.Duration(n) * p)
		grid := make([]*TimeseriesSample, n)
		for i := range samples {
			s := &samples[i]
			k := int(math.Round(float64(s.Timestamp.Sub(first)) / float64(p)))
			if k < 0 || k >= n || math.Abs(float64(s.Timestamp.Sub(first.Add(time.Duration(k)*p)))) > float64(p)/2 {
				continue
			}
			grid[k] = s // a repeated timestamp: the later sample wins
		}
		in = make([]model.Sample, 0, n)
		out = make([]model.Sample, 0, n)
		for k, s := range grid {
			emit(first.Add(time.Duration(k)*p), s)
		}
	} else {
		for i := range samples {
			if t := samples[i].Timestamp; !t.Before(start) && t.Before(end) {
				emit(t, &samples[i])
			}
		}
	}
	stale := false
	if next := ParseTimestamp(firstNonEmpty(ts.NextUpdateAt, o.agg.NextUpdateAt)); !next.IsZero() {
		grace := min(p/10, time.Minute)
		stale = o.now.After(next.Add(grace))
	}
	mk := func(dir string, s []model.Sample) model.Series {
		return model.Series{
			Ref: o.ref, Name: o.prefix + dir, Direction: dir, Unit: model.UnitBitsPerSec,
			Aggregate: o.aggregate, Precision: p, Capacity: o.capacity, Samples: s, Stale: stale,
		}.Sanitized()
	}
	return [2]model.Series{mk("in", in), mk("out", out)}
}

func value(t time.Time, ops *float64) model.Sample {
	if ops == nil {
		return model.Sample{T: t, Missing: true}
	}
	return model.Sample{T: t, V: OctetsToBits(*ops)}
}

// inferPrecision is the most common spacing of sorted samples.
func inferPrecision(s []TimeseriesSample) time.Duration {
	counts := map[time.Duration]int{}
	best, bestN := time.Duration(0), 0
	for i := 1; i < len(s) && i < 1000; i++ {
		d := s[i].Timestamp.Sub(s[i-1].Timestamp)
		if d <= 0 {
			continue
		}
		counts[d]++
		if counts[d] > bestN || (counts[d] == bestN && d < best) {
			best, bestN = d, counts[d]
		}
	}
	return best
}

// averageBPS reads an aggregate's averages in bits per second.
func averageBPS(a Aggregate) (in, out float64) {
	if a.AverageOPSIn != nil {
		in = OctetsToBits(*a.AverageOPSIn)
	}
	if a.AverageOPSOut != nil {
		out = OctetsToBits(*a.AverageOPSOut)
	}
	return in, out
}
