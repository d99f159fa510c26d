package main

import "testing"

// The flatness check on synthetic runs: in-flight spikes at the end pass,
// a heap that keeps growing fails (so the quartile does not hide a leak).
func TestHeapFlatnessCheck(t *testing.T) {
	const mb = 1 << 20
	run := func(f func(i int) uint64) *heapSampler {
		h := &heapSampler{}
		for i := range 40 {
			h.samples = append(h.samples, heapSample{heap: f(i)})
		}
		return h
	}
	tests := []struct {
		name string
		heap func(i int) uint64
		ok   bool
	}{
		{"flat", func(int) uint64 { return 50 * mb }, true},
		{"flat with late spikes", func(i int) uint64 {
			if i >= 34 && i%2 == 0 {
				return 100 * mb // listings in flight
			}
			return 50 * mb
		}, true},
		{"the failed CI run's shape", func(i int) uint64 {
			late := []uint64{81, 101, 77, 69, 57, 56, 55, 56}
			if i >= 32 {
				return late[i-32] * mb
			}
			return 50 * mb
		}, true},
		{"leak of 1 MiB per sample", func(i int) uint64 { return uint64(40+i) * mb }, false},
		{"leak after warm-up only", func(i int) uint64 {
			if i < 20 {
				return 50 * mb
			}
			return uint64(50+2*(i-20)) * mb
		}, false},
	}
	for _, tt := range tests {
		err := run(tt.heap).check()
		if (err == nil) != tt.ok {
			t.Errorf("%s: check() = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}
