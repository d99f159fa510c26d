package sim

import (
	"math"
	"time"
)

// Traffic generates port and connection traffic as a pure function of
// (seed, key, capacity, time): nothing is stored, any window can be
// produced lazily and asking twice gives the same numbers.
//
// The finest grain is one sample per TrafficResolution (1 minute). Each key
// gets a profile: most are Normal (a daily cycle around a base utilisation
// with slow wander and per-minute noise, quieter at weekends), a few are
// Hot (saturated around their daily peak) and a few are Dead (always zero).
// Any non-dead key has rare bursts: one BurstLength interval (aligned, so
// one 5-minute sample) near line rate in one direction.
type Traffic struct {
	Seed int64
}

// Tunables of the traffic model.
const (
	TrafficResolution = time.Minute
	BurstLength       = 5 * time.Minute
	// BurstChance is the probability that a given 5-minute interval of a
	// non-dead key is a burst: about one per day per key.
	BurstChance = 1.0 / 288
	HotShare    = 0.04 // share of keys that are saturated
	DeadShare   = 0.04 // share of keys that carry nothing
)

// TrafficClass says how a key behaves.
type TrafficClass int

const (
	TrafficNormal TrafficClass = iota
	TrafficHot
	TrafficDead
)

func (c TrafficClass) String() string {
	switch c {
	case TrafficHot:
		return "hot"
	case TrafficDead:
		return "dead"
	default:
		return "normal"
	}
}

// TrafficProfile is the fixed personality of one key.
type TrafficProfile struct {
	Class    TrafficClass
	Base     float64 // mean utilisation of "in" (fraction of capacity) before the daily cycle
	Swing    float64 // daily cycle amplitude as a fraction of Base
	PeakHour float64 // UTC hour of the daily peak
	OutRatio float64 // out/in ratio
	Noise    float64 // per-minute noise amplitude (fraction)
}

// Rate is a traffic rate in bits per second.
type Rate struct {
	In, Out float64
}

// RateSample is one sample of a window: the mean and the highest minute in
// [T, T+step).
type RateSample struct {
	T    time.Time
	Mean Rate
	Max  Rate
}

// Profile returns the profile of key.
func (tr Traffic) Profile(key string) TrafficProfile {
	h := Hash(tr.Seed, "traffic", key)
	u := func(i uint64) float64 { return unit(mix64(h + i*0x9E3779B97F4A7C15)) }
	p := TrafficProfile{
		PeakHour: 12 + 10*u(3),
		OutRatio: 0.35 + 1.2*u(4),
		Noise:    0.04 + 0.08*u(5),
	}
	switch c := u(0); {
	case c < DeadShare:
		p.Class = TrafficDead
	case c < DeadShare+HotShare:
		p.Class = TrafficHot
		p.Base = 0.93 + 0.06*u(1)
		p.Swing = 0.05
		p.OutRatio = 0.9 + 0.1*u(4) // saturated both ways
	default:
		p.Class = TrafficNormal
		p.Base = 0.04 + 0.5*math.Pow(u(1), 1.6)
		p.Swing = 0.25 + 0.45*u(2)
	}
	return p
}

// At returns the rate of the 1-minute sample containing t.
func (tr Traffic) At(key string, capacity float64, t time.Time) Rate {
	p := tr.Profile(key)
	return tr.minute(Hash(tr.Seed, "traffic-noise", key), p, capacity, minuteOf(t))
}

