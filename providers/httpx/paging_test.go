package httpx

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// pagedData is a fake listing API over 0..n-1 that records concurrency.
type pagedData struct {
	n        int
	pageCap  int           // server-side maximum page size (0 = none)
	delay    time.Duration // per request
	inflight atomic.Int32
	maxSeen  atomic.Int32
	calls    atomic.Int32
}

func (d *pagedData) enter() func() {
	d.calls.Add(1)
	now := d.inflight.Add(1)
	for {
		old := d.maxSeen.Load()
		if now <= old || d.maxSeen.CompareAndSwap(old, now) {
			break
		}
	}
	return func() { d.inflight.Add(-1) }
}

func (d *pagedData) slice(offset, limit int) []int {
	if d.pageCap > 0 {
		limit = min(limit, d.pageCap)
	}
	var out []int
	for i := offset; i < min(offset+limit, d.n); i++ {
		out = append(out, i)
	}
	return out
}

func (d *pagedData) offsetFetch(unknownTotal bool) func(ctx context.Context, offset, limit int) ([]int, int, error) {
	return func(ctx context.Context, offset, limit int) ([]int, int, error) {
		defer d.enter()()
		if err := sleepCtx(ctx, d.delay); err != nil {
			return nil, 0, err
		}
		total := d.n
		if unknownTotal {
			total = -1
		}
		return d.slice(offset, limit), total, nil
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestOffsetPages(t *testing.T) {
	tests := []struct {
		name        string
		n, limit    int
		conc        int
		pageCap     int
		unknown     bool
		wantPages   int
		wantTotal   int // reported to Progress
		wantMaxConc int32
	}{
		{name: "empty", n: 0, limit: 100, conc: 4, wantPages: 1, wantTotal: 1, wantMaxConc: 1},
		{name: "one short page", n: 42, limit: 100, conc: 4, wantPages: 1, wantTotal: 1, wantMaxConc: 1},
		{name: "exact multiple", n: 300, limit: 100, conc: 4, wantPages: 3, wantTotal: 3, wantMaxConc: 2},
		{name: "sequential", n: 1050, limit: 100, conc: 1, wantPages: 11, wantTotal: 11, wantMaxConc: 1},
		{name: "bounded at 3", n: 2000, limit: 100, conc: 3, wantPages: 20, wantTotal: 20, wantMaxConc: 3},
		{name: "bounded at 8", n: 2001, limit: 100, conc: 8, wantPages: 21, wantTotal: 21, wantMaxConc: 8},
		{name: "zero concurrency means 1", n: 500, limit: 100, conc: 0, wantPages: 5, wantTotal: 5, wantMaxConc: 1},
		{name: "server caps page size", n: 500, limit: 100, conc: 4, pageCap: 50, wantPages: 10, wantTotal: 10, wantMaxConc: 4},
		{name: "unknown total: sequential to a short page", n: 250, limit: 100, conc: 8, unknown: true, wantPages: 3, wantTotal: 0, wantMaxConc: 1},
		{name: "unknown total, exact multiple: one empty page", n: 200, limit: 100, conc: 8, unknown: true, wantPages: 3, wantTotal: 0, wantMaxConc: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &pagedData{n: tt.n, pageCap: tt.pageCap, delay: 10 * time.Millisecond}
			var p model.Progress
			got, err := OffsetPages(context.Background(), tt.limit, tt.conc, &p, d.offsetFetch(tt.unknown))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, seq(tt.n)) {
				t.Fatalf("items out of order or missing: got %d items, first %v", len(got), got[:min(len(got), 5)])
			}
			done, total := p.Load()
			if done != tt.wantPages || total != tt.wantTotal || int(d.calls.Load()) != tt.wantPages {
				t.Fatalf("progress %d/%d, %d calls; want %d/%d, %d calls", done, total, d.calls.Load(), tt.wantPages, tt.wantTotal, tt.wantPages)
			}
			if m := d.maxSeen.Load(); m != tt.wantMaxConc {
				t.Fatalf("max in flight %d, want %d", m, tt.wantMaxConc)
			}
		})
	}
}

