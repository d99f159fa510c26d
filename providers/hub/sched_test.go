package hub

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// Nothing is fetched and no timer runs until a resource is wanted; reading
// snapshots or the summary starts nothing; releasing stops the timer.
func TestLazyStart(t *testing.T) {
	f := newFake("p", 3)
	h := newHub(t, Options{Interval: time.Minute}, f.source())
	feed := h.connFeed(t, "p")
	_ = feed.Snapshot()
	_ = h.Summary()
	h.advance(t, time.Hour)
	if n := f.count("list"); n != 0 || h.clock.Pending() != 0 {
		t.Fatalf("unwanted resource: %d fetches, %d timers", n, h.clock.Pending())
	}
	release := feed.Want()
	h.settle(t)
	if n := f.count("list"); n != 1 {
		t.Fatalf("first Want: %d fetches, want 1", n)
	}
	if s := feed.Snapshot(); !s.HasData || len(s.Data) != 3 || s.Version != 1 || !s.Wanted {
		t.Fatalf("snapshot after load = %+v", s.Status)
	}
	// Only the wanted resource has a timer; the IPAM and inventory ones
	// never ran.
	if h.clock.Pending() != 1 {
		t.Fatalf("%d timers, want 1", h.clock.Pending())
	}
	for _, w := range []string{"inventory", "blocks", "util", "masks", "holding"} {
		if f.count(w) != 0 {
			t.Errorf("%s fetched without being wanted", w)
		}
	}
	h.advance(t, time.Minute)
	if n := f.count("list"); n != 2 {
		t.Fatalf("after one interval: %d fetches, want 2", n)
	}
	release()
	release() // idempotent: must not release a second interest
	if h.clock.Pending() != 0 {
		t.Fatalf("released resource keeps %d timers", h.clock.Pending())
	}
	h.advance(t, 10*time.Minute)
	if n := f.count("list"); n != 2 {
		t.Fatalf("released resource fetched: %d", n)
	}
	// Wanted again after it fell due: fetched at once.
	r2 := feed.Want()
	defer r2()
	h.settle(t)
	if n := f.count("list"); n != 3 {
		t.Fatalf("re-wanted after due: %d fetches, want 3", n)
	}
	// A second interest does not fetch; released once, the first keeps it.
	r3 := feed.Want()
	r3()
	h.settle(t)
	if n := f.count("list"); n != 3 || h.clock.Pending() != 1 {
		t.Fatalf("second Want fetched (%d) or the timer went (%d)", n, h.clock.Pending())
	}
}

// Re-wanted before the next refresh is due: no fetch, the timer resumes.
func TestWantBeforeDueWaits(t *testing.T) {
	f := newFake("p", 1)
	h := newHub(t, Options{Interval: time.Minute}, f.source())
	feed := h.connFeed(t, "p")
	feed.Want()()
	h.settle(t)
	h.advance(t, 20*time.Second)
	rel := feed.Want()
	defer rel()
	h.settle(t)
	if n := f.count("list"); n != 1 {
		t.Fatalf("re-wanted before due: %d fetches", n)
	}
	h.advance(t, 40*time.Second)
	if n := f.count("list"); n != 2 {
		t.Fatalf("at the due time: %d fetches, want 2", n)
	}
}

// Two UI sessions on one hub: one fetch per refresh, both told.
func TestTwoSessionsShareOneFetch(t *testing.T) {
	f := newFake("p", 5)
	h := newHub(t, Options{Interval: time.Minute}, f.source())
	s1, s2 := h.Subscribe(), h.Subscribe()
	defer s1.Close()
	defer s2.Close()
	fa, _ := h.Connections("p")
	fb, _ := h.Connections("p")
	r1, r2 := fa.Want(), fb.Want()
	defer r1()
	defer r2()
	h.settle(t)
	for i := range 3 {
		h.advance(t, time.Minute)
		_ = i
	}
	if n := f.count("list"); n != 4 {
		t.Fatalf("%d fetches for two sessions over 3 intervals, want 4", n)
	}
	k := h.key("p", model.ResConnections)
	for i, s := range []model.Subscription{s1, s2} {
		ch, ok := drain(s)[k]
		if !ok || !ch.DataChanged || ch.Version != 1 {
			t.Errorf("session %d: change = %+v, %v", i+1, ch, ok)
		}
	}
	if a, b := fa.Snapshot(), fb.Snapshot(); &a.Data[0] != &b.Data[0] {
		t.Error("the sessions do not share one snapshot")
	}
}

