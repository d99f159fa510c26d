package sparks_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/widgets/sparks"
)

// stub returns a 24h in/out series rising with the hour, or err.
type stub struct {
	mu    sync.Mutex
	calls int
	err   error
	end   time.Time
}

func (s *stub) Series(ctx context.Context, q model.SeriesQuery) ([]model.Series, error) {
	s.mu.Lock()
	s.calls++
	err := s.err
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	mk := func(dir string, scale float64) model.Series {
		se := model.Series{Direction: dir, Unit: model.UnitBitsPerSec, Precision: time.Hour, Capacity: 24e9}
		for i := 0; i < 24; i++ {
			se.Samples = append(se.Samples, model.Sample{T: s.end.Add(-time.Duration(24-i) * time.Hour), V: float64(i+1) * 1e9 * scale})
		}
		return se
	}
	return []model.Series{mk("in", 1), mk("out", 0.5)}, nil
}

func collect(cmd tea.Cmd) []sparks.Msg {
	if cmd == nil {
		return nil
	}
	switch m := cmd().(type) {
	case tea.BatchMsg:
		var out []sparks.Msg
		for _, c := range m {
			out = append(out, collect(c)...)
		}
		return out
	case sparks.Msg:
		return []sparks.Msg{m}
	}
	return nil
}

func TestCacheFetchesBoundedAndCaches(t *testing.T) {
	now := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	src := &stub{end: now}
	c := sparks.New(7, clock, nil)
	c.Max = 2
	var wants []sparks.Want
	for _, k := range []string{"a", "b", "c"} {
		wants = append(wants, sparks.Want{Key: k, Source: src, Ref: model.Ref{ID: k}})
	}
	msgs := collect(c.Request(wants))
	if len(msgs) != 2 || c.Inflight() != 2 || c.Cell("a") != "…" || c.Cell("c") != "" {
		t.Fatalf("first request: %d msgs, inflight %d, a=%q c=%q", len(msgs), c.Inflight(), c.Cell("a"), c.Cell("c"))
	}
	for _, m := range msgs {
		if !c.Apply(m) {
			t.Fatal("own message not applied")
		}
	}
	// Rising traffic, scaled to the 24 Gb/s capacity: low blocks to full.
	if got := c.Cell("a"); !strings.HasPrefix(got, "▁") || !strings.HasSuffix(got, "█") || len([]rune(got)) != 24 {
		t.Errorf("line = %q", got)
	}
	if avg := c.Avg("a"); avg != 12.5e9 {
		t.Errorf("avg = %v, want 12.5e9 (the in direction)", avg)
	}
	// The third follows; the fresh two are not refetched.
	msgs = collect(c.Request(wants))
	if len(msgs) != 1 || msgs[0].Key != "c" {
		t.Fatalf("second request fetched %d", len(msgs))
	}
	c.Apply(msgs[0])
	if src.calls != 3 {
		t.Errorf("calls = %d", src.calls)
	}
	// After the TTL they are refetched; a foreign message is ignored.
	now = now.Add(c.TTL + time.Second)
	if n := len(collect(c.Request(wants))); n != 2 {
		t.Errorf("after TTL: %d fetches", n)
	}
	if c.Apply(sparks.Msg{Owner: 8, Key: "a"}) {
		t.Error("another cache's message applied")
	}
}

func TestCacheErrorsAndCancel(t *testing.T) {
	now := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	src := &stub{end: now, err: errors.New("503")}
	c := sparks.New(1, func() time.Time { return now }, nil)
	w := []sparks.Want{{Key: "a", Source: src, Ref: model.Ref{ID: "a"}}}
	for _, m := range collect(c.Request(w)) {
		c.Apply(m)
	}
	if c.Cell("a") != "!" || c.Inflight() != 0 {
		t.Errorf("error cell %q inflight %d", c.Cell("a"), c.Inflight())
	}
	// A cancelled fetch (quit, superseded) is retried on the next request.
	c2 := sparks.New(2, func() time.Time { return now }, nil)
	src.err = context.Canceled
	for _, m := range collect(c2.Request(w)) {
		c2.Apply(m)
	}
	src.err = nil
	if n := len(collect(c2.Request(w))); n != 1 {
		t.Errorf("cancelled fetch not retried: %d", n)
	}
}
