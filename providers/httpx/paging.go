package httpx

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/noctop/noctop/model"
)

const (
	defaultMaxItems = 10_000_000 // bounds a misbehaving server's paging
	maxPages        = 100_000
)

// Paging helpers. All stop at the first error and cancel the rest; all report
// pages into p (may be nil): p.SetTotal(pages) when known, p.Add(1) per page.
// Items that move between pages while a listing is read (new objects arriving
// during the fetch) can appear twice or not at all; callers that care
// de-duplicate by id.

// OffsetPages reads an offset/limit API that reports a total (Fabric, IX-API
// envelopes). The first page is fetched alone to learn the total; the rest run
// with at most concurrency requests in flight, and items come back in offset
// order. total < 0 from fetch means unknown: sequential until a short page.
// If the first page is shorter than limit while the total says there is more,
// the server capped the page size, and that smaller size is used as the step.
func OffsetPages[T any](ctx context.Context, limit, concurrency int, p *model.Progress,
	fetch func(ctx context.Context, offset, limit int) (items []T, total int, err error)) ([]T, error) {
	if limit <= 0 {
		return nil, errors.New("httpx: OffsetPages: limit must be positive")
	}
	first, total, err := fetch(ctx, 0, limit)
	if err != nil {
		return nil, err
	}
	if total < 0 {
		p.Add(1)
		return sequentialOffsets(ctx, first, limit, defaultMaxItems, p,
			func(ctx context.Context, offset, limit int) ([]T, error) {
				items, _, err := fetch(ctx, offset, limit)
				return items, err
			})
	}
	if total > defaultMaxItems {
		return nil, fmt.Errorf("%w: server reports %d items, more than the %d this client reads", model.ErrTooLarge, total, defaultMaxItems)
	}
	step := limit
	if n := len(first); n > 0 && n < limit && total > n {
		step = n
	}
	pages := max(1, (total+step-1)/step)
	p.SetTotal(pages)
	p.Add(1)
	if pages == 1 || len(first) == 0 {
		return first, nil
	}
	results, err := parallelPages(ctx, pages-1, concurrency, p, func(ctx context.Context, i int) ([]T, error) {
		items, _, err := fetch(ctx, (i+1)*step, step)
		return items, err
	})
	if err != nil {
		return nil, err
	}
	return concat(first, results), nil
}

