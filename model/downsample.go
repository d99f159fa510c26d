package model

import (
	"math"
	"math/bits"
	"sort"
	"time"
)

// Bucket is one plotted column of a downsampled series: the samples whose
// time interval overlaps the column's [Start, End).
type Bucket struct {
	Start, End time.Time
	Max, Min   float64 // NaN when Gap
	N          int     // present (non-missing) samples that overlap the column
	Gap        bool    // no present sample overlaps the column
}

// DownsampleOptions says how to turn samples into plot columns.
type DownsampleOptions struct {
	Columns int // > 0
	// From and To bound the plot window [From, To). Zero values mean the
	// samples' own span: the first timestamp to the last one plus Precision.
	From, To time.Time
	// Precision is how long each sample covers (Series.Precision); 0 means
	// infer it as the smallest positive spacing between samples.
	Precision time.Duration
}

// Downsample maps samples onto opts.Columns equal slices of time, keeping
// every peak: each sample covers [T, T+Precision) and each column takes the
// maximum (and minimum) of every present sample overlapping it.
//
// Why not asciigraph's own Width option: it linearly interpolates, so a
// column between two ordinary samples never shows a one-sample spike in
// between. Here the spike is the maximum of its column and survives any
// reduction. With fewer samples than columns each sample simply spans
// several columns (a step line, no invented values).
//
// Missing samples, non-finite values and stretches with no samples at all
// are gaps, never zeros; a column made only of them is a gap. Samples need
// not be sorted. The result always has opts.Columns buckets (nil if
// Columns <= 0).
func Downsample(samples []Sample, opts DownsampleOptions) []Bucket {
	n := opts.Columns
	if n <= 0 {
		return nil
	}
	out := make([]Bucket, n)
	prec := opts.Precision
	if prec < 0 {
		prec = 0
	}
	if prec == 0 {
		prec = InferPrecision(samples)
	}
	from, to := opts.From, opts.To
	if from.IsZero() || to.IsZero() {
		lo, hi, ok := sampleSpan(samples)
		if from.IsZero() {
			from = lo
		}
		if to.IsZero() {
			to = hi.Add(prec)
			if prec == 0 {
				to = hi.Add(1) // a lone instant still needs a non-empty window
			}
		}
		if !ok {
			from, to = time.Time{}, time.Time{}
		}
	}
	span := to.Sub(from)
	for i := range out {
		out[i] = Bucket{Max: math.NaN(), Min: math.NaN(), Gap: true}
	}
	if span <= 0 {
		return out
	}
	// Column boundaries as offsets from the window start, computed once:
	// bounds[i] is where column i starts, bounds[n] == span.
	bounds := make([]time.Duration, n+1)
	for i := range bounds {
		bounds[i] = bucketOffset(span, i, n)
	}
	for i := range out {
		out[i].Start = from.Add(bounds[i])
		out[i].End = from.Add(bounds[i+1])
	}
	fromSec, fromNsec := from.Unix(), int64(from.Nanosecond())
	c := 0 // column of the previous sample: sorted input walks forward
	for i := range samples {
		s := &samples[i]
		// v-v is 0 for every finite v and NaN for NaN and ±Inf: one test
		// instead of two in the hottest loop.
		if s.Missing || s.V-s.V != 0 {
			continue
		}
		// Offsets from the window start, in ns; the sample covers [a, b].
		a := offsetFrom(s.T, fromSec, fromNsec)
		b := a + prec - 1
		if prec == 0 {
			b = a
		}
		if b < 0 || a >= span {
			continue
		}
		c = locate(bounds, max(a, 0), c)
		last := locate(bounds, min(b, span-1), c)
		for k := c; k <= last; k++ {
			bk := &out[k]
			if bk.Gap {
				bk.Max, bk.Min, bk.Gap = s.V, s.V, false
			} else {
				if s.V > bk.Max {
					bk.Max = s.V
				}
				if s.V < bk.Min {
					bk.Min = s.V
				}
			}
			bk.N++
		}
	}
	return out
}

// offsetFrom is t - from in nanoseconds, saturating far outside ±285 years
// (hostile timestamps). Cheaper than time.Time.Sub, which matters at
// thousands of samples per frame.
func offsetFrom(t time.Time, fromSec, fromNsec int64) time.Duration {
	const limit = 9e9 // seconds; 9e18 ns still fits an int64
	ds := t.Unix() - fromSec
	switch {
	case ds > limit:
		return math.MaxInt64 / 2
	case ds < -limit:
		return math.MinInt64 / 2
	}
	return time.Duration(ds*1e9 + int64(t.Nanosecond()) - fromNsec)
}

// locate returns the column holding offset d (0 <= d < span): the largest
// i with bounds[i] <= d. It steps forward from hint, which makes a sorted
// series one pass over samples and columns together, and falls back to a
// binary search when d lies behind the hint or far ahead of it.
func locate(bounds []time.Duration, d time.Duration, hint int) int {
	n := len(bounds) - 1
	if hint >= 0 && hint < n && bounds[hint] <= d {
		for range 8 {
			if hint+1 >= n || bounds[hint+1] > d {
				return hint
			}
			hint++
		}
	}
	return sort.Search(n, func(i int) bool { return bounds[i+1] > d })
}

// bucketOffset is where column i starts, as an offset from the window start:
// floor(span*i/n) without overflowing int64 for long spans.
func bucketOffset(span time.Duration, i, n int) time.Duration {
	q, r := span/time.Duration(n), span%time.Duration(n)
	return q*time.Duration(i) + r*time.Duration(i)/time.Duration(n)
}

// bucketOf is the column holding offset d (0 <= d < span): the largest i
// with bucketOffset(i) <= d. It computes floor(d*n/span) in 128 bits and
// then settles the rounding against the exact column boundaries.
func bucketOf(d, span time.Duration, n int) int {
	hi, lo := bits.Mul64(uint64(d), uint64(n))
	q, _ := bits.Div64(hi, lo, uint64(span)) // hi < span because d < span
	i := int(q)
	for i+1 < n && bucketOffset(span, i+1, n) <= d {
		i++
	}
	for i > 0 && bucketOffset(span, i, n) > d {
		i--
	}
	return i
}

// sampleSpan returns the earliest and the latest timestamp of samples.
func sampleSpan(samples []Sample) (lo, hi time.Time, ok bool) {
	for i, s := range samples {
		if i == 0 || s.T.Before(lo) {
			lo = s.T
		}
		if i == 0 || s.T.After(hi) {
			hi = s.T
		}
	}
	return lo, hi, len(samples) > 0
}

// InferPrecision is the smallest positive spacing between consecutive
// samples (0 with fewer than two distinct timestamps). Providers normally
// state the precision; this is the fallback when they do not.
func InferPrecision(samples []Sample) time.Duration {
	var p time.Duration
	for i := 1; i < len(samples); i++ {
		d := samples[i].T.Sub(samples[i-1].T)
		if d < 0 {
			d = -d
		}
		if d > 0 && (p == 0 || d < p) {
			p = d
		}
	}
	return p
}

// MaxLine returns the maximum of every bucket, NaN for gaps (what
// asciigraph draws as a break in the line), appended to dst.
func MaxLine(dst []float64, b []Bucket) []float64 {
	for i := range b {
		dst = append(dst, b[i].Max)
	}
	return dst
}

// MinLine returns the minimum of every bucket (the lower edge of a min/max
// band), NaN for gaps, appended to dst.
func MinLine(dst []float64, b []Bucket) []float64 {
	for i := range b {
		dst = append(dst, b[i].Min)
	}
	return dst
}
