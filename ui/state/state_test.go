package state

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

var t0 = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

func now() time.Time { return t0 }

func run(t *testing.T, s *Store, k Key) FetchedMsg {
	t.Helper()
	cmd := s.Start(k)
	if cmd == nil {
		t.Fatal("no fetch command")
	}
	return cmd().(FetchedMsg)
}

func TestBackoffGrowsCapsAndResets(t *testing.T) {
	fail := errors.New("boom")
	var err error
	s := NewStore(15*time.Second, now)
	k := Key{"p", "x"}
	s.Register(Spec{Key: k, Fetch: func(context.Context, *model.Progress) (any, error) { return 1, err }})
	if m := run(t, s, k); m.Err != nil {
		t.Fatal(m.Err)
	} else {
		s.Apply(m)
	}
	if d := s.Delay(k); d != 15*time.Second {
		t.Errorf("after success: %s", d)
	}
	err = fail
	want := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 160 * time.Second, 5 * time.Minute, 5 * time.Minute}
	for i, w := range want {
		s.Apply(run(t, s, k))
		if d := s.Delay(k); d != w {
			t.Errorf("failure %d: delay %s, want %s", i+1, d, w)
		}
	}
	e := s.Get(k)
	if !e.Stale() || e.Data != 1 {
		t.Errorf("old data must be kept and marked stale: %+v", e)
	}
	err = nil
	s.Apply(run(t, s, k))
	if d := s.Delay(k); d != 15*time.Second || e.Failures != 0 || e.Stale() {
		t.Errorf("success must reset the backoff: %s failures=%d", d, e.Failures)
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	s := NewStore(15*time.Second, now)
	k := Key{"p", "x"}
	s.Register(Spec{Key: k, Fetch: func(context.Context, *model.Progress) (any, error) {
		return nil, &model.RateLimited{RetryAfter: 2 * time.Minute}
	}})
	s.Apply(run(t, s, k))
	if d := s.Delay(k); d != 2*time.Minute {
		t.Errorf("delay %s, want the provider's 2m", d)
	}
	if e := s.Get(k); !e.RetryAt.Equal(t0.Add(2 * time.Minute)) {
		t.Errorf("RetryAt = %s", e.RetryAt)
	}
}

func TestStaleSeqAndSupersededTicksDropped(t *testing.T) {
	s := NewStore(time.Minute, now)
	k := Key{"p", "x"}
	var cancelled []context.Context
	s.Register(Spec{Key: k, Fetch: func(ctx context.Context, _ *model.Progress) (any, error) {
		cancelled = append(cancelled, ctx)
		return "data", nil
	}})
	first := s.Start(k)
	second := s.Start(k) // supersedes the first
	m1 := first().(FetchedMsg)
	if cancelled[0].Err() == nil {
		t.Error("superseded fetch's context not cancelled")
	}
	if cur, _, _ := s.Apply(m1); cur {
		t.Fatal("result of a superseded fetch was applied")
	}
	m2 := second().(FetchedMsg)
	cur, changed, next := s.Apply(m2)
	if !cur || !changed || next == nil {
		t.Fatalf("current result: cur=%v changed=%v next=%v", cur, changed, next != nil)
	}
	// A tick from the first fetch is dead; one from the current seq fetches.
	if cmd := s.Tick(TickMsg{Key: k, Seq: m1.Seq}); cmd != nil {
		t.Error("stale tick started a fetch")
	}
	if cmd := s.Tick(TickMsg{Key: k, Seq: m2.Seq}); cmd == nil {
		t.Error("current tick did not fetch")
	}
}

func TestPauseMarksDueAndResumeFetches(t *testing.T) {
	s := NewStore(time.Minute, now)
	k := Key{"p", "x"}
	s.Register(Spec{Key: k, Fetch: func(context.Context, *model.Progress) (any, error) { return 1, nil }})
	s.Apply(run(t, s, k))
	s.SetPaused(true)
	if cmd := s.Tick(TickMsg{Key: k, Seq: s.Get(k).Seq}); cmd != nil {
		t.Fatal("fetched while paused")
	}
	if !s.Get(k).Due {
		t.Fatal("tick while paused not remembered")
	}
	if cmd := s.SetPaused(false); cmd == nil {
		t.Fatal("resume did not fetch the due resource")
	}
	if !s.Get(k).Loading {
		t.Error("not loading after resume")
	}
}

