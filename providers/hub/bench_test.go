package hub

import (
	"fmt"
	"testing"

	"github.com/noctop/noctop/model"
)

func bigListing(n int) []model.Connection {
	cs := make([]model.Connection, n)
	for i := range cs {
		cs[i] = conn(fmt.Sprintf("conn-%06d", i), model.StateActive)
		cs[i].A = model.Endpoint{Name: "port", Metro: "AM", VLANs: []int{i % 4000}}
	}
	return cs
}

// A full refresh of 100k rows that brings nothing new: normalise
// (fingerprints), index, compare. This runs in the fetch goroutine.
func BenchmarkFullRefreshUnchanged100k(b *testing.B) {
	r := &connResource{name: "p", kind: "fake"}
	prev := bigListing(100_000)
	r.normalise(prev)
	prev, _ = dedup(prev)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		cs := bigListing(100_000)
		b.StartTimer()
		r.normalise(cs)
		out, _ := dedup(cs)
		if !same(prev, out) {
			b.Fatal("not same")
		}
	}
}

// An incremental refresh of 100k rows with 20 changes: the merge copies
// the slice once (snapshots are immutable).
func BenchmarkIncrementalMerge100k(b *testing.B) {
	r := &connResource{name: "p", kind: "fake"}
	prev := bigListing(100_000)
	r.normalise(prev)
	prev, idx := dedup(prev)
	changes := make([]model.Connection, 20)
	for i := range changes {
		changes[i] = conn(fmt.Sprintf("conn-%06d", i*5000), model.StateFailed)
	}
	r.normalise(changes)
	for b.Loop() {
		if _, _, changed := merge(prev, idx, changes); !changed {
			b.Fatal("no change")
		}
	}
}

// The same 20 rows again (the overlap): nothing is copied.
func BenchmarkIncrementalNoChange100k(b *testing.B) {
	r := &connResource{name: "p", kind: "fake"}
	prev := bigListing(100_000)
	r.normalise(prev)
	prev, idx := dedup(prev)
	changes := append([]model.Connection(nil), prev[:20]...)
	for b.Loop() {
		if _, _, changed := merge(prev, idx, changes); changed {
			b.Fatal("changed")
		}
	}
}
