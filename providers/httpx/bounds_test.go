package httpx

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// hostileListing is an offset listing over 0..n-1 with a misbehaviour.
type hostileListing struct {
	n        int
	total    int  // reported total
	known    bool // total is reported
	ignore   bool // the offset is ignored: every page is the first
	overfull int  // items sent beyond the limit on every page
	nextSelf bool // every page links to the same next page
	dropEach int  // every dropEach-th item is unreadable (0: none)
	delay    time.Duration
	calls    atomic.Int32
}

func (h *hostileListing) fetch(ctx context.Context, offset, limit int) (Page[int], error) {
	h.calls.Add(1)
	if err := sleepCtx(ctx, h.delay); err != nil {
		return Page[int]{}, err
	}
	if h.ignore {
		offset = 0
	}
	var p Page[int]
	for i := offset; i < min(offset+limit+h.overfull, h.n); i++ {
		if p.count() >= limit {
			p.Overfull = true
			break
		}
		if h.dropEach > 0 && i%h.dropEach == 0 {
			p.Dropped++
			p.Problem = "item without an id"
			continue
		}
		p.Items = append(p.Items, i)
	}
	p.Total, p.TotalKnown = h.total, h.known
	if h.nextSelf {
		p.Next = "/items?offset=0"
	} else if offset+limit < h.n {
		p.Next = "/items?offset=" + strconv.Itoa(offset+limit)
	}
	return p, nil
}

func listingOf(limit, conc int, b Bounds) Listing[int] {
	return Listing[int]{Provider: "test", What: "things", Limit: limit, Concurrency: conc, Bounds: b,
		ID: func(v *int) string { return strconv.Itoa(*v) }}
}

