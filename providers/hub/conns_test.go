package hub

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func ids(cs []model.Connection) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// Rows are normalised in the hub: provider name set (a wrong one replaced),
// kind filled, fingerprint computed by model's one function (a value the
// provider sent is not trusted).
func TestConnectionsNormalised(t *testing.T) {
	f := newFake("fab", 0)
	bogus := conn("x", model.StateActive)
	bogus.Provider, bogus.FingerprintKey = "someone-else", 42
	f.conns = []model.Connection{bogus, conn("y", model.StatePending)}
	h := newHub(t, Options{}, f.source())
	feed := h.connFeed(t, "fab")
	defer feed.Want()()
	h.settle(t)
	for _, c := range feed.Snapshot().Data {
		if c.Provider != "fab" || c.ProviderKind != "fake" || c.FingerprintKey != c.Fingerprint() || c.FingerprintKey == 0 {
			t.Errorf("%s: provider %q kind %q fingerprint %d (want %d)", c.ID, c.Provider, c.ProviderKind, c.FingerprintKey, c.Fingerprint())
		}
	}
}

// A refresh that brings back the same rows does not change the version
// (readers rebuild nothing); a changed row does.
func TestUnchangedListingKeepsVersion(t *testing.T) {
	f := newFake("p", 3)
	h := newHub(t, Options{Interval: time.Minute}, f.source())
	sub := h.Subscribe()
	defer sub.Close()
	feed := h.connFeed(t, "p")
	defer feed.Want()()
	h.settle(t)
	first := feed.Snapshot()
	drain(sub)
	h.advance(t, time.Minute)
	s := feed.Snapshot()
	if s.Version != 1 || s.Loads != 2 || &s.Data[0] != &first.Data[0] || !s.FetchedAt.After(first.FetchedAt) {
		t.Fatalf("unchanged refresh: version %d loads %d, same slice %v", s.Version, s.Loads, &s.Data[0] == &first.Data[0])
	}
	if ch := drain(sub)[feed.Key()]; ch.DataChanged {
		t.Error("unchanged refresh published DataChanged")
	}
	f.set(func(f *fakeSrc) { f.conns[1].State = model.StateFailed })
	h.advance(t, time.Minute)
	if s := feed.Snapshot(); s.Version != 2 || s.Data[1].State != model.StateFailed {
		t.Fatalf("changed refresh: version %d state %s", s.Version, s.Data[1].State)
	}
	if ch := drain(sub)[feed.Key()]; !ch.DataChanged || ch.Version != 2 {
		t.Errorf("change = %+v", ch)
	}
	if first.Data[1].State != model.StateActive {
		t.Error("an old snapshot was modified")
	}
}

// Duplicate rows of a full listing (paging over a shifting list) are kept
// once, the last one sent, at the first one's place.
func TestDuplicateRowsKeptOnce(t *testing.T) {
	f := newFake("p", 0)
	late := conn("a", model.StateFailed)
	f.conns = []model.Connection{conn("a", model.StateActive), conn("b", model.StateActive), late, conn("c", model.StateActive)}
	h := newHub(t, Options{}, f.source())
	feed := h.connFeed(t, "p")
	defer feed.Want()()
	h.settle(t)
	s := feed.Snapshot()
	if got := ids(s.Data); !slices.Equal(got, []string{"a", "b", "c"}) || s.Data[0].State != model.StateFailed {
		t.Fatalf("rows %v, first state %s", got, s.Data[0].State)
	}
	if p, _ := h.Summary().Provider("p"); p.Connections != 3 {
		t.Errorf("counted %d", p.Connections)
	}
}

