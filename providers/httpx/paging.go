package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
)

// Paging. Every listing is bounded whatever the server answers: items kept
// (Bounds.MaxItems), requests (MaxPages) and time (Deadline, for the whole
// listing, on top of each request's own timeout). It stops on an empty
// page, on a page shorter than asked for, on a page that repeats an
// earlier one (a server ignoring the offset or the page number), on a
// next link that repeats, and on a page with more items than asked for.
// A total or last page beyond the bounds is reported, not followed; a
// total below what the first page holds is not trusted (pages are read
// while they are full).
//
// Loss is never silent. The result is the items read plus, when anything
// is missing, a *model.Incomplete: items the fetch could not read
// (Page.Dropped), or "truncated at N items: why". When every item sent
// failed, the error is not an Incomplete (see model.Incomplete.Err). Any
// other failure (a page's request failing after its retries) fails the
// listing: nil items and that error.
//
// Items that move between pages while a listing is read (new objects
// arriving during the fetch) can appear twice or not at all; with
// Listing.ID set, repeats are dropped.

// Defaults of Bounds.
const (
	DefaultMaxItems        = 1_000_000
	DefaultMaxPages        = 100_000
	DefaultListingDeadline = 2 * time.Minute
)

// Bounds limit the work of one listing.
type Bounds struct {
	MaxItems int           // items kept; more are cut off with a warning (0: DefaultMaxItems)
	MaxPages int           // requests (0: DefaultMaxPages)
	Deadline time.Duration // the whole listing, every page (0: DefaultListingDeadline)
}

// Override is b with o's set fields in place of b's (o's unset fields
// leave b's as they are).
func (b Bounds) Override(o Bounds) Bounds {
	if o.MaxItems > 0 {
		b.MaxItems = o.MaxItems
	}
	if o.MaxPages > 0 {
		b.MaxPages = o.MaxPages
	}
	if o.Deadline > 0 {
		b.Deadline = o.Deadline
	}
	return b
}

// WithDefaults fills unset fields.
func (b Bounds) WithDefaults() Bounds {
	if b.MaxItems <= 0 {
		b.MaxItems = DefaultMaxItems
	}
	if b.MaxPages <= 0 {
		b.MaxPages = DefaultMaxPages
	}
	if b.Deadline <= 0 {
		b.Deadline = DefaultListingDeadline
	}
	return b
}

// Listing describes one listing for Offsets and Numbered.
type Listing[T any] struct {
	Provider string // instance name, for messages
	What     string // plural noun of the items ("connections"), for messages
	// Limit is the page size asked for: required for Offsets; for
	// Numbered the per_page sent (0: unknown, only an empty page ends).
	Limit       int
	Concurrency int // pages in flight once the page count is known (default 1)
	Bounds      Bounds
	Progress    *model.Progress // pages: SetTotal when known, Add(1) per page; may be nil
	// ID identifies an item ("" for none). Items whose id was seen before
	// in the listing are dropped silently, and pages are compared by
	// their ids to notice a server that ignores the offset. Without it,
	// pages are compared by their first and last items' JSON.
	ID func(*T) string
	// First, when set, reads only the first items of the listing (an
	// event log's newest): reading stops, complete, once First items are
	// kept, and pages are read one after another.
	First int
}

// Page is one page as a fetch function read it.
type Page[T any] struct {
	Items      []T
	Dropped    int    // items the server sent that could not be read
	Problem    string // why the first of them could not be read
	Total      int    // items in the whole listing, as the server says ...
	TotalKnown bool   // ... when it says
	Last       int    // last page number (Numbered; 0: not said)
	Next       string // the server's next link, if it sent one
	More       bool   // the server said there are more pages, without a link
	End        bool   // the server said this is the last page (next: null)
	Overfull   bool   // the server sent more items than asked for; Items has the first ones
}

func (p *Page[T]) count() int { return len(p.Items) + p.Dropped }

var errListingDeadline = errors.New("listing deadline")