func TestProgressSnapshotAndPanicRecovered(t *testing.T) {
	s := NewStore(time.Minute, now)
	k := Key{"p", "x"}
	release := make(chan struct{})
	s.Register(Spec{Key: k, Fetch: func(ctx context.Context, p *model.Progress) (any, error) {
		p.SetTotal(10)
		p.Add(4)
		<-release
		panic("provider bug")
	}})
	cmd := s.Start(k)
	done := make(chan FetchedMsg)
	go func() { done <- cmd().(FetchedMsg) }()
	deadline := time.Now().Add(2 * time.Second)
	for {
		s.Snapshot()
		if e := s.Get(k); e.Done == 4 && e.Total == 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("progress never visible")
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	m := <-done
	if m.Err == nil {
		t.Fatal("panic not turned into an error")
	}
	s.Apply(m)
	if e := s.Get(k); e.Err == nil || e.Loading {
		t.Errorf("entry after panic: %+v", e)
	}
}

func TestRegisterDeduplicates(t *testing.T) {
	s := NewStore(0, nil)
	k := Key{"p", "connections"}
	if !s.Register(Spec{Key: k}) || s.Register(Spec{Key: k}) {
		t.Fatal("second registration of the same key must be ignored")
	}
	if len(s.Keys()) != 1 {
		t.Fatal(s.Keys())
	}
	s.Close()
	if s.Context().Err() == nil {
		t.Fatal("Close did not cancel")
	}
}

// A refresh timer ends when a fetch supersedes it or the store closes,
// instead of sleeping out its interval after the program quit; one that
// runs out delivers its tick.
func TestTimersEndOnSupersedeAndClose(t *testing.T) {
	wait := func(t *testing.T, cmd func() any) any {
		t.Helper()
		got := make(chan any, 1)
		go func() { got <- cmd() }()
		select {
		case msg := <-got:
			return msg
		case <-time.After(5 * time.Second):
			t.Fatal("the timer's goroutine is still sleeping")
			return nil
		}
	}
	for _, tc := range []struct {
		name  string
		every time.Duration
		end   func(s *Store, k Key)
		tick  bool // a TickMsg arrives
	}{
		{"runs out", time.Millisecond, func(*Store, Key) {}, true},
		{"superseded by a fetch", time.Hour, func(s *Store, k Key) { s.Start(k) }, false},
		{"store closed", time.Hour, func(s *Store, _ Key) { s.Close() }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStore(tc.every, now)
			k := Key{"p", "x"}
			s.Register(Spec{Key: k, Fetch: func(context.Context, *model.Progress) (any, error) { return 1, nil }})
			_, _, next := s.Apply(run(t, s, k))
			tc.end(s, k)
			msg := wait(t, func() any { return next() })
			if _, ok := msg.(TickMsg); ok != tc.tick {
				t.Errorf("timer delivered %#v, want a tick: %v", msg, tc.tick)
			}
		})
	}
	t.Run("After", func(t *testing.T) {
		s := NewStore(time.Hour, now)
		cmd := s.After(time.Hour, "late")
		s.Close()
		if msg := wait(t, func() any { return cmd() }); msg != nil {
			t.Errorf("After delivered %v after Close", msg)
		}
		if msg := NewStore(time.Hour, now).After(time.Millisecond, "on time")(); msg != "on time" {
			t.Errorf("After delivered %v", msg)
		}
	})
}

func TestIncompleteKeepsDataAndMarksIt(t *testing.T) {
	var (
		data any
		err  error
	)
	s := NewStore(15*time.Second, now)
	k := Key{"p", "x"}
	s.Register(Spec{Key: k, Fetch: func(context.Context, *model.Progress) (any, error) { return data, err }})
	partial := &model.Incomplete{What: "connections", Got: 2, Dropped: 1}
	data, err = []int{1, 2}, partial
	current, changed, _ := s.Apply(run(t, s, k))
	e := s.Get(k)
	if !current || !changed || e.Err != nil || e.Incomplete != partial || e.Stale() || len(e.Data.([]int)) != 2 {
		t.Fatalf("partial data: changed=%v %+v", changed, e)
	}
	if d := s.Delay(k); d != 15*time.Second || e.Failures != 0 {
		t.Errorf("a partial listing is not a failure: delay %s, failures %d", d, e.Failures)
	}
	// A failure later: the data and what it lacks stay, marked stale.
	data, err = nil, errors.New("boom")
	s.Apply(run(t, s, k))
	if !e.Stale() || e.Incomplete != partial || len(e.Data.([]int)) != 2 {
		t.Fatalf("after a failure: %+v", e)
	}
	// A complete listing clears the mark.
	data, err = []int{1, 2, 3}, nil
	s.Apply(run(t, s, k))
	if e.Incomplete != nil || e.Err != nil || len(e.Data.([]int)) != 3 {
		t.Fatalf("after a complete listing: %+v", e)
	}
	if Partial(errors.New("x")) || !Partial(partial) || Partial(nil) {
		t.Error("Partial")
	}
}
