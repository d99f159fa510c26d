package sim

import "testing"

func TestVLANPool(t *testing.T) {
	p := NewVLANPool(10, 14)
	if v, ok := p.TakeNear(12); !ok || v != 12 {
		t.Fatalf("TakeNear(12) = %d, %v", v, ok)
	}
	if v, ok := p.TakeNear(12); !ok || v != 13 {
		t.Fatalf("second TakeNear(12) = %d, %v; want the next free tag 13", v, ok)
	}
	if v, _ := p.TakeNear(14); v != 14 {
		t.Fatalf("TakeNear(14) = %d", v)
	}
	if v, _ := p.TakeNear(14); v != 10 {
		t.Fatalf("TakeNear(14) on a taken tag should wrap to 10, got %d", v)
	}
	if v, _ := p.TakeLowest(); v != 11 {
		t.Fatalf("TakeLowest = %d, want 11", v)
	}
	if _, ok := p.TakeLowest(); ok || p.Free() != 0 {
		t.Fatal("pool should be full")
	}
	p.Release(12)
	if p.InUse(12) || p.Free() != 1 {
		t.Fatal("Release did not free 12")
	}
	if p.Reserve(9) || p.Reserve(15) {
		t.Fatal("Reserve accepted a tag out of range")
	}
	if !p.Reserve(12) || p.Reserve(12) {
		t.Fatal("Reserve of a free tag must succeed exactly once")
	}
}

func TestVLANPoolRangeAndRandom(t *testing.T) {
	r := NewRand(3, "vlan")
	p := NewVLANPool(MinVLAN, MaxVLAN)
	lo, hi, ok := p.TakeRange(r, 100)
	if !ok || hi-lo != 99 {
		t.Fatalf("TakeRange = %d..%d %v", lo, hi, ok)
	}
	for v := lo; v <= hi; v++ {
		if !p.InUse(v) {
			t.Fatalf("tag %d of the range is free", v)
		}
	}
	seen := map[int]bool{}
	for i := 0; i < 500; i++ {
		v, ok := p.Take(r)
		if !ok || v < MinVLAN || v > MaxVLAN || seen[v] || (v >= lo && v <= hi) {
			t.Fatalf("Take returned %d (%v), duplicate or in the taken range", v, ok)
		}
		seen[v] = true
	}
	if p.Used() != 600 {
		t.Fatalf("Used = %d, want 600", p.Used())
	}
	if _, _, ok := NewVLANPool(1, 5).TakeRange(r, 6); ok {
		t.Fatal("TakeRange larger than the pool succeeded")
	}
}

func TestTakeRangeIsRangeStartThenTakeRangeAt(t *testing.T) {
	a, b := NewVLANPool(MinVLAN, MaxVLAN), NewVLANPool(MinVLAN, MaxVLAN)
	ra, rb := NewRand(7, "range"), NewRand(7, "range")
	for i := 0; i < 200; i++ {
		n := 4 + i%17
		lo, hi, ok := a.TakeRange(ra, n)
		lo2, hi2, ok2 := b.TakeRangeAt(b.RangeStart(rb), n)
		if lo != lo2 || hi != hi2 || ok != ok2 {
			t.Fatalf("take %d: TakeRange = %d-%d %v, RangeStart+TakeRangeAt = %d-%d %v", i, lo, hi, ok, lo2, hi2, ok2)
		}
	}
	if ra.Uint64() != rb.Uint64() {
		t.Fatal("the two ways consumed different random numbers")
	}
}

// The pool keeps its first tags inline and switches to a bitmap when it
// grows: across that switch (and back down) it must behave like a set.
func TestVLANPoolAgainstASet(t *testing.T) {
	r := NewRand(3, "pool-ops")
	for round := 0; round < 50; round++ {
		lo, hi := 2+r.IntN(50), 4000+r.IntN(94)
		if round%5 == 0 {
			hi = lo + 12 // a small pool that fills up
		}
		p := NewVLANPool(lo, hi)
		set := map[int]bool{}
		for op := 0; op < 400; op++ {
			v := lo + r.IntN(hi-lo+1)
			switch r.IntN(5) {
			case 0, 1:
				got, ok := p.TakeNear(v)
				if ok == (len(set) == hi-lo+1) || (ok && set[got]) {
					t.Fatalf("round %d op %d: TakeNear(%d) = %d, %v with %d of %d taken", round, op, v, got, ok, len(set), hi-lo+1)
				}
				if ok {
					set[got] = true
				}
			case 2:
				if got, ok := p.TakeLowest(); ok {
					for w := lo; w < got; w++ {
						if !set[w] {
							t.Fatalf("round %d: TakeLowest = %d but %d was free", round, got, w)
						}
					}
					set[got] = true
				}
			default:
				p.Release(v)
				delete(set, v)
			}
			if p.Used() != len(set) || p.Free() != hi-lo+1-len(set) {
				t.Fatalf("round %d op %d: used %d free %d, the set has %d", round, op, p.Used(), p.Free(), len(set))
			}
			for w := lo - 1; w <= hi+1; w += 1 + r.IntN(40) {
				if p.InUse(w) != set[w] {
					t.Fatalf("round %d op %d: InUse(%d) = %v", round, op, w, p.InUse(w))
				}
			}
		}
	}
}