// Offsets reads an offset/limit listing (Fabric, IX-API envelopes,
// ProVision selectOffset/selectCount). The first page comes alone; when it
// carries a sane total, the rest run with at most Concurrency requests in
// flight, in offset order, else one after another while pages are full.
// If the first page is shorter than Limit while the total says there is
// more, the server capped the page size and that size is the step.
func Offsets[T any](ctx context.Context, l Listing[T], fetch func(ctx context.Context, offset, limit int) (Page[T], error)) ([]T, error) {
	if l.Limit <= 0 {
		return nil, errors.New("httpx: Offsets: limit must be positive")
	}
	r := newRun(ctx, l)
	defer r.cancel()
	first, err := fetch(r.ctx, 0, l.Limit)
	if err != nil {
		return nil, r.failed(err)
	}
	r.pages++
	n := first.count()
	step := l.Limit
	if r.alone(&first, step) {
		return r.finish()
	}
	if first.TotalKnown && first.Total > r.b.MaxItems {
		r.note = fmt.Sprintf("the server reports %d %s, more than max_items (%d)", first.Total, r.what(), r.b.MaxItems)
	}
	// A total below what the first page holds (total=0 with items) is not
	// trusted: read on while pages are full.
	trusted := first.TotalKnown && first.Total >= n
	more := (trusted && first.Total > n) || (!trusted && !first.End && (first.Next != "" || first.More))
	if n < step && more {
		step = n // the server caps the page size
	}
	planned := trusted && !first.End && first.Total <= r.b.MaxItems && l.First <= 0
	pages := 1
	if planned {
		pages = (first.Total + step - 1) / step
		if pages > r.b.MaxPages {
			r.note = fmt.Sprintf("the server reports %d %s, more than %d pages of %d", first.Total, r.what(), r.b.MaxPages, step)
			planned = false
		}
	}
	where := func(i int) string { return fmt.Sprintf("offset %d", i*step) }
	if planned {
		l.Progress.SetTotal(pages)
		l.Progress.Add(1)
		if pages == 1 {
			r.add(&first)
			return r.finish()
		}
		err := r.parallel(first, pages, step, where, func(ctx context.Context, i int) (Page[T], error) {
			return fetch(ctx, i*step, step)
		})
		if err != nil {
			return nil, err
		}
		if !r.in.Truncated && r.ended && first.Total-r.read > step {
			r.truncate(model.ErrBadResponse, "the server reports %d %s but its pages ended after %d", first.Total, r.what(), r.read)
		}
		return r.finish()
	}
	l.Progress.Add(1)
	offsets := []int{0} // of page i
	err = r.sequential(first, step, func(i int) string { return fmt.Sprintf("offset %d", offsets[i]) },
		func(ctx context.Context, i int, prev *Page[T]) (Page[T], error) {
			offsets = append(offsets, offsets[i-1]+prev.count())
			return fetch(ctx, offsets[i], step)
		})
	if err != nil {
		return nil, err
	}
	return r.finish()
}

// Numbered reads a page/per_page listing with meta.last_page (Packet,
// Metal). Pages start at 1. With a sane last page the rest run
// concurrently; without one, one after another until an empty page (or a
// short one, when Listing.Limit says the page size).
func Numbered[T any](ctx context.Context, l Listing[T], fetch func(ctx context.Context, page int) (Page[T], error)) ([]T, error) {
	r := newRun(ctx, l)
	defer r.cancel()
	first, err := fetch(r.ctx, 1)
	if err != nil {
		return nil, r.failed(err)
	}
	r.pages++
	n := first.count()
	perPage := l.Limit
	if r.alone(&first, perPage) {
		return r.finish()
	}
	where := func(i int) string { return fmt.Sprintf("page %d", i+1) }
	last := first.Last
	if last > r.b.MaxPages || (perPage > 0 && last > r.b.MaxItems/perPage+1) {
		r.note = fmt.Sprintf("the server reports %d pages, more than this listing reads", last)
		last = 0
	}
	if perPage > 0 && n < perPage && (last > 1 || (last == 0 && !first.End && (first.Next != "" || first.More))) {
		perPage = n // the server caps the page size: a page of n is a full one
	}
	if last >= 1 && !first.End && l.First <= 0 {
		l.Progress.SetTotal(last)
		l.Progress.Add(1)
		if last == 1 {
			r.add(&first)
			return r.finish()
		}
		if perPage <= 0 {
			perPage = n // the first of several pages is a full one
		}
		if err := r.parallel(first, last, perPage, where, func(ctx context.Context, i int) (Page[T], error) {
			return fetch(ctx, i+1)
		}); err != nil {
			return nil, err
		}
		return r.finish()
	}
	l.Progress.Add(1)
	err = r.sequential(first, perPage, where, func(ctx context.Context, i int, _ *Page[T]) (Page[T], error) {
		return fetch(ctx, i+1)
	})
	if err != nil {
		return nil, err
	}
	return r.finish()
}