// Incremental refresh: a full listing first, then changes since the last
// refresh's start minus the overlap, merged by id (changed rows replaced in
// place, new ones appended, old snapshots untouched); a full resync every
// FullResync catches deletions.
func TestIncrementalRefresh(t *testing.T) {
	f := newFake("p", 3)
	opts := Options{Interval: time.Minute, FullResync: 5 * time.Minute, ChangeOverlap: 10 * time.Second}
	h := newHub(t, opts, f.incremental())
	feed := h.connFeed(t, "p")
	defer feed.Want()()
	h.settle(t)
	first := feed.Snapshot()
	if f.count("list") != 1 || f.count("changes") != 0 || first.Incremental {
		t.Fatalf("first load must be full: list %d changes %d", f.count("list"), f.count("changes"))
	}
	if !first.NextFullAt.Equal(t0.Add(5 * time.Minute)) {
		t.Errorf("NextFullAt = %s", first.NextFullAt)
	}

	// Cycle 2: c1 changed, c9 new.
	c1 := conn("c1", model.StateDeprovisioning)
	f.set(func(f *fakeSrc) { f.changed = []model.Connection{c1, waiting("c9")} })
	h.advance(t, time.Minute)
	s := feed.Snapshot()
	if f.count("list") != 1 || f.count("changes") != 1 || !s.Incremental {
		t.Fatalf("second cycle: list %d changes %d", f.count("list"), f.count("changes"))
	}
	if got := ids(s.Data); !slices.Equal(got, []string{"c0", "c1", "c2", "c9"}) || s.Data[1].State != model.StateDeprovisioning || s.Version != 2 {
		t.Fatalf("merged %v (c1 %s) version %d", got, s.Data[1].State, s.Version)
	}
	if s.Data[3].Provider != "p" || s.Data[3].FingerprintKey != s.Data[3].Fingerprint() {
		t.Error("changes not normalised")
	}
	if first.Data[1].State != model.StateActive || len(first.Data) != 3 {
		t.Error("merge modified the previous snapshot")
	}
	if p, _ := h.Summary().Provider("p"); p.Connections != 4 || p.WaitingOnUs != 1 {
		t.Errorf("summary after merge: %+v", p)
	}

	// Cycle 3: the same changes again (the overlap): nothing changed.
	h.advance(t, time.Minute)
	if s := feed.Snapshot(); s.Version != 2 || f.count("changes") != 2 {
		t.Fatalf("repeat changes: version %d", s.Version)
	}
	f.mu.Lock()
	sinces := slices.Clone(f.sinces)
	f.mu.Unlock()
	// Each asks from the previous fetch's start, minus the overlap.
	wantSince := []time.Time{t0.Add(-10 * time.Second), t0.Add(time.Minute - 10*time.Second)}
	if !slices.EqualFunc(sinces, wantSince, time.Time.Equal) {
		t.Errorf("since = %v, want %v", sinces, wantSince)
	}

	// c0 was deleted: the change listing cannot say so; the full resync
	// (due 5 minutes after the first full listing) removes it.
	f.set(func(f *fakeSrc) {
		f.conns = []model.Connection{c1, conn("c2", model.StateActive), waiting("c9")}
		f.changed = nil
	})
	h.advance(t, 2*time.Minute) // cycles 4, 5: incremental
	if f.count("list") != 1 || len(feed.Snapshot().Data) != 4 {
		t.Fatalf("resync too early: list %d", f.count("list"))
	}
	h.advance(t, time.Minute) // cycle 6, at 5m: full
	s = feed.Snapshot()
	if f.count("list") != 2 || s.Incremental || !slices.Equal(ids(s.Data), []string{"c1", "c2", "c9"}) {
		t.Fatalf("full resync: list %d rows %v", f.count("list"), ids(s.Data))
	}
	if !s.NextFullAt.Equal(t0.Add(10 * time.Minute)) {
		t.Errorf("NextFullAt after resync = %s", s.NextFullAt)
	}
}

// A failed or partial change listing does not advance "since": nothing in
// between is skipped.
func TestIncrementalSinceHeldOnFailure(t *testing.T) {
	f := newFake("p", 2)
	h := newHub(t, Options{Interval: time.Minute, ChangeOverlap: time.Second, MinRetry: time.Minute}, f.incremental())
	feed := h.connFeed(t, "p")
	defer feed.Want()()
	h.settle(t)
	f.set(func(f *fakeSrc) { f.changesErr = errors.New("boom") })
	h.advance(t, time.Minute)
	f.set(func(f *fakeSrc) {
		f.changesErr = &partialErr{got: 1}
		f.changed = []model.Connection{conn("c5", model.StateActive)}
	})
	h.advance(t, time.Minute)
	if s := feed.Snapshot(); len(s.Data) != 3 || s.Warning == nil || s.Err != nil {
		t.Fatalf("partial changes: %d rows, %+v", len(s.Data), s.Status)
	}
	f.set(func(f *fakeSrc) { f.changesErr = nil })
	h.advance(t, time.Minute)
	f.mu.Lock()
	sinces := slices.Clone(f.sinces)
	f.mu.Unlock()
	from := t0.Add(-time.Second)
	for i, s := range sinces {
		if !s.Equal(from) {
			t.Errorf("changes %d asked since %s, want %s (held at the last complete refresh)", i+1, s, from)
		}
	}
	if len(sinces) != 3 {
		t.Fatalf("%d change listings, want 3", len(sinces))
	}
	if s := feed.Snapshot(); s.Warning != nil {
		t.Error("warning kept after a complete refresh")
	}
}

