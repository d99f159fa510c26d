package sim

import (
	"math/rand/v2"
	"time"
)

// Hash derives a stable 64-bit value from a seed and a key made of parts.
// It is the root of every per-entity random stream: the same (seed, key)
// always gives the same value, and different keys are independent, so
// adding an entity never reshuffles the others.
func Hash(seed int64, parts ...string) uint64 {
	// FNV-1a over the parts (with a separator so "a","bc" != "ab","c"),
	// then a splitmix64 finaliser to spread the bits.
	h := uint64(14695981039346656037) ^ uint64(seed)*0x9E3779B97F4A7C15
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h ^= uint64(p[i])
			h *= 1099511628211
		}
		h ^= 0xff
		h *= 1099511628211
	}
	return mix64(h)
}

// mix64 is the splitmix64 finaliser: a cheap, well-distributed bijection.
func mix64(z uint64) uint64 {
	z += 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// NewRand returns a deterministic random stream for (seed, key).
func NewRand(seed int64, parts ...string) *rand.Rand {
	h := Hash(seed, parts...)
	return rand.New(rand.NewPCG(h, mix64(h^0x5851F42D4C957F2D)))
}

// Chance reports true with probability p.
func Chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// Between returns a duration uniformly in [min, max] (min when max <= min).
func Between(r *rand.Rand, min, max time.Duration) time.Duration {
	if max <= min {
		return min
	}
	return min + time.Duration(r.Int64N(int64(max-min)+1))
}

// IntBetween returns an int uniformly in [min, max].
func IntBetween(r *rand.Rand, min, max int) int {
	if max <= min {
		return min
	}
	return min + r.IntN(max-min+1)
}

// Pick returns a uniformly chosen element of xs (the zero value if empty).
func Pick[T any](r *rand.Rand, xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	return xs[r.IntN(len(xs))]
}

// Weighted returns an index chosen with probability proportional to
// weights[i]. Non-positive weights are never chosen; -1 if none is positive.
func Weighted(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		if w > 0 {
			total += w
		}
	}
	if total <= 0 {
		return -1
	}
	x := r.Float64() * total
	last := -1
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		last = i
		if x < w {
			return i
		}
		x -= w
	}
	return last
}

// UUID returns a random (version 4 layout) UUID drawn from r, so simulated
// identifiers are as deterministic as everything else.
func UUID(r *rand.Rand) string { return FormatUUID(UUIDWords(r)) }

// UUIDWords draws a UUID as UUID does, as two words, for simulators that
// keep many identifiers and format them when serving (FormatUUID).
func UUIDWords(r *rand.Rand) (a, b uint64) {
	a, b = r.Uint64(), r.Uint64()
	a = (a &^ (0xf << 12)) | (4 << 12)   // version 4
	b = (b &^ (0x3 << 62)) | (0x2 << 62) // RFC 4122 variant
	return a, b
}

// FormatUUID is the text of the UUID UUIDWords drew.
func FormatUUID(a, b uint64) string {
	// Hex by hand: simulators regenerate objects when serving them, and
	// fmt made identifiers a good part of that cost.
	const hex = "0123456789abcdef"
	var u [36]byte
	put := func(at int, v uint64, digits int) {
		for i := digits - 1; i >= 0; i-- {
			u[at+i] = hex[v&0xf]
			v >>= 4
		}
	}
	put(0, a>>32, 8)
	u[8] = '-'
	put(9, (a>>16)&0xffff, 4)
	u[13] = '-'
	put(14, a&0xffff, 4)
	u[18] = '-'
	put(19, b>>48, 4)
	u[23] = '-'
	put(24, b&0xffffffffffff, 12)
	return string(u[:])
}