// Linked reads a listing by following the server's next links (Metal's
// meta.next): first is the first page's link, each page's Next the link
// to the one after it ("" ends the listing), and fetch reads one link.
// Links must be spelled the same way for the same page (resolved and
// normalised by the provider): a next link back to a page already read
// ends the listing, reported, without requesting it again. Pages are read
// one after another, since each link is only known from the page before.
//
// Besides the shared rules, the server's own count ends the listing: a
// next link past Page.Last, or past the page where Page.Total items have
// been read, is not followed. A total below what was already read is not
// trusted (the links are followed while pages are full); a total well
// above what the pages gave is reported.
func Linked[T any](ctx context.Context, l Listing[T], first string, fetch func(ctx context.Context, link string) (Page[T], error)) ([]T, error) {
	r := newRun(ctx, l)
	defer r.cancel()
	p, err := fetch(r.ctx, first)
	if err != nil {
		return nil, r.failed(err)
	}
	r.pages++
	l.Progress.Add(1)
	n := p.count()
	step := l.Limit
	switch {
	case n == 0:
		return r.finish()
	case p.Overfull:
		r.add(&p)
		r.overfull(step)
		return r.finish()
	}
	if p.Next != "" && (step <= 0 || n < step) {
		step = n // the server caps the page size: a page of n is a full one
	}
	total, trusted := p.Total, p.TotalKnown && p.Total >= n
	switch {
	case trusted && total > r.b.MaxItems:
		r.note = fmt.Sprintf("the server reports %d %s, more than max_items (%d)", total, r.what(), r.b.MaxItems)
	case p.Last > r.b.MaxPages:
		r.note = fmt.Sprintf("the server reports %d pages, more than this listing reads", p.Last)
	}
	// follow takes page i's next link out of the page (links are
	// checked here, before they are followed, so a page whose link loops
	// is still kept) and ends the page when there is no link or the
	// server's own count says it is the last.
	var next string
	follow := func(i int, pg *Page[T]) {
		before := r.read
		next, pg.Next = pg.Next, ""
		if next == "" || (pg.Last > 0 && i+1 >= pg.Last) ||
			(pg.TotalKnown && pg.Total > before && pg.Total <= before+pg.count()) {
			pg.End = true
		}
	}
	follow(0, &p)
	links := map[string]int{first: 0}
	where := func(i int) string { return fmt.Sprintf("page %d", i+1) }
	err = r.sequential(p, step, where, func(ctx context.Context, i int, _ *Page[T]) (Page[T], error) {
		if j, seen := links[next]; seen {
			return Page[T]{}, &stopListing{cause: model.ErrBadResponse,
				reason: fmt.Sprintf("the server's next link at %s points back to %s (its paging loops)", where(i-1), where(j))}
		}
		links[next] = i
		pg, err := fetch(ctx, next)
		if err == nil {
			follow(i, &pg)
		}
		return pg, err
	})
	if err != nil {
		return nil, err
	}
	if !r.in.Truncated && !r.enough && r.note == "" && trusted && total-r.read > step {
		r.truncate(model.ErrBadResponse, "the server reports %d %s but its pages ended after %d", total, r.what(), r.read)
	}
	return r.finish()
}

// Unpaged reads a listing the server answers in one response (a list no
// API pages): fetch reads it, at most Bounds.MaxItems items (it sets
// Page.Overfull past them, which is reported as the bound).
func Unpaged[T any](ctx context.Context, l Listing[T], fetch func(ctx context.Context) (Page[T], error)) ([]T, error) {
	l.Limit = l.Bounds.WithDefaults().MaxItems
	return Numbered(ctx, l, func(ctx context.Context, _ int) (Page[T], error) {
		p, err := fetch(ctx)
		// The answer is the whole listing, whatever it says of pages.
		p.End, p.Next, p.More, p.Last = true, "", false, 0
		return p, err
	})
}