// NumberedPages reads a page/per_page API with meta.last_page (Packet,
// Metal). fetch(page) returns the items and the last page number (0 if
// unknown: sequential until an empty page). Pages start at 1.
func NumberedPages[T any](ctx context.Context, concurrency int, p *model.Progress,
	fetch func(ctx context.Context, page int) (items []T, lastPage int, err error)) ([]T, error) {
	first, last, err := fetch(ctx, 1)
	if err != nil {
		return nil, err
	}
	if last <= 0 {
		p.Add(1)
		all := first
		for page := 2; len(first) > 0; page++ {
			if page > maxPages || len(all) > defaultMaxItems {
				return nil, fmt.Errorf("%w: paging did not end after %d pages", model.ErrTooLarge, page-1)
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			first, _, err = fetch(ctx, page)
			if err != nil {
				return nil, err
			}
			all = append(all, first...)
			p.Add(1)
		}
		return all, nil
	}
	if last > maxPages {
		return nil, fmt.Errorf("%w: server reports %d pages, more than the %d this client reads", model.ErrTooLarge, last, maxPages)
	}
	p.SetTotal(last)
	p.Add(1)
	if last == 1 {
		return first, nil
	}
	results, err := parallelPages(ctx, last-1, concurrency, p, func(ctx context.Context, i int) ([]T, error) {
		items, _, err := fetch(ctx, i+2)
		return items, err
	})
	if err != nil {
		return nil, err
	}
	return concat(first, results), nil
}

// UntilShort reads offset pages one after another until a page shorter than
// limit (ProVision selectCount/selectOffset). maxItems bounds a misbehaving
// server (0 = 10 million); going past it is an error wrapping model.ErrTooLarge.
func UntilShort[T any](ctx context.Context, limit, maxItems int, p *model.Progress,
	fetch func(ctx context.Context, offset, limit int) ([]T, error)) ([]T, error) {
	if limit <= 0 {
		return nil, errors.New("httpx: UntilShort: limit must be positive")
	}
	if maxItems <= 0 {
		maxItems = defaultMaxItems
	}
	first, err := fetch(ctx, 0, limit)
	if err != nil {
		return nil, err
	}
	p.Add(1)
	return sequentialOffsets(ctx, first, limit, maxItems, p, fetch)
}

// sequentialOffsets continues after first until a short or empty page.
func sequentialOffsets[T any](ctx context.Context, first []T, limit, maxItems int, p *model.Progress,
	fetch func(ctx context.Context, offset, limit int) ([]T, error)) ([]T, error) {
	all, page := first, first
	for len(page) >= limit {
		if len(all) > maxItems {
			return nil, fmt.Errorf("%w: paging did not end after %d items", model.ErrTooLarge, len(all))
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var err error
		if page, err = fetch(ctx, len(all), limit); err != nil {
			return nil, err
		}
		all = append(all, page...)
		p.Add(1)
	}
	if len(all) > maxItems {
		return nil, fmt.Errorf("%w: paging did not end after %d items", model.ErrTooLarge, len(all))
	}
	return all, nil
}

// parallelPages runs fetch(0..n-1) with at most concurrency in flight and
// returns the results by index.
func parallelPages[T any](ctx context.Context, n, concurrency int, p *model.Progress,
	fetch func(ctx context.Context, i int) ([]T, error)) ([][]T, error) {
	results := make([][]T, n)
	g, gctx := newGroup(ctx, concurrency)
	for i := range n {
		ok := g.Go(func() error {
			items, err := fetch(gctx, i)
			if err != nil {
				return err
			}
			results[i] = items
			p.Add(1)
			return nil
		})
		if !ok {
			break
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, nil
}

func concat[T any](first []T, rest [][]T) []T {
	n := len(first)
	for _, r := range rest {
		n += len(r)
	}
	out := make([]T, 0, n)
	out = append(out, first...)
	for _, r := range rest {
		out = append(out, r...)
	}
	return out
}

// group runs functions with a bound on how many run at once; the first
// error cancels the group's context and is what Wait returns.
// (golang.org/x/sync/errgroup does this; it is not a dependency here.)
type group struct {
	parent context.Context
	ctx    context.Context
	cancel context.CancelFunc
	sem    chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

func newGroup(ctx context.Context, limit int) (*group, context.Context) {
	gctx, cancel := context.WithCancel(ctx)
	return &group{parent: ctx, ctx: gctx, cancel: cancel, sem: make(chan struct{}, max(1, limit))}, gctx
}

// Go waits for a free slot and starts f. It returns false, without starting
// f, once the group is cancelled: the caller stops handing out work.
func (g *group) Go(f func() error) bool {
	select {
	case <-g.ctx.Done():
		return false
	default:
	}
	select {
	case g.sem <- struct{}{}:
	case <-g.ctx.Done():
		return false
	}
	// A failing function cancels before it frees its slot, so this check
	// guarantees nothing new starts after the first error.
	if g.ctx.Err() != nil {
		<-g.sem
		return false
	}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer func() { <-g.sem }()
		defer func() {
			// A panicking fetch must not take the whole program (and the
			// operator's terminal) down from a background goroutine.
			if r := recover(); r != nil {
				g.fail(errors.New("httpx: page fetch panicked"))
			}
		}()
		if err := f(); err != nil {
			g.fail(err)
		}
	}()
	return true
}

func (g *group) fail(err error) {
	g.once.Do(func() {
		g.err = err
		g.cancel()
	})
}

// Wait waits for every started function and returns the first error, or the
// parent's error if it ended the group early.
func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel()
	if g.err != nil {
		return g.err
	}
	return g.parent.Err()
}
