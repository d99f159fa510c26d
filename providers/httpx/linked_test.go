package httpx

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/noctop/noctop/model"
)

// linkedServer serves items 0..n-1 in pages of size (page p at link
// "/l?page=p"), with next links made by next (nil: the honest one).
type linkedServer struct {
	n, size int
	total   int // reported when > 0
	last    int // reported when > 0
	next    func(page int) string
	calls   atomic.Int32
}

func (s *linkedServer) fetch(_ context.Context, link string) (Page[int], error) {
	s.calls.Add(1)
	var page int
	if _, err := fmt.Sscanf(link, "/l?page=%d", &page); err != nil {
		return Page[int]{}, fmt.Errorf("bad link %q", link)
	}
	var p Page[int]
	for i := (page - 1) * s.size; i < min(page*s.size, s.n); i++ {
		p.Items = append(p.Items, i)
	}
	p.Total, p.TotalKnown, p.Last = s.total, s.total > 0, s.last
	switch {
	case s.next != nil:
		p.Next = s.next(page)
	case page*s.size < s.n:
		p.Next = fmt.Sprintf("/l?page=%d", page+1)
	}
	return p, nil
}

func TestLinked(t *testing.T) {
	tests := []struct {
		name      string
		s         *linkedServer
		limit     int
		bounds    Bounds
		wantItems int
		wantCalls int32
		wantErr   string // "": complete
		wantIs    error
	}{
		{name: "honest", s: &linkedServer{n: 25, size: 10}, limit: 10, wantItems: 25, wantCalls: 3},
		{name: "the server caps the page size", s: &linkedServer{n: 25, size: 4}, limit: 10, wantItems: 25, wantCalls: 7},
		{name: "next to itself", s: &linkedServer{n: 1 << 20, size: 10, next: func(int) string { return "/l?page=1" }}, limit: 10,
			wantItems: 10, wantCalls: 1, wantErr: "next link at page 1 points back to page 1", wantIs: model.ErrBadResponse},
		{name: "next back to an earlier page", s: &linkedServer{n: 1 << 20, size: 10, next: func(p int) string {
			if p == 3 {
				return "/l?page=2"
			}
			return fmt.Sprintf("/l?page=%d", p+1)
		}}, limit: 10, wantItems: 30, wantCalls: 3, wantErr: "next link at page 3 points back to page 2"},
		{name: "last page ends it while next keeps coming", s: &linkedServer{n: 1 << 20, size: 10, last: 2}, limit: 10, wantItems: 20, wantCalls: 2},
		{name: "the total ends it while next keeps coming", s: &linkedServer{n: 1 << 20, size: 10, total: 15}, limit: 10, wantItems: 20, wantCalls: 2},
		{name: "huge total, pages end", s: &linkedServer{n: 30, size: 10, total: 9_999_999}, limit: 10, wantItems: 30, wantCalls: 3,
			wantErr: "the server reports 9999999 things, more than max_items (1000000); its pages ended after 30", wantIs: model.ErrTooLarge},
		{name: "a total the pages do not reach", s: &linkedServer{n: 30, size: 10, total: 500}, limit: 10, wantItems: 30, wantCalls: 3,
			wantErr: "the server reports 500 things but its pages ended after 30", wantIs: model.ErrBadResponse},
		{name: "absurd last page", s: &linkedServer{n: 30, size: 10, last: 1 << 30}, limit: 10, wantItems: 30, wantCalls: 3,
			wantErr: "reports 1073741824 pages"},
		{name: "endless links hit max pages", s: &linkedServer{n: 1 << 30, size: 1}, limit: 1, bounds: Bounds{MaxPages: 50},
			wantItems: 50, wantCalls: 50, wantErr: "stopped after 50 pages", wantIs: model.ErrTooLarge},
		{name: "max items", s: &linkedServer{n: 1000, size: 10}, limit: 10, bounds: Bounds{MaxItems: 35},
			wantItems: 35, wantCalls: 4, wantErr: "more than max_items (35)", wantIs: model.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Linked(context.Background(), listingOf(tt.limit, 1, tt.bounds), "/l?page=1", tt.s.fetch)
			if len(items) != tt.wantItems || tt.s.calls.Load() != tt.wantCalls {
				t.Fatalf("%d items after %d requests, want %d after %d (%v)", len(items), tt.s.calls.Load(), tt.wantItems, tt.wantCalls, err)
			}
			for i, v := range items {
				if v != i {
					t.Fatalf("item %d is %d: order lost", i, v)
				}
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var in *model.Incomplete
			if !errors.As(err, &in) || in.Got != len(items) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err %v, want an Incomplete saying %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Fatalf("err %v is not %v", err, tt.wantIs)
			}
		})
	}
}