// A refresh asked for while loading is one follow-up fetch, never a second
// fetch in parallel, however often it is asked for.
func TestRefreshWhileLoadingCoalesces(t *testing.T) {
	f := newFake("p", 2)
	f.gate = make(chan struct{})
	h := newHub(t, Options{}, f.source())
	k := h.key("p", model.ResConnections)
	h.RefreshKey(k)
	waitStarted(t, f, "list")
	for range 5 {
		h.RefreshKey(k)
		h.Refresh("") // not wanted: Refresh leaves it alone
	}
	if n := f.count("list"); n != 1 {
		t.Fatalf("%d fetches while one was loading", n)
	}
	close(f.gate)
	h.settle(t)
	if n, par := f.count("list"), f.maxParallel("list"); n != 2 || par != 1 {
		t.Fatalf("%d fetches (want 1 + 1 follow-up), %d in parallel (want 1)", n, par)
	}
	// An unwanted resource refreshed by hand arms no timer.
	if h.clock.Pending() != 0 {
		t.Fatalf("%d timers after manual refreshes of an unwanted resource", h.clock.Pending())
	}
	h.advance(t, time.Hour)
	if n := f.count("list"); n != 2 {
		t.Fatalf("fetches went on: %d", n)
	}
}

// Refresh covers the wanted resources of one provider, or of all.
func TestRefreshByProvider(t *testing.T) {
	a, b := newFake("a", 1), newFake("b", 1)
	h := newHub(t, Options{}, a.source(), b.source())
	fa, fb := h.connFeed(t, "a"), h.connFeed(t, "b")
	defer fa.Want()()
	defer fb.Want()()
	h.settle(t)
	h.Refresh("a")
	h.settle(t)
	if a.count("list") != 2 || b.count("list") != 1 {
		t.Fatalf("Refresh(a): a=%d b=%d", a.count("list"), b.count("list"))
	}
	h.Refresh("")
	h.settle(t)
	if a.count("list") != 3 || b.count("list") != 2 {
		t.Fatalf("Refresh(all): a=%d b=%d", a.count("list"), b.count("list"))
	}
	if a.count("inventory") != 0 {
		t.Fatal("Refresh fetched an unwanted resource")
	}
}

// After failures the delay doubles from MinRetry to MaxBackoff; the data is
// kept and marked stale; a success resets it.
func TestBackoff(t *testing.T) {
	f := newFake("p", 4)
	h := newHub(t, Options{Interval: 15 * time.Second}, f.source())
	feed := h.connFeed(t, "p")
	defer feed.Want()()
	h.settle(t)
	if d := nextIn(feed); d != 15*time.Second {
		t.Fatalf("after success: next in %s", d)
	}
	f.set(func(f *fakeSrc) { f.listErr = &model.APIError{Status: 503, Message: "down"} })
	want := []time.Duration{5, 10, 20, 40, 80, 160, 300, 300}
	for i, w := range want {
		h.advance(t, nextIn(feed))
		s := feed.Snapshot()
		if d := nextIn(feed); d != w*time.Second {
			t.Errorf("failure %d: next in %s, want %s", i+1, d, w*time.Second)
		}
		if s.Failures != i+1 || !s.Stale() || len(s.Data) != 4 || s.Version != 1 {
			t.Fatalf("failure %d: %+v (data %d)", i+1, s.Status, len(s.Data))
		}
	}
	if p, _ := h.Summary().Provider("p"); p.Health != model.HealthStale || !strings.Contains(p.Err.Error(), "503") {
		t.Errorf("summary = %+v", p)
	}
	f.set(func(f *fakeSrc) { f.listErr = nil })
	h.advance(t, nextIn(feed))
	if s := feed.Snapshot(); s.Failures != 0 || s.Stale() || nextIn(feed) != 15*time.Second {
		t.Errorf("success must reset the backoff: %+v", s.Status)
	}
}