func TestOffsetsBounds(t *testing.T) {
	tests := []struct {
		name      string
		h         *hostileListing
		limit     int
		conc      int
		bounds    Bounds
		wantItems int
		maxCalls  int32
		wantErr   []string // substrings of the error; nil: no error
		wantIs    error
		complete  bool // no error at all
	}{
		{name: "honest, known total", h: &hostileListing{n: 1000, total: 1000, known: true}, limit: 100, conc: 4,
			wantItems: 1000, maxCalls: 10, complete: true},
		{name: "honest, unknown total", h: &hostileListing{n: 950}, limit: 100, conc: 4,
			wantItems: 950, maxCalls: 10, complete: true},
		{name: "offset ignored, unknown total", h: &hostileListing{n: 1 << 30, ignore: true}, limit: 100,
			wantItems: 100, maxCalls: 2, wantErr: []string{"test: things truncated at 100 items", "answered offset 100 with the same page as offset 0"}, wantIs: model.ErrBadResponse},
		{name: "offset ignored, known total, concurrent", h: &hostileListing{n: 1 << 30, total: 50_000, known: true, ignore: true, delay: time.Millisecond}, limit: 100, conc: 4,
			wantItems: 100, maxCalls: 12, wantErr: []string{"with the same page as offset 0"}, wantIs: model.ErrBadResponse},
		{name: "next link to itself", h: &hostileListing{n: 1 << 30, nextSelf: true}, limit: 100,
			wantItems: 100, maxCalls: 2, wantErr: []string{"next link at offset 100 repeats the one at offset 0"}},
		{name: "huge total, empty later pages", h: &hostileListing{n: 100, total: 9_999_999, known: true}, limit: 100, conc: 8,
			wantItems: 100, maxCalls: 2, wantErr: []string{"reports 9999999 things, more than max_items (1000000)", "its pages ended after 100"}, wantIs: model.ErrTooLarge},
		{name: "total too high but under the cap", h: &hostileListing{n: 100, total: 900_000, known: true, delay: time.Millisecond}, limit: 100, conc: 4,
			wantItems: 100, maxCalls: 12, wantErr: []string{"reports 900000 things but its pages ended after 100"}},
		{name: "total=0 with items: read while full", h: &hostileListing{n: 250, total: 0, known: true}, limit: 100,
			wantItems: 250, maxCalls: 3, complete: true},
		{name: "server caps the page size", h: &hostileListing{n: 500, total: 500, known: true}, limit: 1000, conc: 2,
			wantItems: 500, maxCalls: 1, complete: true},
		{name: "max items", h: &hostileListing{n: 1 << 30}, limit: 100, bounds: Bounds{MaxItems: 250},
			wantItems: 250, maxCalls: 3, wantErr: []string{"things truncated at 250 items: the listing has more than max_items (250)"}, wantIs: model.ErrTooLarge},
		{name: "max items, exactly", h: &hostileListing{n: 300}, limit: 100, bounds: Bounds{MaxItems: 300},
			wantItems: 300, maxCalls: 4, complete: true},
		{name: "max pages", h: &hostileListing{n: 1 << 30}, limit: 10, bounds: Bounds{MaxPages: 5},
			wantItems: 50, maxCalls: 5, wantErr: []string{"stopped after 5 pages"}, wantIs: model.ErrTooLarge},
		{name: "overfull page", h: &hostileListing{n: 1 << 30, overfull: 1_000_000}, limit: 100,
			wantItems: 100, maxCalls: 1, wantErr: []string{"sent more than the 100 things asked for in one page"}, wantIs: model.ErrBadResponse},
		{name: "overfull later page, concurrent", h: &hostileListing{n: 1000, total: 1000, known: true, overfull: 5}, limit: 100, conc: 4,
			wantItems: 100, maxCalls: 5, wantErr: []string{"more than the 100 things"}},
		{name: "unreadable items counted", h: &hostileListing{n: 300, dropEach: 25}, limit: 100,
			wantItems: 288, maxCalls: 4, wantErr: []string{"12 of 300 things could not be read: item without an id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Offsets(context.Background(), listingOf(tt.limit, tt.conc, tt.bounds), tt.h.fetch)
			if len(items) != tt.wantItems {
				t.Errorf("%d items, want %d", len(items), tt.wantItems)
			}
			for i, v := range items {
				if (tt.h.dropEach == 0 && v != i) || (i > 0 && v <= items[i-1]) {
					t.Fatalf("item %d is %d: out of order", i, v)
				}
			}
			if c := tt.h.calls.Load(); c > tt.maxCalls {
				t.Errorf("%d requests, want at most %d", c, tt.maxCalls)
			}
			if tt.complete {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var in *model.Incomplete
			if !errors.As(err, &in) {
				t.Fatalf("err = %v, want an *model.Incomplete", err)
			}
			if in.Got != len(items) {
				t.Errorf("Got %d, returned %d", in.Got, len(items))
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q\nlacks %q", err, s)
				}
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
		})
	}
}

func TestOffsetsEveryItemUnreadable(t *testing.T) {
	fetch := func(ctx context.Context, offset, limit int) (Page[int], error) {
		if offset > 0 {
			return Page[int]{}, nil
		}
		return Page[int]{Dropped: 40, Problem: "connection without a uuid"}, nil
	}
	items, err := Offsets(context.Background(), listingOf(100, 1, Bounds{}), fetch)
	var in *model.Incomplete
	if err == nil || errors.As(err, &in) || !errors.Is(err, model.ErrBadResponse) || len(items) != 0 {
		t.Fatalf("err %v, %d items: every item failing must be an error, not partial data", err, len(items))
	}
	if !strings.Contains(err.Error(), "none of 40 things could be read: connection without a uuid") {
		t.Fatalf("message %q", err)
	}
}

func TestOffsetsDeadline(t *testing.T) {
	// Every page arrives in time on its own; the listing as a whole does not.
	var calls atomic.Int32
	fetch := func(ctx context.Context, offset, limit int) (Page[int], error) {
		calls.Add(1)
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return Page[int]{}, err
		}
		p := Page[int]{}
		if offset >= 1000 {
			return p, nil // ends after 2 s: only the deadline stops it sooner
		}
		for i := offset; i < offset+limit; i++ {
			p.Items = append(p.Items, i)
		}
		return p, nil
	}
	start := time.Now()
	items, err := Offsets(context.Background(), listingOf(10, 1, Bounds{Deadline: 150 * time.Millisecond}), fetch)
	if el := time.Since(start); el > time.Second {
		t.Fatalf("the listing ran %v", el)
	}
	var in *model.Incomplete
	if !errors.As(err, &in) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "took longer than 150ms") {
		t.Fatalf("err %v", err)
	}
	if len(items) == 0 || len(items) != in.Got || len(items)%10 != 0 {
		t.Fatalf("%d items kept (Got %d): the pages read before the deadline are kept whole", len(items), in.Got)
	}

	// Concurrent pages: what came in order before the deadline is kept.
	items, err = Offsets(context.Background(), listingOf(10, 3, Bounds{Deadline: 150 * time.Millisecond}),
		func(ctx context.Context, offset, limit int) (Page[int], error) {
			p, err := fetch(ctx, offset, limit)
			p.Total, p.TotalKnown = 100_000, true
			return p, err
		})
	if !errors.As(err, &in) || !errors.Is(err, context.DeadlineExceeded) || len(items) == 0 {
		t.Fatalf("concurrent: err %v, %d items", err, len(items))
	}
	for i, v := range items {
		if v != i {
			t.Fatalf("concurrent: a hole at %d", i)
		}
	}

	// Nothing arrived at all: an error, not an empty success.
	_, err = Offsets(context.Background(), listingOf(10, 1, Bounds{Deadline: 30 * time.Millisecond}),
		func(ctx context.Context, offset, limit int) (Page[int], error) {
			<-ctx.Done()
			return Page[int]{}, ctx.Err()
		})
	if err == nil || errors.As(err, &in) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("no page: %v", err)
	}

	// The caller's own cancellation is not a deadline: it stays an error.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = Offsets(ctx, listingOf(10, 1, Bounds{}), fetch)
	if !errors.Is(err, context.Canceled) || errors.As(err, &in) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestOffsetsDedupesByID(t *testing.T) {
	// An item moving between pages during the listing shows up twice.
	pages := map[int][]int{0: {0, 1, 2}, 3: {2, 3, 4}, 6: {5}}
	items, err := Offsets(context.Background(), listingOf(3, 1, Bounds{}), func(ctx context.Context, offset, limit int) (Page[int], error) {
		return Page[int]{Items: pages[offset]}, nil
	})
	if err != nil || len(items) != 6 {
		t.Fatalf("items %v, err %v", items, err)
	}
}

