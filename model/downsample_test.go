package model

import (
	"math"
	"math/big"
	"math/rand"
	"testing"
	"time"
)

var t0 = time.Date(2025, 2, 12, 9, 30, 0, 0, time.UTC)

// regular builds n samples spaced p apart from t0 with values from f.
func regular(n int, p time.Duration, f func(i int) float64) []Sample {
	s := make([]Sample, n)
	for i := range s {
		s[i] = Sample{T: t0.Add(time.Duration(i) * p), V: f(i)}
	}
	return s
}

func TestDownsampleKeepsMaxOfEveryBucket(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const n, cols, per = 8640, 120, 72
	s := regular(n, 5*time.Minute, func(int) float64 { return rng.Float64() * 1e9 })
	b := Downsample(s, DownsampleOptions{Columns: cols, Precision: 5 * time.Minute})
	if len(b) != cols {
		t.Fatalf("len = %d, want %d", len(b), cols)
	}
	for c := 0; c < cols; c++ {
		mx, mn := math.Inf(-1), math.Inf(1)
		for _, x := range s[c*per : (c+1)*per] {
			mx, mn = math.Max(mx, x.V), math.Min(mn, x.V)
		}
		if b[c].Max != mx || b[c].Min != mn || b[c].N != per || b[c].Gap {
			t.Fatalf("bucket %d = max %v min %v n %d gap %v, want max %v min %v n %d", c, b[c].Max, b[c].Min, b[c].N, b[c].Gap, mx, mn, per)
		}
		if want := t0.Add(time.Duration(c*per) * 5 * time.Minute); !b[c].Start.Equal(want) {
			t.Fatalf("bucket %d starts %v, want %v", c, b[c].Start, want)
		}
	}
}

func TestDownsampleLoneSpikeSurvives(t *testing.T) {
	// 30 days of 5-minute samples, a quiet baseline and one sample ten
	// times higher: it must be the maximum of its column and of the plot.
	for _, at := range []int{0, 1, 71, 72, 4321, 8638, 8639} {
		s := regular(8640, 5*time.Minute, func(i int) float64 { return 1e9 + float64(i%7)*1e6 })
		s[at].V = 9.9e9
		b := Downsample(s, DownsampleOptions{Columns: 120, Precision: 5 * time.Minute})
		line := MaxLine(nil, b)
		col := at / 72
		if line[col] != 9.9e9 {
			t.Errorf("spike at %d: column %d max = %v, want 9.9e9", at, col, line[col])
		}
		for c, v := range line {
			if c != col && v == 9.9e9 {
				t.Errorf("spike at %d leaked into column %d", at, c)
			}
		}
	}
}

func TestDownsampleGaps(t *testing.T) {
	p := time.Minute
	s := regular(40, p, func(i int) float64 { return float64(i) })
	for i := 10; i < 20; i++ { // one whole column of missing samples
		s[i] = Sample{T: s[i].T, V: 1e12, Missing: true} // V must be ignored
	}
	s[25].V = math.NaN()  // non-finite values are missing too
	s[26].V = math.Inf(1) // (a hostile provider)
	s[27] = Sample{T: s[27].T, Missing: true}
	b := Downsample(s, DownsampleOptions{Columns: 4, Precision: p})
	if b[1].Gap != true || !math.IsNaN(b[1].Max) || !math.IsNaN(b[1].Min) || b[1].N != 0 {
		t.Errorf("all-missing bucket = %+v, want a gap", b[1])
	}
	if b[2].Gap || b[2].Max != 29 || b[2].Min != 20 || b[2].N != 7 {
		t.Errorf("partly missing bucket = %+v, want max 29 min 20 n 7", b[2])
	}
	for _, c := range []int{0, 3} {
		if b[c].Gap || b[c].N != 10 {
			t.Errorf("bucket %d = %+v, want 10 present samples", c, b[c])
		}
	}
	line := MaxLine(nil, b)
	if !math.IsNaN(line[1]) || line[0] != 9 || line[3] != 39 {
		t.Errorf("max line = %v, want [9 NaN 29 39]", line)
	}
}

func TestDownsampleAbsentStretchIsGap(t *testing.T) {
	// No samples at all for the middle hour (a provider that leaves them
	// out instead of marking them missing): a gap, not a line across.
	var s []Sample
	for i := 0; i < 180; i++ {
		if i >= 60 && i < 120 {
			continue
		}
		s = append(s, Sample{T: t0.Add(time.Duration(i) * time.Minute), V: 5})
	}
	b := Downsample(s, DownsampleOptions{Columns: 3, Precision: time.Minute})
	if b[0].Gap || !b[1].Gap || b[2].Gap {
		t.Errorf("gaps = %v %v %v, want false true false", b[0].Gap, b[1].Gap, b[2].Gap)
	}
}