// nextIn is how long after the last fetch's end the next is due.
func nextIn[T any](f model.Feed[T]) time.Duration {
	s := f.Snapshot()
	end := s.FetchedAt
	if s.ErrAt.After(end) {
		end = s.ErrAt
	}
	return s.NextAt.Sub(end)
}

// A provider's Retry-After is never shortened: not by the backoff, not by
// an operator's refresh.
func TestRetryAfterNeverShortened(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter time.Duration
		failures   int
		wantNext   time.Duration
	}{
		{"longer than the backoff", 2 * time.Minute, 1, 2 * time.Minute},
		{"shorter than the backoff", 2 * time.Second, 1, 5 * time.Second},
		{"longer than the max backoff", time.Hour, 1, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake("p", 2)
			h := newHub(t, Options{Interval: 15 * time.Second}, f.source())
			feed := h.connFeed(t, "p")
			defer feed.Want()()
			h.settle(t)
			f.set(func(f *fakeSrc) { f.listErr = &model.RateLimited{RetryAfter: tt.retryAfter} })
			h.advance(t, 15*time.Second)
			s := feed.Snapshot()
			at := s.ErrAt
			if !s.RetryAt.Equal(at.Add(tt.retryAfter)) || s.NextAt.Sub(at) != tt.wantNext {
				t.Fatalf("RetryAt +%s NextAt +%s, want +%s +%s", s.RetryAt.Sub(at), s.NextAt.Sub(at), tt.retryAfter, tt.wantNext)
			}
			p, _ := h.Summary().Provider("p")
			if p.Health != model.HealthRateLimited || !p.Until.Equal(s.RetryAt) || !p.ResumeAt.Equal(s.NextAt) {
				t.Errorf("summary = %+v", p)
			}
			// An operator's refresh inside the window waits for its end.
			h.RefreshKey(feed.Key())
			h.Refresh("p")
			h.advance(t, tt.retryAfter-time.Second)
			if n := f.count("list"); n != 2 {
				t.Fatalf("%d fetches before Retry-After passed, want 2", n)
			}
			f.set(func(f *fakeSrc) { f.listErr = nil })
			h.advance(t, time.Second)
			if n := f.count("list"); n != 3 {
				t.Fatalf("at Retry-After's end: %d fetches, want 3", n)
			}
			if s := feed.Snapshot(); s.Err != nil || !s.RetryAt.IsZero() {
				t.Errorf("after the retry: %+v", s.Status)
			}
		})
	}
}

// Paused, due refreshes are marked, not fetched; manual ones still run;
// resuming fetches what fell due and nothing else.
func TestPauseAndResume(t *testing.T) {
	a, b := newFake("a", 1), newFake("b", 1)
	h := newHub(t, Options{Interval: time.Minute, ProviderInterval: map[string]time.Duration{"b": time.Hour}}, a.source(), b.source())
	fa, fb := h.connFeed(t, "a"), h.connFeed(t, "b")
	defer fa.Want()()
	defer fb.Want()()
	h.settle(t)
	h.SetPaused(true)
	if !h.Paused() || !h.Summary().Paused {
		t.Fatal("not paused")
	}
	h.advance(t, 2*time.Minute)
	if n := a.count("list"); n != 1 {
		t.Fatalf("paused: %d fetches", n)
	}
	if !fa.Snapshot().Due || fb.Snapshot().Due {
		t.Fatalf("due marks: a=%v b=%v", fa.Snapshot().Due, fb.Snapshot().Due)
	}
	h.RefreshKey(fb.Key()) // r still refreshes while paused
	h.settle(t)
	if n := b.count("list"); n != 2 {
		t.Fatalf("manual refresh while paused: %d", n)
	}
	h.SetPaused(false)
	h.settle(t)
	if a.count("list") != 2 || b.count("list") != 2 {
		t.Fatalf("resume: a=%d (want 2) b=%d (want 2, not due)", a.count("list"), b.count("list"))
	}
	if fa.Snapshot().Due {
		t.Error("still due after the fetch")
	}
}