func TestOffsetPagesBadArguments(t *testing.T) {
	d := &pagedData{n: 10}
	if _, err := OffsetPages(context.Background(), 0, 1, nil, d.offsetFetch(false)); err == nil {
		t.Fatal("limit 0 accepted")
	}
	if _, err := UntilShort(context.Background(), -1, 0, nil, func(context.Context, int, int) ([]int, error) { return nil, nil }); err == nil {
		t.Fatal("negative limit accepted")
	}
}

var errBoom = errors.New("boom")

func TestPagingErrorCancelsTheRest(t *testing.T) {
	const conc = 3
	var started, cancelled atomic.Int32
	fetch := func(ctx context.Context, offset, limit int) ([]int, int, error) {
		started.Add(1)
		if offset == 2*limit {
			return nil, 0, errBoom
		}
		if offset == 0 {
			return seq(limit), 100 * limit, nil
		}
		select {
		case <-ctx.Done():
			cancelled.Add(1)
			return nil, 0, ctx.Err()
		case <-time.After(5 * time.Second):
			return seq(limit), 100 * limit, nil
		}
	}
	var p model.Progress
	start := time.Now()
	_, err := OffsetPages(context.Background(), 10, conc, &p, fetch)
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v, want the first failure (not the siblings' cancellation)", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("the rest were not cancelled")
	}
	// Pages 1 and 3 block, page 2 fails; nothing new may start after that.
	if s := started.Load(); s != 1+conc {
		t.Fatalf("%d fetches started: work kept being handed out after the error", s)
	}
	if cancelled.Load() == 0 || cancelled.Load() != started.Load()-2 {
		t.Fatalf("%d of %d blocked fetches saw their ctx cancelled", cancelled.Load(), started.Load()-2)
	}
	if done, _ := p.Load(); done != 1 {
		t.Fatalf("progress counted %d pages, only the first succeeded", done)
	}
}

func TestPagingCallerCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	d := &pagedData{n: 100_000, delay: 20 * time.Millisecond}
	time.AfterFunc(60*time.Millisecond, cancel)
	start := time.Now()
	_, err := OffsetPages(ctx, 100, 4, nil, d.offsetFetch(false))
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	if d.inflight.Load() != 0 {
		t.Fatal("fetches still running after return")
	}
}