func TestDownsampleFewerSamplesThanColumns(t *testing.T) {
	// 12 five-minute samples on 120 columns: each spans 10 columns, as a
	// step, with no interpolated values in between.
	s := regular(12, 5*time.Minute, func(i int) float64 { return float64(i * 10) })
	s[4] = Sample{T: s[4].T, Missing: true}
	b := Downsample(s, DownsampleOptions{Columns: 120, Precision: 5 * time.Minute})
	for c := range b {
		i := c / 10
		if i == 4 {
			if !b[c].Gap {
				t.Fatalf("column %d should be a gap (missing sample 4)", c)
			}
			continue
		}
		if b[c].Max != float64(i*10) || b[c].N != 1 {
			t.Fatalf("column %d = %+v, want sample %d's value %d", c, b[c], i, i*10)
		}
	}
}

func TestDownsampleWindow(t *testing.T) {
	s := regular(100, time.Minute, func(i int) float64 { return float64(i) })
	// A window over samples 10..29 (plus ten empty minutes after the data).
	from := t0.Add(10 * time.Minute)
	b := Downsample(s, DownsampleOptions{Columns: 2, From: from, To: from.Add(20 * time.Minute), Precision: time.Minute})
	if b[0].Max != 19 || b[0].Min != 10 || b[1].Max != 29 || b[1].Min != 20 {
		t.Errorf("window buckets = %+v", b)
	}
	after := Downsample(s[:5], DownsampleOptions{Columns: 4, From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour), Precision: time.Minute})
	for _, x := range after {
		if !x.Gap {
			t.Fatalf("samples before the window leaked in: %+v", after)
		}
	}
}

func TestDownsampleDegenerate(t *testing.T) {
	if b := Downsample(regular(3, time.Minute, func(int) float64 { return 1 }), DownsampleOptions{Columns: 0}); b != nil {
		t.Errorf("Columns 0 = %v, want nil", b)
	}
	b := Downsample(nil, DownsampleOptions{Columns: 5})
	if len(b) != 5 {
		t.Fatalf("no samples: len %d", len(b))
	}
	for _, x := range b {
		if !x.Gap || !math.IsNaN(x.Max) {
			t.Fatalf("no samples should be all gaps: %+v", b)
		}
	}
	// One sample, unknown precision: it is still plotted and still the max.
	// (The window is then one nanosecond: every column but one is empty.)
	maxOf := func(b []Bucket) (mx, mn float64, n int) {
		mx, mn = math.NaN(), math.NaN()
		for _, x := range b {
			if !x.Gap {
				mx, mn, n = x.Max, x.Min, n+1
			}
		}
		return
	}
	if mx, _, n := maxOf(Downsample([]Sample{{T: t0, V: 7}}, DownsampleOptions{Columns: 5})); mx != 7 || n != 1 {
		t.Errorf("single sample: max %v in %d columns, want 7 in 1", mx, n)
	}
	// Every sample at the same instant.
	if mx, mn, n := maxOf(Downsample([]Sample{{T: t0, V: 1}, {T: t0, V: 3}}, DownsampleOptions{Columns: 3})); mx != 3 || mn != 1 || n != 1 {
		t.Errorf("same-instant samples: max %v min %v in %d columns", mx, mn, n)
	}
	// Hostile timestamps far apart must not overflow or panic.
	far := []Sample{{T: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), V: 1}, {T: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), V: 2}, {T: t0, V: 3}}
	_ = Downsample(far, DownsampleOptions{Columns: 50})
	_ = Downsample(far, DownsampleOptions{Columns: 50, From: t0, To: t0.Add(time.Hour), Precision: time.Hour * 1e5})
}

func TestDownsampleInfersPrecision(t *testing.T) {
	s := regular(20, 5*time.Minute, func(i int) float64 { return float64(i) })
	if p := InferPrecision(s); p != 5*time.Minute {
		t.Fatalf("InferPrecision = %v", p)
	}
	a := Downsample(s, DownsampleOptions{Columns: 4})
	b := Downsample(s, DownsampleOptions{Columns: 4, Precision: 5 * time.Minute})
	for i := range a {
		if a[i].Max != b[i].Max || a[i].N != b[i].N {
			t.Fatalf("inferred precision differs at %d: %+v vs %+v", i, a[i], b[i])
		}
	}
}

