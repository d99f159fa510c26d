package model

import (
	"math"
	"slices"
	"time"
)

// Stats summarises one series for a legend. Value fields are NaN when the
// series has no present sample.
type Stats struct {
	N       int // present samples (missing and non-finite ones excluded)
	Missing int // samples marked missing or carrying a non-finite value

	Now   float64   // the latest present sample
	NowAt time.Time // its timestamp
	Avg   float64   // arithmetic mean of present samples
	Max   float64
	MaxAt time.Time // timestamp of the first sample reaching Max
	P95   float64   // 95th percentile, nearest-rank (see Percentile)

	// From is the earliest sample, To the end of the latest one
	// (its timestamp plus the precision); Span = To - From.
	From, To time.Time
	Span     time.Duration
}

// present reports whether s carries a usable value.
func present(s Sample) bool {
	return !s.Missing && !math.IsNaN(s.V) && !math.IsInf(s.V, 0)
}

// ComputeStats summarises samples (any order). precision is how long each
// sample covers (0 = inferred from the spacing), used for the time span.
// The average is the plain mean of present samples: they are evenly spaced
// within one aggregate, and a gap must not count as zero traffic.
func ComputeStats(samples []Sample, precision time.Duration) Stats {
	st := Stats{Now: math.NaN(), Avg: math.NaN(), Max: math.NaN(), P95: math.NaN()}
	if len(samples) == 0 {
		return st
	}
	if precision <= 0 {
		precision = InferPrecision(samples)
	}
	lo, hi, _ := sampleSpan(samples)
	st.From, st.To = lo, hi.Add(precision)
	st.Span = st.To.Sub(st.From)
	vals := make([]float64, 0, len(samples))
	var sum float64
	for _, s := range samples {
		if !present(s) {
			st.Missing++
			continue
		}
		vals = append(vals, s.V)
		sum += s.V
		if st.N == 0 || !s.T.Before(st.NowAt) {
			st.Now, st.NowAt = s.V, s.T
		}
		if st.N == 0 || s.V > st.Max || (s.V == st.Max && s.T.Before(st.MaxAt)) {
			st.Max, st.MaxAt = s.V, s.T
		}
		st.N++
	}
	if st.N == 0 {
		return st
	}
	st.Avg = sum / float64(st.N)
	st.P95 = percentileInPlace(vals, 95)
	return st
}

// Percentile returns the p-th percentile (0 < p <= 100) of values by the
// nearest-rank method, the one 95th-percentile ("burstable") billing uses:
// sort ascending and take the value at rank ceil(p/100 × n), i.e. discard
// the top (100-p)% of samples and report the highest one left. The result
// is always one of the values, never an interpolation. NaNs are ignored;
// p <= 0 gives the minimum; an empty input gives NaN. values is not
// modified.
func Percentile(values []float64, p float64) float64 {
	vals := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	return percentileInPlace(vals, p)
}

// percentileInPlace is Percentile on a NaN-free slice it may reorder.
func percentileInPlace(vals []float64, p float64) float64 {
	n := len(vals)
	if n == 0 || math.IsNaN(p) {
		return math.NaN()
	}
	slices.Sort(vals)
	// p*n before the division keeps whole ranks exact (95×100/100 = 95).
	rank := int(math.Ceil(p * float64(n) / 100))
	return vals[min(max(rank, 1), n)-1]
}