// stopListing, returned by a page's fetch, ends a sequential listing
// there as truncated (cause, reason), keeping what was read.
type stopListing struct {
	cause  error
	reason string
}

func (s *stopListing) Error() string { return s.reason }

// alone reports whether the first page ends the listing by itself (it is
// empty, or holds more than the limit asked for), and keeps it if so.
func (r *run[T]) alone(first *Page[T], limit int) bool {
	switch {
	case first.count() == 0:
		r.l.Progress.SetTotal(1)
	case first.Overfull:
		r.add(first)
		r.overfull(limit)
	default:
		return false
	}
	r.l.Progress.Add(1)
	return true
}

// run is the state of one listing.
type run[T any] struct {
	l      Listing[T]
	b      Bounds
	parent context.Context
	ctx    context.Context // parent plus the listing deadline
	cancel context.CancelFunc
	items  []T
	seen   map[string]struct{}
	fps    map[uint64]int   // page fingerprint -> page index
	nexts  map[string]int   // next link -> page index
	in     model.Incomplete // what is missing so far
	note   string           // a server claim beyond the bounds, said with the result
	capped bool             // MaxItems cut the listing
	enough bool             // Listing.First items are kept: the listing is read
	pages  int              // requests made
	read   int              // items the server sent on the pages kept, readable or not
	ended  bool             // a page before the planned last one was short
	mu     sync.Mutex       // fps and nexts, for concurrent pages
	dedupe func(*T) string
}

func newRun[T any](ctx context.Context, l Listing[T]) *run[T] {
	b := l.Bounds.WithDefaults()
	lctx, cancel := context.WithTimeoutCause(ctx, b.Deadline, errListingDeadline)
	r := &run[T]{l: l, b: b, parent: ctx, ctx: lctx, cancel: cancel,
		fps: map[uint64]int{}, nexts: map[string]int{}, dedupe: l.ID}
	if l.ID != nil {
		r.seen = map[string]struct{}{}
	}
	return r
}

func (r *run[T]) what() string {
	if r.l.What != "" {
		return r.l.What
	}
	return "items"
}

// deadline reports whether the listing's own deadline (not the caller)
// ended ctx.
func (r *run[T]) deadline() bool {
	return r.parent.Err() == nil && context.Cause(r.ctx) == errListingDeadline
}

// failed is the error of a listing that read nothing.
func (r *run[T]) failed(err error) error {
	if r.deadline() {
		return fmt.Errorf("%w: %s: no page arrived within the listing deadline of %s", context.DeadlineExceeded, r.what(), r.b.Deadline)
	}
	return err
}

func (r *run[T]) truncate(cause error, format string, args ...any) {
	if r.in.Truncated {
		return
	}
	r.in.Truncated, r.in.Cause, r.in.Reason = true, cause, fmt.Sprintf(format, args...)
}

func (r *run[T]) overfull(limit int) {
	if limit >= r.b.MaxItems {
		r.truncate(model.ErrTooLarge, "the server sent more than max_items (%d) in one answer", r.b.MaxItems)
		return
	}
	r.truncate(model.ErrBadResponse, "the server sent more than the %d %s asked for in one page", limit, r.what())
}

// add keeps a page's items (dropping ids seen before) within MaxItems. It
// reports false when the bound cut the page.
func (r *run[T]) add(p *Page[T]) bool {
	r.read += p.count()
	r.in.Dropped += p.Dropped
	if r.in.DropReason == "" && p.Dropped > 0 {
		r.in.DropReason = truncateRunes(Sanitize(p.Problem), 200)
	}
	for i := range p.Items {
		if r.dedupe != nil {
			if id := r.dedupe(&p.Items[i]); id != "" {
				if _, dup := r.seen[id]; dup {
					continue
				}
				r.seen[id] = struct{}{}
			}
		}
		if r.l.First > 0 && len(r.items) >= r.l.First {
			r.enough = true
			return false
		}
		if len(r.items) >= r.b.MaxItems {
			r.truncate(model.ErrTooLarge, "the listing has more than max_items (%d)", r.b.MaxItems)
			r.capped = true
			return false
		}
		r.items = append(r.items, p.Items[i])
	}
	return true
}