// Partial data (model.IsPartial) is kept and shown with a warning; a full
// listing cut short merges into what was there instead of deleting; data
// returned with any other error is discarded (old data stays, stale).
func TestPartialData(t *testing.T) {
	f := newFake("p", 0)
	f.conns = []model.Connection{conn("a", model.StateActive), conn("b", model.StateActive)}
	f.listErr = &partialErr{got: 2}
	h := newHub(t, Options{Interval: time.Minute}, f.source())
	feed := h.connFeed(t, "p")
	defer feed.Want()()
	h.settle(t)
	s := feed.Snapshot()
	if !s.HasData || len(s.Data) != 2 || s.Err != nil || s.Warning == nil || s.Stale() {
		t.Fatalf("partial first load: %+v", s.Status)
	}
	if p, _ := h.Summary().Provider("p"); p.Health != model.HealthIncomplete || p.Warning == nil {
		t.Errorf("summary = %+v", p)
	}
	// Truncated again, and a only: b must not vanish.
	f.set(func(f *fakeSrc) {
		f.conns = []model.Connection{conn("a", model.StateFailed), conn("c", model.StateActive)}
	})
	h.advance(t, time.Minute)
	if s := feed.Snapshot(); !slices.Equal(ids(s.Data), []string{"a", "b", "c"}) || s.Data[0].State != model.StateFailed {
		t.Fatalf("truncated listing merged: %v", ids(s.Data))
	}
	// Complete: now b's absence is the provider's word.
	f.set(func(f *fakeSrc) { f.listErr = nil })
	h.advance(t, time.Minute)
	if s := feed.Snapshot(); !slices.Equal(ids(s.Data), []string{"a", "c"}) || s.Warning != nil {
		t.Fatalf("complete listing: %v warning %v", ids(s.Data), s.Warning)
	}
	// A real error with data: data discarded, old kept.
	f.set(func(f *fakeSrc) {
		f.conns = []model.Connection{conn("zzz", model.StateActive)}
		f.listErr = fmt.Errorf("decode: %w", model.ErrBadResponse)
	})
	h.advance(t, time.Minute)
	if s := feed.Snapshot(); !slices.Equal(ids(s.Data), []string{"a", "c"}) || !s.Stale() {
		t.Fatalf("error with data: %v stale %v", ids(s.Data), s.Stale())
	}
}

// IsPartial looks through wrapping, and only a true Partial counts.
func TestIsPartial(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("x"), false},
		{&partialErr{}, true},
		{fmt.Errorf("wrapped: %w", &partialErr{}), true},
		{notPartial{}, false},
	}
	for _, tt := range tests {
		if got := model.IsPartial(tt.err); got != tt.want {
			t.Errorf("IsPartial(%v) = %v", tt.err, got)
		}
	}
}

type notPartial struct{}

func (notPartial) Error() string { return "complete" }
func (notPartial) Partial() bool { return false }

func TestWaitingOnUs(t *testing.T) {
	w, theirs := waiting("a"), waiting("b")
	theirs.Pending.WaitingOnUs = false
	plain := conn("c", model.StateActive)
	for _, tt := range []struct {
		c    *model.Connection
		want bool
	}{{&w, true}, {&theirs, false}, {&plain, false}, {nil, false}} {
		if got := model.WaitingOnUs(tt.c); got != tt.want {
			t.Errorf("WaitingOnUs(%v) = %v", tt.c, got)
		}
	}
}

// The provider's clock is not ours: a server 13 days behind stamps every
// change before the hub's own time, so asking for changes since the
// hub's last fetch would miss them all. The change listing starts at the
// newest update time the data carries (minus the overlap), and moves
// forward only with the changes it lists.
func TestIncrementalSinceIsTheProvidersClock(t *testing.T) {
	behind := t0.Add(-13 * 24 * time.Hour)
	stamped := func(c model.Connection, at time.Time) model.Connection { c.Updated = at; return c }
	f := newFake("p", 0)
	f.set(func(f *fakeSrc) {
		f.conns = []model.Connection{stamped(conn("c0", model.StateActive), behind), stamped(conn("c1", model.StateProvisioning), behind.Add(-time.Hour))}
	})
	opts := Options{Interval: time.Minute, FullResync: time.Hour, ChangeOverlap: 10 * time.Second}
	h := newHub(t, opts, f.incremental())
	feed := h.connFeed(t, "p")
	defer feed.Want()()
	h.settle(t)

	// c1 becomes active on the server, stamped by the server's clock.
	f.set(func(f *fakeSrc) {
		f.changed = []model.Connection{stamped(conn("c1", model.StateActive), behind.Add(time.Minute))}
	})
	h.advance(t, time.Minute)
	if s := feed.Snapshot(); !s.Incremental || s.Data[1].State != model.StateActive {
		t.Fatalf("the change was missed: incremental %v, c1 %s", s.Incremental, s.Data[1].State)
	}
	// Nothing newer: the mark stays at the newest change seen.
	f.set(func(f *fakeSrc) { f.changed = nil })
	h.advance(t, time.Minute)
	f.mu.Lock()
	sinces := slices.Clone(f.sinces)
	f.mu.Unlock()
	want := []time.Time{behind.Add(-10 * time.Second), behind.Add(time.Minute - 10*time.Second)}
	if !slices.EqualFunc(sinces, want, time.Time.Equal) {
		t.Errorf("since = %v, want %v", sinces, want)
	}
}