// TestDownsampleMatchesReference compares against a brute-force definition
// on random, unsorted, gappy series: a bucket is the max/min of every
// present sample whose [T, T+p) overlaps the bucket's [Start, End).
func TestDownsampleMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for iter := 0; iter < 300; iter++ {
		n := 1 + rng.Intn(400)
		cols := 1 + rng.Intn(200)
		p := time.Duration(1+rng.Intn(600)) * time.Second
		var s []Sample
		tt := t0
		for i := 0; i < n; i++ {
			tt = tt.Add(p * time.Duration(1+rng.Intn(3)/2)) // some absent stretches
			x := Sample{T: tt, V: rng.Float64() * 100}
			if rng.Intn(8) == 0 {
				x.Missing = true
			}
			s = append(s, x)
		}
		rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		opts := DownsampleOptions{Columns: cols, Precision: p}
		if rng.Intn(2) == 0 {
			opts.From = t0.Add(time.Duration(rng.Intn(int(tt.Sub(t0)/time.Second)+1)) * time.Second)
			opts.To = opts.From.Add(time.Duration(1+rng.Intn(int(tt.Sub(t0)/time.Second)+1)) * time.Second)
		}
		got := Downsample(s, opts)
		from, to := opts.From, opts.To
		if from.IsZero() {
			from, to = s[0].T, s[0].T
			for _, x := range s {
				if x.T.Before(from) {
					from = x.T
				}
				if x.T.After(to) {
					to = x.T
				}
			}
			to = to.Add(p)
		}
		span := big.NewInt(int64(to.Sub(from)))
		for c := 0; c < cols; c++ {
			bs := new(big.Int).Div(new(big.Int).Mul(span, big.NewInt(int64(c))), big.NewInt(int64(cols)))
			be := new(big.Int).Div(new(big.Int).Mul(span, big.NewInt(int64(c+1))), big.NewInt(int64(cols)))
			start, end := from.Add(time.Duration(bs.Int64())), from.Add(time.Duration(be.Int64()))
			if !got[c].Start.Equal(start) || !got[c].End.Equal(end) {
				t.Fatalf("iter %d col %d: bounds %v-%v, want %v-%v", iter, c, got[c].Start, got[c].End, start, end)
			}
			mx, mn, k := math.NaN(), math.NaN(), 0
			for _, x := range s {
				if x.Missing || !x.T.Before(end) || !x.T.Add(p).After(start) {
					continue
				}
				if k == 0 || x.V > mx {
					mx = x.V
				}
				if k == 0 || x.V < mn {
					mn = x.V
				}
				k++
			}
			g := got[c]
			same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
			if !same(g.Max, mx) || !same(g.Min, mn) || g.N != k || g.Gap != (k == 0) {
				t.Fatalf("iter %d (n %d cols %d) col %d = %+v, want max %v min %v n %d", iter, n, cols, c, g, mx, mn, k)
			}
		}
	}
}

func TestBucketOfLongSpans(t *testing.T) {
	// A century in nanoseconds times 1000 columns overflows int64; the
	// column index must still be exact.
	span := time.Duration(math.MaxInt64 / 3)
	for _, n := range []int{1, 7, 120, 1000, 4096} {
		for _, d := range []time.Duration{0, 1, span / 2, span / 3, span - 1, span/time.Duration(n) - 1, span / time.Duration(n)} {
			want := new(big.Int).Div(new(big.Int).Mul(big.NewInt(int64(d)), big.NewInt(int64(n))), big.NewInt(int64(span)))
			// the largest i with floor(span*i/n) <= d
			i := int(want.Int64())
			for i+1 < n && bucketOffset(span, i+1, n) <= d {
				i++
			}
			for i > 0 && bucketOffset(span, i, n) > d {
				i--
			}
			if got := bucketOf(d, span, n); got != i {
				t.Errorf("bucketOf(%d, %d, %d) = %d, want %d", d, span, n, got, i)
			}
			bo := new(big.Int).Div(new(big.Int).Mul(big.NewInt(int64(span)), big.NewInt(int64(i))), big.NewInt(int64(n)))
			if got := bucketOffset(span, i, n); int64(got) != bo.Int64() {
				t.Errorf("bucketOffset(%d, %d, %d) = %d, want %d", span, i, n, got, bo)
			}
		}
	}
}

func BenchmarkDownsample30d(b *testing.B) {
	s := regular(8640, 5*time.Minute, func(i int) float64 { return float64(i % 97) })
	b.ReportAllocs()
	for b.Loop() {
		Downsample(s, DownsampleOptions{Columns: 120, Precision: 5 * time.Minute})
	}
}