// repeats reports whether page i repeats an earlier page j (same items,
// or the same next link), and remembers page i otherwise.
func (r *run[T]) repeats(p *Page[T], i int) (j int, byNext, dup bool) {
	fp := r.fingerprint(p)
	// Only links are compared: a next that is a flag or a constant
	// cursor says nothing about where it points.
	link := p.Next
	if !strings.ContainsAny(link, "/?") {
		link = ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if j, seen := r.fps[fp]; seen && j != i {
		return j, false, true
	}
	if j, seen := r.nexts[link]; seen && link != "" && j != i {
		return j, true, true
	}
	r.fps[fp] = i
	if link != "" {
		r.nexts[link] = i
	}
	return 0, false, false
}

func (r *run[T]) repeated(i, j int, byNext bool, where func(int) string) {
	a, b := min(i, j), max(i, j)
	if byNext {
		r.truncate(model.ErrBadResponse, "the server's next link at %s repeats the one at %s (its paging loops)", where(b), where(a))
		return
	}
	r.truncate(model.ErrBadResponse, "the server answered %s with the same page as %s (it ignores the paging parameters)", where(b), where(a))
}

// fingerprint identifies a page by its size and its first and last items.
func (r *run[T]) fingerprint(p *Page[T]) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%d/", len(p.Items), p.Dropped)
	if len(p.Items) > 0 {
		for _, it := range []*T{&p.Items[0], &p.Items[len(p.Items)-1]} {
			if r.l.ID != nil {
				h.Write([]byte(r.l.ID(it)))
			} else {
				b, _ := json.Marshal(it)
				h.Write(b)
			}
			h.Write([]byte{0})
		}
	}
	return h.Sum64()
}

// sequential reads pages after first one by one. fetch(i) reads page
// index i (0 is first); step is the page size asked for (0: unknown).
func (r *run[T]) sequential(first Page[T], step int, where func(int) string,
	fetch func(ctx context.Context, i int, prev *Page[T]) (Page[T], error)) error {
	r.repeats(&first, 0)
	if !r.add(&first) || first.End || (step > 0 && first.count() < step) {
		return nil
	}
	prev := first
	for i := 1; ; i++ {
		if r.pages >= r.b.MaxPages {
			r.truncate(model.ErrTooLarge, "stopped after %d pages, the most one listing reads", r.pages)
			return nil
		}
		p, err := fetch(r.ctx, i, &prev)
		if err != nil {
			if st := (*stopListing)(nil); errors.As(err, &st) {
				r.truncate(st.cause, "%s", st.reason)
				return nil
			}
			if r.deadline() {
				r.truncate(context.DeadlineExceeded, "the listing took longer than %s", r.b.Deadline)
				return nil
			}
			return err
		}
		r.pages++
		r.l.Progress.Add(1)
		n := p.count()
		if n == 0 {
			return nil
		}
		if j, byNext, dup := r.repeats(&p, i); dup {
			r.repeated(i, j, byNext, where)
			return nil
		}
		if !r.add(&p) {
			return nil
		}
		if p.Overfull {
			r.overfull(step)
			return nil
		}
		if p.End || (step > 0 && n < step) {
			return nil
		}
		prev = p
	}
}