func TestPagingLimits(t *testing.T) {
	t.Run("absurd total", func(t *testing.T) {
		// Reported, not followed: read page by page, and the repeat ends it.
		var calls int
		got, err := OffsetPages(context.Background(), 100, 4, nil, func(ctx context.Context, o, l int) ([]int, int, error) {
			calls++
			return seq(l), 1 << 40, nil
		})
		var in *model.Incomplete
		if !errors.Is(err, model.ErrTooLarge) || !errors.As(err, &in) || calls != 2 || len(got) != 100 {
			t.Fatalf("err %v after %d calls, %d items", err, calls, len(got))
		}
		if !strings.Contains(err.Error(), "reports 1099511627776 items") {
			t.Fatalf("the absurd total is not reported: %v", err)
		}
	})
	t.Run("absurd last page", func(t *testing.T) {
		_, err := NumberedPages(context.Background(), 4, nil, func(ctx context.Context, page int) ([]int, int, error) {
			return []int{1}, 1 << 30, nil
		})
		if !errors.Is(err, model.ErrTooLarge) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("server ignores offset", func(t *testing.T) {
		var calls int
		got, err := UntilShort(context.Background(), 100, 1000, nil, func(ctx context.Context, o, l int) ([]int, error) {
			calls++
			return seq(l), nil
		})
		var in *model.Incomplete
		if !errors.As(err, &in) || !errors.Is(err, model.ErrBadResponse) || calls != 2 || len(got) != 100 {
			t.Fatalf("err %v after %d calls, %d items", err, calls, len(got))
		}
	})
	t.Run("panicking fetch", func(t *testing.T) {
		_, err := OffsetPages(context.Background(), 10, 4, nil, func(ctx context.Context, o, l int) ([]int, int, error) {
			if o > 0 {
				panic("bug")
			}
			return seq(l), 100, nil
		})
		if err == nil {
			t.Fatal("panic swallowed without an error")
		}
	})
}

func TestNumberedPages(t *testing.T) {
	tests := []struct {
		name      string
		perPage   int
		n         int
		knownLast bool
		conc      int
		wantCalls int32
		wantTotal int
		wantMax   int32
	}{
		{name: "single page", perPage: 10, n: 7, knownLast: true, conc: 4, wantCalls: 1, wantTotal: 1, wantMax: 1},
		{name: "known last, concurrent", perPage: 10, n: 173, knownLast: true, conc: 5, wantCalls: 18, wantTotal: 18, wantMax: 5},
		{name: "known last, sequential", perPage: 10, n: 95, knownLast: true, conc: 1, wantCalls: 10, wantTotal: 10, wantMax: 1},
		{name: "unknown last: until an empty page", perPage: 10, n: 35, conc: 5, wantCalls: 5, wantTotal: 0, wantMax: 1},
		{name: "empty listing", perPage: 10, n: 0, knownLast: true, conc: 5, wantCalls: 1, wantTotal: 1, wantMax: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &pagedData{n: tt.n, delay: 10 * time.Millisecond}
			var p model.Progress
			got, err := NumberedPages(context.Background(), tt.conc, &p, func(ctx context.Context, page int) ([]int, int, error) {
				defer d.enter()()
				if page < 1 {
					return nil, 0, fmt.Errorf("page %d", page)
				}
				if err := sleepCtx(ctx, d.delay); err != nil {
					return nil, 0, err
				}
				last := 0
				if tt.knownLast {
					last = max(1, (tt.n+tt.perPage-1)/tt.perPage)
				}
				return d.slice((page-1)*tt.perPage, tt.perPage), last, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, seq(tt.n)) {
				t.Fatalf("got %v", got)
			}
			done, total := p.Load()
			if d.calls.Load() != tt.wantCalls || done != int(tt.wantCalls) || total != tt.wantTotal || d.maxSeen.Load() != tt.wantMax {
				t.Fatalf("calls %d, progress %d/%d, max in flight %d", d.calls.Load(), done, total, d.maxSeen.Load())
			}
		})
	}
}

func TestNumberedPagesError(t *testing.T) {
	var mu sync.Mutex
	var seen []int
	_, err := NumberedPages(context.Background(), 2, nil, func(ctx context.Context, page int) ([]int, int, error) {
		mu.Lock()
		seen = append(seen, page)
		mu.Unlock()
		if page == 3 {
			return nil, 0, errBoom
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return nil, 0, err
		}
		return []int{page}, 50, nil
	})
	if !errors.Is(err, errBoom) || len(seen) > 6 {
		t.Fatalf("err %v, pages fetched %v", err, seen)
	}
}

func TestUntilShort(t *testing.T) {
	tests := []struct {
		name      string
		n, limit  int
		maxItems  int
		wantCalls int32
		wantErr   error
	}{
		{name: "short last page", n: 250, limit: 100, wantCalls: 3},
		{name: "exact multiple needs an empty page", n: 300, limit: 100, wantCalls: 4},
		{name: "empty", n: 0, limit: 100, wantCalls: 1},
		{name: "max items exceeded", n: 1000, limit: 100, maxItems: 350, wantErr: model.ErrTooLarge},
		{name: "max items exactly", n: 300, limit: 100, maxItems: 300, wantCalls: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &pagedData{n: tt.n}
			var p model.Progress
			got, err := UntilShort(context.Background(), tt.limit, tt.maxItems, &p, func(ctx context.Context, offset, limit int) ([]int, error) {
				defer d.enter()()
				return d.slice(offset, limit), nil
			})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, seq(tt.n)) {
				t.Fatalf("err %v, got %d items", err, len(got))
			}
			if done, _ := p.Load(); d.calls.Load() != tt.wantCalls || done != int(tt.wantCalls) {
				t.Fatalf("calls %d progress %d, want %d", d.calls.Load(), done, tt.wantCalls)
			}
		})
	}
}

func TestGroupNeverExceedsLimit(t *testing.T) {
	for _, limit := range []int{1, 2, 7} {
		g, _ := newGroup(context.Background(), limit)
		var inflight, maxSeen atomic.Int32
		for range 200 {
			g.Go(func() error {
				n := inflight.Add(1)
				for {
					m := maxSeen.Load()
					if n <= m || maxSeen.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(100 * time.Microsecond)
				inflight.Add(-1)
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		if maxSeen.Load() > int32(limit) || maxSeen.Load() < 1 {
			t.Fatalf("limit %d: max in flight %d", limit, maxSeen.Load())
		}
	}
}