// Window returns samples every step from `from` (inclusive) to `to`
// (exclusive); each holds the mean and max of the minute samples it covers.
// A step below one minute samples the containing minute.
func (tr Traffic) Window(key string, capacity float64, from, to time.Time, step time.Duration) []RateSample {
	if step <= 0 || !to.After(from) {
		return nil
	}
	p := tr.Profile(key)
	kh := Hash(tr.Seed, "traffic-noise", key)
	n := int((to.Sub(from) + step - 1) / step)
	out := make([]RateSample, n)
	for i := range out {
		t0 := from.Add(time.Duration(i) * step)
		t1 := t0.Add(step)
		m0, m1 := minuteOf(t0), minuteOf(t1.Add(-time.Nanosecond))
		var sum, max Rate
		for m := m0; m <= m1; m++ {
			r := tr.minute(kh, p, capacity, m)
			sum.In += r.In
			sum.Out += r.Out
			max.In = math.Max(max.In, r.In)
			max.Out = math.Max(max.Out, r.Out)
		}
		k := float64(m1 - m0 + 1)
		out[i] = RateSample{T: t0, Mean: Rate{sum.In / k, sum.Out / k}, Max: max}
	}
	return out
}

// Mean returns the mean rate over [from, to).
func (tr Traffic) Mean(key string, capacity float64, from, to time.Time) Rate {
	w := tr.Window(key, capacity, from, to, to.Sub(from))
	if len(w) == 0 {
		return Rate{}
	}
	return w[0].Mean
}

// IsBurst reports whether the 5-minute interval containing t is a burst for
// key (always false for dead keys).
func (tr Traffic) IsBurst(key string, t time.Time) bool {
	if tr.Profile(key).Class == TrafficDead {
		return false
	}
	_, _, ok := tr.burst(Hash(tr.Seed, "traffic-noise", key), minuteOf(t))
	return ok
}

func minuteOf(t time.Time) int64 {
	ns, res := t.UnixNano(), int64(TrafficResolution)
	m := ns / res
	if ns < 0 && ns%res != 0 {
		m-- // floor, not truncation
	}
	return m
}

// burst decides whether minute m lies in a burst interval and, if so,
// which direction bursts (0 in, 1 out) and how hard.
func (tr Traffic) burst(kh uint64, m int64) (level float64, out, ok bool) {
	per := int64(BurstLength / TrafficResolution)
	b := m / per
	if m < 0 && m%per != 0 {
		b--
	}
	h := mix64(kh ^ uint64(b)*0xD6E8FEB86659FD93 ^ 0xB0)
	if unit(h) >= BurstChance {
		return 0, false, false
	}
	h2 := mix64(h)
	return 0.9 + 0.1*unit(h2), h2&1 == 1, true
}

func (tr Traffic) minute(kh uint64, p TrafficProfile, capacity float64, m int64) Rate {
	if p.Class == TrafficDead || capacity <= 0 {
		return Rate{}
	}
	t := time.Unix(0, m*int64(TrafficResolution)).UTC()
	hour := float64(t.Hour()) + float64(t.Minute())/60
	daily := 1 + p.Swing*math.Cos(2*math.Pi*(hour-p.PeakHour)/24)
	if wd := t.Weekday(); p.Class == TrafficNormal && (wd == time.Saturday || wd == time.Sunday) {
		daily *= 0.8
	}
	// Slow wander: hourly random points, linearly interpolated.
	hr := m / 60
	frac := float64(m-hr*60) / 60
	w0 := 2*unit(mix64(kh^uint64(hr)*0xA0761D6478BD642F)) - 1
	w1 := 2*unit(mix64(kh^uint64(hr+1)*0xA0761D6478BD642F)) - 1
	wander := 0.12 * (w0 + (w1-w0)*frac)
	noise := func(salt uint64) float64 {
		return p.Noise * (2*unit(mix64(kh^uint64(m)*0xE7037ED1A0B428DB^salt)) - 1)
	}
	in := p.Base * daily * (1 + wander) * (1 + noise(1))
	out := p.Base * p.OutRatio * daily * (1 + wander) * (1 + noise(2))
	if lvl, toOut, ok := tr.burst(kh, m); ok {
		if toOut {
			out = lvl
		} else {
			in = lvl
		}
	}
	return Rate{In: clamp01(in) * capacity, Out: clamp01(out) * capacity}
}

func clamp01(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}