func TestNumberedBounds(t *testing.T) {
	tests := []struct {
		name      string
		last      int
		perPage   int // Listing.Limit
		serve     func(page int) []int
		wantItems int
		maxCalls  int32
		wantErr   string
	}{
		{name: "page number ignored", perPage: 10, serve: func(int) []int { return seqFrom(0, 10) },
			wantItems: 10, maxCalls: 2, wantErr: "answered page 2 with the same page as page 1"},
		{name: "page number ignored, last known", last: 5000, serve: func(int) []int { return seqFrom(0, 10) },
			wantItems: 10, maxCalls: 12, wantErr: "the same page as page 1"},
		{name: "absurd last page, empty later pages", last: 1 << 30, serve: func(p int) []int {
			if p == 1 {
				return seqFrom(0, 10)
			}
			return nil
		}, wantItems: 10, maxCalls: 2, wantErr: "reports 1073741824 pages"},
		{name: "short page ends when the size is known", perPage: 10, serve: func(p int) []int { return seqFrom((p-1)*10, min(10, 25-(p-1)*10)) },
			wantItems: 25, maxCalls: 3},
		{name: "overfull", perPage: 10, serve: func(p int) []int { return seqFrom((p-1)*10, 11) },
			wantItems: 10, maxCalls: 1, wantErr: "more than the 10 things"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			l := listingOf(tt.perPage, 4, Bounds{})
			items, err := Numbered(context.Background(), l, func(ctx context.Context, page int) (Page[int], error) {
				calls.Add(1)
				p := Page[int]{Items: tt.serve(page), Last: tt.last}
				if tt.perPage > 0 && len(p.Items) > tt.perPage {
					p.Items, p.Overfull = p.Items[:tt.perPage], true
				}
				return p, nil
			})
			if len(items) != tt.wantItems || calls.Load() > tt.maxCalls {
				t.Fatalf("%d items after %d requests (%v)", len(items), calls.Load(), err)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var in *model.Incomplete
			if !errors.As(err, &in) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func seqFrom(from, n int) []int {
	out := make([]int, 0, max(n, 0))
	for i := range max(n, 0) {
		out = append(out, from+i)
	}
	return out
}
