package sim

import (
	"strconv"
	"testing"
	"time"
)

const gbit = 1e9

// keysOf returns the first n keys of the given class.
func keysOf(tr Traffic, class TrafficClass, n int) []string {
	var out []string
	for i := 0; len(out) < n && i < 100000; i++ {
		k := "port-" + strconv.Itoa(i)
		if tr.Profile(k).Class == class {
			out = append(out, k)
		}
	}
	return out
}

func TestTrafficClassesHaveTheIntendedShares(t *testing.T) {
	tr := Traffic{Seed: 1}
	count := map[TrafficClass]int{}
	const n = 20000
	for i := 0; i < n; i++ {
		count[tr.Profile("k"+strconv.Itoa(i)).Class]++
	}
	for class, want := range map[TrafficClass]float64{TrafficHot: HotShare, TrafficDead: DeadShare} {
		got := float64(count[class]) / n
		if got < want*0.7 || got > want*1.3 {
			t.Errorf("%s share %.3f, want about %.3f", class, got, want)
		}
	}
}

func TestTrafficDeterministic(t *testing.T) {
	at := t0.Add(17*time.Hour + 3*time.Minute)
	a := Traffic{Seed: 5}.At("xe-0/0/1", 10*gbit, at)
	b := Traffic{Seed: 5}.At("xe-0/0/1", 10*gbit, at)
	c := Traffic{Seed: 6}.At("xe-0/0/1", 10*gbit, at)
	if a != b {
		t.Fatal("same seed, key and time gave different traffic")
	}
	if a == c {
		t.Fatal("different seed gave identical traffic")
	}
	// Within one minute the sample is the same.
	if (Traffic{Seed: 5}).At("xe-0/0/1", 10*gbit, at.Add(30*time.Second)) != a {
		t.Fatal("samples within one minute differ")
	}
}

func TestTrafficDailyPattern(t *testing.T) {
	tr := Traffic{Seed: 2}
	for _, key := range keysOf(tr, TrafficNormal, 20) {
		p := tr.Profile(key)
		var peak, trough float64
		// Average the hour around the peak and around the trough over two weeks.
		for d := 0; d < 14; d++ {
			day := time.Date(2026, 3, 2+d, 0, 0, 0, 0, time.UTC)
			ph := day.Add(time.Duration(p.PeakHour * float64(time.Hour)))
			th := ph.Add(12 * time.Hour)
			peak += tr.Mean(key, gbit, ph.Add(-30*time.Minute), ph.Add(30*time.Minute)).In
			trough += tr.Mean(key, gbit, th.Add(-30*time.Minute), th.Add(30*time.Minute)).In
		}
		if peak <= trough*1.2 {
			t.Errorf("%s: peak-hour mean %.0f not clearly above trough %.0f (swing %.2f)", key, peak/14, trough/14, p.Swing)
		}
	}
}

func TestTrafficDeadIsZeroHotIsSaturated(t *testing.T) {
	tr := Traffic{Seed: 3}
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(7 * 24 * time.Hour)
	for _, key := range keysOf(tr, TrafficDead, 10) {
		for _, s := range tr.Window(key, 10*gbit, from, to, 5*time.Minute) {
			if s.Mean != (Rate{}) || s.Max != (Rate{}) {
				t.Fatalf("dead key %s carries traffic at %v: %+v", key, s.T, s)
			}
		}
	}
	for _, key := range keysOf(tr, TrafficHot, 10) {
		p := tr.Profile(key)
		ph := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC).Add(time.Duration(p.PeakHour * float64(time.Hour)))
		m := tr.Mean(key, 10*gbit, ph.Add(-time.Hour), ph.Add(time.Hour))
		if m.In < 0.9*10*gbit {
			t.Errorf("hot key %s: %.2f Gbit/s around its peak, want >= 90%% of 10G", key, m.In/gbit)
		}
	}
}

func TestTrafficBoundsAndBursts(t *testing.T) {
	tr := Traffic{Seed: 4}
	from := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(30 * 24 * time.Hour)
	bursts := 0
	for _, key := range keysOf(tr, TrafficNormal, 8) {
		p := tr.Profile(key)
		for _, s := range tr.Window(key, gbit, from, to, 5*time.Minute) {
			for _, v := range []float64{s.Mean.In, s.Mean.Out, s.Max.In, s.Max.Out} {
				if v < 0 || v > gbit {
					t.Fatalf("%s: rate %v outside 0..capacity", key, v)
				}
			}
			if tr.IsBurst(key, s.T) {
				bursts++
				hi := s.Mean.In
				if s.Mean.Out > hi {
					hi = s.Mean.Out
				}
				if hi < 0.9*gbit {
					t.Fatalf("%s burst at %v only reaches %.0f%%", key, s.T, 100*hi/gbit)
				}
				// one sample: the neighbouring intervals are (almost always) not bursts
				if tr.IsBurst(key, s.T.Add(5*time.Minute)) && tr.IsBurst(key, s.T.Add(-5*time.Minute)) {
					t.Fatalf("%s: burst longer than one interval at %v", key, s.T)
				}
			}
			_ = p
		}
	}
	// 8 keys x 8640 intervals x 1/288: about 240 expected.
	if bursts < 100 || bursts > 400 {
		t.Fatalf("%d bursts in 30 days over 8 keys, want about 240", bursts)
	}
}

func TestTrafficWindowAgreesWithAt(t *testing.T) {
	tr := Traffic{Seed: 9}
	key := keysOf(tr, TrafficNormal, 1)[0]
	from := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	w := tr.Window(key, gbit, from, from.Add(10*time.Minute), time.Minute)
	if len(w) != 10 {
		t.Fatalf("got %d samples, want 10", len(w))
	}
	for i, s := range w {
		if at := tr.At(key, gbit, s.T); at != s.Mean || at != s.Max {
			t.Fatalf("sample %d: window %+v, At %+v", i, s.Mean, at)
		}
	}
	// A 5-minute sample is the mean of its minutes; its max is their max.
	five := tr.Window(key, gbit, from, from.Add(5*time.Minute), 5*time.Minute)[0]
	var sum, max float64
	for _, s := range w[:5] {
		sum += s.Mean.In
		if s.Mean.In > max {
			max = s.Mean.In
		}
	}
	if d := five.Mean.In - sum/5; d > 1e-6 || d < -1e-6 || five.Max.In != max {
		t.Fatalf("5m aggregate %+v does not match its minutes (mean %.1f max %.1f)", five, sum/5, max)
	}
	if tr.Window(key, gbit, from, from, time.Minute) != nil || tr.Window(key, gbit, from, from.Add(time.Hour), 0) != nil {
		t.Fatal("empty or invalid window should be nil")
	}
}

func BenchmarkTraffic30dAt5m(b *testing.B) {
	tr := Traffic{Seed: 1}
	from := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		tr.Window("xe-0/0/1", gbit, from, from.Add(30*24*time.Hour), 5*time.Minute)
	}
}