// parallel reads pages 1..pages-1 (first is page 0) with bounded
// concurrency. A page that ends the listing early (short, empty, overfull,
// or a repeat) stops it there: later pages are cancelled or not started,
// and their items are not kept.
func (r *run[T]) parallel(first Page[T], pages, step int, where func(int) string,
	fetch func(ctx context.Context, i int) (Page[T], error)) error {
	r.repeats(&first, 0)
	results := make([]*Page[T], pages)
	results[0] = &first
	var (
		mu      sync.Mutex
		stop    = pages // pages from stop on are not wanted
		why     func()  // sets the truncation reason of the stop, if any
		cancels = make([]context.CancelFunc, pages)
	)
	stopAt := func(i int, reason func()) {
		mu.Lock()
		defer mu.Unlock()
		if i >= stop {
			return
		}
		stop, why = i, reason
		for j := i; j < pages; j++ {
			if cancels[j] != nil {
				cancels[j]()
			}
		}
	}
	g, gctx := newGroup(r.ctx, r.l.Concurrency)
	for i := 1; i < pages; i++ {
		mu.Lock()
		if i >= stop {
			mu.Unlock()
			break
		}
		pctx, cancel := context.WithCancel(gctx)
		cancels[i] = cancel
		mu.Unlock()
		ok := g.Go(func() error {
			defer cancel()
			p, err := fetch(pctx, i)
			mu.Lock()
			wanted := i < stop
			mu.Unlock()
			if !wanted {
				return nil // cut off by an earlier page: its outcome does not matter
			}
			if err != nil {
				return err
			}
			r.l.Progress.Add(1)
			mu.Lock()
			results[i] = &p
			mu.Unlock()
			switch {
			case p.Overfull:
				stopAt(i+1, func() { r.overfull(step) })
			case p.count() < step && i < pages-1:
				stopAt(i+1, func() { r.ended = true })
			}
			if p.count() > 0 {
				if j, byNext, dup := r.repeats(&p, i); dup {
					stopAt(max(i, j), func() { r.repeated(i, j, byNext, where) })
				}
			}
			return nil
		})
		if !ok {
			break
		}
	}
	err := g.Wait()
	r.pages += pages - 1 // an upper bound: some may not have started
	if err != nil && !r.deadline() {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	for i := 0; i < stop; i++ {
		p := results[i]
		if p == nil {
			r.truncate(context.DeadlineExceeded, "the listing took longer than %s", r.b.Deadline)
			return nil
		}
		if !r.add(p) {
			return nil
		}
	}
	if why != nil {
		why()
	}
	return nil
}

// finish returns the items with what is missing.
func (r *run[T]) finish() ([]T, error) {
	r.in.Provider, r.in.What, r.in.Got = r.l.Provider, r.l.What, len(r.items)
	if r.note != "" && !r.enough {
		switch {
		case r.capped:
			r.in.Reason = r.note // it says the same, with the server's number
		case r.in.Truncated:
			r.in.Reason, r.in.Cause = r.note+"; "+r.in.Reason, model.ErrTooLarge
		default:
			r.truncate(model.ErrTooLarge, "%s; its pages ended after %d", r.note, r.read)
		}
	}
	if !r.in.Lossy() {
		return r.items, nil
	}
	in := r.in
	return r.items, in.Err()
}

// OffsetPages is Offsets with default bounds for a fetch that returns the
// page's items and the listing's total (< 0: unknown).
func OffsetPages[T any](ctx context.Context, limit, concurrency int, p *model.Progress,
	fetch func(ctx context.Context, offset, limit int) (items []T, total int, err error)) ([]T, error) {
	if limit <= 0 {
		return nil, errors.New("httpx: OffsetPages: limit must be positive")
	}
	return Offsets(ctx, Listing[T]{Limit: limit, Concurrency: concurrency, Progress: p},
		func(ctx context.Context, offset, limit int) (Page[T], error) {
			items, total, err := fetch(ctx, offset, limit)
			return Page[T]{Items: items, Total: total, TotalKnown: total >= 0}, err
		})
}

// NumberedPages is Numbered with default bounds for a fetch that returns
// the page's items and the last page number (0 if unknown: sequential
// until an empty page). Pages start at 1.
func NumberedPages[T any](ctx context.Context, concurrency int, p *model.Progress,
	fetch func(ctx context.Context, page int) (items []T, lastPage int, err error)) ([]T, error) {
	return Numbered(ctx, Listing[T]{Concurrency: concurrency, Progress: p},
		func(ctx context.Context, page int) (Page[T], error) {
			items, last, err := fetch(ctx, page)
			return Page[T]{Items: items, Last: last}, err
		})
}

// UntilShort reads offset pages one after another until a page shorter
// than limit (ProVision selectCount/selectOffset), keeping at most
// maxItems (0: DefaultMaxItems).
func UntilShort[T any](ctx context.Context, limit, maxItems int, p *model.Progress,
	fetch func(ctx context.Context, offset, limit int) ([]T, error)) ([]T, error) {
	if limit <= 0 {
		return nil, errors.New("httpx: UntilShort: limit must be positive")
	}
	return Offsets(ctx, Listing[T]{Limit: limit, Progress: p, Bounds: Bounds{MaxItems: maxItems}},
		func(ctx context.Context, offset, limit int) (Page[T], error) {
			items, err := fetch(ctx, offset, limit)
			return Page[T]{Items: items}, err
		})
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
