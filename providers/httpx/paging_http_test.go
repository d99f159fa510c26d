package httpx

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// listingServer serves n items as offset/limit pages with a total, like
// Fabric's search responses, after a fixed latency per request.
func listingServer(n int, latency time.Duration, inflight, maxSeen *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			m := maxSeen.Load()
			if cur <= m || maxSeen.CompareAndSwap(m, cur) {
				break
			}
		}
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var page struct {
			Pagination struct {
				Offset int `json:"offset"`
				Limit  int `json:"limit"`
				Total  int `json:"total"`
			} `json:"pagination"`
			Data []int `json:"data"`
		}
		page.Pagination.Offset, page.Pagination.Limit, page.Pagination.Total = offset, limit, n
		for i := offset; i < min(offset+limit, n); i++ {
			page.Data = append(page.Data, i)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(page)
	})
}

// fetchItems is how a provider wires Client.Do into OffsetPages.
func fetchItems(c *Client) func(ctx context.Context, offset, limit int) ([]int, int, error) {
	return func(ctx context.Context, offset, limit int) ([]int, int, error) {
		var page struct {
			Pagination struct {
				Total int `json:"total"`
			} `json:"pagination"`
			Data []int `json:"data"`
		}
		_, err := c.Do(ctx, Request{Method: "GET", Path: "/items?offset=" + strconv.Itoa(offset) + "&limit=" + strconv.Itoa(limit)}, &page)
		return page.Data, page.Pagination.Total, err
	}
}

func TestOffsetPagesOverHTTP(t *testing.T) {
	var inflight, maxSeen atomic.Int32
	c, _ := newServer(t, listingServer(2345, 5*time.Millisecond, &inflight, &maxSeen))
	var p model.Progress
	got, err := OffsetPages(context.Background(), 100, 6, &p, fetchItems(c))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, seq(2345)) {
		t.Fatalf("got %d items, not in order", len(got))
	}
	if done, total := p.Load(); done != 24 || total != 24 {
		t.Fatalf("progress %d/%d, want 24/24", done, total)
	}
	if m := maxSeen.Load(); m > 6 || m < 2 {
		t.Fatalf("server saw %d concurrent requests, want 2..6", m)
	}
}

// BenchmarkOffsetPages fetches 10,000 items, 100 per page, from a server
// answering each request after 20 ms: page by page versus 8 in flight.
func BenchmarkOffsetPages(b *testing.B) {
	for _, conc := range []int{1, 8} {
		b.Run("concurrency="+strconv.Itoa(conc), func(b *testing.B) {
			var inflight, maxSeen atomic.Int32
			srv := newBenchServer(b, listingServer(10_000, 20*time.Millisecond, &inflight, &maxSeen))
			c, err := New(srv + "/api/v2")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				items, err := OffsetPages(context.Background(), 100, conc, nil, fetchItems(c))
				if err != nil || len(items) != 10_000 {
					b.Fatalf("err %v, %d items", err, len(items))
				}
			}
			b.ReportMetric(float64(maxSeen.Load()), "max-inflight")
		})
	}
}