// A failing first page fails the listing; a failing later one too (no
// partial data passed off as the listing).
func TestLinkedFetchErrors(t *testing.T) {
	boom := errors.New("boom")
	for _, failAt := range []int{1, 2} {
		calls := 0
		items, err := Linked(context.Background(), listingOf(1, 1, Bounds{}), "/l?page=1", func(_ context.Context, link string) (Page[int], error) {
			calls++
			if calls == failAt {
				return Page[int]{}, boom
			}
			return Page[int]{Items: []int{calls}, Next: fmt.Sprintf("/l?page=%d", calls+1)}, nil
		})
		if !errors.Is(err, boom) || items != nil {
			t.Fatalf("fail at %d: %v, %v", failAt, items, err)
		}
	}
}

func TestUnpaged(t *testing.T) {
	calls := 0
	fetch := func(n int, overfull bool) func(context.Context) (Page[int], error) {
		return func(context.Context) (Page[int], error) {
			calls++
			return Page[int]{Items: seqFrom(0, n), Overfull: overfull, Next: "/more", Last: 9}, nil
		}
	}
	items, err := Unpaged(context.Background(), listingOf(0, 1, Bounds{}), fetch(7, false))
	if err != nil || len(items) != 7 || calls != 1 {
		t.Fatalf("%d items after %d requests: %v", len(items), calls, err)
	}
	calls = 0
	items, err = Unpaged(context.Background(), listingOf(0, 1, Bounds{MaxItems: 5}), fetch(5, true))
	if !errors.Is(err, model.ErrTooLarge) || len(items) != 5 || calls != 1 || !strings.Contains(err.Error(), "more than max_items (5) in one answer") {
		t.Fatalf("%d items after %d requests: %v", len(items), calls, err)
	}
}

// Listing.First: the first N items, read page by page, and no warning
// for the rest.
func TestFirstItemsOnly(t *testing.T) {
	var calls atomic.Int32
	l := listingOf(10, 4, Bounds{})
	l.First = 25
	items, err := Numbered(context.Background(), l, func(_ context.Context, page int) (Page[int], error) {
		calls.Add(1)
		return Page[int]{Items: seqFrom((page-1)*10, 10), Last: 1 << 30}, nil
	})
	if err != nil || len(items) != 25 || calls.Load() != 3 {
		t.Fatalf("%d items after %d requests: %v", len(items), calls.Load(), err)
	}
}

// A server that serves fewer items per page than asked for, with the
// page count known: its page size is the step, so the pages read
// concurrently are not taken for the end of the listing.
func TestNumberedServerCapsPageSize(t *testing.T) {
	var calls atomic.Int32
	items, err := Numbered(context.Background(), listingOf(100, 4, Bounds{}), func(_ context.Context, page int) (Page[int], error) {
		calls.Add(1)
		return Page[int]{Items: seqFrom((page-1)*4, min(4, 23-(page-1)*4)), Last: 6}, nil
	})
	if err != nil || len(items) != 23 || calls.Load() != 6 {
		t.Fatalf("%d items after %d requests: %v", len(items), calls.Load(), err)
	}
}
