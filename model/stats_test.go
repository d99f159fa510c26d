package model

import (
	"math"
	"math/rand"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	// The textbook nearest-rank example and edges.
	v := []float64{15, 20, 35, 40, 50}
	cases := []struct {
		p    float64
		want float64
	}{{5, 15}, {30, 20}, {40, 20}, {50, 35}, {95, 50}, {100, 50}, {0, 15}, {-1, 15}, {150, 50}}
	for _, c := range cases {
		if got := Percentile(v, c.p); got != c.want {
			t.Errorf("Percentile(%v, %v) = %v, want %v", v, c.p, got, c.want)
		}
	}
	if v[0] != 15 || v[4] != 50 {
		t.Errorf("Percentile modified its input: %v", v)
	}
	// 1..100 shuffled: p95 is exactly 95 (whole ranks stay exact).
	h := make([]float64, 100)
	for i := range h {
		h[i] = float64(i + 1)
	}
	rand.New(rand.NewSource(3)).Shuffle(len(h), func(i, j int) { h[i], h[j] = h[j], h[i] })
	if got := Percentile(h, 95); got != 95 {
		t.Errorf("p95 of 1..100 = %v, want 95", got)
	}
	if got := Percentile(append(h, math.NaN()), 95); got != 95 {
		t.Errorf("NaN changed p95: %v", got)
	}
	if got := Percentile(nil, 95); !math.IsNaN(got) {
		t.Errorf("empty = %v, want NaN", got)
	}
}

func TestP95BillingBoundary(t *testing.T) {
	// 8,640 five-minute samples (30 days): the top 5% is exactly 432
	// samples. 432 bursts are forgiven; 433 are billed.
	for _, c := range []struct {
		bursts int
		want   float64
	}{{431, 1e9}, {432, 1e9}, {433, 10e9}} {
		s := regular(8640, 5*time.Minute, func(i int) float64 {
			if i%17 == 0 && i/17 < c.bursts { // spread over the month
				return 10e9
			}
			return 1e9
		})
		if got := ComputeStats(s, 5*time.Minute).P95; got != c.want {
			t.Errorf("%d bursts: p95 = %v, want %v", c.bursts, got, c.want)
		}
	}
}

func TestComputeStatsKnownSeries(t *testing.T) {
	// 1..100 Mb/s at one-minute steps, shuffled, with missing samples
	// (carrying absurd values that must be ignored) in between.
	var s []Sample
	for i := 0; i < 100; i++ {
		s = append(s, Sample{T: t0.Add(time.Duration(2*i) * time.Minute), V: float64(i+1) * 1e6})
		s = append(s, Sample{T: t0.Add(time.Duration(2*i+1) * time.Minute), V: 1e15, Missing: true})
	}
	s = append(s, Sample{T: t0.Add(200 * time.Minute), V: math.NaN()}) // latest, but not a value
	rand.New(rand.NewSource(5)).Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	st := ComputeStats(s, time.Minute)
	if st.N != 100 || st.Missing != 101 {
		t.Errorf("N/Missing = %d/%d, want 100/101", st.N, st.Missing)
	}
	if st.Avg != 50.5e6 {
		t.Errorf("Avg = %v, want 50.5e6 (gaps are not zeros)", st.Avg)
	}
	if st.Max != 100e6 || !st.MaxAt.Equal(t0.Add(198*time.Minute)) {
		t.Errorf("Max = %v at %v", st.Max, st.MaxAt)
	}
	if st.P95 != 95e6 {
		t.Errorf("P95 = %v, want 95e6", st.P95)
	}
	if st.Now != 100e6 || !st.NowAt.Equal(t0.Add(198*time.Minute)) {
		t.Errorf("Now = %v at %v, want the last present sample", st.Now, st.NowAt)
	}
	if !st.From.Equal(t0) || !st.To.Equal(t0.Add(201*time.Minute)) || st.Span != 201*time.Minute {
		t.Errorf("span = %v..%v (%v)", st.From, st.To, st.Span)
	}
}

func TestComputeStatsSmall(t *testing.T) {
	st := ComputeStats(regular(12, 5*time.Minute, func(i int) float64 { return []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8}[i] }), 0)
	if st.Avg != 52.0/12 || st.Max != 9 || st.Now != 8 || st.P95 != 9 || st.Span != time.Hour {
		t.Errorf("stats = %+v", st)
	}
	// Ties for the max report the earliest.
	tie := ComputeStats([]Sample{{T: t0.Add(time.Minute), V: 5}, {T: t0, V: 5}}, time.Minute)
	if !tie.MaxAt.Equal(t0) {
		t.Errorf("MaxAt = %v, want the earliest of equal maxima", tie.MaxAt)
	}
}

func TestComputeStatsEmpty(t *testing.T) {
	for name, s := range map[string][]Sample{
		"none":        nil,
		"all missing": {{T: t0, Missing: true}, {T: t0.Add(time.Minute), Missing: true}},
	} {
		st := ComputeStats(s, time.Minute)
		if st.N != 0 || !math.IsNaN(st.Now) || !math.IsNaN(st.Avg) || !math.IsNaN(st.Max) || !math.IsNaN(st.P95) {
			t.Errorf("%s: %+v, want NaN values", name, st)
		}
		if FormatBits(st.Now) != "-" {
			t.Errorf("%s: a NaN stat must render as -", name)
		}
	}
}
