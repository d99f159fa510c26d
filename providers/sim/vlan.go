package sim

import (
	"math/bits"
	"math/rand/v2"
)

// VLAN limits shared by the simulators (802.1Q: 0 and 4095 are reserved;
// Fabric allows 2..4092 on its link protocols).
const (
	MinVLAN = 2
	MaxVLAN = 4092
)

// VLANPool hands out VLAN tags on one port (or one S-tag) without
// duplicates. It is not safe for concurrent use: it belongs to the state a
// simulator guards with its Engine. Most pools hold a handful of tags (one
// per circuit on a connection), so the first few are kept inline and a
// bitmap of all 4096 is allocated only when more are taken: a world with a
// pool per connection stays small.
type VLANPool struct {
	min, max int
	n        int
	small    [smallPool]uint16 // the tags in use while n <= smallPool and bits is nil
	bits     *[64]uint64       // bit v set = tag v in use, once the pool outgrew small
}

const smallPool = 6

// NewVLANPool returns a pool of the tags min..max (clamped to 1..4094).
func NewVLANPool(min, max int) *VLANPool {
	if min < 1 {
		min = 1
	}
	if max > 4094 {
		max = 4094
	}
	return &VLANPool{min: min, max: max}
}

// InUse reports whether v is taken.
func (p *VLANPool) InUse(v int) bool {
	if v < 0 || v > 4095 {
		return false
	}
	if p.bits != nil {
		return p.bits[v/64]&(1<<(v%64)) != 0
	}
	for _, t := range p.small[:p.n] {
		if int(t) == v {
			return true
		}
	}
	return false
}

// Reserve takes v if it is in range and free.
func (p *VLANPool) Reserve(v int) bool {
	if v < p.min || v > p.max || p.InUse(v) {
		return false
	}
	if p.bits == nil && p.n == smallPool {
		p.bits = new([64]uint64)
		for _, t := range p.small {
			p.bits[t/64] |= 1 << (t % 64)
		}
	}
	if p.bits != nil {
		p.bits[v/64] |= 1 << (v % 64)
	} else {
		p.small[p.n] = uint16(v)
	}
	p.n++
	return true
}

// Release frees v (no-op if it was free).
func (p *VLANPool) Release(v int) {
	if !p.InUse(v) {
		return
	}
	p.n--
	if p.bits != nil {
		p.bits[v/64] &^= 1 << (v % 64)
		return
	}
	for i, t := range p.small[:p.n+1] {
		if int(t) == v {
			p.small[i] = p.small[p.n]
			break
		}
	}
}

// Free returns how many tags are left.
func (p *VLANPool) Free() int { return p.max - p.min + 1 - p.n }

// Used returns how many tags are taken.
func (p *VLANPool) Used() int { return p.n }

// Take reserves a free tag chosen by r: a random preferred tag, or the next
// free one above it (wrapping). ok is false when the pool is full.
func (p *VLANPool) Take(r *rand.Rand) (v int, ok bool) {
	return p.TakeNear(IntBetween(r, p.min, p.max))
}

// TakeNear reserves want if free, otherwise the next free tag above it
// (wrapping). Deterministic generators use it with a hash-derived want, so
// one entity's tag does not depend on how many random numbers others drew.
func (p *VLANPool) TakeNear(want int) (v int, ok bool) {
	if p.Free() <= 0 {
		return 0, false
	}
	if want < p.min || want > p.max {
		want = p.min
	}
	for i := 0; i <= p.max-p.min; i++ {
		v = want + i
		if v > p.max {
			v -= p.max - p.min + 1
		}
		if p.Reserve(v) {
			return v, true
		}
	}
	return 0, false
}

// TakeLowest reserves the lowest free tag.
func (p *VLANPool) TakeLowest() (int, bool) {
	if p.bits == nil {
		for v := p.min; v <= p.max; v++ {
			if p.Reserve(v) {
				return v, true
			}
		}
		return 0, false
	}
	for w := p.min / 64; w <= p.max/64; w++ {
		free := ^p.bits[w]
		for free != 0 {
			v := w*64 + bits.TrailingZeros64(free)
			if v >= p.min && v <= p.max {
				p.Reserve(v)
				return v, true
			}
			free &= free - 1
		}
	}
	return 0, false
}

// TakeRange reserves n consecutive free tags starting near a tag chosen by
// r, returning the first and last. ok is false if no such run exists.
func (p *VLANPool) TakeRange(r *rand.Rand, n int) (lo, hi int, ok bool) {
	if n <= 0 || n > p.max-p.min+1 {
		return 0, 0, false
	}
	return p.TakeRangeAt(p.RangeStart(r), n)
}

// RangeStart draws the tag a TakeRange starts looking from. A generator that
// replays a recorded TakeRange outcome calls it to consume the same random
// numbers.
func (p *VLANPool) RangeStart(r *rand.Rand) int { return IntBetween(r, p.min, p.max) }

// TakeRangeAt is TakeRange looking from start.
func (p *VLANPool) TakeRangeAt(start, n int) (lo, hi int, ok bool) {
	if n <= 0 || n > p.max-p.min+1 {
		return 0, 0, false
	}
	span := p.max - p.min + 1
	if start < p.min || start > p.max {
		start = p.min
	}
	for i := 0; i < span; i++ {
		lo = p.min + (start-p.min+i)%span
		hi = lo + n - 1
		if hi > p.max {
			continue
		}
		free := true
		for v := lo; v <= hi; v++ {
			if p.InUse(v) {
				free = false
				break
			}
		}
		if free {
			for v := lo; v <= hi; v++ {
				p.Reserve(v)
			}
			return lo, hi, true
		}
	}
	return 0, 0, false
}