// Wanted first while paused: the first load still happens (nothing to show
// otherwise); a later due refresh waits for resume.
func TestFirstLoadWhilePaused(t *testing.T) {
	f := newFake("p", 1)
	h := newHub(t, Options{Interval: time.Minute}, f.source())
	h.SetPaused(true)
	feed := h.connFeed(t, "p")
	rel := feed.Want()
	h.settle(t)
	if f.count("list") != 1 {
		t.Fatal("first load did not run while paused")
	}
	rel()
	h.advance(t, 2*time.Minute)
	rel = feed.Want()
	defer rel()
	h.settle(t)
	if f.count("list") != 1 || !feed.Snapshot().Due {
		t.Fatalf("due while paused: %d fetches, due=%v", f.count("list"), feed.Snapshot().Due)
	}
	h.SetPaused(false)
	h.settle(t)
	if f.count("list") != 2 {
		t.Fatal("resume did not fetch")
	}
}

// A panicking provider is an error on its resource; others go on.
func TestPanicInFetchRecovered(t *testing.T) {
	bad, good := newFake("bad", 1), newFake("good", 1)
	bad.panicOn = "list"
	h := newHub(t, Options{}, bad.source(), good.source())
	fb, fg := h.connFeed(t, "bad"), h.connFeed(t, "good")
	defer fb.Want()()
	defer fg.Want()()
	h.settle(t)
	if s := fb.Snapshot(); !errors.Is(s.Err, errPanicked) || s.HasData {
		t.Fatalf("panicking fetch: %+v", s.Status)
	}
	if s := fg.Snapshot(); !s.HasData || s.Err != nil {
		t.Fatalf("other provider: %+v", s.Status)
	}
	if p, _ := h.Summary().Provider("bad"); p.Health != model.HealthError {
		t.Errorf("health = %s", p.Health)
	}
}

// Intervals: default, per provider, and per-resource floors.
func TestIntervals(t *testing.T) {
	h := newHub(t, Options{Interval: 15 * time.Second, ProviderInterval: map[string]time.Duration{"slow": 2 * time.Minute, "fast": 5 * time.Second}},
		newFake("slow", 0).source(), newFake("fast", 0).source(), newFake("dflt", 0).source())
	tests := []struct {
		key  model.ResourceKey
		want time.Duration
	}{
		{h.key("dflt", model.ResConnections), 15 * time.Second},
		{h.key("slow", model.ResConnections), 2 * time.Minute},
		{h.key("fast", model.ResConnections), 5 * time.Second},
		{h.key("fast", model.ResIPAMBlocks), time.Minute},
		{h.key("slow", model.ResIPAMBlocks), 2 * time.Minute},
		{h.key("dflt", model.ResIPAMUtilization), 15 * time.Second},
	}
	for _, tt := range tests {
		st, _ := h.Status(tt.key)
		if d := h.Interval(tt.key); d != tt.want || st.Every != tt.want {
			t.Errorf("%s: %s (status %s), want %s", tt.key, d, st.Every, tt.want)
		}
	}
	// And the schedule follows it.
	bf, _ := h.Blocks("fast")
	defer bf.Want()()
	h.settle(t)
	if d := nextIn(bf); d != time.Minute {
		t.Errorf("blocks of fast: next in %s", d)
	}
}

// Close cancels fetches in flight, stops timers, closes subscriptions,
// refuses actions, and leaves no goroutine behind.
func TestCloseCancelsInFlight(t *testing.T) {
	f := newFake("p", 1)
	f.gate = make(chan struct{}) // never opened: only cancellation ends the fetch
	h := newHub(t, Options{}, f.source())
	sub := h.Subscribe()
	feed := h.connFeed(t, "p")
	feed.Want()
	waitStarted(t, f, "list")
	h.Close()
	f.mu.Lock()
	errs := f.ctxErrs
	f.mu.Unlock()
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Fatalf("in-flight fetch not cancelled: %v", errs)
	}
	if _, ok := <-sub.C(); ok {
		// A wake-up may be waiting; the channel must then be closed.
		if _, ok := <-sub.C(); ok {
			t.Fatal("subscription channel not closed")
		}
	}
	if _, err := sub.Next(context.Background()); !errors.Is(err, model.ErrClosed) {
		t.Fatalf("Next after Close: %v", err)
	}
	if _, err := h.Run(context.Background(), "p", model.Action{}); !errors.Is(err, model.ErrClosed) {
		t.Fatalf("Run after Close: %v", err)
	}
	h.RefreshKey(feed.Key())
	feed.Want()
	if n := f.count("list"); n != 1 || h.clock.Pending() != 0 {
		t.Fatalf("after Close: %d fetches, %d timers", n, h.clock.Pending())
	}
	if s := feed.Snapshot(); s.HasData || s.Loading {
		t.Errorf("a cancelled fetch left %+v", s.Status)
	}
	h.Close() // twice is harmless
}

// A result arriving after Close (from a provider that ignores cancellation)
// is dropped.
func TestResultAfterCloseDropped(t *testing.T) {
	f := newFake("p", 3)
	f.gate = make(chan struct{})
	f.ignoreCtx = true
	h := newHub(t, Options{CloseWait: 10 * time.Millisecond}, f.source())
	feed := h.connFeed(t, "p")
	feed.Want()
	waitStarted(t, f, "list")
	h.Close() // gives up waiting after CloseWait
	close(f.gate)
	h.wg.Wait()
	if s := feed.Snapshot(); s.HasData || s.Version != 0 {
		t.Fatalf("result after Close applied: %+v", s.Status)
	}
}

// Progress of a fetch in flight is read live by snapshots and the summary.
func TestProgressReadLive(t *testing.T) {
	f := newFake("p", 1)
	f.gate = make(chan struct{})
	f.progress = func(p *model.Progress) { p.SetTotal(4); p.Add(1) }
	h := newHub(t, Options{}, f.source())
	feed := h.connFeed(t, "p")
	defer feed.Want()()
	waitStarted(t, f, "list")
	s := feed.Snapshot()
	if !s.Loading || s.Done != 1 || s.Total != 4 || !s.Started.Equal(t0) {
		t.Fatalf("loading snapshot = %+v", s.Status)
	}
	p, _ := h.Summary().Provider("p")
	if p.Health != model.HealthLoading || p.Done != 1 || p.Total != 4 {
		t.Fatalf("summary while loading = %+v", p)
	}
	close(f.gate)
	h.settle(t)
	if p, _ := h.Summary().Provider("p"); p.Health != model.HealthOK {
		t.Fatalf("after load: %+v", p)
	}
}

// Readers, refreshes and interest from many goroutines at once (run with
// -race).
func TestConcurrentUse(t *testing.T) {
	f := newFake("p", 50)
	h := New([]model.Source{f.source()}, Options{Interval: time.Millisecond, MinRetry: time.Millisecond})
	defer h.Close()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := h.Subscribe()
			defer sub.Close()
			for {
				select {
				case <-stop:
					return
				default:
				}
				cf, _ := h.Connections("p")
				rel := cf.Want()
				_ = cf.Snapshot()
				_ = h.Summary()
				_ = sub.Changes()
				switch i % 4 {
				case 0:
					h.Refresh("")
				case 1:
					h.SetPaused(!h.Paused())
				case 2:
					bf, _ := h.Blocks("p")
					bf.Want()()
				}
				rel()
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if n, par := f.count("list"), f.maxParallel("list"); n == 0 || par != 1 {
		t.Fatalf("%d fetches, %d in parallel", n, par)
	}
}
